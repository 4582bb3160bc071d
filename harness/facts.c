// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Parse the probe's `key=value` lines. Input comes from inside a box and is
 * untrusted; the parser only splits and bounds it. No privilege needed.
 */
#include "config.h"

#include "facts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int facts_parse(const char *text, size_t len, struct facts *f)
{
	size_t lines = 1, i;
	char *p;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < len; i++)
		lines += text[i] == '\n';
	f->buf = malloc(len + 1);
	f->kv = calloc(lines, sizeof(*f->kv));
	if (f->buf == NULL || f->kv == NULL) {
		facts_free(f);
		errno = ENOMEM;
		return -1;
	}
	memcpy(f->buf, text, len);
	f->buf[len] = '\0';
	for (p = f->buf; *p != '\0';) {
		char *nl = strchr(p, '\n');
		char *eq;

		if (nl != NULL)
			*nl = '\0';
		eq = strchr(p, '=');
		if (eq != NULL && eq != p) {
			*eq = '\0';
			f->kv[f->n].key = p;
			f->kv[f->n].val = eq + 1;
			f->n++;
		} else if (*p != '\0') {
			f->noise++;
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return 0;
}

void facts_free(struct facts *f)
{
	free(f->buf);
	free(f->kv);
	memset(f, 0, sizeof(*f));
}

const char *facts_nth(const struct facts *f, const char *key, size_t i)
{
	size_t k;

	for (k = 0; k < f->n; k++)
		if (strcmp(f->kv[k].key, key) == 0 && i-- == 0)
			return f->kv[k].val;
	return NULL;
}

const char *facts_get(const struct facts *f, const char *key)
{
	return facts_nth(f, key, 0);
}

size_t facts_count(const struct facts *f, const char *key)
{
	size_t k, n = 0;

	for (k = 0; k < f->n; k++)
		n += strcmp(f->kv[k].key, key) == 0;
	return n;
}

bool facts_has(const struct facts *f, const char *key, const char *val)
{
	size_t k;

	for (k = 0; k < f->n; k++)
		if (strcmp(f->kv[k].key, key) == 0 && strcmp(f->kv[k].val, val) == 0)
			return true;
	return false;
}

bool facts_ids_all(const char *v, unsigned long want)
{
	int seen = 0;

	if (v == NULL)
		return false;
	while (*v != '\0') {
		char *end;
		unsigned long x;

		v += strspn(v, " ");
		if (*v == '\0')
			break;
		errno = 0;
		x = strtoul(v, &end, 10);
		if (end == v || errno != 0 || (*end != ' ' && *end != '\0') || x != want)
			return false;
		seen++;
		v = end;
	}
	return seen > 0;
}

int facts_hex(const char *v, uint64_t *out)
{
	char *end;

	if (v == NULL || *v == '\0' || strspn(v, "0123456789abcdefABCDEF") != strlen(v))
		return -1;
	errno = 0;
	*out = strtoull(v, &end, 16);
	return errno != 0 || *end != '\0' ? -1 : 0;
}

int facts_long(const char *v, long *out)
{
	char *end;

	if (v == NULL || *v == '\0')
		return -1;
	errno = 0;
	*out = strtol(v, &end, 10);
	return errno != 0 || *end != '\0' ? -1 : 0;
}
