// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The supervisor: root, in the host's namespaces. Takes the box lock,
 * creates the cgroup leaf and the address lease, clones the box child into
 * new namespaces, wires the veth, says go, reads the child's verdict,
 * forwards signals, maps the exit status, and undoes every piece of host
 * state it made, in reverse order, however the box ended. If the
 * supervisor itself is killed, the box dies with it (PDEATHSIG) and the
 * next start (or --gc) collects the cgroup leaf and the lock file.
 */
#include "start.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "box.h"
#include "caps.h"
#include "cgroup/cgroup.h"
#include "net/ipam.h"
#include "lock.h"
#include "log.h"
#include "net/net.h"
#include "util.h"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* Our own copy of the clone3 argument block (uapi linux/sched.h). */
struct nsr_clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal;
	uint64_t stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };

/* Host state of one start: undone in reverse by start_undo(). */
struct start_state {
	struct nsr_lock lock;
	struct cg_box cg;
	bool have_cg;
	bool have_lease;
	uint32_t addr;
	char host_if[16];
	char peer_if[16];
	bool have_veth;
};

static bool wants_cgroup(const struct policy_limits *l)
{
	return l->has_pids || l->has_memory || l->has_swap || l->has_cpu;
}

static void start_undo(const struct nsr_plan *plan, const struct start_paths *paths,
		       struct start_state *s)
{
	if (s->have_veth)
		net_link_del(s->host_if, NULL);   /* usually gone with the netns */
	if (s->have_cg)
		cg_destroy(&s->cg, NULL);
	if (s->have_lease) {
		struct caps_guard g;
		if (caps_guard_begin(&g, NULL) == 0) {
			ipam_release(paths->statedir, plan->net.bridge, s->addr, NULL);
			caps_guard_end(&g, NULL);
		}
	}
	lock_release(&s->lock);
}

static pid_t clone_box(const struct nsr_plan *plan, int cgroup_fd)
{
	uint64_t ns = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC;
	struct nsr_clone_args ca;
	pid_t pid;

	if (plan->net.mode != POLICY_NET_HOST)
		ns |= CLONE_NEWNET;
	memset(&ca, 0, sizeof(ca));
	ca.flags = ns | (cgroup_fd >= 0 ? CLONE_INTO_CGROUP : 0);
	ca.exit_signal = SIGCHLD;
	ca.cgroup = cgroup_fd >= 0 ? (uint64_t)cgroup_fd : 0;
	pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid < 0 && errno == ENOSYS && cgroup_fd < 0)
		pid = (pid_t)syscall(SYS_clone, (unsigned long)ns | SIGCHLD, NULL, NULL, NULL, 0);
	return pid;
}

/* Wait for init, forwarding signals; returns its wait status. */
static int supervise(const struct nsr_plan *plan, pid_t pid, const sigset_t *set)
{
	for (;;) {
		siginfo_t si;
		int st;
		int sig = sigwaitinfo(set, &si);

		if (sig == SIGCHLD || sig < 0) {
			pid_t r = waitpid(pid, &st, WNOHANG);
			if (r == pid)
				return st;
			if (r < 0 && errno == ECHILD)
				return 125 << 8;
			continue;
		}
		/* A tty-generated signal already reached an interactive
		 * payload (same process group); do not send it twice. */
		if (plan->interactive && si.si_code == SI_KERNEL)
			continue;
		kill(pid, sig);
	}
}

static void human_size(uint64_t b, char *out, size_t sz)
{
	static const char units[] = "KMGT";
	int u = -1;

	while (b >= 1024 && b % 1024 == 0 && u < 3) {
		b /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(out, sz, "%llu", (unsigned long long)b);
	else
		snprintf(out, sz, "%llu%c", (unsigned long long)b, units[u]);
}

static int host_side(const struct nsr_plan *plan, const struct start_paths *paths,
		     struct start_state *s, struct nsr_err *err)
{
	struct caps_guard g;
	enum cg_mode mode;

	if (lock_box(paths->statedir, plan->uid, plan->box, &s->lock, err) < 0)
		return -1;
	if (wants_cgroup(&plan->limits)) {
		char lockdir[600];

		mode = cg_detect();
		if (mode == CG_MODE_NONE)
			return nsr_err_set(err, NSR_E_SETUP, 0, "the policy sets limits but this host has no usable cgroup controllers");
		/* Leaves of boxes whose supervisor died (kill -9) go now. gc
		 * briefly locks other users' box locks: guarded. */
		if (nsr_fmt(lockdir, sizeof(lockdir), "%s/locks", paths->statedir) == 0) {
			if (caps_guard_begin(&g, err) < 0)
				return -1;
			cg_gc(mode, lockdir, NULL);
			if (caps_guard_end(&g, err) < 0)
				return -1;
		}
		if (cg_create(&s->cg, mode, plan->uid, plan->box, &plan->limits, err) < 0)
			return -1;
		s->have_cg = true;
	}
	if (plan->net.mode == POLICY_NET_BRIDGE) {
		/* The lease file is shared by every user of the bridge. */
		if (caps_guard_begin(&g, err) < 0)
			return -1;
		int r = ipam_acquire(paths->statedir, plan->net.bridge, plan->net.subnet, plan->net.prefix,
				     plan->net.gateway, plan->uid,
				     plan->net.has_per_user ? plan->net.per_user : 0, plan->box,
				     &s->addr, err);
		struct nsr_err e2;
		if (caps_guard_end(&g, r < 0 ? &e2 : err) < 0 && r == 0)
			return -1;
		if (r < 0)
			return -1;
		s->have_lease = true;
		if (net_veth_names(getpid(), s->host_if, s->peer_if) < 0)
			return nsr_err_set(err, NSR_E_SETUP, 0, "cannot name the veth pair");
		/* The box's end is born as eth0 in the box's own netns. */
		memcpy(s->peer_if, "eth0", sizeof("eth0"));
	}
	return 0;
}

/* After clone: into the cgroup (v1), veth into the box's netns, go. */
static int wire_child(const struct nsr_plan *plan, pid_t pid, int go_fd, struct start_state *s,
		      bool cloned_into_cg, struct nsr_err *err)
{
	struct box_go go;

	if (s->have_cg && !cloned_into_cg && cg_enter(&s->cg, pid, err) < 0)
		return -1;
	memset(&go, 0, sizeof(go));
	go.magic = BOX_GO_MAGIC;
	if (s->have_lease) {
		char nspath[64];
		snprintf(nspath, sizeof(nspath), "/proc/%d/ns/net", (int)pid);
		nsr_cleanup_fd int nsfd = nsr_openat(AT_FDCWD, nspath, O_RDONLY, 0);
		if (nsfd < 0)
			return nsr_err_set(err, NSR_E_SETUP, errno, "cannot open the box's network namespace");
		s->have_veth = true;
		if (net_veth_to_bridge(s->host_if, s->peer_if, nsfd, plan->net.bridge, err) < 0) {
			s->have_veth = false;
			return -1;
		}
		go.addr = s->addr;
		go.gateway = plan->net.gateway;
		go.prefix = plan->net.prefix;
		memcpy(go.peer_if, s->peer_if, sizeof(go.peer_if));
	}
	if (nsr_write_all(go_fd, &go, sizeof(go)) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "the box did not start");
	return 0;
}

int start_box(const struct nsr_plan *plan, const struct nsr_inherited *inh,
	      const struct start_paths *paths, struct nsr_err *err)
{
	struct start_state s;
	struct nsr_err child_err;
	int go[2] = { -1, -1 }, ep[2] = { -1, -1 };
	int cg_fds[CG_V1_N];
	sigset_t set, old;
	ssize_t n;
	size_t i;
	pid_t pid;
	int st, status;
	char cmd[512];

	memset(&s, 0, sizeof(s));
	s.lock.fd = -1;
	s.cg.leaf_dfd = -1;
	for (i = 0; i < CG_V1_N; i++)
		cg_fds[i] = -1;
	if (host_side(plan, paths, &s, err) < 0)
		goto fail;
	if (s.cg.swap_unenforced)
		fprintf(stderr, "nsrun: %s: warning: %s\n", plan->box, s.cg.swap_note);
	if (s.have_cg && cg_open_self_enter(&s.cg, cg_fds, err) < 0)
		goto fail;
	if (pipe2(go, O_CLOEXEC) < 0 || pipe2(ep, O_CLOEXEC) < 0) {
		nsr_err_set(err, NSR_E_SETUP, errno, "pipe");
		goto fail;
	}

	sigemptyset(&set);
	for (i = 0; i < NSR_ARRAY_SIZE(forwarded); i++)
		sigaddset(&set, forwarded[i]);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old);

	int cgfd = s.have_cg && s.cg.mode == CG_MODE_V2 ? cg_clone_fd(&s.cg) : -1;
	pid = clone_box(plan, cgfd);
	if (pid < 0 && cgfd >= 0) {
		cgfd = -1;   /* kernel without CLONE_INTO_CGROUP: migrate instead */
		pid = clone_box(plan, -1);
	}
	if (pid < 0) {
		nsr_err_set(err, NSR_E_SETUP, errno, "cannot create the box's namespaces");
		goto fail;
	}
	if (pid == 0) {
		struct box_ctx ctx = {
			.plan = plan, .inh = inh, .statedir = paths->statedir,
			.datadir = paths->datadir, .go_fd = go[0], .err_fd = ep[1],
			.cg_fds = cg_fds,
		};
		sigprocmask(SIG_SETMASK, &old, NULL);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGXFSZ, SIG_DFL);
		box_child(&ctx);
	}
	close(go[0]);
	close(ep[1]);
	go[0] = ep[1] = -1;
	bool self_entered = cg_fds[CG_V1_PIDS] >= 0 || cg_fds[CG_V1_MEMORY] >= 0 ||
			    cg_fds[CG_V1_CPU] >= 0 || cg_fds[CG_V1_FREEZER] >= 0;
	for (i = 0; i < CG_V1_N; i++)
		if (cg_fds[i] >= 0) {
			close(cg_fds[i]);
			cg_fds[i] = -1;
		}

	if (wire_child(plan, pid, go[1], &s, cgfd >= 0 || self_entered, err) < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		goto fail;
	}
	log_render_argv(plan->argv, plan->argc, cmd, sizeof(cmd));
	log_audit(LOG_NOTICE, "start: uid=%u user=%s policy=%s box=%s command=%s",
		  (unsigned)plan->uid, plan->user, plan->policy, plan->box, cmd);

	/* EOF: the payload was exec'd. A record: setup or exec failed. */
	memset(&child_err, 0, sizeof(child_err));
	n = nsr_read_full(ep[0], &child_err, sizeof(child_err));
	st = supervise(plan, pid, &set);

	if (n == (ssize_t)sizeof(child_err) && child_err.kind != NSR_E_EXEC_NOENT &&
	    child_err.kind != NSR_E_EXEC) {
		*err = child_err;
		err->msg[sizeof(err->msg) - 1] = '\0';
		goto fail;
	}
	status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if (n == (ssize_t)sizeof(child_err)) {
		char text[600];
		child_err.msg[sizeof(child_err.msg) - 1] = '\0';
		fprintf(stderr, "nsrun: %s: %s\n", plan->box, nsr_err_text(&child_err, text, sizeof(text)));
		status = nsr_err_exit_status(&child_err);
	} else if (s.have_cg && plan->limits.has_memory) {
		uint64_t kills = 0;
		if (cg_oom_kills(&s.cg, &kills) == 0 && kills > 0) {
			char size[32];
			human_size(plan->limits.memory, size, sizeof(size));
			if (status == 128 + SIGKILL)
				fprintf(stderr, "nsrun: %s: killed: memory limit (%s) exceeded\n", plan->box, size);
			else
				fprintf(stderr, "nsrun: %s: memory limit (%s) exceeded: %llu process(es) killed\n",
					plan->box, size, (unsigned long long)kills);
			if (status == 128 + SIGKILL)
				status = 137;
		}
	}
	/* The veth pair goes with the box's network namespace; deleting it
	 * ourselves would only wait for the kernel's RCU grace periods. */
	s.have_veth = false;
	log_audit(LOG_NOTICE, "end: uid=%u policy=%s box=%s status=%d", (unsigned)plan->uid,
		  plan->policy, plan->box, status);
	close(ep[0]);
	close(go[1]);
	start_undo(plan, paths, &s);
	return status;

fail:
	for (i = 0; i < CG_V1_N; i++)
		if (cg_fds[i] >= 0)
			close(cg_fds[i]);
	for (i = 0; i < 2; i++) {
		if (go[i] >= 0)
			close(go[i]);
		if (ep[i] >= 0)
			close(ep[i]);
	}
	start_undo(plan, paths, &s);
	return -1;
}

int start_gc(const struct start_paths *paths, struct nsr_err *err)
{
	enum cg_mode mode = cg_detect();
	char lockdir[600];
	int cg = 0, locks;

	if (nsr_fmt(lockdir, sizeof(lockdir), "%s/locks", paths->statedir) < 0)
		return nsr_err_set(err, NSR_E_SETUP, ENAMETOOLONG, "state dir");
	if (mode != CG_MODE_NONE && (cg = cg_gc(mode, lockdir, err)) < 0)
		return -1;
	locks = lock_gc(paths->statedir);
	printf("removed %d cgroup leaves, %d lock files\n", cg, locks);
	return 0;
}
