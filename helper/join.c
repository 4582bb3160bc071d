// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * --join, root in the host until the drop. The box is the one its state
 * record names, checked race-free: a pidfd of its init is opened, its
 * root opened, and only then the init's start time compared with the
 * record's, so neither can belong to a process that reused the pid (and
 * a pidfd whose process died makes setns fail). This process enters only
 * the box's PID namespace for its children, forks the command's process
 * into the box's cgroup leaf, and stays outside to forward signals and
 * wait. The child enters the other namespaces through the pidfd, chroots
 * to the init's root, and drops exactly as the box's payload does
 * (caps.c: ids, groups, every capability set, no_new_privs, seccomp).
 */
#include "join.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"
#include "cgroup/cgroup.h"
#include "init.h"
#include "lock.h"
#include "pty.h"
#include "util.h"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* How long --join waits for a box that is still starting (nsrun(1)). */
#define JOIN_START_WAIT_MS 2000

struct join_clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal;
	uint64_t stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

/* What the child needs; everything here was opened by root in the host. */
struct join_ctx {
	const struct nsr_plan *plan;
	const struct nsr_inherited *inh;
	int pidfd;	       /* the box's init */
	int root_fd;	       /* its root directory */
	struct cg_handoff *cg; /* into the box's leaf (cgroup.h) */
	int err_fd;	       /* write end, CLOEXEC: struct nsr_err */
	int pty_fd;	       /* plan->pty: socket for the pty master, else -1 */
	int life_fd;	       /* read end: one byte "go", then EOF
	                                  when the parent is gone */
};

int join_find(const char *statedir, uid_t uid, const char *box, struct box_record *rec,
	      struct nsr_err *err)
{
	int rc = state_read(statedir, uid, box, rec, err);

	/* A box whose supervisor holds its lock but has not written the record
	 * yet is still starting: the record appears once the payload has been
	 * exec'd. Wait for it, bounded (nsrun(1), --join); never join a box
	 * whose setup has not finished. */
	for (int waited = 0;
	     rc == 1 && waited < JOIN_START_WAIT_MS && lock_box_exists(statedir, uid, box);
	     waited += 10) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
		rc = state_read(statedir, uid, box, rec, err);
	}
	if (rc < 0)
		return -1;
	if (rc == 1 || !state_alive(rec))
		return nsr_err_set(err, NSR_E_USAGE, 0, "box %s is not running", box);
	if (state_stopping(statedir, rec))
		return nsr_err_set(err, NSR_E_BUSY, 0, "box %s is stopping", box);
	return 0;
}

/* The one place that decides the joined command's stdio: today the
 * caller's own 0-2, in a session of its own unless stdin is a terminal
 * (then the TIOCSTI/TIOCLINUX filter is what keeps the terminal safe). */
__attribute__((noreturn)) static void join_fail(const struct join_ctx *c, struct nsr_err *e);

static void join_stdio(const struct join_ctx *c)
{
	const struct nsr_plan *p = c->plan;
	struct nsr_err e = { 0 };
	int slave = -1;

	/* From a terminal: a pty of the box's own devpts (we are in the box's
	 * mount namespace and root), made as for the box's payload, leading a
	 * session whose controlling terminal it is (nsrun(1), TERMINAL). */
	if (p->pty) {
		if (pty_box_open(c->pty_fd, p->id.uid, &slave, &e) < 0)
			join_fail(c, &e);
		close(c->pty_fd);
		for (int fd = 0; fd <= 2; fd++)
			if ((p->pty_fds & (1u << fd)) && dup2(slave, fd) < 0) {
				nsr_err_set(&e, NSR_E_SETUP, errno,
					    "cannot give the command its terminal");
				join_fail(c, &e);
			}
		if (slave > 2)
			close(slave);
		if (setsid() < 0 || ioctl(__builtin_ctz(p->pty_fds), TIOCSCTTY, 0) < 0) {
			nsr_err_set(&e, NSR_E_SETUP, errno, "cannot give the command its terminal");
			join_fail(c, &e);
		}
		return;
	}
	if (!c->plan->interactive)
		setsid();
}

__attribute__((noreturn)) static void join_fail(const struct join_ctx *c, struct nsr_err *e)
{
	nsr_child_fail(c->err_fd, e);
}

/* PDEATHSIG is cleared by every credential change: set it again, and
 * leave if the parent is already gone. */
static void join_arm_death(const struct join_ctx *c)
{
	struct pollfd p = { .fd = c->life_fd, .events = POLLIN };

	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR | POLLIN)))
		_exit(125);
}

__attribute__((noreturn)) static void join_child(const struct join_ctx *c)
{
	const struct nsr_plan *p = c->plan;
	struct nsr_err e = { 0 };

	char go;

	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	/* Into the leaf first, while our view of cgroupfs is the host's;
	 * then wait for the parent's go (it may have had to move us). */
	if (cg_handoff_child(c->cg, &e) < 0)
		join_fail(c, &e);
	if (read(c->life_fd, &go, 1) != 1)
		_exit(125);
	/* Through the pidfd: every namespace at once, or none (ESRCH when
	 * the init died since it was checked). No user namespace: the box
	 * has none of its own. */
	if (setns(c->pidfd,
		  CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP) < 0) {
		nsr_err_set(&e, NSR_E_SETUP, errno, "cannot enter the box's namespaces");
		join_fail(c, &e);
	}
	/* The init's own root (after its pivot_root), not whatever the mount
	 * namespace's root is. */
	if (fchdir(c->root_fd) < 0 || chroot(".") < 0 || chdir("/") < 0) {
		nsr_err_set(&e, NSR_E_SETUP, errno, "cannot enter the box's root");
		join_fail(c, &e);
	}
	/* Nothing of ours but 0-2 and the two pipes (CLOEXEC) crosses. */
	int keep[3] = { c->err_fd, c->life_fd, c->pty_fd };
	unsigned next = 3;
	for (int i = 1; i < 3; i++) /* sort, -1 first */
		for (int j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
			int t = keep[j];
			keep[j] = keep[j - 1];
			keep[j - 1] = t;
		}
	for (int i = 0; i < 3; i++) {
		if (keep[i] < (int)next)
			continue;
		if ((unsigned)keep[i] > next)
			close_range(next, (unsigned)keep[i] - 1, 0);
		next = (unsigned)keep[i] + 1;
	}
	close_range(next, ~0U, 0);
	join_stdio(c);
	/* The default command: the login shell where the box has it. */
	static char shell[POLICY_STR_MAX] = "/bin/sh";
	struct stat st;
	if (p->default_shell && p->login_shell[0] && stat(p->login_shell, &st) == 0 &&
	    S_ISREG(st.st_mode) && (st.st_mode & 0111))
		memcpy(shell, p->login_shell, sizeof(shell));

	if (sanitize_payload_limits(c->inh, p->limits.has_nofile ? p->limits.nofile : 0, &e) < 0)
		join_fail(c, &e);
	if (caps_drop(&p->id, c->life_fd, &e) < 0)
		join_fail(c, &e);
	join_arm_death(c);
	if (caps_seccomp(p->deny_userns, &e) < 0)
		join_fail(c, &e);
	if (chdir(p->id.home) < 0 && chdir("/") < 0) {
		nsr_err_set(&e, NSR_E_SETUP, errno, "cannot enter / of the box as %s", p->id.user);
		join_fail(c, &e);
	}
	init_exec(p, shell, c->err_fd);
}

/* Open the init by pidfd and its root, then prove both are the record's. */
static int join_open_init(const struct box_record *rec, int *pidfd, int *root_fd, struct nsr_err *err)
{
	char path[48];
	uint64_t start;

	*pidfd = nsr_pidfd_open(rec->init_pid);
	if (*pidfd < 0)
		return errno == ESRCH ?
			       nsr_err_set(err, NSR_E_USAGE, 0, "box %s is not running", rec->box) :
			       nsr_err_set(err, NSR_E_SETUP, errno,
					   "cannot open the box's init (pidfd_open needs Linux 5.3)");
	snprintf(path, sizeof(path), "/proc/%d/root", (int)rec->init_pid);
	*root_fd = nsr_openat(AT_FDCWD, path, O_PATH | O_DIRECTORY, 0);
	if (*root_fd < 0 || state_pid_start(rec->init_pid, &start) < 0 ||
	    start != rec->init_start || nsr_pidfd_signal(*pidfd, 0) < 0)
		return nsr_err_set(err, NSR_E_USAGE, 0, "box %s is not running", rec->box);
	return 0;
}

static pid_t join_clone(int cgroup_fd)
{
	struct join_clone_args ca;
	pid_t pid;

	memset(&ca, 0, sizeof(ca));
	ca.flags = cgroup_fd >= 0 ? CLONE_INTO_CGROUP : 0;
	ca.exit_signal = SIGCHLD;
	ca.cgroup = cgroup_fd >= 0 ? (uint64_t)cgroup_fd : 0;
	pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid < 0 && errno == ENOSYS && cgroup_fd < 0)
		pid = fork();
	return pid;
}

/* One signal: reap the command, or forward to it. 1 when it ended (*st). */
static int join_signal(const struct nsr_plan *plan, pid_t pid, int sig, int code, int *st)
{
	if (sig == SIGCHLD || sig < 0) {
		pid_t r = waitpid(pid, st, WNOHANG);
		if (r == pid)
			return 1;
		if (r < 0 && errno == ECHILD) {
			*st = 125 << 8;
			return 1;
		}
		return 0;
	}
	if (plan->interactive && !plan->pty && code == SI_KERNEL)
		return 0;
	kill(pid, sig);
	return 0;
}

static int join_wait(const struct nsr_plan *plan, pid_t pid, const sigset_t *set)
{
	for (;;) {
		siginfo_t si;
		int st;
		int sig = sigwaitinfo(set, &si);

		if (join_signal(plan, pid, sig, sig < 0 ? 0 : si.si_code, &st) == 1)
			return st;
	}
}

struct join_relay_ctx {
	const struct nsr_plan *plan;
	pid_t pid;
};

static int join_relay_signal(void *v, const struct signalfd_siginfo *si, int *st)
{
	const struct join_relay_ctx *c = v;

	return join_signal(c->plan, c->pid, (int)si->ssi_signo, si->ssi_code, st);
}

int join_run(const struct nsr_plan *plan, const struct box_record *rec,
	     const struct nsr_inherited *inh, struct join_result *res, struct nsr_err *err)
{
	nsr_cleanup_fd int pidfd = -1, root_fd = -1, err_rd = -1, go_wr = -1, pty_rd = -1,
			   pty_wr = -1;
	struct pty_relay relay = { .master_fd = -1 };
	cg_cleanup_existing struct cg_box *cg = NULL;
	cg_cleanup_handoff struct cg_handoff *cgh = NULL;
	int ep[2], lp[2];
	sigset_t set, old;
	struct nsr_err child_err;
	pid_t pid;
	ssize_t n;
	int st;

	memset(res, 0, sizeof(*res));
	if (join_open_init(rec, &pidfd, &root_fd, err) < 0)
		return -1;
	if (rec->cgroup[0] != '\0' && cg_open_existing(rec->cgroup, &cg, err) < 0)
		return -1;
	if (cg_handoff_new(cg, &cgh, err) < 0)
		return -1;
	/* Our children are born in the box's PID namespace; we are not. */
	if (setns(pidfd, CLONE_NEWPID) < 0) {
		if (errno == EINVAL)
			return nsr_err_set(
				err, NSR_E_SETUP, errno,
				"this kernel cannot enter a box by pidfd (--join needs Linux 5.8)");
		return nsr_err_set(err, NSR_E_USAGE, 0, "box %s is not running", rec->box);
	}
	if (pipe2(ep, O_CLOEXEC) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "pipe");
	err_rd = ep[0];
	nsr_cleanup_fd int err_wr = ep[1];
	if (pipe2(lp, O_CLOEXEC) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "pipe");
	go_wr = lp[1];
	nsr_cleanup_fd int go_rd = lp[0];
	if (plan->pty) {
		int ps[2];
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ps) < 0)
			return nsr_err_set(err, NSR_E_SETUP, errno, "socketpair");
		pty_rd = ps[0];
		pty_wr = ps[1];
	}

	init_signal_set(&set);
	if (plan->pty)
		sigaddset(&set, SIGTSTP); /* the relay stops with the caller's terminal restored */
	sigprocmask(SIG_BLOCK, &set, &old);

	pid = join_clone(cg_handoff_clone_fd(cgh));
	if (pid < 0 && errno != ENOMEM && cg_handoff_clone_fd(cgh) >= 0) {
		/* No CLONE_INTO_CGROUP: the parent moves the child instead. */
		cg_handoff_clone_refused(cgh);
		pid = join_clone(-1);
	}
	if (pid < 0) {
		int e = errno;
		sigprocmask(SIG_SETMASK, &old, NULL);
		/* ENOMEM: the box's PID namespace has no init any more. */
		if (e == ENOMEM)
			return nsr_err_set(err, NSR_E_USAGE, 0, "box %s has ended", rec->box);
		return nsr_err_set(err, NSR_E_SETUP, e, "cannot start a process in box %s", rec->box);
	}
	if (pid == 0) {
		struct join_ctx c = {
			.plan = plan,
			.inh = inh,
			.pidfd = pidfd,
			.root_fd = root_fd,
			.cg = cgh,
			.err_fd = err_wr,
			.life_fd = go_rd,
			.pty_fd = pty_wr,
		};
		sigprocmask(SIG_SETMASK, &old, NULL);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGXFSZ, SIG_DFL);
		join_child(&c);
	}
	nsr_closep(&err_wr);
	err_wr = -1;
	nsr_closep(&go_rd);
	go_rd = -1;
	nsr_closep(&pty_wr);
	pty_wr = -1;
	if (cg_handoff_parent(cgh, pid, err) < 0 || nsr_write_all(go_wr, "g", 1) < 0) {
		if (err->kind == NSR_E_NONE)
			nsr_err_set(err, NSR_E_SETUP, errno, "cannot start a process in box %s",
				    rec->box);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		sigprocmask(SIG_SETMASK, &old, NULL);
		return -1;
	}

	/* The pty master before the command runs (its window size set). */
	if (pty_rd >= 0) {
		int master = -1;
		if (pty_recv_master(pty_rd, &master, err) < 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			sigprocmask(SIG_SETMASK, &old, NULL);
			return -1;
		}
		pty_relay_init(&relay, master, plan->pty_fds);
	}
	memset(&child_err, 0, sizeof(child_err));
	n = nsr_read_full(err_rd, &child_err, sizeof(child_err));
	if (relay.master_fd >= 0 && n == 0) {
		struct join_relay_ctx rc = { plan, pid };
		if (pty_relay_run(&relay, &set, join_relay_signal, NULL, &rc, &st) < 0) {
			nsr_err_set(err, NSR_E_SETUP, errno, "cannot relay the box's terminal");
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			pty_relay_close(&relay);
			sigprocmask(SIG_SETMASK, &old, NULL);
			return -1;
		}
	} else {
		pty_relay_close(&relay);
		st = join_wait(plan, pid, &set);
	}
	pty_relay_close(&relay);
	sigprocmask(SIG_SETMASK, &old, NULL);
	child_err.msg[sizeof(child_err.msg) - 1] = '\0';
	if (n == (ssize_t)sizeof(child_err) && child_err.kind != NSR_E_EXEC_NOENT &&
	    child_err.kind != NSR_E_EXEC) {
		*err = child_err;
		return -1;
	}
	if (n == (ssize_t)sizeof(child_err)) {
		res->cmd_err = child_err;
		res->status = nsr_err_exit_status(&child_err);
	} else {
		res->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	}
	return 0;
}
