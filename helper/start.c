// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The supervisor: root, in the host's namespaces. Takes the box lock,
 * creates the cgroup leaf and the address lease (start_prepare), clones
 * the box child into new namespaces and its leaf, wires the veth and says
 * go (start_spawn), reads the child's verdict, forwards signals, maps the
 * exit status (start_wait), and undoes every piece of host state it made,
 * in reverse order, however the box ended (start_run_free). If the
 * supervisor itself is killed, the box dies with it (PDEATHSIG) and the
 * next start (or --gc) collects the cgroup leaf and the lock file.
 * Prints nothing: results and errors go back to main.c.
 */
#include "start.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "box.h"
#include "caps.h"
#include "cgroup/cgroup.h"
#include "init.h"
#include "lock.h"
#include "log.h"
#include "net/ipam.h"
#include "net/net.h"
#include "net/pool.h"
#include "state.h"
#include "pty.h"
#include "util.h"

/* After the runtime limit's SIGTERM, how long until SIGKILL (as --stop). */
#define START_RUNTIME_GRACE 10

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* Our own copy of the clone3 argument block (uapi linux/sched.h). */
struct start_clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal;
	uint64_t stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

/* Host state of one start: undone in reverse by start_run_free(). */
struct start_run {
	const struct nsr_plan *plan;
	struct start_paths paths;
	struct lock_held lock;
	int upper_lock; /* writable = persistent: lock_upper()'s fd, else -1 */
	struct cg_box *cg;
	bool have_lease;
	int lease_fd; /* the address's lock file, held for the box's life */
	uint32_t addr;
	char host_if[16];
	bool have_veth;
	struct netns_claim ns;	/* a pooled netns claimed for the box */
	bool pooled;		/* ... and the box was cloned into it */
	bool lost_netns;	/* we could not return to our own netns */
	pid_t pid;		/* the box's init until reaped, else 0 */
	int go_fd;		/* write end: struct box_go */
	int err_fd;		/* read end: struct nsr_err, EOF = exec'd */
	int pty_fd;		/* plan->pty: our end of the socket the
	                                  box's pty master comes over, else -1 */
	struct pty_relay relay; /* plan->pty: that master, relayed */
	sigset_t sigs;		/* blocked from the clone on */
	struct timespec t0;	/* CLOCK_MONOTONIC at the clone */
	time_t started;		/* wall clock at the clone */
	bool err_read;		/* start_running read err_fd */
	ssize_t err_n;		/* ... this much of child_err */
	struct nsr_err child_err;
	struct box_record rec; /* written while the payload runs */
	bool recorded;
};

/* Before a lock other users' starts wait on: the ids guarded (caps.h: the
 * caller can neither signal nor move us) and out of every cgroup the
 * caller could freeze or throttle (cgroup.h), so the lock is never held
 * by a frozen supervisor. */
static int start_guard_shared(struct caps_guard *g, struct nsr_err *err)
{
	if (caps_guard_begin(g, err) < 0)
		return -1;
	if (cg_leave_caller(err) < 0) {
		caps_guard_end(g, NULL);
		return -1;
	}
	return 0;
}

/* Run a lease-file step with the ids guarded (caps.h): the lease file is
 * shared by every user of the bridge. First error wins. */
static void start_release_lease(struct start_run *r)
{
	struct caps_guard g;

	if (start_guard_shared(&g, NULL) == 0) {
		ipam_release(r->paths.statedir, r->plan->net.bridge, r->addr, &r->lease_fd, NULL);
		caps_guard_end(&g, NULL);
	}
	r->have_lease = false;
}

void start_run_free(struct start_run **runp)
{
	struct start_run *r = nsr_steal_ptr(runp);
	int saved = errno;

	if (r == NULL)
		return;
	if (r->pid > 0) {
		kill(r->pid, SIGKILL);
		waitpid(r->pid, NULL, 0);
	}
	nsr_closep(&r->go_fd);
	nsr_closep(&r->err_fd);
	netns_pool_done(&r->ns);
	if (r->recorded)
		state_remove(r->paths.statedir, r->plan->id.uid, r->plan->box);
	nsr_closep(&r->pty_fd);
	pty_relay_close(&r->relay);
	if (r->have_veth && !r->lost_netns)
		net_link_del(r->host_if, NULL); /* usually gone with the netns */
	cg_destroy(&r->cg, NULL);
	if (r->have_lease)
		start_release_lease(r);
	nsr_closep(&r->upper_lock);
	lock_release(&r->lock);
	free(r);
	errno = saved;
}

_Static_assert(DEV_MAX_NODES <= CG_DEV_MAX_RULES, "every plan node fits the device rules");

/* The cgroup side of the plan: its limits, and its device nodes as rules
 * (rules: room for every node of the plan). */
static void start_cg_limits(const struct nsr_plan *plan, struct cg_limits *c,
			    struct cg_dev_rule rules[DEV_MAX_NODES])
{
	const struct policy_limits *p = &plan->limits;
	size_t i;

	*c = (struct cg_limits){
		.has_pids = p->has_pids,
		.pids = p->pids,
		.has_memory = p->has_memory,
		.memory = p->memory,
		.has_swap = p->has_swap,
		.swap = p->swap,
		.has_cpu = p->has_cpu,
		.cpu_milli = p->cpu_milli,
		.has_devices = plan->dev_rules,
		.devs = rules,
		.n_devs = plan->n_devs,
	};
	for (i = 0; i < plan->n_devs; i++)
		rules[i] = (struct cg_dev_rule){ plan->devs[i].type, (int32_t)plan->devs[i].major,
						 (int32_t)plan->devs[i].minor, CG_DEV_RWM };
}

/* new_net: a netns of its own (else the caller's current one: the host's,
 * or a pooled one the caller entered). */
static pid_t clone_box(bool new_net, int cgroup_fd)
{
	uint64_t ns = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC;
	struct start_clone_args ca;
	pid_t pid;

	if (new_net)
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

static double start_elapsed(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The runtime limit ran out: the box is stopped as by --stop (marked
 * stopping, SIGTERM to init, SIGKILL after the grace). Time is read from
 * CLOCK_MONOTONIC, never from a signal the caller could send. */
static void start_runtime_out(struct start_run *r, struct start_result *res)
{
	struct box_record mark = r->rec;

	res->runtime_killed = true;
	res->runtime = r->plan->limits.runtime;
	if (r->recorded)
		state_mark_stopping(r->paths.statedir, &mark, NULL);
	log_audit(LOG_NOTICE,
		  "runtime: uid=%u policy=%s box=%s: killed: runtime limit of %llu s exceeded",
		  (unsigned)r->plan->id.uid, r->plan->policy, r->plan->box,
		  (unsigned long long)r->plan->limits.runtime);
	kill(r->pid, SIGTERM);
}

/* One supervision: the runtime clock and the signals, shared by the plain
 * wait and the pty relay. */
struct supervision {
	struct start_run *r;
	struct start_result *res;
	double deadline; /* seconds since the clone, -1: none */
	bool grace;
};

/* Take the runtime step that is due; ms until the next one, -1 for none. */
static int sup_timeout_ms(void *v)
{
	struct supervision *s = v;

	while (s->deadline >= 0) {
		double left = s->deadline - start_elapsed(&s->r->t0);
		if (left > 0)
			return left > 1e6 ? 1000000000 : (int)(left * 1000.0) + 1;
		if (!s->grace) {
			start_runtime_out(s->r, s->res);
			s->deadline += START_RUNTIME_GRACE;
			s->grace = true;
		} else {
			kill(s->r->pid, SIGKILL); /* the whole PID namespace */
			s->deadline = -1;
		}
	}
	return -1;
}

/* One signal: reap init, or forward to it. 1 when init has ended (*st). */
static int sup_signal(struct supervision *s, int sig, int code, int *st)
{
	if (sig == SIGCHLD || sig < 0) {
		pid_t w = waitpid(s->r->pid, st, WNOHANG);
		if (w == s->r->pid)
			return 1;
		if (w < 0 && errno == ECHILD) {
			*st = 125 << 8;
			return 1;
		}
		return 0;
	}
	/* Every box is a session of its own (init.c), pty or not: a
	 * tty-generated signal reached only us, so it is forwarded like any
	 * other. */
	(void)code;
	kill(s->r->pid, sig);
	return 0;
}

static int sup_relay_signal(void *v, const struct signalfd_siginfo *si, int *st)
{
	return sup_signal(v, (int)si->ssi_signo, si->ssi_code, st);
}

/* Wait for init, forwarding signals and keeping the runtime limit, with
 * the box's pty relayed when it has one (the caller's terminal is
 * restored before this returns). Returns init's wait status, or -1 with
 * *err when the relay could not run (init killed and reaped). */
static int supervise(struct start_run *r, struct start_result *res, struct nsr_err *err)
{
	const struct nsr_plan *plan = r->plan;
	struct supervision s = { r, res, plan->limits.has_runtime ? (double)plan->limits.runtime : -1,
				 false };

	if (r->relay.master_fd >= 0) {
		int st = 0;
		if (pty_relay_run(&r->relay, &r->sigs, sup_relay_signal, sup_timeout_ms, &s, &st) <
		    0) {
			nsr_err_set(err, NSR_E_SETUP, errno, "cannot relay the box's terminal");
			kill(r->pid, SIGKILL);
			waitpid(r->pid, NULL, 0);
			return -1;
		}
		return st;
	}
	for (;;) {
		siginfo_t si;
		int st, sig, ms = sup_timeout_ms(&s);

		if (ms >= 0) {
			struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
			sig = sigtimedwait(&r->sigs, &si, &ts);
			if (sig < 0 && errno == EAGAIN)
				continue;
		} else {
			sig = sigwaitinfo(&r->sigs, &si);
		}
		if (sup_signal(&s, sig, sig < 0 ? 0 : si.si_code, &st) == 1)
			return st;
	}
}

static int start_cgroup(struct start_run *r, struct nsr_err *err)
{
	const char *statedir = r->paths.statedir;
	struct cg_dev_rule rules[DEV_MAX_NODES];
	struct cg_limits lim;
	struct caps_guard g;
	enum cg_mode mode;
	char lockdir[600];

	start_cg_limits(r->plan, &lim, rules);
	/* A nested box always gets a leaf: it must stay in its caller's
	 * cgroup even once the supervisor has left it. */
	if (!cg_limits_any(&lim) && !r->plan->limits.cgroup_nested)
		return 0;
	mode = cg_detect();
	/* Leaves of boxes whose supervisor died (kill -9) go now. gc
	 * briefly locks other users' box locks: guarded. */
	if (mode != CG_MODE_NONE && nsr_fmt(lockdir, sizeof(lockdir), "%s/locks", statedir) == 0) {
		if (start_guard_shared(&g, err) < 0)
			return -1;
		cg_gc(mode, lockdir, NULL);
		if (caps_guard_end(&g, err) < 0)
			return -1;
	}
	if (r->plan->limits.cgroup_nested)
		return cg_create_nested(mode, r->plan->id.uid, r->plan->box, &lim,
					r->plan->cg_origin, &r->cg, err);
	return cg_create(mode, r->plan->id.uid, r->plan->box, &lim, &r->cg, err);
}

static int start_lease(struct start_run *r, struct nsr_err *err)
{
	const struct nsr_plan *plan = r->plan;
	struct nsr_err_first fe = NSR_ERR_FIRST(err);
	struct caps_guard g;

	if (plan->net.mode != POLICY_NET_BRIDGE)
		return 0;
	/* The lease file is shared by every user of the bridge. */
	if (start_guard_shared(&g, err) < 0)
		return -1;
	if (nsr_err_step(&fe, ipam_acquire(r->paths.statedir, plan->net.bridge, plan->net.subnet,
					   plan->net.prefix, plan->net.gateway, plan->id.uid,
					   plan->net.has_per_user ? plan->net.per_user : 0, plan->box,
					   &r->addr, &r->lease_fd, nsr_err_slot(&fe))) == 0)
		r->have_lease = true;
	nsr_err_step(&fe, caps_guard_end(&g, nsr_err_slot(&fe)));
	if (fe.rc < 0)
		return -1;
	if (net_veth_name(getpid(), r->host_if) < 0)
		return nsr_err_set(err, NSR_E_SETUP, 0, "cannot name the veth pair");
	return 0;
}

int start_prepare(const struct nsr_plan *plan, const struct start_paths *paths,
		  struct start_run **run, struct start_result *res, struct nsr_err *err)
{
	start_cleanup_run struct start_run *r = calloc(1, sizeof(*r));

	*run = NULL;
	memset(res, 0, sizeof(*res));
	if (r == NULL)
		return nsr_err_set(err, NSR_E_SETUP, ENOMEM, "start");
	r->plan = plan;
	r->paths = *paths;
	r->lock.fd = -1;
	r->upper_lock = -1;
	r->lease_fd = -1;
	r->go_fd = r->err_fd = r->pty_fd = -1;
	r->relay.master_fd = -1;
	netns_claim_init(&r->ns);
	if (lock_box(paths->statedir, plan->id.uid, plan->box, &r->lock, err) < 0)
		return -1;
	/* The persistent layer is held for the box's life: no second
	 * overlay on the same upper, whatever else goes wrong. */
	if (plan->writable == POLICY_WRITABLE_PERSISTENT &&
	    lock_upper(paths->datadir, plan->id.uid, plan->box, plan->policy, &r->upper_lock, err) < 0)
		return -1;
	/* Records of this user's boxes that died without cleaning up (kill
	 * -9, a crash) go now; this box's own is ours to replace. */
	state_remove(paths->statedir, plan->id.uid, plan->box);
	state_gc(paths->statedir, false, plan->id.uid);
	if (start_cgroup(r, err) < 0 || start_lease(r, err) < 0)
		return -1;
	res->swap_unenforced = cg_swap_unenforced(r->cg);
	*run = nsr_steal_ptr(&r);
	return 0;
}

/* After clone: veth into the box's netns, go. */
static int start_wire(struct start_run *r, struct nsr_err *err)
{
	const struct nsr_plan *plan = r->plan;
	struct box_go go;

	memset(&go, 0, sizeof(go));
	go.magic = BOX_GO_MAGIC;
	if (r->have_lease) {
		char nspath[64];
		snprintf(nspath, sizeof(nspath), "/proc/%d/ns/net", (int)r->pid);
		nsr_cleanup_fd int nsfd = nsr_openat(AT_FDCWD, nspath, O_RDONLY, 0);
		if (nsfd < 0)
			return nsr_err_set(err, NSR_E_SETUP, errno,
					   "cannot open the box's network namespace");
		r->have_veth = true;
		if (net_veth_to_bridge(r->host_if, nsfd, plan->net.bridge, err) < 0) {
			r->have_veth = false;
			return -1;
		}
		go.addr = r->addr;
		go.gateway = plan->net.gateway;
		go.prefix = plan->net.prefix;
	}
	if (nsr_write_all(r->go_fd, &go, sizeof(go)) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "the box did not start");
	/* The box's setup is the start's critical path, our audit line and
	 * state record are not. The kernel often puts the new child on our
	 * CPU (and a pipe's wakeup prefers the writer's), where it waits
	 * until we block: let it run first (doc/performance.md, "The end of
	 * a start"). Nothing depends on it: the CPU is only offered. */
	sched_yield();
	return 0;
}

/* Pooling applies: the box has a netns of its own and the policy allows
 * a pooled one (nsrun.policy(5), netns_pool). */
static bool start_pooling(const struct nsr_plan *plan)
{
	return plan->net.mode != POLICY_NET_HOST && plan->net.netns_pool;
}

/* The box's netns: a pooled one when one passes every check, and we are
 * in it until the clone; else none (a new one comes with the clone). */
static int start_pool_enter(struct start_run *r, struct nsr_err *err)
{
	int p;

	if (!start_pooling(r->plan))
		return 0;
	p = netns_pool_enter(r->paths.statedir, &r->ns);
	if (p < 0) {
		r->lost_netns = true;
		return nsr_err_set(err, NSR_E_SETUP, errno,
				   "cannot return to the host's network namespace");
	}
	r->pooled = p == 1;
	return 0;
}

/* After the box has its go: the claimed entry goes, and new entries
 * replace it while the box sets itself up (off the start's path). */
static void start_pool_refill(struct start_run *r)
{
	if (r->ns.why[0] != '\0')
		log_audit(LOG_WARNING,
			  "netns pool: uid=%u policy=%s box=%s: entry %s discarded (%s); a new netns instead",
			  (unsigned)r->plan->id.uid, r->plan->policy, r->plan->box, r->ns.entry,
			  r->ns.why);
	netns_pool_done(&r->ns);
	if (!start_pooling(r->plan) ||
	    netns_pool_fill(r->paths.statedir, NETNS_POOL_SIZE, NETNS_POOL_REFILL) >= 0)
		return;
	/* Stuck in a netns of the pool: the box runs on, and nothing more we
	 * do depends on our netns (files, cgroups, signals, /dev/log),
	 * except deleting the veth, which then goes with the box's netns. */
	r->lost_netns = true;
	log_audit(LOG_ERR, "netns pool: uid=%u policy=%s box=%s: cannot return to the host's netns",
		  (unsigned)r->plan->id.uid, r->plan->policy, r->plan->box);
}

int start_spawn(struct start_run *r, const struct nsr_inherited *inh, struct nsr_err *err)
{
	const struct nsr_plan *plan = r->plan;
	cg_cleanup_handoff struct cg_handoff *cgh = NULL;
	nsr_cleanup_fd int go_rd = -1, err_wr = -1, pty_wr = -1;
	sigset_t old;
	char cmd[512], netns[32];
	bool new_net;
	int go[2], ep[2], ps[2];

	if (cg_handoff_new(r->cg, &cgh, err) < 0)
		return -1;
	if (pipe2(go, O_CLOEXEC) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "pipe");
	go_rd = go[0];
	r->go_fd = go[1];
	if (pipe2(ep, O_CLOEXEC) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "pipe");
	r->err_fd = ep[0];
	err_wr = ep[1];
	if (plan->pty) {
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ps) < 0)
			return nsr_err_set(err, NSR_E_SETUP, errno, "socketpair");
		r->pty_fd = ps[0];
		pty_wr = ps[1];
	}

	init_signal_set(&r->sigs);
	if (plan->pty)
		sigaddset(&r->sigs, SIGTSTP); /* the relay stops with the caller's terminal restored */
	sigprocmask(SIG_BLOCK, &r->sigs, &old);
	if (start_pool_enter(r, err) < 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &r->t0);
	r->started = time(NULL);

	new_net = plan->net.mode != POLICY_NET_HOST && !r->pooled;
	r->pid = clone_box(new_net, cg_handoff_clone_fd(cgh));
	if (r->pid < 0 && cg_handoff_clone_fd(cgh) >= 0) {
		/* kernel without CLONE_INTO_CGROUP: migrate instead */
		cg_handoff_clone_refused(cgh);
		r->pid = clone_box(new_net, -1);
	}
	/* The child stays in the pooled netns; we go back at once. Failing
	 * that, the start fails before anything depends on our netns (the
	 * veth comes later): start_run_free() needs none. */
	if (r->pid != 0 && netns_pool_leave(&r->ns) < 0) {
		r->lost_netns = true;
		if (r->pid < 0)
			r->pid = 0;
		return nsr_err_set(err, NSR_E_SETUP, errno,
				   "cannot return to the host's network namespace");
	}
	if (r->pid < 0) {
		r->pid = 0;
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot create the box's namespaces");
	}
	if (r->pid == 0) {
		struct box_ctx ctx = {
			.plan = plan,
			.inh = inh,
			.statedir = r->paths.statedir,
			.datadir = r->paths.datadir,
			.go_fd = go_rd,
			.err_fd = err_wr,
			.pty_fd = pty_wr,
			.cg = cgh,
		};
		sigprocmask(SIG_SETMASK, &old, NULL);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGXFSZ, SIG_DFL);
		box_child(&ctx);
	}
	nsr_closep(&go_rd);
	go_rd = -1;
	nsr_closep(&err_wr);
	err_wr = -1;
	nsr_closep(&pty_wr);
	pty_wr = -1;
	if (cg_handoff_parent(cgh, r->pid, err) < 0 || start_wire(r, err) < 0)
		return -1;
	log_render_argv(plan->argv, plan->argc, cmd, sizeof(cmd));
	if (r->pooled)
		snprintf(netns, sizeof(netns), "pool:%016llx", (unsigned long long)r->ns.cookie);
	else
		snprintf(netns, sizeof(netns), "%s",
			 plan->net.mode == POLICY_NET_HOST ? "host" : "new");
	log_audit(LOG_NOTICE, "start: uid=%u user=%s policy=%s box=%s netns=%s command=%s",
		  (unsigned)plan->id.uid, plan->id.user, plan->policy, plan->box, netns, cmd);
	start_pool_refill(r);
	return 0;
}

static void start_read_verdict(struct start_run *r)
{
	if (r->err_read)
		return;
	/* The box's pty master first, before the payload can run: its window
	 * size is set by then. (EOF: the child failed; err_fd says why.) */
	if (r->pty_fd >= 0) {
		struct nsr_err e = { 0 };
		int master = -1;
		if (pty_recv_master(r->pty_fd, &master, &e) < 0) {
			kill(r->pid, SIGKILL); /* reaped by supervise() */
			r->child_err = e;
			r->err_n = (ssize_t)sizeof(r->child_err);
			r->err_read = true;
			return;
		}
		nsr_closep(&r->pty_fd);
		r->pty_fd = -1;
		pty_relay_init(&r->relay, master, r->plan->pty_fds);
	}
	/* EOF: the payload was exec'd. A record: setup or exec failed. */
	memset(&r->child_err, 0, sizeof(r->child_err));
	r->err_n = nsr_read_full(r->err_fd, &r->child_err, sizeof(r->child_err));
	r->child_err.msg[sizeof(r->child_err.msg) - 1] = '\0';
	r->err_read = true;
}

int start_running(struct start_run *r, struct box_record *rec, struct nsr_err *err)
{
	const struct nsr_plan *plan = r->plan;
	struct box_record *b = &r->rec;

	start_read_verdict(r);
	if (r->err_n != 0)
		return 0;
	memset(b, 0, sizeof(*b));
	b->uid = plan->id.uid;
	memcpy(b->user, plan->id.user, sizeof(b->user));
	memcpy(b->policy, plan->policy, sizeof(b->policy));
	memcpy(b->box, plan->box, sizeof(b->box));
	b->init_pid = r->pid;
	b->sup_pid = getpid();
	b->started = (int64_t)r->started;
	if (nsr_fmt(b->cgroup, sizeof(b->cgroup), "%s", cg_leaf(r->cg)) < 0)
		return nsr_err_set(err, NSR_E_SETUP, ENAMETOOLONG, "cgroup name");
	b->addr = r->have_lease ? r->addr : 0;
	b->runtime = plan->limits.has_runtime ? plan->limits.runtime : 0;
	b->detached = plan->detach;
	log_render_argv(plan->argv, plan->argc, b->command, sizeof(b->command));
	/* The init is our child and not reaped: its pid cannot be reused. */
	if (state_pid_start(b->init_pid, &b->init_start) < 0 ||
	    state_pid_start(b->sup_pid, &b->sup_start) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot read the box's start time");
	if (state_write(r->paths.statedir, b, err) < 0)
		return -1;
	r->recorded = true;
	*rec = *b;
	return 1;
}

int start_wait(struct start_run *r, struct start_result *res, struct nsr_err *err)
{
	const struct nsr_plan *plan = r->plan;
	int st;

	start_read_verdict(r);
	if (r->err_n != 0)
		pty_relay_close(&r->relay); /* nothing was exec'd: no terminal to relay */
	st = supervise(r, res, err);
	pty_relay_close(&r->relay);
	if (st < 0) {
		r->pid = 0; /* killed and reaped */
		return -1;
	}
	r->pid = 0;
	res->wall_seconds = start_elapsed(&r->t0);
	res->exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	res->signal = WIFSIGNALED(st) ? WTERMSIG(st) : 0;

	if (r->err_n == (ssize_t)sizeof(r->child_err) && r->child_err.kind != NSR_E_EXEC_NOENT &&
	    r->child_err.kind != NSR_E_EXEC) {
		*err = r->child_err;
		return -1;
	}
	res->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if (r->err_n == (ssize_t)sizeof(r->child_err)) {
		res->payload_failed = true;
		res->payload_err = r->child_err;
		res->status = nsr_err_exit_status(&r->child_err);
	} else if (cg_oom_kills(r->cg, &res->oom_kills) == 0 && res->oom_kills > 0) {
		res->memory_limit = plan->limits.memory;
		if (res->status == 128 + SIGKILL) {
			res->oom_killed_payload = true;
			res->status = 137;
		}
	}
	/* A box the runtime limit ended says so, whatever its payload did
	 * on the way out (as timeout(1)). */
	if (res->runtime_killed)
		res->status = 124;
	else if (r->recorded && state_stopping(r->paths.statedir, &r->rec))
		res->stopped = true;
	/* The veth pair goes with the box's network namespace; deleting it
	 * ourselves would only wait for the kernel's RCU grace periods. */
	r->have_veth = false;
	log_audit(LOG_NOTICE, "end: uid=%u policy=%s box=%s status=%d%s", (unsigned)plan->id.uid,
		  plan->policy, plan->box, res->status,
		  res->runtime_killed ? " (runtime limit)" :
		  res->stopped	      ? " (stopped)" :
					"");
	return 0;
}

int start_gc(const struct start_paths *paths, struct start_gc_result *res, struct nsr_err *err)
{
	enum cg_mode mode = cg_detect();
	char lockdir[600];
	int cg = 0;

	memset(res, 0, sizeof(*res));
	if (nsr_fmt(lockdir, sizeof(lockdir), "%s/locks", paths->statedir) < 0)
		return nsr_err_set(err, NSR_E_SETUP, ENAMETOOLONG, "state dir");
	if (mode != CG_MODE_NONE && (cg = cg_gc(mode, lockdir, err)) < 0)
		return -1;
	res->cgroup_leaves = cg;
	res->records = state_gc(paths->statedir, true, 0);
	res->lock_files = lock_gc(paths->statedir) + ipam_gc(paths->statedir);
	res->netns_removed = netns_pool_gc(paths->statedir);
	res->netns_made = netns_pool_fill(paths->statedir, NETNS_POOL_SIZE, NETNS_POOL_SIZE);
	if (res->netns_made < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot return to the host's netns");
	return 0;
}
