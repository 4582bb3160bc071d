/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one way every Check program here runs its suite: output as the
 * environment says (meson sets CK_TAP_LOG_FILE_NAME=- and CK_VERBOSITY=
 * silent, so stdout is TAP alone), and exit 0 only when every test passed.
 */
#ifndef NSR_CK_RUN_H
#define NSR_CK_RUN_H

#include <check.h>
#include <stdlib.h>

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

#endif
