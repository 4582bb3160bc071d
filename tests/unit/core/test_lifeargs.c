// SPDX-License-Identifier: GPL-2.0-or-later
/* The lifecycle's pure parts: the command line of --ps, --stop, --join,
 * --logs, --detach and --status-fd (accepted and refused), --signal
 * names, and the JSON string escaping of --ps --json and the status fd.
 * No privilege needed. */
#include <check.h>
#include <signal.h>
#include <string.h>

#include "args.h"
#include "status.h"
#include "stop.h"
#include "../ck_run.h"

#define ARGV(...) ((char *const[]){ __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *const[]){ __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(out, err, ...) args_parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), out, err)

START_TEST(modes)
{
	struct args_parsed a;
	struct nsr_err e = { 0 };
	char *const join[] = { "nsrun", "--join", "b1", "--", "ls", "-l", NULL };
	char *const join2[] = { "nsrun", "--join", "b1", "ls", "--json", NULL };

	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--ps"), 0);
	ck_assert_int_eq(a.mode, ARGS_MODE_PS);
	ck_assert(!a.json);
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--ps", "--json"), 0);
	ck_assert(a.json);
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--stop", "b1"), 0);
	ck_assert_int_eq(a.mode, ARGS_MODE_STOP);
	ck_assert_str_eq(a.req.box, "b1");
	ck_assert_uint_eq(a.timeout, 10);
	ck_assert_ptr_null(a.signal);
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--stop", "b1", "--signal", "KILL", "--timeout",
			       "0", "--user", "alice"),
			 0);
	ck_assert_str_eq(a.signal, "KILL");
	ck_assert_uint_eq(a.timeout, 0);
	ck_assert_str_eq(a.user, "alice");
	ck_assert_int_eq(args_parse(6, join, &a, &e), 0);
	ck_assert_int_eq(a.mode, ARGS_MODE_JOIN);
	ck_assert_int_eq(a.req.argc, 2);
	ck_assert_str_eq(a.req.argv[0], "ls");
	/* After the first command word everything is the command's. */
	ck_assert_int_eq(args_parse(5, join2, &a, &e), 0);
	ck_assert_int_eq(a.req.argc, 2);
	ck_assert_str_eq(a.req.argv[1], "--json");
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--join", "b1"), 0);
	ck_assert_ptr_null(a.req.argv);
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--logs", "b1", "--follow"), 0);
	ck_assert_int_eq(a.mode, ARGS_MODE_LOGS);
	ck_assert(a.follow);
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--policy", "dev", "--detach", "--status-fd", "3",
			       "b1"),
			 0);
	ck_assert(a.req.detach);
	ck_assert_int_eq(a.status_fd, 3);
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--policy", "dev", "b1"), 0);
	ck_assert_int_eq(a.status_fd, -1);
	ck_assert(!a.req.detach);
}
END_TEST

START_TEST(refusals)
{
	struct args_parsed a;
	struct nsr_err e = { 0 };

	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--json"), -1);
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--ps", "--follow"), -1);
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--ps", "extra"), -1);
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--stop"), -1);
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--stop", "Bad"), -1);
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--stop", "b", "extra"), -1);
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--stop", "b", "--stop", "c"), -1);
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--stop", "b", "--join", "c"), -1);
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--stop", "b", "--timeout", "-1"), -1);
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--stop", "b", "--timeout", "86401"), -1);
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--stop", "b", "--timeout", "010"), -1);
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--stop", "b", "--timeout", "1", "--timeout", "1"),
			 -1);
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--stop", "b", "--user", "../x"), -1);
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--stop", "b", "--user", ""), -1);
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--stop", "b", "--user", "-x"), -1);
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--ps", "--signal", "TERM"), -1);
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--join", "b", "--timeout", "1", "x"), -1);
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--join"), -1);
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--logs", "../b"), -1);
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--join", "b", "--dry-run"), -1);
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--policy", "dev", "--dry-run", "--detach", "b"), -1);
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--policy", "dev", "--status-fd", "2", "b"), -1);
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--policy", "dev", "--status-fd", "1024", "b"), -1);
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--policy", "dev", "--status-fd", "x", "b"), -1);
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--policy", "dev", "--status-fd"), -1);
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--ps", "--detach"), -1);
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--join", "b", "--status-fd", "3"), -1);
	ck_assert_int_eq(e.kind, NSR_E_USAGE);
}
END_TEST

START_TEST(signals)
{
	ck_assert_int_eq(stop_parse_signal("TERM"), SIGTERM);
	ck_assert_int_eq(stop_parse_signal("SIGKILL"), SIGKILL);
	ck_assert_int_eq(stop_parse_signal("9"), SIGKILL);
	ck_assert_int_eq(stop_parse_signal("USR1"), SIGUSR1);
	ck_assert_int_eq(stop_parse_signal("STOP"), -1);
	ck_assert_int_eq(stop_parse_signal("19"), -1);
	ck_assert_int_eq(stop_parse_signal("term"), -1);
	ck_assert_int_eq(stop_parse_signal(""), -1);
	ck_assert_int_eq(stop_parse_signal("123"), -1);
}
END_TEST

START_TEST(json)
{
	char buf[64];

	ck_assert_int_eq(status_json_str(buf, sizeof(buf), "plain"), 0);
	ck_assert_str_eq(buf, "\"plain\"");
	ck_assert_int_eq(status_json_str(buf, sizeof(buf), "a\"b\\c\n\x01"), 0);
	ck_assert_str_eq(buf, "\"a\\\"b\\\\c\\u000a\\u0001\"");
	ck_assert_int_eq(status_json_str(buf, 8, "toolongvalue"), -1);
	status_addr(0x0a580002, buf, sizeof(buf));
	ck_assert_str_eq(buf, "10.88.0.2");
	status_addr(0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("lifecycle");
	TCase *t = tcase_create("args");

	tcase_add_test(t, modes);
	tcase_add_test(t, refusals);
	tcase_add_test(t, signals);
	tcase_add_test(t, json);
	suite_add_tcase(s, t);
	return nsr_ck_run(s, CK_FORK_GETENV);
}
