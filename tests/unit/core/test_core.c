// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for the pure parts of the start path: argv parsing, the
 * plan builder (expansion, mounts, environment), generated /etc files,
 * log escaping, TERM validation, the root-owned directory opener. No
 * privilege needed (as root, that opener is also seen to accept). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "mount/etcfiles.h"
#include "log.h"
#include "plan.h"
#include "rootdir.h"
#include "sanitize.h"
#include "util.h"
#include "../ck_run.h"

#define ARGV(...) ((char *const[]){ __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *const[]){ __VA_ARGS__ }) / sizeof(char *)))
/* Only for results that do not point into argv: a compound literal dies at
 * the end of ck_assert's block. Tests that read a.req.argv or a.files use an
 * argv array of their own. */
#define PARSE(out, err, ...) args_parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), out, err)

START_TEST(args_start_with_command)
{
	struct args_parsed a;
	struct nsr_err e = { 0 };
	char *const argv[] = { "nsrun", "--policy", "dev", "alice-box", "--", "make", "test", NULL };

	ck_assert_int_eq(args_parse(7, argv, &a, &e), 0);
	ck_assert_int_eq(a.mode, ARGS_MODE_START);
	ck_assert_str_eq(a.req.policy, "dev");
	ck_assert_str_eq(a.req.box, "alice-box");
	ck_assert_int_eq(a.req.argc, 2);
	ck_assert_str_eq(a.req.argv[0], "make");
	ck_assert_str_eq(a.req.argv[1], "test");
}
END_TEST

START_TEST(args_command_without_dashdash)
{
	struct args_parsed a;
	struct nsr_err e = { 0 };
	char *const argv[] = { "nsrun", "-p", "dev", "b", "ls", "-l", "--policy", NULL };

	ck_assert_int_eq(args_parse(7, argv, &a, &e), 0);
	ck_assert_int_eq(a.req.argc, 3);
	ck_assert_str_eq(a.req.argv[2], "--policy");
}
END_TEST

START_TEST(args_defaults_and_modes)
{
	struct args_parsed a;
	struct nsr_err e = { 0 };
	char *const check[] = { "nsrun", "--check", "a.ini", "b.ini", NULL };

	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--policy=dev", "--dry-run", "b"), 0);
	ck_assert(a.req.dry_run);
	ck_assert_ptr_null(a.req.argv);
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--version"), 0);
	ck_assert_int_eq(a.mode, ARGS_MODE_VERSION);
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "-V"), 0);
	ck_assert_int_eq(a.mode, ARGS_MODE_VERSION);
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--list"), 0);
	ck_assert_int_eq(a.mode, ARGS_MODE_LIST);
	ck_assert_int_eq(args_parse(4, check, &a, &e), 0);
	ck_assert_int_eq(a.mode, ARGS_MODE_CHECK);
	ck_assert_int_eq(a.n_files, 2);
	ck_assert_str_eq(a.files[1], "b.ini");
}
END_TEST

static void refused(int argc, char *const *argv, const char *needle)
{
	struct args_parsed a;
	struct nsr_err e = { 0 };

	ck_assert_int_eq(args_parse(argc, argv, &a, &e), -1);
	ck_assert_int_eq(e.kind, NSR_E_USAGE);
	ck_assert_msg(strstr(e.msg, needle) != NULL, "'%s' not in '%s'", needle, e.msg);
}

START_TEST(args_refusals)
{
	refused(ARGC("nsrun"), ARGV("nsrun"), "no policy");
	refused(ARGC("nsrun", "--bogus"), ARGV("nsrun", "--bogus"), "unknown option");
	refused(ARGC("nsrun", "-p", "Dev", "b"), ARGV("nsrun", "-p", "Dev", "b"),
		"invalid policy name");
	refused(ARGC("nsrun", "-p", "../x", "b"), ARGV("nsrun", "-p", "../x", "b"),
		"invalid policy name");
	refused(ARGC("nsrun", "-p", "d", "a/b"), ARGV("nsrun", "-p", "d", "a/b"), "invalid box name");
	refused(ARGC("nsrun", "-p", "d", "a_b"), ARGV("nsrun", "-p", "d", "a_b"), "invalid box name");
	refused(ARGC("nsrun", "-p", "d"), ARGV("nsrun", "-p", "d"), "no BOX");
	refused(ARGC("nsrun", "-p"), ARGV("nsrun", "-p"), "needs a NAME");
	refused(ARGC("nsrun", "-p", "d", "-p", "d", "b"), ARGV("nsrun", "-p", "d", "-p", "d", "b"),
		"twice");
	refused(ARGC("nsrun", "--list", "--version"), ARGV("nsrun", "--list", "--version"),
		"cannot be combined");
	refused(ARGC("nsrun", "--check"), ARGV("nsrun", "--check"), "at least one FILE");
	refused(ARGC("nsrun", "--list", "x"), ARGV("nsrun", "--list", "x"), "unexpected argument");
	refused(ARGC("nsrun", "--dry-run", "--list"), ARGV("nsrun", "--dry-run", "--list"),
		"--dry-run");
	refused(0, ARGV("nsrun"), "empty argument list");
	refused(ARGC("nsrun", "-p", "d", "--pty", "--no-pty", "b"),
		ARGV("nsrun", "-p", "d", "--pty", "--no-pty", "b"), "not together");
	refused(ARGC("nsrun", "-p", "d", "--pty", "--pty", "b"),
		ARGV("nsrun", "-p", "d", "--pty", "--pty", "b"), "go once");
	refused(ARGC("nsrun", "--list", "--pty"), ARGV("nsrun", "--list", "--pty"),
		"--pty goes with --policy");
}
END_TEST

START_TEST(args_pty)
{
	struct args_parsed a;
	struct nsr_err e = { 0 };

	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "-p", "d", "b"), 0);
	ck_assert(!a.req.pty && !a.req.no_pty);
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "--pty", "-p", "d", "b"), 0);
	ck_assert(a.req.pty && !a.req.no_pty);
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "-p", "d", "--no-pty", "b"), 0);
	ck_assert(!a.req.pty && a.req.no_pty);
	/* after the box name, --pty is the command's */
	ck_assert_int_eq(PARSE(&a, &e, "nsrun", "-p", "d", "b", "--", "--pty"), 0);
	ck_assert(!a.req.pty);
}
END_TEST

START_TEST(args_bounds)
{
	static char big[ARGS_MAX_ARG_LEN + 2];
	struct args_parsed a;
	struct nsr_err e = { 0 };
	char *argv[] = { (char *)"nsrun", (char *)"-p", (char *)"d", (char *)"b", big, NULL };

	memset(big, 'x', sizeof(big) - 1);
	ck_assert_int_eq(args_parse(5, argv, &a, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "too long"));
	/* Quoted back cut and escaped: no control characters in the message. */
	char *bad[] = { (char *)"nsrun", (char *)"--\x1b[31mred\nline", NULL };
	ck_assert_int_eq(args_parse(2, bad, &a, &e), -1);
	ck_assert_ptr_null(strchr(e.msg, '\x1b'));
	ck_assert_ptr_null(strchr(e.msg, '\n'));
}
END_TEST

static struct policy pol;
static struct nsr_caller caller;
static struct nsr_plan plan;
static struct sanitize_env tenv;

static const gid_t fixture_groups[] = { 27 };

static void plan_fixture(void)
{
	memset(&pol, 0, sizeof(pol));
	memset(&caller, 0, sizeof(caller));
	strcpy(pol.rootfs, "/srv/img");
	caller.id.uid = 1000;
	caller.id.gid = 1000;
	caller.id.groups = fixture_groups;
	caller.id.n_groups = 1;
	strcpy(caller.id.user, "alice");
	strcpy(caller.id.home, "/home/alice");
	strcpy(caller.term, "xterm");
}

static int build(const char *box, char *const *argv, int argc, struct nsr_err *e)
{
	struct nsr_request req = { .policy = "dev", .box = box, .argv = argv, .argc = argc };
	return plan_build(&pol, &req, &caller, "/var/lib/nsrun", NULL, &plan, e);
}

static const char *plan_getenv(const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < plan.envc; i++)
		if (strncmp(plan.envp[i], name, n) == 0 && plan.envp[i][n] == '=')
			return plan.envp[i] + n + 1;
	return NULL;
}

START_TEST(plan_pass_env)
{
	struct nsr_err e = { 0 };
	struct nsr_request req = { .policy = "dev", .box = "b", .env = &tenv };
	static char big[SANITIZE_ENV_VALUE_MAX + 32];

	memset(&tenv, 0, sizeof(tenv));
	memset(big, 'x', sizeof(big) - 1);
	memcpy(big, "SLURM_BIG=", 10);
	sanitize_env_keep(&tenv, "SLURM_JOB_ID=42");
	sanitize_env_keep(&tenv, "SLURM_NODELIST=n[1-4]");
	sanitize_env_keep(&tenv, "SLURM_EVIL=a\nb");
	sanitize_env_keep(&tenv, big);
	sanitize_env_keep(&tenv, "LD_PRELOAD=/tmp/x.so");
	sanitize_env_keep(&tenv, "PATH=/evil");
	sanitize_env_keep(&tenv, "LANG=C");
	sanitize_env_keep(&tenv, "OTHER=1");
	sanitize_env_keep(&tenv, "noequals");
	ck_assert_uint_eq(tenv.n, 8);
	ck_assert_int_eq(tenv.vars[2].state, SANITIZE_VAR_CONTROL);
	ck_assert_int_eq(tenv.vars[3].state, SANITIZE_VAR_TOO_LONG);

	/* No pass_env: nothing of the caller's. */
	ck_assert_int_eq(plan_build(&pol, &req, &caller, "/d", NULL, &plan, &e), 0);
	ck_assert_ptr_null(plan_getenv("SLURM_JOB_ID"));
	ck_assert_uint_eq(plan.n_warnings, 0);

	/* "PATH" and "LANG" named, but the contract's and the policy's win. */
	strcpy(pol.pass_env[0], "SLURM_*");
	strcpy(pol.pass_env[1], "PATH");
	strcpy(pol.pass_env[2], "LANG");
	/* As if a policy had slipped one through --check: still never. */
	strcpy(pol.pass_env[3], "LD_PRELOAD");
	pol.n_pass_env = 4;
	strcpy(pol.env[0], "LANG=C.UTF-8");
	pol.n_env = 1;
	ck_assert_int_eq(plan_build(&pol, &req, &caller, "/d", NULL, &plan, &e), 0);
	ck_assert_str_eq(plan_getenv("SLURM_JOB_ID"), "42");
	ck_assert_str_eq(plan_getenv("SLURM_NODELIST"), "n[1-4]");
	ck_assert_ptr_null(plan_getenv("SLURM_EVIL"));
	ck_assert_ptr_null(plan_getenv("SLURM_BIG"));
	ck_assert_ptr_null(plan_getenv("LD_PRELOAD"));
	ck_assert_ptr_null(plan_getenv("OTHER"));
	ck_assert_str_eq(plan_getenv("PATH"),
			 "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	ck_assert_str_eq(plan_getenv("LANG"), "C.UTF-8");
	ck_assert_ptr_null(plan.envp[plan.envc]);
	ck_assert_uint_eq(plan.n_warnings, 2);
	ck_assert_str_eq(plan.warnings[0], "SLURM_EVIL not passed: it holds a control character");
	ck_assert_str_eq(plan.warnings[1], "SLURM_BIG not passed: longer than 4096 bytes");
}
END_TEST

START_TEST(plan_defaults)
{
	struct nsr_err e = { 0 };

	ck_assert_int_eq(build("alice-box", NULL, 0, &e), 0);
	ck_assert_str_eq(plan.hostname, "alice-box");
	ck_assert_str_eq(plan.argv[0], "/bin/sh");
	ck_assert_ptr_null(plan.argv[1]);
	ck_assert_uint_eq(plan.id.uid, 1000);
	ck_assert_uint_eq(plan.id.n_groups, 1);
	ck_assert_uint_eq(plan.id.groups[0], 27);
	ck_assert_uint_eq(plan.envc, 5);
	ck_assert_str_eq(plan.envp[0],
			 "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	ck_assert_str_eq(plan.envp[1], "HOME=/home/alice");
	ck_assert_str_eq(plan.envp[2], "USER=alice");
	ck_assert_str_eq(plan.envp[3], "TERM=xterm");
	ck_assert_str_eq(plan.envp[4], "container=nsrun");
	ck_assert_ptr_null(plan.envp[5]);
}
END_TEST

START_TEST(plan_command_and_env)
{
	struct nsr_err e = { 0 };
	char *const cmd[] = { (char *)"make", (char *)"test", NULL };

	strcpy(pol.command, "/usr/bin/make");
	strcpy(pol.env[0], "LANG=C.UTF-8");
	strcpy(pol.env[1], "PATH=/opt/bin");
	strcpy(pol.env[2], "container=evil");
	strcpy(pol.env[3], "WHO=$USER@$BOX");
	pol.n_env = 4;
	ck_assert_int_eq(build("b", NULL, 0, &e), 0);
	ck_assert_str_eq(plan.argv[0], "/usr/bin/make");
	ck_assert_str_eq(plan.envp[0], "PATH=/opt/bin");
	ck_assert_str_eq(plan.envp[4], "container=nsrun");
	ck_assert_str_eq(plan.envp[5], "LANG=C.UTF-8");
	ck_assert_str_eq(plan.envp[6], "WHO=alice@b");
	ck_assert_uint_eq(plan.envc, 7);
	ck_assert_int_eq(build("b", cmd, 2, &e), 0);
	ck_assert_str_eq(plan.argv[0], "make");
	ck_assert_str_eq(plan.argv[1], "test");
	ck_assert_ptr_null(plan.argv[2]);
}
END_TEST

START_TEST(plan_terminal)
{
	struct nsr_err e = { 0 };
	struct nsr_request req = { .policy = "dev", .box = "b" };

	/* no terminal: no pty, nothing changes */
	ck_assert_int_eq(plan_build(&pol, &req, &caller, "/d", NULL, &plan, &e), 0);
	ck_assert(!plan.pty);
	ck_assert_uint_eq(plan.pty_fds, 0);
	/* the pty takes the place of exactly the fds that were terminals */
	caller.tty_fds = 1u | 4u;
	ck_assert_int_eq(plan_build(&pol, &req, &caller, "/d", NULL, &plan, &e), 0);
	ck_assert(plan.pty);
	ck_assert_uint_eq(plan.pty_fds, 5);
	/* --no-pty: the caller's fds as they are */
	req.no_pty = true;
	ck_assert_int_eq(plan_build(&pol, &req, &caller, "/d", NULL, &plan, &e), 0);
	ck_assert(!plan.pty);
	ck_assert_uint_eq(plan.pty_fds, 0);
	/* --pty without a terminal: all three */
	req.no_pty = false;
	req.pty = true;
	caller.tty_fds = 0;
	ck_assert_int_eq(plan_build(&pol, &req, &caller, "/d", NULL, &plan, &e), 0);
	ck_assert(plan.pty);
	ck_assert_uint_eq(plan.pty_fds, 7);
	req.no_pty = true;
	ck_assert_int_eq(plan_build(&pol, &req, &caller, "/d", NULL, &plan, &e), -1);
}
END_TEST

START_TEST(plan_login_shell)
{
	struct nsr_err e = { 0 };
	char *const cmd[] = { (char *)"ls", NULL };

	strcpy(caller.shell, "/bin/bash");
	ck_assert_int_eq(build("b", NULL, 0, &e), 0);
	ck_assert(plan.default_shell);
	ck_assert_str_eq(plan.login_shell, "/bin/bash");
	ck_assert_str_eq(plan.argv[0], "/bin/sh"); /* where the image lacks bash */
	ck_assert_int_eq(build("b", cmd, 1, &e), 0);
	ck_assert(!plan.default_shell);
	ck_assert_str_eq(plan.login_shell, "/bin/bash"); /* still in passwd */
	strcpy(pol.command, "/usr/bin/make");
	ck_assert_int_eq(build("b", NULL, 0, &e), 0);
	ck_assert(!plan.default_shell);
	ck_assert_str_eq(plan.argv[0], "/usr/bin/make");
	/* nothing but a plain absolute path reaches passwd */
	static const char *const bad[] = {
		"bash",		"/bin/ba:sh",	"/bin/sh\nroot::0:0::/:/bin/sh",
		"/bin/../../x", "/bin/sh -c x", ""
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		strcpy(caller.shell, bad[i]);
		ck_assert_int_eq(build("b", NULL, 0, &e), 0);
		ck_assert_msg(plan.login_shell[0] == '\0', "shell '%s' accepted", bad[i]);
	}
}
END_TEST

START_TEST(plan_mounts_expanded_and_sorted)
{
	struct nsr_err e = { 0 };

	strcpy(pol.binds[0].source, "$HOME/deep");
	strcpy(pol.binds[0].target, "/work/a/b");
	strcpy(pol.binds[1].source, "/srv/data");
	strcpy(pol.binds[1].target, "/work");
	pol.binds[1].rw = true;
	pol.n_binds = 2;
	strcpy(pol.tmpfs[0].target, "/tmp");
	pol.tmpfs[0].size = 1 << 20;
	pol.n_tmpfs = 1;
	strcpy(pol.hostname, "$USER-$BOX");
	ck_assert_int_eq(build("bx", NULL, 0, &e), 0);
	ck_assert_str_eq(plan.hostname, "alice-bx");
	ck_assert_uint_eq(plan.n_mounts, 3);
	ck_assert_str_eq(plan.mounts[0].target, "/work");
	ck_assert(plan.mounts[0].rw);
	ck_assert_str_eq(plan.mounts[1].target, "/tmp");
	ck_assert_int_eq(plan.mounts[1].kind, PLAN_MOUNT_TMPFS);
	ck_assert_str_eq(plan.mounts[2].source, "/home/alice/deep");
	ck_assert_str_eq(plan.mounts[2].target, "/work/a/b");
	ck_assert(!plan.mounts[2].rw);
	ck_assert(plan.policy_maps_tmp);
}
END_TEST

START_TEST(plan_refusals)
{
	struct nsr_err e = { 0 };

	/* $HOME of /proc would put a bind under a reserved target */
	strcpy(caller.id.home, "/proc");
	strcpy(pol.binds[0].source, "/srv");
	strcpy(pol.binds[0].target, "$HOME");
	pol.n_binds = 1;
	ck_assert_int_eq(build("b", NULL, 0, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "reserved"));
	/* two mounts on one target after expansion */
	strcpy(caller.id.home, "/data");
	strcpy(pol.binds[1].source, "/srv");
	strcpy(pol.binds[1].target, "/data");
	pol.n_binds = 2;
	ck_assert_int_eq(build("b", NULL, 0, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "two mounts"));
	/* a hostname that is no host name */
	pol.n_binds = 0;
	strcpy(caller.id.user, "Alice");
	strcpy(pol.hostname, "$USER");
	ck_assert_int_eq(build("b", NULL, 0, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "not a valid host name"));
	/* persistent data path */
	strcpy(pol.hostname, "x");
	pol.writable = POLICY_WRITABLE_PERSISTENT;
	ck_assert_int_eq(build("b", NULL, 0, &e), 0);
	ck_assert_str_eq(plan.upper_base, "/var/lib/nsrun/1000/b/dev.policy");
}
END_TEST

START_TEST(etc_passwd_and_group)
{
	char out[1024];
	struct etc_group_entry g[] = { { 1000, "alice" }, { 27, "sudo" }, { 1000, "alice" } };
	const char *img =
		"root:x:0:0:root:/root:/bin/sh\nalice:x:5:5::/:/bin/false\nbob:x:1000:1::/:/x\nbroken\n";

	ck_assert_int_gt(etc_passwd(img, "alice", 1000, 1000, "/home/alice", "/bin/sh", out,
				    sizeof(out)),
			 0);
	ck_assert_str_eq(
		out, "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000:alice:/home/alice:/bin/sh\n");
	ck_assert_int_gt(etc_group("root:x:0:\nsudo:x:99:\nusers:x:27:\nstaff:x:50:\n", "alice", g,
				   3, out, sizeof(out)),
			 0);
	ck_assert_str_eq(out, "root:x:0:\nstaff:x:50:\nalice:x:1000:alice\nsudo:x:27:alice\n");
	ck_assert_int_eq(etc_passwd(img, "alice", 1000, 1000, "/home/alice", "/bin/sh", out, 20), -1);
	ck_assert_int_gt(etc_passwd("", "alice", 1000, 1000, "/h", "/bin/bash", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "alice:x:1000:1000:alice:/h:/bin/bash\n");
	/* A ':' or a newline from the user database never makes a field or
	 * a line of its own. */
	ck_assert_int_eq(etc_passwd("", "alice", 1000, 1000, "/h:0:0", "/bin/sh", out, sizeof(out)),
			 -1);
	ck_assert_int_eq(etc_passwd("", "alice", 1000, 1000, "/h\nroot2::0:0::/:/bin/sh", "/bin/sh",
				    out, sizeof(out)),
			 -1);
	ck_assert_int_eq(etc_passwd("", "al:ice", 1000, 1000, "/h", "/bin/sh", out, sizeof(out)), -1);
	ck_assert_int_eq(etc_passwd("", "alice", 1000, 1000, "/h", "/bin/sh\nx", out, sizeof(out)),
			 -1);
	struct etc_group_entry bad[] = { { 1000, "alice" }, { 27, "sudo\nwheel:x:0:alice" } };
	ck_assert_int_eq(etc_group("", "alice", bad, 2, out, sizeof(out)), -1);
}
END_TEST

START_TEST(etc_hosts_and_resolv)
{
	char out[512];
	uint32_t dns[] = { 0x0a580001, 0x08080808 };

	ck_assert_int_gt(etc_hosts("bx", 0, out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(out, "127.0.1.1\tbx\n"));
	ck_assert_ptr_nonnull(strstr(out, "127.0.0.1\tlocalhost\n"));
	ck_assert_int_gt(etc_hosts("bx", 0x0a580002, out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(out, "10.88.0.2\tbx\n"));
	ck_assert_ptr_null(strstr(out, "127.0.1.1"));
	ck_assert_int_gt(etc_resolv(dns, 2, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "nameserver 10.88.0.1\nnameserver 8.8.8.8\n");
}
END_TEST

START_TEST(zero_sparse)
{
	/* Three fresh pages; the middle one dirtied at its edges, and a
	 * range that starts and ends inside pages: all zero afterwards,
	 * nothing outside the range written. */
	unsigned char *m = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				-1, 0);
	size_t i;

	ck_assert_ptr_ne(m, MAP_FAILED);
	m[4096] = 1;
	m[2 * 4096 - 1] = 0xff;
	m[100] = 7;
	m[3 * 4096 - 50] = 9;
	m[99] = 5; /* outside the range below */
	nsr_zero_sparse(m + 100, 3 * 4096 - 150);
	for (i = 100; i < 3 * 4096 - 50; i++)
		ck_assert_msg(m[i] == 0, "byte %zu is %u", i, m[i]);
	ck_assert_uint_eq(m[99], 5);
	/* a structure of garbage, not page-aligned, as memset */
	char s[10000];
	memset(s, 'x', sizeof(s));
	nsr_zero_sparse(s, sizeof(s));
	for (i = 0; i < sizeof(s); i++)
		ck_assert_int_eq(s[i], 0);
	munmap(m, 3 * 4096);
}
END_TEST

START_TEST(zero_fresh_once)
{
	/* A marked object is left alone by its first zeroing only (main()
	 * marks static objects that are zero and untouched): the bytes here
	 * are not zero, so the first call must not have read or written
	 * them, and the second must zero them. Another size, or another
	 * address, is not the marked object. */
	static unsigned char a[3 * 4096], b[64];
	size_t i;

	memset(a, 'x', sizeof(a));
	memset(b, 'y', sizeof(b));
	nsr_mark_fresh(a, sizeof(a));
	nsr_mark_fresh(b, sizeof(b));
	nsr_zero_sparse(a, sizeof(a) - 1);
	ck_assert_uint_eq(a[0], 0);
	ck_assert_uint_eq(a[sizeof(a) - 1], 'x');
	nsr_zero_sparse(b + 1, sizeof(b) - 1);
	ck_assert_uint_eq(b[0], 'y');
	ck_assert_uint_eq(b[1], 0);
	memset(a, 'x', sizeof(a));
	nsr_zero_sparse(a, sizeof(a));
	ck_assert_uint_eq(a[0], 'x');
	ck_assert_uint_eq(a[sizeof(a) - 1], 'x');
	nsr_zero_sparse(a, sizeof(a));
	for (i = 0; i < sizeof(a); i++)
		ck_assert_msg(a[i] == 0, "byte %zu is %u", i, a[i]);
	memset(b, 'y', sizeof(b));
	nsr_zero_sparse(b, sizeof(b));
	ck_assert_uint_eq(b[0], 'y');
	nsr_zero_sparse(b, sizeof(b));
	ck_assert_uint_eq(b[0], 0);
	/* More marks than remembered: the extra ones are dropped, never
	 * kept over an object nobody marked. */
	static unsigned char many[NSR_FRESH_MAX + 2][16];
	for (i = 0; i < NSR_FRESH_MAX + 2; i++) {
		memset(many[i], 'z', sizeof(many[i]));
		nsr_mark_fresh(many[i], sizeof(many[i]));
	}
	nsr_zero_sparse(many[NSR_FRESH_MAX + 1], sizeof(many[0]));
	ck_assert_uint_eq(many[NSR_FRESH_MAX + 1][0], 0);
	for (i = 0; i < NSR_FRESH_MAX; i++)
		nsr_zero_sparse(many[i], sizeof(many[i]));
}
END_TEST

START_TEST(log_escapes)
{
	char out[64];
	char *const argv[] = { (char *)"echo", (char *)"a\nb", (char *)"\x01\\", NULL };

	log_render_argv(argv, 3, out, sizeof(out));
	ck_assert_str_eq(out, "echo a\\x0ab \\x01\\x5c");
	log_render_argv(argv, 3, out, 8);
	ck_assert_uint_lt(strlen(out), 8);
}
END_TEST

START_TEST(term_values)
{
	ck_assert(sanitize_term_ok("xterm-256color"));
	ck_assert(sanitize_term_ok("screen.linux"));
	ck_assert(!sanitize_term_ok(""));
	ck_assert(!sanitize_term_ok(NULL));
	ck_assert(!sanitize_term_ok("x;rm -rf /"));
	ck_assert(!sanitize_term_ok("../../etc/x"));
	ck_assert(!sanitize_term_ok(
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}
END_TEST

/* The one root-owned-directory opener: what it accepts and refuses. As
 * root the temp dirs are root's; otherwise every one is refused. */
START_TEST(root_dir_checks)
{
	char top[] = "/tmp/nsr-rootdir-XXXXXX", path[256];
	struct nsr_err err = { 0 };
	bool root = geteuid() == 0, made = true;
	struct stat st;
	int dfd, fd;

	ck_assert_ptr_nonnull(mkdtemp(top));
	dfd = open(top, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(dfd, 0);
	/* missing, not asked to create */
	ck_assert_int_eq(nsr_root_dir(dfd, "a", 0755, 0, &made, &err), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert(!made);
	/* bad names never reach the file system */
	ck_assert_int_eq(nsr_root_dir(dfd, "..", 0755, NSR_DIR_CREATE, NULL, &err), -1);
	ck_assert_int_eq(nsr_root_dir(dfd, "a/b", 0755, NSR_DIR_CREATE, NULL, &err), -1);
	ck_assert_int_eq(nsr_root_dir(dfd, "", 0755, NSR_DIR_CREATE, NULL, &err), -1);
	/* made with exactly its mode; as non-root refused and removed again */
	fd = nsr_root_dir(dfd, "a", 0700, NSR_DIR_CREATE, &made, &err);
	snprintf(path, sizeof(path), "%s/a", top);
	if (root) {
		ck_assert_int_ge(fd, 0);
		ck_assert(made);
		ck_assert_int_eq(stat(path, &st), 0);
		ck_assert_uint_eq(st.st_mode & 07777, 0700);
		close(fd);
		fd = nsr_root_dir(dfd, "a", 0700, NSR_DIR_CREATE | NSR_DIR_PATH, &made, &err);
		ck_assert_int_ge(fd, 0);
		ck_assert(!made);
		close(fd);
	} else {
		ck_assert_int_eq(fd, -1);
		ck_assert_int_eq(stat(path, &st), -1);
	}
	/* group or other writable, another owner, a symlink: refused */
	ck_assert_int_eq(mkdir(path, 0755) == 0 || errno == EEXIST, 1);
	ck_assert_int_eq(chmod(path, 0775), 0);
	ck_assert_int_eq(nsr_root_dir(dfd, "a", 0755, NSR_DIR_CREATE, NULL, &err), -1);
	ck_assert_msg(strstr(err.msg, "not a root-owned directory"), "%s", err.msg);
	ck_assert_int_eq(chmod(path, 0757), 0);
	ck_assert_int_eq(nsr_root_dir(dfd, "a", 0755, 0, NULL, &err), -1);
	ck_assert_int_eq(chmod(path, 0755), 0);
	if (root) {
		ck_assert_int_eq(chown(path, 65534, 0), 0);
		ck_assert_int_eq(nsr_root_dir(dfd, "a", 0755, 0, NULL, &err), -1);
		ck_assert_int_eq(chown(path, 0, 0), 0);
	}
	ck_assert_int_eq(symlinkat("a", dfd, "l"), 0);
	ck_assert_int_eq(nsr_root_dir(dfd, "l", 0755, NSR_DIR_CREATE, NULL, &err), -1);
	/* the state dir walk: TOP/a then its sub */
	fd = -1;
	ck_assert_int_eq(nsr_state_dir(path, "sub", 0700, NSR_DIR_CREATE, &fd, &err), root ? 0 : -1);
	if (fd >= 0)
		close(fd);
	ck_assert_int_eq(nsr_state_dir("relative", NULL, 0, NSR_DIR_CREATE, &fd, &err), -1);
	unlinkat(dfd, "l", 0);
	snprintf(path, sizeof(path), "%s/a/sub", top);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/a", top);
	rmdir(path);
	close(dfd);
	ck_assert_int_eq(rmdir(top), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("core");
	TCase *a = tcase_create("args"), *p = tcase_create("plan"), *m = tcase_create("misc");

	tcase_add_test(a, args_start_with_command);
	tcase_add_test(a, args_command_without_dashdash);
	tcase_add_test(a, args_defaults_and_modes);
	tcase_add_test(a, args_refusals);
	tcase_add_test(a, args_bounds);
	tcase_add_test(a, args_pty);
	tcase_add_checked_fixture(p, plan_fixture, NULL);
	tcase_add_test(p, plan_defaults);
	tcase_add_test(p, plan_command_and_env);
	tcase_add_test(p, plan_mounts_expanded_and_sorted);
	tcase_add_test(p, plan_refusals);
	tcase_add_test(p, plan_terminal);
	tcase_add_test(p, plan_login_shell);
	tcase_add_test(p, plan_pass_env);
	tcase_add_test(m, etc_passwd_and_group);
	tcase_add_test(m, etc_hosts_and_resolv);
	tcase_add_test(m, log_escapes);
	tcase_add_test(m, zero_sparse);
	tcase_add_test(m, zero_fresh_once);
	tcase_add_test(m, term_values);
	tcase_add_test(m, root_dir_checks);
	suite_add_tcase(s, a);
	suite_add_tcase(s, p);
	suite_add_tcase(s, m);
	return nsr_ck_run(s, CK_FORK_GETENV);
}
