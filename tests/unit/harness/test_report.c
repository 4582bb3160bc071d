// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: TAP lines, skip reasons, JUnit XML and its escaping. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "../ck_run.h"

/* Run a writer into memory; the caller frees the text. */
static char *report_capture(void (*fn)(FILE *, const struct rep_result *, size_t),
			    const struct rep_result *rs, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	fn(f, rs, n);
	fclose(f);
	return buf;
}

static void tap_one(FILE *f, const struct rep_result *rs, size_t n)
{
	rep_tap_result(f, n, rs);
}

static void junit(FILE *f, const struct rep_result *rs, size_t n)
{
	ck_assert_int_eq(rep_junit_write(f, rs, n), 0);
}

static void escape(FILE *f, const struct rep_result *rs, size_t n)
{
	(void)n;
	rep_xml_escape(f, rs->diag);
}

static void fill(struct rep_result *r, const char *check, enum hx_status st, const char *diag)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->check, sizeof(r->check), "%s", check);
	snprintf(r->target, sizeof(r->target), "demo:box");
	r->status = st;
	snprintf(r->diag, sizeof(r->diag), "%s", diag);
}

START_TEST(test_tap_lines)
{
	struct rep_result r;
	char *out;

	fill(&r, "pid1", HX_PASS, "");
	out = report_capture(tap_one, &r, 7);
	ck_assert_str_eq(out, "ok 7 - pid1 demo:box\n");
	free(out);
	/* A failure: each diagnostic line behind "# ", so box text that
	 * looks like TAP cannot forge a result. */
	fill(&r, "ipc", HX_FAIL, "first\nnot ok 99 - forged\nok 100");
	out = report_capture(tap_one, &r, 2);
	ck_assert_str_eq(out, "not ok 2 - ipc demo:box\n# first\n# not ok 99 - forged\n# ok 100\n");
	free(out);
}
END_TEST

START_TEST(test_tap_skip)
{
	struct rep_result r;
	char *out;

	fill(&r, "pids-limit", HX_SKIP, "no limit # really\nsecond line");
	out = report_capture(tap_one, &r, 3);
	/* One line; '#' and newlines in the reason cannot end the directive. */
	ck_assert_str_eq(out, "ok 3 - pids-limit demo:box # SKIP no limit   really second line\n");
	free(out);
}
END_TEST

START_TEST(test_xml_escape)
{
	struct rep_result r;
	char *out;

	fill(&r, "x", HX_FAIL, "a<b>&\"c\"'d'\x01\x1b[0m\tz");
	out = report_capture(escape, &r, 1);
	ck_assert_str_eq(out, "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;??[0m\tz");
	free(out);
}
END_TEST

START_TEST(test_junit)
{
	struct rep_result rs[3];
	char *out;

	fill(&rs[0], "pid1", HX_PASS, "");
	fill(&rs[1], "ipc", HX_FAIL, "key <42> & more");
	fill(&rs[2], "memory-oom", HX_SKIP, "no \"memory\" limit");
	out = report_capture(junit, rs, 3);
	ck_assert_ptr_nonnull(strstr(out, "tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\""));
	ck_assert_ptr_nonnull(strstr(out, "<testcase classname=\"demo:box\" name=\"pid1\""));
	ck_assert_ptr_nonnull(strstr(out, ">key &lt;42&gt; &amp; more</failure>"));
	ck_assert_ptr_nonnull(strstr(out, "<skipped message=\"no &quot;memory&quot; limit\"/>"));
	ck_assert_ptr_null(strstr(out, "<42>"));
	ck_assert_ptr_nonnull(strstr(out, "</testsuites>\n"));
	free(out);
}
END_TEST

START_TEST(test_summary)
{
	struct rep_result rs[3];
	char *out;

	fill(&rs[0], "pid1", HX_PASS, "");
	fill(&rs[1], "ipc", HX_FAIL, "x");
	fill(&rs[2], "fds", HX_SKIP, "y");
	out = report_capture(rep_summary, rs, 3);
	ck_assert_ptr_nonnull(strstr(out, "# 1 passed, 1 failed, 1 skipped\n"));
	/* Every line is a TAP comment. */
	for (char *l = out; *l != '\0'; l = strchr(l, '\n') + 1)
		ck_assert_int_eq(l[0], '#');
	free(out);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("harness-report");
	TCase *tc = tcase_create("report");

	tcase_add_test(tc, test_tap_lines);
	tcase_add_test(tc, test_tap_skip);
	tcase_add_test(tc, test_xml_escape);
	tcase_add_test(tc, test_junit);
	tcase_add_test(tc, test_summary);
	suite_add_tcase(s, tc);
	return nsr_ck_run(s, CK_FORK_GETENV);
}
