/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One box of a name per user at a time: an flock()ed file under the state
 * dir, held by the supervisor for the box's life and removed at the end. */
#ifndef NSR_LOCK_H
#define NSR_LOCK_H

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"

struct lock_held {
	int fd;
	char path[512];
};

/* Box names one user may have in use at once (lock files held). A start
 * first removes the user's own lock files nobody holds (left by a
 * supervisor killed with -9). */
#define LOCK_MAX_PER_USER 256

/* Take the box lock without waiting; NSR_E_BUSY if the box is running. */
int lock_box(const char *statedir, uid_t uid, const char *box, struct lock_held *lk,
	     struct nsr_err *err);
/* Whether the box's lock file exists (its supervisor is starting or
 * running it, or was killed and its file not yet swept). Takes no lock:
 * a start racing with the caller is never turned away by it. */
bool lock_box_exists(const char *statedir, uid_t uid, const char *box);
/* Whether someone holds the box's lock right now (its supervisor, or a
 * start or gc in the middle of it); locks_dfd is STATEDIR/locks. Only
 * tries, with a shared lock it drops at once, and only where nobody
 * holds one: a lock this finds held stays untouched. False when there
 * is no lock file. A gc's shortcut: a held lock's box is not its to
 * collect (state.c). A start of that box meanwhile waits the probe out
 * (lock_box). */
bool lock_box_held_at(int locks_dfd, uid_t uid, const char *box);
/* Remove the lock file while holding it, then close. Idempotent. */
void lock_release(struct lock_held *lk);
/* The persistent layer DATADIR/<uid>/<box>/<policy>.policy (created
 * root-owned if missing) opened and flock()ed without waiting: two
 * overlays never share one upper. *fd holds the lock until closed;
 * NSR_E_BUSY when another box holds it. */
int lock_upper(const char *datadir, uid_t uid, const char *box, const char *policy, int *fd,
	       struct nsr_err *err);
/* Remove lock files nobody holds (gc). Returns the number removed. */
int lock_gc(const char *statedir);

#endif
