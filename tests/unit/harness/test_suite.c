// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: suite files (inih), check lists, applying expectations. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suite.h"
#include "../ck_run.h"

static struct suite s;

START_TEST(test_full_suite)
{
	struct nsr_err err = { 0 };
	const char *text = "; comment\n[harness]\nnsrun = /opt/nsrun/bin/nsrun\nas = alice\ntimeout = 30\n"
			   "[run first]\npolicy = dev\nbox = b1\nhostname = custom\nnetwork = bridge\n"
			   "interfaces = lo, eth0\nwritable = persistent\npids = 128\nmemory = 64M\n"
			   "[run second]\npolicy = ci\nchecks = pid1, ipc\n";
	int pid1 = hx_check_find("pid1"), ipc = hx_check_find("ipc");

	ck_assert_int_eq(suite_parse_string(text, &s, &err), 0);
	ck_assert_str_eq(s.nsrun, "/opt/nsrun/bin/nsrun");
	ck_assert_str_eq(s.as, "alice");
	ck_assert_int_eq(s.timeout_s, 30);
	ck_assert_uint_eq(s.n_runs, 2);
	ck_assert_str_eq(s.runs[0].label, "first");
	ck_assert_str_eq(s.runs[0].box, "b1");
	ck_assert(s.runs[0].has_hostname && s.runs[0].has_net && s.runs[0].has_ifaces);
	ck_assert_int_eq(s.runs[0].net, POLICY_NET_BRIDGE);
	ck_assert_uint_eq(s.runs[0].n_ifaces, 2);
	ck_assert_str_eq(s.runs[0].ifaces[1], "eth0");
	ck_assert_int_eq(s.runs[0].writable, POLICY_WRITABLE_PERSISTENT);
	ck_assert_uint_eq(s.runs[0].pids, 128);
	ck_assert_uint_eq(s.runs[0].memory, 64ULL << 20);
	ck_assert_uint_eq(s.runs[0].checks, hx_all_checks());
	/* Defaults: box "harness"; checks only those named. */
	ck_assert_str_eq(s.runs[1].box, "harness");
	ck_assert_uint_eq(s.runs[1].checks, (1u << pid1) | (1u << ipc));
}
END_TEST

START_TEST(test_skip_list)
{
	struct nsr_err err = { 0 };

	ck_assert_int_eq(suite_parse_string("[run a]\npolicy = p\nskip = memory-oom,pids-limit\n",
					    &s, &err),
			 0);
	ck_assert_uint_eq(s.runs[0].checks & HX_BIT(hx_check_find("memory-oom")), 0);
	ck_assert_uint_eq(s.runs[0].checks & HX_BIT(hx_check_find("pids-limit")), 0);
	ck_assert_uint_ne(s.runs[0].checks & HX_BIT(hx_check_find("rootfs")), 0);
}
END_TEST

/* Each bad suite is refused with a message naming the problem. */
START_TEST(test_errors)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "[run a]\npolicy = p\nchecks = pid1, nosuch\n", "unknown check: nosuch" },
		{ "[run a]\npolicy = Bad!\n", "bad policy name" },
		{ "[run a]\npolicy = p\nbox = UPPER\n", "bad box name" },
		{ "[run a]\npolicy = p\nnetwork = wifi\n", "network must be" },
		{ "[run a]\npolicy = p\nwritable = yes\n", "writable must be" },
		{ "[run a]\npolicy = p\npids = lots\n", "bad limit" },
		{ "[run a]\npolicy = p\ncolour = red\n", "unknown key in [run]" },
		{ "[harness]\nfoo = 1\n[run a]\npolicy = p\n", "unknown key in [harness]" },
		{ "[elsewhere]\nx = 1\n", "unknown section" },
		{ "[run a]\npolicy = p\n[run a]\npolicy = q\n", "repeated section" },
		{ "[run a]\nbox = b\n", "no policy" },
		{ "[harness]\nas = bob\n", "no [run" },
		{ "[run a]\npolicy p\n", "syntax error" },
		{ "[harness]\ntimeout = 0\n[run a]\npolicy = p\n", "bad timeout" },
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct nsr_err err = { 0 };

		ck_assert_msg(suite_parse_string(bad[i].text, &s, &err) == -1, "accepted: %s",
			      bad[i].text);
		ck_assert_msg(strstr(err.msg, bad[i].msg) != NULL, "[%s] lacks [%s]", err.msg,
			      bad[i].msg);
	}
}
END_TEST

START_TEST(test_apply)
{
	struct nsr_err err = { 0 };
	struct hx_expect e = { .hostname = "from-policy",
			       .net = POLICY_NET_NONE,
			       .writable = POLICY_WRITABLE_NO };

	ck_assert_int_eq(suite_parse_string("[run a]\npolicy = p\nhostname = over\npids = 9\n", &s,
					    &err),
			 0);
	suite_apply(&s.runs[0], &e);
	ck_assert_str_eq(e.hostname, "over");
	ck_assert(e.has_pids);
	ck_assert_uint_eq(e.pids, 9);
	/* What the suite does not set stays as the policy implies. */
	ck_assert_int_eq(e.net, POLICY_NET_NONE);
	ck_assert(!e.has_memory);
	ck_assert(!e.has_ifaces);
}
END_TEST

/* The example suites shipped in harness/suites/ all parse. */
START_TEST(test_examples)
{
	DIR *d = opendir(HX_SUITES_DIR);
	struct dirent *ent;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((ent = readdir(d)) != NULL) {
		char path[4096];
		struct nsr_err err = { 0 };
		size_t len = strlen(ent->d_name);

		if (len < 5 || strcmp(ent->d_name + len - 4, ".ini") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", HX_SUITES_DIR, ent->d_name);
		ck_assert_msg(suite_parse_file(path, &s, &err) == 0, "%s: %s", path, err.msg);
		n++;
	}
	closedir(d);
	ck_assert_int_ge(n, 2);
}
END_TEST

int main(void)
{
	Suite *su = suite_create("harness-suite");
	TCase *tc = tcase_create("suite");

	tcase_add_test(tc, test_full_suite);
	tcase_add_test(tc, test_skip_list);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_apply);
	tcase_add_test(tc, test_examples);
	suite_add_tcase(su, tc);
	return nsr_ck_run(su, CK_FORK_GETENV);
}
