// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Device rules: the v1 line format and the v2 program generator (pure),
 * then both against the kernel as root: a process in a cgroup carrying
 * the rules (minimal set + /dev/fuse) opens what is allowed, gets EPERM
 * for /dev/net/tun and /dev/loop-control, and may mknod only the allowed
 * numbers. v2 runs wherever a cgroup2 mount is writable (the hybrid
 * host's /sys/fs/cgroup/unified too: device programs act on the task's
 * v2 cgroup on every host); v1 where a devices hierarchy is mounted.
 * Test cgroups are named with this run's pid and removed at the end.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "../ck_run.h"

static struct cg_dev_rule t_rules[CG_DEV_MAX_RULES];
static size_t t_n;

/* minimal set + c 10:229 (fuse) rwm */
static void t_fuse_rules(void)
{
	const struct cg_dev_rule *min;
	size_t n = cg_dev_minimal_rules(&min);

	memcpy(t_rules, min, n * sizeof(*min));
	t_rules[n] = (struct cg_dev_rule){ 'c', 10, 229, CG_DEV_RWM };
	t_n = n + 1;
}

START_TEST(format_v1)
{
	char s[64];

	ck_assert_int_eq(cg_dev_format_v1(&(struct cg_dev_rule){ 'c', 1, 3, CG_DEV_RWM }, s,
					  sizeof(s)),
			 0);
	ck_assert_str_eq(s, "c 1:3 rwm");
	ck_assert_int_eq(cg_dev_format_v1(&(struct cg_dev_rule){ 'c', 136, -1, CG_DEV_RW }, s,
					  sizeof(s)),
			 0);
	ck_assert_str_eq(s, "c 136:* rw");
	ck_assert_int_eq(cg_dev_format_v1(&(struct cg_dev_rule){ 'b', 7, 0, CG_DEV_READ }, s,
					  sizeof(s)),
			 0);
	ck_assert_str_eq(s, "b 7:0 r");
	ck_assert_int_eq(cg_dev_format_v1(&(struct cg_dev_rule){ 'a', 1, 3, CG_DEV_RW }, s, sizeof(s)),
			 -1);
	ck_assert_int_eq(cg_dev_format_v1(&(struct cg_dev_rule){ 'c', 4096, 3, CG_DEV_RW }, s,
					  sizeof(s)),
			 -1);
	ck_assert_int_eq(cg_dev_format_v1(&(struct cg_dev_rule){ 'c', 1, 1 << 20, CG_DEV_RW }, s,
					  sizeof(s)),
			 -1);
	ck_assert_int_eq(cg_dev_format_v1(&(struct cg_dev_rule){ 'c', 1, 3, 0 }, s, sizeof(s)), -1);
	ck_assert_int_eq(cg_dev_format_v1(&(struct cg_dev_rule){ 'c', -2, 3, CG_DEV_RW }, s,
					  sizeof(s)),
			 -1);
}
END_TEST

START_TEST(bpf_shape)
{
	struct bpf_insn p[CG_DEV_MAX_INSNS];
	struct cg_dev_rule r[2] = { { 'c', 10, 229, CG_DEV_RW }, { 'b', 7, -1, CG_DEV_RWM } };
	ssize_t n;

	/* prologue 6; rule 1: 1+3+2+2 = 8; rule 2: 1+3+1+2 = 7; deny 2. */
	n = cg_dev_bpf_build(r, 2, p, CG_DEV_MAX_INSNS);
	ck_assert_int_eq(n, 6 + 8 + 7 + 2);
	/* rule 1's type test jumps to rule 2 (at 14): from 6, off 7. */
	ck_assert_int_eq(p[6].code, BPF_JMP | BPF_JNE | BPF_K);
	ck_assert_int_eq(p[6].imm, BPF_DEVCG_DEV_CHAR);
	ck_assert_int_eq(p[6].off, 7);
	/* access mask: rw granted, so only mknod (1) may not be asked. */
	ck_assert_int_eq(p[8].imm, BPF_DEVCG_ACC_MKNOD);
	ck_assert_int_eq(p[10].imm, 10);
	ck_assert_int_eq(p[11].imm, 229);
	ck_assert_int_eq(p[12].imm, 1); /* r0 = 1 */
	ck_assert_int_eq(p[14].imm, BPF_DEVCG_DEV_BLOCK);
	ck_assert_int_eq(p[14].off, 6); /* to 21, the deny */
	ck_assert_int_eq(p[21].imm, 0); /* r0 = 0 */
	ck_assert_int_eq(p[22].code, BPF_JMP | BPF_EXIT);
	/* No rules: deny everything. */
	ck_assert_int_eq(cg_dev_bpf_build(r, 0, p, CG_DEV_MAX_INSNS), 8);
	/* Bad rule, short buffer. */
	r[1].type = 'x';
	ck_assert_int_eq(cg_dev_bpf_build(r, 2, p, CG_DEV_MAX_INSNS), -1);
	ck_assert_int_eq(cg_dev_bpf_build(r, 1, p, 10), -1);
}
END_TEST

/* ---- live ---- */

/* In a child moved into `procs`: what it can do, as bits. */
enum {
	T_NULL = 1,
	T_FUSE = 2,
	T_TUN_EPERM = 4,
	T_LOOPCTL_EPERM = 8,
	T_MKNOD_NULL = 16,
	T_MKNOD_TUN_EPERM = 32,
	T_ACCESS_TUN_EPERM = 64,
	T_ZERO = 128
};

static int t_open_errno(const char *path)
{
	int fd = open(path, O_RDWR | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno;
}

static int t_probe_in(const char *procs, const char *tmpdir)
{
	pid_t pid = fork();
	int st;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char p[256], me[32];
		int fd = open(procs, O_WRONLY | O_CLOEXEC), bits = 0;

		snprintf(me, sizeof(me), "%d", (int)getpid());
		if (fd < 0 || write(fd, me, strlen(me)) < 0)
			_exit(255);
		close(fd);
		bits |= t_open_errno("/dev/null") == 0 ? T_NULL : 0;
		bits |= t_open_errno("/dev/zero") == 0 ? T_ZERO : 0;
		bits |= t_open_errno("/dev/fuse") == 0 ? T_FUSE : 0;
		bits |= t_open_errno("/dev/net/tun") == EPERM ? T_TUN_EPERM : 0;
		bits |= t_open_errno("/dev/loop-control") == EPERM ? T_LOOPCTL_EPERM : 0;
		snprintf(p, sizeof(p), "%s/null", tmpdir);
		bits |= mknod(p, S_IFCHR | 0600, makedev(1, 3)) == 0 ? T_MKNOD_NULL : 0;
		snprintf(p, sizeof(p), "%s/tun", tmpdir);
		bits |= mknod(p, S_IFCHR | 0600, makedev(10, 200)) < 0 && errno == EPERM ?
				T_MKNOD_TUN_EPERM :
				0;
		bits |= faccessat(AT_FDCWD, "/dev/net/tun", R_OK | W_OK, AT_EACCESS) < 0 &&
					errno == EPERM ?
				T_ACCESS_TUN_EPERM :
				0;
		_exit(bits);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	return WEXITSTATUS(st);
}

#define T_ALL                                                                      \
	(T_NULL | T_ZERO | T_FUSE | T_TUN_EPERM | T_LOOPCTL_EPERM | T_MKNOD_NULL | \
	 T_MKNOD_TUN_EPERM | T_ACCESS_TUN_EPERM)

static bool t_nodes_here(void)
{
	return access("/dev/fuse", F_OK) == 0 && access("/dev/net/tun", F_OK) == 0 &&
	       access("/dev/loop-control", F_OK) == 0;
}

static void t_tmpdir(char *out, size_t sz)
{
	snprintf(out, sz, "/tmp/nsrun-devtest.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(out));
}

static void t_rmtmp(const char *dir)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/null", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/tun", dir);
	unlink(p);
	rmdir(dir);
}

START_TEST(live_v2)
{
	struct cg_mounts m;
	char dir[CG_PATH_MAX + 64], child[CG_PATH_MAX + 96], procs[CG_PATH_MAX + 128], tmp[64];
	int parent_fd, leaf_fd, bits;
	struct nsr_err err = { 0 };

	ck_assert_int_eq(cg_read_mounts(&m, NULL), 0);
	snprintf(dir, sizeof(dir), "%s/nsrun-devtest-%d", m.v2, (int)getpid());
	snprintf(child, sizeof(child), "%s/box", dir);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	ck_assert_int_eq(mkdir(child, 0755), 0);
	parent_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	leaf_fd = open(child, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(parent_fd, 0);
	ck_assert_int_ge(leaf_fd, 0);
	t_fuse_rules();
	ck_assert_msg(cg_dev_bpf_attach(leaf_fd, parent_fd, t_rules, t_n, &err) == 0, "%s", err.msg);
	t_tmpdir(tmp, sizeof(tmp));
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", child);
	bits = t_probe_in(procs, tmp);
	t_rmtmp(tmp);
	ck_assert_int_eq(bits, T_ALL);

	/* A program above with BPF_F_ALLOW_OVERRIDE (no MULTI) would be
	 * replaced by ours for the leaf: refused. */
	{
		char leaf2[CG_PATH_MAX + 96];
		struct bpf_insn p[CG_DEV_MAX_INSNS];
		union bpf_attr a;
		int prog, l2;
		ssize_t n = cg_dev_bpf_build(t_rules, t_n, p, CG_DEV_MAX_INSNS);

		snprintf(leaf2, sizeof(leaf2), "%s/sub", dir);
		close(leaf_fd);
		ck_assert_int_eq(rmdir(child), 0);
		memset(&a, 0, sizeof(a));
		a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
		a.insns = (uint64_t)(uintptr_t)p;
		a.insn_cnt = (uint32_t)n;
		a.license = (uint64_t)(uintptr_t) "GPL";
		prog = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
		ck_assert_int_ge(prog, 0);
		memset(&a, 0, sizeof(a));
		a.target_fd = (uint32_t)parent_fd;
		a.attach_bpf_fd = (uint32_t)prog;
		a.attach_type = BPF_CGROUP_DEVICE;
		a.attach_flags = BPF_F_ALLOW_OVERRIDE;
		ck_assert_int_eq(syscall(SYS_bpf, BPF_PROG_ATTACH, &a, sizeof(a)), 0);
		close(prog);
		ck_assert_int_eq(mkdir(leaf2, 0755), 0);
		l2 = open(leaf2, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		ck_assert_int_eq(cg_dev_bpf_attach(l2, parent_fd, t_rules, t_n, &err), -1);
		ck_assert_msg(strstr(err.msg, "would be overridden") != NULL, "%s", err.msg);
		close(l2);
		ck_assert_int_eq(rmdir(leaf2), 0);
	}
	close(parent_fd);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

START_TEST(live_v1)
{
	char dir[CG_PATH_MAX + 64], procs[CG_PATH_MAX + 96], tmp[64], list[1024] = "";
	int fd, bits;
	struct nsr_err err = { 0 };
	const char *dev = "/sys/fs/cgroup/devices";
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/nsrun-devtest-%d", dev, (int)getpid());
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	t_fuse_rules();
	ck_assert_msg(cg_dev_v1_write(fd, t_rules, t_n, &err) == 0, "%s", err.msg);
	snprintf(procs, sizeof(procs), "%s/devices.list", dir);
	f = fopen(procs, "re");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_gt(fread(list, 1, sizeof(list) - 1, f), 0);
	fclose(f);
	ck_assert_msg(strstr(list, "c 10:229 rwm\n") && strstr(list, "c 136:* rw\n") &&
			      !strstr(list, "a *:*"),
		      "%s", list);
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
	t_tmpdir(tmp, sizeof(tmp));
	bits = t_probe_in(procs, tmp);
	t_rmtmp(tmp);
	ck_assert_int_eq(bits, T_ALL);
	close(fd);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cgroup-devices");
	TCase *t = tcase_create("pure");
	TCase *l = tcase_create("live");

	tcase_add_test(t, format_v1);
	tcase_add_test(t, bpf_shape);
	suite_add_tcase(s, t);
	if (geteuid() == 0 && t_nodes_here()) {
		struct cg_mounts m;
		bool v2 = cg_read_mounts(&m, NULL) == 0 && m.v2[0] != '\0';
		bool v1 = access("/sys/fs/cgroup/devices/devices.allow", W_OK) == 0;

		if (v2)
			tcase_add_test(l, live_v2);
		if (v1)
			tcase_add_test(l, live_v1);
		if (!v1 || !v2)
			printf("# SKIP live %s: no %s here\n", v1 ? "v2" : "v1",
			       v1 ? "cgroup2 mount" : "v1 devices hierarchy");
		tcase_set_timeout(l, 60);
		suite_add_tcase(s, l);
	} else {
		printf("# SKIP live: needs root and /dev/fuse, /dev/net/tun, /dev/loop-control\n");
	}
	return nsr_ck_run(s, CK_FORK);
}
