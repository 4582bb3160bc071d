// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The rtnetlink builders of helper/net.c: each message is built into a
 * buffer and read back field by field with libmnl's own parser, so a wrong
 * type, flag, length or nesting fails here without a socket or privilege.
 */
#include <arpa/inet.h>
#include <check.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <string.h>

#include "net/internal.h"
#include "../ck_run.h"

#define MAXATTR 64

static char buf[1024] __attribute__((aligned(NLMSG_ALIGNTO)));

/* Attribute table: each type seen once, and no unknown leftovers. */
struct attrs {
	const struct nlattr *tb[MAXATTR];
	int count;
};

static int collect_cb(const struct nlattr *attr, void *data)
{
	struct attrs *a = data;
	int type = mnl_attr_get_type(attr);

	ck_assert_int_lt(type, MAXATTR);
	ck_assert_msg(a->tb[type] == NULL, "attribute %d twice", type);
	a->tb[type] = attr;
	a->count++;
	return MNL_CB_OK;
}

static struct attrs parse_msg(const struct nlmsghdr *nlh, size_t len, size_t hdrsz)
{
	struct attrs a = { { 0 }, 0 };

	ck_assert_uint_eq(nlh->nlmsg_len, len);
	ck_assert(mnl_nlmsg_ok(nlh, (int)len));
	ck_assert_int_eq(mnl_attr_parse(nlh, hdrsz, collect_cb, &a), MNL_CB_OK);
	return a;
}

static struct attrs parse_nested(const struct nlattr *nest)
{
	struct attrs a = { { 0 }, 0 };

	ck_assert_int_eq(mnl_attr_validate(nest, MNL_TYPE_NESTED), 0);
	ck_assert_int_eq(mnl_attr_parse_nested(nest, collect_cb, &a), MNL_CB_OK);
	return a;
}

static void check_str(const struct nlattr *attr, const char *want)
{
	ck_assert_ptr_nonnull(attr);
	ck_assert_int_eq(mnl_attr_validate(attr, MNL_TYPE_NUL_STRING), 0);
	ck_assert_uint_eq(mnl_attr_get_payload_len(attr), strlen(want) + 1);
	ck_assert_str_eq(mnl_attr_get_str(attr), want);
}

static void check_u32(const struct nlattr *attr, uint32_t want)
{
	ck_assert_ptr_nonnull(attr);
	ck_assert_int_eq(mnl_attr_validate(attr, MNL_TYPE_U32), 0);
	ck_assert_uint_eq(mnl_attr_get_u32(attr), want);
}

static void check_ip(const struct nlattr *attr, const char *dotted)
{
	struct in_addr want;

	ck_assert_int_eq(inet_pton(AF_INET, dotted, &want), 1);
	ck_assert_ptr_nonnull(attr);
	ck_assert_uint_eq(mnl_attr_get_payload_len(attr), 4);
	ck_assert_mem_eq(mnl_attr_get_payload(attr), &want, 4);
}

static const struct nlmsghdr *check_hdr(size_t len, uint16_t type, uint16_t flags, uint32_t seq)
{
	const struct nlmsghdr *nlh = (const void *)buf;

	ck_assert_uint_gt(len, 0);
	ck_assert_uint_eq(nlh->nlmsg_type, type);
	ck_assert_uint_eq(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | flags);
	ck_assert_uint_eq(nlh->nlmsg_seq, seq);
	ck_assert_uint_eq(nlh->nlmsg_pid, 0);
	return nlh;
}

static const struct ifinfomsg *check_ifi(const struct nlmsghdr *nlh, int index)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

	ck_assert_uint_eq(ifm->ifi_family, AF_UNSPEC);
	ck_assert_int_eq(ifm->ifi_index, index);
	return ifm;
}

START_TEST(link_up)
{
	size_t len = nlmsg_link_up(buf, sizeof(buf), 7, 3);
	const struct nlmsghdr *nlh = check_hdr(len, RTM_NEWLINK, 0, 7);
	const struct ifinfomsg *ifm = check_ifi(nlh, 3);
	struct attrs a = parse_msg(nlh, len, sizeof(*ifm));

	ck_assert_uint_eq(len, MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct ifinfomsg)));
	ck_assert_uint_eq(ifm->ifi_change, IFF_UP);
	ck_assert_uint_eq(ifm->ifi_flags, IFF_UP);
	ck_assert_int_eq(a.count, 0);
	ck_assert_uint_eq(nlmsg_link_up(buf, sizeof(buf), 7, 0), 0);
}
END_TEST

START_TEST(veth_create)
{
	size_t len = nlmsg_veth_create(buf, sizeof(buf), 42, "nsr4242", "nsp4242", 9);
	const struct nlmsghdr *nlh = check_hdr(len, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 42);
	const struct ifinfomsg *ifm = check_ifi(nlh, 0);
	struct attrs a = parse_msg(nlh, len, sizeof(*ifm)), info, data, peer = { { 0 }, 0 };
	const struct nlattr *pattr;
	const struct ifinfomsg *pifm;

	ck_assert_uint_eq(ifm->ifi_change, 0);
	ck_assert_int_eq(a.count, 2);
	check_str(a.tb[IFLA_IFNAME], "nsr4242");
	ck_assert_ptr_nonnull(a.tb[IFLA_LINKINFO]);
	/* LINKINFO is the last attribute and its nest ends with the message. */
	ck_assert_uint_eq((const char *)a.tb[IFLA_LINKINFO] - buf + a.tb[IFLA_LINKINFO]->nla_len,
			  len);
	info = parse_nested(a.tb[IFLA_LINKINFO]);
	ck_assert_int_eq(info.count, 2);
	check_str(info.tb[IFLA_INFO_KIND], "veth");
	data = parse_nested(info.tb[IFLA_INFO_DATA]);
	ck_assert_int_eq(data.count, 1);
	pattr = data.tb[VETH_INFO_PEER];
	ck_assert_ptr_nonnull(pattr);
	ck_assert_uint_ge(mnl_attr_get_payload_len(pattr), MNL_ALIGN(sizeof(*pifm)));
	pifm = mnl_attr_get_payload(pattr);
	ck_assert_uint_eq(pifm->ifi_family, AF_UNSPEC);
	ck_assert_int_eq(pifm->ifi_index, 0);
	ck_assert_int_eq(mnl_attr_parse_payload((const char *)pifm + MNL_ALIGN(sizeof(*pifm)),
						mnl_attr_get_payload_len(pattr) -
							MNL_ALIGN(sizeof(*pifm)),
						collect_cb, &peer),
			 MNL_CB_OK);
	ck_assert_int_eq(peer.count, 2);
	check_str(peer.tb[IFLA_IFNAME], "nsp4242");
	check_u32(peer.tb[IFLA_NET_NS_FD], 9);
}
END_TEST

START_TEST(veth_create_bridged)
{
	size_t len = nlmsg_veth_create_bridged(buf, sizeof(buf), 7, "nsr7", "eth0", 9, 12);
	const struct nlmsghdr *nlh = check_hdr(len, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 7);
	const struct ifinfomsg *ifm = check_ifi(nlh, 0);
	struct attrs a = parse_msg(nlh, len, sizeof(*ifm)), info;

	/* The host end is created up and enslaved, in the same request. */
	ck_assert_uint_eq(ifm->ifi_flags, IFF_UP);
	ck_assert_uint_eq(ifm->ifi_change, IFF_UP);
	ck_assert_int_eq(a.count, 3);
	check_str(a.tb[IFLA_IFNAME], "nsr7");
	check_u32(a.tb[IFLA_MASTER], 12);
	info = parse_nested(a.tb[IFLA_LINKINFO]);
	check_str(info.tb[IFLA_INFO_KIND], "veth");
	ck_assert_uint_eq(nlmsg_veth_create_bridged(buf, sizeof(buf), 7, "nsr7", "eth0", 9, 0), 0);
	ck_assert_uint_eq(nlmsg_veth_create_bridged(buf, sizeof(buf), 7, "nsr7", "eth0", -1, 12), 0);
	ck_assert_uint_eq(nlmsg_veth_create_bridged(buf, 60, 7, "nsr7", "eth0", 9, 12), 0);
}
END_TEST

START_TEST(veth_bad_args)
{
	ck_assert_uint_eq(nlmsg_veth_create(buf, sizeof(buf), 1, "", "nsp1", 3), 0);
	ck_assert_uint_eq(nlmsg_veth_create(buf, sizeof(buf), 1, "nsr1", "0123456789abcdef", 3), 0);
	ck_assert_uint_eq(nlmsg_veth_create(buf, sizeof(buf), 1, "nsr1", "nsp1", -1), 0);
	ck_assert_uint_eq(nlmsg_veth_create(buf, sizeof(buf), 1, NULL, "nsp1", 3), 0);
	/* 15 characters is the longest name IFNAMSIZ allows. */
	ck_assert_uint_gt(nlmsg_veth_create(buf, sizeof(buf), 1, "0123456789abcde", "nsp1", 3), 0);
}
END_TEST

START_TEST(get_del)
{
	size_t len = nlmsg_link_get(buf, sizeof(buf), 5, "nsbr0");
	const struct nlmsghdr *nlh = check_hdr(len, RTM_GETLINK, 0, 5);
	struct attrs a;

	check_ifi(nlh, 0);
	a = parse_msg(nlh, len, sizeof(struct ifinfomsg));
	ck_assert_int_eq(a.count, 1);
	check_str(a.tb[IFLA_IFNAME], "nsbr0");

	len = nlmsg_link_del(buf, sizeof(buf), 6, "nsr77");
	nlh = check_hdr(len, RTM_DELLINK, 0, 6);
	check_ifi(nlh, 0);
	a = parse_msg(nlh, len, sizeof(struct ifinfomsg));
	check_str(a.tb[IFLA_IFNAME], "nsr77");

	ck_assert_uint_eq(nlmsg_link_get(buf, sizeof(buf), 4, "0123456789abcdef"), 0);
	ck_assert_uint_eq(nlmsg_link_del(buf, sizeof(buf), 4, ""), 0);
}
END_TEST

START_TEST(addr_add)
{
	size_t len = nlmsg_addr_add(buf, sizeof(buf), 9, 4, 0x0a580002, 24);
	const struct nlmsghdr *nlh = check_hdr(len, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, 9);
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct attrs a = parse_msg(nlh, len, sizeof(*ifa));

	ck_assert_uint_eq(ifa->ifa_family, AF_INET);
	ck_assert_uint_eq(ifa->ifa_prefixlen, 24);
	ck_assert_uint_eq(ifa->ifa_scope, RT_SCOPE_UNIVERSE);
	ck_assert_uint_eq(ifa->ifa_flags, 0);
	ck_assert_uint_eq(ifa->ifa_index, 4);
	ck_assert_int_eq(a.count, 3);
	check_ip(a.tb[IFA_LOCAL], "10.88.0.2");
	check_ip(a.tb[IFA_ADDRESS], "10.88.0.2");
	check_ip(a.tb[IFA_BROADCAST], "10.88.0.255");

	len = nlmsg_addr_add(buf, sizeof(buf), 9, 4, 0xac100a05, 20);
	a = parse_msg((const void *)buf, len, sizeof(*ifa));
	check_ip(a.tb[IFA_BROADCAST], "172.16.15.255");
	/* /31 and /32 have no broadcast address. */
	len = nlmsg_addr_add(buf, sizeof(buf), 9, 4, 0x0a580002, 31);
	a = parse_msg((const void *)buf, len, sizeof(*ifa));
	ck_assert_int_eq(a.count, 2);
	ck_assert_ptr_null(a.tb[IFA_BROADCAST]);
	ck_assert_uint_eq(nlmsg_addr_add(buf, sizeof(buf), 9, 4, 0x0a580002, 33), 0);
	ck_assert_uint_eq(nlmsg_addr_add(buf, sizeof(buf), 9, 0, 0x0a580002, 24), 0);
}
END_TEST

START_TEST(route_default)
{
	size_t len = nlmsg_route_default(buf, sizeof(buf), 11, 4, 0x0a580001);
	const struct nlmsghdr *nlh = check_hdr(len, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, 11);
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct attrs a = parse_msg(nlh, len, sizeof(*rtm));

	ck_assert_uint_eq(rtm->rtm_family, AF_INET);
	ck_assert_uint_eq(rtm->rtm_dst_len, 0);
	ck_assert_uint_eq(rtm->rtm_src_len, 0);
	ck_assert_uint_eq(rtm->rtm_table, RT_TABLE_MAIN);
	ck_assert_uint_eq(rtm->rtm_protocol, RTPROT_BOOT);
	ck_assert_uint_eq(rtm->rtm_scope, RT_SCOPE_UNIVERSE);
	ck_assert_uint_eq(rtm->rtm_type, RTN_UNICAST);
	ck_assert_int_eq(a.count, 2);
	check_ip(a.tb[RTA_GATEWAY], "10.88.0.1");
	check_u32(a.tb[RTA_OIF], 4);
	ck_assert_uint_eq(nlmsg_route_default(buf, sizeof(buf), 11, 0, 0x0a580001), 0);
}
END_TEST

/* Every builder, at every buffer size below what it needs, refuses and
 * never writes past the size it was given. */
static size_t build(int which, void *b, size_t sz)
{
	switch (which) {
	case 0:
		return nlmsg_link_up(b, sz, 1, 2);
	case 1:
		return nlmsg_veth_create(b, sz, 1, "nsr4194304", "eth0", 5);
	case 2:
		return nlmsg_veth_create_bridged(b, sz, 1, "nsr4194304", "eth0", 5, 3);
	case 3:
		return nlmsg_addr_add(b, sz, 1, 2, 0x0a580002, 24);
	case 4:
		return nlmsg_route_default(b, sz, 1, 2, 0x0a580001);
	case 5:
		return nlmsg_link_get(b, sz, 1, "nsbr0");
	case 7:
		return nlmsg_dump(b, sz, 1, RTM_GETROUTE, sizeof(struct rtmsg));
	default:
		return nlmsg_link_del(b, sz, 1, "nsbr0");
	}
}

START_TEST(too_small)
{
	static char big[1024] __attribute__((aligned(NLMSG_ALIGNTO)));
	size_t need = build(_i, big, sizeof(big));

	ck_assert_uint_gt(need, 0);
	for (size_t sz = 0; sz < need; sz++) {
		memset(big, 0x5a, sizeof(big));
		ck_assert_msg(build(_i, big, sz) == 0, "builder %d fit in %zu < %zu", _i, sz, need);
		for (size_t i = sz; i < sizeof(big); i++)
			ck_assert_msg(big[i] == 0x5a, "builder %d wrote byte %zu of %zu", _i, i, sz);
	}
	ck_assert_uint_eq(build(_i, big, need), need);
}
END_TEST

/* A dump: REQUEST|DUMP and no ACK (a dump ends with NLMSG_DONE), a zeroed
 * family header (every family), nothing else. */
START_TEST(dump)
{
	const struct nlmsghdr *nlh = (const void *)buf;
	size_t len;

	memset(buf, 0x5a, sizeof(buf));
	len = nlmsg_dump(buf, sizeof(buf), 11, RTM_GETADDR, sizeof(struct ifaddrmsg));
	ck_assert_uint_eq(len, MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct ifaddrmsg)));
	ck_assert_uint_eq(nlh->nlmsg_len, len);
	ck_assert_uint_eq(nlh->nlmsg_type, RTM_GETADDR);
	ck_assert_uint_eq(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	ck_assert_uint_eq(nlh->nlmsg_seq, 11);
	for (size_t i = MNL_NLMSG_HDRLEN; i < len; i++)
		ck_assert_int_eq(buf[i], 0);
}
END_TEST

START_TEST(veth_names)
{
	char host[16];

	ck_assert_int_eq(net_veth_name(4242, host), 0);
	ck_assert_str_eq(host, "nsr4242");
	ck_assert_int_eq(net_veth_name(4194304, host), 0);
	ck_assert_str_eq(host, "nsr4194304");
	ck_assert_int_eq(net_veth_name(2147483647, host), 0);
	ck_assert_uint_lt(strlen(host), IFNAMSIZ);
	ck_assert_int_eq(net_veth_name(0, host), -1);
	ck_assert_int_eq(net_veth_name(-5, host), -1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("netmsg");
	TCase *tc = tcase_create("build");

	tcase_add_test(tc, link_up);
	tcase_add_test(tc, veth_create);
	tcase_add_test(tc, veth_create_bridged);
	tcase_add_test(tc, veth_bad_args);
	tcase_add_test(tc, get_del);
	tcase_add_test(tc, addr_add);
	tcase_add_test(tc, route_default);
	tcase_add_loop_test(tc, too_small, 0, 8);
	tcase_add_test(tc, dump);
	tcase_add_test(tc, veth_names);
	suite_add_tcase(s, tc);
	return nsr_ck_run(s, CK_FORK_GETENV);
}
