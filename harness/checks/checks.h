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

#define CHK_EXPECT(res, bad, cond, ...) \
	do { \
		if (!(cond)) { \
			hx_fail((res), __VA_ARGS__); \
			(bad)++; \
		} \
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

int chk_pid1(struct hx_ctx *ctx, struct hx_result *res);
int chk_hostname(struct hx_ctx *ctx, struct hx_result *res);
int chk_mount_propagation(struct hx_ctx *ctx, struct hx_result *res);
int chk_ipc(struct hx_ctx *ctx, struct hx_result *res);
int chk_pids_limit(struct hx_ctx *ctx, struct hx_result *res);
int chk_memory_oom(struct hx_ctx *ctx, struct hx_result *res);
int chk_capabilities(struct hx_ctx *ctx, struct hx_result *res);
int chk_identity(struct hx_ctx *ctx, struct hx_result *res);
int chk_rootfs(struct hx_ctx *ctx, struct hx_result *res);
int chk_network(struct hx_ctx *ctx, struct hx_result *res);
int chk_fds(struct hx_ctx *ctx, struct hx_result *res);
int chk_cgroupns(struct hx_ctx *ctx, struct hx_result *res);
int chk_sys_readonly(struct hx_ctx *ctx, struct hx_result *res);
int chk_cgroupfs(struct hx_ctx *ctx, struct hx_result *res);
int chk_setuid(struct hx_ctx *ctx, struct hx_result *res);
int chk_signal_host(struct hx_ctx *ctx, struct hx_result *res);
int chk_join(struct hx_ctx *ctx, struct hx_result *res);

#endif
