// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Mount primitives that work on file descriptors, never on re-resolved
 * paths: targets inside the box are opened with openat2(RESOLVE_IN_ROOT |
 * RESOLVE_NO_MAGICLINKS) relative to the new root, so a symlink in an image
 * (or in a user's persistent layer) can never send a mount to the host;
 * filesystems are created detached (fsopen/fsmount) and attached by fd
 * (move_mount), binds are cloned by fd (open_tree). Runs as root in the
 * box's private mount namespace only.
 */
#include "internal.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

int mnt_open_in(int root_fd, const char *path, int flags, uint64_t resolve)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.resolve = resolve,
	};
	const char *rel = path;
	int fd;

	while (*rel == '/')
		rel++;
	if (*rel == '\0')
		rel = ".";
	do
		fd = (int)syscall(SYS_openat2, root_fd, rel, &how, sizeof(how));
	while (fd < 0 && errno == EINTR);
	return fd;
}

int mnt_fs_new(const char *type, const char *const *opts, unsigned attrs, int *out,
	       struct nsr_err *err)
{
	nsr_cleanup_fd int fs = fsopen(type, FSOPEN_CLOEXEC);
	int m;

	if (fs < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot create %s", type);
	for (; opts && opts[0]; opts += 2) {
		int r = opts[1] ? fsconfig(fs, FSCONFIG_SET_STRING, opts[0], opts[1], 0) :
				  fsconfig(fs, FSCONFIG_SET_FLAG, opts[0], NULL, 0);
		if (r < 0)
			return nsr_err_set(err, NSR_E_SETUP, errno, "%s option %s", type, opts[0]);
	}
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot create %s", type);
	m = fsmount(fs, FSMOUNT_CLOEXEC, attrs);
	if (m < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot mount %s", type);
	*out = m;
	return 0;
}

int mnt_attach(int tree_fd, int target_fd, const char *what, struct nsr_err *err)
{
	/* Both ends are fds: the kernel mounts on the very object we
	 * resolved and checked, no path is looked up again. */
	if (move_mount(tree_fd, "", target_fd, "",
		       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot mount %s", what);
	return 0;
}

int mnt_setattr(int fd, unsigned set, unsigned clr, bool recursive, const char *what,
		struct nsr_err *err)
{
	struct mount_attr a = { .attr_set = set, .attr_clr = clr };

	if (mount_setattr(fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &a, sizeof(a)) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot set mount flags on %s", what);
	return 0;
}

int mnt_clone(int dfd, const char *path, bool recursive, int *out, const char *what,
	      struct nsr_err *err)
{
	unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0);
	int fd;

	if (path == NULL || path[0] == '\0')
		fd = open_tree(dfd, "", flags | AT_EMPTY_PATH);
	else
		fd = open_tree(dfd, path, flags | AT_SYMLINK_NOFOLLOW);
	if (fd < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot bind %s", what);
	*out = fd;
	return 0;
}

static int mnt_create_one(int root_fd, const char *prefix, bool dir, struct nsr_err *err)
{
	char parent[4096];
	const char *slash = strrchr(prefix, '/');
	size_t plen = (size_t)(slash - prefix);

	memcpy(parent, prefix, plen);
	parent[plen] = '\0';
	/* Mount points are only ever created on the root's own file system
	 * (the overlay), never inside a bind of a host directory. */
	nsr_cleanup_fd int pfd = mnt_open_in(root_fd, plen ? parent : "/", O_PATH | O_DIRECTORY,
					     MNT_RESOLVE_IN | RESOLVE_NO_XDEV);
	if (pfd < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot open %s in the box", prefix);
	if (dir) {
		if (mkdirat(pfd, slash + 1, 0755) < 0 && errno != EEXIST)
			return nsr_err_set(err, NSR_E_SETUP, errno, "cannot create %s in the box",
					   prefix);
		return 0;
	}
	int f = nsr_openat(pfd, slash + 1, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY, 0644);
	if (f < 0 && errno != EEXIST)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot create %s in the box", prefix);
	if (f >= 0)
		close(f);
	return 0;
}

int mnt_ensure(int root_fd, const char *path, bool want_dir, int *out, struct nsr_err *err)
{
	char prefix[4096];
	size_t len = strlen(path), i;

	if (len >= sizeof(prefix) || path[0] != '/' || len < 2)
		return nsr_err_set(err, NSR_E_SETUP, 0, "bad mount target %s", path);
	/* Walk the components; create what is missing, each one in a parent
	 * resolved inside the root. */
	for (i = 1; i <= len; i++) {
		bool last = i == len;
		int fd;

		if (!last && path[i] != '/')
			continue;
		memcpy(prefix, path, i);
		prefix[i] = '\0';
		fd = mnt_open_in(root_fd, prefix, O_PATH, MNT_RESOLVE_IN);
		if (fd < 0 && errno == ENOENT) {
			if (mnt_create_one(root_fd, prefix, !last || want_dir, err) < 0)
				return -1;
			fd = mnt_open_in(root_fd, prefix, O_PATH, MNT_RESOLVE_IN);
		}
		if (fd < 0)
			return nsr_err_set(err, NSR_E_SETUP, errno, "cannot open %s in the box",
					   prefix);
		if (last) {
			*out = fd;
			return 0;
		}
		close(fd);
	}
	return nsr_err_set(err, NSR_E_SETUP, ENOENT, "cannot open %s in the box", path);
}

void mnt_tmpfs_size(uint64_t memory_limit, struct mnt_tmpfs_size *out)
{
	uint64_t size = memory_limit ? memory_limit : MNT_TMPFS_DEFAULT;
	uint64_t inodes = size / 8192;

	if (size < 4096)
		size = 4096;
	if (inodes < 1024)
		inodes = 1024;
	snprintf(out->size, sizeof(out->size), "%llu", (unsigned long long)size);
	snprintf(out->inodes, sizeof(out->inodes), "%llu", (unsigned long long)inodes);
}
