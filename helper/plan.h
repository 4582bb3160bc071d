/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The plan: the one thing that flows from the policy side to the setup
 * side. Only plan_build() writes one, from an authorised policy, the
 * caller's credentials and the parsed request; everything that acts takes
 * `const struct nsr_plan *`. A reviewer audits the trust boundary by
 * reading plan.c.
 */
#ifndef NSR_PLAN_H
#define NSR_PLAN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "dev/dev.h"
#include "policy.h"
#include "sanitize.h"

#define PLAN_MAX_ARGV 4096
#define PLAN_MAX_MOUNTS (POLICY_MAX_BINDS + POLICY_MAX_TMPFS)
#define PLAN_MAX_PASS_ENV 256 /* variables passed by pass_env */
#define PLAN_PASS_ARENA (64 * 1024)
#define PLAN_MAX_WARNINGS 8
#define PLAN_CGROUPS_MAX 4096
#define PLAN_WARNING_MAX 200

enum plan_mount_kind {
	PLAN_MOUNT_BIND = 1,
	PLAN_MOUNT_TMPFS,
};

struct plan_mount {
	enum plan_mount_kind kind;
	char source[POLICY_STR_MAX]; /* host path, expanded (binds) */
	char target[POLICY_STR_MAX]; /* path inside the box, expanded */
	bool rw;
	uint64_t size; /* tmpfs bytes, 0 = default */
};

/* Who a box runs as: the caller's real ids and groups from the kernel,
 * name and home from the user database. Shared by the caller (what we
 * found) and the plan (what the box gets). groups: as many as the kernel
 * holds for the caller (NGROUPS_MAX at most), allocated once by
 * caller_load() and never freed (the process is short-lived); the plan's
 * copy points at the same array. */
/* The persistent layer's directory under DATADIR/<uid>/<box>/: one per
 * policy, so one policy's writes never lie over another policy's image.
 * Box names hold no '.', so it never meets the box dir of the older
 * layout (DATADIR/<uid>/<box>/{upper,work}, left as it is). */
#define PLAN_UPPER_POLICY_FMT "%s.policy"

struct nsr_identity {
	uid_t uid;
	gid_t gid;
	const gid_t *groups;
	size_t n_groups;
	char user[64];
	char home[POLICY_STR_MAX];
};

/* A group of the box's user, named for the box's /etc/group: looked up
 * in the host's group database by plan_build(), before any clone. */
struct plan_group {
	gid_t gid;
	char name[64];
};

/* What the caller asked for, straight from argv: untrusted. */
struct nsr_request {
	const char *policy; /* validated name */
	const char *box;    /* validated name */
	char *const *argv;  /* command, or NULL for the default */
	int argc;
	bool dry_run;
	bool detach;			/* --detach */
	bool pty, no_pty;		/* --pty, --no-pty */
	const struct sanitize_env *env; /* the caller's environment, or NULL */
};

/* Who the caller is, from the kernel (real ids) and the user database. */
struct nsr_caller {
	struct nsr_identity id;
	char shell[POLICY_STR_MAX];
	char term[64];	  /* validated $TERM or "" */
	bool interactive; /* stdin is a terminal */
	unsigned tty_fds; /* bit N: fd N (0-2) is a terminal */
	/* /proc/self/cgroup as read once at start, before anything moves
	 * the process: the cgroups a nested box goes under ("" unreadable) */
	char cgroups[PLAN_CGROUPS_MAX];
};

struct nsr_plan {
	char policy[POLICY_NAME_MAX + 1];
	char box[POLICY_BOX_MAX + 1];
	char hostname[65];

	struct nsr_identity id;
	struct plan_group *group_names; /* gid first, then id.groups; allocated */
	size_t n_group_names;

	char rootfs[POLICY_STR_MAX];
	enum policy_writable writable;
	char upper_base[POLICY_STR_MAX]; /* persistent: DATADIR/<uid>/<box>/<policy>.policy */

	struct plan_mount mounts[PLAN_MAX_MOUNTS];
	size_t n_mounts;
	bool policy_maps_tmp; /* a mount targets /tmp */

	struct policy_limits limits;
	/* limits.cgroup_nested: the caller's /proc/self/cgroup at start */
	char cg_origin[PLAN_CGROUPS_MAX];
	struct policy_net net;

	/* [devices]: host nodes made in the box's /dev and allowed (with the
	 * minimal set, nothing else) by the leaf's device cgroup. */
	struct dev_node devs[DEV_MAX_NODES];
	size_t n_devs;
	bool dev_rules; /* the leaf carries device rules */

	/* argv/envp for the payload: pointers into plan-owned storage. */
	char *argv[PLAN_MAX_ARGV + 1];
	size_t argc;
	char cmd_store[POLICY_STR_MAX];
	bool default_shell;		  /* argv is the default: login_shell if the
				        * image has it, else /bin/sh */
	char login_shell[POLICY_STR_MAX]; /* the caller's, from the user database, or "" */
	char *envp[POLICY_MAX_ENV + 8 + PLAN_MAX_PASS_ENV + 1];
	size_t envc;
	char env_store[POLICY_MAX_ENV + 8][POLICY_STR_MAX];
	char pass_store[PLAN_PASS_ARENA]; /* the caller's, passed by pass_env */
	size_t pass_used;

	/* Warnings for the front end to print (a variable pass_env named but
	 * nsrun dropped); the box starts anyway. */
	char warnings[PLAN_MAX_WARNINGS][PLAN_WARNING_MAX];
	size_t n_warnings;
	size_t warnings_dropped;

	bool interactive;
	bool pty;	  /* the box gets a pty of its own */
	unsigned pty_fds; /* bit N: the box's fd N is that pty */
	bool dry_run;
	bool deny_userns; /* seccomp refuses CLONE_NEWUSER */
	bool deny_join;	  /* [box] join = no */
	bool detach;	  /* --detach: in the background, output to a log */
	uint64_t log_max; /* [box] log_max (bytes) */
	bool log_keep;	  /* [box] log_keep */
};

/* Build the plan. The policy must already be trusted and authorised;
 * devs: the nodes dev_select() chose for its [devices] (NULL: none). */
int plan_build(const struct policy *pol, const struct nsr_request *req,
	       const struct nsr_caller *caller, const char *datadir, const struct dev_set *devs,
	       struct nsr_plan *plan, struct nsr_err *err);

#endif
