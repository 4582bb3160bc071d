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
#include <stddef.h>
#include <sys/fsuid.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

int caps_user_fs_begin(const struct nsr_plan *plan, struct nsr_err *err)
{
	/* Groups first: permission checks use fsuid, fsgid and the
	 * supplementary groups, and root's groups must not help the user. */
	if (setgroups(plan->n_groups, plan->groups) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "setgroups");
	setfsgid(plan->gid);
	setfsuid(plan->uid);
	if ((uid_t)setfsuid((uid_t)-1) != plan->uid || (gid_t)setfsgid((gid_t)-1) != plan->gid)
		return nsr_err_set(err, NSR_E_SETUP, 0, "cannot take the user's file identity");
	return 0;
}

int caps_user_fs_end(struct nsr_err *err)
{
	setfsuid(0);
	setfsgid(0);
	if (setfsuid((uid_t)-1) != 0 || setgroups(0, NULL) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot return to root's file identity");
	/* Changing fsuid resets the parent-death signal: the caller re-arms it. */
	return 0;
}

static int verify_dropped(const struct nsr_plan *plan, struct nsr_err *err)
{
	uid_t r, e, s;
	gid_t rg, eg, sg;
	int c;

	if (getresuid(&r, &e, &s) < 0 || r != plan->uid || e != plan->uid || s != plan->uid ||
	    getresgid(&rg, &eg, &sg) < 0 || rg != plan->gid || eg != plan->gid || sg != plan->gid)
		return nsr_err_set(err, NSR_E_SETUP, 0, "ids did not change as asked");
	if ((uid_t)setfsuid((uid_t)-1) != plan->uid)
		return nsr_err_set(err, NSR_E_SETUP, 0, "fsuid did not change");
	/* Read back with capget(2) itself: no file to open, so a tiny
	 * RLIMIT_NOFILE of the caller cannot make the check fail open. */
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	if (syscall(SYS_capget, &hdr, data) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot read capabilities");
	for (c = 0; c < _LINUX_CAPABILITY_U32S_3; c++)
		if (data[c].effective || data[c].permitted || data[c].inheritable)
			return nsr_err_set(err, NSR_E_SETUP, 0, "capabilities remain after the drop");
	for (c = 0; c <= CAP_LAST_CAP; c++)
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, c, 0, 0) > 0 ||
		    prctl(PR_CAPBSET_READ, c, 0, 0, 0) > 0)
			return nsr_err_set(err, NSR_E_SETUP, 0, "capability %d remains", c);
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return nsr_err_set(err, NSR_E_SETUP, 0, "no_new_privs is not set");
	/* The classic test: getting root back must fail. */
	if (setresuid(0, 0, 0) == 0 || setresgid(0, 0, 0) == 0)
		return nsr_err_set(err, NSR_E_SETUP, 0, "root could be regained");
	return 0;
}

int caps_drop(const struct nsr_plan *plan, struct nsr_err *err)
{
	/* Bounding set while we still hold CAP_SETPCAP. */
	capng_clear(CAPNG_SELECT_ALL);
	if (capng_apply(CAPNG_SELECT_BOUNDS) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot clear the bounding set");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot clear ambient capabilities");
	if (setgroups(plan->n_groups, plan->groups) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "setgroups");
	if (setresgid(plan->gid, plan->gid, plan->gid) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "setresgid");
	/* uid 0 -> user with keepcaps off: the kernel empties permitted and
	 * effective; capng_apply below empties inheritable too. */
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0 || setresuid(plan->uid, plan->uid, plan->uid) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "setresuid");
	capng_clear(CAPNG_SELECT_CAPS);
	if (capng_apply(CAPNG_SELECT_CAPS) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot clear capabilities");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot set no_new_privs");
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot clear dumpable");
	return verify_dropped(plan, err);
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

int caps_seccomp_tty(struct nsr_err *err)
{
	/* ioctl's request is an unsigned int: compare the low 32 bits only,
	 * so high bits cannot sneak TIOCSTI past (CVE-2017-5226). x32 calls
	 * are refused; i386 ioctl is checked like x86_64's. */
	struct sock_filter f[] = {
		/*  0 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		/*  1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 5),
		/*  2 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		/*  3 */ BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1),
		/*  4 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		/*  5 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_ioctl, 4, 0),
		/*  6 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		/*  7 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_I386, 0, 6),
		/*  8 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		/*  9 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 54 /* i386 ioctl */, 0, 4),
		/* 10 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(1)),
		/* 11 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TIOCSTI, 1, 0),
		/* 12 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TIOCLINUX, 0, 1),
		/* 13 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		/* 14 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = NSR_ARRAY_SIZE(f), .filter = f };

	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot install the terminal filter");
	return 0;
}
