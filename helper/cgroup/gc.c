// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Garbage collection of leaves whose box is gone (nsrun killed with -9,
 * host crash during a start). Runs as root at each start and for
 * `nsrun --gc`. Trusts nothing in the names it finds: only names that
 * parse as "<uid>-<box>-<suffix>" under nsrun's own parents are touched.
 */
#include "config.h"

#include "internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

#define CG_GC_MAX 1024

/* Is the process that created the leaf (the box's supervisor, whose pid
 * is in the suffix) gone? A leaf without that pid counts as gone. */
static bool cg_gc_creator_gone(const char *leaf)
{
	pid_t pid;

	if (cg_leaf_owner_pid(leaf, &pid) < 0)
		return true;
	return kill(pid, 0) < 0 && errno == ESRCH;
}

static bool cg_gc_empty(int parent, const char *leaf)
{
	nsr_cleanup_fd int dfd = nsr_root_dir(parent, leaf, 0755, 0, NULL, NULL);

	return dfd >= 0 && cg_fs_count_procs(dfd) == 0;
}

/* 1 when the leaf has no owner (then *lock_fd may hold its lock), 0 when
 * it must stay:
 * - lock missing or free: orphan, unless its creator still lives (a start
 *   between cg_create and its lock, or another nsrun installation whose
 *   state dir, and so lock dir, is not ours);
 * - lock held (a box of that name runs now): keep, unless the creator is
 *   gone and the leaf empty: the leftover of an earlier run of that box.
 * Lock files are never created here. */
static int cg_gc_orphan(int lock_dfd, int parent, const char *leaf, int *lock_fd)
{
	nsr_cleanup_fd int fd = -1;
	char box[NSR_BOX_NAME_MAX + 1], name[128];
	bool gone = cg_gc_creator_gone(leaf);
	struct stat st;
	uid_t uid;

	*lock_fd = -1;
	if (cg_leaf_parse(leaf, &uid, box, sizeof(box)) < 0)
		return 0;
	if (nsr_fmt(name, sizeof(name), "%u-%s.lock", (unsigned)uid, box) < 0)
		return 0;
	if (lock_dfd < 0)
		return gone;
	fd = nsr_openat(lock_dfd, name, O_RDWR | O_NOFOLLOW | O_NOCTTY, 0);
	if (fd < 0)
		return errno == ENOENT && gone;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
		if (!gone)
			return 0;
		*lock_fd = nsr_steal_fd(&fd);
		return 1;
	}
	return gone && cg_gc_empty(parent, leaf);
}

/* Names of the directories in parent that parse as leaves. */
static int cg_gc_list(int parent, char (*names)[128], int max)
{
	nsr_cleanup_dir DIR *d = nsr_opendir_at(parent, ".");
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while (n < max && (de = readdir(d)) != NULL) {
		char box[NSR_BOX_NAME_MAX + 1];
		uid_t uid;
		if (de->d_type != DT_DIR || cg_leaf_parse(de->d_name, &uid, box, sizeof(box)) < 0 ||
		    nsr_fmt(names[n], sizeof(names[n]), "%s", de->d_name) < 0)
			continue;
		n++;
	}
	return n;
}

int cg_gc(enum cg_mode mode, const char *lock_dir, struct nsr_err *err)
{
	return cg_gc_match(mode, lock_dir, NULL, err);
}

int cg_gc_match(enum cg_mode mode, const char *lock_dir, const char *prefix, struct nsr_err *err)
{
	nsr_cleanup_free char(*names)[128] = NULL;
	nsr_cleanup_fd int lock_dfd = -1;
	int parents[CG_V1_N];
	int removed = 0, failed = 0;

	for (int p = 0; p < CG_V1_N; p++)
		parents[p] = -1;
	if (mode == CG_MODE_NONE)
		return 0;
	if (lock_dir == NULL)
		return nsr_err_set(err, NSR_E_SETUP, EINVAL, "gc: no lock dir");
	if (cg_open_parents(mode, parents, err) < 0)
		return -1;
	lock_dfd = nsr_openat(AT_FDCWD, lock_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0);
	if (lock_dfd < 0 && errno != ENOENT)
		failed = nsr_err_set(err, NSR_E_SETUP, errno, "gc: open %s", lock_dir);
	names = calloc(CG_GC_MAX, sizeof(*names));
	for (int p = 0; names != NULL && failed == 0 && p < CG_V1_N; p++) {
		int n = parents[p] < 0 ? 0 : cg_gc_list(parents[p], names, CG_GC_MAX);
		for (int i = 0; i < n; i++) {
			nsr_cleanup_fd int lock_fd = -1;
			struct cg_box *cg = NULL;
			if ((prefix && strncmp(names[i], prefix, strlen(prefix)) != 0) ||
			    cg_gc_orphan(lock_dfd, parents[p], names[i], &lock_fd) != 1)
				continue;
			/* Every hierarchy's leaf of that name goes at once;
			 * later hierarchies then no longer list it. */
			if (cg_attach(mode, parents, names[i], &cg, err) < 0 ||
			    cg_destroy(&cg, err) < 0)
				failed = -1;
			else
				removed++;
		}
	}
	for (int p = 0; p < CG_V1_N; p++)
		if (parents[p] >= 0)
			close(parents[p]);
	if (names == NULL)
		return nsr_err_set(err, NSR_E_SETUP, ENOMEM, "gc");
	return failed < 0 ? -1 : removed;
}
