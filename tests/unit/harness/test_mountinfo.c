// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: splitting mountinfo lines (text that may come from a box). */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mountinfo.h"
#include "../ck_run.h"

static struct mi_entry e;

START_TEST(test_fields)
{
	const char *l = "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue";

	ck_assert_int_eq(mi_parse(l, strlen(l), &e), 0);
	ck_assert_int_eq(e.id, 36);
	ck_assert_int_eq(e.parent, 35);
	ck_assert_str_eq(e.dev, "98:0");
	ck_assert_str_eq(e.root, "/mnt1");
	ck_assert_str_eq(e.point, "/mnt2");
	ck_assert_str_eq(e.opts, "rw,noatime");
	ck_assert_str_eq(e.optional, "master:1");
	ck_assert_str_eq(e.fstype, "ext3");
	ck_assert_str_eq(e.source, "/dev/root");
	ck_assert_str_eq(e.superopts, "rw,errors=continue");
}
END_TEST

START_TEST(test_no_optional_and_length)
{
	/* Only len bytes count: the rest of the buffer is the next line. */
	const char *l = "21 26 0:20 / /proc rw,relatime - proc proc rw\n22 26 0:21 / /sys";

	ck_assert_int_eq(mi_parse(l, strcspn(l, "\n"), &e), 0);
	ck_assert_str_eq(e.point, "/proc");
	ck_assert_str_eq(e.optional, "");
	ck_assert_str_eq(e.superopts, "rw");
}
END_TEST

START_TEST(test_propagation_fields)
{
	const char *shared = "1 0 0:1 / / rw shared:5 - tmpfs t rw";
	const char *slave = "1 0 0:1 / / rw master:7 propagate_from:2 - tmpfs t rw";
	const char *unbindable = "1 0 0:1 / / rw unbindable - tmpfs t rw";
	const char *private = "1 0 0:1 / / rw - tmpfs t rw";
	char tag[64];

	ck_assert_int_eq(mi_parse(shared, strlen(shared), &e), 0);
	ck_assert(mi_propagates(&e, tag, sizeof(tag)));
	ck_assert_str_eq(tag, "shared:5");
	ck_assert_int_eq(mi_parse(slave, strlen(slave), &e), 0);
	ck_assert(mi_propagates(&e, tag, sizeof(tag)));
	ck_assert_str_eq(tag, "master:7");
	ck_assert_int_eq(mi_parse(unbindable, strlen(unbindable), &e), 0);
	ck_assert(!mi_propagates(&e, tag, sizeof(tag)));
	ck_assert_int_eq(mi_parse(private, strlen(private), &e), 0);
	ck_assert(!mi_propagates(&e, tag, sizeof(tag)));
}
END_TEST

START_TEST(test_bad_lines)
{
	static const char *const bad[] = {
		"",
		"garbage",
		"1 0 0:1 / / rw",
		"1 0 0:1 / / rw shared:1",
		"x 0 0:1 / / rw - tmpfs t rw",
		"1 0 01 / / rw - tmpfs t rw",
		"1 0 0:1 / / rw - tmpfs t",
	};
	char longl[3000];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(mi_parse(bad[i], strlen(bad[i]), &e) == -1, "accepted: %s", bad[i]);
	/* A field longer than its buffer is refused, not cut. */
	memset(longl, 'a', sizeof(longl));
	memcpy(longl, "1 0 0:1 /", 9);
	longl[sizeof(longl) - 1] = '\0';
	ck_assert_int_eq(mi_parse(longl, strlen(longl), &e), -1);
}
END_TEST

START_TEST(test_words_and_under)
{
	ck_assert(mi_has_word("rw,cpu,cpuacct", "cpu"));
	ck_assert(mi_has_word("cpu", "cpu"));
	ck_assert(!mi_has_word("rw,cpuacct", "cpu"));
	ck_assert(!mi_has_word("", "cpu"));
	ck_assert(mi_under("/a/b", "/a"));
	ck_assert(mi_under("/a", "/a"));
	ck_assert(!mi_under("/ab", "/a"));
	ck_assert(mi_under("/anything", "/"));
	ck_assert(!mi_under("relative", "/"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("harness-mountinfo");
	TCase *tc = tcase_create("mountinfo");

	tcase_add_test(tc, test_fields);
	tcase_add_test(tc, test_no_optional_and_length);
	tcase_add_test(tc, test_propagation_fields);
	tcase_add_test(tc, test_bad_lines);
	tcase_add_test(tc, test_words_and_under);
	suite_add_tcase(s, tc);
	return nsr_ck_run(s, CK_FORK_GETENV);
}
