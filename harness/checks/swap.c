// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * swap: only under a policy with `swap` (which needs `memory`). While a box
 * holds, the harness reads the memory cgroup of the probe's host pid: on v2
 * memory.swap.max must be the policy's swap; on v1 memory.memsw.limit_in_bytes
 * (memory + swap) must be memory.limit_in_bytes + swap, so swap = 0 makes
 * them equal: the box cannot swap. A kernel without swap accounting passes
 * only where the host has no swap at all (as nsrun itself requires).
 */
#include "config.h"

#include "checks.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool swap_host_has_none(void)
{
	char text[8192];
	const char *p;

	if (nsr_read_file(AT_FDCWD, "/proc/meminfo", text, sizeof(text)) <= 0 ||
	    (p = strstr(text, "\nSwapTotal:")) == NULL)
		return false;
	return strtoull(p + 11, NULL, 10) == 0;
}

static int swap_parse(const char *v, uint64_t *out)
{
	char *end;

	if (v[0] < '0' || v[0] > '9')
		return -1;
	*out = strtoull(v, &end, 10);
	return *end == '\0' ? 0 : -1;
}

static void swap_cgroup(const struct hx_ctx *ctx, const char *dir, bool v2, struct hx_result *res,
			int *bad)
{
	const struct hx_expect *e = &ctx->t->exp;
	const char *file = v2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes";
	char v[64], mem[64] = "unreadable";
	uint64_t got = 0, m = 0, want, page;

	if (chk_read_line(dir, file, v, sizeof(v)) < 0) {
		if (swap_host_has_none()) {
			hx_note(res, "%s/%s is missing (no swap accounting); the host has no swap",
				dir, file);
			return;
		}
		CHK_EXPECT(res, *bad, false, "the box's cgroup %s has no %s, and the host has swap",
			   dir, file);
		return;
	}
	if (v2) {
		CHK_EXPECT(res, *bad, swap_parse(v, &got) == 0 && got == e->swap,
			   "%s/%s is %s, expected %" PRIu64 " (swap = %" PRIu64 ")", dir, file, v,
			   e->swap, e->swap);
		return;
	}
	/* memsw is only a swap limit on top of the memory limit: that must be
	 * the policy's (the kernel rounds it down to pages). */
	page = (uint64_t)sysconf(_SC_PAGESIZE);
	CHK_EXPECT(res, *bad,
		   chk_read_line(dir, "memory.limit_in_bytes", mem, sizeof(mem)) == 0 &&
			   swap_parse(mem, &m) == 0 && e->has_memory && m == e->memory / page * page,
		   "%s/memory.limit_in_bytes is %s, expected the policy's memory %" PRIu64, dir,
		   mem, e->memory);
	want = (e->memory + e->swap) / page * page;
	CHK_EXPECT(res, *bad, swap_parse(v, &got) == 0 && got == want,
		   "%s/%s is %s, expected %" PRIu64 " (memory %" PRIu64 " + swap %" PRIu64 ")%s",
		   dir, file, v, want, e->memory, e->swap,
		   got > want ? ": the box can swap more than the policy allows" : "");
}

static int chk_swap(struct hx_ctx *ctx, struct hx_result *res)
{
	const char *args[] = { HX_PROBE_TARGET "/nsrun-probe", "hold", NULL };
	char dir[PATH_MAX];
	struct run_box b;
	pid_t pid;
	bool v2 = false;
	int bad = 0;

	if (!ctx->t->exp.has_swap)
		return hx_skip(res, "policy %s sets no swap", ctx->t->policy);
	if (chk_box_ready(ctx, args, &b, &pid, res) < 0) {
		run_free(&b);
		return -1;
	}
	if (host_cgroup_dir(pid, "memory", dir, sizeof(dir), &v2) < 0)
		CHK_EXPECT(res, bad, false,
			   "the box's process %ld is in no memory cgroup the "
			   "host has mounted",
			   (long)pid);
	else
		swap_cgroup(ctx, dir, v2, res, &bad);
	chk_box_go(&b);
	run_finish(&b);
	if (bad > 0)
		run_note(&b, res);
	run_free(&b);
	return chk_done(res, bad);
}

const struct hx_check hx_check_swap = {
	.name = "swap",
	.proves = "with swap = S: the box's memory cgroup carries it: memory.swap.max = S "
		  "(v2), memory.memsw.limit_in_bytes = memory.limit_in_bytes + S (v1); with "
		  "swap = 0 the box cannot swap",
	.fails = "no swap limit or another value in the box's cgroup (the file and value are "
		 "shown), or no swap accounting on a host that has swap; skipped without swap",
	.run = chk_swap,
};
