// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The device nodes of a box (dev.h, nsrun.policy(5) [devices]). Walks the
 * host's /dev by fd: every directory on the way root-owned and closed to
 * group and others, nothing followed, a glob only over the entries of one
 * directory. Every match is judged by its type and numbers, not its name
 * alone: a denied number under another name is refused too. Root in the
 * supervisor; reads /dev, mountinfo and sysfs, changes nothing.
 */
#include "config.h"

#include "dev.h"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "util.h"

bool dev_wanted(const struct policy_devices *pd)
{
	return pd->present || pd->n_allow > 0 || pd->gpus != POLICY_GPUS_NONE;
}

int dev_open_root(const char *path, int *fd, struct nsr_err *err)
{
	char why[200];

	*fd = -1;
	if (trust_open_dir(path, fd, why, sizeof(why)) < 0)
		return nsr_err_set(err, NSR_E_SETUP, 0, "%s: %s", path, why);
	return 0;
}

bool dev_probe_cgroup(int dev_dfd, const char *rel, void *arg)
{
	(void)arg;
	return faccessat(dev_dfd, rel, R_OK | W_OK, AT_EACCESS | AT_SYMLINK_NOFOLLOW) == 0;
}

/* Mounted file systems' "major:minor" (mountinfo's third field). */
static bool dev_in_mountinfo(uint32_t major, uint32_t minor)
{
	nsr_cleanup_free char *buf = malloc(1 << 20);
	char want[32];
	ssize_t n;
	char *line, *save = NULL;

	if (buf == NULL)
		return true; /* cannot tell: treat as mounted */
	n = nsr_read_file(AT_FDCWD, "/proc/self/mountinfo", buf, 1 << 20);
	if (n < 0)
		return true;
	snprintf(want, sizeof(want), "%u:%u", major, minor);
	for (line = strtok_r(buf, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		char *f = line;
		int i;

		for (i = 0; i < 2 && f != NULL; i++) {
			f = strchr(f, ' ');
			f = f != NULL ? f + 1 : NULL;
		}
		if (f != NULL && strncmp(f, want, strlen(want)) == 0 && f[strlen(want)] == ' ')
			return true;
	}
	return false;
}

bool dev_block_mounted(uint32_t major, uint32_t minor, void *arg)
{
	char path[64];
	nsr_cleanup_fd int dfd = -1;
	DIR *d;
	struct dirent *e;
	bool found;

	(void)arg;
	if (dev_in_mountinfo(major, minor))
		return true;
	/* A whole disk: each partition is a subdirectory with a "partition"
	 * file and a "dev" file holding its numbers. */
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u", major, minor);
	dfd = nsr_openat(AT_FDCWD, path, O_RDONLY | O_DIRECTORY, 0);
	if (dfd < 0)
		return false;
	d = fdopendir(nsr_steal_fd(&dfd));
	if (d == NULL)
		return true;
	found = false;
	while (!found && (e = readdir(d)) != NULL) {
		char sub[300], num[32];
		unsigned ma, mi;

		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/partition", e->d_name);
		if (faccessat(dirfd(d), sub, F_OK, 0) != 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/dev", e->d_name);
		if (nsr_read_file(dirfd(d), sub, num, sizeof(num)) > 0 &&
		    sscanf(num, "%u:%u", &ma, &mi) == 2 && dev_in_mountinfo(ma, mi))
			found = true;
	}
	closedir(d);
	return found;
}

/* Open the directory part of rel ("dri" of "dri/renderD*"; "" for /dev
 * itself) below the root, checking each step. -2 when it does not exist
 * (or is not a directory); -1 with err set when it may not be trusted. */
static int dev_open_dir(int root, const char *dir, const char *shown, struct nsr_err *err)
{
	nsr_cleanup_fd int cur = fcntl(root, F_DUPFD_CLOEXEC, 3);
	char buf[DEV_REL_MAX];
	char *comp, *save = NULL;

	if (cur < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "dup");
	snprintf(buf, sizeof(buf), "%s", dir);
	for (comp = strtok_r(buf, "/", &save); comp != NULL; comp = strtok_r(NULL, "/", &save)) {
		nsr_cleanup_fd int next = nsr_openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW, 0);
		char why[160];

		if (next < 0) {
			if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)
				return -2;
			return nsr_err_set(err, NSR_E_SETUP, errno, "%s: cannot open /dev/%s",
					   shown, dir);
		}
		if (trust_check_fd(next, true, why, sizeof(why)) < 0)
			return nsr_err_set(err, NSR_E_SETUP, 0, "%s: /dev/%s %s", shown, dir, why);
		close(cur);
		cur = nsr_steal_fd(&next);
	}
	return nsr_steal_fd(&cur);
}

enum dev_verdict {
	DEV_SKIP = 0,
	DEV_TAKE,
	DEV_FAIL
};

/* Judge one directory entry. literal: named by the policy itself (then a
 * non-device or a block device without allow_block is an error, where a
 * glob just passes over it). */
static enum dev_verdict dev_judge(const struct dev_host *h, const struct policy_devices *pd,
				  int dfd, const char *name, const char *rel, const char *shown,
				  bool literal, struct dev_node *node, struct nsr_err *err)
{
	struct stat st;
	const char *why;
	char type;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		nsr_err_set(err, NSR_E_SETUP, errno, "%s: cannot stat /dev/%s", shown, rel);
		return DEV_FAIL;
	}
	if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode)) {
		if (!literal)
			return DEV_SKIP;
		nsr_err_set(err, NSR_E_SETUP, 0, "%s: /dev/%s is not a device node", shown, rel);
		return DEV_FAIL;
	}
	if (!literal && policy_dev_minimal(rel))
		return DEV_SKIP; /* every box has it already */
	type = S_ISCHR(st.st_mode) ? 'c' : 'b';
	if (type == 'b' && !pd->allow_block) {
		if (!literal)
			return DEV_SKIP;
		nsr_err_set(err, NSR_E_SETUP, 0,
			    "%s: /dev/%s is a block device "
			    "(the policy does not set allow_block = yes)",
			    shown, rel);
		return DEV_FAIL;
	}
	why = policy_dev_denied(rel, type, major(st.st_rdev), minor(st.st_rdev));
	if (why != NULL) {
		nsr_err_set(err, NSR_E_SETUP, 0, "%s: /dev/%s (%c %u:%u) can never be allowed (%s)",
			    shown, rel, type, major(st.st_rdev), minor(st.st_rdev), why);
		return DEV_FAIL;
	}
	if (type == 'b' && h->mounted(major(st.st_rdev), minor(st.st_rdev), h->arg)) {
		nsr_err_set(err, NSR_E_SETUP, 0,
			    "%s: /dev/%s (b %u:%u) holds a file system "
			    "mounted on this host",
			    shown, rel, major(st.st_rdev), minor(st.st_rdev));
		return DEV_FAIL;
	}
	memset(node, 0, sizeof(*node));
	snprintf(node->rel, sizeof(node->rel), "%s", rel);
	node->type = type;
	node->major = major(st.st_rdev);
	node->minor = minor(st.st_rdev);
	node->mode = st.st_mode & 07777 & ~(mode_t)(S_ISUID | S_ISGID | S_ISVTX);
	node->uid = st.st_uid;
	node->gid = st.st_gid;
	return DEV_TAKE;
}

static int dev_add(struct dev_set *out, const struct dev_node *node, const char *shown,
		   struct nsr_err *err)
{
	size_t i;

	for (i = 0; i < out->n; i++)
		if (strcmp(out->nodes[i].rel, node->rel) == 0)
			return 0; /* named twice (a glob and a literal) */
	if (out->n >= DEV_MAX_NODES)
		return nsr_err_set(err, NSR_E_SETUP, 0, "%s: more than %d device nodes", shown,
				   DEV_MAX_NODES);
	out->nodes[out->n++] = *node;
	return 0;
}

/* Match one pattern (rel below /dev, glob in its last component only).
 * *found: how many nodes it gave. filter (may be NULL) is asked about
 * each match by its rel; false skips it. */
static int dev_match(const struct dev_host *h, const struct policy_devices *pd, const char *pat,
		     bool glob, const char *shown,
		     bool (*filter)(const struct dev_host *, const char *), struct dev_set *out,
		     size_t *found, struct nsr_err *err)
{
	const char *slash = strrchr(pat, '/');
	const char *last = slash != NULL ? slash + 1 : pat;
	char dir[DEV_REL_MAX] = "";
	nsr_cleanup_fd int dfd = -1;
	struct dev_node node;
	DIR *d = NULL;
	struct dirent *e;
	int rc = 0;

	*found = 0;
	if (slash != NULL)
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - pat), pat);
	dfd = dev_open_dir(h->dev_dfd, dir, shown, err);
	if (dfd < 0)
		return dfd == -2 ? 0 : -1;
	if (!glob) {
		struct stat st;

		if (fstatat(dfd, last, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return errno == ENOENT ? 0 :
						 nsr_err_set(err, NSR_E_SETUP, errno,
							     "%s: cannot stat /dev/%s", shown, pat);
		if (filter != NULL && !filter(h, pat))
			return 0;
		switch (dev_judge(h, pd, dfd, last, pat, shown, true, &node, err)) {
		case DEV_TAKE:
			*found = 1;
			return dev_add(out, &node, shown, err);
		case DEV_SKIP:
			return 0;
		default:
			return -1;
		}
	}
	{
		nsr_cleanup_fd int rd = nsr_openat(dfd, ".", O_RDONLY | O_DIRECTORY, 0);

		if (rd < 0 || (d = fdopendir(rd)) == NULL)
			return nsr_err_set(err, NSR_E_SETUP, errno, "%s: cannot list /dev/%s",
					   shown, dir);
		rd = -1; /* NOLINT(clang-analyzer-deadcode.DeadStores): the DIR owns it now; keeps the cleanup from closing it */
	}
	while (rc == 0 && (e = readdir(d)) != NULL) {
		char rel[DEV_REL_MAX];

		if (fnmatch(last, e->d_name, FNM_PERIOD) != 0)
			continue;
		if (nsr_fmt(rel, sizeof(rel), "%s%s%s", dir, dir[0] ? "/" : "", e->d_name) < 0)
			continue;
		if (filter != NULL && !filter(h, rel))
			continue;
		switch (dev_judge(h, pd, dirfd(d), e->d_name, rel, shown, false, &node, err)) {
		case DEV_TAKE:
			(*found)++;
			rc = dev_add(out, &node, shown, err);
			break;
		case DEV_SKIP:
			break;
		default:
			rc = -1;
		}
	}
	closedir(d);
	return rc;
}

static void dev_warn(struct dev_set *out, const char *what, const char *why)
{
	if (out->n_warn < DEV_MAX_WARN)
		snprintf(out->warn[out->n_warn++], sizeof(out->warn[0]), "%s: %s", what, why);
}

/* ---- gpus = ---- */

/* "nvidia" followed by digits only: a GPU, not nvidiactl or nvidia-uvm. */
static bool dev_is_nvidia_gpu(const char *rel)
{
	return strncmp(rel, "nvidia", 6) == 0 && rel[6] != '\0' &&
	       rel[6 + strspn(rel + 6, "0123456789")] == '\0';
}

static bool dev_gpu_allowed(const struct dev_host *h, const char *rel)
{
	return h->probe(h->dev_dfd, rel, h->arg);
}

static int dev_gpus(const struct dev_host *h, const struct policy_devices *pd, struct dev_set *out,
		    struct nsr_err *err)
{
	/* The GPUs themselves, then what a GPU needs beside it. */
	static const char *const gpu_pats[] = { "nvidia[0-9]*", "dri/renderD*" };
	static const char *const ctl_pats[] = {
		"nvidiactl",
		"nvidia-uvm",
		"nvidia-uvm-tools",
		"nvidia-modeset",
		"nvidia-caps/nvidia-cap*",
	};
	const char *shown = pd->gpus == POLICY_GPUS_ALL ? "gpus = all" : "gpus = scheduler";
	bool sched = pd->gpus == POLICY_GPUS_SCHEDULER;
	size_t i, found, gpus = 0, before = out->n;

	for (i = 0; i < NSR_ARRAY_SIZE(gpu_pats); i++) {
		size_t k, start = out->n;

		if (dev_match(h, pd, gpu_pats[i], true, shown, sched ? dev_gpu_allowed : NULL, out,
			      &found, err) < 0)
			return -1;
		/* nvidia[0-9]* also matches "nvidia0x": keep digits only. */
		for (k = start; k < out->n;) {
			if (i == 0 && !dev_is_nvidia_gpu(out->nodes[k].rel)) {
				out->nodes[k] = out->nodes[--out->n];
				continue;
			}
			k++;
		}
		gpus += out->n - start;
	}
	if (gpus == 0) {
		out->n = before;
		if (!sched)
			return nsr_err_set(err, NSR_E_SETUP, 0,
					   "gpus = all: this host has no GPU "
					   "(no /dev/nvidia[0-9]*, no /dev/dri/renderD*)");
		dev_warn(out, shown, "the caller's cgroup allows no GPU; the box gets none");
		return 0;
	}
	for (i = 0; i < NSR_ARRAY_SIZE(ctl_pats); i++)
		if (dev_match(h, pd, ctl_pats[i], strchr(ctl_pats[i], '*') != NULL, shown,
			      sched ? dev_gpu_allowed : NULL, out, &found, err) < 0)
			return -1;
	return 0;
}

int dev_select(const struct dev_host *h, const struct policy_devices *pd, struct dev_set *out,
	       struct nsr_err *err)
{
	size_t i, found;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < pd->n_allow; i++) {
		const struct policy_dev_allow *a = &pd->allow[i];
		char shown[POLICY_DEV_PATH_MAX + 8];

		snprintf(shown, sizeof(shown), "%s", a->path);
		if (dev_match(h, pd, a->path + 5, a->glob, shown, NULL, out, &found, err) < 0)
			return -1;
		if (found > 0)
			continue;
		if (!a->optional)
			return nsr_err_set(err, NSR_E_SETUP, 0, "%s: %s on this host", a->path,
					   a->glob ? "matches no device" : "no such device");
		dev_warn(out, a->path, "not on this host (optional, skipped)");
	}
	if (pd->gpus != POLICY_GPUS_NONE && dev_gpus(h, pd, out, err) < 0)
		return -1;
	return 0;
}
