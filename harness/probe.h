/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nsrun-probe: the static program the harness runs inside a box. It reports
 * facts as `key=value` lines on stdout and never trusts or changes anything
 * outside its own box. It runs with whatever the box gives it (no privilege
 * expected) and calls no NSS function: every id is printed as a number.
 */
#ifndef NSR_PROBE_H
#define NSR_PROBE_H

#include <stdbool.h>

/* Options shared by the modes; all optional. */
struct probe_opts {
	const char *marker;	/* host path that must be unreachable */
	long victim;		/* host pid that must be invisible, 0 = none */
	long ipc_key;		/* host SysV key that must be invisible */
	long ipc_create;	/* key the probe creates (and removes later) */
	const char *write_name; /* file to create on the rootfs */
	const char *seek_name;	/* file a previous box may have left */
	const char *home;	/* the user's home, also tried for writes */
	bool cgroup_scan;	/* look for writable cgroup files */
};

/* One `key=value` line, written at once (stdout is a pipe to the harness). */
void probe_out(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Every fact the `facts` mode prints (probe_facts.c). */
void probe_facts(const struct probe_opts *o);
/* The mountinfo lines under `key`. */
void probe_mounts(const char *key);
/* SysV IPC keys visible in /proc/sysvipc, under prefix (e.g. "ipc"). */
void probe_ipc_list(const char *prefix);

/* The devices mode (probe_dev.c): argv after the mode. */
int probe_devices(int argc, char **argv);

/* Block until a line arrives on stdin (or timeout_s passes); 0 on a line. */
int probe_wait_go(int timeout_s);

#endif
