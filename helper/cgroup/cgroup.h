/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cgroups: one interface, two backends (cgroup_v1.c, cgroup_v2.c) picked
 * at run time from the mounts. Runs as root in the supervisor. nsrun only
 * ever creates, changes and removes cgroups under its own parent
 * ("nsrun" under each hierarchy it uses), never anybody else's.
 */
#ifndef NSR_CGROUP_H
#define NSR_CGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "policy.h"

enum cg_mode {
	CG_MODE_NONE = 0,
	CG_MODE_V1,
	CG_MODE_V2,
};

/* Detect the mode from mountinfo text (pure, for tests) or the live one.
 * Hybrid hosts (v1 controllers + an empty cgroup2 mount) are V1. A v2 mount
 * is only used when it offers the controllers (pids, memory, cpu). */
enum cg_mode cg_detect_from_mountinfo(const char *mountinfo, const char *v2_controllers);
enum cg_mode cg_detect(void);
const char *cg_mode_name(enum cg_mode mode);   /* "v1", "v2", "none" */

#define CG_PATH_MAX 512

/* One box's cgroup. Opaque to callers beyond what is here. */
struct cg_box {
	enum cg_mode mode;
	char leaf[128];                /* "<uid>-<box>-<suffix>" */
	int leaf_dfd;                  /* v2: leaf dir fd (for CLONE_INTO_CGROUP) */
	int v1_dfd[4];                 /* v1: pids, memory, cpu, freezer leaf fds */
	bool created;
	uint64_t memory_limit;         /* for the OOM message */
	/* Added by the cgroup backends (all set by cg_create): */
	int parent_dfd;                /* v2: the "nsrun" parent dir */
	int v1_parent_dfd[4];          /* v1: each hierarchy's "nsrun" dir */
	bool swap_unenforced;          /* policy sets swap, host cannot enforce
	                                  it but has no swap: print swap_note */
	char swap_note[128];
};

/* Index of v1_dfd[] / v1_parent_dfd[]. */
enum cg_v1_ctrl {
	CG_V1_PIDS = 0,
	CG_V1_MEMORY,
	CG_V1_CPU,
	CG_V1_FREEZER,
	CG_V1_N,
};

/* Leaf name for a box: uid, box (policy_box_valid) and a unique suffix
 * ([0-9a-z]{1,24}; cg_create makes one itself). Pure. */
int cg_leaf_name(uid_t uid, const char *box, const char *suffix, char *out,
		 size_t outsz);
/* Parse a leaf name back (for gc). Pure. */
int cg_leaf_parse(const char *leaf, uid_t *uid, char *box, size_t boxsz);

/* Create the leaf (and the nsrun parent on first use) and write limits. */
int cg_create(struct cg_box *cg, enum cg_mode mode, uid_t uid, const char *box,
	      const struct policy_limits *lim, struct nsr_err *err);
/* v2 with clone3: fd to pass as clone_args.cgroup, or -1. */
int cg_clone_fd(const struct cg_box *cg);
/* Move pid into the leaf (v1 always; v2 when clone3 placement was not used). */
int cg_enter(struct cg_box *cg, pid_t pid, struct nsr_err *err);
/* v1 without the stall: the supervisor opens each leaf's "tasks" file
 * (write-only, CLOEXEC) before clone; the child writes "0" to them, which
 * moves the calling thread without the cgroup_threadgroup_rwsem RCU wait a
 * write of a pid costs. fds[] gets -1 where a controller is unused. */
int cg_open_self_enter(const struct cg_box *cg, int fds[CG_V1_N], struct nsr_err *err);
/* In the child: move ourselves through those fds, then close them. */
int cg_self_enter(int fds[CG_V1_N], struct nsr_err *err);

/* Number of OOM kills in the leaf so far (0 when no memory controller). */
int cg_oom_kills(const struct cg_box *cg, uint64_t *count);
/* Kill every process in the leaf and wait until it is empty. */
int cg_kill_all(struct cg_box *cg, struct nsr_err *err);
/* Kill and remove the leaf; idempotent; keeps going on errors. */
int cg_destroy(struct cg_box *cg, struct nsr_err *err);

/* Remove leaves under nsrun's parents whose owner is gone: the lock for
 * (uid, box) can be taken (lock_dir holds "<uid>-<box>.lock"). Returns the
 * number removed, or -1. */
int cg_gc(enum cg_mode mode, const char *lock_dir, struct nsr_err *err);

/* Parsers exposed for tests. */
int cg_parse_v2_oom_kill(const char *memory_events, uint64_t *count);
int cg_parse_v1_oom_kill(const char *oom_control, uint64_t *count);
int cg_format_cpu_max(uint32_t cpu_milli, char *out, size_t outsz);  /* "150000 100000" */

/* Added: "64M", "1G", "1536K", "100" (bytes) for messages such as the OOM
 * line. Exact: the largest unit that divides the value. Pure. */
int cg_format_size(uint64_t bytes, char *out, size_t outsz);
/* Added: v1 memsw value (memory + swap), -1 on overflow. Pure. */
int cg_v1_memsw(uint64_t memory, uint64_t swap, uint64_t *out);
/* Added: SwapTotal in kB from /proc/meminfo text. Pure. */
int cg_parse_swap_total(const char *meminfo, uint64_t *kb);
/* Added: the pid that created a leaf, from its suffix ("%x%08x": creator
 * pid, then 32 random bits), for gc's check of a leaf whose lock is held. */
int cg_leaf_owner_pid(const char *leaf, pid_t *pid);

/* Added: cgroup mount points, from mountinfo text (pure) or the live one. */
struct cg_mounts {
	char v2[CG_PATH_MAX];              /* cgroup2 mount, "" if none */
	char v1[CG_V1_N][CG_PATH_MAX];     /* v1 hierarchy holding each, or "" */
};
int cg_parse_mounts(const char *mountinfo, struct cg_mounts *m);
int cg_read_mounts(struct cg_mounts *m, struct nsr_err *err);

#endif
