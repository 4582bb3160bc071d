/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One start, supervisor side, in three steps that print nothing:
 * start_prepare (host state: lock, cgroup leaf, lease), start_spawn (clone
 * the box, wire it, say go), start_wait (supervise to the end, collect the
 * result). The front end renders what they return. A struct start_run
 * owns every piece of host state; start_run_free() undoes what is left,
 * in reverse order, however far the start got.
 */
#ifndef NSR_START_H
#define NSR_START_H

#include <stdbool.h>
#include <stdint.h>

#include "plan.h"
#include "sanitize.h"
#include "state.h"

struct start_paths {
	const char *statedir;
	const char *datadir;
};

/* What a start has to say; main.c turns it into words. */
struct start_result {
	/* known after start_prepare */
	bool swap_unenforced; /* policy sets swap; host cannot enforce
	                                  it, but has no swap either */
	/* known after start_wait */
	int status;		    /* nsrun's exit status (nsrun(1)) */
	bool payload_failed;	    /* not exec'd: payload_err says why */
	struct nsr_err payload_err; /* (status 126 or 127) */
	uint64_t oom_kills;	    /* processes the memory limit killed */
	uint64_t memory_limit;	    /* bytes, when oom_kills > 0 */
	bool oom_killed_payload;    /* ... and one was the box's init (137) */
	bool runtime_killed;	    /* the policy's runtime ran out (124) */
	uint64_t runtime;	    /* ... that many seconds */
	bool stopped;		    /* nsrun --stop ended the box */
	int exit_code;		    /* the init's exit code, or -1 */
	int signal;		    /* the signal that ended the init, or 0 */
	double wall_seconds;	    /* from the clone to the end */
};

struct start_run;

int start_prepare(const struct nsr_plan *plan, const struct start_paths *paths,
		  struct start_run **run, struct start_result *res, struct nsr_err *err);
int start_spawn(struct start_run *run, const struct nsr_inherited *inh, struct nsr_err *err);
/* After start_spawn: wait until the payload was exec'd and write the
 * box's state record (state.h; removed again by start_run_free). Returns
 * 1 with *rec filled when the payload runs, 0 when setup or exec failed
 * (start_wait says why), -1 with *err when the record could not be
 * written. */
int start_running(struct start_run *run, struct box_record *rec, struct nsr_err *err);
/* -1 with *err when setup inside the box failed (nothing was exec'd). */
int start_wait(struct start_run *run, struct start_result *res, struct nsr_err *err);
/* Kill a box still running, undo all host state, free; NULL is fine. */
void start_run_free(struct start_run **run);
#define start_cleanup_run __attribute__((cleanup(start_run_free)))

/* Root only (--gc): remove leftovers of boxes whose supervisor is gone. */
struct start_gc_result {
	int cgroup_leaves;
	int lock_files;
	int records;	   /* stale state records */
	int netns_removed; /* leftovers in the netns pool */
	int netns_made;	   /* new netns pool entries */
};
int start_gc(const struct start_paths *paths, struct start_gc_result *res, struct nsr_err *err);

#endif
