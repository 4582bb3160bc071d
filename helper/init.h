/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PID 1 of the box: starts the payload, forwards signals, reaps, exits
 * with the payload's status. Runs with no privilege at all. */
#ifndef NSR_INIT_H
#define NSR_INIT_H

#include <signal.h>

#include "plan.h"

/* The signals passed on to the payload (INT, TERM, HUP, QUIT, USR1, USR2,
 * WINCH) plus SIGCHLD: what the supervisor and init each block and wait
 * for with sigwaitinfo. */
void init_signal_set(sigset_t *set);

/* Never returns. err_fd: CLOEXEC pipe to the supervisor, for exec errors. */
/* shell: the user's shell in the box, the command when plan->default_shell. */
__attribute__((noreturn)) void init_run(const struct nsr_plan *plan, char *shell, int err_fd);

/* Exec plan->argv, or shell when plan->default_shell (a name without '/'
 * is looked up in the plan's PATH); on failure write a struct nsr_err to
 * err_fd and _exit 127 or 126. Used by init's payload and by a joined
 * command (join.c). */
__attribute__((noreturn)) void init_exec(const struct nsr_plan *plan, char *shell, int err_fd);

#endif
