// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The limits of nsrun.policy(5) [limits] as one table: for each limit, the
 * v1 hierarchy and file, the v2 file, and how the value is written. The
 * table is pure; cg_apply_limits() writes the rows as root in the
 * supervisor, relative to the leaf fds the backend opened.
 */
#include "config.h"

#include "internal.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define CG_CPU_PERIOD_US "100000"

enum cg_value {
	CG_VAL_NONE = 0, /* no file on this version */
	CG_VAL_PIDS,
	CG_VAL_MEMORY,
	CG_VAL_ZERO,	/* memory.oom_control: 0 = the OOM killer acts in the leaf */
	CG_VAL_SWAP,	/* swap alone (v2) */
	CG_VAL_MEMSW,	/* memory + swap (v1 memsw; needs a memory limit) */
	CG_VAL_PERIOD,	/* cfs_period_us */
	CG_VAL_QUOTA,	/* cfs_quota_us */
	CG_VAL_CPU_MAX, /* "quota period" */
};

/* Written in this order: memory before memsw (memsw >= memory), period
 * before quota. */
static const struct cg_limit_row {
	enum cg_limit limit;
	enum cg_v1_ctrl ctrl;
	const char *v1_file;
	enum cg_value v1_value;
	const char *v2_file;
	enum cg_value v2_value;
} cg_limit_table[] = {
	{ CG_LIMIT_PIDS, CG_V1_PIDS, "pids.max", CG_VAL_PIDS, "pids.max", CG_VAL_PIDS },
	{ CG_LIMIT_MEMORY, CG_V1_MEMORY, "memory.limit_in_bytes", CG_VAL_MEMORY, "memory.max",
	  CG_VAL_MEMORY },
	{ CG_LIMIT_MEMORY, CG_V1_MEMORY, "memory.oom_control", CG_VAL_ZERO, NULL, CG_VAL_NONE },
	{ CG_LIMIT_SWAP, CG_V1_MEMORY, "memory.memsw.limit_in_bytes", CG_VAL_MEMSW,
	  "memory.swap.max", CG_VAL_SWAP },
	{ CG_LIMIT_CPU, CG_V1_CPU, "cpu.cfs_period_us", CG_VAL_PERIOD, NULL, CG_VAL_NONE },
	{ CG_LIMIT_CPU, CG_V1_CPU, "cpu.cfs_quota_us", CG_VAL_QUOTA, "cpu.max", CG_VAL_CPU_MAX },
};

bool cg_limit_set(const struct cg_limits *lim, enum cg_limit l)
{
	switch (l) {
	case CG_LIMIT_PIDS:
		return lim->has_pids;
	case CG_LIMIT_MEMORY:
		return lim->has_memory;
	case CG_LIMIT_SWAP:
		return lim->has_swap;
	case CG_LIMIT_CPU:
		return lim->has_cpu;
	default:
		return false;
	}
}

bool cg_limits_any(const struct cg_limits *lim)
{
	for (int l = 0; l < CG_LIMIT_N; l++)
		if (cg_limit_set(lim, (enum cg_limit)l))
			return true;
	return lim->has_devices;
}

int cg_limit_ctrl(enum cg_limit l)
{
	for (size_t i = 0; i < NSR_ARRAY_SIZE(cg_limit_table); i++)
		if (cg_limit_table[i].limit == l)
			return (int)cg_limit_table[i].ctrl;
	return -1;
}

static int cg_value(enum cg_value v, const struct cg_limits *lim, char *out, size_t sz)
{
	char cpu[32];
	uint64_t memsw;

	switch (v) {
	case CG_VAL_PIDS:
		return nsr_fmt(out, sz, "%" PRIu64, lim->pids);
	case CG_VAL_MEMORY:
		return nsr_fmt(out, sz, "%" PRIu64, lim->memory);
	case CG_VAL_ZERO:
		return nsr_fmt(out, sz, "0");
	case CG_VAL_SWAP:
		return nsr_fmt(out, sz, "%" PRIu64, lim->swap);
	case CG_VAL_MEMSW:
		if (cg_v1_memsw(lim->memory, lim->swap, &memsw) < 0)
			return -1;
		return nsr_fmt(out, sz, "%" PRIu64, memsw);
	case CG_VAL_PERIOD:
	case CG_VAL_QUOTA:
	case CG_VAL_CPU_MAX:
		if (cg_format_cpu_max(lim->cpu_milli, cpu, sizeof(cpu)) < 0)
			return -1;
		if (v == CG_VAL_CPU_MAX)
			return nsr_fmt(out, sz, "%s", cpu);
		if (v == CG_VAL_PERIOD)
			return nsr_fmt(out, sz, "%s", strchr(cpu, ' ') + 1);
		*strchr(cpu, ' ') = '\0';
		return nsr_fmt(out, sz, "%s", cpu);
	default:
		errno = EINVAL;
		return -1;
	}
}

int cg_limit_writes(enum cg_mode mode, const struct cg_limits *lim,
		    struct cg_write out[CG_WRITES_MAX])
{
	int n = 0;

	for (size_t i = 0; i < NSR_ARRAY_SIZE(cg_limit_table); i++) {
		const struct cg_limit_row *r = &cg_limit_table[i];
		const char *file = mode == CG_MODE_V1 ? r->v1_file : r->v2_file;
		enum cg_value v = mode == CG_MODE_V1 ? r->v1_value : r->v2_value;

		if (!cg_limit_set(lim, r->limit) || file == NULL)
			continue;
		if (n >= CG_WRITES_MAX) {
			errno = E2BIG;
			return -1;
		}
		out[n].limit = r->limit;
		out[n].ctrl = (int)r->ctrl;
		out[n].file = file;
		if (cg_value(v, lim, out[n].value, sizeof(out[n].value)) < 0)
			return -1;
		n++;
	}
	return n;
}

static int cg_limit_dfd(const struct cg_box *cg, const struct cg_write *w)
{
	return cg->mode == CG_MODE_V1 ? cg->v1_dfd[w->ctrl] : cg->leaf_dfd;
}

int cg_apply_limits(struct cg_box *cg, const struct cg_limits *lim, struct nsr_err *err)
{
	struct cg_write w[CG_WRITES_MAX];
	int n = cg_limit_writes(cg->mode, lim, w);

	if (n < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "a limit the kernel cannot take");
	for (int i = 0; i < n; i++) {
		int dfd = cg_limit_dfd(cg, &w[i]);
		if (w[i].limit == CG_LIMIT_SWAP) {
			/* v1 memsw counts memory + swap: without a memory
			 * limit (or without swap accounting) it cannot hold. */
			bool can = cg_fs_exists(dfd, w[i].file) &&
				   (cg->mode != CG_MODE_V1 || lim->has_memory);
			if (!can) {
				if (cg_swap_check(cg, err) < 0)
					return -1;
				continue;
			}
		}
		if (nsr_write_file(dfd, w[i].file, w[i].value, err) < 0)
			return -1;
	}
	return 0;
}
