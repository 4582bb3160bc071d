/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the harness sees on the host side: its own namespaces, mountinfo,
 * interfaces, hostname, and the host process table. Read-only helpers;
 * run as root, but they only read /proc.
 */
#ifndef NSR_HOST_H
#define NSR_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* readlink /proc/self/ns/NAME into buf ("net:[4026531840]"). */
int host_ns(const char *name, char *buf, size_t sz);
/* The whole of /proc/self/mountinfo (malloc'd, NUL-terminated) or NULL. */
char *host_mountinfo(void);
/* Lines of `now` that are not in `before` and whose mount point (field 5)
 * starts with `under` (NULL: any); each appended to out. Returns count. */
size_t host_mount_diff(const char *before, const char *now, const char *under,
		       char *out, size_t outsz);
/* Interfaces of the host's network namespace, space-separated. */
int host_ifaces(char *buf, size_t sz);
/* Host processes whose cmdline holds token; their pids into out. */
size_t host_procs_with(const char *token, char *out, size_t outsz);
/* Children and grandchildren of pid (host pids), up to max. */
size_t host_descendants(pid_t pid, pid_t *out, size_t max);

#endif
