// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rtnetlink over libmnl: pure builders that write one request into a
 * caller's (NLMSG-aligned) buffer, and calls that send it and wait for the
 * kernel's ACK, whose errno reaches the caller. Trusts interface names only
 * after a length check; the kernel validates the rest. Runs as root, in the
 * supervisor (veth, bridge) and in the box before the privilege drop.
 */
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

/* ---------------------------------------------------------------- builders */

static bool net_ifname_ok(const char *name)
{
	size_t len = name != NULL ? strnlen(name, IFNAMSIZ) : 0;

	return len > 0 && len < IFNAMSIZ;
}

/* Header (REQUEST|ACK|flags, seq) and a zeroed family header of `extra`
 * bytes; NULL when bufsz cannot hold them. */
static struct nlmsghdr *net_hdr(void *buf, size_t bufsz, uint16_t type,
				uint16_t flags, uint32_t seq, size_t extra)
{
	struct nlmsghdr *nlh;

	if (buf == NULL || bufsz < MNL_NLMSG_HDRLEN + MNL_ALIGN(extra))
		return NULL;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = seq;
	mnl_nlmsg_put_extra_header(nlh, extra);
	return nlh;
}

static struct nlmsghdr *net_link_hdr(void *buf, size_t bufsz, uint16_t type,
				     uint16_t flags, uint32_t seq, int ifindex)
{
	struct nlmsghdr *nlh = net_hdr(buf, bufsz, type, flags, seq,
				       sizeof(struct ifinfomsg));
	struct ifinfomsg *ifm;

	if (nlh == NULL || ifindex < 0)
		return NULL;
	ifm = mnl_nlmsg_get_payload(nlh);
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	return nlh;
}

/* A link message that carries one IFLA_IFNAME (rename, get, delete). */
static size_t net_link_named(void *buf, size_t bufsz, uint16_t type, uint32_t seq,
			     int ifindex, const char *name)
{
	struct nlmsghdr *nlh = net_link_hdr(buf, bufsz, type, 0, seq, ifindex);

	if (nlh == NULL || !net_ifname_ok(name) ||
	    !mnl_attr_put_strz_check(nlh, bufsz, IFLA_IFNAME, name))
		return 0;
	return nlh->nlmsg_len;
}

size_t nlmsg_link_up(void *buf, size_t bufsz, uint32_t seq, int ifindex)
{
	struct nlmsghdr *nlh = net_link_hdr(buf, bufsz, RTM_NEWLINK, 0, seq, ifindex);
	struct ifinfomsg *ifm;

	if (nlh == NULL || ifindex == 0)
		return 0;
	ifm = mnl_nlmsg_get_payload(nlh);
	ifm->ifi_change = IFF_UP;
	ifm->ifi_flags = IFF_UP;
	return nlh->nlmsg_len;
}

size_t nlmsg_veth_create(void *buf, size_t bufsz, uint32_t seq,
			 const char *host_if, const char *peer_if, int peer_netns_fd)
{
	struct nlmsghdr *nlh = net_link_hdr(buf, bufsz, RTM_NEWLINK,
					    NLM_F_CREATE | NLM_F_EXCL, seq, 0);
	struct nlattr *linkinfo, *data, *peer;
	struct ifinfomsg *peer_ifm;

	if (nlh == NULL || !net_ifname_ok(host_if) || !net_ifname_ok(peer_if) ||
	    peer_netns_fd < 0 ||
	    !mnl_attr_put_strz_check(nlh, bufsz, IFLA_IFNAME, host_if))
		return 0;
	linkinfo = mnl_attr_nest_start_check(nlh, bufsz, IFLA_LINKINFO);
	if (linkinfo == NULL ||
	    !mnl_attr_put_strz_check(nlh, bufsz, IFLA_INFO_KIND, "veth"))
		return 0;
	data = mnl_attr_nest_start_check(nlh, bufsz, IFLA_INFO_DATA);
	peer = data != NULL ? mnl_attr_nest_start_check(nlh, bufsz, VETH_INFO_PEER) : NULL;
	/* The peer's payload starts with its own ifinfomsg, then attributes. */
	if (peer == NULL || nlh->nlmsg_len + MNL_ALIGN(sizeof(*peer_ifm)) > bufsz)
		return 0;
	peer_ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*peer_ifm));
	peer_ifm->ifi_family = AF_UNSPEC;
	if (!mnl_attr_put_strz_check(nlh, bufsz, IFLA_IFNAME, peer_if) ||
	    !mnl_attr_put_u32_check(nlh, bufsz, IFLA_NET_NS_FD, (uint32_t)peer_netns_fd))
		return 0;
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	return nlh->nlmsg_len;
}

size_t nlmsg_veth_create_bridged(void *buf, size_t bufsz, uint32_t seq, const char *host_if,
				 const char *peer_if, int peer_netns_fd, int master_ifindex)
{
	size_t len = nlmsg_veth_create(buf, bufsz, seq, host_if, peer_if, peer_netns_fd);
	struct nlmsghdr *nlh = buf;
	struct ifinfomsg *ifm;

	if (len == 0 || master_ifindex <= 0 ||
	    !mnl_attr_put_u32_check(nlh, bufsz, IFLA_MASTER, (uint32_t)master_ifindex))
		return 0;
	ifm = mnl_nlmsg_get_payload(nlh);
	ifm->ifi_flags = IFF_UP;
	ifm->ifi_change = IFF_UP;
	return nlh->nlmsg_len;
}

size_t nlmsg_link_set_master(void *buf, size_t bufsz, uint32_t seq,
			     int ifindex, int master_ifindex)
{
	struct nlmsghdr *nlh = net_link_hdr(buf, bufsz, RTM_NEWLINK, 0, seq, ifindex);

	if (nlh == NULL || ifindex == 0 || master_ifindex <= 0 ||
	    !mnl_attr_put_u32_check(nlh, bufsz, IFLA_MASTER, (uint32_t)master_ifindex))
		return 0;
	return nlh->nlmsg_len;
}

size_t nlmsg_link_rename(void *buf, size_t bufsz, uint32_t seq, int ifindex,
			 const char *newname)
{
	if (ifindex <= 0)
		return 0;
	return net_link_named(buf, bufsz, RTM_NEWLINK, seq, ifindex, newname);
}

size_t nlmsg_link_get(void *buf, size_t bufsz, uint32_t seq, const char *ifname)
{
	return net_link_named(buf, bufsz, RTM_GETLINK, seq, 0, ifname);
}

size_t nlmsg_link_del(void *buf, size_t bufsz, uint32_t seq, const char *ifname)
{
	return net_link_named(buf, bufsz, RTM_DELLINK, seq, 0, ifname);
}

size_t nlmsg_addr_add(void *buf, size_t bufsz, uint32_t seq, int ifindex,
		      uint32_t addr_host_order, unsigned prefix)
{
	struct nlmsghdr *nlh = net_hdr(buf, bufsz, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL,
				       seq, sizeof(struct ifaddrmsg));
	uint32_t addr = htonl(addr_host_order);
	struct ifaddrmsg *ifa;

	if (nlh == NULL || ifindex <= 0 || prefix > 32)
		return 0;
	ifa = mnl_nlmsg_get_payload(nlh);
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (unsigned char)prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned)ifindex;
	if (!mnl_attr_put_u32_check(nlh, bufsz, IFA_LOCAL, addr) ||
	    !mnl_attr_put_u32_check(nlh, bufsz, IFA_ADDRESS, addr))
		return 0;
	/* /31 and /32 have no broadcast address (RFC 3021). */
	if (prefix < 31 && !mnl_attr_put_u32_check(nlh, bufsz, IFA_BROADCAST,
				htonl(addr_host_order | (UINT32_MAX >> prefix))))
		return 0;
	return nlh->nlmsg_len;
}

size_t nlmsg_route_default(void *buf, size_t bufsz, uint32_t seq, int ifindex,
			   uint32_t gw_host_order)
{
	struct nlmsghdr *nlh = net_hdr(buf, bufsz, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL,
				       seq, sizeof(struct rtmsg));
	struct rtmsg *rtm;

	if (nlh == NULL || ifindex <= 0)
		return 0;
	rtm = mnl_nlmsg_get_payload(nlh);
	rtm->rtm_family = AF_INET;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	if (!mnl_attr_put_u32_check(nlh, bufsz, RTA_GATEWAY, htonl(gw_host_order)) ||
	    !mnl_attr_put_u32_check(nlh, bufsz, RTA_OIF, (uint32_t)ifindex))
		return 0;
	return nlh->nlmsg_len;
}

int net_veth_names(pid_t supervisor_pid, char host_if[16], char peer_if[16])
{
	/* "nsr" + pid: pid_max is at most 2^22, so 7 digits at most; the
	 * name says which supervisor made it (ip link | grep nsr<pid>). */
	if (supervisor_pid <= 0 ||
	    nsr_fmt(host_if, IFNAMSIZ, "nsr%ld", (long)supervisor_pid) < 0 ||
	    nsr_fmt(peer_if, IFNAMSIZ, "nsp%ld", (long)supervisor_pid) < 0) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- requests */

/* Requests are small (names, a few u32s); replies go to a bigger buffer. */
struct net_sock {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	char req[512] __attribute__((aligned(NLMSG_ALIGNTO)));
};

static void net_sock_close(struct net_sock *s)
{
	int saved = errno;

	if (s->nl != NULL)
		mnl_socket_close(s->nl);
	errno = saved;
}

#define net_cleanup_sock __attribute__((cleanup(net_sock_close)))

static int net_sock_open(struct net_sock *s, struct nsr_err *err)
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
	char rbuf[32768] __attribute__((aligned(NLMSG_ALIGNTO)));
	const struct nlmsghdr *nlh = (const void *)s->req;
	ssize_t n;
	int r;

	if (len == 0) {         /* the builder refused: bad name or too long */
		errno = EINVAL;
		return -1;
	}
	if (mnl_socket_sendto(s->nl, s->req, len) < 0)
		return -1;
	for (;;) {
		n = mnl_socket_recvfrom(s->nl, rbuf, sizeof(rbuf));
		if (n < 0 && errno == EINTR)
			continue;       /* the supervisor forwards signals */
		if (n < 0)
			return -1;
		/* Checks seq and portid; an NLMSG_ERROR sets errno. */
		r = mnl_cb_run(rbuf, (size_t)n, nlh->nlmsg_seq, s->portid, cb, data);
		if (r <= 0)
			return r < 0 ? -1 : 0;
	}
}

struct net_link_reply {
	int ifindex;
	int is_bridge;
};

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
	if (mnl_attr_get_type(attr) == IFLA_LINKINFO &&
	    mnl_attr_validate(attr, MNL_TYPE_NESTED) == 0)
		return mnl_attr_parse_nested(attr, net_linkinfo_cb, data);
	return MNL_CB_OK;
}

static int net_link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct net_link_reply *rep = data;
	const struct ifinfomsg *ifm;

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifm))
		return MNL_CB_OK;
	ifm = mnl_nlmsg_get_payload(nlh);
	rep->ifindex = ifm->ifi_index;
	return mnl_attr_parse(nlh, sizeof(*ifm), net_link_attr_cb, data);
}

static int net_get(struct net_sock *s, const char *ifname, struct net_link_reply *rep)
{
	*rep = (struct net_link_reply){ 0 };
	if (net_talk(s, nlmsg_link_get(s->req, sizeof(s->req), ++s->seq, ifname),
		     net_link_cb, rep) < 0)
		return -1;
	if (rep->ifindex <= 0) {
		errno = ENODEV;
		return -1;
	}
	return 0;
}

/* The request buffer, its size and the next seq, for a builder's arguments. */
#define NET_REQ(s) (s).req, sizeof((s).req), ++(s).seq

static int net_do(struct net_sock *s, size_t len)
{
	return net_talk(s, len, NULL, NULL);
}

int net_lo_up(struct nsr_err *err)
{
	net_cleanup_sock struct net_sock s = { 0 };

	if (net_sock_open(&s, err) < 0)
		return -1;
	/* lo is ifindex 1 in every netns. */
	if (net_do(&s, nlmsg_link_up(NET_REQ(s), 1)) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot bring up lo");
	return 0;
}

int net_allow_ping(gid_t gid)
{
	char v[32];
	int fd, rc = 0;

	/* Through the host's procfs, still mounted at /proc in our copy of
	 * the mount table: net sysctls resolve to the opener's netns. */
	fd = nsr_openat(AT_FDCWD, "/proc/sys/net/ipv4/ping_group_range", O_WRONLY, 0);
	if (fd < 0)
		return -1;
	snprintf(v, sizeof(v), "%u %u", (unsigned)gid, (unsigned)gid);
	if (nsr_write_all(fd, v, strlen(v)) < 0)
		rc = -1;
	close(fd);
	return rc;
}

int net_link_info(const char *ifname, int *ifindex, int *is_bridge, struct nsr_err *err)
{
	net_cleanup_sock struct net_sock s = { 0 };
	struct net_link_reply rep;

	if (net_sock_open(&s, err) < 0)
		return -1;
	if (net_get(&s, ifname, &rep) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot look up %s", ifname);
	*ifindex = rep.ifindex;
	*is_bridge = rep.is_bridge;
	return 0;
}

int net_veth_to_bridge(const char *host_if, const char *peer_if, int netns_fd,
		       const char *bridge, struct nsr_err *err)
{
	net_cleanup_sock struct net_sock s = { 0 };
	struct net_link_reply br;

	if (net_sock_open(&s, err) < 0)
		return -1;
	if (net_get(&s, bridge, &br) < 0) {
		if (errno == ENODEV)
			return nsr_err_set(err, NSR_E_SETUP, 0, "bridge %s does not exist", bridge);
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot look up bridge %s", bridge);
	}
	if (!br.is_bridge)
		return nsr_err_set(err, NSR_E_SETUP, 0, "%s is not a bridge", bridge);
	/* One request: the pair named by the supervisor, the peer born inside
	 * the box's netns (netns_fd came from our own child, never the user),
	 * the host end up and on the bridge. The kernel undoes the whole link
	 * if any part fails, so there is nothing to clean up here. */
	if (net_do(&s, nlmsg_veth_create_bridged(NET_REQ(s), host_if, peer_if, netns_fd,
						 br.ifindex)) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot attach veth to bridge %s", bridge);
	return 0;
}

int net_link_del(const char *ifname, struct nsr_err *err)
{
	net_cleanup_sock struct net_sock s = { 0 };

	if (net_sock_open(&s, err) < 0)
		return -1;
	if (net_do(&s, nlmsg_link_del(NET_REQ(s), ifname)) < 0 && errno != ENODEV)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot delete %s", ifname);
	return 0;
}

int net_box_eth0(const char *peer_if, uint32_t addr, unsigned prefix, uint32_t gw,
		 struct nsr_err *err)
{
	net_cleanup_sock struct net_sock s = { 0 };
	struct net_link_reply peer;

	if (net_sock_open(&s, err) < 0)
		return -1;
	/* Everything below acts on the box's own netns only. */
	if (net_do(&s, nlmsg_link_up(NET_REQ(s), 1)) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot bring up lo");
	if (net_get(&s, peer_if, &peer) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot find %s in the box", peer_if);
	/* nsrun's supervisor creates the peer as eth0 already; others rename. */
	if (strcmp(peer_if, "eth0") != 0 &&
	    net_do(&s, nlmsg_link_rename(NET_REQ(s), peer.ifindex, "eth0")) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot rename %s to eth0", peer_if);
	if (net_do(&s, nlmsg_addr_add(NET_REQ(s), peer.ifindex, addr, prefix)) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot add address to eth0");
	if (net_do(&s, nlmsg_link_up(NET_REQ(s), peer.ifindex)) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot bring up eth0");
	if (net_do(&s, nlmsg_route_default(NET_REQ(s), peer.ifindex, gw)) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot add default route");
	return 0;
}
