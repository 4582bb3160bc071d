// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * [limits] cgroup = nested (nsrun.policy(5), doc/cgroups.md): the box's
 * leaf goes under the cgroup its caller runs in (a Slurm step's), so the
 * scheduler's limits, accounting and device rules keep applying above
 * nsrun's own. The caller's cgroups come from /proc/self/cgroup as read
 * once at start (caller.c), before the supervisor moves anywhere. Parsing
 * trusts nothing (a cgroup name can hold a newline, so a line can be
 * forged: every hierarchy must appear once); the directory is then walked
 * from the mount without following symlinks, and it and every directory
 * above it must be root-owned and closed to group and others, with a
 * root-owned cgroup.procs: a cgroup its caller cannot write or delegate.
 * Runs as root in the supervisor; creates only the leaf.
 */
#include "config.h"

#include "internal.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char *const cg_origin_ctrl[CG_V1_N] = {
	[CG_V1_PIDS] = "pids",	     [CG_V1_MEMORY] = "memory",	  [CG_V1_CPU] = "cpu",
	[CG_V1_FREEZER] = "freezer", [CG_V1_DEVICES] = "devices",
};

static bool cg_origin_path_ok(const char *p, size_t len)
{
	if (len == 0 || p[0] != '/' || len >= CG_PATH_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c <= 0x20 || c >= 0x7f)
			return false;
		if (c == '/' && i + 1 < len &&
		    (p[i + 1] == '/' || (p[i + 1] == '.' && (i + 2 == len || p[i + 2] == '/')) ||
		     (p[i + 1] == '.' && p[i + 2] == '.' && (i + 3 == len || p[i + 3] == '/'))))
			return false;
	}
	return len == 1 || p[len - 1] != '/';
}

/* Is word one of the comma-separated names in list[0..len)? */
static bool cg_origin_has(const char *list, size_t len, const char *word)
{
	size_t wl = strlen(word);

	for (size_t i = 0; i < len;) {
		size_t n = strcspn(list + i, ",:");
		if (i + n > len)
			n = len - i;
		if (n == wl && strncmp(list + i, word, wl) == 0)
			return true;
		i += n + 1;
	}
	return false;
}

int cg_parse_origin(const char *text, struct cg_origin *o)
{
	bool seen_v2 = false;
	const char *line = text;

	memset(o, 0, sizeof(*o));
	while (*line != '\0') {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		const char *c1 = memchr(line, ':', len);
		const char *c2 = c1 ? memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - line)) : NULL;
		const char *path;
		size_t plen, clen;

		if (c1 == NULL || c2 == NULL || c1 == line ||
		    strspn(line, "0123456789") != (size_t)(c1 - line))
			goto bad;
		path = c2 + 1;
		plen = len - (size_t)(path - line);
		clen = (size_t)(c2 - c1 - 1);
		if (!cg_origin_path_ok(path, plen))
			goto bad;
		if (clen == 0) {
			if (seen_v2 || c1 - line != 1 || line[0] != '0')
				goto bad;
			seen_v2 = true;
			memcpy(o->v2, path, plen);
			o->v2[plen] = '\0';
		} else {
			for (int c = 0; c < CG_V1_N; c++) {
				if (!cg_origin_has(c1 + 1, clen, cg_origin_ctrl[c]))
					continue;
				if (o->v1[c][0] != '\0')
					goto bad; /* twice: a forged line */
				memcpy(o->v1[c], path, plen);
				o->v1[c][plen] = '\0';
			}
		}
		line += len + (nl ? 1 : 0);
	}
	return 0;
bad:
	memset(o, 0, sizeof(*o));
	errno = EINVAL;
	return -1;
}

int cg_origin_open(int mnt_dfd, const char *path, struct nsr_err *err)
{
	nsr_cleanup_fd int dfd = fcntl(mnt_dfd, F_DUPFD_CLOEXEC, 3);
	char buf[CG_PATH_MAX];
	char *save = NULL, *comp;
	struct stat st;

	if (dfd < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "dup");
	if (nsr_fmt(buf, sizeof(buf), "%s", path) < 0)
		return nsr_err_set(err, NSR_E_SETUP, ENAMETOOLONG, "cgroup path");
	for (comp = strtok_r(buf, "/", &save); comp != NULL; comp = strtok_r(NULL, "/", &save)) {
		int next = nsr_root_dir(dfd, comp, 0755, 0, NULL, err);
		if (next < 0)
			return nsr_err_prefix(err, "the caller's cgroup %s", path);
		close(dfd);
		dfd = next;
	}
	/* Delegation (v2) chowns cgroup.procs to the delegatee: refuse it. */
	if (fstatat(dfd, "cgroup.procs", &st, AT_SYMLINK_NOFOLLOW) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "the caller's cgroup %s", path);
	if (st.st_uid != 0 || (st.st_mode & 022))
		return nsr_err_set(err, NSR_E_SETUP, 0,
				   "the caller's cgroup %s is "
				   "delegated (cgroup.procs not root's): cannot nest in it",
				   path);
	return nsr_steal_fd(&dfd);
}
