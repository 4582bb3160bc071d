/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The checks, one file each. A check starts boxes through runner.c (or
 * reads the shared facts run), watches the host side itself, and fills a
 * result: PASS only when every expectation held, SKIP with a reason when
 * the policy gives it nothing to check.
 */
#ifndef NSR_CHECKS_H
#define NSR_CHECKS_H

#include "../facts.h"
#include "../harness.h"
#include "../host.h"
#include "../runner.h"
#include "util.h"

#define CHK_EXPECT(res, bad, cond, ...)              \
	do {                                         \
		if (!(cond)) {                       \
			hx_fail((res), __VA_ARGS__); \
			(bad)++;                     \
		}                                    \
	} while (0)

/* PASS when nothing failed (and the check did not skip). */
static inline int chk_done(struct hx_result *res, int bad)
{
	if (res->status != HX_SKIP)
		res->status = bad == 0 ? HX_PASS : HX_FAIL;
	return bad == 0 ? 0 : -1;
}

/* The box's namespace `name` must differ from the harness's own. */
int chk_ns_differs(const struct facts *f, const char *name, struct hx_result *res);
/* Whether the probe saw a process of this comm. */
bool chk_sees_comm(const struct facts *f, const char *comm);
/* Start a box running the probe (args), wait for its "ready=1" and find
 * the probe's host pid. 0, or -1 with the reason in res (b is then still
 * to be finished and freed by the caller, like after run_start). */
int chk_box_ready(struct hx_ctx *ctx, const char *const *args, struct run_box *b, pid_t *pid,
		  struct hx_result *res);
/* Let the probe go on and wait for its "done=1" (bounded by the box's
 * deadline); then the caller finishes the box. */
void chk_box_go(struct run_box *b);
/* A small file of the host (a cgroup file) into buf, newline cut; -1 when
 * it cannot be read. */
int chk_read_line(const char *dir, const char *name, char *buf, size_t sz);

/* One per check file, listed in registry.c. */
extern const struct hx_check hx_check_pid1;
extern const struct hx_check hx_check_hostname;
extern const struct hx_check hx_check_mount_propagation;
extern const struct hx_check hx_check_ipc;
extern const struct hx_check hx_check_pids_limit;
extern const struct hx_check hx_check_memory_oom;
extern const struct hx_check hx_check_capabilities;
extern const struct hx_check hx_check_identity;
extern const struct hx_check hx_check_rootfs;
extern const struct hx_check hx_check_pivot_root;
extern const struct hx_check hx_check_network;
extern const struct hx_check hx_check_fds;
extern const struct hx_check hx_check_cgroupns;
extern const struct hx_check hx_check_sys_readonly;
extern const struct hx_check hx_check_cgroupfs;
extern const struct hx_check hx_check_setuid;
extern const struct hx_check hx_check_signal_host;
extern const struct hx_check hx_check_cpu;
extern const struct hx_check hx_check_nofile;
extern const struct hx_check hx_check_swap;
extern const struct hx_check hx_check_env;
extern const struct hx_check hx_check_join;
extern const struct hx_check hx_check_devices;

#endif
