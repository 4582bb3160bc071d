// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The benchmark's floor: clone3 into new pid/mount/uts/ipc/net/cgroup
 * namespaces, private propagation, read-only bind of the rootfs,
 * pivot_root, fresh /proc, drop to an unprivileged uid, exec. Flags add
 * what nsrun does in the other scenarios (cgroup limits, a bridged veth,
 * the contract's /dev, /sys and /tmp) and nothing more. Runs as root,
 * trusts its arguments; a benchmark tool, never installed, never setuid.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <grp.h>

#include <linux/capability.h>
#include <linux/sched.h>

#include "floor.h"

#define FLOOR_CG_NAME "nsrun-bench-floor"
#define FLOOR_SUBNET 0x0a590000u /* 10.89.0.0/24 */
#define FLOOR_GW 0x0a590001u

struct floor_opts {
	uid_t uid;
	gid_t gid;
	bool cgroup;
	bool cg_self;
	bool full;
	bool veth_del;
	const char *bridge;
	const char *lease;
	const char *rootfs;
	char **argv;
};

/* Where the leaf lives: v2 (one dir) or v1 (pids and memory dirs). */
struct floor_cg {
	bool v2;
	char dirs[2][256];
	int ndirs;
	int v2_dfd;
};

void floor_die(const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
	_exit(125);
}

static void floor_write(const char *dir, const char *file, const char *val)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, val, strlen(val)) < 0)
		floor_die(path);
	close(fd);
}

static void floor_mkdir(const char *path)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		floor_die(path);
}

/* Make the leaf and write the limits nsrun's bench policy sets. */
static void floor_cg_create(struct floor_cg *cg)
{
	static const char *const v1[2] = { "pids", "memory" };
	char parent[128];
	int i;

	cg->v2 = access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0;
	cg->ndirs = cg->v2 ? 1 : 2;
	for (i = 0; i < cg->ndirs; i++) {
		snprintf(parent, sizeof(parent), "/sys/fs/cgroup/%s%s" FLOOR_CG_NAME,
			 cg->v2 ? "" : v1[i], cg->v2 ? "" : "/");
		floor_mkdir(parent);
		if (cg->v2)
			floor_write(parent, "cgroup.subtree_control", "+pids +memory");
		snprintf(cg->dirs[i], sizeof(cg->dirs[i]), "%s/%d", parent, (int)getpid());
		floor_mkdir(cg->dirs[i]);
	}
	if (cg->v2) {
		floor_write(cg->dirs[0], "pids.max", "256");
		floor_write(cg->dirs[0], "memory.max", "268435456");
		cg->v2_dfd = open(cg->dirs[0], O_DIRECTORY | O_RDONLY | O_CLOEXEC);
		if (cg->v2_dfd < 0)
			floor_die(cg->dirs[0]);
	} else {
		floor_write(cg->dirs[0], "pids.max", "256");
		floor_write(cg->dirs[1], "memory.limit_in_bytes", "268435456");
	}
}

static void floor_cg_enter(const struct floor_cg *cg, pid_t pid)
{
	char val[32];
	int i;

	snprintf(val, sizeof(val), "%d", (int)pid);
	for (i = 0; i < cg->ndirs; i++)
		floor_write(cg->dirs[i], "cgroup.procs", val);
}

static void floor_cg_destroy(const struct floor_cg *cg)
{
	int i;

	for (i = 0; i < cg->ndirs; i++)
		if (rmdir(cg->dirs[i]) < 0)
			floor_die(cg->dirs[i]);
}

static void floor_mount(const char *src, const char *dst, const char *type,
			unsigned long flags, const char *data)
{
	if (mount(src, dst, type, flags, data) < 0)
		floor_die(dst);
}

/* The contract's minimal /dev, read-only /sys and a /tmp, under root. */
static void floor_full_mounts(const char *root)
{
	static const struct { const char *name; unsigned int major, minor; } nodes[] = {
		{ "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 },
		{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
	};
	char dst[512];
	size_t i;

	/* mknod, as nsrun does (cheaper than binding the host's nodes). */
	snprintf(dst, sizeof(dst), "%s/dev", root);
	floor_mount("tmpfs", dst, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=64k");
	umask(0);
	for (i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		snprintf(dst, sizeof(dst), "%s/dev/%s", root, nodes[i].name);
		if (mknod(dst, S_IFCHR | 0666, makedev(nodes[i].major, nodes[i].minor)) < 0)
			floor_die(dst);
	}
	snprintf(dst, sizeof(dst), "%s/dev/pts", root);
	floor_mkdir(dst);
	floor_mount("devpts", dst, "devpts", MS_NOSUID | MS_NOEXEC,
		    "newinstance,ptmxmode=0666,mode=620");
	snprintf(dst, sizeof(dst), "%s/dev/ptmx", root);
	if (symlink("pts/ptmx", dst) < 0)
		floor_die(dst);
	snprintf(dst, sizeof(dst), "%s/dev/shm", root);
	floor_mkdir(dst);
	floor_mount("shm", dst, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777");
	snprintf(dst, sizeof(dst), "%s/sys", root);
	floor_mount("sysfs", dst, "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	snprintf(dst, sizeof(dst), "%s/tmp", root);
	floor_mount("tmpfs", dst, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
}

/* Drop every capability set, then become the user for good. */
static void floor_drop(const struct floor_opts *o)
{
	int cap;

	for (cap = 0; prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0; cap++)
		;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		floor_die("ambient");
	if (setgroups(1, &o->gid) < 0 || setresgid(o->gid, o->gid, o->gid) < 0 ||
	    setresuid(o->uid, o->uid, o->uid) < 0)
		floor_die("drop uid");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		floor_die("no_new_privs");
}

static __attribute__((noreturn)) void floor_child(const struct floor_opts *o,
						  const struct floor_cg *cg, int go_fd,
						  uint32_t addr)
{
	static char env_path[] = "PATH=/bin:/usr/bin", env_container[] = "container=floor";
	char *const envp[] = { env_path, env_container, NULL };
	char byte;

	if (go_fd >= 0 && read(go_fd, &byte, 1) != 1)
		floor_die("wait for parent");
	/* v1: a thread moving itself ("0" to tasks) skips the threadgroup
	 * rwsem and its RCU grace period that a write of a pid to
	 * cgroup.procs waits for. */
	for (int i = 0; o->cg_self && i < cg->ndirs; i++)
		floor_write(cg->dirs[i], "tasks", "0");
	if (o->cgroup && unshare(CLONE_NEWCGROUP) < 0)
		floor_die("cgroup namespace");
	floor_mount("", "/", NULL, MS_REC | MS_PRIVATE, NULL);
	floor_mount(o->rootfs, o->rootfs, NULL, MS_BIND | MS_REC, NULL);
	floor_mount(NULL, o->rootfs, NULL,
		    MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL);
	if (o->full)
		floor_full_mounts(o->rootfs);
	/* pivot_root(".", "."): the old root ends up on top, detach it. */
	if (chdir(o->rootfs) < 0 || syscall(SYS_pivot_root, ".", ".") < 0)
		floor_die("pivot_root");
	if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		floor_die("detach old root");
	floor_mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	if (sethostname("floor", 5) < 0)
		floor_die("hostname");
	if (o->bridge)
		floor_net_box(addr, 24, FLOOR_GW);
	else if (o->full)
		floor_net_lo();
	floor_drop(o);
	execve(o->argv[0], o->argv, envp);
	_exit(errno == ENOENT ? 127 : 126);
}

static void floor_usage(void)
{
	fprintf(stderr, "usage: floor [--uid N] [--gid N] [--cgroup | --cg-self] [--full]\n"
			"             [--veth BRIDGE [--lease FILE] [--veth-del]] ROOTFS CMD [ARG...]\n");
	exit(125);
}

static void floor_parse(int argc, char **argv, struct floor_opts *o)
{
	static const struct option opts[] = {
		{ "uid", required_argument, NULL, 'u' },
		{ "gid", required_argument, NULL, 'g' },
		{ "cgroup", no_argument, NULL, 'c' },
		{ "cg-self", no_argument, NULL, 's' },
		{ "full", no_argument, NULL, 'f' },
		{ "veth", required_argument, NULL, 'v' },
		{ "lease", required_argument, NULL, 'l' },
		{ "veth-del", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct floor_opts){ .uid = 65534, .gid = 65534,
				  .lease = "/run/nsrun-bench-floor.lease" };
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'u': o->uid = (uid_t)strtoul(optarg, NULL, 10); break;
		case 'g': o->gid = (gid_t)strtoul(optarg, NULL, 10); break;
		case 'c': o->cgroup = true; break;
		case 's': o->cgroup = o->cg_self = true; break;
		case 'f': o->full = true; break;
		case 'v': o->bridge = optarg; break;
		case 'l': o->lease = optarg; break;
		case 'd': o->veth_del = true; break;
		default: floor_usage();
		}
	}
	if (argc - optind < 2)
		floor_usage();
	o->rootfs = argv[optind];
	o->argv = argv + optind + 1;
}

int main(int argc, char **argv)
{
	struct floor_opts o;
	struct floor_cg cg = { .v2_dfd = -1 };
	struct clone_args ca = { .exit_signal = SIGCHLD };
	int go[2] = { -1, -1 };
	uint32_t addr = 0;
	bool sync;
	int status;
	pid_t pid;

	floor_parse(argc, argv, &o);
	sync = o.bridge != NULL;
	ca.flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET;
	if (o.cgroup) {
		floor_cg_create(&cg);
		o.cg_self = o.cg_self && !cg.v2;
		sync = sync || (!cg.v2 && !o.cg_self);
		if (cg.v2) {
			ca.flags |= CLONE_INTO_CGROUP;
			ca.cgroup = (uint64_t)cg.v2_dfd;
		}
	} else {
		ca.flags |= CLONE_NEWCGROUP;
	}
	if (o.bridge)
		addr = floor_net_lease(o.lease, FLOOR_SUBNET);
	if (sync && pipe2(go, O_CLOEXEC) < 0)
		floor_die("pipe");
	pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid < 0)
		floor_die("clone3");
	if (pid == 0) {
		if (sync)
			close(go[1]);
		floor_child(&o, &cg, go[0], addr);
	}
	if (sync) {
		close(go[0]);
		if (o.cgroup && !cg.v2 && !o.cg_self)
			floor_cg_enter(&cg, pid);
		if (o.bridge)
			floor_net_veth(o.bridge, pid);
		if (write(go[1], "g", 1) != 1)
			floor_die("go");
		close(go[1]);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			floor_die("waitpid");
	if (o.cgroup)
		floor_cg_destroy(&cg);
	if (o.bridge && o.veth_del)
		floor_net_veth_del(pid);
	if (o.bridge)
		floor_net_release(o.lease, addr);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
