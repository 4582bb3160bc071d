// SPDX-License-Identifier: GPL-2.0-or-later
/* The line reader in front of inih: every lenient corner of the system
 * inih (split long lines, continuations, ':' separators, sections it never
 * reports, NUL bytes) must be a diagnostic on the right line. No privilege. */
#include "config.h"

#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "internal.h"
#include "util.h"

START_TEST(minimal_ok)
{
	fx_assert_ok(FX_HEAD);
	ck_assert_str_eq(fx_pol.rootfs, "/usr");
	ck_assert_str_eq(fx_pol.hostname, "$BOX");
	ck_assert_int_eq(fx_pol.writable, POLICY_WRITABLE_NO);
	ck_assert_int_eq(fx_pol.net.mode, POLICY_NET_NONE);
	ck_assert_uint_eq(fx_pol.n_users + fx_pol.n_groups, 0);
	ck_assert_str_eq(fx_pol.name, "t");
	ck_assert_str_eq(fx_diags.file, "t.ini");
}
END_TEST

START_TEST(empty_file)
{
	fx_assert_diag("", 0, "missing [rootfs] path");
	ck_assert_uint_eq(fx_diags.n, 1);
	fx_assert_diag("; only a comment\n[policy]\n", 0, "missing [rootfs] path");
}
END_TEST

/* A 300-byte value must be refused as a whole: never truncated, and its
 * tail never parsed as a line of its own (here the tail is "mode = host"). */
START_TEST(long_line)
{
	char text[1024], desc[400];
	size_t pad = 300 - strlen("description = ") - strlen("mode = host");

	memset(desc, 'x', pad);
	desc[pad] = '\0';
	snprintf(text, sizeof(text), FX_HEAD "[policy]\ndescription = %smode = host\n", desc);
	fx_assert_diag(text, 4, "line too long (300 bytes, at most 196)");
	ck_assert_uint_eq(fx_diags.n, 1);
	ck_assert_str_eq(fx_pol.description, "");
	ck_assert_int_eq(fx_pol.net.mode, POLICY_NET_NONE);
}
END_TEST

START_TEST(line_limit_exact)
{
	char text[1024], line[300];
	size_t n;

	/* description = xxx... exactly POLICY_LINE_MAX bytes: accepted whole */
	n = (size_t)snprintf(line, sizeof(line), "description = ");
	memset(line + n, 'y', POLICY_LINE_MAX - n);
	line[POLICY_LINE_MAX] = '\0';
	snprintf(text, sizeof(text), FX_HEAD "[policy]\n%s\n", line);
	fx_assert_ok(text);
	ck_assert_uint_eq(strlen(fx_pol.description), POLICY_LINE_MAX - n);
	/* one byte more: refused */
	snprintf(text, sizeof(text), FX_HEAD "[policy]\n%sy\n", line);
	fx_assert_diag(text, 4, "line too long (197 bytes");
	/* a long comment is a long line too */
	memset(line, ';', 250);
	line[250] = '\0';
	snprintf(text, sizeof(text), "%s\n" FX_HEAD, line);
	fx_assert_diag(text, 1, "line too long");
}
END_TEST

/* With inih's multi-line mode an indented line repeats the last key: for
 * bind this would add a mount silently. */
START_TEST(continuation)
{
	fx_assert_diag(FX_HEAD "[mount]\nbind = /srv:/srv\n  /etc:/etc\n", 5,
		       "continuation lines are not supported");
	ck_assert_uint_eq(fx_pol.n_binds, 0);
	fx_assert_diag(FX_HEAD "[policy]\n\tusers = root\n", 4, "continuation");
	fx_assert_diag(FX_HEAD "  [policy]\n", 3, "continuation");
	/* indented comments and blank lines with spaces are fine */
	fx_assert_ok(FX_HEAD "   ; comment\n\t# comment\n   \n\t\n[policy]\nusers = root\n");
	ck_assert_uint_eq(fx_pol.n_users, 1);
}
END_TEST

START_TEST(colon_separator)
{
	fx_assert_diag(FX_HEAD "[limits]\npids: 10\n", 4, "':' is not a separator");
	fx_assert_diag(FX_HEAD "[mount]\nbind: /a:/b = x\n", 4, "':' is not a separator");
	/* ':' after the '=' is part of the value */
	fx_assert_ok(FX_HEAD "[mount]\nbind = /srv:/data:rw\n");
	ck_assert_uint_eq(fx_pol.n_binds, 1);
	ck_assert(fx_pol.binds[0].rw);
}
END_TEST

START_TEST(no_separator)
{
	fx_assert_diag(FX_HEAD "[limits]\npids\n", 4, "expected KEY = VALUE");
	fx_assert_diag(FX_HEAD "[limits]\npids ; = 5\n", 4, "expected KEY = VALUE");
	fx_assert_diag("path = /usr\n[rootfs]\npath = /usr\n", 1, "key outside of any section");
}
END_TEST

START_TEST(control_chars)
{
	static const char nul[] = "[rootfs]\npath = /usr\n[policy]\ndescription = a\0b\n";

	ck_assert_int_eq(fx_parse_n(nul, sizeof(nul) - 1), -1);
	ck_assert_msg(fx_has(4, "NUL byte"), "%s", fx_dump());
	ck_assert_str_eq(fx_pol.description, "");
	fx_assert_diag(FX_HEAD "[policy]\ndescription = a\x1b[31mred\n", 4, "control character 0x1b");
	fx_assert_diag(FX_HEAD "[policy]\ndescription = a\x7f\n", 4, "control character 0x7f");
	fx_assert_diag(FX_HEAD "[policy]\r\n", 3, "CRLF line endings are not supported");
	fx_assert_diag(FX_HEAD "[policy]\ndescription = a\vb\n", 4, "control character 0x0b");
	/* tabs are whitespace */
	fx_assert_ok(FX_HEAD "[policy]\ndescription\t=\tTab separated\t\n");
	ck_assert_str_eq(fx_pol.description, "Tab separated");
	/* but not inside a description */
	fx_assert_diag(FX_HEAD "[policy]\ndescription = a\tb\n", 4, "not printable");
}
END_TEST

START_TEST(bom)
{
	fx_assert_ok("\xef\xbb\xbf" FX_HEAD);
	ck_assert_str_eq(fx_pol.rootfs, "/usr");
	fx_assert_diag(FX_HEAD "\xef\xbb\xbf[policy]\n", 3, "byte order mark");
	fx_assert_diag(FX_HEAD "[policy]\ndescription = a\xef\xbb\xbf\n", 4, "byte order mark");
	/* a BOM twice at the start: the second one is refused */
	fx_assert_diag("\xef\xbb\xbf\xef\xbb\xbf" FX_HEAD, 1, "byte order mark");
}
END_TEST

START_TEST(sections)
{
	fx_assert_diag(FX_HEAD "[policies]\n", 3, "unknown section [policies]");
	/* an unknown empty section is still reported; keys in it are not */
	fx_assert_diag(FX_HEAD "[extra]\nfoo = bar\n", 3, "unknown section [extra]");
	ck_assert_uint_eq(fx_diags.n, 1);
	fx_assert_diag(FX_HEAD "[Policy]\n", 3, "malformed section header");
	fx_assert_diag(FX_HEAD "[]\n", 3, "malformed section header");
	fx_assert_diag(FX_HEAD "[policy\n", 3, "malformed section header");
	fx_assert_diag(FX_HEAD "[ policy ]\n", 3, "malformed section header");
	fx_assert_diag(FX_HEAD "[policy] x\n", 3, "unexpected text after section header");
	fx_assert_diag(FX_HEAD "[policy];x\n", 3, "unexpected text after section header");
	fx_assert_diag(FX_HEAD "[rootfs]\n", 3, "repeated section [rootfs] (first on line 1)");
	/* known empty sections and a comment after a header are fine */
	fx_assert_ok(FX_HEAD "[limits]\n[network] ; nothing\n[box]\n");
}
END_TEST

/* A section header refused by the reader must not let its keys land in
 * the previous section. */
START_TEST(bad_section_keys)
{
	fx_assert_diag(FX_HEAD "[mount]\n[polic]\nbind = /a:/b\n", 4, "unknown section");
	ck_assert_uint_eq(fx_pol.n_binds, 0);
	ck_assert_uint_eq(fx_diags.n, 1);
}
END_TEST

START_TEST(inline_comments)
{
	fx_assert_ok(FX_HEAD "[policy]\ndescription = a;b ; a comment\n");
	ck_assert_str_eq(fx_pol.description, "a;b");
	fx_assert_ok(FX_HEAD "[policy]\ndescription = a # b\n");
	ck_assert_str_eq(fx_pol.description, "a # b");
	fx_assert_diag(FX_HEAD "[policy]\ndescription = ; all comment\n", 4,
		       "policy.description: empty value");
	fx_assert_diag(FX_HEAD "[policy]\ndescription =\n", 4, "empty value");
	fx_assert_ok("# hash comment\n; semicolon comment\n" FX_HEAD);
}
END_TEST

START_TEST(every_problem_reported)
{
	fx_assert_diag("[rootfs]\npath = /usr\n[limits]\npids = 0\nmemory: 1G\n"
		       "[nope]\n[box]\n  command = /bin/x\ncpu = 2\n",
		       4, "limits.pids");
	ck_assert(fx_has(5, "':' is not a separator"));
	ck_assert(fx_has(6, "unknown section [nope]"));
	ck_assert(fx_has(8, "continuation"));
	ck_assert(fx_has(9, "unknown key \"cpu\" in [box]"));
	ck_assert_uint_eq(fx_diags.n, 5);
	/* in file order */
	ck_assert_uint_eq(fx_diags.items[0].line, 4);
	ck_assert_uint_eq(fx_diags.items[4].line, 9);
	/* a refused policy is zeroed */
	ck_assert_str_eq(fx_pol.rootfs, "");
}
END_TEST

START_TEST(diags_sorted_with_file_level_first)
{
	fx_assert_diag("[limits]\nswap = 1G\n[network]\nbridge = br0\n", 0, "missing [rootfs] path");
	ck_assert_uint_eq(fx_diags.items[0].line, 0);
	ck_assert(fx_has(2, "limits.swap: requires limits.memory"));
	ck_assert(fx_has(4, "network.bridge: only valid with mode = bridge"));
}
END_TEST

START_TEST(too_many_diags)
{
	char text[8192] = FX_HEAD "[limits]\n";
	int i;

	for (i = 0; i < 100; i++)
		strcat(text, "bogus = 1\n");
	ck_assert_int_eq(fx_parse(text), -1);
	ck_assert_uint_eq(fx_diags.n, POLICY_DIAG_MAX);
	ck_assert_uint_eq(fx_diags.dropped, 100 - POLICY_DIAG_MAX);
}
END_TEST

START_TEST(file_too_large)
{
	size_t n = POLICY_FILE_MAX + 1;
	char *text = malloc(n + 1);

	ck_assert_ptr_nonnull(text);
	memset(text, '\n', n);
	memcpy(text, FX_HEAD, strlen(FX_HEAD));
	text[n] = '\0';
	fx_assert_diag(text, 0, "file too large");
	text[n - 1] = '\0'; /* exactly the maximum: fine */
	fx_assert_ok(text);
	free(text);
}
END_TEST

START_TEST(no_final_newline)
{
	fx_assert_ok("[rootfs]\npath = /usr");
	ck_assert_str_eq(fx_pol.rootfs, "/usr");
	fx_assert_diag("[rootfs]\npath = /usr\n[limits]\npids = x", 4, "limits.pids");
}
END_TEST

START_TEST(display_name)
{
	int fd = fx_memfd(FX_HEAD, strlen(FX_HEAD));

	ck_assert_int_eq(policy_parse_fd(fd, "/etc/nsrun/policies.d/dev-1.ini", &fx_pol, &fx_diags),
			 0);
	ck_assert_str_eq(fx_pol.name, "dev-1");
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	ck_assert_int_eq(policy_parse_fd(fd, "Weird Name.ini", &fx_pol, &fx_diags), 0);
	ck_assert_str_eq(fx_pol.name, "");
	close(fd);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("policy-reader");
	TCase *t = tcase_create("reader");

	tcase_add_test(t, minimal_ok);
	tcase_add_test(t, empty_file);
	tcase_add_test(t, long_line);
	tcase_add_test(t, line_limit_exact);
	tcase_add_test(t, continuation);
	tcase_add_test(t, colon_separator);
	tcase_add_test(t, no_separator);
	tcase_add_test(t, control_chars);
	tcase_add_test(t, bom);
	tcase_add_test(t, sections);
	tcase_add_test(t, bad_section_keys);
	tcase_add_test(t, inline_comments);
	tcase_add_test(t, every_problem_reported);
	tcase_add_test(t, diags_sorted_with_file_level_first);
	tcase_add_test(t, too_many_diags);
	tcase_add_test(t, file_too_large);
	tcase_add_test(t, no_final_newline);
	tcase_add_test(t, display_name);
	suite_add_tcase(s, t);
	return fx_run(s);
}
