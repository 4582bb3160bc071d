// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The child side of a start, in the new namespaces, as root until
 * caps_drop(): enter the box's cgroup leaf, wait for the supervisor's go,
 * enter a cgroup namespace, build the file system view (bind sources are
 * opened as the user there) and pivot_root, set the hostname, bring up lo
 * (and eth0), put back the caller's rlimits, drop every privilege, filter
 * terminal injection, become init. No user database lookups here: group
 * names were resolved by plan_build() before the clone. Any failure goes
 * to the supervisor as one struct nsr_err and the child exits; nothing is
 * exec'd.
 */
#include "box.h"

#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caps.h"
#include "cgroup/cgroup.h"
#include "init.h"
#include "mount/mount.h"
#include "net/net.h"
#include "pty.h"
#include "util.h"

__attribute__((noreturn)) static void box_fail(const struct box_ctx *ctx, struct nsr_err *err)
{
	nsr_child_fail(ctx->err_fd, err);
}

/* Close everything but 0-2 and the fds of ctx (-1: none). */
static void keep_only(const struct box_ctx *ctx)
{
	int keep[3] = { ctx->go_fd, ctx->err_fd, ctx->pty_fd };
	unsigned next = 3;
	size_t i, j;

	for (i = 1; i < 3; i++) /* sort, -1 first */
		for (j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
			int t = keep[j];
			keep[j] = keep[j - 1];
			keep[j - 1] = t;
		}
	for (i = 0; i < 3; i++) {
		if (keep[i] < (int)next)
			continue;
		if ((unsigned)keep[i] > next)
			close_range(next, (unsigned)keep[i] - 1, 0);
		next = (unsigned)keep[i] + 1;
	}
	close_range(next, ~0U, 0);
}

/* The box's own terminal on the fds the plan names, so that nothing in
 * the box holds the caller's (nsrun(1), TERMINAL). Still root here. */
static void box_terminal(const struct box_ctx *ctx, struct nsr_err *err)
{
	const struct nsr_plan *p = ctx->plan;
	int slave = -1;

	if (pty_box_open(ctx->pty_fd, p->id.uid, &slave, err) < 0)
		box_fail(ctx, err);
	close(ctx->pty_fd);
	for (int fd = 0; fd <= 2; fd++)
		if ((p->pty_fds & (1u << fd)) && dup2(slave, fd) < 0) {
			nsr_err_set(err, NSR_E_SETUP, errno, "cannot give the box its terminal");
			box_fail(ctx, err);
		}
	if (slave > 2)
		close(slave);
}

void box_child(const struct box_ctx *ctx)
{
	static char shell[POLICY_STR_MAX] = "/bin/sh";
	const struct nsr_plan *p = ctx->plan;
	struct nsr_err err = { 0 };
	struct box_go go;
	struct mnt_input in;

	/* Into the box's cgroup leaf first (when not born there), so that
	 * everything setup does is counted there (cgroup.h). */
	if (cg_handoff_child(ctx->cg, &err) < 0 || cg_return_to_caller(&err) < 0)
		box_fail(ctx, &err);
	keep_only(ctx);
	/* Die with the supervisor (its end of the go pipe tells if it is
	 * gone already). caps.c arms this again after each id change. */
	if (caps_arm_parent_death(ctx->go_fd) < 0)
		_exit(125);
	if (nsr_read_full(ctx->go_fd, &go, sizeof(go)) != (ssize_t)sizeof(go) ||
	    go.magic != BOX_GO_MAGIC)
		_exit(125);

	/* We are in the box's cgroup now: make it the box's "/". */
	if (unshare(CLONE_NEWCGROUP) < 0) {
		nsr_err_set(&err, NSR_E_SETUP, errno, "cannot create a cgroup namespace");
		box_fail(ctx, &err);
	}

	/* ping for the box's user, in the box's own netns only: never with
	 * mode = host, where the netns (and so the sysctl) is the host's.
	 * Best effort, and before the box's /proc hides /proc/sys read-only. */
	if (p->net.mode != POLICY_NET_HOST)
		(void)net_allow_ping(p->id.gid);

	memset(&in, 0, sizeof(in));
	in.plan = p;
	in.statedir = ctx->statedir;
	in.datadir = ctx->datadir;
	in.box_addr = go.addr;
	in.parent_fd = ctx->go_fd;
	in.shell = shell;
	if (mnt_setup(&in, &err) < 0)
		box_fail(ctx, &err);
	if (p->pty)
		box_terminal(ctx, &err);

	if (sethostname(p->hostname, strlen(p->hostname)) < 0) {
		nsr_err_set(&err, NSR_E_SETUP, errno, "cannot set the hostname");
		box_fail(ctx, &err);
	}
	if (p->net.mode == POLICY_NET_NONE && net_lo_up(&err) < 0)
		box_fail(ctx, &err); /* (bridge mode: net_box_eth0 brings lo up) */
	if (p->net.mode == POLICY_NET_BRIDGE && net_box_eth0(go.addr, go.prefix, go.gateway, &err) < 0)
		box_fail(ctx, &err);

	if (sanitize_payload_limits(ctx->inh, p->limits.has_nofile ? p->limits.nofile : 0, &err) < 0)
		box_fail(ctx, &err);

	if (caps_drop(&p->id, ctx->go_fd, &err) < 0)
		box_fail(ctx, &err);
	if (caps_seccomp(p->deny_userns, &err) < 0)
		box_fail(ctx, &err);
	close(ctx->go_fd);
	init_run(p, shell, ctx->err_fd);
}
