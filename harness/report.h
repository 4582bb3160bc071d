/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Results out: TAP version 13 as the run goes, a summary table as TAP
 * comment lines at the end, and JUnit XML. Text from boxes ends up in
 * diagnostics, so every writer escapes what its format needs.
 */
#ifndef NSR_REPORT_H
#define NSR_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "harness.h"

struct rep_result {
	char check[32];
	char target[POLICY_NAME_MAX + POLICY_BOX_MAX + 2];
	enum hx_status status;
	char diag[HX_DIAG_MAX];
	double seconds;
};

void rep_tap_header(FILE *out);
/* "ok N - check target", "# SKIP reason", diagnostics as "# " lines. */
void rep_tap_result(FILE *out, size_t n, const struct rep_result *r);
void rep_tap_plan(FILE *out, size_t n);
/* One row per check with a column per target, as "# " lines. */
void rep_summary(FILE *out, const struct rep_result *rs, size_t n);
/* Escape &<>"' and drop characters XML 1.0 cannot carry. */
void rep_xml_escape(FILE *out, const char *s);
int rep_junit_write(FILE *out, const struct rep_result *rs, size_t n);

#endif
