/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one way every Check program here runs its suite: output as the
 * environment says (meson sets CK_TAP_LOG_FILE_NAME=- and CK_VERBOSITY=
 * silent, so stdout is TAP alone), and exit 0 only when every test passed.
 */
#ifndef NSR_CK_RUN_H
#define NSR_CK_RUN_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* fork: CK_FORK_GETENV (CK_FORK from the environment, Check's default
 * is to fork) or CK_FORK to insist on a child per test. */
static inline int nsr_ck_run(Suite *s, enum fork_status fork)
{
	SRunner *sr = srunner_create(s);
	int failed;

	if (fork != CK_FORK_GETENV)
		srunner_set_fork_status(sr, fork);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* A suite that cannot run here: skipped (TAP "1..0 # SKIP why", exit 0),
 * or failed when NSRUN_MUST_WORK=1 (CI, scripts/test, /work-style test
 * installs), where every test must really run. Returns the exit status. */
static inline int nsr_ck_cannot_run(const char *name, const char *why)
{
	const char *must = getenv("NSRUN_MUST_WORK");

	if (must != NULL && strcmp(must, "1") == 0) {
		printf("1..1\nnot ok 1 - %s cannot run: %s (NSRUN_MUST_WORK=1)\n", name, why);
		return EXIT_FAILURE;
	}
	printf("1..0 # SKIP %s\n", why);
	return EXIT_SUCCESS;
}

#endif
