/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Getting a run ready: the --as user from the user database, nsrun's
 * policy dir from `nsrun --version`, the probe image, the host marker,
 * and each target's policy, derived policy and expectations.
 */
#ifndef NSR_SETUP_H
#define NSR_SETUP_H

#include "harness.h"
#include "suite.h"

int setup_user(const char *name, struct hx_user *u, struct nsr_err *err);
/* Ask `nsrun --version` (run as the --as user) for its policy, state and
 * data dirs (state and data stay "" when it does not say). */
int setup_policydir(struct hx_config *cfg, struct nsr_err *err);
int setup_probe(struct hx_config *cfg, struct nsr_err *err);
/* A host file in a fresh root-owned directory; setup_cleanup removes it. */
int setup_marker(struct hx_config *cfg, struct nsr_err *err);
void setup_cleanup(struct hx_config *cfg);
/* Load POLICY (trusted, from the policy dir), derive its test policy and
 * expectations; run (may be NULL) adds a suite's overrides. */
int setup_target(const struct hx_config *cfg, const char *policy, const char *box,
		 const struct suite_run *run, struct hx_target *t, struct nsr_err *err);
void setup_target_free(struct hx_target *t);

#endif
