// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Policy text to struct policy. The file is read whole into a bounded
 * buffer; our own reader hands inih one checked line at a time, so inih's
 * lenient corners (split long lines, continuation lines, ':' separators,
 * unknown or empty sections, NUL bytes) can never reach the handler. Every
 * problem becomes a diagnostic; any diagnostic refuses the whole policy.
 */
#include "config.h"

#include "internal.h"

#include <ini.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

void policy_diag(struct policy_diags *d, unsigned line, const char *fmt, ...)
{
	va_list ap;

	if (d->n >= POLICY_DIAG_MAX) {
		d->dropped++;
		return;
	}
	d->items[d->n].line = line;
	va_start(ap, fmt);
	vsnprintf(d->items[d->n].msg, sizeof(d->items[d->n].msg), fmt, ap);
	va_end(ap);
	d->n++;
}

/* Check one physical line (without its '\n'); 0 when inih may see it. */
static int parse_check_line(struct policy_parser *ps, const char *l, size_t len)
{
	size_t i, ws, sep;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)l[i];

		if (c == 0xef && i + 2 < len && (unsigned char)l[i + 1] == 0xbb &&
		    (unsigned char)l[i + 2] == 0xbf) {
			policy_diag(ps->diags, ps->line,
				    "byte order mark only allowed at the start of the file");
			return -1;
		}
		if (c == '\r') {
			policy_diag(ps->diags, ps->line,
				    "carriage return: CRLF line endings are not supported");
			return -1;
		}
		if (c == '\0' || c == 0x7f || (c < 0x20 && c != '\t')) {
			policy_diag(ps->diags, ps->line, "%s 0x%02x",
				    c == '\0' ? "NUL byte" : "control character", c);
			return -1;
		}
	}
	if (len > POLICY_LINE_MAX) {
		policy_diag(ps->diags, ps->line, "line too long (%zu bytes, at most %d)", len,
			    POLICY_LINE_MAX);
		return -1;
	}
	ws = strspn(l, " \t");
	if (ws >= len || l[ws] == ';' || l[ws] == '#')
		return 0; /* blank or comment */
	if (ws > 0) {
		policy_diag(ps->diags, ps->line,
			    "indented line: continuation lines are not supported");
		return -1;
	}
	if (l[0] == '[') {
		size_t n = strspn(l + 1, "abcdefghijklmnopqrstuvwxyz_");
		size_t rest;
		char name[32];

		if (l[1 + n] != ']' || n == 0 || n >= sizeof(name)) {
			policy_diag(ps->diags, ps->line, "malformed section header");
			ps->section = SEC_UNKNOWN;
			return -1;
		}
		rest = 2 + n + strspn(l + 2 + n, " \t");
		if (rest < len && (l[rest] != ';' || rest == 2 + n)) {
			policy_diag(ps->diags, ps->line, "unexpected text after section header");
			ps->section = SEC_UNKNOWN;
			return -1;
		}
		memcpy(name, l + 1, n);
		name[n] = '\0';
		ps->section = policy_section_lookup(name);
		if (ps->section == SEC_UNKNOWN) {
			policy_diag(ps->diags, ps->line, "unknown section [%s]", name);
			return -1;
		}
		if (ps->section_line[ps->section] != 0) {
			policy_diag(ps->diags, ps->line, "repeated section [%s] (first on line %u)",
				    name, ps->section_line[ps->section]);
			ps->section = SEC_UNKNOWN;
			return -1;
		}
		ps->section_line[ps->section] = ps->line;
		return 0;
	}
	/* KEY = VALUE: '=' must come before any ':' or inline comment. */
	for (sep = 0; sep < len; sep++)
		if (l[sep] == '=' || l[sep] == ':' ||
		    (l[sep] == ';' && sep > 0 && (l[sep - 1] == ' ' || l[sep - 1] == '\t')))
			break;
	if (sep < len && l[sep] == ':') {
		policy_diag(ps->diags, ps->line, "':' is not a separator here: write KEY = VALUE");
		return -1;
	}
	if (sep >= len || l[sep] != '=') {
		policy_diag(ps->diags, ps->line, "expected KEY = VALUE");
		return -1;
	}
	if (ps->section == SEC_NONE) {
		policy_diag(ps->diags, ps->line, "key outside of any section");
		return -1;
	}
	return 0;
}

/* The ini_reader: one line per call, or a harmless comment in place of a
 * refused line so that parsing goes on and every problem is reported. */
static char *parse_reader(char *str, int num, void *stream)
{
	struct policy_parser *ps = stream;
	const char *l, *nl;
	size_t len, skip = 0;

	if (ps->pos >= ps->len || num < 4)
		return NULL;
	l = ps->buf + ps->pos;
	nl = memchr(l, '\n', ps->len - ps->pos);
	len = nl != NULL ? (size_t)(nl - l) : ps->len - ps->pos;
	ps->pos += len + (nl != NULL ? 1 : 0);
	ps->line++;
	if (ps->line == 1 && len >= 3 && memcmp(l, "\xef\xbb\xbf", 3) == 0)
		skip = 3;
	l += skip;
	len -= skip;
	if (parse_check_line(ps, l, len) < 0 || len + 2 > (size_t)num) {
		strcpy(str, ";\n");
		return str;
	}
	memcpy(str, l, len);
	str[len] = '\n';
	str[len + 1] = '\0';
	return str;
}

static int parse_handler(void *user, const char *section, const char *name, const char *value)
{
	struct policy_parser *ps = user;

	/* The reader tracks the section itself; inih's copy is truncated and
	 * keeps the last good header after a refused one. */
	(void)section;
	policy_key_set(ps, name, value);
	return 1;
}

/* Stable sort by line, so --check prints problems in file order. */
static void parse_sort_diags(struct policy_diags *d)
{
	size_t i, j;

	for (i = 1; i < d->n; i++) {
		struct policy_diag tmp = d->items[i];

		for (j = i; j > 0 && d->items[j - 1].line > tmp.line; j--)
			d->items[j] = d->items[j - 1];
		d->items[j] = tmp;
	}
}

static void parse_name_from_display(const char *display, struct policy *out)
{
	const char *base = strrchr(display, '/');
	size_t n;

	base = base != NULL ? base + 1 : display;
	n = strlen(base);
	if (n > 4 && strcmp(base + n - 4, ".ini") == 0 && n - 4 <= POLICY_NAME_MAX) {
		memcpy(out->name, base, n - 4);
		out->name[n - 4] = '\0';
		if (!policy_name_valid(out->name))
			out->name[0] = '\0';
	}
}

int policy_parse_fd(int fd, const char *display, struct policy *out, struct policy_diags *diags)
{
	nsr_cleanup_free char *buf = malloc(POLICY_FILE_MAX + 2);
	struct policy_parser ps;
	ssize_t n;
	int r;

	nsr_zero_sparse(out, sizeof(*out));
	nsr_zero_sparse(diags, sizeof(*diags));
	snprintf(diags->file, sizeof(diags->file), "%s", display ? display : "-");
	if (buf == NULL) {
		policy_diag(diags, 0, "out of memory");
		return -1;
	}
	n = nsr_read_full(fd, buf, POLICY_FILE_MAX + 1);
	if (n < 0) {
		policy_diag(diags, 0, "cannot read: %s", strerror(errno));
		return -1;
	}
	if (n > POLICY_FILE_MAX) {
		policy_diag(diags, 0, "file too large (at most %d bytes)", POLICY_FILE_MAX);
		return -1;
	}
	buf[n] = '\0';
	memset(&ps, 0, sizeof(ps));
	ps.pol = out;
	ps.diags = diags;
	ps.buf = buf;
	ps.len = (size_t)n;
	r = ini_parse_stream(parse_reader, &ps, parse_handler, &ps);
	if (r > 0) {
		size_t i;
		bool seen = false;

		for (i = 0; i < diags->n; i++)
			seen = seen || diags->items[i].line == (unsigned)r;
		if (!seen)
			policy_diag(diags, (unsigned)r, "syntax error");
	} else if (r < 0) {
		policy_diag(diags, 0, "the INI parser failed (%d)", r);
	}
	policy_validate(&ps);
	parse_sort_diags(diags);
	if (diags->n > 0 || diags->dropped > 0) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	if (display != NULL)
		parse_name_from_display(display, out);
	return 0;
}
