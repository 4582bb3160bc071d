// SPDX-License-Identifier: GPL-2.0-or-later
/* Authorisation (users, groups, supplementary groups, numeric ids) and
 * $HOME/$USER/$UID/$BOX expansion. No privilege. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "internal.h"
#include "util.h"

START_TEST(authorize_users)
{
	struct policy_caller c = { .uid = 1005, .gid = 1005 };

	fx_assert_ok(FX_HEAD "[policy]\nusers = daemon, 1005\n");
	ck_assert_int_eq(policy_authorize(&fx_pol, &c), POLICY_ALLOW);
	c.uid = 1;
	ck_assert_int_eq(policy_authorize(&fx_pol, &c), POLICY_ALLOW);
	c.uid = 1006;
	ck_assert_int_eq(policy_authorize(&fx_pol, &c), POLICY_DENY);
	/* a uid is not a gid: gid 1005 is not in groups */
	c.uid = 4242;
	ck_assert_int_eq(policy_authorize(&fx_pol, &c), POLICY_DENY);
	c.uid = 0; /* root is not special */
	ck_assert_int_eq(policy_authorize(&fx_pol, &c), POLICY_DENY);
}
END_TEST

START_TEST(authorize_groups)
{
	gid_t supp[] = { 20, 30, 2 };
	struct policy_caller c = { .uid = 5000, .gid = 5000 };

	fx_assert_ok(FX_HEAD "[policy]\ngroups = bin, 77\n");
	ck_assert_int_eq(policy_authorize(&fx_pol, &c), POLICY_DENY);
	c.gid = 77;
	ck_assert_int_eq(policy_authorize(&fx_pol, &c), POLICY_ALLOW);
	c.gid = 5000;
	c.groups = supp;
	c.n_groups = 2;
	ck_assert_int_eq(policy_authorize(&fx_pol, &c), POLICY_DENY);
	c.n_groups = 3; /* supplementary group 2 = bin */
	ck_assert_int_eq(policy_authorize(&fx_pol, &c), POLICY_ALLOW);
	c.groups = NULL; /* inconsistent caller: deny */
	ck_assert_int_eq(policy_authorize(&fx_pol, &c), POLICY_DENY);
	/* uid 77 is not gid 77 */
	c.n_groups = 0;
	c.uid = 77;
	ck_assert_int_eq(policy_authorize(&fx_pol, &c), POLICY_DENY);
}
END_TEST

START_TEST(authorize_nobody)
{
	struct policy_caller c = { .uid = 0, .gid = 0 };
	struct policy zero;

	fx_assert_ok(FX_HEAD);
	ck_assert_int_eq(policy_authorize(&fx_pol, &c), POLICY_DENY);
	memset(&zero, 0, sizeof(zero));
	ck_assert_int_eq(policy_authorize(&zero, &c), POLICY_DENY);
	ck_assert_int_eq(policy_authorize(NULL, &c), POLICY_DENY);
	ck_assert_int_eq(policy_authorize(&fx_pol, NULL), POLICY_DENY);
	ck_assert_int_eq(POLICY_DENY, 0);
}
END_TEST

static const struct policy_vars alice = {
	.user = "alice",
	.uid = 1005,
	.home = "/home/alice",
	.box = "dev-1",
};

static int ex(const char *in, const struct policy_vars *v, char *out, size_t outsz, bool path,
	      struct nsr_err *err)
{
	memset(err, 0, sizeof(*err));
	return path ? policy_expand_path(in, v, out, outsz, err) :
		      policy_expand(in, v, out, outsz, err);
}

START_TEST(expand_ok)
{
	struct nsr_err err;
	char out[POLICY_STR_MAX];

	ck_assert_int_eq(ex("$HOME:$USER:$UID:$BOX", &alice, out, sizeof(out), false, &err), 0);
	ck_assert_str_eq(out, "/home/alice:alice:1005:dev-1");
	ck_assert_int_eq(ex("$HOME/src", &alice, out, sizeof(out), true, &err), 0);
	ck_assert_str_eq(out, "/home/alice/src");
	ck_assert_int_eq(ex("/work/$USER-$UID/$BOX", &alice, out, sizeof(out), true, &err), 0);
	ck_assert_str_eq(out, "/work/alice-1005/dev-1");
	ck_assert_int_eq(ex("/plain", &alice, out, sizeof(out), true, &err), 0);
	ck_assert_str_eq(out, "/plain");
	ck_assert_int_eq(ex("", &alice, out, sizeof(out), false, &err), 0);
	ck_assert_str_eq(out, "");
	/* a variable the text does not use is not checked */
	{
		struct policy_vars v = alice;

		v.home = "relative";
		ck_assert_int_eq(ex("/x/$USER", &v, out, sizeof(out), true, &err), 0);
	}
}
END_TEST

START_TEST(expand_unknown)
{
	static const char *const bad[] = { "$PATH",   "/x/$FOO",  "$",	    "/x$", "$home",
					   "${HOME}", "$HOMEDIR", "$USER_", "$1" };
	struct nsr_err err;
	char out[POLICY_STR_MAX];
	size_t i;

	for (i = 0; i < NSR_ARRAY_SIZE(bad); i++) {
		ck_assert_msg(ex(bad[i], &alice, out, sizeof(out), false, &err) == -1,
			      "%s accepted", bad[i]);
		ck_assert_msg(strstr(err.msg, "unknown variable") != NULL, "%s", err.msg);
		ck_assert_int_eq(err.kind, NSR_E_POLICY);
	}
}
END_TEST

/* A value can never add a component, a "..", a "//", or make a path
 * relative: each of these would otherwise let a user database entry pick
 * what gets mounted where. */
START_TEST(expand_hostile_values)
{
	static const struct {
		const char *user, *home, *box, *in, *why;
	} c[] = {
		{ "alice", "/home/../root", "b", "$HOME", "$HOME is not" },
		{ "alice", "", "b", "$HOME/x", "$HOME is not" },
		{ "alice", "/", "b", "$HOME/x", "does not expand to an absolute" },
		{ "alice", "home/alice", "b", "$HOME", "$HOME is not" },
		{ "alice", "/home/alice/", "b", "$HOME", "$HOME is not" },
		{ "alice", "/home//alice", "b", "$HOME", "$HOME is not" },
		{ "alice", NULL, "b", "$HOME", "$HOME is not" },
		{ "a/b", "/h", "b", "/home/$USER", "$USER is not" },
		{ "..", "/h", "b", "/home/$USER", "$USER is not" },
		{ ".", "/h", "b", "/home/$USER", "$USER is not" },
		{ "", "/h", "b", "/home/$USER/x", "$USER is not" },
		{ NULL, "/h", "b", "/home/$USER", "$USER is not" },
		{ "a b", "/h", "b", "/home/$USER", "$USER is not" },
		{ "a:b", "/h", "b", "/home/$USER", "$USER is not" },
		{ "a\nb", "/h", "b", "/home/$USER", "$USER is not" },
		{ ".", "/h", "b", "/home/.$USER", "$USER is not" },
		{ "x", "/h", "../x", "/b/$BOX", "$BOX is not" },
		{ "x", "/h", "A/B", "$BOX", "$BOX is not" },
		{ "x", "/h", NULL, "$BOX", "$BOX is not" },
		{ "x", "/h", "b", "/a/.$USER", "" },
	};
	struct nsr_err err;
	char out[POLICY_STR_MAX];
	size_t i;

	for (i = 0; i < NSR_ARRAY_SIZE(c) - 1; i++) {
		struct policy_vars v = {
			.user = c[i].user, .uid = 1, .home = c[i].home, .box = c[i].box
		};

		ck_assert_msg(ex(c[i].in, &v, out, sizeof(out), true, &err) == -1,
			      "case %zu accepted: %s", i, out);
		ck_assert_msg(strstr(err.msg, c[i].why) != NULL, "case %zu: %s", i, err.msg);
	}
	/* ".x" is a fine component */
	{
		struct policy_vars v = { .user = "x", .uid = 1, .home = "/h", .box = "b" };

		ck_assert_int_eq(ex("/a/.$USER", &v, out, sizeof(out), true, &err), 0);
		ck_assert_str_eq(out, "/a/.x");
		/* "..": a user named "." after a literal "." */
		v.user = ".";
		ck_assert_int_eq(ex("/a/.$USER", &v, out, sizeof(out), true, &err), -1);
	}
}
END_TEST

START_TEST(expand_bounds)
{
	struct nsr_err err;
	char out[16];
	char big[POLICY_STR_MAX];
	struct policy_vars v = alice;

	ck_assert_int_eq(ex("/home/$USER", &alice, out, sizeof(out), true, &err), 0);
	ck_assert_str_eq(out, "/home/alice");
	ck_assert_int_eq(ex("/home/$USER/$BOX", &alice, out, sizeof(out), true, &err), -1);
	ck_assert_int_eq(err.errnum, ENAMETOOLONG);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(ex("/123456789012345", &alice, out, sizeof(out), false, &err), -1);
	ck_assert_int_eq(ex("/12345678901234", &alice, out, sizeof(out), false, &err), 0);
	/* a 500-byte $HOME fits a path once, not twice */
	memset(big, 'h', sizeof(big));
	big[0] = '/';
	big[500] = '\0';
	v.home = big;
	{
		char o2[POLICY_STR_MAX];

		ck_assert_int_eq(ex("$HOME", &v, o2, sizeof(o2), true, &err), 0);
		ck_assert_int_eq(ex("$HOME/$HOME", &v, o2, sizeof(o2), false, &err), -1);
	}
	ck_assert_int_eq(policy_expand(NULL, &alice, out, sizeof(out), &err), -1);
	ck_assert_int_eq(policy_expand("x", &alice, out, 0, &err), -1);
}
END_TEST

START_TEST(expand_uid)
{
	struct nsr_err err;
	char out[64];
	struct policy_vars v = alice;

	v.uid = 4294967294u;
	ck_assert_int_eq(ex("/u/$UID", &v, out, sizeof(out), true, &err), 0);
	ck_assert_str_eq(out, "/u/4294967294");
	v.uid = 0;
	ck_assert_int_eq(ex("$UID", &v, out, sizeof(out), false, &err), 0);
	ck_assert_str_eq(out, "0");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("policy-auth");
	TCase *t = tcase_create("authorize");

	tcase_add_test(t, authorize_users);
	tcase_add_test(t, authorize_groups);
	tcase_add_test(t, authorize_nobody);
	suite_add_tcase(s, t);
	t = tcase_create("expand");
	tcase_add_test(t, expand_ok);
	tcase_add_test(t, expand_unknown);
	tcase_add_test(t, expand_hostile_values);
	tcase_add_test(t, expand_bounds);
	tcase_add_test(t, expand_uid);
	suite_add_tcase(s, t);
	return fx_run(s);
}
