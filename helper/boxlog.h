/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A detached box's log: DATADIR/logs/<uid>-<box>.log (nsrun(1) --detach,
 * --logs; nsrun.policy(5) log_max, log_keep). */
#ifndef NSR_BOXLOG_H
#define NSR_BOXLOG_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "state.h"

/* Start the writer process: it reads the box's output from a pipe and
 * writes it to the log, never more than max bytes on disk (the log
 * holds the newest half, the .1 file the half before), and at the end
 * (EOF: every writer gone) removes both unless keep. *out_fd: the pipe's
 * write end for the box's stdout and stderr. Root, host side. */
int boxlog_start(const char *datadir, uid_t uid, const char *box, uint64_t max, bool keep,
		 pid_t *writer, int *out_fd, struct nsr_err *err);

/* Remove a log left by an earlier box of this name (the next start). */
void boxlog_remove(const char *datadir, uid_t uid, const char *box);

struct boxlog_reader {
	int dfd;     /* DATADIR/logs */
	int fd;	     /* the file being read */
	bool in_old; /* reading the .1 part first */
	ino_t ino;   /* of the current log */
	char name[96], old[100];
};

/* Open uid's log of box: 0, or -1 (no log: NSR_E_USAGE). */
int boxlog_open(const char *datadir, uid_t uid, const char *box, struct boxlog_reader *r,
		struct nsr_err *err);
/* Next bytes: > 0 bytes, 0 at the end (follow: once the log is
 * complete and alive() says the box is gone), -1 on error. */
ssize_t boxlog_read(struct boxlog_reader *r, char *buf, size_t sz, bool follow,
		    bool (*alive)(void *ctx), void *ctx);
void boxlog_close(struct boxlog_reader *r);

#endif
