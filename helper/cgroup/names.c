// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Pure string work for the cgroup backends: leaf names and their parsing
 * (gc reads names it finds on disk, so parsing trusts nothing), limit
 * values as the kernel files want them, and the counters nsrun reads
 * back (OOM kills, SwapTotal). No privilege, no file access.
 */
#include "config.h"

#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define CG_SUFFIX_MAX 24
#define CG_CPU_PERIOD 100000u /* µs: cfs_period_us and cpu.max's period */

static bool cg_suffix_valid(const char *s, size_t len)
{
	if (len == 0 || len > CG_SUFFIX_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'z')))
			return false;
	return true;
}

int cg_leaf_name(uid_t uid, const char *box, const char *suffix, char *out, size_t outsz)
{
	if (uid == (uid_t)-1 || !nsr_box_name_valid(box) || suffix == NULL ||
	    !cg_suffix_valid(suffix, strlen(suffix))) {
		errno = EINVAL;
		return -1;
	}
	return nsr_fmt(out, outsz, "%u-%s-%s", (unsigned)uid, box, suffix);
}

int cg_leaf_parse(const char *leaf, uid_t *uid, char *box, size_t boxsz)
{
	const char *dash1 = strchr(leaf, '-');
	const char *dash2 = strrchr(leaf, '-');
	uint64_t u = 0;
	size_t ulen, blen;

	errno = EINVAL;
	if (dash1 == NULL || dash2 == dash1)
		return -1;
	ulen = (size_t)(dash1 - leaf);
	if (ulen == 0 || ulen > 10 || (ulen > 1 && leaf[0] == '0'))
		return -1;
	for (size_t i = 0; i < ulen; i++) {
		if (leaf[i] < '0' || leaf[i] > '9')
			return -1;
		u = u * 10 + (uint64_t)(leaf[i] - '0');
	}
	if (u >= UINT32_MAX) /* (uid_t)-1 is never a user */
		return -1;
	if (!cg_suffix_valid(dash2 + 1, strlen(dash2 + 1)))
		return -1;
	blen = (size_t)(dash2 - dash1 - 1);
	if (blen == 0 || blen > NSR_BOX_NAME_MAX || blen + 1 > boxsz)
		return -1;
	memcpy(box, dash1 + 1, blen);
	box[blen] = '\0';
	if (!nsr_box_name_valid(box)) {
		box[0] = '\0';
		return -1;
	}
	*uid = (uid_t)u;
	errno = 0;
	return 0;
}

int cg_leaf_owner_pid(const char *leaf, pid_t *pid)
{
	const char *s = strrchr(leaf, '-');
	uint64_t v = 0;
	size_t len;

	if (s == NULL)
		return -1;
	s++;
	len = strlen(s);
	if (len <= 8 || len > 16)
		return -1;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (d < 0)
			return -1;
		if (i < len - 8)
			v = v * 16 + (uint64_t)d;
	}
	if (v == 0 || v > 0x3fffffff)
		return -1;
	*pid = (pid_t)v;
	return 0;
}

int cg_format_cpu_max(uint32_t cpu_milli, char *out, size_t outsz)
{
	uint64_t quota = (uint64_t)cpu_milli * CG_CPU_PERIOD / 1000;

	/* The kernel refuses quotas under 1 ms. */
	if (quota < 1000) {
		errno = EINVAL;
		return -1;
	}
	return nsr_fmt(out, outsz, "%" PRIu64 " %u", quota, CG_CPU_PERIOD);
}

int cg_v1_memsw(uint64_t memory, uint64_t swap, uint64_t *out)
{
	/* limit_in_bytes takes a signed 64-bit value. */
	if (memory > INT64_MAX || swap > (uint64_t)INT64_MAX - memory) {
		errno = ERANGE;
		return -1;
	}
	*out = memory + swap;
	return 0;
}

/* "key value" lines (memory.events, memory.oom_control, meminfo). */
static int cg_parse_key(const char *text, const char *key, uint64_t *val)
{
	size_t kl = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (strncmp(p, key, kl) == 0 && (p[kl] == ' ' || p[kl] == '\t')) {
			const char *q = p + kl;
			uint64_t v = 0;
			bool any = false;
			while (*q == ' ' || *q == '\t')
				q++;
			for (; *q >= '0' && *q <= '9'; q++) {
				if (v > (UINT64_MAX - 9) / 10)
					return -1;
				v = v * 10 + (uint64_t)(*q - '0');
				any = true;
			}
			if (!any || (*q != '\0' && *q != '\n' && *q != ' '))
				return -1;
			*val = v;
			return 0;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

int cg_parse_v2_oom_kill(const char *memory_events, uint64_t *count)
{
	return cg_parse_key(memory_events, "oom_kill", count);
}

int cg_parse_v1_oom_kill(const char *oom_control, uint64_t *count)
{
	/* oom_kill is there since 4.13; without it nsrun cannot tell. */
	return cg_parse_key(oom_control, "oom_kill", count);
}

int cg_parse_swap_total(const char *meminfo, uint64_t *kb)
{
	return cg_parse_key(meminfo, "SwapTotal:", kb);
}
