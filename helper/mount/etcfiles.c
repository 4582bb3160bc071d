// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Text of the files nsrun lays over the image's /etc so that `id` and
 * `whoami` know the user, without ever writing to the image. The image's
 * own passwd/group come in as text (read by fs.c, bounded); lines that
 * would clash with the user's entry are dropped. Pure functions.
 */
#include "etcfiles.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct buf {
	char *p;
	size_t len, cap;
	int bad;
};

__attribute__((format(printf, 2, 3))) static void put(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->bad)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->cap - b->len)
		b->bad = 1;
	else
		b->len += (size_t)n;
}

static void put_line(struct buf *b, const char *s, size_t n)
{
	if (b->bad || n + 2 > b->cap - b->len) {
		b->bad = 1;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len++] = '\n';
	b->p[b->len] = '\0';
}

/* Field `idx` (0-based, ':'-separated) of line [s, s+n) into out. */
static int field(const char *s, size_t n, int idx, char *out, size_t outsz)
{
	size_t i = 0, start = 0;
	int f = 0;

	for (i = 0; i <= n; i++) {
		if (i == n || s[i] == ':') {
			if (f == idx) {
				size_t len = i - start;
				if (len >= outsz)
					return -1;
				memcpy(out, s + start, len);
				out[len] = '\0';
				return 0;
			}
			f++;
			start = i + 1;
		}
	}
	return -1;
}

/* Copy image lines, dropping those for which drop() says so. */
static void copy_image(struct buf *b, const char *image,
		       int (*drop)(const char *line, size_t n, void *ctx), void *ctx)
{
	const char *s = image;

	while (s && *s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		if (n > 0 && !drop(s, n, ctx))
			put_line(b, s, n);
		s = nl ? nl + 1 : NULL;
	}
}

struct pw_ctx {
	const char *user;
	uid_t uid;
};

static int pw_drop(const char *line, size_t n, void *vctx)
{
	struct pw_ctx *c = vctx;
	char name[256], id[32];

	if (field(line, n, 0, name, sizeof(name)) < 0 || field(line, n, 2, id, sizeof(id)) < 0)
		return 1; /* malformed: not copied */
	return strcmp(name, c->user) == 0 || strtoul(id, NULL, 10) == c->uid;
}

/* A field nsrun writes: no ':' (a new field) or control character (a new
 * line). A user database can hold such names (LDAP); the box's files must
 * stay well-formed whoever calls. */
static bool field_ok(const char *s)
{
	for (; *s; s++)
		if (*s == ':' || (unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

static long finish(struct buf *b)
{
	return b->bad ? -1 : (long)b->len;
}

long etc_passwd(const char *image, const char *user, uid_t uid, gid_t gid, const char *home,
		const char *shell, char *out, size_t outsz)
{
	struct buf b = { out, 0, outsz, outsz == 0 };
	struct pw_ctx c = { user, uid };

	if (!b.bad)
		out[0] = '\0';
	if (!field_ok(user) || !field_ok(home) || !field_ok(shell))
		return -1;
	copy_image(&b, image, pw_drop, &c);
	put(&b, "%s:x:%u:%u:%s:%s:%s\n", user, (unsigned)uid, (unsigned)gid, user, home, shell);
	return finish(&b);
}

struct gr_ctx {
	const struct etc_group_entry *g;
	size_t ng;
};

static int gr_drop(const char *line, size_t n, void *vctx)
{
	struct gr_ctx *c = vctx;
	char name[256], id[32];
	size_t i;

	if (field(line, n, 0, name, sizeof(name)) < 0 || field(line, n, 2, id, sizeof(id)) < 0)
		return 1;
	for (i = 0; i < c->ng; i++)
		if (strtoul(id, NULL, 10) == c->g[i].gid || strcmp(name, c->g[i].name) == 0)
			return 1;
	return 0;
}

long etc_group(const char *image, const char *user, const struct etc_group_entry *g, size_t ng,
	       char *out, size_t outsz)
{
	struct buf b = { out, 0, outsz, outsz == 0 };
	struct gr_ctx c = { g, ng };
	size_t i, j;

	if (!b.bad)
		out[0] = '\0';
	if (!field_ok(user))
		return -1;
	for (i = 0; i < ng; i++)
		if (!field_ok(g[i].name))
			return -1;
	copy_image(&b, image, gr_drop, &c);
	for (i = 0; i < ng; i++) {
		for (j = 0; j < i; j++)
			if (g[j].gid == g[i].gid)
				break;
		if (j == i)
			put(&b, "%s:x:%u:%s\n", g[i].name, (unsigned)g[i].gid, user);
	}
	return finish(&b);
}

long etc_hosts(const char *hostname, uint32_t addr, char *out, size_t outsz)
{
	struct buf b = { out, 0, outsz, outsz == 0 };
	char a[INET_ADDRSTRLEN] = "127.0.1.1";

	if (addr != 0) {
		uint32_t n = htonl(addr);
		inet_ntop(AF_INET, &n, a, sizeof(a));
	}
	put(&b, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n%s\t%s\n", a,
	    hostname);
	return finish(&b);
}

long etc_resolv(const uint32_t *dns, size_t n, char *out, size_t outsz)
{
	struct buf b = { out, 0, outsz, outsz == 0 };
	size_t i;

	if (!b.bad)
		out[0] = '\0';
	for (i = 0; i < n; i++) {
		char a[INET_ADDRSTRLEN];
		uint32_t be = htonl(dns[i]);
		inet_ntop(AF_INET, &be, a, sizeof(a));
		put(&b, "nameserver %s\n", a);
	}
	return finish(&b);
}
