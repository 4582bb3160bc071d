/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Start one box: fork; in the child, a private mount namespace with a tmpfs
 * over nsrun's policy dir holding the derived policy and the probe, extra
 * inheritable fds (the box must not get them), then the --as user's ids
 * and exec of nsrun. The parent talks to the probe over pipes, every wait
 * bounded by a deadline; at the deadline it kills the nsrun it started.
 */
#ifndef NSR_RUNNER_H
#define NSR_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "harness.h"

struct run_box {
	pid_t pid;
	int in_fd, out_fd, err_fd;
	char *out; /* probe stdout, NUL-terminated */
	size_t out_len, out_cap;
	char err[16384]; /* nsrun's stderr, NUL-terminated, truncated */
	size_t err_len;
	int status; /* wait status, valid when exited */
	bool exited, timed_out;
	struct timespec deadline;
};

/* Start `nsrun --policy P BOX -- PROBE ARGS...` (args NULL-terminated). */
int run_start(const struct hx_ctx *ctx, const char *const *args, struct run_box *b,
	      struct nsr_err *err);
/* The same with nsrun's own arguments given whole (head, then args):
 * `nsrun HEAD... ARGS...`, e.g. HEAD = --join BOX --. */
int run_start_with(const struct hx_ctx *ctx, const char *const *head, const char *const *args,
		   struct run_box *b, struct nsr_err *err);
/* Read until stdout holds the line `line` (0), or EOF / deadline (-1). */
int run_until(struct run_box *b, const char *line);
/* Write s to the probe's stdin. */
int run_send(struct run_box *b, const char *s);
/* Close stdin, read everything, reap nsrun (killing it at the deadline). */
void run_finish(struct run_box *b);
void run_free(struct run_box *b);
/* Exit status as a shell shows it: code, or 128+signal; -1 if not exited. */
int run_exit_code(const struct run_box *b);
/* One run start to end: start, finish. */
int run_once(const struct hx_ctx *ctx, const char *const *args, struct run_box *b,
	     struct nsr_err *err);
/* Append "exit N, stderr: ..." to a result, for diagnostics. */
void run_note(const struct run_box *b, struct hx_result *res);

#endif
