/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one error type of nsrun. Fixed size, no pointers and no malloc, so a
 * child can write it down the sync pipe as it is and the parent can print
 * it. Every fallible function takes `struct nsr_err *err` last and returns
 * 0 or -1. Only main.c turns an error into a message and an exit status.
 */
#ifndef NSR_ERR_H
#define NSR_ERR_H

#include <stddef.h>

/* What went wrong, in the terms of nsrun(1), EXIT STATUS. NONE is the
 * zero value. */
enum nsr_err_kind {
	NSR_E_NONE = 0,
	NSR_E_USAGE,	  /* bad command line                       -> 125 */
	NSR_E_DENIED,	  /* not authorised                          -> 125 */
	NSR_E_POLICY,	  /* policy missing, untrusted or invalid    -> 125 */
	NSR_E_BUSY,	  /* box already running, quota reached      -> 125 */
	NSR_E_SETUP,	  /* a setup step failed                     -> 125 */
	NSR_E_EXEC_NOENT, /* command not found in the box            -> 127 */
	NSR_E_EXEC,	  /* command found but not executable        -> 126 */
};

#define NSR_ERR_MSG_MAX 480

struct nsr_err {
	int kind;   /* enum nsr_err_kind */
	int errnum; /* errno, or 0 */
	char msg[NSR_ERR_MSG_MAX];
};

/* Fill *err (when err is not NULL) and return -1. */
int nsr_err_set(struct nsr_err *err, int kind, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Put "context: " in front of the message already in *err; returns -1. */
int nsr_err_prefix(struct nsr_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "msg" or "msg: strerror(errnum)", into buf. */
const char *nsr_err_text(const struct nsr_err *err, char *buf, size_t bufsz);

/* Exit status for a failed start (nsrun(1), EXIT STATUS). */
int nsr_err_exit_status(const struct nsr_err *err);

/* "First error wins", for steps that all run even after one failed
 * (undo, cleanup): each step reports into nsr_err_slot(&fe), which is the
 * caller's err until a step failed and a scratch one after; nsr_err_step()
 * records a step's return value and fe.rc is -1 once any step failed:
 *
 *     struct nsr_err_first fe = NSR_ERR_FIRST(err);
 *     nsr_err_step(&fe, undo_a(..., nsr_err_slot(&fe)));
 *     nsr_err_step(&fe, undo_b(..., nsr_err_slot(&fe)));
 *     return fe.rc;
 */
struct nsr_err_first {
	struct nsr_err *err;
	struct nsr_err spare;
	int rc;
};
#define NSR_ERR_FIRST(e) ((struct nsr_err_first){ .err = (e), .rc = 0 })
struct nsr_err *nsr_err_slot(struct nsr_err_first *fe);
int nsr_err_step(struct nsr_err_first *fe, int r);

#endif
