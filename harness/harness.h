/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nsrun-harness: shared types. The harness runs as root, starts boxes
 * through the real nsrun as an unprivileged user, and compares what the
 * probe reports inside with what it sees on the host. A target is one
 * policy and box name; a check is one isolation property of a target.
 */
#ifndef NSR_HARNESS_H
#define NSR_HARNESS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "policy.h"

#define HX_MAX_GROUPS 256
#define HX_MAX_IFACES 16
#define HX_DIAG_MAX 4096
#define HX_DERIVED_MAX (64 * 1024)
#define HX_PROBE_DIR ".nsrun-harness-probe" /* below the policy dir */
#define HX_PROBE_TARGET "/.nsrun-probe"	    /* inside the box */

/* The unprivileged user boxes are started as (--as). */
struct hx_user {
	char name[64];
	uid_t uid;
	gid_t gid;
	gid_t groups[HX_MAX_GROUPS];
	size_t n_groups;
	char home[POLICY_STR_MAX];
};

/* What a target's boxes must show; from the policy, then the suite. */
struct hx_expect {
	char hostname[POLICY_STR_MAX];
	enum policy_netmode net;
	char ifaces[HX_MAX_IFACES][POLICY_IFNAME_MAX];
	size_t n_ifaces;
	bool has_ifaces; /* explicit list (suite), else from net */
	enum policy_writable writable;
	bool has_pids, has_memory, has_swap, has_cpu, has_nofile;
	uint64_t pids, memory, swap, nofile;
	uint32_t cpu_milli; /* 1.5 CPUs = 1500 */
	char rootfs[POLICY_STR_MAX];
	/* The environment the box must have beyond PATH, HOME, USER, TERM and
	 * container: the policy's env, expanded ("NAME=value"). */
	char env[POLICY_MAX_ENV][POLICY_STR_MAX];
	size_t n_env;
};

struct hx_config {
	char nsrun[PATH_MAX];
	char probe[PATH_MAX];
	char policydir[PATH_MAX];
	char statedir[PATH_MAX]; /* nsrun's, from --version ("" if not said) */
	char datadir[PATH_MAX];	 /* where persistent uppers live ("" likewise) */
	char marker[PATH_MAX];	 /* a host file no box may reach */
	char hostname[256];	 /* the host's, when the run began */
	struct hx_user as;
	int timeout_s;
	char *probe_image; /* the probe binary, copied into each run */
	size_t probe_len;
};

/* One POLICY:BOX with its derived policy text and expectations. */
struct hx_target {
	char policy[POLICY_NAME_MAX + 1];
	char box[POLICY_BOX_MAX + 1];
	char label[POLICY_NAME_MAX + POLICY_BOX_MAX + 2];
	struct policy *pol; /* the admin's policy as parsed */
	char *derived;	    /* the test policy text, NUL-terminated */
	struct hx_expect exp;
	uint64_t checks; /* HX_BIT(i): hx_checks[i] selected */
};

enum hx_status {
	HX_FAIL = 0, /* the zero value fails closed */
	HX_PASS,
	HX_SKIP,
};

struct hx_result {
	enum hx_status status;
	char diag[HX_DIAG_MAX]; /* why it failed, or the skip reason */
};

struct facts;

/* What a check gets: the run configuration, its target, and a token
 * unique to this harness run (file, key and process names use it). */
struct hx_ctx {
	const struct hx_config *cfg;
	const struct hx_target *t;
	char token[32];
	struct facts *facts; /* one shared `facts` run, made on demand */
	bool facts_tried;
};

/* Append one line of diagnostics; sets status to FAIL unless SKIP/PASS
 * is set later. Returns -1 so checks can `return hx_fail(...)`. */
int hx_fail(struct hx_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int hx_skip(struct hx_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void hx_note(struct hx_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* One check: its name (TAP, --only, suites), what a pass proves, what
 * makes it fail (both printed by --list-checks), and its function. Each
 * check file defines one of these; checks/registry.c lists them in the
 * order they run. */
struct hx_check {
	const char *name;
	const char *proves;
	const char *fails;
	int (*run)(struct hx_ctx *ctx, struct hx_result *res);
};

#define HX_MAX_CHECKS 64
#define HX_BIT(i) (UINT64_C(1) << (i))

extern const struct hx_check *const hx_checks[];
extern const size_t hx_n_checks;
/* Every check selected. */
uint64_t hx_all_checks(void);

/* The shared `facts` run of a target (made once): NULL, with the reason
 * in res, when the box did not run to the end. */
const struct facts *hx_facts(struct hx_ctx *ctx, struct hx_result *res);
void hx_ctx_free(struct hx_ctx *ctx);

/* Index of a check by name, or -1. */
int hx_check_find(const char *name);
/* "a,b,c" into a bit mask; -1 with err on an unknown name. */
int hx_check_mask(const char *list, uint64_t *mask, struct nsr_err *err);

#endif
