// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Environment pass-through ([box] pass_env, nsrun.policy(5)): the globs an
 * admin lists, and the variables nsrun never passes whatever the policy
 * says: every LD_* and MALLOC_* name and glibc's list of variables it
 * removes for setuid programs (unsecvars.h: GCONV_PATH, GLIBC_TUNABLES,
 * LOCPATH, NLSPATH, ...). Pure string work; no privilege, no I/O.
 */
#include "config.h"

#include "internal.h"

#include <fnmatch.h>
#include <string.h>

#include "util.h"

/* glibc's unsecure environment variables (sysdeps/generic/unsecvars.h),
 * as of glibc 2.36, plus those of older releases. */
static const char *const env_unsecure[] = {
	"GCONV_PATH", "GETCONF_DIR", "GLIBC_TUNABLES",	 "HOSTALIASES", "LOCALDOMAIN", "LOCPATH",
	"NIS_PATH",   "NLSPATH",     "RESOLV_HOST_CONF", "RES_OPTIONS", "TMPDIR",      "TZDIR",
};
/* Whole families: the dynamic loader's and malloc's tunables. */
static const char *const env_unsecure_prefix[] = { "LD_", "MALLOC_" };

bool policy_env_forbidden(const char *name)
{
	size_t i;

	for (i = 0; i < NSR_ARRAY_SIZE(env_unsecure_prefix); i++)
		if (strncmp(name, env_unsecure_prefix[i], strlen(env_unsecure_prefix[i])) == 0)
			return true;
	for (i = 0; i < NSR_ARRAY_SIZE(env_unsecure); i++)
		if (strcmp(name, env_unsecure[i]) == 0)
			return true;
	return false;
}

/* Can glob (only literals, '?' and '*') match some name that starts with
 * prefix? */
static bool env_glob_prefix(const char *g, const char *prefix)
{
	if (*prefix == '\0')
		return true;
	if (*g == '\0')
		return false;
	if (*g == '*')
		return env_glob_prefix(g + 1, prefix) || env_glob_prefix(g, prefix + 1);
	if (*g == '?' || *g == *prefix)
		return env_glob_prefix(g + 1, prefix + 1);
	return false;
}

bool policy_env_glob_forbidden(const char *glob, const char **which)
{
	size_t i;

	for (i = 0; i < NSR_ARRAY_SIZE(env_unsecure_prefix); i++)
		if (env_glob_prefix(glob, env_unsecure_prefix[i])) {
			*which = env_unsecure_prefix[i];
			return true;
		}
	for (i = 0; i < NSR_ARRAY_SIZE(env_unsecure); i++)
		if (fnmatch(glob, env_unsecure[i], 0) == 0) {
			*which = env_unsecure[i];
			return true;
		}
	return false;
}

bool policy_env_glob_valid(const char *glob)
{
	size_t n = strlen(glob);

	if (n == 0 || n >= POLICY_GLOB_MAX || (glob[0] >= '0' && glob[0] <= '9'))
		return false;
	return strspn(glob, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			    "0123456789_*?") == n;
}

bool policy_pass_env_match(const struct policy *p, const char *name)
{
	size_t i;

	if (policy_env_forbidden(name))
		return false;
	for (i = 0; i < p->n_pass_env; i++)
		if (fnmatch(p->pass_env[i], name, 0) == 0)
			return true;
	return false;
}
