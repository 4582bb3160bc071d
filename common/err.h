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

/* What went wrong, in the terms of CONTRACT §3. NONE is the zero value. */
enum nsr_err_kind {
	NSR_E_NONE = 0,
	NSR_E_USAGE,       /* bad command line                       -> 125 */
	NSR_E_DENIED,      /* not authorised                          -> 125 */
	NSR_E_POLICY,      /* policy missing, untrusted or invalid    -> 125 */
	NSR_E_BUSY,        /* box already running, quota reached      -> 125 */
	NSR_E_SETUP,       /* a setup step failed                     -> 125 */
	NSR_E_EXEC_NOENT,  /* command not found in the box            -> 127 */
	NSR_E_EXEC,        /* command found but not executable        -> 126 */
};

#define NSR_ERR_MSG_MAX 480

struct nsr_err {
	int kind;     /* enum nsr_err_kind */
	int errnum;   /* errno, or 0 */
	char msg[NSR_ERR_MSG_MAX];
};

/* Fill *err (when err is not NULL) and return -1. */
int nsr_err_set(struct nsr_err *err, int kind, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Put "context: " in front of the message already in *err; returns -1. */
int nsr_err_prefix(struct nsr_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "msg" or "msg: strerror(errnum)", into buf. */
const char *nsr_err_text(const struct nsr_err *err, char *buf, size_t bufsz);

/* CONTRACT §3 exit status for a failed start. */
int nsr_err_exit_status(const struct nsr_err *err);

#endif
