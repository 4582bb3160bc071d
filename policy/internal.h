/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to the policy library and its tests: the parser's state, the key
 * table's entry point, diagnostics, small value parsers and the trust walk
 * from an arbitrary starting directory. Nothing here is part of policy.h.
 */
#ifndef NSR_POLICY_INTERNAL_H
#define NSR_POLICY_INTERNAL_H

#include <stdarg.h>

#include "policy.h"

/* Longest line (bytes, newline not counted) the reader hands to inih. The
 * system inih has a 200-byte line buffer including "\r\n\0"; a longer line
 * would be split and its tail parsed as a new line, so it is refused. */
#define POLICY_LINE_MAX 196
/* Largest policy file read at all. */
#define POLICY_FILE_MAX (64 * 1024)

enum policy_section {
	SEC_NONE = 0,
	SEC_POLICY,
	SEC_ROOTFS,
	SEC_MOUNT,
	SEC_LIMITS,
	SEC_NETWORK,
	SEC_BOX,
	SEC_DEVICES,
	SEC_UNKNOWN,
	SEC_COUNT,
};

enum policy_key {
	K_DESCRIPTION,
	K_USERS,
	K_GROUPS,
	K_PATH,
	K_WRITABLE,
	K_BIND,
	K_TMPFS,
	K_PIDS,
	K_MEMORY,
	K_SWAP,
	K_CPU,
	K_NOFILE,
	K_MODE,
	K_BRIDGE,
	K_SUBNET,
	K_GATEWAY,
	K_DNS,
	K_PER_USER,
	K_HOSTNAME,
	K_COMMAND,
	K_ENV,
	K_USERNS,
	K_RUNTIME,
	K_JOIN,
	K_LOG_MAX,
	K_LOG_KEEP,
	K_PASS_ENV,
	K_CGROUP,
	K_DEV_ALLOW,
	K_DEV_ALLOW_BLOCK,
	K_GPUS,
	K_NETNS_POOL,
	K_COUNT,
};

struct policy_parser {
	struct policy *pol;
	struct policy_diags *diags;
	const char *buf; /* the whole file, NUL-terminated */
	size_t len, pos;
	unsigned line; /* line the reader handed out last */
	int section;   /* enum policy_section */
	unsigned section_line[SEC_COUNT];
	unsigned key_line[K_COUNT]; /* first line of each key, 0 = absent */
};

/* Record one problem (0 = file-level line). Never fails: past
 * POLICY_DIAG_MAX problems are counted in diags->dropped. */
void policy_diag(struct policy_diags *d, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* One known key: where it lives and how its value is stored. */
struct policy_keydef {
	int section;
	const char *name;
	int key; /* enum policy_key */
	bool repeatable;
	/* 0, or -1 after recording a diagnostic */
	int (*set)(struct policy_parser *ps, const struct policy_keydef *k, const char *value);
};
/* [policy] [rootfs] [mount] keys (keys.c), [limits] keys (keys_limits.c),
 * [network] keys (keys_net.c), [box] keys (keys_box.c), lifetime keys
 * (keys_life.c); each table ends with a NULL name. */
extern const struct policy_keydef policy_keys_main[];
extern const struct policy_keydef policy_keys_limits[];
extern const struct policy_keydef policy_keys_net[];
extern const struct policy_keydef policy_keys_box[];
/* [limits] runtime, [box] join, log_max, log_keep (keys_life.c). */
extern const struct policy_keydef policy_keys_life[];
extern const struct policy_keydef policy_keys_dev[]; /* [devices], keys_dev.c */
/* Record "SECTION.KEY: message" at the current line; returns -1. */
int policy_key_bad(struct policy_parser *ps, const struct policy_keydef *k, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "yes" or "no" into *out; else "SECTION.KEY: "V": expected yes or no". */
int policy_key_yes_no(struct policy_parser *ps, const struct policy_keydef *k, const char *v,
		      bool *out);
/* One of a key's words: names[i] sets *out = i (names ends with NULL, in
 * the enum's order); else "SECTION.KEY: "V" is not one of a, b, c". */
int policy_key_one_of(struct policy_parser *ps, const struct policy_keydef *k, const char *v,
		      const char *const names[], int *out);

/* Section names, and the inih handler's work for one key = value (keys.c). */
int policy_section_lookup(const char *name);
const char *policy_section_name(int section);
void policy_key_set(struct policy_parser *ps, const char *key, const char *value);

/* Checks that need the whole file: required keys, cross-key rules, the
 * rootfs's trust, defaults (validate.c). */
void policy_validate(struct policy_parser *ps);

/* Length of the $VAR name at s (after the '$'): 4 for "HOME...", 0 for a
 * name that is not HOME, USER, UID or BOX (names.c). */
size_t policy_var_len(const char *s);

/* Decimal integer without sign, spaces or leading zeros, in [min, max]. */
int policy_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* The trust walk of trust.c, starting below an already-trusted directory
 * fd instead of "/": `rel` is relative ("a/b/c"), no "." or "..". */
int trust_walk_at(int start_dfd, const char *shown, const char *rel, bool want_dir, int *fd_out,
		  char *why, size_t whysz);

#endif
