// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Pure parts of the cgroup library: leaf names, limit values, mode
 * detection from mountinfo samples, OOM and SwapTotal counters. Needs no
 * privilege and touches no file.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "cgroup/internal.h"
#include "../ck_run.h"

/* ---- leaf names ---- */

START_TEST(leaf_name_valid)
{
	char out[128];

	ck_assert_int_eq(cg_leaf_name(1000, "alice-box", "1a2bdeadbeef", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "1000-alice-box-1a2bdeadbeef");
	ck_assert_int_eq(cg_leaf_name(0, "b", "z", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "0-b-z");
}
END_TEST

START_TEST(leaf_name_refused)
{
	char out[128], box64[65], small[8];

	memset(box64, 'a', 64);
	box64[64] = '\0';
	ck_assert_int_eq(cg_leaf_name(1000, box64, "1", out, sizeof(out)), -1);
	box64[63] = '\0'; /* 63 is the longest box */
	ck_assert_int_eq(cg_leaf_name(1000, box64, "1", out, sizeof(out)), 0);
	ck_assert_int_eq(cg_leaf_name(1000, "Alice", "1", out, sizeof(out)), -1);
	ck_assert_int_eq(cg_leaf_name(1000, "-box", "1", out, sizeof(out)), -1);
	ck_assert_int_eq(cg_leaf_name(1000, "a/b", "1", out, sizeof(out)), -1);
	ck_assert_int_eq(cg_leaf_name(1000, "..", "1", out, sizeof(out)), -1);
	ck_assert_int_eq(cg_leaf_name(1000, "", "1", out, sizeof(out)), -1);
	ck_assert_int_eq(cg_leaf_name(1000, "box", "", out, sizeof(out)), -1);
	ck_assert_int_eq(cg_leaf_name(1000, "box", "a-b", out, sizeof(out)), -1);
	ck_assert_int_eq(cg_leaf_name(1000, "box", "A1", out, sizeof(out)), -1);
	ck_assert_int_eq(cg_leaf_name(1000, "box", "0123456789abcdef012345678", out, sizeof(out)),
			 -1);
	ck_assert_int_eq(cg_leaf_name((uid_t)-1, "box", "1", out, sizeof(out)), -1);
	ck_assert_int_eq(cg_leaf_name(1000, "box", "12345", small, sizeof(small)), -1);
}
END_TEST

START_TEST(leaf_parse_roundtrip)
{
	const char *boxes[] = { "b", "alice-box", "a-b-c", "0", "x--y" };
	char leaf[128], box[64];
	uid_t uid;

	for (size_t i = 0; i < sizeof(boxes) / sizeof(boxes[0]); i++) {
		ck_assert_int_eq(cg_leaf_name(4242 + (uid_t)i, boxes[i], "ab12", leaf, sizeof(leaf)),
				 0);
		ck_assert_int_eq(cg_leaf_parse(leaf, &uid, box, sizeof(box)), 0);
		ck_assert_uint_eq(uid, 4242 + i);
		ck_assert_str_eq(box, boxes[i]);
	}
}
END_TEST

START_TEST(leaf_parse_refused)
{
	const char *bad[] = {
		"",
		"nsrun",
		"1000",
		"1000-box",
		"-box-1",
		"01000-box-1",
		"99999999999-box-1",
		"4294967295-box-1",
		"1000--1",
		"1000-Box-1",
		"1000-box-",
		"1000-box-a_b",
		"1000-box-A",
		"1000-.-1",
		"x1000-box-1",
		"1000-box/..-1",
		"10 0-box-1",
	};
	char box[64], tiny[3];
	uid_t uid;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(cg_leaf_parse(bad[i], &uid, box, sizeof(box)) == -1, "accepted '%s'",
			      bad[i]);
	ck_assert_int_eq(cg_leaf_parse("7-abcd-1", &uid, tiny, sizeof(tiny)), -1);
	ck_assert_int_eq(cg_leaf_parse("7-ab-1", &uid, tiny, sizeof(tiny)), 0);
	ck_assert_str_eq(tiny, "ab");
}
END_TEST

START_TEST(leaf_owner_pid)
{
	char leaf[128], suffix[32];
	pid_t pid = 0;

	snprintf(suffix, sizeof(suffix), "%x%08x", 123456u, 0xdeadbeefu);
	ck_assert_int_eq(cg_leaf_name(1000, "my-box", suffix, leaf, sizeof(leaf)), 0);
	ck_assert_int_eq(cg_leaf_owner_pid(leaf, &pid), 0);
	ck_assert_int_eq(pid, 123456);
	ck_assert_int_eq(cg_leaf_owner_pid("1000-box-deadbeef", &pid), -1);
	ck_assert_int_eq(cg_leaf_owner_pid("1000-box-zz00000000", &pid), -1);
	ck_assert_int_eq(cg_leaf_owner_pid("1000-box-000000000", &pid), -1);
}
END_TEST

/* ---- limit values ---- */

START_TEST(cpu_max)
{
	char out[64], tiny[8];

	ck_assert_int_eq(cg_format_cpu_max(500, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "50000 100000");
	ck_assert_int_eq(cg_format_cpu_max(1500, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "150000 100000");
	ck_assert_int_eq(cg_format_cpu_max(2000, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "200000 100000");
	ck_assert_int_eq(cg_format_cpu_max(10, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "1000 100000");
	ck_assert_int_eq(cg_format_cpu_max(9, out, sizeof(out)), -1);
	ck_assert_int_eq(cg_format_cpu_max(0, out, sizeof(out)), -1);
	ck_assert_int_eq(cg_format_cpu_max(1500, tiny, sizeof(tiny)), -1);
}
END_TEST

START_TEST(sizes)
{
	char out[32];
	uint64_t v;

	ck_assert_int_eq(nsr_format_size(64ull << 20, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "64M");
	ck_assert_int_eq(nsr_format_size(1ull << 30, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "1G");
	ck_assert_int_eq(nsr_format_size(1536ull << 10, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "1536K");
	ck_assert_int_eq(nsr_format_size(3ull << 29, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "1536M");
	ck_assert_int_eq(nsr_format_size(100, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "100");
	ck_assert_int_eq(nsr_format_size(0, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "0");
	ck_assert_int_eq(cg_v1_memsw(64ull << 20, 0, &v), 0);
	ck_assert_uint_eq(v, 64ull << 20);
	ck_assert_int_eq(cg_v1_memsw(64ull << 20, 1ull << 30, &v), 0);
	ck_assert_uint_eq(v, (64ull << 20) + (1ull << 30));
	ck_assert_int_eq(cg_v1_memsw(INT64_MAX, 1, &v), -1);
	ck_assert_int_eq(cg_v1_memsw(UINT64_MAX, 0, &v), -1);
}
END_TEST

/* ---- mode detection ---- */

static const char mi_hybrid[] =
	"24 1 253:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
	"31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
	"32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
	"33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
	"34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
	"35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
	"36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices\n"
	"37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n"
	"38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio\n"
	"39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
	"40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
	"41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

static const char mi_v2[] = "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro\n"
			    "26 21 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - "
			    "cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n";

static const char mi_v1[] =
	"25 21 0:22 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755\n"
	"27 25 0:24 / /sys/fs/cgroup/systemd rw,nosuid shared:10 - cgroup cgroup "
	"rw,xattr,name=systemd\n"
	"30 25 0:27 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:13 - cgroup cgroup "
	"rw,cpu,cpuacct\n"
	"31 25 0:28 / /sys/fs/cgroup/pids rw,nosuid shared:14 - cgroup cgroup rw,pids\n"
	"32 25 0:29 / /sys/fs/cgroup/memory rw,nosuid shared:15 - cgroup cgroup rw,memory\n"
	"33 25 0:30 / /sys/fs/cgroup/freezer rw,nosuid shared:16 - cgroup cgroup rw,freezer\n";

static const char mi_none[] = "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
			      "23 22 0:5 / /proc rw,nosuid - proc proc rw\n";

static const char mi_v2_elsewhere[] = "22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n"
				      "50 22 0:40 / /mnt/cg\\040two rw,relatime - cgroup2 none rw\n";

static const char mi_systemd_only[] =
	"25 21 0:22 / /sys/fs/cgroup ro - tmpfs tmpfs ro,mode=755\n"
	"27 25 0:24 / /sys/fs/cgroup/systemd rw,nosuid - cgroup cgroup rw,xattr,name=systemd\n";

/* A container-style bind of a subtree first, the real root later. */
static const char mi_pids_bind[] = "60 22 0:36 /lxc/c1 /srv/c1/pids rw - cgroup cgroup rw,pids\n"
				   "61 22 0:36 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n";

static const char ctl_full[] = "cpuset cpu io memory hugetlb pids rdma misc\n";

START_TEST(detect_hybrid)
{
	struct cg_mounts m;

	ck_assert_int_eq(cg_detect_from_mountinfo(mi_hybrid, "hugetlb\n"), CG_MODE_V1);
	ck_assert_int_eq(cg_detect_from_mountinfo(mi_hybrid, ""), CG_MODE_V1);
	cg_parse_mounts(mi_hybrid, &m);
	ck_assert_str_eq(m.v2, "/sys/fs/cgroup/unified");
	ck_assert_str_eq(m.v1[CG_V1_PIDS], "/sys/fs/cgroup/pids");
	ck_assert_str_eq(m.v1[CG_V1_MEMORY], "/sys/fs/cgroup/memory");
	ck_assert_str_eq(m.v1[CG_V1_CPU], "/sys/fs/cgroup/cpu"); /* not cpuacct */
	ck_assert_str_eq(m.v1[CG_V1_FREEZER], "/sys/fs/cgroup/freezer");
}
END_TEST

START_TEST(detect_v2)
{
	struct cg_mounts m;

	ck_assert_int_eq(cg_detect_from_mountinfo(mi_v2, ctl_full), CG_MODE_V2);
	ck_assert_int_eq(cg_detect_from_mountinfo(mi_v2, "cpu memory pids"), CG_MODE_V2);
	/* A v2 mount without the controllers is not usable. */
	ck_assert_int_eq(cg_detect_from_mountinfo(mi_v2, "cpuset io memory\n"), CG_MODE_NONE);
	ck_assert_int_eq(cg_detect_from_mountinfo(mi_v2, "cpuset pidsx cpu memory\n"), CG_MODE_NONE);
	ck_assert_int_eq(cg_detect_from_mountinfo(mi_v2, NULL), CG_MODE_NONE);
	cg_parse_mounts(mi_v2, &m);
	ck_assert_str_eq(m.v2, "/sys/fs/cgroup");
	ck_assert_str_eq(m.v1[CG_V1_PIDS], "");
}
END_TEST

START_TEST(detect_v1)
{
	struct cg_mounts m;

	ck_assert_int_eq(cg_detect_from_mountinfo(mi_v1, ""), CG_MODE_V1);
	cg_parse_mounts(mi_v1, &m);
	ck_assert_str_eq(m.v2, "");
	ck_assert_str_eq(m.v1[CG_V1_CPU], "/sys/fs/cgroup/cpu,cpuacct");
	ck_assert_str_eq(m.v1[CG_V1_PIDS], "/sys/fs/cgroup/pids");
}
END_TEST

START_TEST(detect_none)
{
	ck_assert_int_eq(cg_detect_from_mountinfo(mi_none, ""), CG_MODE_NONE);
	ck_assert_int_eq(cg_detect_from_mountinfo("", ""), CG_MODE_NONE);
	ck_assert_int_eq(cg_detect_from_mountinfo(mi_systemd_only, ""), CG_MODE_NONE);
	ck_assert_int_eq(cg_detect_from_mountinfo("garbage line\n- - -\n", ctl_full), CG_MODE_NONE);
}
END_TEST

START_TEST(detect_elsewhere)
{
	struct cg_mounts m;

	ck_assert_int_eq(cg_detect_from_mountinfo(mi_v2_elsewhere, ctl_full), CG_MODE_V2);
	cg_parse_mounts(mi_v2_elsewhere, &m);
	ck_assert_str_eq(m.v2, "/mnt/cg two");
	cg_parse_mounts(mi_pids_bind, &m);
	ck_assert_str_eq(m.v1[CG_V1_PIDS], "/sys/fs/cgroup/pids");
	ck_assert_int_eq(cg_detect_from_mountinfo(mi_pids_bind, ""), CG_MODE_V1);
}
END_TEST

START_TEST(mode_names)
{
	ck_assert_str_eq(cg_mode_name(CG_MODE_V1), "v1");
	ck_assert_str_eq(cg_mode_name(CG_MODE_V2), "v2");
	ck_assert_str_eq(cg_mode_name(CG_MODE_NONE), "none");
}
END_TEST

/* ---- counters ---- */

START_TEST(oom_v2)
{
	uint64_t n = 99;

	ck_assert_int_eq(cg_parse_v2_oom_kill(
				 "low 0\nhigh 0\nmax 12\noom 3\noom_kill 2\noom_group_kill 0\n", &n),
			 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(cg_parse_v2_oom_kill("oom_group_kill 7\noom 1\noom_kill 1\n", &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(cg_parse_v2_oom_kill("low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n", &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(cg_parse_v2_oom_kill("low 0\noom 4\n", &n), -1);
	ck_assert_int_eq(cg_parse_v2_oom_kill("oom_kill x\n", &n), -1);
	ck_assert_int_eq(cg_parse_v2_oom_kill("oom_kill 3x\n", &n), -1);
	ck_assert_int_eq(cg_parse_v2_oom_kill("", &n), -1);
}
END_TEST

START_TEST(oom_v1)
{
	uint64_t n = 99;

	ck_assert_int_eq(cg_parse_v1_oom_kill("oom_kill_disable 0\nunder_oom 0\noom_kill 5\n", &n),
			 0);
	ck_assert_uint_eq(n, 5);
	/* Before 4.13 there is no oom_kill line: unknown, not zero. */
	ck_assert_int_eq(cg_parse_v1_oom_kill("oom_kill_disable 0\nunder_oom 1\n", &n), -1);
	ck_assert_int_eq(cg_parse_v1_oom_kill("oom_kill_disable 1\nunder_oom 0\noom_kill 0", &n), 0);
	ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(swap_total)
{
	uint64_t kb = 1;

	ck_assert_int_eq(
		cg_parse_swap_total("MemTotal: 100 kB\nSwapCached:   0 kB\nSwapTotal:       0 kB\n",
				    &kb),
		0);
	ck_assert_uint_eq(kb, 0);
	ck_assert_int_eq(cg_parse_swap_total("SwapTotal:    2097148 kB\nSwapFree: 1 kB\n", &kb), 0);
	ck_assert_uint_eq(kb, 2097148);
	ck_assert_int_eq(cg_parse_swap_total("MemTotal: 100 kB\n", &kb), -1);
}
END_TEST

/* The limits table: which files, in which order, with which values. */
START_TEST(limit_writes)
{
	struct cg_limits all = {
		.has_pids = true,
		.pids = 64,
		.has_memory = true,
		.memory = 64u << 20,
		.has_swap = true,
		.swap = 1u << 20,
		.has_cpu = true,
		.cpu_milli = 1500,
	};
	struct cg_limits none = { 0 }, bad = { .has_cpu = true, .cpu_milli = 5 };
	static const char *const v1[][2] = {
		{ "pids.max", "64" },
		{ "memory.limit_in_bytes", "67108864" },
		{ "memory.oom_control", "0" },
		{ "memory.memsw.limit_in_bytes", "68157440" },
		{ "cpu.cfs_period_us", "100000" },
		{ "cpu.cfs_quota_us", "150000" },
	};
	static const int v1_ctrl[] = { CG_V1_PIDS,   CG_V1_MEMORY, CG_V1_MEMORY,
				       CG_V1_MEMORY, CG_V1_CPU,	   CG_V1_CPU };
	static const char *const v2[][2] = {
		{ "pids.max", "64" },
		{ "memory.max", "67108864" },
		{ "memory.swap.max", "1048576" },
		{ "cpu.max", "150000 100000" },
	};
	struct cg_write w[CG_WRITES_MAX];

	ck_assert_int_eq(cg_limit_writes(CG_MODE_V1, &all, w), 6);
	for (int i = 0; i < 6; i++) {
		ck_assert_str_eq(w[i].file, v1[i][0]);
		ck_assert_str_eq(w[i].value, v1[i][1]);
		ck_assert_int_eq(w[i].ctrl, v1_ctrl[i]);
	}
	ck_assert_int_eq(cg_limit_writes(CG_MODE_V2, &all, w), 4);
	for (int i = 0; i < 4; i++) {
		ck_assert_str_eq(w[i].file, v2[i][0]);
		ck_assert_str_eq(w[i].value, v2[i][1]);
	}
	ck_assert_int_eq(cg_limit_writes(CG_MODE_V2, &none, w), 0);
	ck_assert(!cg_limits_any(&none));
	ck_assert(cg_limits_any(&all));
	ck_assert_int_eq(cg_limit_writes(CG_MODE_V1, &bad, w), -1);
	ck_assert_int_eq(cg_limit_ctrl(CG_LIMIT_SWAP), CG_V1_MEMORY);
}
END_TEST

START_TEST(origin_parse)
{
	struct cg_origin o;

	/* This host's kind: hybrid v1 with a v2 line. */
	ck_assert_int_eq(cg_parse_origin("12:pids:/slurm/uid_1001/job_5/step_0\n"
					 "11:cpu,cpuacct:/slurm/uid_1001/job_5\n"
					 "10:freezer:/slurm/uid_1001/job_5/step_0\n"
					 "4:memory:/slurm/uid_1001/job_5/step_0\n"
					 "1:name=systemd:/init.scope\n"
					 "0::/\n",
					 &o),
			 0);
	ck_assert_str_eq(o.v1[CG_V1_PIDS], "/slurm/uid_1001/job_5/step_0");
	ck_assert_str_eq(o.v1[CG_V1_CPU], "/slurm/uid_1001/job_5");
	ck_assert_str_eq(o.v1[CG_V1_FREEZER], "/slurm/uid_1001/job_5/step_0");
	ck_assert_str_eq(o.v1[CG_V1_MEMORY], "/slurm/uid_1001/job_5/step_0");
	ck_assert_str_eq(o.v2, "/");
	/* v2 only, no trailing newline. */
	ck_assert_int_eq(cg_parse_origin("0::/system.slice/slurmstepd.scope/job_7/step_0/user/task_0",
					 &o),
			 0);
	ck_assert_str_eq(o.v2, "/system.slice/slurmstepd.scope/job_7/step_0/user/task_0");
	ck_assert_str_eq(o.v1[CG_V1_PIDS], "");
	/* A cgroup name holding a newline forges a line: listed twice. */
	ck_assert_int_eq(cg_parse_origin("0::/user/evil\n0::/\n", &o), -1);
	ck_assert_str_eq(o.v2, "");
	ck_assert_int_eq(cg_parse_origin("5:pids:/a/evil\n5:pids:/\n", &o), -1);
	ck_assert_int_eq(cg_parse_origin("5:pids:/a\n7:pids,freezer:/b\n", &o), -1);
	/* Malformed. */
	ck_assert_int_eq(cg_parse_origin("0::relative\n", &o), -1);
	ck_assert_int_eq(cg_parse_origin("0::/a/../b\n", &o), -1);
	ck_assert_int_eq(cg_parse_origin("0::/a/./b\n", &o), -1);
	ck_assert_int_eq(cg_parse_origin("0::/a//b\n", &o), -1);
	ck_assert_int_eq(cg_parse_origin("0::/a/\n", &o), -1);
	ck_assert_int_eq(cg_parse_origin("0::/a b\n", &o), -1);
	ck_assert_int_eq(cg_parse_origin("0::/a\x01\n", &o), -1);
	ck_assert_int_eq(cg_parse_origin("x::/\n", &o), -1);
	ck_assert_int_eq(cg_parse_origin("1::/\n", &o), -1);
	ck_assert_int_eq(cg_parse_origin("0:/\n", &o), -1);
	ck_assert_int_eq(cg_parse_origin("\n", &o), -1);
	ck_assert_int_eq(cg_parse_origin("0::\n", &o), -1);
}
END_TEST

static Suite *cg_pure_suite(void)
{
	Suite *s = suite_create("cgroup-pure");
	TCase *names = tcase_create("names");
	TCase *values = tcase_create("values");
	TCase *detect = tcase_create("detect");
	TCase *counters = tcase_create("counters");

	tcase_add_test(names, leaf_name_valid);
	tcase_add_test(names, leaf_name_refused);
	tcase_add_test(names, leaf_parse_roundtrip);
	tcase_add_test(names, leaf_parse_refused);
	tcase_add_test(names, leaf_owner_pid);
	tcase_add_test(values, cpu_max);
	tcase_add_test(values, sizes);
	tcase_add_test(values, limit_writes);
	tcase_add_test(detect, detect_hybrid);
	tcase_add_test(detect, detect_v2);
	tcase_add_test(detect, detect_v1);
	tcase_add_test(detect, detect_none);
	tcase_add_test(detect, detect_elsewhere);
	tcase_add_test(detect, mode_names);
	tcase_add_test(counters, oom_v2);
	tcase_add_test(counters, oom_v1);
	tcase_add_test(counters, swap_total);
	tcase_add_test(names, origin_parse);
	suite_add_tcase(s, names);
	suite_add_tcase(s, values);
	suite_add_tcase(s, detect);
	suite_add_tcase(s, counters);
	return s;
}

int main(void)
{
	return nsr_ck_run(cg_pure_suite(), CK_FORK_GETENV);
}
