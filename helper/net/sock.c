// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One rtnetlink conversation: a NETLINK_ROUTE socket (CLOEXEC) in the
 * caller's current netns, a request sent, replies read until the ACK with
 * seq and portid checked, the kernel's errno handed back. Runs as root in
 * the supervisor and in the box child before the drop.
 */
#include "internal.h"

#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <time.h>

void net_sock_close(struct net_sock *s)
{
	int saved = errno;

	if (s->nl != NULL)
		mnl_socket_close(s->nl);
	errno = saved;
}

int net_sock_open(struct net_sock *s, struct nsr_err *err)
{
	/* A NETLINK_ROUTE socket in the caller's current netns; CLOEXEC so it
	 * can never reach the payload. */
	s->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (s->nl == NULL)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot open rtnetlink socket");
	if (mnl_socket_bind(s->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot bind rtnetlink socket");
	s->portid = mnl_socket_get_portid(s->nl);
	s->seq = (uint32_t)time(NULL);
	return 0;
}

/* Send the request in s->req and read until the ACK.
 * cb sees the data replies (RTM_GETLINK). -1 with errno on any failure,
 * including the kernel's NLMSG_ERROR. */
static int net_talk(struct net_sock *s, size_t len, mnl_cb_t cb, void *data)
{
	/* Static, not on the stack: the stack-clash probes would touch all
	 * eight pages of it in every caller, each a page fault in the box
	 * child (a fresh stack there); here only what a reply fills is
	 * touched (doc/performance.md). Single-threaded. */
	static char rbuf[32768] __attribute__((aligned(NLMSG_ALIGNTO)));
	const struct nlmsghdr *nlh = (const void *)s->req;
	ssize_t n;
	int r;

	if (len == 0) { /* the builder refused: bad name or too long */
		errno = EINVAL;
		return -1;
	}
	if (mnl_socket_sendto(s->nl, s->req, len) < 0)
		return -1;
	for (;;) {
		n = mnl_socket_recvfrom(s->nl, rbuf, sizeof(rbuf));
		if (n < 0 && errno == EINTR)
			continue; /* the supervisor forwards signals */
		if (n < 0)
			return -1;
		/* Checks seq and portid; an NLMSG_ERROR sets errno. */
		r = mnl_cb_run(rbuf, (size_t)n, nlh->nlmsg_seq, s->portid, cb, data);
		if (r <= 0)
			return r < 0 ? -1 : 0;
	}
}

static int net_linkinfo_cb(const struct nlattr *attr, void *data)
{
	struct net_link_reply *rep = data;

	if (mnl_attr_get_type(attr) == IFLA_INFO_KIND &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0 &&
	    strcmp(mnl_attr_get_str(attr), "bridge") == 0)
		rep->is_bridge = 1;
	return MNL_CB_OK;
}

static int net_link_attr_cb(const struct nlattr *attr, void *data)
{
	if (mnl_attr_get_type(attr) == IFLA_LINKINFO && mnl_attr_validate(attr, MNL_TYPE_NESTED) == 0)
		return mnl_attr_parse_nested(attr, net_linkinfo_cb, data);
	return MNL_CB_OK;
}

static int net_link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct net_link_reply *rep = data;
	const struct ifinfomsg *ifm;

	if (nlh->nlmsg_type != RTM_NEWLINK || mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifm))
		return MNL_CB_OK;
	ifm = mnl_nlmsg_get_payload(nlh);
	rep->ifindex = ifm->ifi_index;
	return mnl_attr_parse(nlh, sizeof(*ifm), net_link_attr_cb, data);
}

int net_get(struct net_sock *s, const char *ifname, struct net_link_reply *rep)
{
	*rep = (struct net_link_reply){ 0 };
	if (net_talk(s, nlmsg_link_get(s->req, sizeof(s->req), ++s->seq, ifname), net_link_cb, rep) <
	    0)
		return -1;
	if (rep->ifindex <= 0) {
		errno = ENODEV;
		return -1;
	}
	return 0;
}

int net_do(struct net_sock *s, size_t len)
{
	return net_talk(s, len, NULL, NULL);
}

int net_dump(struct net_sock *s, size_t len, mnl_cb_t cb, void *data)
{
	return net_talk(s, len, cb, data);
}
