/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The state record of a running box: STATEDIR/boxes/<uid>-<box>, written
 * by its supervisor once the payload runs, removed when the box ends. It
 * names the box's init by pid and start time (/proc/PID/stat field 22), so
 * a record whose box died without cleaning up (kill -9, a crash) is seen
 * to be stale and never names a process that reused the pid.
 */
#ifndef NSR_STATE_H
#define NSR_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "policy.h"

#define STATE_CMD_MAX 512
#define STATE_LEAF_MAX 128

struct box_record {
	uid_t uid;
	char user[64];
	char policy[POLICY_NAME_MAX + 1];
	char box[POLICY_BOX_MAX + 1];
	pid_t init_pid;	     /* as seen from the host */
	uint64_t init_start; /* its start time, clock ticks after boot */
	pid_t sup_pid;	     /* the supervisor */
	uint64_t sup_start;
	int64_t started;	     /* wall clock, seconds since the epoch */
	char cgroup[STATE_LEAF_MAX]; /* the box's cgroup leaf, "" for none */
	uint32_t addr;		     /* bridged address (host order), 0 for none */
	uint64_t runtime;	     /* the policy's runtime limit, 0 for none */
	bool detached;
	char command[STATE_CMD_MAX]; /* escaped like the audit log */
};

/* Text form, one "key value" a line; parse is strict (every key once,
 * nothing else). Pure, for tests. */
int state_format(const struct box_record *r, char *buf, size_t sz);
int state_parse(const char *text, struct box_record *r);
/* Field 22 of /proc/PID/stat text (after the last ')'). Pure. */
int state_parse_stat_start(const char *stat, uint64_t *start);
/* The start time of a live pid; -1 when it is gone. */
int state_pid_start(pid_t pid, uint64_t *start);

/* Write the record atomically (temporary file, rename). */
int state_write(const char *statedir, const struct box_record *r, struct nsr_err *err);
/* Read (uid, box)'s record: 0, 1 when there is none, -1 on error. */
int state_read(const char *statedir, uid_t uid, const char *box, struct box_record *r,
	       struct nsr_err *err);
/* Remove the record and its stopping mark (supervisor, at the end). */
void state_remove(const char *statedir, uid_t uid, const char *box);

/* Is the box the record names still there: its init and its supervisor
 * alive with the recorded start times. */
bool state_alive(const struct box_record *r);

/* --stop and the runtime limit mark a box as stopping (--join refuses it).
 * The mark names the init's start time, so a mark left over from an
 * earlier box of the same name does not count. */
int state_mark_stopping(const char *statedir, const struct box_record *r, struct nsr_err *err);
bool state_stopping(const char *statedir, const struct box_record *r);

/* Records of uid (or of every user when all), alive or not, up to max:
 * the number found, or -1. */
int state_list(const char *statedir, bool all, uid_t uid, struct box_record *out, size_t max,
	       struct nsr_err *err);

/* Remove records (and stopping marks) whose box is gone, each under its
 * box lock so that a new start of the same box is never touched. Returns
 * how many were removed. */
int state_gc(const char *statedir, bool all, uid_t uid);

#endif
