/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --status-fd FD: JSON lines about a box's life (nsrun(1)). */
#ifndef NSR_STATUS_H
#define NSR_STATUS_H

#include <stdbool.h>
#include <stddef.h>

#include "state.h"

struct status_end {
	int exit_code;	    /* the payload's exit code, or -1 */
	int signal;	    /* the signal that killed it, or 0 */
	bool oom;	    /* the memory limit killed something */
	bool runtime_limit; /* the runtime limit ended the box */
	bool stopped;	    /* nsrun --stop ended the box */
	int status;	    /* nsrun's own exit status */
	double wall_seconds;
};

/* s as a JSON string (quotes included) into out; -1 if it does not fit. */
int status_json_str(char *out, size_t sz, const char *s);
/* Dotted quad of a host-order address, or "" for 0. */
void status_addr(uint32_t addr, char *out, size_t sz);

/* One line each; fd < 0 does nothing. Write errors are ignored: the
 * reader may be gone, the box goes on. */
void status_running(int fd, const struct box_record *rec);
void status_ended(int fd, const struct box_record *rec, const struct status_end *e);

#endif
