/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Privileges: the only file that changes ids or capabilities. */
#ifndef NSR_CAPS_H
#define NSR_CAPS_H

#include <signal.h>
#include <stdbool.h>

#include "plan.h"

/* In the box child: die with the supervisor (SIGKILL). watch_fd is the
 * child's end of a pipe the supervisor holds open; -1 when it has already
 * hung up. Every credential change clears the parent-death signal, so the
 * functions below that change credentials arm it again themselves. */
int caps_arm_parent_death(int watch_fd);

/* Check file access as the user for a while: groups, fsgid, fsuid. */
int caps_user_fs_begin(const struct nsr_identity *id, int watch_fd, struct nsr_err *err);
int caps_user_fs_end(int watch_fd, struct nsr_err *err);

/* One way: the user's groups, gid, uid; every capability set empty,
 * bounding set cleared, ambient cleared, no_new_privs; then verify. */
int caps_drop(const struct nsr_identity *id, int watch_fd, struct nsr_err *err);

/* The supervisor's real uid is the caller's, so the caller may signal it,
 * stop it included. Around sections that hold locks other users depend on
 * (the lease file, other users' box locks during gc) the guard makes the
 * real uid 0 and blocks the stop signals, so no caller can freeze nsrun
 * while it holds them. Returns -1 if the ids cannot be switched. */
struct caps_guard {
	sigset_t old;
	uid_t ruid;
	bool on;
};
int caps_guard_begin(struct caps_guard *g, struct nsr_err *err);
int caps_guard_end(struct caps_guard *g, struct nsr_err *err);

/* Effective gid 0 for what nsrun makes on the host (the real gid stays
 * the caller's). No-op when not running as root. */
int caps_root_egid(struct nsr_err *err);

/* For --check: become the caller for good (no privilege needed to lint). */
int caps_drop_to_caller(struct nsr_err *err);

/* The box's seccomp filter: TIOCSTI and TIOCLINUX (terminal input
 * injection) always fail; with deny_userns, so does every way to a new user
 * namespace. Needs no_new_privs already set. */
int caps_seccomp(bool deny_userns, struct nsr_err *err);

#endif
