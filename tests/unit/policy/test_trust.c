// SPDX-License-Identifier: GPL-2.0-or-later
/* The trust walk and policy_load. The tree tests build root-owned trees
 * under /run (root-owned 0755, unlike /tmp) and chown/chmod them, so they
 * need root; without it they are skipped with a TAP comment saying so. */
#include "config.h"

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "internal.h"
#include "util.h"

static char base[64];
static char why[512];

static bool tr_file(const char *path)
{
	int fd = -1;
	int r = trust_open_file(path, &fd, why, sizeof(why));

	if (r == 0) {
		struct stat st;

		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(fstat(fd, &st), 0);
		ck_assert(S_ISREG(st.st_mode));
		ck_assert_int_eq(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
		ck_assert_int_eq(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDONLY);
		close(fd);
	} else {
		ck_assert_int_eq(fd, -1);
	}
	return r == 0;
}

static bool tr_dir(const char *path)
{
	int fd = -1;
	int r = trust_open_dir(path, &fd, why, sizeof(why));

	if (r == 0) {
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(fcntl(fd, F_GETFL) & O_PATH, O_PATH);
		close(fd);
	}
	return r == 0;
}

#define refused_because(ok, sub)                                                              \
	do {                                                                                  \
		ck_assert_msg(!(ok), "accepted");                                             \
		ck_assert_msg(strstr(why, sub) != NULL, "why \"%s\" lacks \"%s\"", why, sub); \
	} while (0)

START_TEST(system_paths)
{
	ck_assert_msg(tr_file("/etc/passwd"), "%s", why);
	ck_assert_msg(tr_dir("/etc"), "%s", why);
	ck_assert_msg(tr_dir("/"), "%s", why);
	refused_because(tr_file("/"), "not a regular file");
	refused_because(tr_file("etc/passwd"), "not an absolute path");
	refused_because(tr_file("/etc/../etc/passwd"), "not a normalised path");
	refused_because(tr_file("/etc//passwd"), "not a normalised path");
	refused_because(tr_file("/etc/./passwd"), "not a normalised path");
	refused_because(tr_dir("/etc/"), "not a normalised path");
	refused_because(tr_file("/etc"), "/etc is not a regular file");
	refused_because(tr_dir("/etc/passwd"), "/etc/passwd is not a directory");
	refused_because(tr_dir("/tmp"), "/tmp is writable by others");
	refused_because(tr_file("/nonexistent-nsrun/x.ini"), "/nonexistent-nsrun: No such file");
	refused_because(tr_file("/dev/null"), "/dev/null is not a regular file");
	refused_because(trust_open_file(NULL, &(int){ -1 }, why, sizeof(why)) == 0,
			"not an absolute path");
}
END_TEST

START_TEST(check_fd)
{
	int fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(trust_check_fd(fd, false, why, sizeof(why)), 0);
	ck_assert_int_eq(trust_check_fd(fd, true, why, sizeof(why)), -1);
	ck_assert_str_eq(why, "is not a directory");
	close(fd);
	fd = open("/tmp", O_PATH | O_CLOEXEC);
	ck_assert_int_eq(trust_check_fd(fd, true, why, sizeof(why)), -1);
	ck_assert_str_eq(why, "is writable by others");
	close(fd);
}
END_TEST

/* --check on a file in /tmp: untrusted, but its content is still checked
 * so that every problem is reported at once. */
START_TEST(check_untrusted_file)
{
	char path[] = "/tmp/nsrun-test-check.XXXXXX";
	static const char text[] = "[rootfs]\npath = /usr\n[limits]\npids = lots\n";
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	memset(&fx_pol, 0x5a, sizeof(fx_pol));
	ck_assert_int_eq(policy_check_file(path, &fx_pol, &fx_diags), -1);
	unlink(path);
	ck_assert_str_eq(fx_diags.file, path);
	ck_assert_uint_eq(fx_diags.n, 2);
	ck_assert_uint_eq(fx_diags.items[0].line, 0);
	ck_assert_str_eq(fx_diags.items[0].msg, "not trusted: /tmp is writable by others");
	ck_assert(fx_has(4, "limits.pids"));
	ck_assert_str_eq(fx_pol.rootfs, "");
	ck_assert_int_eq(policy_check_file("/nonexistent-nsrun.ini", &fx_pol, &fx_diags), -1);
	ck_assert_msg(fx_has(0, "not trusted: /nonexistent-nsrun.ini: No such file"), "%s",
		      fx_dump());
	ck_assert_uint_eq(fx_diags.n, 1);
	ck_assert_int_eq(policy_check_file("/dev/null", &fx_pol, &fx_diags), -1);
	ck_assert(fx_has(0, "not a regular file"));
}
END_TEST

/* ---- trees under /run (root) ---- */

static void mk(const char *rel, mode_t mode, uid_t uid, bool dir)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", base, rel);
	if (dir) {
		ck_assert_msg(mkdir(p, 0700) == 0, "mkdir %s", p);
	} else {
		int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

		ck_assert_msg(fd >= 0, "create %s", p);
		ck_assert_int_eq(write(fd, FX_HEAD, strlen(FX_HEAD)), (ssize_t)strlen(FX_HEAD));
		close(fd);
	}
	ck_assert_int_eq(chown(p, uid, 0), 0);
	ck_assert_int_eq(chmod(p, mode), 0);
}

static void ln(const char *target, const char *rel)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", base, rel);
	ck_assert_int_eq(symlink(target, p), 0);
}

static const char *at(const char *rel)
{
	static char p[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", base, rel);
	return p[i];
}

static void tree_setup(void)
{
	snprintf(base, sizeof(base), "/run/nsrun-test-trust.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(base));
	ck_assert_int_eq(chmod(base, 0755), 0);
	mk("pol", 0755, 0, true);
	mk("pol/dev.ini", 0644, 0, false);
	mk("pol/bad.ini", 0644, 0, false);
	mk("pol/ow.ini", 0646, 0, false);
	mk("pol/gw.ini", 0664, 0, false);
	mk("pol/user.ini", 0644, 1000, false);
	mk("pol/dir.ini", 0755, 0, true);
	ln("dev.ini", "pol/link.ini");
	ln("pol", "linkdir");
	mk("gwdir", 0775, 0, true);
	mk("gwdir/a.ini", 0644, 0, false);
	mk("sticky", 01777, 0, true);
	mk("sticky/a.ini", 0644, 0, false);
	mk("userdir", 0755, 1000, true);
	mk("userdir/a.ini", 0644, 0, false);
	mk("rootfs", 0755, 0, true);
	mk("rootfs/gw", 0775, 0, true);
	ck_assert_int_eq(mkfifo(at("pol/fifo.ini"), 0644), 0);
	{
		int fd = open(at("pol/bad.ini"), O_WRONLY | O_APPEND | O_CLOEXEC);

		ck_assert_int_ge(fd, 0);
		ck_assert_int_gt(write(fd, "[limits]\npids = many\n", 21), 0);
		close(fd);
	}
}

static int tree_rm(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p);
}

static void tree_teardown(void)
{
	if (base[0] != '\0')
		nftw(base, tree_rm, 16, FTW_DEPTH | FTW_PHYS);
}

START_TEST(tree_walk)
{
	ck_assert_msg(tr_file(at("pol/dev.ini")), "%s", why);
	ck_assert_msg(tr_dir(at("pol")), "%s", why);
	refused_because(tr_file(at("pol/ow.ini")), "ow.ini is writable by others");
	refused_because(tr_file(at("pol/gw.ini")), "gw.ini is writable by its group");
	refused_because(tr_file(at("pol/user.ini")), "user.ini is owned by uid 1000, not root");
	refused_because(tr_file(at("pol/link.ini")), "link.ini is a symbolic link");
	refused_because(tr_file(at("linkdir/dev.ini")), "linkdir is a symbolic link");
	refused_because(tr_dir(at("linkdir")), "linkdir is a symbolic link");
	refused_because(tr_file(at("gwdir/a.ini")), "gwdir is writable by its group");
	refused_because(tr_file(at("sticky/a.ini")), "sticky is writable by others");
	refused_because(tr_file(at("userdir/a.ini")), "userdir is owned by uid 1000");
	refused_because(tr_file(at("pol/dir.ini")), "dir.ini is not a regular file");
	refused_because(tr_file(at("pol/fifo.ini")), "fifo.ini is not a regular file");
	refused_because(tr_file(at("pol/none.ini")), "none.ini: No such file");
	/* the messages name the full walked path */
	ck_assert_msg(strncmp(why, base, strlen(base)) == 0, "%s", why);
}
END_TEST

START_TEST(tree_walk_at)
{
	int dfd = open(base, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int fd = -1;

	ck_assert_int_ge(dfd, 0);
	ck_assert_int_eq(trust_walk_at(dfd, base, "pol/dev.ini", false, &fd, why, sizeof(why)), 0);
	close(fd);
	ck_assert_int_eq(trust_walk_at(dfd, base, "pol/../pol/dev.ini", false, &fd, why, sizeof(why)),
			 -1);
	ck_assert_int_eq(trust_walk_at(dfd, base, "gwdir", true, &fd, why, sizeof(why)), -1);
	ck_assert_int_eq(trust_walk_at(dfd, base, "", true, &fd, why, sizeof(why)), 0);
	close(fd);
	close(dfd);
}
END_TEST

START_TEST(load_ok)
{
	struct nsr_err err = { 0 };

	ck_assert_msg(policy_load(at("pol"), "dev", &fx_pol, &fx_diags, &err) == 0, "%s / %s",
		      err.msg, fx_dump());
	ck_assert_str_eq(fx_pol.name, "dev");
	ck_assert_str_eq(fx_pol.rootfs, "/usr");
	ck_assert_str_eq(fx_diags.file, at("pol/dev.ini"));
}
END_TEST

/* Missing, untrusted and invalid policies: the caller's message is the
 * same, the diagnostics (for root and --check) tell them apart. */
START_TEST(load_refusals)
{
	static const struct {
		const char *name;
		unsigned line;
		const char *diag;
	} c[] = {
		{ "none", 0, "No such file" },	   { "gw", 0, "writable by its group" },
		{ "ow", 0, "writable by others" }, { "user", 0, "owned by uid 1000" },
		{ "link", 0, "symbolic link" },	   { "fifo", 0, "not a regular file" },
		{ "bad", 4, "limits.pids" },
	};
	size_t i;

	for (i = 0; i < NSR_ARRAY_SIZE(c); i++) {
		struct nsr_err err = { 0 };
		char want[128];

		memset(&fx_pol, 0xa5, sizeof(fx_pol));
		ck_assert_int_eq(policy_load(at("pol"), c[i].name, &fx_pol, &fx_diags, &err), -1);
		snprintf(want, sizeof(want), "policy \"%s\" is not available", c[i].name);
		ck_assert_str_eq(err.msg, want);
		ck_assert_int_eq(err.kind, NSR_E_POLICY);
		ck_assert_int_eq(err.errnum, 0);
		ck_assert_msg(fx_has(c[i].line, c[i].diag), "%s: %s", c[i].name, fx_dump());
		ck_assert_str_eq(fx_pol.rootfs, "");
		ck_assert_uint_eq(fx_pol.n_binds, 0);
	}
}
END_TEST

START_TEST(load_bad_names)
{
	static const char *const bad[] = { "../pol/dev", "Dev", "",	      "dev.ini",
					   "a/b",	 "-x",	"/etc/passwd" };
	size_t i;

	for (i = 0; i < NSR_ARRAY_SIZE(bad); i++) {
		struct nsr_err err = { 0 };

		ck_assert_int_eq(policy_load(at("pol"), bad[i], &fx_pol, &fx_diags, &err), -1);
		ck_assert_int_eq(err.kind, NSR_E_USAGE);
		ck_assert_msg(strstr(err.msg, "invalid policy name") != NULL, "%s", err.msg);
		ck_assert_msg(strstr(err.msg, bad[i]) == NULL || bad[i][0] == '\0', "%s", err.msg);
	}
	{
		struct nsr_err err = { 0 };

		ck_assert_int_eq(policy_load("relative", "dev", &fx_pol, &fx_diags, &err), -1);
		ck_assert_str_eq(err.msg, "policy \"dev\" is not available");
	}
}
END_TEST

START_TEST(check_file)
{
	char cwd[4096];

	ck_assert_msg(policy_check_file(at("pol/dev.ini"), &fx_pol, &fx_diags) == 0, "%s", fx_dump());
	ck_assert_str_eq(fx_pol.name, "dev");
	ck_assert_int_eq(policy_check_file(at("pol/bad.ini"), &fx_pol, &fx_diags), -1);
	ck_assert_uint_eq(fx_diags.n, 1);
	ck_assert(fx_has(4, "limits.pids"));
	ck_assert_int_eq(policy_check_file(at("pol/gw.ini"), &fx_pol, &fx_diags), -1);
	ck_assert_msg(fx_has(0, "not trusted: "), "%s", fx_dump());
	ck_assert(fx_has(0, "gw.ini is writable by its group"));
	ck_assert_uint_eq(fx_diags.n, 1);
	ck_assert_int_eq(policy_check_file(at("pol/link.ini"), &fx_pol, &fx_diags), -1);
	ck_assert(fx_has(0, "link.ini is a symbolic link"));
	/* relative names are walked from the real cwd */
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	ck_assert_int_eq(chdir(at("pol")), 0);
	ck_assert_msg(policy_check_file("dev.ini", &fx_pol, &fx_diags) == 0, "%s", fx_dump());
	ck_assert_str_eq(fx_diags.file, "dev.ini");
	ck_assert_msg(policy_check_file("./dev.ini", &fx_pol, &fx_diags) == 0, "%s", fx_dump());
	ck_assert_msg(policy_check_file("../pol//dev.ini", &fx_pol, &fx_diags) == 0, "%s", fx_dump());
	ck_assert_int_eq(policy_check_file("../linkdir/dev.ini", &fx_pol, &fx_diags), -1);
	ck_assert(fx_has(0, "linkdir is a symbolic link"));
	ck_assert_int_eq(policy_check_file("user.ini", &fx_pol, &fx_diags), -1);
	ck_assert(fx_has(0, "owned by uid 1000"));
	ck_assert_int_eq(chdir(cwd), 0);
}
END_TEST

START_TEST(rootfs_trust)
{
	char text[512];

	snprintf(text, sizeof(text), "[rootfs]\npath = %s\n", at("rootfs"));
	fx_assert_ok(text);
	snprintf(text, sizeof(text), "[rootfs]\npath = %s\n", at("rootfs/gw"));
	fx_assert_diag(text, 2, "gw is writable by its group");
	snprintf(text, sizeof(text), "[rootfs]\n\npath = %s\n", at("linkdir"));
	fx_assert_diag(text, 3, "linkdir is a symbolic link");
	snprintf(text, sizeof(text), "[rootfs]\npath = %s\n", at("userdir"));
	fx_assert_diag(text, 2, "owned by uid 1000");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("policy-trust");
	TCase *t = tcase_create("system");

	tcase_add_test(t, system_paths);
	tcase_add_test(t, check_fd);
	tcase_add_test(t, check_untrusted_file);
	suite_add_tcase(s, t);
	if (geteuid() == 0) {
		t = tcase_create("tree");
		tcase_add_unchecked_fixture(t, tree_setup, tree_teardown);
		tcase_add_test(t, tree_walk);
		tcase_add_test(t, tree_walk_at);
		tcase_add_test(t, load_ok);
		tcase_add_test(t, load_refusals);
		tcase_add_test(t, load_bad_names);
		tcase_add_test(t, check_file);
		tcase_add_test(t, rootfs_trust);
		suite_add_tcase(s, t);
	} else {
		printf("# SKIP trust tree tests: they chown files to root and need euid 0\n");
		fflush(stdout);
	}
	return fx_run(s);
}
