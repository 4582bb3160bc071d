// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: parsing the probe's key=value output (untrusted text). */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "../ck_run.h"

static const char sample[] = "probe=1\n"
			     "pid=2\n"
			     "uid=1000 1000 1000 1000\n"
			     "capeff=0000000000000000\n"
			     "capbnd=000001ffffffffff\n"
			     "proc=1 init\n"
			     "proc=2 nsrun-probe\n"
			     "garbage without equals\n"
			     "=no key\n"
			     "mount=36 35 0:31 / / ro - overlay a=b,c=d\n"
			     "empty=\n"
			     "last=no newline";

START_TEST(test_parse_keys)
{
	struct facts f;

	ck_assert_int_eq(facts_parse(sample, strlen(sample), &f), 0);
	ck_assert_str_eq(facts_get(&f, "pid"), "2");
	ck_assert_str_eq(facts_get(&f, "empty"), "");
	ck_assert_str_eq(facts_get(&f, "last"), "no newline");
	ck_assert_ptr_null(facts_get(&f, "nosuch"));
	/* The value keeps everything after the first '='. */
	ck_assert_str_eq(facts_get(&f, "mount"), "36 35 0:31 / / ro - overlay a=b,c=d");
	ck_assert_uint_eq(f.noise, 2);
	facts_free(&f);
}
END_TEST

START_TEST(test_repeated)
{
	struct facts f;

	ck_assert_int_eq(facts_parse(sample, strlen(sample), &f), 0);
	ck_assert_uint_eq(facts_count(&f, "proc"), 2);
	ck_assert_str_eq(facts_nth(&f, "proc", 1), "2 nsrun-probe");
	ck_assert_ptr_null(facts_nth(&f, "proc", 2));
	ck_assert(facts_has(&f, "proc", "1 init"));
	ck_assert(!facts_has(&f, "proc", "1 ini"));
	facts_free(&f);
}
END_TEST

START_TEST(test_not_nul_terminated)
{
	const char text[] = { 'a', '=', '1', '\n', 'b', '=', '2', 'X' };
	struct facts f;

	/* Only len bytes are read: "b=2", not "b=2X". */
	ck_assert_int_eq(facts_parse(text, 7, &f), 0);
	ck_assert_str_eq(facts_get(&f, "b"), "2");
	facts_free(&f);
}
END_TEST

START_TEST(test_ids_and_numbers)
{
	uint64_t m;
	long l;

	ck_assert(facts_ids_all("1000 1000 1000 1000", 1000));
	ck_assert(!facts_ids_all("1000 0 1000 1000", 1000));
	ck_assert(!facts_ids_all("", 0));
	ck_assert(!facts_ids_all(NULL, 0));
	ck_assert(!facts_ids_all("1000x", 1000));
	ck_assert_int_eq(facts_hex("0000000000000000", &m), 0);
	ck_assert_uint_eq(m, 0);
	ck_assert_int_eq(facts_hex("000001ffffffffff", &m), 0);
	ck_assert_uint_eq(m, 0x1ffffffffffULL);
	ck_assert_int_eq(facts_hex("!EACCES", &m), -1);
	ck_assert_int_eq(facts_hex("", &m), -1);
	ck_assert_int_eq(facts_long("-3", &l), 0);
	ck_assert_int_eq(l, -3);
	ck_assert_int_eq(facts_long("12a", &l), -1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("harness-facts");
	TCase *tc = tcase_create("facts");

	tcase_add_test(tc, test_parse_keys);
	tcase_add_test(tc, test_repeated);
	tcase_add_test(tc, test_not_nul_terminated);
	tcase_add_test(tc, test_ids_and_numbers);
	suite_add_tcase(s, tc);
	return nsr_ck_run(s, CK_FORK_GETENV);
}
