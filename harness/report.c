// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * TAP, summary and JUnit writers. Check names and targets are validated
 * names; diagnostics may hold text from inside a box, so TAP puts each
 * line behind "# " and JUnit escapes it. No privilege needed.
 */
#include "config.h"

#include "report.h"

#include <string.h>

static const char *rep_status_word(enum hx_status s)
{
	return s == HX_PASS ? "pass" : s == HX_SKIP ? "skip" : "FAIL";
}

void rep_tap_header(FILE *out)
{
	fputs("TAP version 13\n", out);
	fflush(out);
}

/* Each line of text behind "# " so nothing in it can look like TAP. */
static void rep_tap_comment(FILE *out, const char *text)
{
	while (*text != '\0') {
		size_t n = strcspn(text, "\n");

		fprintf(out, "# %.*s\n", (int)n, text);
		text += n;
		if (*text == '\n')
			text++;
	}
}

void rep_tap_result(FILE *out, size_t n, const struct rep_result *r)
{
	if (r->status == HX_SKIP) {
		char reason[256];
		size_t i;

		/* The reason shares the test line: one line, no '#'. */
		snprintf(reason, sizeof(reason), "%.255s", r->diag);
		for (i = 0; reason[i] != '\0'; i++)
			if (reason[i] == '\n' || reason[i] == '#')
				reason[i] = ' ';
		fprintf(out, "ok %zu - %s %s # SKIP %s\n", n, r->check, r->target, reason);
	} else {
		fprintf(out, "%s %zu - %s %s\n", r->status == HX_PASS ? "ok" : "not ok", n,
			r->check, r->target);
		/* A failure's diagnostics; a pass's notes (what it could not
		 * test, say) as well. */
		rep_tap_comment(out, r->diag);
	}
	fflush(out);
}

void rep_tap_plan(FILE *out, size_t n)
{
	fprintf(out, "1..%zu\n", n);
	fflush(out);
}

void rep_summary(FILE *out, const struct rep_result *rs, size_t n)
{
	size_t i, pass = 0, fail = 0, skip = 0;

	fprintf(out, "# %-20s %-32s %-6s %s\n", "check", "target", "result", "seconds");
	for (i = 0; i < n; i++) {
		fprintf(out, "# %-20s %-32s %-6s %.2f\n", rs[i].check, rs[i].target,
			rep_status_word(rs[i].status), rs[i].seconds);
		pass += rs[i].status == HX_PASS;
		fail += rs[i].status == HX_FAIL;
		skip += rs[i].status == HX_SKIP;
	}
	fprintf(out, "# %zu passed, %zu failed, %zu skipped\n", pass, fail, skip);
	fflush(out);
}

void rep_xml_escape(FILE *out, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&apos;", out);
			break;
		default:
			/* XML 1.0 allows no control characters but tab, LF, CR. */
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
				fputs("?", out);
			else
				fputc(c, out);
		}
	}
}

int rep_junit_write(FILE *out, const struct rep_result *rs, size_t n)
{
	size_t i, fail = 0, skip = 0;
	double total = 0;

	for (i = 0; i < n; i++) {
		fail += rs[i].status == HX_FAIL;
		skip += rs[i].status == HX_SKIP;
		total += rs[i].seconds;
	}
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(out,
		"<testsuites>\n<testsuite name=\"nsrun-harness\" tests=\"%zu\" "
		"failures=\"%zu\" errors=\"0\" skipped=\"%zu\" time=\"%.3f\">\n",
		n, fail, skip, total);
	for (i = 0; i < n; i++) {
		const struct rep_result *r = &rs[i];

		fputs("  <testcase classname=\"", out);
		rep_xml_escape(out, r->target);
		fputs("\" name=\"", out);
		rep_xml_escape(out, r->check);
		fprintf(out, "\" time=\"%.3f\"", r->seconds);
		if (r->status == HX_PASS) {
			fputs("/>\n", out);
			continue;
		}
		fputs(">\n", out);
		fputs(r->status == HX_SKIP ? "    <skipped message=\"" : "    <failure message=\"",
		      out);
		rep_xml_escape(out, r->status == HX_SKIP ? r->diag : "isolation check failed");
		if (r->status == HX_SKIP) {
			fputs("\"/>\n", out);
		} else {
			fputs("\">", out);
			rep_xml_escape(out, r->diag);
			fputs("</failure>\n", out);
		}
		fputs("  </testcase>\n", out);
	}
	fputs("</testsuite>\n</testsuites>\n", out);
	fflush(out);
	return ferror(out) ? -1 : 0;
}
