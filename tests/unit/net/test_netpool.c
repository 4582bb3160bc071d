// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * helper/net/pool.c against the real kernel, as root, each test in a
 * child of its own with a private mount namespace (a tmpfs over /run
 * holds the state dir) and a network namespace of its own standing in
 * for the host's: the pool's mounts and namespaces die with the child,
 * and the host's network is never touched. Covers filling, claiming
 * once only (also by racing processes), the collection of leftovers,
 * and every check on claim against a pool tampered with. Skips (TAP
 * "1..0 # SKIP") without root, fails under NSRUN_MUST_WORK=1.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "net/internal.h"
#include "net/pool.h"
#include "../ck_run.h"

#define SD "/run/st"
#define PD SD "/" NETNS_POOL_DIR

static pid_t holder; /* a process in a netns of a test's making */

static void setup(void)
{
	ck_assert_int_eq(unshare(CLONE_NEWNS | CLONE_NEWNET), 0);
	ck_assert_int_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
	ck_assert_int_eq(mount("tmpfs", "/run", "tmpfs", 0, "mode=0755"), 0);
	ck_assert_int_eq(mkdir(SD, 0755), 0);
	holder = 0;
}

static void teardown(void)
{
	if (holder > 0) {
		kill(holder, SIGKILL);
		waitpid(holder, NULL, 0);
	}
}

static ino_t ino_of(const char *path)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	return st.st_ino;
}

static ino_t here(void)
{
	return ino_of("/proc/thread-self/ns/net");
}

static uint64_t cookie_here(void)
{
	uint64_t c = 0;
	socklen_t len = sizeof(c);
	int s = socket(AF_UNIX, SOCK_DGRAM, 0);

	ck_assert_int_ge(s, 0);
	ck_assert_int_eq(getsockopt(s, SOL_SOCKET, 71 /* SO_NETNS_COOKIE */, &c, &len), 0);
	close(s);
	return c;
}

/* The cookie-named entries now in the pool. */
static int entries(char names[][17], int max)
{
	DIR *d = opendir(PD);
	struct dirent *de;
	uint64_t c;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL)
		if (netns_pool_parse_name(de->d_name, &c) == 0) {
			if (n < max)
				memcpy(names[n], de->d_name, 17); /* 16 hex + NUL */
			n++;
		}
	closedir(d);
	return n;
}

/* The one entry of a pool filled with one; its path in buf. */
static const char *only_entry(char *buf, size_t sz)
{
	char names[4][17];

	ck_assert_int_eq(netns_pool_fill(SD, 1, 1), 1);
	ck_assert_int_eq(entries(names, 4), 1);
	snprintf(buf, sz, PD "/%s", names[0]);
	return buf;
}

/* Run fn inside the netns at path, then come back. */
static void in_netns(const char *path, void (*fn)(void))
{
	int host = open("/proc/thread-self/ns/net", O_RDONLY);
	int ns = open(path, O_RDONLY);

	ck_assert_int_ge(host, 0);
	ck_assert_int_ge(ns, 0);
	ck_assert_int_eq(setns(ns, CLONE_NEWNET), 0);
	fn();
	ck_assert_int_eq(setns(host, CLONE_NEWNET), 0);
	close(ns);
	close(host);
}

/* A claim of the (tampered) pool must use nothing, say why, leave us in
 * our own netns, and the entry must be gone after done. */
static void refused(const char *want)
{
	struct netns_claim c;
	char names[4][17];
	ino_t before = here();

	ck_assert_int_eq(netns_pool_enter(SD, &c), 0);
	ck_assert_msg(strstr(c.why, want) != NULL, "why \"%s\" lacks \"%s\"", c.why, want);
	ck_assert_uint_eq(here(), before);
	netns_pool_done(&c);
	ck_assert_int_eq(entries(names, 4), 0);
}

/* A process in a new netns (owned by a new user namespace too when
 * userns); its netns path in path. */
static void spawn_holder(bool userns, char *path, size_t sz)
{
	int p[2];
	char ch;

	ck_assert_int_eq(pipe(p), 0);
	holder = fork();
	ck_assert_int_ge(holder, 0);
	if (holder == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (unshare(CLONE_NEWNET | (userns ? CLONE_NEWUSER : 0)) < 0)
			_exit(1);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &ch, 1), 1);
	close(p[0]);
	snprintf(path, sz, "/proc/%d/ns/net", (int)holder);
}

/* Replace the entry's netns by the one at nspath; forge: also rename the
 * entry after that netns's cookie, so that only the checks that do not
 * rest on the name are left to refuse it. The entry's path in out. */
static void replace_netns(const char *entry, const char *nspath, bool forge, char *out, size_t sz)
{
	char ns[620];
	int host, fd;
	uint64_t cookie;

	snprintf(ns, sizeof(ns), "%s/ns", entry);
	ck_assert_int_eq(umount2(ns, MNT_DETACH), 0);
	ck_assert_int_eq(mount(nspath, ns, NULL, MS_BIND, NULL), 0);
	snprintf(out, sz, "%s", entry);
	if (!forge)
		return;
	host = open("/proc/thread-self/ns/net", O_RDONLY);
	fd = open(nspath, O_RDONLY);
	ck_assert_int_ge(host, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(setns(fd, CLONE_NEWNET), 0);
	cookie = cookie_here();
	ck_assert_int_eq(setns(host, CLONE_NEWNET), 0);
	close(fd);
	close(host);
	snprintf(out, sz, PD "/%016llx", (unsigned long long)cookie);
	ck_assert_int_eq(rename(entry, out), 0);
}

START_TEST(entry_names)
{
	char n[17];
	uint64_t c;

	netns_pool_name(0x1234abcdULL, n);
	ck_assert_str_eq(n, "000000001234abcd");
	ck_assert_int_eq(netns_pool_parse_name(n, &c), 0);
	ck_assert_uint_eq(c, 0x1234abcdULL);
	ck_assert_int_eq(netns_pool_parse_name("ffffffffffffffff", &c), 0);
	ck_assert_uint_eq(c, ~0ULL);
	ck_assert_int_eq(netns_pool_parse_name("000000001234ABCD", &c), -1);
	ck_assert_int_eq(netns_pool_parse_name("000000001234abc", &c), -1);
	ck_assert_int_eq(netns_pool_parse_name("000000001234abcd0", &c), -1);
	ck_assert_int_eq(netns_pool_parse_name("t.1234", &c), -1);
	ck_assert_int_eq(netns_pool_parse_name("c.1.000000001234abcd", &c), -1);
	ck_assert_int_eq(netns_pool_parse_name("", &c), -1);
}
END_TEST

START_TEST(fill_claim_once)
{
	struct netns_claim c;
	char names[8][17];
	ino_t host = here();
	uint64_t first;
	struct stat st;

	ck_assert_int_eq(netns_pool_enter(SD, &c), 0); /* no pool yet */
	ck_assert_str_eq(c.why, "");
	netns_pool_done(&c);
	ck_assert_int_eq(netns_pool_fill(SD, 3, 3), 3);
	ck_assert_int_eq(stat(PD, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0700);
	ck_assert_uint_eq(st.st_uid, 0);
	ck_assert_int_eq(entries(names, 8), 3);
	ck_assert_int_eq(netns_pool_fill(SD, 3, 3), 0); /* full */

	ck_assert_int_eq(netns_pool_enter(SD, &c), 1);
	ck_assert_uint_ne(here(), host);
	ck_assert_uint_eq(cookie_here(), c.cookie);
	ck_assert_int_eq(netns_pool_leave(&c), 0);
	ck_assert_uint_eq(here(), host);
	first = c.cookie;
	netns_pool_done(&c);
	ck_assert_int_eq(entries(names, 8), 2);
	for (int i = 0; i < 2; i++) {
		uint64_t v;
		ck_assert_int_eq(netns_pool_parse_name(names[i], &v), 0);
		ck_assert_uint_ne(v, first);
	}
	/* The other two, then nothing: each used once only. */
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(netns_pool_enter(SD, &c), 1);
		ck_assert_uint_ne(c.cookie, first);
		ck_assert_int_eq(netns_pool_leave(&c), 0);
		netns_pool_done(&c);
	}
	ck_assert_int_eq(netns_pool_enter(SD, &c), 0);
	ck_assert_str_eq(c.why, "");
	netns_pool_done(&c);
	ck_assert_int_eq(netns_pool_fill(SD, 3, 1), 1); /* bounded by max_new */
	ck_assert_int_eq(entries(names, 8), 1);
}
END_TEST

/* Processes racing for a pool of 4: each entry goes to exactly one. */
START_TEST(claim_race)
{
	enum {
		N = 12
	};
	int p[2], got = 0, status;
	uint64_t seen[N], v;
	pid_t kids[N];

	ck_assert_int_eq(netns_pool_fill(SD, 4, 4), 4);
	ck_assert_int_eq(pipe(p), 0);
	for (int i = 0; i < N; i++) {
		kids[i] = fork();
		ck_assert_int_ge(kids[i], 0);
		if (kids[i] == 0) {
			struct netns_claim c;
			if (netns_pool_enter(SD, &c) == 1) {
				uint64_t ck = cookie_here();
				if (ck != c.cookie || netns_pool_leave(&c) < 0 ||
				    write(p[1], &ck, sizeof(ck)) != sizeof(ck))
					_exit(2);
				netns_pool_done(&c);
			}
			_exit(0);
		}
	}
	close(p[1]);
	while (read(p[0], &v, sizeof(v)) == sizeof(v)) {
		for (int j = 0; j < got; j++)
			ck_assert_msg(seen[j] != v, "netns %016llx claimed twice",
				      (unsigned long long)v);
		ck_assert_int_lt(got, N);
		seen[got++] = v;
	}
	for (int i = 0; i < N; i++) {
		ck_assert_int_eq(waitpid(kids[i], &status, 0), kids[i]);
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	ck_assert_int_eq(got, 4);
}
END_TEST

static void lo_up(void)
{
	ck_assert_int_eq(net_lo_up(NULL), 0);
}

static void lo_addr(void)
{
	net_cleanup_sock struct net_sock s = { 0 };

	ck_assert_int_eq(net_sock_open(&s, NULL), 0);
	ck_assert_int_eq(net_do(&s, nlmsg_addr_add(NET_REQ(s), 1, 0x0a090909, 32)), 0);
}

static void low_ports(void)
{
	int fd = open("/proc/sys/net/ipv4/ip_unprivileged_port_start", O_WRONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "0", 1), 1);
	close(fd);
}

START_TEST(tamper_lo_up)
{
	char e[600], ns[620];

	only_entry(e, sizeof(e));
	snprintf(ns, sizeof(ns), "%s/ns", e);
	in_netns(ns, lo_up);
	refused("not lo alone and down");
}
END_TEST

START_TEST(tamper_address)
{
	char e[600], ns[620];

	only_entry(e, sizeof(e));
	snprintf(ns, sizeof(ns), "%s/ns", e);
	in_netns(ns, lo_addr);
	refused("addresses");
}
END_TEST

START_TEST(tamper_sysctl)
{
	char e[600], ns[620];

	only_entry(e, sizeof(e));
	snprintf(ns, sizeof(ns), "%s/ns", e);
	in_netns(ns, low_ports);
	refused("sysctls are not those it was made with");
}
END_TEST

/* Another netns, a process inside it: not the one made for the entry. */
START_TEST(tamper_foreign_netns)
{
	char e[600], nsp[64], out[600];

	only_entry(e, sizeof(e));
	spawn_holder(false, nsp, sizeof(nsp));
	replace_netns(e, nsp, false, out, sizeof(out));
	refused("not the namespace made for the entry");
}
END_TEST

/* The host's own netns (ours, here): never handed out. */
START_TEST(tamper_host_netns)
{
	char e[600], out[600];

	only_entry(e, sizeof(e));
	replace_netns(e, "/proc/self/ns/net", false, out, sizeof(out));
	refused("not the namespace made for the entry");
}
END_TEST

/* A netns owned by a user namespace, forged to carry the right name: the
 * owner check alone refuses it. */
START_TEST(tamper_user_owned)
{
	char e[600], nsp[64], out[600];

	only_entry(e, sizeof(e));
	spawn_holder(true, nsp, sizeof(nsp));
	replace_netns(e, nsp, true, out, sizeof(out));
	refused("owner is not our own user namespace");
}
END_TEST

START_TEST(tamper_regular_file)
{
	char e[600], ns[620];

	only_entry(e, sizeof(e));
	snprintf(ns, sizeof(ns), "%s/ns", e);
	ck_assert_int_eq(umount2(ns, MNT_DETACH), 0);
	refused("not a namespace");
}
END_TEST

START_TEST(tamper_symlink)
{
	char e[600], ns[620];

	only_entry(e, sizeof(e));
	snprintf(ns, sizeof(ns), "%s/ns", e);
	ck_assert_int_eq(umount2(ns, MNT_DETACH), 0);
	ck_assert_int_eq(unlink(ns), 0);
	ck_assert_int_eq(symlink("/proc/self/ns/net", ns), 0);
	refused("not a namespace");
}
END_TEST

/* A namespace of another type on the ns file. */
START_TEST(tamper_other_type)
{
	char e[600], out[600];

	only_entry(e, sizeof(e));
	replace_netns(e, "/proc/self/ns/uts", false, out, sizeof(out));
	refused("not a network namespace");
}
END_TEST

/* The entry itself a symlink to a good entry kept elsewhere. */
START_TEST(tamper_entry_symlink)
{
	char e[600], names[4][17];

	only_entry(e, sizeof(e));
	ck_assert_int_eq(mkdir(SD "/elsewhere", 0700), 0);
	ck_assert_int_eq(rename(e, SD "/elsewhere/x"), 0);
	ck_assert_int_eq(symlink(SD "/elsewhere/x", e), 0);
	ck_assert_int_eq(entries(names, 4), 1);
	refused("not a root-owned directory");
}
END_TEST

START_TEST(tamper_entry_open)
{
	char e[600];

	only_entry(e, sizeof(e));
	ck_assert_int_eq(chmod(e, 0777), 0);
	refused("not a root-owned directory");
}
END_TEST

START_TEST(tamper_no_record)
{
	char e[600], rec[620];

	only_entry(e, sizeof(e));
	snprintf(rec, sizeof(rec), "%s/sysctl", e);
	ck_assert_int_eq(unlink(rec), 0);
	refused("sysctl record");
}
END_TEST

/* Leftovers of dead processes and junk go; a live process's do not. */
START_TEST(gc_leftovers)
{
	char live[32], names[4][17];
	struct stat st;
	int fd;

	ck_assert_int_eq(netns_pool_fill(SD, 1, 1), 1);
	ck_assert_int_eq(mkdir(PD "/t.999999999", 0700), 0);
	ck_assert_int_eq(mkdir(PD "/c.999999999.0000000000000001", 0700), 0);
	fd = open(PD "/junk", O_CREAT | O_WRONLY, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(mkdir(PD "/00000000deadbeef", 0700), 0); /* nothing mounted */
	snprintf(live, sizeof(live), PD "/t.%d", (int)getpid());
	ck_assert_int_eq(mkdir(live, 0700), 0);
	ck_assert_int_eq(netns_pool_gc(SD), 4);
	ck_assert_int_eq(stat(live, &st), 0);
	ck_assert_int_eq(entries(names, 4), 1);
	ck_assert_int_eq(stat(PD "/junk", &st), -1);
}
END_TEST

static const char *skip_reason(void)
{
	pid_t pid;
	int status;

	if (geteuid() != 0)
		return "needs root";
	pid = fork();
	if (pid == 0)
		_exit(unshare(CLONE_NEWNET | CLONE_NEWNS) == 0 ? 0 : 1);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return "cannot create network and mount namespaces here";
	return NULL;
}

int main(void)
{
	const char *why = skip_reason();
	Suite *s = suite_create("netpool");
	TCase *tc = tcase_create("pool");

	if (why != NULL)
		return nsr_ck_cannot_run("netpool", why);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, entry_names);
	tcase_add_test(tc, fill_claim_once);
	tcase_add_test(tc, claim_race);
	tcase_add_test(tc, tamper_lo_up);
	tcase_add_test(tc, tamper_address);
	tcase_add_test(tc, tamper_sysctl);
	tcase_add_test(tc, tamper_foreign_netns);
	tcase_add_test(tc, tamper_host_netns);
	tcase_add_test(tc, tamper_user_owned);
	tcase_add_test(tc, tamper_regular_file);
	tcase_add_test(tc, tamper_symlink);
	tcase_add_test(tc, tamper_other_type);
	tcase_add_test(tc, tamper_entry_symlink);
	tcase_add_test(tc, tamper_entry_open);
	tcase_add_test(tc, tamper_no_record);
	tcase_add_test(tc, gc_leftovers);
	suite_add_tcase(s, tc);
	/* Every test unshares its own namespaces: it must run in a child. */
	return nsr_ck_run(s, CK_FORK);
}
