// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * helper/net/ (link.c, sock.c) against the real kernel, as root, but only
 * inside network namespaces each test makes itself (unshare in Check's
 * forked test process): the host's network is never touched, and the only
 * traffic is UDP between two of those namespaces. Skips (TAP "1..0 #
 * SKIP") otherwise, fails under NSRUN_MUST_WORK=1.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "net/internal.h"
#include "../ck_run.h"

#define IP(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (d))

static char buf[8192] __attribute__((aligned(NLMSG_ALIGNTO)));
static struct nsr_err err;

struct link {
	int index;
	int master;
	unsigned flags;
};

static int attr_cb(const struct nlattr *attr, void *data)
{
	if (mnl_attr_get_type(attr) == IFLA_MASTER && mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
		((struct link *)data)->master = (int)mnl_attr_get_u32(attr);
	return MNL_CB_OK;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	struct link *l = data;

	l->index = ifm->ifi_index;
	l->flags = ifm->ifi_flags;
	return mnl_attr_parse(nlh, sizeof(*ifm), attr_cb, data);
}

/* The test's own request path (independent of helper/net/'s): 0 or -errno. */
static int talk(size_t len, mnl_cb_t cb, void *data)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	char rbuf[32768] __attribute__((aligned(NLMSG_ALIGNTO)));
	uint32_t seq = ((struct nlmsghdr *)buf)->nlmsg_seq;
	int r = -1;
	ssize_t n;

	ck_assert_ptr_nonnull(nl);
	ck_assert_uint_gt(len, 0);
	ck_assert_int_eq(mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID), 0);
	ck_assert_int_ge(mnl_socket_sendto(nl, buf, len), 0);
	do {
		n = mnl_socket_recvfrom(nl, rbuf, sizeof(rbuf));
		ck_assert_int_gt(n, 0);
		r = mnl_cb_run(rbuf, (size_t)n, seq, mnl_socket_get_portid(nl), cb, data);
	} while (r > 0);
	r = r < 0 ? -errno : 0;
	mnl_socket_close(nl);
	return r;
}

static int query(const char *name, struct link *l)
{
	*l = (struct link){ 0, 0, 0 };
	return talk(nlmsg_link_get(buf, sizeof(buf), 1, name), link_cb, l);
}

static void make_bridge(const char *name)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlattr *nest;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	nlh->nlmsg_seq = 2;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	nest = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(nlh, nest);
	ck_assert_int_eq(talk(nlh->nlmsg_len, NULL, NULL), 0);
}

static void addr_up(const char *name, uint32_t addr, unsigned prefix)
{
	struct link l;

	ck_assert_int_eq(query(name, &l), 0);
	ck_assert_int_eq(talk(nlmsg_addr_add(buf, sizeof(buf), 3, l.index, addr, prefix), NULL, NULL),
			 0);
	ck_assert_int_eq(talk(nlmsg_link_up(buf, sizeof(buf), 4, l.index), NULL, NULL), 0);
}

static int netns_fd(void)
{
	int fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	return fd;
}

/* A: where the test runs; B: a second netns, as a box would have. */
static int ns_a = -1, ns_b = -1;

static void two_netns(void)
{
	ck_assert_int_eq(unshare(CLONE_NEWNET), 0);
	ns_a = netns_fd();
	ck_assert_int_eq(unshare(CLONE_NEWNET), 0);
	ns_b = netns_fd();
	ck_assert_int_eq(setns(ns_a, CLONE_NEWNET), 0);
}

static void enter(int fd)
{
	ck_assert_int_eq(setns(fd, CLONE_NEWNET), 0);
}

START_TEST(lo_up)
{
	struct link l;

	ck_assert_int_eq(unshare(CLONE_NEWNET), 0);
	ck_assert_int_eq(query("lo", &l), 0);
	ck_assert_int_eq(l.index, 1);
	ck_assert_uint_eq(l.flags & IFF_UP, 0);
	ck_assert_int_eq(net_lo_up(&err), 0);
	ck_assert_int_eq(query("lo", &l), 0);
	ck_assert_uint_eq(l.flags & IFF_UP, IFF_UP);
}
END_TEST

/* sock.c's lookup: index and bridge-ness, the kernel's ENODEV. */
static int lookup(const char *name, struct net_link_reply *r)
{
	net_cleanup_sock struct net_sock s = { 0 };

	ck_assert_int_eq(net_sock_open(&s, &err), 0);
	return net_get(&s, name, r) < 0 ? -errno : 0;
}

START_TEST(link_info)
{
	struct net_link_reply r;

	ck_assert_int_eq(unshare(CLONE_NEWNET), 0);
	make_bridge("tbr0");
	ck_assert_int_eq(lookup("tbr0", &r), 0);
	ck_assert_int_gt(r.ifindex, 1);
	ck_assert_int_eq(r.is_bridge, 1);
	ck_assert_int_eq(lookup("lo", &r), 0);
	ck_assert_int_eq(r.ifindex, 1);
	ck_assert_int_eq(r.is_bridge, 0);
	ck_assert_int_eq(lookup("nope0", &r), -ENODEV);
	ck_assert_int_eq(lookup("0123456789abcdef", &r), -EINVAL);
}
END_TEST

static int udp_socket(uint32_t bind_addr, uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(bind_addr) };
	struct timeval tv = { .tv_sec = 5 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	if (bind_addr != 0)
		ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

static void udp_check(int tx, int rx, uint32_t to, uint16_t port, uint32_t want_from)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(to) },
			   from;
	socklen_t fl = sizeof(from);
	char msg[16] = { 0 };

	ck_assert_int_eq(sendto(tx, "ping", 4, 0, (struct sockaddr *)&sa, sizeof(sa)), 4);
	ck_assert_int_eq(recvfrom(rx, msg, sizeof(msg), 0, (struct sockaddr *)&from, &fl), 4);
	ck_assert_str_eq(msg, "ping");
	ck_assert_uint_eq(ntohl(from.sin_addr.s_addr), want_from);
}

START_TEST(veth_to_bridge_and_eth0)
{
	struct link br, host, l;
	int rx_gw, rx_far, tx;

	two_netns();
	make_bridge("tbr0");
	addr_up("tbr0", IP(10, 88, 0, 1), 24);
	/* An address beyond the gateway, reachable from B only by the default route. */
	addr_up("lo", IP(10, 99, 0, 1), 32);
	ck_assert_int_eq(net_veth_to_bridge("nsr1", ns_b, "tbr0", &err), 0);
	ck_assert_int_eq(query("tbr0", &br), 0);
	ck_assert_int_eq(query("nsr1", &host), 0);
	ck_assert_int_eq(host.master, br.index);
	ck_assert_uint_eq(host.flags & IFF_UP, IFF_UP);
	ck_assert_int_eq(query("eth0", &l), -ENODEV); /* born in B */
	rx_gw = udp_socket(IP(10, 88, 0, 1), 5000);
	rx_far = udp_socket(IP(10, 99, 0, 1), 5001);

	enter(ns_b);
	ck_assert_int_eq(query("eth0", &l), 0); /* born as eth0 */
	ck_assert_uint_eq(l.flags & IFF_UP, 0);
	ck_assert_int_eq(net_box_eth0(IP(10, 88, 0, 2), 24, IP(10, 88, 0, 1), &err), 0);
	ck_assert_int_eq(query("eth0", &l), 0);
	ck_assert_uint_eq(l.flags & IFF_UP, IFF_UP);
	ck_assert_int_eq(query("lo", &l), 0);
	ck_assert_uint_eq(l.flags & IFF_UP, IFF_UP);
	/* The same again fails with the kernel's own errno: the address exists. */
	ck_assert_int_eq(net_box_eth0(IP(10, 88, 0, 2), 24, IP(10, 88, 0, 1), &err), -1);
	ck_assert_int_eq(err.errnum, EEXIST);
	ck_assert_str_eq(err.msg, "cannot add address to eth0");

	tx = udp_socket(0, 0);
	udp_check(tx, rx_gw, IP(10, 88, 0, 1), 5000, IP(10, 88, 0, 2));
	udp_check(tx, rx_far, IP(10, 99, 0, 1), 5001, IP(10, 88, 0, 2));

	enter(ns_a);
	/* A netns without eth0 (A's) is refused with the kernel's ENODEV. */
	ck_assert_int_eq(net_box_eth0(IP(10, 88, 0, 3), 24, IP(10, 88, 0, 1), &err), -1);
	ck_assert_int_eq(err.errnum, ENODEV);
	ck_assert_str_eq(err.msg, "cannot find eth0 in the box");
	ck_assert_int_eq(net_link_del("nsr1", &err), 0);
	ck_assert_int_eq(query("nsr1", &l), -ENODEV);
	ck_assert_int_eq(net_link_del("nsr1", &err), 0); /* already gone: fine */
	enter(ns_b);
	ck_assert_int_eq(query("eth0", &l), -ENODEV); /* the pair went together */
}
END_TEST

static void nothing_left(const char *host, const char *peer)
{
	struct link l;

	ck_assert_int_eq(query(host, &l), -ENODEV);
	enter(ns_b);
	ck_assert_int_eq(query(peer, &l), -ENODEV);
	enter(ns_a);
}

START_TEST(refusals_leave_nothing)
{
	two_netns();
	make_bridge("tbr0");
	ck_assert_int_eq(net_veth_to_bridge("nsr1", ns_b, "nope0", &err), -1);
	ck_assert_str_eq(err.msg, "bridge nope0 does not exist");
	ck_assert_int_eq(err.errnum, 0);
	nothing_left("nsr1", "eth0");
	ck_assert_int_eq(net_veth_to_bridge("nsr1", ns_b, "lo", &err), -1);
	ck_assert_str_eq(err.msg, "lo is not a bridge");
	nothing_left("nsr1", "eth0");
	/* The kernel refuses a name in use: its errno reaches the caller. */
	ck_assert_int_eq(net_veth_to_bridge("tbr0", ns_b, "tbr0", &err), -1);
	ck_assert_str_eq(err.msg, "cannot attach veth to bridge tbr0");
	ck_assert_int_eq(err.errnum, EEXIST);
	nothing_left("nsr1", "eth0");
	/* An eth0 already in the box's netns: refused, the host end gone too. */
	enter(ns_b);
	make_bridge("eth0");
	enter(ns_a);
	ck_assert_int_eq(net_veth_to_bridge("nsr2", ns_b, "tbr0", &err), -1);
	ck_assert_int_eq(err.errnum, EEXIST);
	nothing_left("nsr2", "nsp9");
	/* A netns fd that is not one. */
	ck_assert_int_eq(net_veth_to_bridge("nsr3", 0, "tbr0", &err), -1);
	ck_assert_int_ne(err.errnum, 0);
	nothing_left("nsr3", "nsp3");
}
END_TEST

static const char *skip_reason(void)
{
	pid_t pid;
	int status;

	if (geteuid() != 0)
		return "needs root (makes its own network namespaces)";
	pid = fork();
	if (pid == 0)
		_exit(unshare(CLONE_NEWNET) == 0 ? 0 : 1);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return "cannot create a network namespace here";
	return NULL;
}

int main(void)
{
	const char *why = skip_reason();
	Suite *s = suite_create("netlive");
	TCase *tc = tcase_create("netns");

	if (why != NULL)
		return nsr_ck_cannot_run("netlive", why);
	tcase_add_test(tc, lo_up);
	tcase_add_test(tc, link_info);
	tcase_add_test(tc, veth_to_bridge_and_eth0);
	tcase_add_test(tc, refusals_leave_nothing);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	/* Every test unshares its own netns: it must run in a child. */
	return nsr_ck_run(s, CK_FORK);
}
