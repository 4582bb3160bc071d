// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests: the derived test policy (serialised from a parsed policy, with
 * the probe's bind) parses back to the same policy, and expectations follow
 * the policy. Uses the policy library; rootfs /usr (root-owned everywhere).
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "derive.h"
#include "../ck_run.h"

static struct policy src, back;
static struct policy_diags diags;
static char text[HX_DERIVED_MAX];

static int parse_text(const char *t, struct policy *p)
{
	int fd = memfd_create("policy", MFD_CLOEXEC), r;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, t, strlen(t)), (ssize_t)strlen(t));
	lseek(fd, 0, SEEK_SET);
	r = policy_parse_fd(fd, "demo.ini", p, &diags);
	close(fd);
	return r;
}

static const char full[] =
	"[policy]\ndescription = Full policy\nusers = 1005, 1006\ngroups = 100\n"
	"[rootfs]\npath = /usr\nwritable = tmpfs\n"
	"[mount]\nbind = /srv/data:/data:ro\nbind = $HOME:$HOME:rw\n"
	"tmpfs = /scratch:size=256M\ntmpfs = /t2\n"
	"[limits]\npids = 256\nmemory = 1G\nswap = 0\ncpu = 1.5\nnofile = 4096\nruntime = 2h\n"
	"[network]\nmode = bridge\nbridge = nsbr0\nsubnet = 10.88.0.0/24\n"
	"gateway = 10.88.0.1\ndns = 10.88.0.1, 1.1.1.1\nper_user = 4\n"
	"[box]\nhostname = $USER-$BOX\ncommand = /bin/sh\nenv = LANG=C.UTF-8\nenv = A=b\n"
	"env = WHERE=$HOME/x-$UID\nuserns = no\njoin = no\nlog_max = 2M\nlog_keep = yes\n"
	"[devices]\nallow = ?/dev/nsrun-no-such-node, /dev/dri/renderD*\ngpus = scheduler\n";

START_TEST(test_roundtrip)
{
	struct nsr_err err = { 0 };
	size_t i;

	ck_assert_msg(parse_text(full, &src) == 0, "source: %s", diags.items[0].msg);
	ck_assert_int_eq(derive_policy(&src, 4242, "/run/p/.probe", text, sizeof(text), &err), 0);
	ck_assert_msg(parse_text(text, &back) == 0, "derived: line %u: %s\n%s", diags.items[0].line,
		      diags.items[0].msg, text);
	/* Only the --as user is authorised; groups are dropped. */
	ck_assert_uint_eq(back.n_users, 1);
	ck_assert_uint_eq(back.users[0], 4242);
	ck_assert_uint_eq(back.n_groups, 0);
	ck_assert_str_eq(back.description, src.description);
	ck_assert_str_eq(back.rootfs, "/usr");
	ck_assert_int_eq(back.writable, POLICY_WRITABLE_TMPFS);
	/* Every bind kept, the probe's added last, read-only. */
	ck_assert_uint_eq(back.n_binds, src.n_binds + 1);
	for (i = 0; i < src.n_binds; i++) {
		ck_assert_str_eq(back.binds[i].source, src.binds[i].source);
		ck_assert_str_eq(back.binds[i].target, src.binds[i].target);
		ck_assert_int_eq(back.binds[i].rw, src.binds[i].rw);
	}
	ck_assert_str_eq(back.binds[i].source, "/run/p/.probe");
	ck_assert_str_eq(back.binds[i].target, HX_PROBE_TARGET);
	ck_assert(!back.binds[i].rw);
	ck_assert_uint_eq(back.n_tmpfs, 2);
	ck_assert_uint_eq(back.tmpfs[0].size, 256ULL << 20);
	ck_assert_uint_eq(back.tmpfs[1].size, src.tmpfs[1].size);
	ck_assert_mem_eq(&back.limits, &src.limits, sizeof(src.limits));
	ck_assert_int_eq(back.net.mode, POLICY_NET_BRIDGE);
	ck_assert_str_eq(back.net.bridge, "nsbr0");
	ck_assert_uint_eq(back.net.subnet, src.net.subnet);
	ck_assert_uint_eq(back.net.prefix, 24);
	ck_assert_uint_eq(back.net.gateway, src.net.gateway);
	ck_assert_uint_eq(back.net.n_dns, 2);
	ck_assert_uint_eq(back.net.dns[1], src.net.dns[1]);
	ck_assert_uint_eq(back.net.per_user, 4);
	ck_assert_str_eq(back.hostname, src.hostname);
	ck_assert_str_eq(back.command, "/bin/sh");
	ck_assert_uint_eq(back.n_env, 3);
	ck_assert_str_eq(back.env[1], "A=b");
	ck_assert_str_eq(back.env[2], "WHERE=$HOME/x-$UID");
	ck_assert(back.deny_userns);
	ck_assert(back.deny_join);
	ck_assert_uint_eq(back.log_max, 2ULL << 20);
	ck_assert(back.log_keep);
	ck_assert(back.limits.has_runtime);
	ck_assert_uint_eq(back.limits.runtime, 7200);
	/* [devices], optional marks and globs included. */
	ck_assert_uint_eq(back.devices.n_allow, 2);
	ck_assert_str_eq(back.devices.allow[0].path, "/dev/nsrun-no-such-node");
	ck_assert(back.devices.allow[0].optional && !back.devices.allow[1].optional);
	ck_assert(back.devices.allow[1].glob);
	ck_assert_int_eq(back.devices.gpus, POLICY_GPUS_SCHEDULER);
	ck_assert(!back.devices.allow_block);
}
END_TEST

START_TEST(test_minimal_roundtrip)
{
	struct nsr_err err = { 0 };

	ck_assert_int_eq(parse_text("[policy]\nusers = 1\n[rootfs]\npath = /usr\n", &src), 0);
	ck_assert_int_eq(derive_policy(&src, 7, "/x", text, sizeof(text), &err), 0);
	ck_assert_msg(parse_text(text, &back) == 0, "%s\n%s", diags.items[0].msg, text);
	ck_assert(!back.limits.has_pids && !back.limits.has_memory);
	ck_assert_int_eq(back.net.mode, POLICY_NET_NONE);
	ck_assert_int_eq(back.writable, POLICY_WRITABLE_NO);
	ck_assert_uint_eq(back.n_binds, 1);
	ck_assert_uint_eq(back.devices.n_allow, 0);
	ck_assert_ptr_null(strstr(text, "[devices]"));
}
END_TEST

START_TEST(test_no_room)
{
	struct nsr_err err = { 0 };

	ck_assert_int_eq(parse_text("[policy]\nusers = 1\n[rootfs]\npath = /usr\n", &src), 0);
	src.n_binds = POLICY_MAX_BINDS;
	ck_assert_int_eq(derive_policy(&src, 7, "/x", text, sizeof(text), &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "no room"));
	ck_assert_int_eq(derive_policy(&src, 7, "/x", text, 10, &err), -1);
}
END_TEST

START_TEST(test_expect)
{
	struct hx_user u = { .name = "alice", .uid = 1005, .gid = 1005, .home = "/home/alice" };
	struct hx_expect e;
	struct nsr_err err = { 0 };

	ck_assert_int_eq(parse_text(full, &src), 0);
	ck_assert_int_eq(derive_expect(&src, &u, "b1", &e, &err), 0);
	ck_assert_str_eq(e.hostname, "alice-b1");
	ck_assert_int_eq(e.net, POLICY_NET_BRIDGE);
	ck_assert_int_eq(e.writable, POLICY_WRITABLE_TMPFS);
	ck_assert(e.has_pids && e.has_memory);
	ck_assert_uint_eq(e.pids, 256);
	ck_assert_uint_eq(e.memory, 1ULL << 30);
	ck_assert(e.has_swap && e.has_cpu && e.has_nofile);
	ck_assert_uint_eq(e.swap, 0);
	ck_assert_uint_eq(e.cpu_milli, 1500);
	ck_assert_uint_eq(e.nofile, 4096);
	ck_assert_str_eq(e.rootfs, "/usr");
	/* The policy's env, expanded for the --as user. */
	ck_assert_uint_eq(e.n_env, 3);
	ck_assert_str_eq(e.env[0], "LANG=C.UTF-8");
	ck_assert_str_eq(e.env[2], "WHERE=/home/alice/x-1005");
	/* No hostname key: $BOX; no limits: none expected. */
	ck_assert_int_eq(parse_text("[policy]\nusers = 1\n[rootfs]\npath = /usr\n", &src), 0);
	ck_assert_int_eq(derive_expect(&src, &u, "other-box", &e, &err), 0);
	ck_assert_str_eq(e.hostname, "other-box");
	ck_assert(!e.has_pids && !e.has_memory && !e.has_cpu && !e.has_swap && !e.has_nofile);
	ck_assert_uint_eq(e.n_env, 0);
	ck_assert_int_eq(derive_policy(&src, 7, "/x", text, sizeof(text), &err), 0);
	ck_assert_ptr_null(strstr(text, "userns"));
	ck_assert_ptr_null(strstr(text, "join"));
	ck_assert_ptr_null(strstr(text, "runtime"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("harness-derive");
	TCase *tc = tcase_create("derive");

	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_minimal_roundtrip);
	tcase_add_test(tc, test_no_room);
	tcase_add_test(tc, test_expect);
	suite_add_tcase(s, tc);
	return nsr_ck_run(s, CK_FORK_GETENV);
}
