/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Audit log: every start, refusal and end to syslog (LOG_AUTHPRIV). */
#ifndef NSR_LOG_H
#define NSR_LOG_H

#include <sys/types.h>

void log_open(void);
/* Free-form audit line; caller-supplied strings are escaped. */
void log_audit(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Render argv escaped and bounded, for the log. */
void log_render_argv(char *const *argv, size_t argc, char *out, size_t outsz);

#endif
