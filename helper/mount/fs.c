// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What goes into the new root before pivot_root: kernel file systems, the
 * minimal /dev, the policy's mounts and the generated /etc files. Root in
 * the box's private mount namespace; targets resolved inside the new root
 * (util.c), sources either nsrun's own (host /dev nodes, the staging
 * tmpfs) or fds opened here with the user's own permissions (caps.c's
 * caps_user_fs_*), mounted and closed in mnt_policy_mounts().
 */
#include "fs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "etcfiles.h"
#include "internal.h"
#include "caps.h"
#include "util.h"

#define ETC_MAX (256 * 1024)
#define NOSUID_NODEV (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV)

bool mnt_need_resolv(const struct nsr_plan *p)
{
	return p->net.mode == POLICY_NET_BRIDGE && p->net.n_dns > 0;
}

/* Read a file of the image, at most ETC_MAX - 1 bytes, into a buffer of
 * its size (NUL-terminated; *len its length): no symlinks at all,
 * regular, bounded. The image is root's, but a persistent upper is the
 * user's: trust neither the type nor the size, which may change while we
 * read. Missing -> empty. Sized to the file rather than to ETC_MAX, the
 * buffer stays on the heap: no 256 KiB mmap and munmap in the box child
 * (doc/performance.md, "The end of a start"). NULL: errno says why. */
static char *read_image(int root_fd, const char *path, size_t *len)
{
	const size_t limit = ETC_MAX - 1;
	nsr_cleanup_fd int fd = mnt_open_in(root_fd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY,
					    MNT_RESOLVE_IN | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV);
	struct stat st;
	size_t room;
	ssize_t n, more = 0;
	char *buf;

	*len = 0;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return calloc(1, 1);
	/* One byte more than it has: a file that grew fills it, and is read
	 * on to the limit. */
	room = st.st_size >= 0 && (uintmax_t)st.st_size < limit ? (size_t)st.st_size + 1 : limit;
	buf = malloc(room + 1);
	if (buf == NULL)
		return NULL;
	n = nsr_read_full(fd, buf, room);
	if (n == (ssize_t)room && room < limit) {
		char *big = realloc(buf, limit + 1);
		if (big == NULL) {
			free(buf);
			return NULL;
		}
		buf = big;
		more = nsr_read_full(fd, buf + room, limit - room);
	}
	if (n < 0 || more < 0) {
		int e = errno;
		free(buf);
		errno = e;
		return NULL;
	}
	*len = (size_t)(n + more);
	buf[*len] = '\0';
	return buf;
}

static int gen_write(int stage_fd, const char *name, const char *text, long len, struct nsr_err *err)
{
	char path[64];
	nsr_cleanup_fd int fd = -1;

	if (len < 0)
		return nsr_err_set(err, NSR_E_SETUP, 0, "generated /etc/%s is too large", name);
	snprintf(path, sizeof(path), "gen/%s", name);
	fd = nsr_openat(stage_fd, path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0644);
	if (fd < 0 || nsr_write_all(fd, text, (size_t)len) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot write /etc/%s", name);
	return 0;
}

/* The caller's login shell where the image has it (an executable file,
 * looked up inside the root), else /bin/sh. */
static const char *login_shell(const struct nsr_plan *p, int root_fd)
{
	struct stat st;
	nsr_cleanup_fd int fd = -1;

	if (p->login_shell[0] == '\0' || strcmp(p->login_shell, "/bin/sh") == 0)
		return "/bin/sh";
	fd = mnt_open_in(root_fd, p->login_shell, O_PATH, MNT_RESOLVE_IN);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (st.st_mode & 0111) == 0)
		return "/bin/sh";
	return p->login_shell;
}

int mnt_gen_etc(const struct mnt_input *in, int root_fd, int stage_fd, struct nsr_err *err)
{
	const struct nsr_plan *p = in->plan;

	/* Room for the image's lines and ours: one group line per group of
	 * the user's (a name under 64 bytes, a gid, the user's name). */
	const size_t ours = 4096 + p->n_group_names * (64 + 12 + sizeof(p->id.user) + 8);
	nsr_cleanup_free char *img = NULL, *out = NULL;
	nsr_cleanup_free struct etc_group_entry *groups = calloc(p->n_group_names + 1,
								 sizeof(*groups));
	size_t len;
	long n;

	if (in->shell != NULL)
		snprintf(in->shell, POLICY_STR_MAX, "%s", login_shell(p, root_fd));
	if (groups == NULL)
		return nsr_err_set(err, NSR_E_SETUP, ENOMEM, "generating /etc files");
	img = read_image(root_fd, "/etc/passwd", &len);
	if (img == NULL)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot read the image's /etc/passwd");
	out = malloc(len + ours);
	if (out == NULL)
		return nsr_err_set(err, NSR_E_SETUP, ENOMEM, "generating /etc files");
	n = etc_passwd(img, p->id.user, p->id.uid, p->id.gid, p->id.home, login_shell(p, root_fd),
		       out, len + ours);
	if (gen_write(stage_fd, "passwd", out, n, err) < 0)
		return -1;
	free(img);
	free(out);
	out = NULL;
	img = read_image(root_fd, "/etc/group", &len);
	if (img == NULL)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot read the image's /etc/group");
	out = malloc(len + ours);
	if (out == NULL)
		return nsr_err_set(err, NSR_E_SETUP, ENOMEM, "generating /etc files");
	for (size_t i = 0; i < p->n_group_names; i++)
		groups[i] = (struct etc_group_entry){ p->group_names[i].gid, p->group_names[i].name };
	n = etc_group(img, p->id.user, groups, p->n_group_names, out, len + ours);
	if (gen_write(stage_fd, "group", out, n, err) < 0)
		return -1;
	n = snprintf(out, 128, "%s\n", p->hostname);
	if (gen_write(stage_fd, "hostname", out, n, err) < 0)
		return -1;
	n = etc_hosts(p->hostname, in->box_addr, out, 4096);
	if (gen_write(stage_fd, "hosts", out, n, err) < 0)
		return -1;
	if (mnt_need_resolv(p)) {
		n = etc_resolv(p->net.dns, p->net.n_dns, out, 4096);
		if (gen_write(stage_fd, "resolv.conf", out, n, err) < 0)
			return -1;
	}
	return 0;
}

/* Mount a detached tree on path inside the root (creating the mount point
 * in the root's own file system when missing). */
static int attach_at(int root_fd, int tree, const char *path, bool dir, struct nsr_err *err)
{
	nsr_cleanup_fd int target = -1;

	if (mnt_ensure(root_fd, path, dir, &target, err) < 0)
		return -1;
	return mnt_attach(tree, target, path, err);
}

static int new_fs_at(int root_fd, const char *type, const char *const *opts, unsigned attrs,
		     const char *path, struct nsr_err *err)
{
	nsr_cleanup_fd int fs = -1;

	if (mnt_fs_new(type, opts, attrs, &fs, err) < 0)
		return nsr_err_prefix(err, "%s", path);
	return attach_at(root_fd, fs, path, true, err);
}

/* /proc/sys and friends read-only over the fresh /proc (as bubblewrap). */
static int proc_masks(int root_fd, struct nsr_err *err)
{
	static const char *const ro[] = { "/proc/sys", "/proc/sysrq-trigger", "/proc/irq",
					  "/proc/bus" };
	size_t i;

	for (i = 0; i < NSR_ARRAY_SIZE(ro); i++) {
		nsr_cleanup_fd int t = mnt_open_in(root_fd, ro[i], O_PATH,
						   MNT_RESOLVE_IN | RESOLVE_NO_SYMLINKS);
		nsr_cleanup_fd int tree = -1;
		if (t < 0 && errno == ENOENT)
			continue;
		if (t < 0)
			return nsr_err_set(err, NSR_E_SETUP, errno, "cannot open %s", ro[i]);
		if (mnt_clone(t, "", false, &tree, ro[i], err) < 0 ||
		    mnt_setattr(tree, MOUNT_ATTR_RDONLY | NOSUID_NODEV | MOUNT_ATTR_NOEXEC, 0,
				false, ro[i], err) < 0 ||
		    mnt_attach(tree, t, ro[i], err) < 0)
			return -1;
	}
	return 0;
}

/* The host's node, bound nosuid and noexec (the fallback of dev_node). */
static int dev_bind(int dev, const char *name, struct nsr_err *err)
{
	nsr_cleanup_fd int f = nsr_openat(dev, name, O_WRONLY | O_CREAT | O_EXCL, 0666);
	nsr_cleanup_fd int tree = -1, t = -1;
	char host[32];

	if (f < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot create /dev/%s", name);
	snprintf(host, sizeof(host), "/dev/%s", name);
	if (mnt_clone(AT_FDCWD, host, false, &tree, host, err) < 0 ||
	    mnt_setattr(tree, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, MOUNT_ATTR_NODEV, false, host,
			err) < 0)
		return -1;
	t = nsr_openat(dev, name, O_PATH | O_NOFOLLOW, 0);
	if (t < 0 || mnt_attach(tree, t, host, err) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot mount %s", host);
	return 0;
}

/* One of the six nodes. We are root of the host's user namespace, so
 * mknod makes it: one call, and no mount for the box to carry and the
 * kernel to tear down. Where a device cgroup or an LSM refuses mknod,
 * the host's node is bound instead. */
static int dev_node(int dev, const char *name, unsigned int major, unsigned int minor,
		    struct nsr_err *err)
{
	if (mknodat(dev, name, S_IFCHR | 0666, makedev(major, minor)) < 0) {
		if (errno == EPERM || errno == EACCES)
			return dev_bind(dev, name, err);
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot create /dev/%s", name);
	}
	/* mknod's mode went through our umask. (The name is the node just
	 * made, in a tmpfs only we can reach: nothing to follow.) */
	if (fchmodat(dev, name, 0666, 0) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot set the mode of /dev/%s", name);
	return 0;
}

/* One node of the policy's [devices] (dev/select.c chose it on the host):
 * the host's numbers, mode and owner, parent directories made 0755. No
 * bind of the host's node: where mknod is refused, the start fails. The
 * device cgroup allows exactly these numbers (and mknod of them). */
static int dev_policy_node(int dev, const struct dev_node *n, struct nsr_err *err)
{
	char dir[DEV_REL_MAX];
	char *s;

	snprintf(dir, sizeof(dir), "%s", n->rel);
	for (s = strchr(dir, '/'); s != NULL; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdirat(dev, dir, 0755) < 0 && errno != EEXIST)
			return nsr_err_set(err, NSR_E_SETUP, errno, "cannot create /dev/%s", dir);
		*s = '/';
	}
	/* The name comes from the host's /dev, checked by dev/select.c; the
	 * tmpfs is ours alone, so nothing in it can be a symlink. */
	if (mknodat(dev, n->rel, (n->type == 'b' ? S_IFBLK : S_IFCHR) | 0600,
		    makedev(n->major, n->minor)) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot create /dev/%s", n->rel);
	if (fchownat(dev, n->rel, n->uid, n->gid, AT_SYMLINK_NOFOLLOW) < 0 ||
	    fchmodat(dev, n->rel, n->mode, 0) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot set the owner of /dev/%s",
				   n->rel);
	return 0;
}

/* The minimal /dev: a tmpfs of its own, without nodev so that its six
 * nodes (and the policy's) work, read-only once populated. Nobody in the
 * box can add a node (no CAP_MKNOD, the mount is read-only, and where a
 * device cgroup applies it allows mknod of these numbers only); /dev/shm
 * and /dev/pts are mounts of their own, nodev and noexec. */
static int dev_setup(const struct nsr_plan *p, int root_fd, const struct mnt_tmpfs_size *sz,
		     struct nsr_err *err)
{
	static const struct {
		const char *name;
		unsigned int major, minor;
	} nodes[] = {
		{ "null", 1, 3 },   { "zero", 1, 5 },	 { "full", 1, 7 },
		{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
	};
	static const char *const links[][2] = {
		{ "fd", "/proc/self/fd" },	 { "stdin", "/proc/self/fd/0" },
		{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
		{ "ptmx", "pts/ptmx" },
	};
	char inodes[16];
	const char *const dev_opts[] = { "mode", "0755", "size", "64k", "nr_inodes", inodes, NULL };
	static const char *const pts_opts[] = { "newinstance", NULL,   "mode", "0620",
						"ptmxmode",    "0666", NULL };
	const char *const shm_opts[] = { "mode",      "1777",	  "size", sz->size,
					 "nr_inodes", sz->inodes, NULL };
	nsr_cleanup_fd int dev = -1;
	size_t i;

	/* Room for the fixed entries, each policy node and its directories. */
	snprintf(inodes, sizeof(inodes), "%zu", (size_t)64 + 3 * p->n_devs);
	if (new_fs_at(root_fd, "tmpfs", dev_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, "/dev",
		      err) < 0)
		return -1;
	dev = mnt_open_in(root_fd, "/dev", O_PATH | O_DIRECTORY,
			  MNT_RESOLVE_IN | RESOLVE_NO_SYMLINKS);
	if (dev < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot open /dev in the box");
	for (i = 0; i < NSR_ARRAY_SIZE(nodes); i++)
		if (dev_node(dev, nodes[i].name, nodes[i].major, nodes[i].minor, err) < 0)
			return -1;
	for (i = 0; i < NSR_ARRAY_SIZE(links); i++)
		if (symlinkat(links[i][1], dev, links[i][0]) < 0)
			return nsr_err_set(err, NSR_E_SETUP, errno, "cannot create /dev/%s",
					   links[i][0]);
	if (mkdirat(dev, "pts", 0755) < 0 || mkdirat(dev, "shm", 01777) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot populate /dev");
	for (i = 0; i < p->n_devs; i++)
		if (dev_policy_node(dev, &p->devs[i], err) < 0)
			return -1;
	/* A private devpts instance: the box sees its own ptys only. */
	if (new_fs_at(root_fd, "devpts", pts_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC,
		      "/dev/pts", err) < 0 ||
	    new_fs_at(root_fd, "tmpfs", shm_opts, NOSUID_NODEV | MOUNT_ATTR_NOEXEC, "/dev/shm",
		      err) < 0)
		return -1;
	return mnt_setattr(dev, MOUNT_ATTR_RDONLY, 0, false, "/dev", err);
}

int mnt_kernel_fs(const struct nsr_plan *p, int root_fd, struct nsr_err *err)
{
	struct mnt_tmpfs_size sz = { "", "" };

	mnt_tmpfs_size(p->limits.has_memory ? p->limits.memory : 0, &sz);
	const char *const tmp_opts[] = { "mode",      "1777",	 "size", sz.size,
					 "nr_inodes", sz.inodes, NULL };

	/* proc of the box's own pid namespace (we are its PID 1). */
	if (new_fs_at(root_fd, "proc", NULL, NOSUID_NODEV | MOUNT_ATTR_NOEXEC, "/proc", err) < 0 ||
	    proc_masks(root_fd, err) < 0)
		return -1;
	if (new_fs_at(root_fd, "sysfs", NULL, MOUNT_ATTR_RDONLY | NOSUID_NODEV | MOUNT_ATTR_NOEXEC,
		      "/sys", err) < 0)
		return -1;
	if (dev_setup(p, root_fd, &sz, err) < 0)
		return -1;
	if (!p->policy_maps_tmp &&
	    new_fs_at(root_fd, "tmpfs", tmp_opts, NOSUID_NODEV, "/tmp", err) < 0)
		return -1;
	return 0;
}

struct bind_sources {
	int fd[PLAN_MAX_MOUNTS];
	size_t n;
};

static void close_sources(struct bind_sources *s)
{
	for (size_t i = 0; i < s->n; i++)
		nsr_closep(&s->fd[i]);
}

/* Open every bind source with the caller's own permissions (fsuid/fsgid
 * and groups of the user), so nobody binds what they could not open. */
static int open_sources(const struct mnt_input *in, struct bind_sources *s, struct nsr_err *err)
{
	const struct nsr_plan *p = in->plan;
	struct nsr_err_first fe = NSR_ERR_FIRST(err);
	size_t i;

	for (s->n = 0; s->n < p->n_mounts; s->n++)
		s->fd[s->n] = -1;
	if (caps_user_fs_begin(&p->id, in->parent_fd, err) < 0) {
		/* whatever part of the identity changed goes back */
		caps_user_fs_end(in->parent_fd, NULL);
		return -1;
	}
	for (i = 0; i < p->n_mounts && fe.rc == 0; i++) {
		const struct plan_mount *m = &p->mounts[i];
		if (m->kind != PLAN_MOUNT_BIND)
			continue;
		/* O_RDONLY, not O_PATH: the user must be able to read it. */
		s->fd[i] = mnt_open_in(AT_FDCWD, m->source, O_RDONLY | O_NOCTTY | O_NONBLOCK,
				       RESOLVE_NO_MAGICLINKS);
		/* Same words whether it is missing or forbidden: the answer
		 * must not tell the user what exists. */
		if (s->fd[i] < 0) {
			nsr_err_step(&fe, nsr_err_set(nsr_err_slot(&fe), NSR_E_SETUP, 0,
						      "cannot bind %s: not readable by %s",
						      m->source, p->id.user));
		} else {
			/* Decided on the fd the mount will use (the user could
			 * open it, so saying what it is reveals nothing). */
			const char *why = policy_bind_source_refused(s->fd[i]);
			if (why != NULL)
				nsr_err_step(&fe, nsr_err_set(nsr_err_slot(&fe), NSR_E_POLICY, 0,
							      "cannot bind %s: it is %s", m->source,
							      why));
		}
	}
	nsr_err_step(&fe, caps_user_fs_end(in->parent_fd, nsr_err_slot(&fe)));
	return fe.rc;
}

/* The policy's binds and tmpfs mounts, in the plan's order (parents
 * first). Bind sources are opened as the user, mounted and closed here. */
int mnt_policy_mounts(const struct mnt_input *in, int root_fd, struct nsr_err *err)
{
	const struct nsr_plan *p = in->plan;
	__attribute__((cleanup(close_sources))) struct bind_sources src = { .n = 0 };
	size_t i;

	if (open_sources(in, &src, err) < 0)
		return -1;

	for (i = 0; i < p->n_mounts; i++) {
		const struct plan_mount *m = &p->mounts[i];
		nsr_cleanup_fd int tree = -1;
		struct stat st;

		if (m->kind == PLAN_MOUNT_TMPFS) {
			char uid[16], gid[16];
			struct mnt_tmpfs_size sz = { "", "" };
			/* The policy's size= when it gave one, else the box's
			 * memory limit (internal.h); inodes from that size. */
			mnt_tmpfs_size(m->size		    ? m->size :
				       p->limits.has_memory ? p->limits.memory :
							      0,
				       &sz);
			const char *opts[] = { "mode", "0755",	"uid",	     uid,	"gid", gid,
					       "size", sz.size, "nr_inodes", sz.inodes, NULL };
			snprintf(uid, sizeof(uid), "%u", (unsigned)p->id.uid);
			snprintf(gid, sizeof(gid), "%u", (unsigned)p->id.gid);
			if (new_fs_at(root_fd, "tmpfs", opts, NOSUID_NODEV, m->target, err) < 0)
				return -1;
			continue;
		}
		if (src.fd[i] < 0 || fstat(src.fd[i], &st) < 0)
			return nsr_err_set(err, NSR_E_SETUP, EBADF, "bind %s", m->source);
		/* Recursive clone of what the user opened; never clear a
		 * read-only flag the host has on a submount. */
		if (mnt_clone(src.fd[i], "", true, &tree, m->source, err) < 0 ||
		    mnt_setattr(tree, NOSUID_NODEV | (m->rw ? 0 : MOUNT_ATTR_RDONLY), 0, true,
				m->source, err) < 0 ||
		    attach_at(root_fd, tree, m->target, S_ISDIR(st.st_mode), err) < 0)
			return -1;
	}
	return 0;
}

int mnt_bind_etc(const struct mnt_input *in, int root_fd, int stage_fd, struct nsr_err *err)
{
	static const char *const names[] = { "passwd", "group", "hostname", "hosts", "resolv.conf" };
	size_t i, n = mnt_need_resolv(in->plan) ? 5 : 4;

	for (i = 0; i < n; i++) {
		char src[64], dst[64];
		nsr_cleanup_fd int tree = -1;
		snprintf(src, sizeof(src), "gen/%s", names[i]);
		snprintf(dst, sizeof(dst), "/etc/%s", names[i]);
		if (mnt_clone(stage_fd, src, false, &tree, dst, err) < 0 ||
		    mnt_setattr(tree, MOUNT_ATTR_RDONLY | NOSUID_NODEV | MOUNT_ATTR_NOEXEC, 0,
				false, dst, err) < 0 ||
		    attach_at(root_fd, tree, dst, false, err) < 0)
			return -1;
	}
	return 0;
}
