/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Distrust what the caller handed us: environment, fds, umask, signals,
 * cwd, rlimits. Runs first thing in main, as the setuid process. */
#ifndef NSR_SANITIZE_H
#define NSR_SANITIZE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "err.h"

#define SANITIZE_NLIMITS RLIM_NLIMITS

/* The caller's environment, kept (bounded) for the policy's pass_env
 * before it is cleared. Nothing reads it but plan_build(). */
#define SANITIZE_ENV_MAX 512	       /* variables looked at */
#define SANITIZE_ENV_ARENA (64 * 1024) /* bytes kept in all */
#define SANITIZE_ENV_NAME_MAX 128
#define SANITIZE_ENV_VALUE_MAX 4096

enum sanitize_var_state {
	SANITIZE_VAR_OK = 0,   /* arena holds "NAME=VALUE" */
	SANITIZE_VAR_CONTROL,  /* control character in name or value: arena holds the name */
	SANITIZE_VAR_TOO_LONG, /* name or value over the cap: arena holds the name */
};
struct sanitize_var {
	unsigned off; /* into arena */
	enum sanitize_var_state state;
};
struct sanitize_env {
	struct sanitize_var vars[SANITIZE_ENV_MAX];
	size_t n;
	size_t skipped; /* not kept: past SANITIZE_ENV_MAX or the arena */
	char arena[SANITIZE_ENV_ARENA];
	size_t used;
};

struct nsr_inherited {
	char term[64];			      /* validated TERM, or "" */
	struct rlimit rlim[SANITIZE_NLIMITS]; /* the caller's, for the payload */
	bool rlim_saved[SANITIZE_NLIMITS];
	struct rlimit self_nofile; /* what nsrun itself runs with */
	mode_t umask;		   /* the caller's, for the payload */
	char cwd[4096];		   /* the caller's, for --check only */
	int status_fd;		   /* --status-fd, kept open, or -1 */
	struct sanitize_env env;   /* the caller's, for pass_env only */
};

/* Make the process state ours. keep_fd (>= 3, or -1): the caller's
 * --status-fd, the one inherited fd kept (close-on-exec). Never fails half-way silently: returns -1
 * with an error when the state cannot be made safe. */
int sanitize_process(struct nsr_inherited *inh, int keep_fd, struct nsr_err *err);

/* Reset signal dispositions to default and unblock everything. */
void sanitize_signals(void);

/* Put the caller's rlimits back (in the payload, before exec). */
void sanitize_restore_rlimits(const struct nsr_inherited *inh);
/* What the payload starts with: the caller's rlimits and umask; the
 * policy's nofile (0: none) is a ceiling under the caller's hard limit. */
int sanitize_payload_limits(const struct nsr_inherited *inh, uint64_t nofile, struct nsr_err *err);

/* Keep one "NAME=VALUE" entry of the caller's environment in *env (bounded,
 * checked: see enum sanitize_var_state). Pure; for sanitize_process and
 * tests. */
void sanitize_env_keep(struct sanitize_env *env, const char *entry);
/* The name of var i ("NAME" of "NAME=VALUE"), copied into out. */
void sanitize_env_name(const struct sanitize_env *env, size_t i, char *out, size_t outsz);

/* TERM values we pass on: [A-Za-z0-9._+-]{1,63}. Pure. */
bool sanitize_term_ok(const char *term);

#endif
