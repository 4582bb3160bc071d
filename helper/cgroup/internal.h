/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to helper/cgroup/: the box's backend fields, the file system
 * helpers every backend uses (all relative to directory fds, never
 * following a symlink), the limits table and the backend entry points
 * that cgroup.c dispatches to. Callers use cgroup.h only; the unit tests
 * include this file to reach the pure parsers.
 */
#ifndef NSR_CGROUP_INT_H
#define NSR_CGROUP_INT_H

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "boxname.h"
#include "cgroup.h"
#include "rootdir.h"
#include "util.h"

#define CG_PATH_MAX 512

/* v1 hierarchies nsrun uses; index of v1_dfd[] / v1_parent_dfd[]. */
enum cg_v1_ctrl {
	CG_V1_PIDS = 0,
	CG_V1_MEMORY,
	CG_V1_CPU,
	CG_V1_FREEZER,
	CG_V1_DEVICES, /* only for a box with device rules */
	CG_V1_N,
};

struct cg_box {
	enum cg_mode mode;
	char leaf[128]; /* "<uid>-<box>-<suffix>" */
	bool created;
	bool borrowed;		    /* a running box's, opened by name: never
	                                  killed or removed (existing.c) */
	bool swap_unenforced;	    /* see cg_swap_unenforced() */
	bool has_memory_limit;	    /* OOM kills are counted only then */
	int leaf_dfd;		    /* v2: leaf dir fd (for CLONE_INTO_CGROUP) */
	int parent_dfd;		    /* v2: the "nsrun" parent dir */
	int v1_dfd[CG_V1_N];	    /* v1: pids, memory, cpu, freezer, devices leaf fds */
	int v1_parent_dfd[CG_V1_N]; /* v1: each hierarchy's "nsrun" dir */
};

/* cgroup mount points, from mountinfo text (pure) or the live one. */
struct cg_mounts {
	char v2[CG_PATH_MAX];	       /* cgroup2 mount, "" if none */
	char v1[CG_V1_N][CG_PATH_MAX]; /* v1 hierarchy holding each, or "" */
};
int cg_parse_mounts(const char *mountinfo, struct cg_mounts *m);
int cg_read_mounts(struct cg_mounts *m, struct nsr_err *err);
/* The text of /proc/self/mountinfo as this process first read it (kept
 * for its life); NULL if unreadable. */
const char *cg_mountinfo(void);
enum cg_mode cg_detect_from_mountinfo(const char *mountinfo, const char *v2_controllers);

/* Leaf name for a box: uid, box (nsr_box_name_valid) and a unique suffix
 * ([0-9a-z]{1,24}; cg_create makes one itself). Pure. */
int cg_leaf_name(uid_t uid, const char *box, const char *suffix, char *out, size_t outsz);
/* Parse a leaf name back (for gc). Pure. */
int cg_leaf_parse(const char *leaf, uid_t *uid, char *box, size_t boxsz);
/* The pid that created a leaf, from its suffix ("%x%08x": creator pid,
 * then 32 random bits), for gc's check of a leaf whose lock is held. */
int cg_leaf_owner_pid(const char *leaf, pid_t *pid);

/* Counters and values, pure. */
int cg_parse_v2_oom_kill(const char *memory_events, uint64_t *count);
int cg_parse_v1_oom_kill(const char *oom_control, uint64_t *count);
int cg_parse_swap_total(const char *meminfo, uint64_t *kb);
int cg_format_cpu_max(uint32_t cpu_milli, char *out, size_t outsz); /* "150000 100000" */
int cg_v1_memsw(uint64_t memory, uint64_t swap, uint64_t *out);	    /* -1 on overflow */

/*
 * The limits as one table (limits.c): each limit is a list of {v1
 * hierarchy, v1 file, v2 file, value}, written in table order. A backend
 * asks for its writes; a write whose file the kernel lacks is a limit
 * the host cannot enforce (only swap may be, see cg_swap_check).
 */
enum cg_limit {
	CG_LIMIT_PIDS = 0,
	CG_LIMIT_MEMORY,
	CG_LIMIT_SWAP,
	CG_LIMIT_CPU,
	CG_LIMIT_N,
};
struct cg_write {
	enum cg_limit limit;
	int ctrl; /* v1 hierarchy (enum cg_v1_ctrl) */
	const char *file;
	char value[32];
};
#define CG_WRITES_MAX 8
/* The writes for lim under mode, in order; returns how many, or -1
 * (EINVAL/ERANGE) for a value the kernel cannot take. Pure. */
int cg_limit_writes(enum cg_mode mode, const struct cg_limits *lim,
		    struct cg_write out[CG_WRITES_MAX]);
/* Is the limit set in lim? Which v1 hierarchy does it need? */
bool cg_limit_set(const struct cg_limits *lim, enum cg_limit l);
int cg_limit_ctrl(enum cg_limit l);
/* Perform writes (relative to the leaf fd of each one's hierarchy on v1,
 * the leaf on v2); swap rule on a missing swap file. */
int cg_apply_limits(struct cg_box *cg, const struct cg_limits *lim, struct nsr_err *err);

/* ---- device rules (devices.c) ---- */
#define CG_DEV_MAX_INSNS (6 + 2 + (CG_DEV_MAX_RULES + 16) * 8)
/* The rules every box with device rules gets (its six nodes, devpts). */
size_t cg_dev_minimal_rules(const struct cg_dev_rule **out);
/* minimal + lim->devs into out (at most CG_DEV_MAX_RULES + 16); count or -1. */
int cg_dev_rules(const struct cg_limits *lim, struct cg_dev_rule *out, size_t max);
/* "c 1:3 rwm" for v1's devices.allow; -1 on a bad rule. Pure. */
int cg_dev_format_v1(const struct cg_dev_rule *r, char *out, size_t sz);
/* The v2 program: allow exactly these rules. Number of instructions,
 * or -1 (bad rule, too small). Pure. */
struct bpf_insn;
ssize_t cg_dev_bpf_build(const struct cg_dev_rule *rules, size_t n, struct bpf_insn *out, size_t max);
/* Load the program and attach it to the leaf (BPF_F_ALLOW_MULTI);
 * refused when it would take the place of a program above the leaf. */
int cg_dev_bpf_attach(int leaf_dfd, int parent_dfd, const struct cg_dev_rule *rules, size_t n,
		      struct nsr_err *err);
/* v1: deny all, then allow each rule, in the devices leaf. */
int cg_dev_v1_write(int leaf_dfd, const struct cg_dev_rule *rules, size_t n, struct nsr_err *err);
/* The box's rules on its leaf, whichever the backend. */
int cg_apply_devices(struct cg_box *cg, const struct cg_limits *lim, struct nsr_err *err);

#define CG_PARENT "nsrun"
#define CG_KILL_WAIT_MS 2000
#define CG_RMDIR_WAIT_MS 1000

/* Open a cgroup mount point (from mountinfo) as a directory fd, checking
 * by statfs that it is cgroupfs of the wanted version. */
int cg_fs_open_mount(const char *path, bool v2, struct nsr_err *err);
/* A regular file at dfd/file (no symlink followed)? */
bool cg_fs_exists(int dfd, const char *file);
/* SIGKILL every pid listed in dfd/cgroup.procs; *n gets how many. */
int cg_fs_kill_procs(int dfd, int *n);
/* Send sig to pid only if it is (still) in the leaf at dfd (pidfd). */
void cg_fs_signal_member(int dfd, pid_t pid, int sig);
/* Number of pids in dfd/cgroup.procs, or -1. */
int cg_fs_count_procs(int dfd);
/* Wait until dfd/cgroup.procs is empty, killing stragglers meanwhile. */
int cg_fs_wait_empty(int dfd, int ms, struct nsr_err *err);
/* rmdir parent_dfd/leaf, retrying EBUSY for a while; ENOENT is success. */
int cg_fs_rmdir(int parent_dfd, const char *leaf, struct nsr_err *err);
void cg_fs_sleep_ms(int ms);

/* The swap limit cannot be enforced here: fail closed when the host
 * swaps, else note it (cg_swap_unenforced) and go on. */
int cg_swap_check(struct cg_box *cg, struct nsr_err *err);

/* Backends. create: the leaf (cg->leaf already named) in every hierarchy
 * the limits need; cgroup.c then applies the limits. */
int cg_v1_create(struct cg_box *cg, const struct cg_mounts *m, const struct cg_limits *lim,
		 struct nsr_err *err);
/* Move pid into the leaf (the hand-off's fallback; tests). */
int cg_enter_pid(struct cg_box *cg, pid_t pid, struct nsr_err *err);
int cg_v1_enter(struct cg_box *cg, pid_t pid, struct nsr_err *err);
int cg_v1_kill(struct cg_box *cg, struct nsr_err *err);
int cg_v1_oom_kills(const struct cg_box *cg, uint64_t *count);
int cg_v2_create(struct cg_box *cg, const struct cg_mounts *m, const struct cg_limits *lim,
		 struct nsr_err *err);
int cg_v2_enter(struct cg_box *cg, pid_t pid, struct nsr_err *err);
int cg_v2_kill(struct cg_box *cg, struct nsr_err *err);
int cg_v2_oom_kills(const struct cg_box *cg, uint64_t *count);

/* The caller's cgroup per hierarchy, parsed from /proc/self/cgroup text.
 * Fails on anything malformed, and on a hierarchy listed twice (a cgroup
 * name with a newline in it can forge a line). Pure. */
struct cg_origin {
	char v2[CG_PATH_MAX];	       /* "0::PATH", "" if none */
	char v1[CG_V1_N][CG_PATH_MAX]; /* by enum cg_v1_ctrl, "" if none */
};
int cg_parse_origin(const char *text, struct cg_origin *o);
/* Nested mode: open `path` (the caller's cgroup) below a mount fd, every
 * directory on the way root-owned and closed to group and others, and its
 * cgroup.procs root's: a cgroup the caller can neither write nor has been
 * delegated. */
int cg_origin_open(int mnt_dfd, const char *path, struct nsr_err *err);
int cg_v1_create_nested(struct cg_box *cg, const struct cg_mounts *m, const struct cg_origin *o,
			const struct cg_limits *lim, struct nsr_err *err);
int cg_v2_create_nested(struct cg_box *cg, const struct cg_mounts *m, const struct cg_origin *o,
			const struct cg_limits *lim, struct nsr_err *err);

/* Open the parents of a mode ("nsrun" in each hierarchy) without creating
 * them; absent ones stay -1. For gc. */
int cg_v1_open_parents(const struct cg_mounts *m, int dfds[CG_V1_N], struct nsr_err *err);
int cg_v2_open_parent(const struct cg_mounts *m, int *dfd, struct nsr_err *err);
/* The parents of mode's hierarchies (reads the mounts): dfds[] as above. */
int cg_open_parents(enum cg_mode mode, int dfds[CG_V1_N], struct nsr_err *err);
/* Fill cg for an existing leaf under the given parents (gc): fds of the
 * leaf dirs that exist; created = true when at least one does. */
int cg_attach(enum cg_mode mode, const int *parents, const char *leaf, struct cg_box **out,
	      struct nsr_err *err);

/* cg_gc limited to leaves whose name starts with prefix (NULL: all). */
int cg_gc_match(enum cg_mode mode, const char *lock_dir, const char *prefix, struct nsr_err *err);

/* A fresh box (every fd -1) for mode, or NULL (ENOMEM). */
struct cg_box *cg_box_new(enum cg_mode mode);
/* Close every fd in cg. */
void cg_box_close(struct cg_box *cg);

#endif
