// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Split mountinfo lines (proc(5)): ID PARENT MAJ:MIN ROOT POINT OPTS
 * [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS. Input is untrusted text; every
 * field is bounded. Pure; no privilege.
 */
#include "config.h"

#include "mountinfo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The next space-separated word of [*p, end) into out; -1 when none or
 * too long. */
static int mi_word(const char **p, const char *end, char *out, size_t sz)
{
	const char *s = *p, *e;
	size_t n;

	while (s < end && *s == ' ')
		s++;
	for (e = s; e < end && *e != ' ' && *e != '\n'; e++)
		;
	n = (size_t)(e - s);
	if (n == 0 || n >= sz)
		return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	*p = e;
	return 0;
}

static int mi_num(const char *s, long *out)
{
	char *end;

	*out = strtol(s, &end, 10);
	return *end == '\0' && end != s && *out >= 0 ? 0 : -1;
}

int mi_parse(const char *line, size_t len, struct mi_entry *e)
{
	const char *p = line, *end = line + len;
	char word[MI_FIELD_MAX];
	size_t used = 0;

	memset(e, 0, sizeof(*e));
	if (mi_word(&p, end, word, sizeof(word)) < 0 || mi_num(word, &e->id) < 0 ||
	    mi_word(&p, end, word, sizeof(word)) < 0 || mi_num(word, &e->parent) < 0 ||
	    mi_word(&p, end, e->dev, sizeof(e->dev)) < 0 || strchr(e->dev, ':') == NULL ||
	    mi_word(&p, end, e->root, sizeof(e->root)) < 0 ||
	    mi_word(&p, end, e->point, sizeof(e->point)) < 0 ||
	    mi_word(&p, end, e->opts, sizeof(e->opts)) < 0)
		return -1;
	/* Optional fields up to the lone "-". */
	for (;;) {
		size_t n;

		if (mi_word(&p, end, word, sizeof(word)) < 0)
			return -1;
		if (strcmp(word, "-") == 0)
			break;
		n = strlen(word);
		if (used + n + 2 > sizeof(e->optional))
			return -1;
		if (used > 0)
			e->optional[used++] = ' ';
		memcpy(e->optional + used, word, n + 1);
		used += n;
	}
	if (mi_word(&p, end, e->fstype, sizeof(e->fstype)) < 0 ||
	    mi_word(&p, end, e->source, sizeof(e->source)) < 0 ||
	    mi_word(&p, end, e->superopts, sizeof(e->superopts)) < 0)
		return -1;
	return 0;
}

bool mi_propagates(const struct mi_entry *e, char *tag, size_t tagsz)
{
	static const char *const kinds[] = { "shared:", "master:", "propagate_from:" };
	const char *p = e->optional;

	while (*p != '\0') {
		size_t n = strcspn(p, " "), k;

		for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			if (strncmp(p, kinds[k], strlen(kinds[k])) == 0) {
				snprintf(tag, tagsz, "%.*s", (int)n, p);
				return true;
			}
		p += n;
		p += *p == ' ';
	}
	return false;
}

bool mi_has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	while (*list != '\0') {
		size_t k = strcspn(list, ",");

		if (k == n && strncmp(list, word, n) == 0)
			return true;
		list += k;
		list += *list == ',';
	}
	return false;
}

bool mi_under(const char *path, const char *base)
{
	size_t n = strlen(base);

	if (n == 1 && base[0] == '/')
		return path[0] == '/';
	return strncmp(path, base, n) == 0 && (path[n] == '\0' || path[n] == '/');
}
