// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The cgroup library against this host's real hierarchies (v1 or v2):
 * leaves with limits, enter, OOM count, kill, destroy, gc. Root only; the
 * tests skip with a reason otherwise. Every leaf is named with this run's
 * pid and uid 4242, and the tcase teardown removes whatever is left.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "../ck_run.h"

#define T_UID 4242

static pid_t t_runner;
static enum cg_mode t_mode;
static char t_lockdir[64];
static struct cg_handoff *t_handoff; /* t_spawn's child enters through it */

static void t_box(const char *tag, char *out, size_t sz)
{
	snprintf(out, sz, "cgt%d-%s", (int)t_runner, tag);
}

/* Path of a leaf file: v1 in the hierarchy of controller c, v2 flat. */
static void t_path(const char *leaf, int c, const char *file, char *out, size_t sz)
{
	struct cg_mounts m;
	const char *base;

	ck_assert_int_eq(cg_read_mounts(&m, NULL), 0);
	base = t_mode == CG_MODE_V1 ? m.v1[c] : m.v2;
	if (t_mode == CG_MODE_V2 && access("/run/systemd/system", F_OK) == 0)
		snprintf(out, sz, "%s/nsrun.slice/nsrun-cgroup.service/nsrun/%s/%s", base, leaf,
			 file);
	else
		snprintf(out, sz, "%s/nsrun/%s/%s", base, leaf, file);
}

static void t_read(const char *leaf, int c, const char *file, char *buf, size_t sz)
{
	char path[CG_PATH_MAX * 2];
	FILE *f;
	size_t n;

	t_path(leaf, c, file, path, sizeof(path));
	f = fopen(path, "re");
	ck_assert_msg(f != NULL, "open %s: %s", path, strerror(errno));
	n = fread(buf, 1, sz - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

static bool t_leaf_exists(const char *leaf, int c)
{
	char path[CG_PATH_MAX * 2];
	struct stat st;

	t_path(leaf, c, "", path, sizeof(path));
	return stat(path, &st) == 0;
}

/* A child that waits for a byte on the pipe, then runs fn. */
static pid_t t_spawn(int *go_fd, void (*fn)(void))
{
	int p[2];
	pid_t pid;
	char c;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(p[1]);
		if (cg_handoff_child(t_handoff, NULL) < 0)
			_exit(6);
		if (read(p[0], &c, 1) != 1)
			_exit(3);
		fn();
		_exit(0);
	}
	close(p[0]);
	*go_fd = p[1];
	return pid;
}

static void t_go(int fd)
{
	ck_assert_int_eq(write(fd, "g", 1), 1);
	close(fd);
}

static void t_pause(void)
{
	for (;;)
		pause();
}

static void t_forker(void)
{
	for (int i = 0; i < 5; i++)
		if (fork() == 0)
			t_pause();
	t_pause();
}

static void t_hog(void)
{
	size_t sz = 128u << 20;
	char *p = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		_exit(4);
	for (size_t i = 0; i < sz; i += 4096)
		p[i] = 1;
	_exit(5); /* not reached under a 16M limit */
}

static const struct cg_limits t_lim = {
	.has_pids = true,
	.has_memory = true,
	.has_swap = true,
	.has_cpu = true,
	.pids = 64,
	.memory = 64u << 20,
	.swap = 0,
	.cpu_milli = 500,
};

START_TEST(live_limits_enter_kill_destroy)
{
	struct nsr_err err = { 0 };
	struct cg_box *cg = NULL;
	char box[64], v[128], leaf[128];
	uint64_t ooms = 7;
	pid_t pid;
	int go, st;
	struct stat sb;
	char path[CG_PATH_MAX * 2];

	t_box("a", box, sizeof(box));
	ck_assert_msg(cg_create(t_mode, T_UID, box, &t_lim, &cg, &err) == 0, "cg_create: %s",
		      err.msg);
	snprintf(leaf, sizeof(leaf), "%s", cg->leaf);
	ck_assert_msg(strncmp(leaf, "4242-", 5) == 0, "leaf %s", leaf);
	ck_assert(cg->has_memory_limit);
	ck_assert_int_eq(cg_handoff_new(cg, &t_handoff, &err), 0);
	t_read(leaf, CG_V1_PIDS, "pids.max", v, sizeof(v));
	ck_assert_str_eq(v, "64");
	t_path(leaf, CG_V1_PIDS, "", path, sizeof(path));
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_uint_eq(sb.st_uid, 0);
	ck_assert_uint_eq(sb.st_mode & 07777, 0755);
	if (t_mode == CG_MODE_V1) {
		t_read(leaf, CG_V1_MEMORY, "memory.limit_in_bytes", v, sizeof(v));
		ck_assert_str_eq(v, "67108864");
		t_read(leaf, CG_V1_MEMORY, "memory.memsw.limit_in_bytes", v, sizeof(v));
		ck_assert_str_eq(v, "67108864");
		t_read(leaf, CG_V1_CPU, "cpu.cfs_quota_us", v, sizeof(v));
		ck_assert_str_eq(v, "50000");
		t_read(leaf, CG_V1_CPU, "cpu.cfs_period_us", v, sizeof(v));
		ck_assert_str_eq(v, "100000");
		ck_assert(t_leaf_exists(leaf, CG_V1_FREEZER));
		/* v1: the child moves itself (cg_handoff_child in t_spawn). */
		ck_assert_int_eq(cg_handoff_clone_fd(t_handoff), -1);
	} else {
		t_read(leaf, 0, "memory.max", v, sizeof(v));
		ck_assert_str_eq(v, "67108864");
		t_read(leaf, 0, "cpu.max", v, sizeof(v));
		ck_assert_str_eq(v, "50000 100000");
		/* v2: born in the leaf; here (fork) the supervisor's
		 * fallback moves it instead. */
		ck_assert_int_ge(cg_handoff_clone_fd(t_handoff), 0);
		cg_handoff_clone_refused(t_handoff);
		ck_assert_int_eq(cg_handoff_clone_fd(t_handoff), -1);
	}

	pid = t_spawn(&go, t_pause);
	ck_assert_msg(cg_handoff_parent(t_handoff, pid, &err) == 0, "hand-off: %s", err.msg);
	cg_handoff_free(&t_handoff);
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	{
		bool found = false;
		for (int i = 0; i < 200 && !found; i++) {
			FILE *f = fopen(path, "re");
			char line[512];
			ck_assert_ptr_nonnull(f);
			while (fgets(line, sizeof(line), f))
				if (strstr(line, leaf))
					found = true;
			fclose(f);
			if (!found)
				usleep(5000);
		}
		ck_assert_msg(found, "child not in %s", leaf);
	}
	t_go(go);
	ck_assert_int_eq(cg_oom_kills(cg, &ooms), 0);
	ck_assert_uint_eq(ooms, 0);
	ck_assert_msg(cg_kill_all(cg, &err) == 0, "kill: %s", err.msg);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	ck_assert_msg(cg_destroy(&cg, &err) == 0, "destroy: %s", err.msg);
	for (int c = 0; c < (t_mode == CG_MODE_V1 ? CG_V1_N : 1); c++)
		ck_assert_msg(!t_leaf_exists(leaf, c), "leaf %d left", c);
	ck_assert_int_eq(cg_destroy(&cg, &err), 0); /* idempotent */
}
END_TEST

START_TEST(live_kill_forked_tree)
{
	struct nsr_err err = { 0 };
	struct cg_box *cg = NULL;
	char box[64], leaf[128];
	int go;
	pid_t pid;

	t_box("b", box, sizeof(box));
	ck_assert_msg(cg_create(t_mode, T_UID, box, &t_lim, &cg, &err) == 0, "cg_create: %s",
		      err.msg);
	pid = t_spawn(&go, t_forker);
	ck_assert_int_eq(cg_enter_pid(cg, pid, &err), 0);
	t_go(go);
	for (int i = 0; i < 200; i++) {
		int fd = t_mode == CG_MODE_V1 ? cg->v1_dfd[CG_V1_PIDS] : cg->leaf_dfd;
		if (cg_fs_count_procs(fd) == 6)
			break;
		usleep(5000);
	}
	ck_assert_int_eq(cg_fs_count_procs(t_mode == CG_MODE_V1 ? cg->v1_dfd[CG_V1_PIDS] :
								  cg->leaf_dfd),
			 6);
	snprintf(leaf, sizeof(leaf), "%s", cg->leaf);
	ck_assert_msg(cg_destroy(&cg, &err) == 0, "destroy: %s", err.msg);
	ck_assert_ptr_null(cg);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	ck_assert(!t_leaf_exists(leaf, CG_V1_PIDS));
}
END_TEST

/* The kill loop signals a pid only while it is in the leaf: a pid read
 * from cgroup.procs that exited and was reused elsewhere is spared. */
START_TEST(live_signal_only_members)
{
	struct nsr_err err = { 0 };
	struct cg_box *cg = NULL;
	char box[64];
	int go_in, go_out, st;
	pid_t in, out;

	t_box("m", box, sizeof(box));
	ck_assert_msg(cg_create(t_mode, T_UID, box, &t_lim, &cg, &err) == 0, "cg_create: %s",
		      err.msg);
	int fd = t_mode == CG_MODE_V1 ? cg->v1_dfd[CG_V1_PIDS] : cg->leaf_dfd;
	in = t_spawn(&go_in, t_pause);
	out = t_spawn(&go_out, t_pause);
	ck_assert_int_eq(cg_enter_pid(cg, in, &err), 0);
	t_go(go_in);
	t_go(go_out);
	cg_fs_signal_member(fd, out, SIGKILL);
	usleep(20000);
	ck_assert_int_eq(waitpid(out, &st, WNOHANG), 0); /* not in the leaf: alive */
	cg_fs_signal_member(fd, in, SIGKILL);
	ck_assert_int_eq(waitpid(in, &st, 0), in);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	kill(out, SIGKILL);
	waitpid(out, NULL, 0);
	ck_assert_msg(cg_destroy(&cg, &err) == 0, "destroy: %s", err.msg);
}
END_TEST

START_TEST(live_oom_counted)
{
	struct cg_limits lim = { .has_memory = true, .memory = 16u << 20, .has_swap = true, .swap = 0 };
	struct nsr_err err = { 0 };
	struct cg_box *cg = NULL;
	char box[64];
	uint64_t ooms = 0;
	int go, st;
	pid_t pid;

	t_box("c", box, sizeof(box));
	ck_assert_msg(cg_create(t_mode, T_UID, box, &lim, &cg, &err) == 0, "cg_create: %s", err.msg);
	pid = t_spawn(&go, t_hog);
	ck_assert_int_eq(cg_enter_pid(cg, pid, &err), 0);
	t_go(go);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status %#x", st);
	ck_assert_int_eq(cg_oom_kills(cg, &ooms), 0);
	ck_assert_uint_ge(ooms, 1);
	ck_assert_int_eq(cg_destroy(&cg, &err), 0);
}
END_TEST

static int t_lockfile(const char *box, bool hold)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%d-%s.lock", t_lockdir, T_UID, box);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	if (hold)
		ck_assert_int_eq(flock(fd, LOCK_EX | LOCK_NB), 0);
	return fd;
}

/* Parents of the live mode ("nsrun" in each hierarchy), for cg_attach. */
static void t_parents(int parents[CG_V1_N])
{
	struct cg_mounts m;

	for (int c = 0; c < CG_V1_N; c++)
		parents[c] = -1;
	ck_assert_int_eq(cg_read_mounts(&m, NULL), 0);
	if (t_mode == CG_MODE_V1)
		cg_v1_open_parents(&m, parents, NULL);
	else
		cg_v2_open_parent(&m, &parents[0], NULL);
}

/* A leaf of box made by a process that is gone (nsrun killed -9). */
static void t_orphan(const char *box, char *leaf, size_t sz)
{
	struct cg_limits lim = { .has_pids = true, .pids = 32 };
	int p[2], st;
	pid_t maker;
	ssize_t n;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	maker = fork();
	ck_assert_int_ge(maker, 0);
	if (maker == 0) {
		struct cg_box *orphan = NULL;
		if (cg_create(t_mode, T_UID, box, &lim, &orphan, NULL) < 0)
			_exit(1);
		if (write(p[1], orphan->leaf, strlen(orphan->leaf) + 1) < 0)
			_exit(2);
		_exit(0);
	}
	close(p[1]);
	memset(leaf, 0, sz);
	n = read(p[0], leaf, sz - 1);
	close(p[0]);
	ck_assert_int_eq(waitpid(maker, &st, 0), maker);
	ck_assert_int_gt(n, 0);
	ck_assert(t_leaf_exists(leaf, CG_V1_PIDS));
}

START_TEST(live_gc)
{
	struct cg_limits lim = { .has_pids = true, .pids = 32 };
	struct nsr_err err = { 0 };
	struct cg_box *held_cg = NULL, *live_cg = NULL, *victim_cg = NULL;
	char b_free[64], b_held[64], b_nolock[64], b_live[64], prefix[64];
	char l_free[128], l_stale[128], l_nolock[128], lockpath[512];
	int go, fd_free, fd_held, fd_live, st, parents[CG_V1_N];
	pid_t victim;

	t_box("gfree", b_free, sizeof(b_free));
	t_box("gheld", b_held, sizeof(b_held));
	t_box("gnolock", b_nolock, sizeof(b_nolock));
	t_box("glive", b_live, sizeof(b_live));
	fd_free = t_lockfile(b_free, false);
	fd_held = t_lockfile(b_held, true);
	fd_live = t_lockfile(b_live, false);

	/* Kept: the running box of a held lock, and a leaf whose lock is
	 * free but whose creator (this process) lives. */
	ck_assert_int_eq(cg_create(t_mode, T_UID, b_held, &lim, &held_cg, &err), 0);
	ck_assert_int_eq(cg_create(t_mode, T_UID, b_live, &lim, &live_cg, &err), 0);
	/* Removed: orphans with a free lock (and a process left in it), with
	 * no lock file, and the empty leftover of the held box. */
	t_orphan(b_free, l_free, sizeof(l_free));
	t_orphan(b_nolock, l_nolock, sizeof(l_nolock));
	t_orphan(b_held, l_stale, sizeof(l_stale));
	t_parents(parents);
	ck_assert_int_eq(cg_attach(t_mode, parents, l_free, &victim_cg, &err), 0);
	victim = t_spawn(&go, t_pause);
	ck_assert_int_eq(cg_enter_pid(victim_cg, victim, &err), 0);
	t_go(go);
	cg_box_close(victim_cg); /* the leaf stays for gc */
	free(victim_cg);

	snprintf(prefix, sizeof(prefix), "%d-cgt%d-g", T_UID, (int)t_runner);
	ck_assert_msg(cg_gc_match(t_mode, t_lockdir, prefix, &err) == 3, "gc: %s", err.msg);
	ck_assert_int_eq(waitpid(victim, &st, 0), victim);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	ck_assert(!t_leaf_exists(l_free, CG_V1_PIDS));
	ck_assert(!t_leaf_exists(l_nolock, CG_V1_PIDS));
	ck_assert(!t_leaf_exists(l_stale, CG_V1_PIDS));
	ck_assert(t_leaf_exists(held_cg->leaf, CG_V1_PIDS));
	ck_assert(t_leaf_exists(live_cg->leaf, CG_V1_PIDS));
	/* Nothing more to collect; gc never creates lock files. */
	ck_assert_int_eq(cg_gc_match(t_mode, t_lockdir, prefix, &err), 0);
	snprintf(lockpath, sizeof(lockpath), "%s/%d-%s.lock", t_lockdir, T_UID, b_nolock);
	ck_assert_int_eq(access(lockpath, F_OK), -1);
	ck_assert_int_eq(cg_destroy(&held_cg, &err), 0);
	ck_assert_int_eq(cg_destroy(&live_cg, &err), 0);
	for (int c = 0; c < CG_V1_N; c++)
		if (parents[c] >= 0)
			close(parents[c]);
	close(fd_free);
	close(fd_held);
	close(fd_live);
}
END_TEST

static void t_setup(void)
{
	snprintf(t_lockdir, sizeof(t_lockdir), "/run/nsrun-cgtest-%d", (int)t_runner);
	mkdir(t_lockdir, 0700);
}

/* Runs in the runner process after the tcase, failed tests included:
 * removes every leaf of this run, whoever made it. */
static void t_teardown(void)
{
	char prefix[64], path[512];
	int parents[CG_V1_N];
	struct dirent *de;
	DIR *d;

	snprintf(prefix, sizeof(prefix), "%d-cgt%d-", T_UID, (int)t_runner);
	t_parents(parents);
	for (int c = 0; c < CG_V1_N; c++) {
		int fd = parents[c] < 0 ? -1 : dup(parents[c]);
		d = fd < 0 ? NULL : fdopendir(fd);
		while (d && (de = readdir(d)) != NULL) {
			struct cg_box *cg = NULL;
			if (strncmp(de->d_name, prefix, strlen(prefix)) != 0)
				continue;
			if (cg_attach(t_mode, parents, de->d_name, &cg, NULL) == 0)
				cg_destroy(&cg, NULL);
		}
		if (d)
			closedir(d);
		if (parents[c] >= 0)
			close(parents[c]);
	}
	d = opendir(t_lockdir);
	while (d && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", t_lockdir, de->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(t_lockdir);
}

int main(void)
{
	Suite *s = suite_create("cgroup-live");
	TCase *tc = tcase_create("live");

	t_runner = getpid();
	t_mode = cg_detect();
	if (geteuid() != 0 || t_mode == CG_MODE_NONE)
		return nsr_ck_cannot_run("cgroup-live", geteuid() != 0 ?
								"live cgroup tests need root" :
								"no usable cgroup mode");
	tcase_set_timeout(tc, 60);
	tcase_add_unchecked_fixture(tc, t_setup, t_teardown);
	tcase_add_test(tc, live_limits_enter_kill_destroy);
	tcase_add_test(tc, live_kill_forked_tree);
	tcase_add_test(tc, live_signal_only_members);
	tcase_add_test(tc, live_oom_counted);
	tcase_add_test(tc, live_gc);
	suite_add_tcase(s, tc);
	return nsr_ck_run(s, CK_FORK_GETENV);
}
