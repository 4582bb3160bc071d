// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The floor's bridged network: one rtnetlink request in the parent (veth
 * on the bridge, peer born as eth0 in the child's netns), four in the child
 * (lo up, address, eth0 up, default route), and a flock'd one-byte-a-slot
 * lease file. Runs as root; trusts its own arguments (a benchmark tool).
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "floor.h"

#define FLOOR_SLOTS 256
#define FLOOR_NL_BUF 8192

static struct mnl_socket *floor_nl_open(void)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);

	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		floor_die("netlink socket");
	return nl;
}

/* Send one request with NLM_F_ACK and wait for its ACK; errors but
 * ok_errno are fatal. */
static void floor_nl_talk_ok(struct mnl_socket *nl, struct nlmsghdr *nlh, const char *what,
			     int ok_errno)
{
	char buf[FLOOR_NL_BUF];
	unsigned portid = mnl_socket_get_portid(nl);
	ssize_t n;
	int r;

	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = (uint32_t)time(NULL);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		floor_die(what);
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			floor_die(what);
		r = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, portid, NULL, NULL);
	} while (r > 0);
	if (r < 0 && errno != ok_errno)
		floor_die(what);
}

static void floor_nl_talk(struct mnl_socket *nl, struct nlmsghdr *nlh, const char *what)
{
	floor_nl_talk_ok(nl, nlh, what, 0);
}

static struct nlmsghdr *floor_nl_link(char *buf, uint16_t type, uint16_t flags,
				      int ifindex, unsigned up)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = up ? IFF_UP : 0;
	ifi->ifi_change = up ? IFF_UP : 0;
	return nlh;
}

void floor_net_veth(const char *bridge, pid_t child)
{
	char buf[FLOOR_NL_BUF];
	char host_if[IFNAMSIZ];
	unsigned master = if_nametoindex(bridge);
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct nlattr *linkinfo, *data, *peer;
	struct ifinfomsg *pifi;

	if (master == 0)
		floor_die(bridge);
	snprintf(host_if, sizeof(host_if), "nsrf%d", (int)child);
	nlh = floor_nl_link(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0, 1);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, host_if);
	mnl_attr_put_u32(nlh, IFLA_MASTER, master);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	pifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*pifi));
	pifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "eth0");
	mnl_attr_put_u32(nlh, IFLA_NET_NS_PID, (uint32_t)child);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	nl = floor_nl_open();
	floor_nl_talk(nl, nlh, "veth create");
	mnl_socket_close(nl);
}

void floor_net_veth_del(pid_t child)
{
	char buf[FLOOR_NL_BUF];
	char host_if[IFNAMSIZ];
	struct mnl_socket *nl = floor_nl_open();
	struct nlmsghdr *nlh;

	snprintf(host_if, sizeof(host_if), "nsrf%d", (int)child);
	nlh = floor_nl_link(buf, RTM_DELLINK, 0, 0, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, host_if);
	floor_nl_talk_ok(nl, nlh, "veth delete", ENODEV);
	mnl_socket_close(nl);
}

void floor_net_lo(void)
{
	char buf[FLOOR_NL_BUF];
	struct mnl_socket *nl = floor_nl_open();

	floor_nl_talk(nl, floor_nl_link(buf, RTM_NEWLINK, 0, 1, 1), "lo up");
	mnl_socket_close(nl);
}

void floor_net_box(uint32_t addr, unsigned prefix, uint32_t gw)
{
	char buf[FLOOR_NL_BUF];
	struct mnl_socket *nl = floor_nl_open();
	int eth0 = (int)if_nametoindex("eth0");
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	struct rtmsg *rtm;

	if (eth0 == 0)
		floor_die("eth0");
	floor_nl_talk(nl, floor_nl_link(buf, RTM_NEWLINK, 0, 1, 1), "lo up");

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (unsigned char)prefix;
	ifa->ifa_index = (unsigned)eth0;
	mnl_attr_put_u32(nlh, IFA_LOCAL, htonl(addr));
	mnl_attr_put_u32(nlh, IFA_ADDRESS, htonl(addr));
	floor_nl_talk(nl, nlh, "eth0 address");

	floor_nl_talk(nl, floor_nl_link(buf, RTM_NEWLINK, 0, eth0, 1), "eth0 up");

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(nlh, RTA_GATEWAY, htonl(gw));
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)eth0);
	floor_nl_talk(nl, nlh, "default route");
	mnl_socket_close(nl);
}

/* The lease file holds one byte per host address: 0 free, 1 taken. */
static int floor_lease_open(const char *path, unsigned char *slots)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0 || flock(fd, LOCK_EX) < 0)
		floor_die(path);
	memset(slots, 0, FLOOR_SLOTS);
	if (pread(fd, slots, FLOOR_SLOTS, 0) < 0)
		floor_die(path);
	return fd;
}

uint32_t floor_net_lease(const char *path, uint32_t subnet)
{
	unsigned char slots[FLOOR_SLOTS];
	int fd = floor_lease_open(path, slots);
	unsigned i;

	for (i = 2; i < FLOOR_SLOTS - 1 && slots[i]; i++)
		;
	if (i == FLOOR_SLOTS - 1) {
		errno = ENOSPC;
		floor_die("lease: no free address");
	}
	slots[i] = 1;
	if (pwrite(fd, slots, FLOOR_SLOTS, 0) != FLOOR_SLOTS)
		floor_die(path);
	close(fd);
	return subnet | i;
}

void floor_net_release(const char *path, uint32_t addr)
{
	unsigned char slots[FLOOR_SLOTS];
	int fd = floor_lease_open(path, slots);

	slots[addr & 0xff] = 0;
	if (pwrite(fd, slots, FLOOR_SLOTS, 0) != FLOOR_SLOTS)
		floor_die(path);
	close(fd);
}
