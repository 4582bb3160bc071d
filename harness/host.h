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
size_t host_mount_diff(const char *before, const char *now, const char *under, char *out,
		       size_t outsz);
/* Interfaces of the host's network namespace, space-separated. */
int host_ifaces(char *buf, size_t sz);
/* Host processes whose cmdline holds token; their pids into out. */
size_t host_procs_with(const char *token, char *out, size_t outsz);
/* Children and grandchildren of pid (host pids), up to max. */
size_t host_descendants(pid_t pid, pid_t *out, size_t max);

/* A process named comm among the descendants of pid that lives in another
 * mount namespace than the harness (the probe inside a box started by the
 * nsrun at pid): its host pid, or -1. */
pid_t host_box_pid(pid_t pid, const char *comm);
/* The host's directory of pid's cgroup for a controller ("cpu", "memory"):
 * the v1 hierarchy holding the controller, else the cgroup2 mount (*v2 set).
 * -1 when pid has no cgroup for it that the host has mounted. */
int host_cgroup_dir(pid_t pid, const char *controller, char *out, size_t sz, bool *v2);

#endif
