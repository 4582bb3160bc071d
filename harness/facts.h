/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The probe's output as the harness reads it: `key=value` lines. The text
 * comes from inside a box and is untrusted: lines without '=' are kept as
 * noise (counted, never believed), values are bounded by the buffer.
 */
#ifndef NSR_FACTS_H
#define NSR_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct facts_kv {
	const char *key;
	const char *val;
};

struct facts {
	char *buf; /* owned copy of the text, cut into lines */
	struct facts_kv *kv;
	size_t n;
	size_t noise; /* lines that were not key=value */
};

/* Parse len bytes of text (need not be NUL-terminated); 0 or -1 (ENOMEM). */
int facts_parse(const char *text, size_t len, struct facts *f);
void facts_free(struct facts *f);

/* The first value of key, or NULL. */
const char *facts_get(const struct facts *f, const char *key);
/* How many values key has, and the i-th of them (NULL past the end). */
size_t facts_count(const struct facts *f, const char *key);
const char *facts_nth(const struct facts *f, const char *key, size_t i);
/* Whether key has exactly this value among its values. */
bool facts_has(const struct facts *f, const char *key, const char *val);

/* "1000 1000 1000 1000" -> every field equals want; false when empty. */
bool facts_ids_all(const char *v, unsigned long want);
/* A hex capability mask ("0000000000000000"); -1 when not hex. */
int facts_hex(const char *v, uint64_t *out);
/* A decimal value; -1 when not a number. */
int facts_long(const char *v, long *out);

#endif
