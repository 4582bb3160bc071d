/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Suite files (--suite FILE.ini, read with inih): a [harness] section with
 * run-wide settings and one [run LABEL] section per policy and box, which
 * names its checks and may override what the policy implies.
 */
#ifndef NSR_SUITE_H
#define NSR_SUITE_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "harness.h"

#define SUITE_MAX_RUNS 32
#define SUITE_LABEL_MAX 64

struct suite_run {
	char label[SUITE_LABEL_MAX];
	char policy[POLICY_NAME_MAX + 1];
	char box[POLICY_BOX_MAX + 1];
	uint64_t checks; /* selected checks (HX_BIT); all by default */
	bool has_hostname, has_net, has_ifaces, has_writable, has_pids, has_memory;
	char hostname[POLICY_STR_MAX];
	enum policy_netmode net;
	char ifaces[HX_MAX_IFACES][POLICY_IFNAME_MAX];
	size_t n_ifaces;
	enum policy_writable writable;
	uint64_t pids, memory;
};

struct suite {
	char nsrun[PATH_MAX]; /* "" = not set */
	char as[64];
	char probe[PATH_MAX];
	int timeout_s; /* 0 = not set */
	struct suite_run runs[SUITE_MAX_RUNS];
	size_t n_runs;
};

/* Parse suite text; on error err says "LINE: message". */
int suite_parse_string(const char *text, struct suite *s, struct nsr_err *err);
int suite_parse_file(const char *path, struct suite *s, struct nsr_err *err);

/* Apply a run's explicit expectations on top of derived ones. */
void suite_apply(const struct suite_run *run, struct hx_expect *exp);

#endif
