// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Privilege changes, all of them: temporary file-system identity of the
 * user (to open bind sources with the user's own permissions), the final
 * one-way drop (groups, gid, uid, every capability set, bounding set,
 * ambient, no_new_privs) with a verification that nothing is left, and a
 * seccomp filter against terminal input injection. Runs as root in the box
 * child; after caps_drop() nothing here can be undone.
 */
#include "caps.h"

#include <cap-ng.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/securebits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/fsuid.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

int caps_arm_parent_death(int watch_fd)
{
	struct pollfd p = { .fd = watch_fd, .events = POLLIN };

	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		return -1;
	/* Armed now; had the supervisor gone before, its end of the pipe
	 * tells (getppid() is 0 across the pid namespace). */
	if (poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR)))
		return -1;
	return 0;
}

static int caps_rearm(int watch_fd, struct nsr_err *err)
{
	if (caps_arm_parent_death(watch_fd) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "the supervisor is gone");
	return 0;
}

/* The effective set, emptied or made equal to the permitted set again. */
static int caps_effective(bool on)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &hdr, data) < 0)
		return -1;
	for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
		data[i].effective = on ? data[i].permitted : 0;
	return (int)syscall(SYS_capset, &hdr, data);
}

int caps_user_fs_begin(const struct nsr_identity *id, int watch_fd, struct nsr_err *err)
{
	/* Groups first: permission checks use fsuid, fsgid and the
	 * supplementary groups, and root's groups must not help the user. */
	if (setgroups(id->n_groups, id->groups) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "setgroups");
	setfsgid(id->gid);
	setfsuid(id->uid);
	if ((uid_t)setfsuid((uid_t)-1) != id->uid || (gid_t)setfsgid((gid_t)-1) != id->gid)
		return nsr_err_set(err, NSR_E_SETUP, 0, "cannot take the user's file identity");
	/* setfsuid drops only the file-system capabilities; what is opened
	 * now must not be helped by any other (CAP_SYS_PTRACE for /proc
	 * files, CAP_SYS_ADMIN...): the effective set is empty until _end. */
	if (caps_effective(false) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno,
				   "cannot clear the effective capabilities");
	/* A change of fsuid/fsgid clears the parent-death signal. */
	return caps_rearm(watch_fd, err);
}

int caps_user_fs_end(int watch_fd, struct nsr_err *err)
{
	if (caps_effective(true) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno,
				   "cannot restore the effective capabilities");
	setfsuid(0);
	setfsgid(0);
	if (setfsuid((uid_t)-1) != 0 || setgroups(0, NULL) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot return to root's file identity");
	return caps_rearm(watch_fd, err);
}

/* The kernel's capabilities must be the ones this build knows: past the
 * last one PR_CAPBSET_READ answers EINVAL. A kernel with more (a newer
 * one) could hold a capability that neither the drop nor the checks below
 * name, so nsrun refuses to start there (fail closed) rather than guess.
 * Asked of the kernel itself, no file opened: a tiny RLIMIT_NOFILE of the
 * caller cannot make this fail open. */
static int caps_kernel_known(struct nsr_err *err)
{
	errno = 0;
	if (prctl(PR_CAPBSET_READ, CAP_LAST_CAP + 1, 0, 0, 0) >= 0 || errno != EINVAL)
		return nsr_err_set(err, NSR_E_SETUP, 0,
				   "the kernel has capabilities beyond %d that this nsrun does not know",
				   CAP_LAST_CAP);
	return 0;
}

/* Everything read back from the kernel with system calls (capget, prctl,
 * getres*id): no /proc file to open or parse. */
static int verify_dropped(const struct nsr_identity *id, struct nsr_err *err)
{
	uid_t r, e, s;
	gid_t rg, eg, sg;
	int c, bits;

	if (getresuid(&r, &e, &s) < 0 || r != id->uid || e != id->uid || s != id->uid ||
	    getresgid(&rg, &eg, &sg) < 0 || rg != id->gid || eg != id->gid || sg != id->gid)
		return nsr_err_set(err, NSR_E_SETUP, 0, "ids did not change as asked");
	if ((uid_t)setfsuid((uid_t)-1) != id->uid)
		return nsr_err_set(err, NSR_E_SETUP, 0, "fsuid did not change");
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	if (syscall(SYS_capget, &hdr, data) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot read capabilities");
	for (c = 0; c < _LINUX_CAPABILITY_U32S_3; c++)
		if (data[c].effective || data[c].permitted || data[c].inheritable)
			return nsr_err_set(err, NSR_E_SETUP, 0, "capabilities remain after the drop");
	if (caps_kernel_known(err) < 0)
		return -1;
	for (c = 0; c <= CAP_LAST_CAP; c++)
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, c, 0, 0) != 0 ||
		    prctl(PR_CAPBSET_READ, c, 0, 0, 0) != 0)
			return nsr_err_set(err, NSR_E_SETUP, 0, "capability %d remains", c);
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return nsr_err_set(err, NSR_E_SETUP, 0, "no_new_privs is not set");
	/* keep-caps or no-setuid-fixup would let a later change of ids keep
	 * capabilities: neither may be on. */
	bits = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);
	if (bits < 0 || (bits & (SECBIT_KEEP_CAPS | SECBIT_NO_SETUID_FIXUP)) != 0)
		return nsr_err_set(err, NSR_E_SETUP, 0, "securebits keep capabilities (0x%x)", bits);
	if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0)
		return nsr_err_set(err, NSR_E_SETUP, 0, "the process is still dumpable");
	/* The classic test: getting root back must fail. */
	if (setresuid(0, 0, 0) == 0 || setresgid(0, 0, 0) == 0)
		return nsr_err_set(err, NSR_E_SETUP, 0, "root could be regained");
	return 0;
}

int caps_drop(const struct nsr_identity *id, int watch_fd, struct nsr_err *err)
{
	/* A kernel with capabilities this build does not know is refused
	 * before anything is dropped. Then the bounding set, with libcap-ng,
	 * while we still hold CAP_SETPCAP (its apply reads /proc/self/status
	 * back; a paired bench could not tell that read from noise:
	 * doc/performance.md). */
	if (caps_kernel_known(err) < 0)
		return -1;
	capng_clear(CAPNG_SELECT_ALL);
	if (capng_apply(CAPNG_SELECT_BOUNDS) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot clear the bounding set");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot clear ambient capabilities");
	if (setgroups(id->n_groups, id->groups) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "setgroups");
	if (setresgid(id->gid, id->gid, id->gid) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "setresgid");
	/* uid 0 -> user with keepcaps off: the kernel empties permitted and
	 * effective; capng_apply below empties inheritable too (libcap-ng
	 * drops the capability sets; capset(2) only, no /proc read). */
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0 || setresuid(id->uid, id->uid, id->uid) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "setresuid");
	capng_clear(CAPNG_SELECT_CAPS);
	if (capng_apply(CAPNG_SELECT_CAPS) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot clear capabilities");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot set no_new_privs");
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot clear dumpable");
	if (verify_dropped(id, err) < 0)
		return -1;
	/* The new ids cleared the parent-death signal. */
	return caps_rearm(watch_fd, err);
}

int caps_guard_begin(struct caps_guard *g, struct nsr_err *err)
{
	sigset_t stops;
	uid_t r, e, sv;

	g->on = false;
	sigemptyset(&stops);
	sigaddset(&stops, SIGTSTP);
	sigaddset(&stops, SIGTTIN);
	sigaddset(&stops, SIGTTOU);
	sigprocmask(SIG_BLOCK, &stops, &g->old);
	if (getresuid(&r, &e, &sv) < 0 || e != 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot guard the lock");
	g->ruid = r;
	/* ruid 0 (suid is 0 already): kill(2) from the caller now fails. */
	if (setresuid(0, 0, 0) < 0) {
		sigprocmask(SIG_SETMASK, &g->old, NULL);
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot guard the lock");
	}
	g->on = true;
	return 0;
}

int caps_guard_end(struct caps_guard *g, struct nsr_err *err)
{
	int rc = 0;

	if (!g->on)
		return 0;
	g->on = false;
	if (setresuid(g->ruid, 0, 0) < 0)
		rc = nsr_err_set(err, NSR_E_SETUP, errno, "cannot leave the lock guard");
	sigprocmask(SIG_SETMASK, &g->old, NULL);
	return rc;
}

int caps_root_egid(struct nsr_err *err)
{
	/* Setuid root gives euid 0 only; files and directories nsrun makes
	 * on the host (state dir, lock files, records, cgroup leaves) must be
	 * root:root, not root:<caller's group>. The real gid stays the
	 * caller's (caps_drop_to_caller goes back to it). */
	if (geteuid() != 0 || getegid() == 0)
		return 0;
	if (setresgid((gid_t)-1, 0, (gid_t)-1) < 0 || getegid() != 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot take gid 0");
	return 0;
}

int caps_drop_to_caller(struct nsr_err *err)
{
	uid_t uid = getuid();
	gid_t gid = getgid();

	if (geteuid() == uid)
		return 0;
	if (setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot drop privileges");
	if (geteuid() != uid || setresuid(0, 0, 0) == 0)
		return nsr_err_set(err, NSR_E_SETUP, 0, "privileges did not drop");
	return 0;
}

#define ARG_LO(n) (offsetof(struct seccomp_data, args[n]))
#define LD_ABS(off) ((struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off)))
#define JUMP(op, k, t, f) ((struct sock_filter)BPF_JUMP(BPF_JMP | (op) | BPF_K, (k), (t), (f)))
#define RET(v) ((struct sock_filter)BPF_STMT(BPF_RET | BPF_K, (v)))

/* The filter is a list of self-contained rules; each falls through to the
 * next one when it does not match, so every jump is local and short. */
struct filter {
	struct sock_filter f[128]; /* 108 at most today */
	unsigned short n;
};

/* arch == a && nr >= lo: ret */
static void rule_nr_from(struct filter *p, uint32_t a, uint32_t lo, uint32_t ret)
{
	p->f[p->n++] = LD_ABS(offsetof(struct seccomp_data, arch));
	p->f[p->n++] = JUMP(BPF_JEQ, a, 0, 3);
	p->f[p->n++] = LD_ABS(offsetof(struct seccomp_data, nr));
	p->f[p->n++] = JUMP(BPF_JGE, lo, 0, 1);
	p->f[p->n++] = RET(ret);
}

/* arch == a && nr == nr && (low 32 bits of arg) op k: ret. Only the low
 * word is compared: ioctl's request and clone's flags are read as 32-bit
 * values by the kernel, so high bits cannot sneak past (CVE-2017-5226). */
static void rule_arg(struct filter *p, uint32_t a, uint32_t nr, int arg, uint16_t op, uint32_t k,
		     uint32_t ret)
{
	p->f[p->n++] = LD_ABS(offsetof(struct seccomp_data, arch));
	p->f[p->n++] = JUMP(BPF_JEQ, a, 0, 5);
	p->f[p->n++] = LD_ABS(offsetof(struct seccomp_data, nr));
	p->f[p->n++] = JUMP(BPF_JEQ, nr, 0, 3);
	p->f[p->n++] = LD_ABS(ARG_LO(arg));
	p->f[p->n++] = JUMP(op, k, 0, 1);
	p->f[p->n++] = RET(ret);
}

/* The filter names system calls by number, per ABI: it is written for
 * x86_64 (with the i386 and x32 ABIs that kernel also offers) and for
 * nothing else. Elsewhere it would match nothing and filter nothing, so
 * the build stops instead (README.md, Architectures). */
#if !defined(__x86_64__)
#error "caps.c: the seccomp filter knows x86_64 only; write its rules for this architecture first"
#endif

#define X86_64 AUDIT_ARCH_X86_64
#define I386 AUDIT_ARCH_I386
#define DENY(e) (SECCOMP_RET_ERRNO | (e))

/* arch is none of those the rules below know: ret. */
static void rule_unknown_arch(struct filter *p, uint32_t ret)
{
	p->f[p->n++] = LD_ABS(offsetof(struct seccomp_data, arch));
	p->f[p->n++] = JUMP(BPF_JEQ, X86_64, 2, 0);
	p->f[p->n++] = JUMP(BPF_JEQ, I386, 1, 0);
	p->f[p->n++] = RET(ret);
}

int caps_seccomp(bool deny_userns, struct nsr_err *err)
{
	struct filter p = { .n = 0 };
	struct sock_fprog prog;

	/* Fail closed: a system call from an ABI the rules do not know is
	 * refused, whatever it is. */
	rule_unknown_arch(&p, SECCOMP_RET_KILL_PROCESS);
	/* x32 system calls are refused outright (the kernel usually has none). */
	rule_nr_from(&p, X86_64, 0x40000000, DENY(ENOSYS));
	rule_arg(&p, X86_64, __NR_ioctl, 1, BPF_JEQ, TIOCSTI, DENY(EPERM));
	rule_arg(&p, X86_64, __NR_ioctl, 1, BPF_JEQ, TIOCLINUX, DENY(EPERM));
	rule_arg(&p, I386, 54 /* ioctl */, 1, BPF_JEQ, TIOCSTI, DENY(EPERM));
	rule_arg(&p, I386, 54, 1, BPF_JEQ, TIOCLINUX, DENY(EPERM));
	if (deny_userns) {
		/* clone3 passes its flags in memory seccomp cannot read: ENOSYS
		 * makes libc fall back to clone, whose flags it can. */
		rule_arg(&p, X86_64, __NR_clone, 0, BPF_JSET, CLONE_NEWUSER, DENY(EPERM));
		rule_arg(&p, X86_64, __NR_unshare, 0, BPF_JSET, CLONE_NEWUSER, DENY(EPERM));
		rule_arg(&p, X86_64, 435 /* clone3 */, 0, BPF_JGE, 0, DENY(ENOSYS));
		/* Joining a user namespace made elsewhere (an fd passed in on
		 * 0-2) is the same escape: setns with CLONE_NEWUSER, or with 0
		 * ("any type"), which lets the fd decide. */
		rule_arg(&p, X86_64, __NR_setns, 1, BPF_JEQ, 0, DENY(EPERM));
		rule_arg(&p, X86_64, __NR_setns, 1, BPF_JSET, CLONE_NEWUSER, DENY(EPERM));
		rule_arg(&p, I386, 346 /* setns */, 1, BPF_JEQ, 0, DENY(EPERM));
		rule_arg(&p, I386, 346, 1, BPF_JSET, CLONE_NEWUSER, DENY(EPERM));
		rule_arg(&p, I386, 120 /* clone */, 0, BPF_JSET, CLONE_NEWUSER, DENY(EPERM));
		rule_arg(&p, I386, 310 /* unshare */, 0, BPF_JSET, CLONE_NEWUSER, DENY(EPERM));
		rule_arg(&p, I386, 435 /* clone3 */, 0, BPF_JGE, 0, DENY(ENOSYS));
	}
	p.f[p.n++] = RET(SECCOMP_RET_ALLOW);
	prog.len = p.n;
	prog.filter = p.f;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot install the seccomp filter");
	return 0;
}
