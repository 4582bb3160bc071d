// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The supervisor out of the caller's reach: before it takes a lock that
 * other users' starts wait on, it leaves every cgroup the caller controls
 * (any hierarchy, v1 freezer and cpu included, and cgroup2, whose
 * cgroup.freeze works without controllers) for the hierarchy's root,
 * which only root can freeze or throttle. The caller's own cgroups are
 * recorded first: the box child goes back into them
 * where nsrun gives it no leaf of its own, so the caller's limits still
 * hold for the box (a nested leaf uses the caller's cgroup that caller.c
 * read at the start, not this record). Reads the kernel's
 * /proc/self/{cgroup,mountinfo}; root in the supervisor and the box child.
 */
#include "config.h"

#include "cgroup.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "util.h"

#define LEAVE_MAX 24 /* hierarchies */
#define LEAVE_PATH 1024
#define LEAVE_CTRL 128

/* The lines of /proc/self/cgroup we use, packed into text as "ctrl\0path\0"
 * each: at most LEAVE_MAX of at most LEAVE_CTRL + LEAVE_PATH bytes, so text
 * never fills. Static, not on the stack: a start touches only the page or
 * two it fills, not a 28 KiB frame probed page by page on each call, at a
 * new depth each time (13 page faults a bridged start, doc/performance.md). */
struct hiers {
	size_t n;
	const char *ctrl[LEAVE_MAX]; /* "freezer", "cpu,cpuacct", "name=systemd", "" (v2) */
	const char *path[LEAVE_MAX]; /* cgroup path in it, "/..." */
	char text[LEAVE_MAX * (LEAVE_CTRL + LEAVE_PATH)];
};

/* The caller's cgroups (the first read), and every later read: nsrun is
 * single-threaded and no caller of read_cgroups() holds one across another. */
static struct hiers caller_h, scratch;
static bool recorded;
static bool moved; /* left at least one of the caller's cgroups */

static void read_cgroups(struct hiers *h)
{
	char line[LEAVE_PATH + 256];
	size_t used = 0;
	FILE *f = fopen("/proc/self/cgroup", "re");

	h->n = 0;
	if (f == NULL)
		return;
	while (h->n < LEAVE_MAX && fgets(line, sizeof(line), f) != NULL) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		size_t len, clen;

		if (c2 == NULL)
			continue;
		len = strcspn(c2 + 1, "\n");
		clen = (size_t)(c2 - c1 - 1);
		if (clen >= LEAVE_CTRL || len >= LEAVE_PATH || c2[1] != '/')
			continue;
		h->ctrl[h->n] = memcpy(h->text + used, c1 + 1, clen);
		used += clen;
		h->text[used++] = '\0';
		h->path[h->n] = memcpy(h->text + used, c2 + 1, len);
		used += len;
		h->text[used++] = '\0';
		h->n++;
	}
	fclose(f);
}

/* Every controller of ctrl ("cpu,cpuacct") among the super options? */
static bool opts_match(const char *ctrl, const char *opts)
{
	char want[128];
	char *save = NULL;

	snprintf(want, sizeof(want), "%s", ctrl);
	for (char *w = strtok_r(want, ",", &save); w != NULL; w = strtok_r(NULL, ",", &save)) {
		size_t wl = strlen(w);
		const char *p = opts;
		bool found = false;
		while (*p && !found) {
			size_t l = strcspn(p, ",\n");
			found = l == wl && strncmp(p, w, wl) == 0;
			p += l + (p[l] == ',');
			if (p[-1] == '\n')
				break;
		}
		if (!found)
			return false;
	}
	return true;
}

/* Mount point of the hierarchy of ctrl ("" = cgroup2), whose root is "/".
 * From the mountinfo read once per process (cg_mountinfo), not again for
 * each hierarchy and each call; a line too long for us is skipped. */
static bool mount_of(const char *ctrl, char *mnt, size_t sz)
{
	const char *mi = cg_mountinfo(), *next;
	char line[4096];
	bool found = false;

	for (const char *l = mi; l != NULL && *l != '\0' && !found; l = next) {
		const char *nl = strchr(l, '\n');
		size_t n = nl != NULL ? (size_t)(nl - l) : strlen(l);
		char root[LEAVE_PATH], mp[LEAVE_PATH], type[32], src[256], opts[1024];
		const char *sep;

		next = l + n + (nl != NULL);
		if (n >= sizeof(line))
			continue;
		memcpy(line, l, n);
		line[n] = '\0';
		sep = strstr(line, " - ");
		if (sep == NULL || sscanf(line, "%*s %*s %*s %1023s %1023s", root, mp) != 2 ||
		    sscanf(sep + 3, "%31s %255s %1023s", type, src, opts) != 3 ||
		    strcmp(root, "/") != 0 || strchr(mp, '\\') != NULL)
			continue;
		if (ctrl[0] == '\0' ? strcmp(type, "cgroup2") == 0 :
				      strcmp(type, "cgroup") == 0 && opts_match(ctrl, opts))
			found = nsr_fmt(mnt, sz, "%s", mp) == 0;
	}
	return found;
}

/* Could anyone but root freeze, throttle or move what is in mnt/path? Any
 * directory from the cgroup up to the hierarchy's root that is not
 * root's, or is group/other-writable, or whose files that stop a process
 * are: the caller may control it (delegation chowns these). */
static bool caller_controls(const char *mnt, const char *path)
{
	static const char *const files[] = { "cgroup.procs", "freezer.state", "cgroup.freeze",
					     "cpu.cfs_quota_us", "cpu.max" };
	char p[LEAVE_PATH];

	if (nsr_fmt(p, sizeof(p), "%s", path) < 0)
		return true;
	while (strcmp(p, "/") != 0 && p[0] == '/') {
		char dir[2 * LEAVE_PATH];
		struct stat st;
		nsr_cleanup_fd int dfd = -1;

		if (nsr_fmt(dir, sizeof(dir), "%s%s", mnt, p) < 0)
			return true;
		dfd = nsr_openat(AT_FDCWD, dir, O_PATH | O_DIRECTORY | O_NOFOLLOW, 0);
		if (dfd < 0)
			return true;
		if (fstat(dfd, &st) < 0 || st.st_uid != 0 || (st.st_mode & 022) != 0)
			return true;
		for (size_t i = 0; i < NSR_ARRAY_SIZE(files); i++)
			if (fstatat(dfd, files[i], &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    (st.st_uid != 0 || (st.st_mode & 022) != 0))
				return true;
		*strrchr(p, '/') = '\0';
		if (p[0] == '\0')
			break;
	}
	return false;
}

static int move_self(const char *mnt, const char *to, struct nsr_err *err)
{
	char path[2 * LEAVE_PATH];
	char pid[24];

	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (nsr_fmt(path, sizeof(path), "%s%s%scgroup.procs", mnt, to,
		    to[strlen(to) - 1] == '/' ? "" : "/") < 0)
		return nsr_err_set(err, NSR_E_SETUP, ENAMETOOLONG, "cgroup path");
	nsr_cleanup_fd int fd = nsr_openat(AT_FDCWD, path, O_WRONLY | O_NOFOLLOW, 0);
	if (fd < 0 || write(fd, pid, strlen(pid)) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot move into %s%s", mnt, to);
	return 0;
}

int cg_leave_caller(struct nsr_err *err)
{
	struct hiers *now = recorded ? &scratch : &caller_h;

	read_cgroups(now);
	recorded = true;
	for (size_t i = 0; i < now->n; i++) {
		char mnt[LEAVE_PATH];

		if (strcmp(now->path[i], "/") == 0)
			continue;
		/* Not mounted here (a named hierarchy nobody mounted): nobody
		 * can reach its files to freeze us through it either. */
		if (!mount_of(now->ctrl[i], mnt, sizeof(mnt)) || !caller_controls(mnt, now->path[i]))
			continue;
		if (move_self(mnt, "/", err) < 0)
			return nsr_err_prefix(err, "leaving the caller's cgroups");
		moved = true;
	}
	return 0;
}

static int return_moved(struct nsr_err *err)
{
	struct hiers *now = &scratch;

	read_cgroups(now);
	for (size_t i = 0; i < now->n && recorded; i++) {
		char mnt[LEAVE_PATH];
		size_t j;

		/* Only where the supervisor's move left us at the root: a box
		 * leaf (or the caller's own root) stays as it is. */
		if (strcmp(now->path[i], "/") != 0)
			continue;
		for (j = 0; j < caller_h.n; j++)
			if (strcmp(caller_h.ctrl[j], now->ctrl[i]) == 0)
				break;
		if (j == caller_h.n || strcmp(caller_h.path[j], "/") == 0 ||
		    !mount_of(now->ctrl[i], mnt, sizeof(mnt)))
			continue;
		if (move_self(mnt, caller_h.path[j], err) < 0)
			return nsr_err_prefix(err, "returning to the caller's cgroups");
	}
	return 0;
}

int cg_return_to_caller(struct nsr_err *err)
{
	/* Nothing was left (the caller controls none of its cgroups): the
	 * child is where the caller was, or in its own leaf already. */
	return moved ? return_moved(err) : 0;
}
