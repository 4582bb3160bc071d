/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cgroups: one interface, two backends (v1.c, v2.c) picked at run time
 * from the mounts. Runs as root in the supervisor. nsrun only ever
 * creates, changes and removes cgroups under its own parent ("nsrun" under
 * each hierarchy it uses), never anybody else's. Callers see no backend:
 * a box's cgroup and the child's way into it are opaque objects.
 */
#ifndef NSR_CGROUP_H
#define NSR_CGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

enum cg_mode {
	CG_MODE_NONE = 0,
	CG_MODE_V1,
	CG_MODE_V2,
};

/* The live mode, from /proc/self/mountinfo. Hybrid hosts (v1 controllers
 * + an empty cgroup2 mount) are V1; a v2 mount counts only when it offers
 * the controllers (pids, memory, cpu). */
enum cg_mode cg_detect(void);
const char *cg_mode_name(enum cg_mode mode); /* "v1", "v2", "none" */

/* What a box is limited to: the cgroup side of the policy's [limits],
 * filled by the caller (the cgroup code knows no policy). */
struct cg_limits {
	bool has_pids, has_memory, has_swap, has_cpu;
	uint64_t pids;
	uint64_t memory;		/* bytes */
	uint64_t swap;			/* bytes of swap on top of memory */
	uint32_t cpu_milli;		/* 1500 = 1.5 CPUs */
	bool has_devices;		/* device rules (below) */
	const struct cg_dev_rule *devs; /* the nodes beyond the minimal set */
	size_t n_devs;
};

/* Device rules (devices.c, doc/devices.md): with has_devices the leaf
 * allows the minimal set (the box's six nodes, its devpts) and these
 * nodes (read, write and mknod), nothing else. */
#define CG_DEV_MKNOD 1u
#define CG_DEV_READ 2u
#define CG_DEV_WRITE 4u
#define CG_DEV_RW (CG_DEV_READ | CG_DEV_WRITE)
#define CG_DEV_RWM (CG_DEV_RW | CG_DEV_MKNOD)
#define CG_DEV_MAX_RULES 64
/* One allowed device: type 'c' or 'b', major and minor (-1 = any), and
 * the CG_DEV_* accesses granted. */
struct cg_dev_rule {
	char type;
	int32_t major, minor;
	unsigned access;
};

/* Does any limit need a cgroup? */
bool cg_limits_any(const struct cg_limits *lim);

/* One box's cgroup (opaque). */
struct cg_box;

/* Create the leaf "<uid>-<box>-<suffix>" (and the nsrun parent on first
 * use) and write the limits. NSR_E_SETUP when mode is NONE. */
int cg_create(enum cg_mode mode, uid_t uid, const char *box, const struct cg_limits *lim,
	      struct cg_box **out, struct nsr_err *err);
/* cgroup = nested: the leaf goes under the caller's own cgroup in each
 * hierarchy used (v2: the unified one; v1: pids and freezer, memory and
 * cpu when limited), after checking that the caller cannot write it.
 * `origin` is the text of the caller's /proc/self/cgroup as read once at
 * start (caller.c), never re-read here: the supervisor may have left the
 * caller's cgroups since. The parent's controllers are used as they are. */
int cg_create_nested(enum cg_mode mode, uid_t uid, const char *box, const struct cg_limits *lim,
		     const char *origin, struct cg_box **out, struct nsr_err *err);
/* The policy asks for swap, the host cannot enforce it but has no swap
 * (the start goes on; the front end says so). */
bool cg_swap_unenforced(const struct cg_box *cg);
/* Number of OOM kills in the leaf so far (0 without a memory limit). */
int cg_oom_kills(const struct cg_box *cg, uint64_t *count);
/* Kill every process in the leaf and wait until it is empty. */
int cg_kill_all(struct cg_box *cg, struct nsr_err *err);
/* Kill and remove the leaf, free *cg and set it NULL; NULL is fine;
 * keeps going on errors. */
int cg_destroy(struct cg_box **cg, struct nsr_err *err);

/*
 * "The child enters its leaf", as one hand-off made before the clone.
 * Depending on the backend and the kernel the child is born in the leaf
 * (clone3 CLONE_INTO_CGROUP), moves itself in before anything else (a
 * write of "0" through a file opened by the supervisor: no RCU stall), or
 * is moved by the supervisor right after the clone. The caller does the
 * same calls every time:
 *
 *     cg_handoff_new(cg, &h)            supervisor, before clone (cg may be NULL)
 *     clone3(..., cg_handoff_clone_fd(h))
 *     cg_handoff_clone_refused(h)       if the kernel refused the clone-into
 *     child:  cg_handoff_child(h)       first thing after the clone
 *     parent: cg_handoff_parent(h, pid) then cg_handoff_free(&h)
 */
struct cg_handoff;

int cg_handoff_new(struct cg_box *cg, struct cg_handoff **out, struct nsr_err *err);
/* fd for clone_args.cgroup (with CLONE_INTO_CGROUP), or -1. */
int cg_handoff_clone_fd(const struct cg_handoff *h);
/* clone3 refused CLONE_INTO_CGROUP: the supervisor will move the child. */
void cg_handoff_clone_refused(struct cg_handoff *h);
/* In the child, before anything else it does. */
int cg_handoff_child(struct cg_handoff *h, struct nsr_err *err);
/* In the supervisor after the clone: the child is (or is now) in its leaf. */
int cg_handoff_parent(struct cg_handoff *h, pid_t pid, struct nsr_err *err);
void cg_handoff_free(struct cg_handoff **h);
#define cg_cleanup_handoff __attribute__((cleanup(cg_handoff_free)))

/* Remove leaves under nsrun's parents whose owner is gone: the lock for
 * (uid, box) can be taken (lock_dir holds "<uid>-<box>.lock"). Returns the
 * number removed, or -1. */
int cg_gc(enum cg_mode mode, const char *lock_dir, struct nsr_err *err);

/* A running box's leaf, by the name its state record holds (--join, --ps):
 * opened under nsrun's parents, never created. cg_close_existing frees it
 * and never kills or removes anything; cg_destroy leaves it alone too. */
int cg_open_existing(const char *leaf, struct cg_box **out, struct nsr_err *err);
void cg_close_existing(struct cg_box **cg);
#define cg_cleanup_existing __attribute__((cleanup(cg_close_existing)))
/* Memory in use (bytes) and tasks of a leaf; UINT64_MAX (and -1) where
 * unknown. */
int cg_usage(const struct cg_box *cg, uint64_t *memory, uint64_t *pids);
/* The leaf's name ("<uid>-<box>-<suffix>"), for the box's state record. */
const char *cg_leaf(const struct cg_box *cg);

/* The supervisor, inside the lock guard (caps.h: the caller can neither
 * signal nor move it then), leaves every cgroup the caller could freeze or
 * throttle for the hierarchy's root, so no lock it takes can be held
 * frozen. The first call records the caller's cgroups. */
int cg_leave_caller(struct nsr_err *err);
/* The box child: back into the caller's recorded cgroups wherever the
 * supervisor's move left it at a root (not where it has a box leaf), so
 * the caller's own limits keep holding for the box. */
int cg_return_to_caller(struct nsr_err *err);

#endif
