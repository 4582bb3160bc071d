// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The child side of a start, in the new namespaces, as root until
 * caps_drop(): wait for the supervisor's go, enter a cgroup namespace (now
 * that we are in the box's cgroup), open bind sources as the user, build
 * the file system view and pivot_root, set the hostname, bring up lo (and
 * eth0), put back the caller's rlimits, drop every privilege, filter
 * terminal injection, become init. Any failure goes to the supervisor as
 * one struct nsr_err and the child exits; nothing is exec'd.
 */
#include "box.h"

#include <grp.h>
#include <poll.h>
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

__attribute__((noreturn))
static void box_fail(const struct box_ctx *ctx, struct nsr_err *err)
{
	if (err->kind == NSR_E_NONE)
		err->kind = NSR_E_SETUP;
	nsr_write_all(ctx->err_fd, err, sizeof(*err));
	_exit(125);
}

/* Die with the supervisor. Every credential change clears this, so it is
 * set again after each one, and the pipe tells whether it is already gone. */
static void arm_parent_death(const struct box_ctx *ctx)
{
	struct pollfd p = { .fd = ctx->go_fd, .events = POLLIN };

	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR)))
		_exit(125);
}

/* Close everything but 0-2 and the fds of ctx (-1: none). */
static void keep_only(const struct box_ctx *ctx)
{
	int keep[3] = { ctx->go_fd, ctx->err_fd, ctx->pty_fd };
	unsigned next = 3;
	size_t i, j;

	for (i = 1; i < 3; i++)   /* sort, -1 first */
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

	if (pty_box_open(ctx->pty_fd, p->uid, &slave, err) < 0)
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

/* Names of the user's groups for the box's /etc/group. Point lookups, not
 * an enumeration: getgrent() walks every NSS service (libnss_systemd on a
 * stock Debian costs half a millisecond), getgrgid() stops at "files". */
static size_t group_names(const struct nsr_plan *p, struct etc_group_entry *g, char names[][64])
{
	size_t n = 0, i;

	for (i = 0; i <= p->n_groups; i++) {
		gid_t gid = i == 0 ? p->gid : p->groups[i - 1];
		struct group *gr = getgrgid(gid);
		if (gr != NULL && strlen(gr->gr_name) < 64)
			snprintf(names[n], 64, "%s", gr->gr_name);
		else
			snprintf(names[n], 64, "gid%u", (unsigned)gid);
		g[n].gid = gid;
		g[n].name = names[n];
		n++;
	}
	return n;
}

void box_child(const struct box_ctx *ctx)
{
	static struct etc_group_entry groups[PLAN_MAX_GROUPS + 1];
	static char names[PLAN_MAX_GROUPS + 1][64];
	static int src_fds[PLAN_MAX_MOUNTS];
	static char shell[POLICY_STR_MAX] = "/bin/sh";
	const struct nsr_plan *p = ctx->plan;
	struct nsr_err err = { 0 };
	struct box_go go;
	struct mnt_input in;

	/* Into the box's cgroup leaf first (when not born there), so that
	 * everything setup does is counted there (cgroup.h). */
	if (cg_handoff_child(ctx->cg, &err) < 0)
		box_fail(ctx, &err);
	keep_only(ctx);
	arm_parent_death(ctx);
	if (nsr_read_full(ctx->go_fd, &go, sizeof(go)) != (ssize_t)sizeof(go) || go.magic != BOX_GO_MAGIC)
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
		(void)net_allow_ping(p->gid);

	memset(&in, 0, sizeof(in));
	in.plan = p;
	in.statedir = ctx->statedir;
	in.datadir = ctx->datadir;
	in.src_fds = src_fds;
	in.box_addr = go.addr;
	in.groups = groups;
	in.n_groups = group_names(p, groups, names);
	in.shell = shell;

	if (mnt_open_sources(p, src_fds, &err) < 0)
		box_fail(ctx, &err);
	arm_parent_death(ctx);
	if (mnt_setup(&in, &err) < 0)
		box_fail(ctx, &err);
	for (size_t i = 0; i < p->n_mounts; i++)
		if (src_fds[i] >= 0)
			close(src_fds[i]);
	if (p->pty)
		box_terminal(ctx, &err);

	if (sethostname(p->hostname, strlen(p->hostname)) < 0) {
		nsr_err_set(&err, NSR_E_SETUP, errno, "cannot set the hostname");
		box_fail(ctx, &err);
	}
	if (p->net.mode == POLICY_NET_NONE && net_lo_up(&err) < 0)
		box_fail(ctx, &err);   /* (bridge mode: net_box_eth0 brings lo up) */
	if (p->net.mode == POLICY_NET_BRIDGE &&
	    net_box_eth0(go.peer_if, go.addr, go.prefix, go.gateway, &err) < 0)
		box_fail(ctx, &err);

	/* The caller's own rlimits apply to the payload; the policy's nofile
	 * is a ceiling under the caller's hard limit. */
	sanitize_restore_rlimits(ctx->inh);
	umask(ctx->inh->umask);
	if (p->limits.has_nofile) {
		struct rlimit rl;
		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && (rlim_t)p->limits.nofile < rl.rlim_max)
			rl.rlim_max = (rlim_t)p->limits.nofile;
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
			nsr_err_set(&err, NSR_E_SETUP, errno, "cannot set nofile");
			box_fail(ctx, &err);
		}
	}

	if (caps_drop(p, &err) < 0)
		box_fail(ctx, &err);
	arm_parent_death(ctx);
	if (caps_seccomp(p->deny_userns, &err) < 0)
		box_fail(ctx, &err);
	close(ctx->go_fd);
	init_run(p, shell, ctx->err_fd);
}
