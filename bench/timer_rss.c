// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Peak resident memory of a running command's processes: start it, wait
 * rss_ms, walk its process tree through /proc/PID/task/TID/children and
 * read VmHWM from each /proc/PID/status. The top process is the
 * supervisor; processes named like the payload are left out of the tree
 * sum. Runs as root (reads setuid processes' status); trusts /proc.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timer.h"

#define RSS_MAX_PROCS 64

struct rss_proc {
	pid_t pid;
	char name[32];
	long hwm_kib;
};

static void rss_status(struct rss_proc *p)
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)p->pid);
	p->hwm_kib = -1;
	p->name[0] = '\0';
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "Name:", 5) == 0)
			sscanf(line + 5, " %31s", p->name);
		else if (strncmp(line, "VmHWM:", 6) == 0)
			p->hwm_kib = strtol(line + 6, NULL, 10);
	}
	fclose(f);
}

/* Append pid's children (of every thread) to procs, breadth first. */
static int rss_children(pid_t pid, struct rss_proc *procs, int n)
{
	char path[64];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return n;
	while ((de = readdir(d)) && n < RSS_MAX_PROCS) {
		char cpath[300];
		FILE *f;
		int child;

		if (de->d_name[0] == '.')
			continue;
		snprintf(cpath, sizeof(cpath), "/proc/%d/task/%s/children", (int)pid, de->d_name);
		f = fopen(cpath, "re");
		if (!f)
			continue;
		while (n < RSS_MAX_PROCS && fscanf(f, "%d", &child) == 1)
			procs[n++].pid = (pid_t)child;
		fclose(f);
	}
	closedir(d);
	return n;
}

void timer_rss(const struct timer_cmd *cmd, const struct timer_opts *o)
{
	struct rss_proc procs[RSS_MAX_PROCS];
	struct timespec ts = { .tv_sec = o->rss_ms / 1000,
			       .tv_nsec = (long)(o->rss_ms % 1000) * 1000000L };
	long tree = 0;
	int n = 1, i, rc;

	procs[0].pid = timer_spawn(cmd, 0, o->errfd);
	nanosleep(&ts, NULL);
	for (i = 0; i < n; i++)
		n = rss_children(procs[i].pid, procs, n);
	for (i = 0; i < n; i++) {
		rss_status(&procs[i]);
		if (procs[i].hwm_kib > 0 && strcmp(procs[i].name, o->payload) != 0)
			tree += procs[i].hwm_kib;
	}
	rc = timer_wait(procs[0].pid);
	printf("%s\t%ld\t%ld\t%d\t", cmd->label, procs[0].hwm_kib, tree, rc);
	for (i = 0; i < n; i++)
		printf("%s%s:%ld", i ? "," : "", procs[i].name, procs[i].hwm_kib);
	printf("\n");
}
