/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared helpers for the policy unit tests: policy text through a memfd. */
#ifndef NSR_TEST_POLICY_FIXTURE_H
#define NSR_TEST_POLICY_FIXTURE_H

#include <check.h>
#include <stdbool.h>

#include "policy.h"

/* A minimal valid head: [rootfs] path = /usr (root-owned on every
 * Debian system), 2 lines. */
#define FX_HEAD "[rootfs]\npath = /usr\n"

extern struct policy fx_pol;
extern struct policy_diags fx_diags;

/* A memfd holding len bytes of text, positioned at 0. */
int fx_memfd(const char *text, size_t len);
/* Parse NUL-terminated text (display name "t.ini"); returns parse result. */
int fx_parse(const char *text);
/* The same for text with embedded NULs. */
int fx_parse_n(const char *text, size_t len);
/* Whether diags holds a problem on `line` whose message contains `sub`. */
bool fx_has(unsigned line, const char *sub);
/* All diags as "LINE: msg; ..." for failure messages. */
const char *fx_dump(void);

/* Assert a parse failed with a diagnostic at line containing sub. */
#define fx_assert_diag(text, line, sub)                                                         \
	do {                                                                                    \
		ck_assert_int_eq(fx_parse(text), -1);                                           \
		ck_assert_msg(fx_has((line), (sub)), "no diag at line %u with \"%s\"; got: %s", \
			      (unsigned)(line), (sub), fx_dump());                              \
	} while (0)

#define fx_assert_ok(text) ck_assert_msg(fx_parse(text) == 0, "parse failed: %s", fx_dump())

/* Run a suite with TAP output; returns the process exit status. */
int fx_run(Suite *s);

#endif
