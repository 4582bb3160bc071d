// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The keys of a box's lifetime (nsrun.policy(5)): [limits] runtime (the
 * wall-clock limit, N with an s, m, h or d suffix), [box] join (may the
 * owner enter the running box), [box] log_max (size cap of a detached
 * box's log) and [box] log_keep (is that log kept after the box ends).
 * Pure parsing of untrusted text; no privilege.
 */
#include "config.h"

#include "internal.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

int policy_parse_duration(const char *s, uint64_t *seconds)
{
	static const struct {
		char c;
		uint64_t mul;
	} units[] = {
		{ 's', 1 },
		{ 'm', 60 },
		{ 'h', 3600 },
		{ 'd', 86400 },
	};
	char num[24];
	size_t n = strlen(s), i;
	uint64_t mul = 1, v;

	if (n == 0 || n >= sizeof(num))
		return -1;
	for (i = 0; i < NSR_ARRAY_SIZE(units); i++)
		if (s[n - 1] == units[i].c) {
			mul = units[i].mul;
			n--;
			break;
		}
	memcpy(num, s, n);
	num[n] = '\0';
	/* At most 366 days, and at least one second. */
	if (policy_parse_uint(num, 1, POLICY_RUNTIME_MAX / mul, &v) < 0)
		return -1;
	*seconds = v * mul;
	return 0;
}

int policy_format_duration(uint64_t seconds, char *out, size_t outsz)
{
	static const struct {
		char c;
		uint64_t mul;
	} units[] = {
		{ 'd', 86400 },
		{ 'h', 3600 },
		{ 'm', 60 },
	};
	size_t i;

	for (i = 0; i < NSR_ARRAY_SIZE(units); i++)
		if (seconds >= units[i].mul && seconds % units[i].mul == 0)
			return snprintf(out, outsz, "%llu%c",
					(unsigned long long)(seconds / units[i].mul),
					units[i].c) < (int)outsz ?
				       0 :
				       -1;
	return snprintf(out, outsz, "%llus", (unsigned long long)seconds) < (int)outsz ? 0 : -1;
}

static int life_runtime(struct policy_parser *ps, const struct policy_keydef *k, const char *v)
{
	struct policy_limits *l = &ps->pol->limits;

	if (policy_parse_duration(v, &l->runtime) < 0)
		return policy_key_bad(ps, k,
				      "\"%s\" is not a duration from 1s to 366d (N with s, m, h or d)",
				      v);
	l->has_runtime = true;
	return 0;
}

static int life_join(struct policy_parser *ps, const struct policy_keydef *k, const char *v)
{
	bool yes = false;

	if (policy_key_yes_no(ps, k, v, &yes) < 0)
		return -1;
	ps->pol->deny_join = !yes;
	return 0;
}

static int life_log_keep(struct policy_parser *ps, const struct policy_keydef *k, const char *v)
{
	return policy_key_yes_no(ps, k, v, &ps->pol->log_keep);
}

static int life_log_max(struct policy_parser *ps, const struct policy_keydef *k, const char *v)
{
	uint64_t size;

	if (policy_parse_size(v, &size) < 0)
		return policy_key_bad(ps, k,
				      "\"%s\" is not a size (integer with optional K, M or G)", v);
	if (size < POLICY_LOG_MIN || size > POLICY_LOG_MAX)
		return policy_key_bad(ps, k, "\"%s\" is not from 64K to 16G", v);
	ps->pol->log_max = size;
	return 0;
}

const struct policy_keydef policy_keys_life[] = {
	{ SEC_LIMITS, "runtime", K_RUNTIME, false, life_runtime },
	{ SEC_BOX, "join", K_JOIN, false, life_join },
	{ SEC_BOX, "log_max", K_LOG_MAX, false, life_log_max },
	{ SEC_BOX, "log_keep", K_LOG_KEEP, false, life_log_keep },
	{ 0, NULL, 0, false, NULL },
};
