// SPDX-License-Identifier: GPL-2.0-or-later
/* The box state record (helper/state.c): its text form both ways, every
 * malformed record refused, the start time read from /proc/PID/stat text
 * (a comm with spaces and parentheses included), and a live pid's start
 * time. No privilege needed. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lock.h"
#include "state.h"
#include "../ck_run.h"

static struct box_record sample(void)
{
	struct box_record r;

	memset(&r, 0, sizeof(r));
	r.uid = 1001;
	snprintf(r.user, sizeof(r.user), "alice");
	snprintf(r.policy, sizeof(r.policy), "dev");
	snprintf(r.box, sizeof(r.box), "alice-box");
	r.init_pid = 4242;
	r.init_start = 123456789;
	r.sup_pid = 4241;
	r.sup_start = 123456700;
	r.started = 1764892800;
	snprintf(r.cgroup, sizeof(r.cgroup), "1001-alice-box-10a2b3c4d5");
	r.addr = 0x0a580002;
	r.runtime = 28800;
	r.detached = true;
	snprintf(r.command, sizeof(r.command), "/bin/sh -c sleep\\x0a 1");
	return r;
}

START_TEST(round_trip)
{
	struct box_record r = sample(), back;
	char text[2048];

	ck_assert_int_eq(state_format(&r, text, sizeof(text)), 0);
	ck_assert_int_eq(state_parse(text, &back), 0);
	ck_assert(memcmp(&r, &back, sizeof(r)) == 0);
	r.cgroup[0] = '\0';
	r.detached = false;
	ck_assert_int_eq(state_format(&r, text, sizeof(text)), 0);
	ck_assert_int_eq(state_parse(text, &back), 0);
	ck_assert_str_eq(back.cgroup, "");
	ck_assert(!back.detached);
	ck_assert_int_eq(state_format(&r, text, 64), -1);
}
END_TEST

/* Replace the first line starting with `key ` by `line` (or drop it). */
static int parse_with(const char *key, const char *line)
{
	struct box_record r = sample(), back;
	char text[2048], out[2048 + 128];
	char *p;
	size_t kl = strlen(key);

	ck_assert_int_eq(state_format(&r, text, sizeof(text)), 0);
	for (p = text; p != NULL && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, key, kl) == 0 && p[kl] == ' ')
			break;
	ck_assert(p != NULL && *p);
	char *nl = strchr(p, '\n');
	snprintf(out, sizeof(out), "%.*s%s%s", (int)(p - text), text, line, nl + 1);
	return state_parse(out, &back);
}

START_TEST(refusals)
{
	ck_assert_int_eq(parse_with("uid", "uid 1001\n"), 0);
	ck_assert_int_eq(parse_with("uid", ""), -1);			 /* missing */
	ck_assert_int_eq(parse_with("uid", "uid 1001\nuid 1001\n"), -1); /* twice */
	ck_assert_int_eq(parse_with("uid", "uid -1\n"), -1);
	ck_assert_int_eq(parse_with("uid", "uid 1x\n"), -1);
	ck_assert_int_eq(parse_with("uid", "uid 1001\nextra 1\n"), -1);
	ck_assert_int_eq(parse_with("box", "box ../etc\n"), -1);
	ck_assert_int_eq(parse_with("box", "box Alice\n"), -1);
	ck_assert_int_eq(parse_with("policy", "policy a/b\n"), -1);
	ck_assert_int_eq(parse_with("init", "init 0 5\n"), -1);
	ck_assert_int_eq(parse_with("init", "init 12\n"), -1);
	ck_assert_int_eq(parse_with("init", "init 12 x\n"), -1);
	ck_assert_int_eq(parse_with("init", "init 99999999 1\n"), -1);
	ck_assert_int_eq(parse_with("cgroup", "cgroup ../x\n"), -1);
	ck_assert_int_eq(parse_with("cgroup", "cgroup a/b\n"), -1);
	ck_assert_int_eq(parse_with("cgroup", "cgroup ..\n"), -1);
	ck_assert_int_eq(parse_with("detached", "detached 2\n"), -1);
	ck_assert_int_eq(parse_with("addr", "addr 4294967296\n"), -1);
	ck_assert_int_eq(parse_with("command", "command a\tb\n"), -1);
	ck_assert_int_eq(parse_with("command", "command \n"), 0);
	ck_assert_int_eq(state_parse("uid 1\n", &(struct box_record){ 0 }), -1);
	ck_assert_int_eq(state_parse("", &(struct box_record){ 0 }), -1);
	ck_assert_int_eq(state_parse("uid 1", &(struct box_record){ 0 }), -1);
}
END_TEST

START_TEST(stat_start_time)
{
	uint64_t t = 0;
	const char *plain = "4242 (sleep) S 1 4242 4242 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 "
			    "987654 2293760 130 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0\n";
	const char *odd = "4242 (a) b) S 1 2) S 1 4242 4242 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 "
			  "55 2293760 130\n";

	ck_assert_int_eq(state_parse_stat_start(plain, &t), 0);
	ck_assert_uint_eq(t, 987654);
	ck_assert_int_eq(state_parse_stat_start(odd, &t), 0);
	ck_assert_uint_eq(t, 55);
	ck_assert_int_eq(state_parse_stat_start("4242 (x) S 1 2 3", &t), -1);
	ck_assert_int_eq(state_parse_stat_start("no parenthesis", &t), -1);

	uint64_t a = 0, b = 0;
	ck_assert_int_eq(state_pid_start(getpid(), &a), 0);
	ck_assert_int_eq(state_pid_start(getpid(), &b), 0);
	ck_assert_uint_eq(a, b);
	ck_assert_int_eq(state_pid_start(0, &a), -1);
}
END_TEST

START_TEST(lock_held_probe)
{
	/* The gc's shortcut (lock_box_held_at): held only while someone
	 * holds the box's lock; a free lock file, a missing one, a bad
	 * directory fd: not held. The probe leaves the holder's lock alone
	 * and takes none that outlives it. */
	char dir[] = "/tmp/nsr-lockheld-XXXXXX";
	int dfd, fd, fd2;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(dfd, 0);
	ck_assert(!lock_box_held_at(dfd, 1001, "box"));
	fd = openat(dfd, "1001-box.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert(!lock_box_held_at(dfd, 1001, "box"));
	ck_assert_int_eq(flock(fd, LOCK_EX | LOCK_NB), 0);
	ck_assert(lock_box_held_at(dfd, 1001, "box"));
	ck_assert(!lock_box_held_at(dfd, 1002, "box"));
	ck_assert(!lock_box_held_at(-1, 1001, "box"));
	/* still ours: another open file cannot take it */
	fd2 = openat(dfd, "1001-box.lock", O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(fd2, 0);
	ck_assert_int_ne(flock(fd2, LOCK_EX | LOCK_NB), 0);
	ck_assert_int_eq(flock(fd, LOCK_UN), 0);
	ck_assert(!lock_box_held_at(dfd, 1001, "box"));
	/* and the probe kept nothing: an exclusive lock is free to take */
	ck_assert_int_eq(flock(fd2, LOCK_EX | LOCK_NB), 0);
	close(fd2);
	close(fd);
	unlinkat(dfd, "1001-box.lock", 0);
	close(dfd);
	rmdir(dir);
}
END_TEST

START_TEST(lock_box_outlasts_probe)
{
	/* A gc's probe or sweep holds a box's lock for a moment: a start
	 * of that box waits it out instead of being told the box runs;
	 * a box whose supervisor holds the lock is still refused. Root
	 * only (the state dir must be root's, rootdir.h): main() runs it
	 * only as root, and says so otherwise. */
	char dir[] = "/tmp/nsr-lockprobe-XXXXXX", path[600];
	struct nsr_err err = { 0 };
	struct lock_held lk;
	int ready[2], st;
	pid_t pid;
	char c;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(lock_box(dir, 1001, "box", &lk, &err), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct lock_held other;
		struct nsr_err e2 = { 0 };
		_exit(lock_box(dir, 1001, "box", &other, &e2) < 0 && e2.kind == NSR_E_BUSY ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a held box was not refused");
	lock_release(&lk);

	/* Someone else's probe: a shared lock held for 5 ms. */
	snprintf(path, sizeof(path), "%s/locks/1001-box.lock", dir);
	ck_assert_int_eq(pipe(ready), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0 || flock(fd, LOCK_SH | LOCK_NB) < 0 || write(ready[1], "r", 1) != 1)
			_exit(1);
		usleep(5000);
		_exit(0);
	}
	close(ready[1]);
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	ck_assert_msg(lock_box(dir, 1001, "box", &lk, &err) == 0, "refused during a probe: %s",
		      err.msg);
	lock_release(&lk);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(ready[0]);
	snprintf(path, sizeof(path), "%s/locks", dir);
	rmdir(path);
	rmdir(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("state");
	TCase *t = tcase_create("record");

	tcase_add_test(t, round_trip);
	tcase_add_test(t, refusals);
	tcase_add_test(t, stat_start_time);
	tcase_add_test(t, lock_held_probe);
	if (geteuid() == 0) {
		tcase_add_test(t, lock_box_outlasts_probe);
	} else {
		const char *must = getenv("NSRUN_MUST_WORK");
		if (must != NULL && strcmp(must, "1") == 0)
			return nsr_ck_cannot_run("lock_box_outlasts_probe", "needs root");
		printf("# lock_box_outlasts_probe not run: needs root (a root-owned state dir)\n");
	}
	suite_add_tcase(s, t);
	return nsr_ck_run(s, CK_FORK_GETENV);
}
