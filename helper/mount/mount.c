// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The box's view of the file system. In the box's new mount namespace, as
 * root, before the privilege drop: propagation private first, then the
 * rootfs (read-only bind, or overlay with a tmpfs or per-user persistent
 * upper) on a staging tmpfs under the root-owned state dir, fresh /proc,
 * read-only /sys, a minimal /dev, /tmp, the policy's binds and tmpfs mounts,
 * generated /etc files, pivot_root, old root detached. Every target inside
 * the root is resolved with RESOLVE_IN_ROOT and mounted by fd (util.c);
 * every mount is nosuid and nodev except /dev itself (a read-only tmpfs
 * holding the six nodes, made with mknod; fs.c).
 */
#include "mount.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rootdir.h"
#include "internal.h"
#include "fs.h"
#include "util.h"

static bool exists_in(int image_fd, const char *path)
{
	int fd = mnt_open_in(image_fd, path, O_PATH, MNT_RESOLVE_IN);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* Does the image have every mount point we need? If not, the root gets an
 * overlay (made read-only again for writable = no) so they can be made
 * without touching the image. */
static bool image_has_all(int image_fd, const struct mnt_input *in)
{
	const struct nsr_plan *p = in->plan;
	static const char *const fixed[] = { "/proc",	    "/sys",	  "/dev",
					     "/etc/passwd", "/etc/group", "/etc/hostname",
					     "/etc/hosts" };
	size_t i;

	for (i = 0; i < NSR_ARRAY_SIZE(fixed); i++)
		if (!exists_in(image_fd, fixed[i]))
			return false;
	if (mnt_need_resolv(p) && !exists_in(image_fd, "/etc/resolv.conf"))
		return false;
	if (!p->policy_maps_tmp && !exists_in(image_fd, "/tmp"))
		return false;
	for (i = 0; i < p->n_mounts; i++)
		if (!exists_in(image_fd, p->mounts[i].target))
			return false;
	return true;
}

/* Persistent upper: DATADIR/<uid>/<box>/<policy>.policy/{upper,work},
 * created by root (the supervisor made them and holds the lock on the
 * policy's dir for the box's life: lock_upper()). */
static int persistent_dirs(const struct mnt_input *in, char *upper, char *work, size_t sz,
			   struct nsr_err *err)
{
	const struct nsr_plan *p = in->plan;
	/* upper_fd and work_fd only prove the directories exist as root made
	 * them; the cleanup attribute closes them. */
	nsr_cleanup_fd int data = -1, user = -1, box = -1, pol = -1, upper_fd = -1, work_fd = -1;
	char uid[16], polname[POLICY_NAME_MAX + 16];

	const int f = NSR_DIR_CREATE | NSR_DIR_PATH | NSR_DIR_FIX_GROUP;

	if (nsr_state_dir(in->datadir, NULL, 0, f, &data, err) < 0)
		return -1;
	snprintf(uid, sizeof(uid), "%u", (unsigned)p->id.uid);
	snprintf(polname, sizeof(polname), PLAN_UPPER_POLICY_FMT, p->policy);
	user = nsr_root_dir(data, uid, 0700, f, NULL, err);
	box = user < 0 ? -1 : nsr_root_dir(user, p->box, 0700, f, NULL, err);
	pol = box < 0 ? -1 : nsr_root_dir(box, polname, 0700, f, NULL, err);
	upper_fd = pol < 0 ? -1 : nsr_root_dir(pol, "upper", 0755, f, NULL, err);
	work_fd = upper_fd < 0 ? -1 : nsr_root_dir(pol, "work", 0700, f, NULL, err);
	if (work_fd < 0)
		return nsr_err_prefix(err, "persistent data for %s", p->box);
	if (nsr_fmt(upper, sz, "%s/upper", p->upper_base) < 0 ||
	    nsr_fmt(work, sz, "%s/work", p->upper_base) < 0)
		return nsr_err_set(err, NSR_E_SETUP, ENAMETOOLONG, "persistent data path");
	return 0;
}

static bool overlay_safe(const char *s)
{
	return strpbrk(s, ",:\\") == NULL;
}

/* Put the root on stage/root: a read-only bind, or an overlay. */
static int mount_root(const struct mnt_input *in, int image_fd, int stage, const char *stage_path,
		      bool overlay, struct nsr_err *err)
{
	const struct nsr_plan *p = in->plan;
	char opts[2048], upper[600], work[600], root[600];

	if (!overlay) {
		nsr_cleanup_fd int tree = -1, target = -1;
		if (mnt_clone(image_fd, "", false, &tree, "rootfs", err) < 0 ||
		    mnt_setattr(tree, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, 0,
				false, "rootfs", err) < 0)
			return -1;
		target = nsr_openat(stage, "root", O_PATH | O_DIRECTORY | O_NOFOLLOW, 0);
		if (target < 0)
			return nsr_err_set(err, NSR_E_SETUP, errno, "staging root");
		return mnt_attach(tree, target, "rootfs", err);
	}
	if (p->writable == POLICY_WRITABLE_PERSISTENT) {
		if (persistent_dirs(in, upper, work, sizeof(upper), err) < 0)
			return -1;
	} else if (nsr_fmt(upper, sizeof(upper), "%s/upper", stage_path) < 0 ||
		   nsr_fmt(work, sizeof(work), "%s/work", stage_path) < 0) {
		return nsr_err_set(err, NSR_E_SETUP, ENAMETOOLONG, "staging path");
	}
	if (nsr_fmt(root, sizeof(root), "%s/root", stage_path) < 0 ||
	    nsr_fmt(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s", p->rootfs, upper,
		    work) < 0)
		return nsr_err_set(err, NSR_E_SETUP, ENAMETOOLONG, "overlay options");
	if (!overlay_safe(p->rootfs) || !overlay_safe(upper))
		return nsr_err_set(err, NSR_E_SETUP, 0,
				   "rootfs path has a character overlayfs cannot take (, : \\)");
	/* All three paths are in root-owned trees no user can change (the
	 * image passed the trust walk; upper/work are nsrun's own dirs). */
	if (mount("overlay", root, "overlay", MS_NOSUID | MS_NODEV, opts) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot mount overlay on %s", p->rootfs);
	return 0;
}

/* A writable root gets the user a home of their own when the image has
 * none (and the policy binds none): made in the overlay, owned by the user,
 * and only where its parent exists in the image; never Debian's "no home"
 * /nonexistent (a home that is not there stays not there: the command
 * starts in /). */
static int user_home(const struct nsr_plan *p, int root_fd, struct nsr_err *err)
{
	const char *home = p->id.home;
	nsr_cleanup_fd int fd = mnt_open_in(root_fd, home, O_PATH, MNT_RESOLVE_IN);
	const char *slash = strrchr(home, '/');
	char parent[sizeof(p->id.home)];

	if (fd >= 0 || errno != ENOENT || strcmp(home, "/") == 0 || slash == NULL ||
	    strcmp(home, "/nonexistent") == 0 || strncmp(home, "/nonexistent/", 13) == 0)
		return 0;
	snprintf(parent, sizeof(parent), "%.*s", (int)(slash - home), home);
	nsr_cleanup_fd int pfd = mnt_open_in(root_fd, parent[0] ? parent : "/",
					     O_PATH | O_DIRECTORY, MNT_RESOLVE_IN);
	if (pfd < 0)
		return 0;
	if (mnt_ensure(root_fd, home, true, &fd, err) < 0)
		return nsr_err_prefix(err, "home directory");
	if (fchownat(fd, "", p->id.uid, p->id.gid, AT_EMPTY_PATH) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot give %s its home", p->id.user);
	return 0;
}

static int pivot(int root_fd, struct nsr_err *err)
{
	if (fchdir(root_fd) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot enter the new root");
	/* pivot_root(".", "."): the old root ends up stacked on the new one
	 * and is detached right away; nothing of the host stays reachable. */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot detach the old root");
	if (chdir("/") < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "chdir /");
	return 0;
}

int mnt_setup(const struct mnt_input *in, struct nsr_err *err)
{
	const struct nsr_plan *p = in->plan;
	nsr_cleanup_fd int image = -1, stage_dir = -1, stage = -1, root = -1;
	char why[160], stage_path[600];
	bool overlay;

	/* Before anything else: nothing we mount may propagate to the host,
	 * and nothing the host mounts later may reach the box. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot make mounts private");

	if (trust_open_dir(p->rootfs, &image, why, sizeof(why)) < 0)
		return nsr_err_set(err, NSR_E_SETUP, 0, "rootfs %s is not trusted: %s", p->rootfs,
				   why);
	overlay = p->writable != POLICY_WRITABLE_NO || !image_has_all(image, in);

	/* The staging tmpfs holds a tmpfs overlay's upper: sized like every
	 * box tmpfs (internal.h). */
	struct mnt_tmpfs_size sz = { "", "" };
	mnt_tmpfs_size(p->limits.has_memory ? p->limits.memory : 0, &sz);
	const char *const stage_opts[] = { "mode",	"0700",	   "size", sz.size,
					   "nr_inodes", sz.inodes, NULL };
	if (nsr_state_dir(in->statedir, ".mnt", 0755, NSR_DIR_CREATE | NSR_DIR_PATH, &stage_dir,
			  err) < 0 ||
	    mnt_fs_new("tmpfs", stage_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, &stage, err) < 0 ||
	    mnt_attach(stage, stage_dir, "staging area", err) < 0)
		return -1;
	if (nsr_fmt(stage_path, sizeof(stage_path), "%s/.mnt", in->statedir) < 0)
		return nsr_err_set(err, NSR_E_SETUP, ENAMETOOLONG, "state dir");
	if (mkdirat(stage, "root", 0755) < 0 || mkdirat(stage, "gen", 0755) < 0 ||
	    mkdirat(stage, "upper", 0755) < 0 || mkdirat(stage, "work", 0700) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot prepare the staging area");

	if (mount_root(in, image, stage, stage_path, overlay, err) < 0)
		return -1;
	root = nsr_openat(stage, "root", O_PATH | O_DIRECTORY | O_NOFOLLOW, 0);
	if (root < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot open the new root");

	if (mnt_gen_etc(in, root, stage, err) < 0 || mnt_kernel_fs(p, root, err) < 0 ||
	    mnt_policy_mounts(in, root, err) < 0 || mnt_bind_etc(in, root, stage, err) < 0)
		return -1;
	if (p->writable != POLICY_WRITABLE_NO && user_home(p, root, err) < 0)
		return -1;
	if (overlay && p->writable == POLICY_WRITABLE_NO &&
	    mnt_setattr(root, MOUNT_ATTR_RDONLY, 0, false, "rootfs", err) < 0)
		return -1;
	return pivot(root, err);
}
