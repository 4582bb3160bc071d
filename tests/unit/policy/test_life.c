// SPDX-License-Identifier: GPL-2.0-or-later
/* The lifetime keys of nsrun.policy(5): [limits] runtime, [box] join,
 * log_max and log_keep, accepted and refused with their line; the
 * duration parser and formatter. No privilege. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "fixture.h"

static int lx_parse(const char *section, const char *body)
{
	static char text[4096];

	snprintf(text, sizeof(text), FX_HEAD "[%s]\n%s", section, body);
	return fx_parse(text);
}

#define lx_ok(sec, body) ck_assert_msg(lx_parse(sec, body) == 0, "%s", fx_dump())
#define lx_bad(sec, body, line, sub)                                                              \
	do {                                                                                      \
		ck_assert_int_eq(lx_parse(sec, body), -1);                                        \
		ck_assert_msg(fx_has(line, sub), "want %u \"%s\"; got %s", (unsigned)(line), sub, \
			      fx_dump());                                                         \
	} while (0)

START_TEST(durations)
{
	uint64_t s = 0;
	char buf[32];

	ck_assert_int_eq(policy_parse_duration("8h", &s), 0);
	ck_assert_uint_eq(s, 8 * 3600);
	ck_assert_int_eq(policy_parse_duration("90", &s), 0);
	ck_assert_uint_eq(s, 90);
	ck_assert_int_eq(policy_parse_duration("90s", &s), 0);
	ck_assert_uint_eq(s, 90);
	ck_assert_int_eq(policy_parse_duration("15m", &s), 0);
	ck_assert_uint_eq(s, 900);
	ck_assert_int_eq(policy_parse_duration("366d", &s), 0);
	ck_assert_uint_eq(s, 366 * 86400);
	ck_assert_int_eq(policy_parse_duration("367d", &s), -1);
	ck_assert_int_eq(policy_parse_duration("0", &s), -1);
	ck_assert_int_eq(policy_parse_duration("0h", &s), -1);
	ck_assert_int_eq(policy_parse_duration("h", &s), -1);
	ck_assert_int_eq(policy_parse_duration("", &s), -1);
	ck_assert_int_eq(policy_parse_duration("1.5h", &s), -1);
	ck_assert_int_eq(policy_parse_duration("08h", &s), -1);
	ck_assert_int_eq(policy_parse_duration("1H", &s), -1);
	ck_assert_int_eq(policy_parse_duration("1w", &s), -1);
	ck_assert_int_eq(policy_parse_duration("-1s", &s), -1);
	ck_assert_int_eq(policy_parse_duration("1 h", &s), -1);
	ck_assert_int_eq(policy_parse_duration("99999999999999999999999d", &s), -1);

	ck_assert_int_eq(policy_format_duration(8 * 3600, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "8h");
	ck_assert_int_eq(policy_format_duration(5400, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "90m");
	ck_assert_int_eq(policy_format_duration(2 * 86400, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "2d");
	ck_assert_int_eq(policy_format_duration(61, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "61s");
	ck_assert_int_eq(policy_format_duration(61, buf, 3), -1);
}
END_TEST

START_TEST(runtime_key)
{
	lx_ok("limits", "pids = 10\n");
	ck_assert(!fx_pol.limits.has_runtime);
	lx_ok("limits", "runtime = 8h\n");
	ck_assert(fx_pol.limits.has_runtime);
	ck_assert_uint_eq(fx_pol.limits.runtime, 8 * 3600);
	lx_bad("limits", "runtime = 8 h\n", 4, "limits.runtime: \"8 h\" is not a duration");
	lx_bad("limits", "runtime = 0s\n", 4, "limits.runtime");
	lx_bad("limits", "runtime = 1y\n", 4, "limits.runtime");
	lx_bad("limits", "runtime = 1h\nruntime = 2h\n", 5, "repeated key");
	lx_bad("box", "runtime = 1h\n", 4, "unknown key");
}
END_TEST

START_TEST(box_keys)
{
	lx_ok("box", "hostname = b\n");
	ck_assert(!fx_pol.deny_join);
	ck_assert(!fx_pol.log_keep);
	ck_assert_uint_eq(fx_pol.log_max, 0);
	lx_ok("box", "join = no\nlog_max = 1M\nlog_keep = yes\n");
	ck_assert(fx_pol.deny_join);
	ck_assert(fx_pol.log_keep);
	ck_assert_uint_eq(fx_pol.log_max, 1 << 20);
	lx_ok("box", "join = yes\nlog_keep = no\n");
	ck_assert(!fx_pol.deny_join);
	ck_assert(!fx_pol.log_keep);
	lx_bad("box", "join = maybe\n", 4, "box.join: \"maybe\": expected yes or no");
	lx_bad("box", "log_keep = 1\n", 4, "box.log_keep: \"1\": expected yes or no");
	lx_bad("box", "log_max = 10\n", 4, "box.log_max: \"10\" is not from 64K to 16G");
	lx_bad("box", "log_max = 17G\n", 4, "box.log_max: \"17G\" is not from 64K to 16G");
	lx_bad("box", "log_max = 1.5M\n", 4, "box.log_max: \"1.5M\" is not a size");
	lx_bad("box", "join = no\njoin = no\n", 5, "repeated key");
	lx_bad("limits", "join = no\n", 4, "unknown key");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("policy-life");
	TCase *t = tcase_create("life");

	tcase_add_test(t, durations);
	tcase_add_test(t, runtime_key);
	tcase_add_test(t, box_keys);
	suite_add_tcase(s, t);
	return fx_run(s);
}
