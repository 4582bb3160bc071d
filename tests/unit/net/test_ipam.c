// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * helper/ipam.c: the strict lease-file parser, formatting, address
 * picking with an injected liveness function, /proc/PID/stat parsing, and
 * the file operations in a temp state dir (concurrent acquires included).
 * Needs no privilege: the state dir only has to belong to the caller.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "net/ipam.h"
#include "../ck_run.h"

#define IP(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (d))
#define NET IP(10, 88, 0, 0)
#define GW IP(10, 88, 0, 1)

static struct ipam_table tab;
static struct nsr_err err;

static int parse_str(const char *s)
{
	memset(&err, 0, sizeof(err));
	return ipam_parse(s, strlen(s), &tab, &err);
}

static void add(uint32_t addr, uid_t uid, pid_t pid)
{
	struct ipam_lease *l = &tab.leases[tab.n++];

	*l = (struct ipam_lease){ .addr = addr, .uid = uid, .pid = pid, .starttime = 1 };
	strcpy(l->box, "b");
}

/* Holders with an even pid are alive. */
static bool even_alive(const struct ipam_lease *l, void *ctx)
{
	(*(int *)ctx)++;
	return l->pid % 2 == 0;
}

static int pick(unsigned prefix, uint32_t gw, uid_t uid, unsigned per_user, uint32_t *a)
{
	int calls = 0;

	memset(&err, 0, sizeof(err));
	return ipam_pick(&tab, NET, prefix, gw, uid, per_user, even_alive, &calls, a, &err);
}

START_TEST(parse_good)
{
	const char *text = "10.88.0.2 1000 4242 123456 alice-box\n"
			   "10.88.0.7 0 1 0 b\n";

	ck_assert_int_eq(parse_str(text), 0);
	ck_assert_uint_eq(tab.n, 2);
	ck_assert_uint_eq(tab.leases[0].addr, IP(10, 88, 0, 2));
	ck_assert_uint_eq(tab.leases[0].uid, 1000);
	ck_assert_int_eq(tab.leases[0].pid, 4242);
	ck_assert_uint_eq(tab.leases[0].starttime, 123456);
	ck_assert_str_eq(tab.leases[0].box, "alice-box");
	ck_assert_uint_eq(tab.leases[1].addr, IP(10, 88, 0, 7));
	ck_assert_int_eq(tab.leases[1].pid, 1);
	ck_assert_int_eq(parse_str(""), 0);
	ck_assert_uint_eq(tab.n, 0);
	ck_assert_int_eq(parse_str("10.88.0.3 4294967294 2147483647 18446744073709551615 "
				   "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij012\n"),
			 0);
	ck_assert_uint_eq(tab.leases[0].starttime, UINT64_MAX);
	ck_assert_uint_eq(strlen(tab.leases[0].box), 63);
}
END_TEST

static const struct {
	const char *text;
	const char *msg;
} bad[] = {
	{ "10.88.0.256 1000 4242 1 a\n", "line 1: bad address" },
	{ "10.88.0 1000 4242 1 a\n", "line 1: bad address" },
	{ "010.88.0.2 1000 4242 1 a\n", "line 1: bad address" },
	{ "10.88.0.2x 1000 4242 1 a\n", "line 1: bad address" },
	{ "10.88.0.2 1000 4242 1 a\n10.88.0.2 1001 4243 1 b\n", "line 2: address leased twice" },
	{ "hello\n", "line 1: 1 fields, want 5" },
	{ "10.88.0.2 1000 4242 1\n", "line 1: 4 fields, want 5" },
	{ "10.88.0.2 1000 4242 1 a extra\n", "line 1: trailing garbage" },
	{ "10.88.0.2 1000 4242 1 a \n", "line 1: trailing garbage" },
	{ "10.88.0.2  1000 4242 1 a\n", "line 1: empty uid" },
	{ "\n", "line 1: empty address" },
	{ "10.88.0.2 1000 4242 1 a", "line 1: no newline at end" },
	{ "10.88.0.2 1000 4242 1 a\r\n", "line 1: bad box name" },
	{ "10.88.0.2\t1000 4242 1 a b c d\n", "line 1: trailing garbage" },
	{ "10.88.0.2 -1 4242 1 a\n", "line 1: bad uid" },
	{ "10.88.0.2 4294967295 4242 1 a\n", "line 1: bad uid" },
	{ "10.88.0.2 01000 4242 1 a\n", "line 1: bad uid" },
	{ "10.88.0.2 1000 0 1 a\n", "line 1: bad pid" },
	{ "10.88.0.2 1000 2147483648 1 a\n", "line 1: bad pid" },
	{ "10.88.0.2 1000 +4 1 a\n", "line 1: bad pid" },
	{ "10.88.0.2 1000 4 18446744073709551616 a\n", "line 1: bad start time" },
	{ "10.88.0.2 1000 4 1x a\n", "line 1: bad start time" },
	{ "10.88.0.2 1000 4 1 Alice\n", "line 1: bad box name" },
	{ "10.88.0.2 1000 4 1 -a\n", "line 1: bad box name" },
	{ "10.88.0.2 1000 4 1 a/b\n", "line 1: bad box name" },
	{ "10.88.0.2 1000 4 1 "
	  "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij0123\n",
	  "line 1: bad box name" },
	{ "10.88.0.2 1000 4 1 a\n#comment\n", "line 2: 1 fields, want 5" },
};

START_TEST(parse_bad)
{
	ck_assert_int_eq(parse_str(bad[_i].text), -1);
	ck_assert_str_eq(err.msg, bad[_i].msg);
	ck_assert_int_eq(err.kind, NSR_E_SETUP);
}
END_TEST

START_TEST(parse_overlong_nul_many)
{
	char line[300];
	static char many[(IPAM_MAX_LEASES + 1) * 32];
	size_t pos = 0;

	memset(line, 'a', sizeof(line));
	memcpy(line, "10.88.0.2 1 2 3 ", 16);
	line[sizeof(line) - 2] = '\n';
	line[sizeof(line) - 1] = '\0';
	ck_assert_int_eq(parse_str(line), -1);
	ck_assert_str_eq(err.msg, "line 1: too long");

	ck_assert_int_eq(ipam_parse("10.88.0.2 1 2 3 a\0\n", 19, &tab, &err), -1);
	ck_assert_str_eq(err.msg, "line 1: NUL byte");

	for (unsigned i = 0; i <= IPAM_MAX_LEASES; i++)
		pos += (size_t)snprintf(many + pos, sizeof(many) - pos, "10.%u.%u.1 1 2 3 a\n",
					i / 256, i % 256);
	ck_assert_int_eq(parse_str(many), -1);
	ck_assert_str_eq(err.msg, "more than 1024 leases");
}
END_TEST

START_TEST(format_round_trip)
{
	const char *text = "10.88.0.2 1000 4242 123456 alice-box\n"
			   "192.168.255.254 4294967294 7 18446744073709551615 z9-x\n";
	char out[512];
	struct ipam_table *back = calloc(1, sizeof(*back));

	ck_assert_int_eq(parse_str(text), 0);
	ck_assert_int_eq(ipam_format(&tab, out, sizeof(out)), (int)strlen(text));
	ck_assert_str_eq(out, text);
	ck_assert_int_eq(ipam_parse(out, strlen(out), back, &err), 0);
	ck_assert_uint_eq(back->n, tab.n);
	ck_assert_mem_eq(back->leases, tab.leases, tab.n * sizeof(tab.leases[0]));
	/* Too small an output buffer is refused, never truncated silently. */
	ck_assert_int_eq(ipam_format(&tab, out, strlen(text)), -1);
	ck_assert_int_eq(ipam_format(&tab, out, 0), -1);
	tab.n = 0;
	ck_assert_int_eq(ipam_format(&tab, out, 1), 0);
	ck_assert_str_eq(out, "");
	free(back);
}
END_TEST

START_TEST(pick_order)
{
	uint32_t a = 0;

	tab.n = 0;
	ck_assert_int_eq(pick(24, GW, 1000, 100, &a), 0);
	ck_assert_uint_eq(a, IP(10, 88, 0, 2));
	add(IP(10, 88, 0, 2), 1000, 2);
	add(IP(10, 88, 0, 4), 1000, 4);
	ck_assert_int_eq(pick(24, GW, 1000, 100, &a), 0);
	ck_assert_uint_eq(a, IP(10, 88, 0, 3));
	add(a, 1000, 6);
	ck_assert_int_eq(pick(24, GW, 1000, 100, &a), 0);
	ck_assert_uint_eq(a, IP(10, 88, 0, 5));
	/* A gateway elsewhere frees .1, which is then the lowest. */
	ck_assert_int_eq(pick(24, IP(10, 88, 0, 254), 1000, 100, &a), 0);
	ck_assert_uint_eq(a, IP(10, 88, 0, 1));
}
END_TEST

/* ipam_acquire keeps its table static and never clears it (only the
 * leases in use are touched): parse, pick and format must read nothing past n.
 * Every byte past the leases in use is made an address that would be
 * taken, and every result must be what a zeroed table gives. */
START_TEST(past_n_never_read)
{
	const char *text = "10.88.0.2 1000 2 1 a\n10.88.0.4 1001 4 1 b\n";
	uint32_t want = 0, a = 0;
	char out[256];

	for (int garbage = 0; garbage < 2; garbage++) {
		struct ipam_lease poison = { .addr = IP(10, 88, 0, 3), .uid = 1000, .pid = 2 };

		memset(&tab, 0, sizeof(tab));
		if (garbage)
			for (size_t i = 0; i < IPAM_MAX_LEASES; i++)
				tab.leases[i] = poison;
		tab.n = garbage ? IPAM_MAX_LEASES : 0; /* parse must reset it */
		ck_assert_int_eq(parse_str(text), 0);
		ck_assert_uint_eq(tab.n, 2);
		if (garbage)
			ck_assert_uint_eq(tab.leases[2].addr, IP(10, 88, 0, 3));
		ck_assert_int_eq(ipam_format(&tab, out, sizeof(out)), (int)strlen(text));
		ck_assert_str_eq(out, text);
		ck_assert_int_eq(pick(24, GW, 1000, 100, &a), 0);
		if (garbage)
			ck_assert_uint_eq(a, want);
		want = a;
	}
	ck_assert_uint_eq(want, IP(10, 88, 0, 3));
}
END_TEST

START_TEST(pick_skips_and_exhausts)
{
	uint32_t a = 0, seen = 0;

	/* /30: .0 network, .1 gateway, .3 broadcast: only .2. */
	tab.n = 0;
	ck_assert_int_eq(pick(30, GW, 1000, 100, &a), 0);
	ck_assert_uint_eq(a, IP(10, 88, 0, 2));
	add(a, 1000, 2);
	ck_assert_int_eq(pick(30, GW, 1000, 100, &a), -1);
	ck_assert_str_eq(err.msg, "no free address in 10.88.0.0/30");
	ck_assert_int_eq(err.kind, NSR_E_BUSY);

	/* /29 with the gateway in the middle: .1 .2 .4 .5 .6, never .0 .3 .7. */
	tab.n = 0;
	for (;;) {
		if (pick(29, IP(10, 88, 0, 3), 1000, 100, &a) < 0)
			break;
		ck_assert_uint_ne(a, IP(10, 88, 0, 0));
		ck_assert_uint_ne(a, IP(10, 88, 0, 3));
		ck_assert_uint_ne(a, IP(10, 88, 0, 7));
		seen |= 1u << (a & 7);
		add(a, 1000, (pid_t)(2 * (tab.n + 1)));
	}
	ck_assert_uint_eq(seen, 0x76);
	ck_assert_str_eq(err.msg, "no free address in 10.88.0.0/29");
}
END_TEST

START_TEST(pick_reclaims_dead)
{
	uint32_t a = 0;

	tab.n = 0;
	add(IP(10, 88, 0, 2), 1000, 2);
	add(IP(10, 88, 0, 3), 1000, 3); /* odd pid: dead */
	add(IP(10, 88, 0, 4), 1001, 5); /* dead */
	add(IP(10, 88, 0, 5), 1001, 6);
	ck_assert_int_eq(pick(24, GW, 1000, 100, &a), 0);
	ck_assert_uint_eq(a, IP(10, 88, 0, 3));
	ck_assert_uint_eq(tab.n, 2);
	ck_assert_uint_eq(tab.leases[0].addr, IP(10, 88, 0, 2));
	ck_assert_uint_eq(tab.leases[1].addr, IP(10, 88, 0, 5));
}
END_TEST

START_TEST(pick_per_user)
{
	uint32_t a = 0;

	tab.n = 0;
	add(IP(10, 88, 0, 2), 1000, 2);
	add(IP(10, 88, 0, 3), 1000, 4);
	add(IP(10, 88, 0, 4), 1001, 6);
	ck_assert_int_eq(pick(24, GW, 1000, 2, &a), -1);
	ck_assert_str_eq(err.msg, "per-user limit of 2 bridged boxes reached");
	ck_assert_int_eq(err.kind, NSR_E_BUSY);
	ck_assert_int_eq(pick(24, GW, 1001, 2, &a), 0);
	ck_assert_uint_eq(a, IP(10, 88, 0, 5));
	ck_assert_int_eq(pick(24, GW, 1000, 3, &a), 0);
	/* A dead holder's lease does not count. */
	tab.leases[1].pid = 7;
	ck_assert_int_eq(pick(24, GW, 1000, 2, &a), 0);
	ck_assert_uint_eq(a, IP(10, 88, 0, 3));
	/* 0 is no limit at all. */
	for (unsigned i = 0; i < 50; i++)
		add(IP(10, 88, 0, 10 + i), 1000, (pid_t)(100 + 2 * i));
	ck_assert_int_eq(pick(24, GW, 1000, 0, &a), 0);
	ck_assert_int_eq(pick(24, GW, 1000, 50, &a), -1);
}
END_TEST

START_TEST(pick_outside_subnet_and_bad_subnet)
{
	uint32_t a = 0;

	/* A live lease of another subnet stays and counts for its user. */
	tab.n = 0;
	add(IP(10, 99, 0, 2), 1000, 2);
	ck_assert_int_eq(pick(24, GW, 1000, 1, &a), -1);
	ck_assert_int_eq(pick(24, GW, 1001, 1, &a), 0);
	ck_assert_uint_eq(a, IP(10, 88, 0, 2));
	ck_assert_uint_eq(tab.n, 1);

	ck_assert_int_eq(pick(31, GW, 1000, 9, &a), -1);
	ck_assert_str_eq(err.msg, "subnet 10.88.0.0/31 is too small");
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(ipam_pick(&tab, IP(10, 88, 0, 5), 24, GW, 1000, 9, even_alive, &(int){ 0 },
				   &a, &err),
			 -1);
	ck_assert_str_eq(err.msg, "10.88.0.5/24 is not a network address");
}
END_TEST

START_TEST(stat_starttime)
{
	uint64_t st = 0, st2 = 0;
	char text[512];

	snprintf(text, sizeof(text),
		 "42 (a) b (c) S 1 42 42 0 -1 4194560 100 0 0 0 "
		 "1 2 0 0 20 0 1 0 987654321 1000 10 18446744073709551615\n");
	ck_assert_int_eq(ipam_stat_starttime(text, &st), 0);
	ck_assert_uint_eq(st, 987654321);
	ck_assert_int_eq(ipam_stat_starttime("42 (x) S 1 2 3\n", &st), -1);
	ck_assert_int_eq(ipam_stat_starttime("no paren", &st), -1);

	ck_assert_int_eq(ipam_self_starttime(getpid(), &st), 0);
	ck_assert_int_eq(ipam_self_starttime(getpid(), &st2), 0);
	ck_assert_uint_eq(st, st2);
	ck_assert_uint_gt(st, 0);
}
END_TEST

START_TEST(holder_alive)
{
	struct ipam_lease l = { .pid = getpid() };
	pid_t child;

	ck_assert_int_eq(ipam_self_starttime(getpid(), &l.starttime), 0);
	ck_assert(ipam_holder_alive(&l, NULL));
	l.starttime++;
	ck_assert(!ipam_holder_alive(&l, NULL)); /* pid reused by another */
	child = fork();
	if (child == 0)
		_exit(0);
	ck_assert_int_eq(waitpid(child, NULL, 0), child);
	l.pid = child;
	ck_assert(!ipam_holder_alive(&l, NULL)); /* gone */
}
END_TEST

/* ------------------------------------------------------------- files */

static char sdir[64];
static char lfile[128]; /* an older nsrun's single lease file */
static char adir[128];	/* one lock file per address */

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void mk_state(void)
{
	strcpy(sdir, "/tmp/nsr-ipam-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(sdir));
	snprintf(lfile, sizeof(lfile), "%s/leases/nsbr0", sdir);
	snprintf(adir, sizeof(adir), "%s/leases/nsbr0:addr", sdir);
}

static void rm_state(void)
{
	nftw(sdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void read_file(const char *path, char *buf, size_t sz)
{
	FILE *f = fopen(path, "r");
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sz - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void write_lfile(const char *text)
{
	char d[128];
	FILE *f;

	snprintf(d, sizeof(d), "%s/leases", sdir);
	mkdir(d, 0700);
	f = fopen(lfile, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* The address files there, "A B " sorted as readdir gives them. */
static int n_addr_files(void)
{
	char p[160];
	int n = 0;

	for (int i = 1; i < 255; i++) {
		snprintf(p, sizeof(p), "%s/10.88.0.%d", adir, i);
		n += access(p, F_OK) == 0;
	}
	return n;
}

static int acquire(uid_t uid, unsigned per_user, const char *box, uint32_t *a, int *fd)
{
	memset(&err, 0, sizeof(err));
	return ipam_acquire(sdir, "nsbr0", NET, 24, GW, uid, per_user, box, a, fd, &err);
}

START_TEST(file_acquire_release)
{
	char text[512], want[512], p[160];
	struct stat st;
	uint32_t a = 0, b = 0, c = 0;
	int fa = -1, fb = -1, fc = -1;
	uint64_t me;

	mk_state();
	ck_assert_int_eq(ipam_self_starttime(getpid(), &me), 0);
	ck_assert_int_eq(acquire(1000, 4, "alice-box", &a, &fa), 0);
	ck_assert_int_eq(acquire(1000, 4, "second", &b, &fb), 0);
	ck_assert_uint_eq(a, IP(10, 88, 0, 2));
	ck_assert_uint_eq(b, IP(10, 88, 0, 3));
	ck_assert_int_ge(fa, 0);
	snprintf(want, sizeof(want), "10.88.0.2 1000 %d %llu alice-box\n", getpid(),
		 (unsigned long long)me);
	snprintf(p, sizeof(p), "%s/10.88.0.2", adir);
	read_file(p, text, sizeof(text));
	ck_assert_str_eq(text, want);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	ck_assert_int_eq(stat(adir, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0700);
	/* per_user counts the held files of this user. */
	ck_assert_int_eq(acquire(1000, 2, "third", &c, &fc), -1);
	ck_assert_str_eq(err.msg, "per-user limit of 2 bridged boxes reached");
	ck_assert_int_eq(fc, -1);

	ck_assert_int_eq(ipam_release(sdir, "nsbr0", a, &fa, &err), 0);
	ck_assert_int_eq(fa, -1);
	ck_assert_int_eq(access(p, F_OK), -1);
	/* The freed address is handed out again. */
	ck_assert_int_eq(acquire(1001, 4, "bob", &a, &fa), 0);
	ck_assert_uint_eq(a, IP(10, 88, 0, 2));
	ck_assert_int_eq(ipam_release(sdir, "nsbr0", a, &fa, &err), 0);
	ck_assert_int_eq(ipam_release(sdir, "nsbr0", b, &fb, &err), 0);
	/* Nothing held: no address file left, nor the users' lease locks;
	 * releasing again is fine. */
	ck_assert_int_eq(n_addr_files(), 0);
	snprintf(p, sizeof(p), "%s/u1000.lock", adir);
	ck_assert_int_eq(access(p, F_OK), -1);
	ck_assert_int_eq(ipam_release(sdir, "nsbr0", b, &fb, &err), 0);
	rm_state();
}
END_TEST

START_TEST(file_held_and_stale)
{
	char p[160];
	uint32_t a = 0;
	int fa = -1, held;

	mk_state();
	ck_assert_int_eq(acquire(1000, 4, "first", &a, &fa), 0); /* makes the dirs */
	ck_assert_int_eq(ipam_release(sdir, "nsbr0", a, &fa, &err), 0);
	/* .2 held by someone (a lock on another open file, as another
	 * process's would be; its line not written yet: taken all the same),
	 * .3 and .9 left by dead holders (not locked). */
	snprintf(p, sizeof(p), "%s/10.88.0.2", adir);
	held = open(p, O_RDWR | O_CREAT, 0600);
	ck_assert_int_ge(held, 0);
	ck_assert_int_eq(flock(held, LOCK_EX | LOCK_NB), 0);
	snprintf(p, sizeof(p), "%s/10.88.0.3", adir);
	close(open(p, O_RDWR | O_CREAT, 0600));
	snprintf(p, sizeof(p), "%s/10.88.0.9", adir);
	close(open(p, O_RDWR | O_CREAT, 0600));
	ck_assert_int_eq(acquire(1000, 4, "mine", &a, &fa), 0);
	ck_assert_uint_eq(a, IP(10, 88, 0, 3)); /* held skipped, stale reclaimed */
	ck_assert_int_eq(access(p, F_OK), -1);	/* the other stale one removed */
	ck_assert_int_eq(ipam_release(sdir, "nsbr0", a, &fa, &err), 0);
	close(held);
	ck_assert_int_eq(ipam_gc(sdir), 1); /* .2, no longer held */
	ck_assert_int_eq(n_addr_files(), 0);
	rm_state();
}
END_TEST

/* A claim writes its own line over whatever a dead holder left in the
 * file, cut to the new line's length, and never truncates the file to 0
 * first (ext4 would then flush the data on the last close): a longer
 * stale line, a shorter one and a new file all end up as exactly the
 * claimer's line; a file another holder has locked is not claimed. */
START_TEST(file_claim_over_stale)
{
	static const char *const stale[] = {
		"10.88.0.2 4242 99999 123456789012 an-older-and-much-longer-box-name\n", "x\n",
		NULL, /* no file yet */
	};
	struct ipam_lease l = { .addr = IP(10, 88, 0, 2), .uid = 1000, .pid = 0, .box = "b" };
	char text[512], want[512], p[160];
	uint32_t a = 0;
	int fa = -1, adfd, fd, held;

	mk_state();
	ck_assert_int_eq(acquire(1000, 4, "first", &a, &fa), 0); /* makes the dirs */
	ck_assert_int_eq(ipam_release(sdir, "nsbr0", a, &fa, &err), 0);
	adfd = open(adir, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(adfd, 0);
	l.pid = getpid();
	ck_assert_int_eq(ipam_self_starttime(getpid(), &l.starttime), 0);
	snprintf(want, sizeof(want), "10.88.0.2 1000 %d %llu b\n", getpid(),
		 (unsigned long long)l.starttime);
	snprintf(p, sizeof(p), "%s/10.88.0.2", adir);
	for (size_t i = 0; i < sizeof(stale) / sizeof(stale[0]); i++) {
		if (stale[i] != NULL) {
			FILE *f = fopen(p, "w");
			ck_assert_ptr_nonnull(f);
			fputs(stale[i], f);
			ck_assert_int_eq(fclose(f), 0);
		}
		fd = -1;
		ck_assert_int_eq(ipam_claim_at(adfd, &l, &fd), 1);
		ck_assert_int_ge(fd, 0);
		read_file(p, text, sizeof(text));
		ck_assert_str_eq(text, want);
		ck_assert_int_eq(ipam_release(sdir, "nsbr0", l.addr, &fd, &err), 0);
		ck_assert_int_eq(access(p, F_OK), -1);
	}
	/* Held by another open file: not ours, and left as it is. */
	held = open(p, O_RDWR | O_CREAT, 0600);
	ck_assert_int_ge(held, 0);
	ck_assert_int_eq(flock(held, LOCK_EX | LOCK_NB), 0);
	ck_assert_int_eq(write(held, "x\n", 2), 2);
	fd = -1;
	ck_assert_int_eq(ipam_claim_at(adfd, &l, &fd), 0);
	ck_assert_int_eq(fd, -1);
	read_file(p, text, sizeof(text));
	ck_assert_str_eq(text, "x\n");
	close(held);
	close(adfd);
	rm_state();
}
END_TEST

START_TEST(file_legacy)
{
	char text[256];
	uint32_t a = 0;
	int fa = -1;
	uint64_t me;

	mk_state();
	ck_assert_int_eq(ipam_self_starttime(getpid(), &me), 0);
	/* An older nsrun's lease of a live holder is honoured (and counts
	 * for per_user); one of a dead holder is not; the file is never
	 * written. */
	snprintf(text, sizeof(text), "10.88.0.2 1000 %d %llu old\n10.88.0.3 1000 1 1 dead\n",
		 getpid(), (unsigned long long)me);
	write_lfile(text);
	ck_assert_int_eq(acquire(1000, 1, "mine", &a, &fa), -1);
	ck_assert_str_eq(err.msg, "per-user limit of 1 bridged boxes reached");
	ck_assert_int_eq(acquire(1000, 4, "mine", &a, &fa), 0);
	ck_assert_uint_eq(a, IP(10, 88, 0, 3));
	ck_assert_int_eq(ipam_release(sdir, "nsbr0", a, &fa, &err), 0);
	read_file(lfile, text, sizeof(text));
	ck_assert_ptr_nonnull(strstr(text, " dead\n"));
	/* A corrupt one is refused and left as it is. */
	write_lfile("10.88.0.2 1000 1 1 a\ngarbage\n");
	ck_assert_int_eq(acquire(1000, 4, "mine", &a, &fa), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "is corrupt (delete it when no bridged box runs)"));
	ck_assert_ptr_nonnull(strstr(err.msg, "line 2: 1 fields, want 5"));
	ck_assert_int_eq(fa, -1);
	read_file(lfile, text, sizeof(text));
	ck_assert_str_eq(text, "10.88.0.2 1000 1 1 a\ngarbage\n");
	rm_state();
}
END_TEST

START_TEST(file_unsafe_refused)
{
	char text[256];
	uint32_t a = 0;
	int fa = -1;

	mk_state();
	ck_assert_int_eq(chmod(sdir, 0777), 0);
	ck_assert_int_eq(acquire(1000, 4, "mine", &a, &fa), -1);
	ck_assert_msg(strstr(err.msg, "not a root-owned directory closed to group and others"),
		      "%s", err.msg);
	ck_assert_int_eq(chmod(sdir, 0700), 0);
	snprintf(text, sizeof(text), "%s/leases", sdir);
	ck_assert_int_eq(mkdir(text, 0700), 0);
	ck_assert_int_eq(symlink("/etc/passwd", lfile), 0);
	ck_assert_int_eq(acquire(1000, 4, "mine", &a, &fa), -1);
	ck_assert_int_eq(err.errnum, ELOOP);
	ck_assert_int_eq(ipam_acquire(sdir, "../x", NET, 24, GW, 1000, 4, "m", &a, &fa, &err), -1);
	ck_assert_int_eq(ipam_acquire(sdir, "nsbr0", NET, 24, GW, 1000, 4, "Bad", &a, &fa, &err), -1);
	ck_assert_str_eq(err.msg, "bad lease holder");
	ck_assert_int_eq(fa, -1);
	rm_state();
}
END_TEST

/* Children acquire at once and stay alive until all have answered: every
 * address must be distinct. */
START_TEST(file_concurrent)
{
	enum {
		N = 24
	};
	int res[2], go[2];
	pid_t kids[N];
	uint32_t got[N];

	mk_state();
	ck_assert_int_eq(pipe(res), 0);
	ck_assert_int_eq(pipe(go), 0);
	for (int i = 0; i < N; i++) {
		kids[i] = fork();
		ck_assert_int_ge(kids[i], 0);
		if (kids[i] == 0) {
			uint32_t a = 0;
			int fd = -1;
			char c;

			close(go[1]);
			if (acquire(2000 + (uid_t)i, 1, "k", &a, &fd) < 0)
				a = 0;
			if (write(res[1], &a, sizeof(a)) != sizeof(a))
				_exit(1);
			if (read(go[0], &c, 1) < 0)
				_exit(1);
			_exit(ipam_release(sdir, "nsbr0", a, &fd, &err) < 0);
		}
	}
	close(go[0]);
	for (int i = 0; i < N; i++) {
		ck_assert_int_eq(read(res[0], &got[i], sizeof(got[i])), sizeof(got[i]));
		ck_assert_uint_ge(got[i], IP(10, 88, 0, 2));
		ck_assert_uint_le(got[i], IP(10, 88, 0, N + 1));
		for (int j = 0; j < i; j++)
			ck_assert_uint_ne(got[i], got[j]);
	}
	close(go[1]);
	for (int i = 0; i < N; i++) {
		int status;

		ck_assert_int_eq(waitpid(kids[i], &status, 0), kids[i]);
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	ck_assert_int_eq(n_addr_files(), 0);
	rm_state();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ipam");
	TCase *tc = tcase_create("pure");
	TCase *tf = tcase_create("files");

	tcase_add_test(tc, parse_good);
	tcase_add_loop_test(tc, parse_bad, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, parse_overlong_nul_many);
	tcase_add_test(tc, format_round_trip);
	tcase_add_test(tc, pick_order);
	tcase_add_test(tc, past_n_never_read);
	tcase_add_test(tc, pick_skips_and_exhausts);
	tcase_add_test(tc, pick_reclaims_dead);
	tcase_add_test(tc, pick_per_user);
	tcase_add_test(tc, pick_outside_subnet_and_bad_subnet);
	tcase_add_test(tc, stat_starttime);
	tcase_add_test(tc, holder_alive);
	tcase_add_test(tf, file_acquire_release);
	tcase_add_test(tf, file_held_and_stale);
	tcase_add_test(tf, file_claim_over_stale);
	tcase_add_test(tf, file_legacy);
	tcase_add_test(tf, file_unsafe_refused);
	tcase_add_test(tf, file_concurrent);
	tcase_set_timeout(tf, 30);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, tf);
	return nsr_ck_run(s, CK_FORK_GETENV);
}
