/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Command line (nsrun(1)): argv becomes an untrusted request. */
#ifndef NSR_ARGS_H
#define NSR_ARGS_H

#include <stdbool.h>

#include "err.h"
#include "plan.h"

enum args_mode {
	ARGS_MODE_NONE = 0,
	ARGS_MODE_START,
	ARGS_MODE_LIST,
	ARGS_MODE_CHECK,
	ARGS_MODE_VERSION,
	ARGS_MODE_HELP,
	ARGS_MODE_GC,
	ARGS_MODE_PS,
	ARGS_MODE_STOP,
	ARGS_MODE_JOIN,
	ARGS_MODE_LOGS,
};

#define ARGS_MAX_ARGV 4096
#define ARGS_MAX_ARG_LEN 65536
#define ARGS_MAX_CHECK 256

struct args_parsed {
	enum args_mode mode;
	struct nsr_request req; /* the untrusted request (box: start, stop, join, logs) */
	char *const *files;	/* --check FILE... */
	int n_files;
	int status_fd;	    /* --status-fd FD (3..1023), or -1 */
	bool json;	    /* --ps --json */
	bool follow;	    /* --logs --follow */
	const char *signal; /* --stop --signal SIG (checked by stop.c), or NULL */
	unsigned timeout;   /* --stop --timeout SEC, default 10 */
	const char *user;   /* --stop --user NAME|UID (root), or NULL */
};

#define ARGS_STATUS_FD_MAX 1023
#define ARGS_USER_MAX 32

/* Parse argv strictly. Names are validated here, before any file is
 * touched. Returns 0 or -1 with a NSR_E_USAGE error. */
int args_parse(int argc, char *const *argv, struct args_parsed *out, struct nsr_err *err);

#endif
