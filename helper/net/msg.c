// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rtnetlink requests, built with libmnl's checked putters into a caller's
 * (NLMSG-aligned) buffer: pure, no socket, no privilege, unit-tested byte
 * by byte. Trusts interface names only after a length check; the kernel
 * validates the rest.
 */
#include "internal.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <string.h>

static bool net_ifname_ok(const char *name)
{
	size_t len = name != NULL ? strnlen(name, IFNAMSIZ) : 0;

	return len > 0 && len < IFNAMSIZ;
}

/* Header (REQUEST|ACK|flags, seq) and a zeroed family header of `extra`
 * bytes; NULL when bufsz cannot hold them. */
static struct nlmsghdr *net_hdr(void *buf, size_t bufsz, uint16_t type, uint16_t flags,
				uint32_t seq, size_t extra)
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

static struct nlmsghdr *net_link_hdr(void *buf, size_t bufsz, uint16_t type, uint16_t flags,
				     uint32_t seq, int ifindex)
{
	struct nlmsghdr *nlh = net_hdr(buf, bufsz, type, flags, seq, sizeof(struct ifinfomsg));
	struct ifinfomsg *ifm;

	if (nlh == NULL || ifindex < 0)
		return NULL;
	ifm = mnl_nlmsg_get_payload(nlh);
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	return nlh;
}

/* A link message that carries one IFLA_IFNAME (get, delete). */
static size_t net_link_named(void *buf, size_t bufsz, uint16_t type, uint32_t seq, int ifindex,
			     const char *name)
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

size_t nlmsg_veth_create(void *buf, size_t bufsz, uint32_t seq, const char *host_if,
			 const char *peer_if, int peer_netns_fd)
{
	struct nlmsghdr *nlh = net_link_hdr(buf, bufsz, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, seq,
					    0);
	struct nlattr *linkinfo, *data, *peer;
	struct ifinfomsg *peer_ifm;

	if (nlh == NULL || !net_ifname_ok(host_if) || !net_ifname_ok(peer_if) ||
	    peer_netns_fd < 0 || !mnl_attr_put_strz_check(nlh, bufsz, IFLA_IFNAME, host_if))
		return 0;
	linkinfo = mnl_attr_nest_start_check(nlh, bufsz, IFLA_LINKINFO);
	if (linkinfo == NULL || !mnl_attr_put_strz_check(nlh, bufsz, IFLA_INFO_KIND, "veth"))
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

size_t nlmsg_link_get(void *buf, size_t bufsz, uint32_t seq, const char *ifname)
{
	return net_link_named(buf, bufsz, RTM_GETLINK, seq, 0, ifname);
}

size_t nlmsg_link_del(void *buf, size_t bufsz, uint32_t seq, const char *ifname)
{
	return net_link_named(buf, bufsz, RTM_DELLINK, seq, 0, ifname);
}

size_t nlmsg_dump(void *buf, size_t bufsz, uint32_t seq, uint16_t type, size_t family_hdr)
{
	struct nlmsghdr *nlh = net_hdr(buf, bufsz, type, NLM_F_DUMP, seq, family_hdr);

	if (nlh == NULL)
		return 0;
	/* A dump ends with NLMSG_DONE; no ACK asked for. */
	nlh->nlmsg_flags &= (uint16_t)~NLM_F_ACK;
	return nlh->nlmsg_len;
}

size_t nlmsg_addr_add(void *buf, size_t bufsz, uint32_t seq, int ifindex, uint32_t addr_host_order,
		      unsigned prefix)
{
	struct nlmsghdr *nlh = net_hdr(buf, bufsz, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, seq,
				       sizeof(struct ifaddrmsg));
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

size_t nlmsg_route_default(void *buf, size_t bufsz, uint32_t seq, int ifindex, uint32_t gw_host_order)
{
	struct nlmsghdr *nlh = net_hdr(buf, bufsz, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, seq,
				       sizeof(struct rtmsg));
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
