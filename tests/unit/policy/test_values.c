// SPDX-License-Identifier: GPL-2.0-or-later
/* Value parsers and name rules of the policy library. No privilege. */
#include "config.h"

#include <string.h>

#include "fixture.h"
#include "internal.h"
#include "util.h"

START_TEST(size_ok)
{
	static const struct {
		const char *s;
		uint64_t v;
	} ok[] = {
		{ "0", 0 },
		{ "4096", 4096 },
		{ "1K", 1024 },
		{ "64k", 65536 },
		{ "256M", 256ULL << 20 },
		{ "1G", 1ULL << 30 },
		{ "3g", 3ULL << 30 },
		{ "8589934591G", 8589934591ULL << 30 },
		{ "9223372036854775807", 9223372036854775807ULL },
	};
	size_t i;

	for (i = 0; i < NSR_ARRAY_SIZE(ok); i++) {
		uint64_t v = 7;

		ck_assert_msg(policy_parse_size(ok[i].s, &v) == 0, "%s", ok[i].s);
		ck_assert_uint_eq(v, ok[i].v);
	}
}
END_TEST

START_TEST(size_bad)
{
	static const char *const bad[] = {
		"",
		"K",
		"-1",
		"+1",
		" 1",
		"1 ",
		"1 M",
		"1.5G",
		"1MB",
		"1T",
		"01",
		"00",
		"0x10",
		"8589934592G",
		"9223372036854775808",
		"18446744073709551616",
		"99999999999999999999999",
		"1KK",
		"M1",
	};
	size_t i;

	for (i = 0; i < NSR_ARRAY_SIZE(bad); i++) {
		uint64_t v = 7;

		ck_assert_msg(policy_parse_size(bad[i], &v) == -1, "\"%s\" accepted", bad[i]);
		ck_assert_uint_eq(v, 7);
	}
	ck_assert_int_eq(policy_parse_size(NULL, NULL), -1);
}
END_TEST

START_TEST(cpu_cases)
{
	static const struct {
		const char *s;
		uint32_t m;
	} ok[] = {
		{ "1", 1000 },		 { "1.5", 1500 },   { "0.001", 1 },
		{ "0.25", 250 },	 { "2.125", 2125 }, { "1024", 1024000 },
		{ "1024.000", 1024000 }, { "0.5", 500 },    { "16.05", 16050 },
	};
	static const char *const bad[] = {
		"0",  "0.0",  "0.000", "1.",   ".5", "1.2345", "1025", "1024.001",
		"-1", "01.5", "1,5",   "1.5 ", "",   "1e3",    "00.5", "4294967.296",
	};
	size_t i;

	for (i = 0; i < NSR_ARRAY_SIZE(ok); i++) {
		uint32_t m = 0;

		ck_assert_msg(policy_parse_cpu(ok[i].s, &m) == 0, "%s", ok[i].s);
		ck_assert_uint_eq(m, ok[i].m);
	}
	for (i = 0; i < NSR_ARRAY_SIZE(bad); i++) {
		uint32_t m = 7;

		ck_assert_msg(policy_parse_cpu(bad[i], &m) == -1, "\"%s\" accepted", bad[i]);
		ck_assert_uint_eq(m, 7);
	}
}
END_TEST

START_TEST(ipv4_cases)
{
	static const char *const bad[] = {
		"256.1.1.1",  "1.2.3",	  "1.2.3.4.5", "01.2.3.4",   "1.2.3.04",
		"1.2.3.4 ",   " 1.2.3.4", "1..3.4",    "1.2.3.",     "a.b.c.d",
		"1.2.3.4/24", "",	  "-1.2.3.4",  "1.2.3.1000",
	};
	uint32_t a = 0;
	size_t i;

	ck_assert_int_eq(policy_parse_ipv4("10.88.0.1", &a), 0);
	ck_assert_uint_eq(a, 0x0a580001u);
	ck_assert_int_eq(policy_parse_ipv4("0.0.0.0", &a), 0);
	ck_assert_uint_eq(a, 0);
	ck_assert_int_eq(policy_parse_ipv4("255.255.255.255", &a), 0);
	ck_assert_uint_eq(a, 0xffffffffu);
	for (i = 0; i < NSR_ARRAY_SIZE(bad); i++) {
		a = 7;
		ck_assert_msg(policy_parse_ipv4(bad[i], &a) == -1, "\"%s\" accepted", bad[i]);
		ck_assert_uint_eq(a, 7);
	}
}
END_TEST

START_TEST(cidr_cases)
{
	static const char *const bad[] = {
		"10.0.0.0/33",	 "10.0.0.1/24",	  "10.88.0.0",	   "10.88.0.0/",
		"10.88.0.0/024", "10.88.0.0/-1",  "10.88.0.0/24 ", "256.0.0.0/8",
		"10.88.0.0/8",	 "10.88.0.0//24", "10.88.0.0/2a",
	};
	uint32_t net = 0;
	unsigned p = 0;
	size_t i;

	ck_assert_int_eq(policy_parse_cidr("10.88.0.0/24", &net, &p), 0);
	ck_assert_uint_eq(net, 0x0a580000u);
	ck_assert_uint_eq(p, 24);
	ck_assert_int_eq(policy_parse_cidr("0.0.0.0/0", &net, &p), 0);
	ck_assert_uint_eq(p, 0);
	ck_assert_int_eq(policy_parse_cidr("10.0.0.1/32", &net, &p), 0);
	ck_assert_uint_eq(p, 32);
	for (i = 0; i < NSR_ARRAY_SIZE(bad); i++) {
		p = 99;
		ck_assert_msg(policy_parse_cidr(bad[i], &net, &p) == -1, "\"%s\" accepted", bad[i]);
		ck_assert_uint_eq(p, 99);
	}
}
END_TEST

START_TEST(uint_cases)
{
	uint64_t v = 0;

	ck_assert_int_eq(policy_parse_uint("1", 1, 10, &v), 0);
	ck_assert_uint_eq(v, 1);
	ck_assert_int_eq(policy_parse_uint("10", 1, 10, &v), 0);
	ck_assert_uint_eq(v, 10);
	ck_assert_int_eq(policy_parse_uint("0", 1, 10, &v), -1);
	ck_assert_int_eq(policy_parse_uint("11", 1, 10, &v), -1);
	ck_assert_int_eq(policy_parse_uint("010", 1, 100, &v), -1);
	ck_assert_int_eq(policy_parse_uint("18446744073709551616", 0, UINT64_MAX, &v), -1);
	ck_assert_int_eq(policy_parse_uint("18446744073709551615", 0, UINT64_MAX, &v), 0);
	ck_assert_uint_eq(v, UINT64_MAX);
}
END_TEST

START_TEST(policy_names)
{
	static const char *const ok[] = {
		"dev", "a", "0", "dev_box-1",
		"a123456789012345678901234567890123456789012345678901234567890123"
	};
	static const char *const bad[] = {
		"",	 "Dev",
		"_dev",	 "-dev",
		"de v",	 "dev.ini",
		"../x",	 "a/b",
		"dev\n", "a1234567890123456789012345678901234567890123456789012345678901234"
	};
	size_t i;

	ck_assert_uint_eq(strlen(ok[4]), 64);
	for (i = 0; i < NSR_ARRAY_SIZE(ok); i++)
		ck_assert_msg(policy_name_valid(ok[i]), "%s refused", ok[i]);
	for (i = 0; i < NSR_ARRAY_SIZE(bad); i++)
		ck_assert_msg(!policy_name_valid(bad[i]), "%s accepted", bad[i]);
	ck_assert(!policy_name_valid(NULL));
}
END_TEST

START_TEST(box_names)
{
	static const char *const ok[] = {
		"alice-box", "b", "9x", "a12345678901234567890123456789012345678901234567890123456789012"
	};
	static const char *const bad[] = {
		"", "Box", "-box", "a_b", "a.b", "a b", "a123456789012345678901234567890123456789012345678901234567890123"
	};
	size_t i;

	ck_assert_uint_eq(strlen(ok[3]), 63);
	for (i = 0; i < NSR_ARRAY_SIZE(ok); i++)
		ck_assert_msg(policy_box_valid(ok[i]), "%s refused", ok[i]);
	for (i = 0; i < NSR_ARRAY_SIZE(bad); i++)
		ck_assert_msg(!policy_box_valid(bad[i]), "%s accepted", bad[i]);
	ck_assert(!policy_box_valid(NULL));
}
END_TEST

START_TEST(hostnames)
{
	ck_assert(policy_hostname_valid("alice-box"));
	ck_assert(!policy_hostname_valid("build_user-1")); /* RFC 1123: no '_' */
	ck_assert(!policy_hostname_valid("-g7"));
	ck_assert(!policy_hostname_valid("box-"));
	ck_assert(!policy_hostname_valid("-"));
	ck_assert(policy_hostname_valid("a-b-1"));
	ck_assert(!policy_hostname_valid(""));
	ck_assert(!policy_hostname_valid("Host"));
	ck_assert(!policy_hostname_valid("a.b"));
	ck_assert(!policy_hostname_valid("$BOX"));
	ck_assert(policy_hostname_valid(
		"a12345678901234567890123456789012345678901234567890123456789012"));
	ck_assert(!policy_hostname_valid(
		"a123456789012345678901234567890123456789012345678901234567890123"));
}
END_TEST

START_TEST(paths)
{
	static const char *const ok[] = { "/",
					  "/usr",
					  "/srv/nsrun/images/debian-12",
					  "/a/.b/c..d/...",
					  "/x/$USER",
					  "/boxes/$BOX-$UID",
					  "$HOME",
					  "$HOME/x" };
	static const char *const bad_any[] = {
		"",	  "usr",     "//",	 "/usr/",    "/a//b",	"/a/./b", "/a/../b",
		"/..",	  "/.",	     "/a/b/.",	 "/a b",     "/a:b",	"/a\tb",  "/a\x7f",
		"/a\x80", "$USER/x", "/x$HOME",	 "/a/$HOME", "/$FOO",	"/$",	  "/$home",
		"$HOMEX", "$HOME/",  "$HOME//x", "/$USERX",  "/${USER}"
	};
	size_t i;

	for (i = 0; i < NSR_ARRAY_SIZE(ok); i++)
		ck_assert_msg(policy_path_ok(ok[i], true), "%s refused", ok[i]);
	for (i = 0; i < 3; i++)
		ck_assert_msg(policy_path_ok(ok[i], false), "%s refused", ok[i]);
	for (i = 3; i < NSR_ARRAY_SIZE(ok); i++)
		if (strchr(ok[i], '$') != NULL)
			ck_assert_msg(!policy_path_ok(ok[i], false), "%s accepted", ok[i]);
	for (i = 0; i < NSR_ARRAY_SIZE(bad_any); i++) {
		ck_assert_msg(!policy_path_ok(bad_any[i], true), "%s accepted", bad_any[i]);
		ck_assert_msg(!policy_path_ok(bad_any[i], false), "%s accepted", bad_any[i]);
	}
	ck_assert(!policy_path_ok(NULL, true));
}
END_TEST

START_TEST(path_length)
{
	char p[POLICY_STR_MAX + 1];

	memset(p, 'a', sizeof(p));
	p[0] = '/';
	p[POLICY_STR_MAX - 1] = '\0';
	ck_assert(policy_path_ok(p, false));
	p[POLICY_STR_MAX - 1] = 'a';
	p[POLICY_STR_MAX] = '\0';
	ck_assert(!policy_path_ok(p, false));
}
END_TEST

START_TEST(reserved_targets)
{
	ck_assert(policy_target_reserved("/"));
	ck_assert(policy_target_reserved("/proc"));
	ck_assert(policy_target_reserved("/proc/sys"));
	ck_assert(policy_target_reserved("/sys"));
	ck_assert(policy_target_reserved("/dev"));
	ck_assert(policy_target_reserved("/dev/shm"));
	ck_assert(!policy_target_reserved("/devices"));
	ck_assert(!policy_target_reserved("/process"));
	ck_assert(!policy_target_reserved("/system"));
	ck_assert(!policy_target_reserved("/data/proc"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("policy-values");
	TCase *t = tcase_create("values");

	tcase_add_test(t, size_ok);
	tcase_add_test(t, size_bad);
	tcase_add_test(t, cpu_cases);
	tcase_add_test(t, ipv4_cases);
	tcase_add_test(t, cidr_cases);
	tcase_add_test(t, uint_cases);
	suite_add_tcase(s, t);
	t = tcase_create("names");
	tcase_add_test(t, policy_names);
	tcase_add_test(t, box_names);
	tcase_add_test(t, hostnames);
	tcase_add_test(t, paths);
	tcase_add_test(t, path_length);
	tcase_add_test(t, reserved_targets);
	suite_add_tcase(s, t);
	return fx_run(s);
}
