// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The keys of [limits] (nsrun.policy(5)). Each value is parsed strictly
 * into the policy's limits; rules that involve several keys (swap needs
 * memory) are checked in validate.c. Pure parsing of untrusted text; no
 * privilege.
 */
#include "config.h"

#include "internal.h"

#include <stdio.h>
#include <string.h>

static int limits_pids(struct policy_parser *ps, const struct policy_keydef *k, const char *v)
{
	struct policy_limits *l = &ps->pol->limits;

	if (policy_parse_uint(v, 1, 4194304, &l->pids) < 0)
		return policy_key_bad(ps, k, "\"%s\" is not an integer from 1 to 4194304", v);
	l->has_pids = true;
	return 0;
}

static int limits_nofile(struct policy_parser *ps, const struct policy_keydef *k, const char *v)
{
	struct policy_limits *l = &ps->pol->limits;

	if (policy_parse_uint(v, 8, 1048576, &l->nofile) < 0)
		return policy_key_bad(ps, k, "\"%s\" is not an integer from 8 to 1048576", v);
	l->has_nofile = true;
	return 0;
}

static int limits_memory(struct policy_parser *ps, const struct policy_keydef *k, const char *v)
{
	struct policy_limits *l = &ps->pol->limits;

	if (policy_parse_size(v, &l->memory) < 0)
		return policy_key_bad(ps, k,
				      "\"%s\" is not a size (integer with optional K, M or G)", v);
	if (l->memory < (1ULL << 20))
		return policy_key_bad(ps, k, "\"%s\" is below the minimum of 1M", v);
	l->has_memory = true;
	return 0;
}

static int limits_swap(struct policy_parser *ps, const struct policy_keydef *k, const char *v)
{
	struct policy_limits *l = &ps->pol->limits;

	if (policy_parse_size(v, &l->swap) < 0)
		return policy_key_bad(ps, k,
				      "\"%s\" is not a size (integer with optional K, M or G)", v);
	l->has_swap = true;
	return 0;
}

static int limits_cpu(struct policy_parser *ps, const struct policy_keydef *k, const char *v)
{
	struct policy_limits *l = &ps->pol->limits;

	if (policy_parse_cpu(v, &l->cpu_milli) < 0)
		return policy_key_bad(
			ps, k,
			"\"%s\" is not a CPU count above 0, at most 1024, with at most 3 decimals",
			v);
	l->has_cpu = true;
	return 0;
}

static int limits_cgroup(struct policy_parser *ps, const struct policy_keydef *k, const char *v)
{
	if (strcmp(v, "own") == 0)
		ps->pol->limits.cgroup_nested = false;
	else if (strcmp(v, "nested") == 0)
		ps->pol->limits.cgroup_nested = true;
	else
		return policy_key_bad(ps, k, "\"%s\": expected own or nested", v);
	return 0;
}

const struct policy_keydef policy_keys_limits[] = {
	{ SEC_LIMITS, "pids", K_PIDS, false, limits_pids },
	{ SEC_LIMITS, "memory", K_MEMORY, false, limits_memory },
	{ SEC_LIMITS, "swap", K_SWAP, false, limits_swap },
	{ SEC_LIMITS, "cpu", K_CPU, false, limits_cpu },
	{ SEC_LIMITS, "nofile", K_NOFILE, false, limits_nofile },
	{ SEC_LIMITS, "cgroup", K_CGROUP, false, limits_cgroup },
	{ 0, NULL, 0, false, NULL },
};
