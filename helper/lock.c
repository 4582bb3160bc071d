// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Box locks: STATEDIR/locks/<uid>-<box>.lock, flock(LOCK_EX|LOCK_NB) held by
 * the supervisor. Root creates everything here; names are built only from
 * a numeric uid and a validated box name. The file is unlinked while still
 * locked; a starter that locked an already-unlinked file notices (the path
 * no longer names its inode) and tries again, so unlink never lets two
 * boxes of one name run at once.
 */
#include "lock.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "plan.h"
#include "rootdir.h"
#include "util.h"

/* The caller's own lock files other than `self`: those nobody holds (a
 * supervisor killed with -9) are removed, flock held across the unlink
 * as the protocol above wants; only files older than a few seconds, so a
 * start of the caller's between its open and its flock is never touched.
 * Returns how many are in use. Never waits: LOCK_NB, and only the
 * caller's own files. */
static size_t lock_sweep_own(int dfd, uid_t uid, const char *self)
{
	char prefix[24];
	size_t plen, in_use = 0;
	struct timespec now;
	struct dirent *de;
	int rfd = nsr_openat(dfd, ".", O_RDONLY | O_DIRECTORY, 0);
	DIR *d = rfd < 0 ? NULL : fdopendir(rfd);

	if (d == NULL) {
		if (rfd >= 0)
			close(rfd);
		return 0;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	plen = (size_t)snprintf(prefix, sizeof(prefix), "%u-", (unsigned)uid);
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		struct stat st;

		if (n < plen + 6 || strncmp(de->d_name, prefix, plen) != 0 ||
		    strcmp(de->d_name + n - 5, ".lock") != 0 || strcmp(de->d_name, self) == 0)
			continue;
		nsr_cleanup_fd int fd = nsr_openat(dfd, de->d_name, O_RDWR | O_NOFOLLOW | O_NOCTTY,
						   0);
		if (fd < 0 || fstat(fd, &st) < 0)
			continue;
		if (st.st_ctim.tv_sec + 3 > now.tv_sec || flock(fd, LOCK_EX | LOCK_NB) < 0) {
			in_use++;
			continue;
		}
		unlinkat(dfd, de->d_name, 0);
	}
	closedir(d);
	return in_use;
}

/* LOCK_EX | LOCK_NB, tried again for up to LOCK_PROBE_MS: the box's
 * supervisor holds its lock for the box's life, but a gc's probe
 * (lock_box_held_at) or sweep (lock_sweep_own) holds it for a moment,
 * and a start must not be told its box runs because of that. Waits only
 * when refused, and briefly. */
#define LOCK_PROBE_MS 20
static int lock_try_ex(int fd)
{
	for (int ms = 0;; ms++) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK || ms >= LOCK_PROBE_MS)
			return -1;
		nanosleep(&(struct timespec){ 0, 1000000L }, NULL);
	}
}

int lock_box(const char *statedir, uid_t uid, const char *box, struct lock_held *lk,
	     struct nsr_err *err)
{
	nsr_cleanup_fd int dfd = -1;
	char name[128];
	int tries;

	lk->fd = -1;
	if (nsr_state_dir(statedir, "locks", 0755, NSR_DIR_CREATE | NSR_DIR_PATH, &dfd, err) < 0)
		return -1;
	if (nsr_fmt(name, sizeof(name), "%u-%s.lock", (unsigned)uid, box) < 0 ||
	    nsr_fmt(lk->path, sizeof(lk->path), "%s/locks/%s", statedir, name) < 0)
		return nsr_err_set(err, NSR_E_SETUP, 0, "lock name too long");
	if (lock_sweep_own(dfd, uid, name) >= LOCK_MAX_PER_USER)
		return nsr_err_set(err, NSR_E_BUSY, 0,
				   "too many of your boxes are running (at most %d)",
				   LOCK_MAX_PER_USER);

	for (tries = 0; tries < 16; tries++) {
		struct stat a, b;
		nsr_cleanup_fd int fd = nsr_openat(dfd, name,
						   O_RDWR | O_CREAT | O_NOFOLLOW | O_NOCTTY, 0600);

		if (fd < 0)
			return nsr_err_set(err, NSR_E_SETUP, errno, "cannot open lock %s", lk->path);
		if (lock_try_ex(fd) < 0) {
			int e = errno;
			if (e == EWOULDBLOCK)
				return nsr_err_set(err, NSR_E_BUSY, 0, "box is already running");
			/* Nobody holds it (we could not even try): do not leave it. */
			unlinkat(dfd, name, 0);
			return nsr_err_set(err, NSR_E_SETUP, e, "cannot lock %s", lk->path);
		}
		if (fstat(fd, &a) < 0)
			return nsr_err_set(err, NSR_E_SETUP, errno, "cannot stat lock");
		if (fstatat(dfd, name, &b, AT_SYMLINK_NOFOLLOW) == 0 && a.st_ino == b.st_ino &&
		    a.st_dev == b.st_dev) {
			/* Left by an older nsrun with the caller's group:
			 * root:root now (rootdir.h). */
			if (nsr_root_fix_group(dfd, fd, &a) < 0)
				return nsr_err_set(err, NSR_E_SETUP, errno, "lock %s is not root's",
						   lk->path);
			lk->fd = nsr_steal_fd(&fd);
			return 0;
		}
		/* We locked a file that its previous holder just removed. */
	}
	return nsr_err_set(err, NSR_E_SETUP, 0, "cannot settle the lock %s", lk->path);
}

bool lock_box_exists(const char *statedir, uid_t uid, const char *box)
{
	nsr_cleanup_fd int dfd = -1;
	char name[128];
	struct stat st;

	if (nsr_state_dir(statedir, "locks", 0755, NSR_DIR_PATH, &dfd, NULL) < 0 ||
	    nsr_fmt(name, sizeof(name), "%u-%s.lock", (unsigned)uid, box) < 0)
		return false;
	return fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
}

bool lock_box_held_at(int locks_dfd, uid_t uid, const char *box)
{
	char name[128];

	if (locks_dfd < 0 || nsr_fmt(name, sizeof(name), "%u-%s.lock", (unsigned)uid, box) < 0)
		return false;
	nsr_cleanup_fd int fd = nsr_openat(locks_dfd, name,
					   O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK, 0);
	return fd >= 0 && flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
}

int lock_upper(const char *datadir, uid_t uid, const char *box, const char *policy, int *fd,
	       struct nsr_err *err)
{
	const int f = NSR_DIR_CREATE | NSR_DIR_PATH | NSR_DIR_FIX_GROUP;
	nsr_cleanup_fd int data = -1, user = -1, bfd = -1, pol = -1;
	char uidname[16], polname[POLICY_NAME_MAX + 16];

	*fd = -1;
	snprintf(uidname, sizeof(uidname), "%u", (unsigned)uid);
	if (nsr_fmt(polname, sizeof(polname), PLAN_UPPER_POLICY_FMT, policy) < 0)
		return nsr_err_set(err, NSR_E_SETUP, ENAMETOOLONG, "policy name");
	if (nsr_state_dir(datadir, NULL, 0, f, &data, err) < 0)
		return nsr_err_prefix(err, "persistent data for %s", box);
	user = nsr_root_dir(data, uidname, 0700, f, NULL, err);
	bfd = user < 0 ? -1 : nsr_root_dir(user, box, 0700, f, NULL, err);
	/* flock needs a real fd: this one is O_RDONLY, not O_PATH. */
	pol = bfd < 0 ? -1 : nsr_root_dir(bfd, polname, 0700, f & ~NSR_DIR_PATH, NULL, err);
	if (pol < 0)
		return nsr_err_prefix(err, "persistent data for %s", box);
	if (flock(pol, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			return nsr_err_set(err, NSR_E_BUSY, 0,
					   "the persistent data of box %s (policy %s) is in use "
					   "by another box",
					   box, policy);
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot lock the persistent data of %s",
				   box);
	}
	*fd = nsr_steal_fd(&pol);
	return 0;
}

void lock_release(struct lock_held *lk)
{
	if (lk->fd < 0)
		return;
	unlink(lk->path);
	close(lk->fd);
	lk->fd = -1;
}

int lock_gc(const char *statedir)
{
	nsr_cleanup_fd int dfd = -1;
	nsr_cleanup_dir DIR *d = NULL;
	struct dirent *de;
	int removed = 0;

	if (nsr_state_dir(statedir, "locks", 0755, NSR_DIR_CREATE | NSR_DIR_PATH, &dfd, NULL) < 0)
		return 0;
	d = nsr_opendir_at(dfd, ".");
	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		if (n < 6 || strcmp(de->d_name + n - 5, ".lock") != 0)
			continue;
		nsr_cleanup_fd int fd = nsr_openat(dfd, de->d_name, O_RDWR | O_NOFOLLOW | O_NOCTTY,
						   0);
		if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0)
			continue;
		if (unlinkat(dfd, de->d_name, 0) == 0)
			removed++;
	}
	return removed;
}
