// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * $HOME, $USER, $UID and $BOX in policy values. The values come from the
 * user database entry of the real uid and the validated box name, never
 * from the environment, and are checked before use: a value can never add
 * a path component, a "..", a "//" or make a path relative. No privilege.
 */
#include "config.h"

#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The value of the variable `name` (len bytes), checked, into *val. */
static int expand_lookup(const char *name, size_t len, const struct policy_vars *v, char *num,
			 size_t numsz, const char **val, struct nsr_err *err)
{
	if (len == 4 && strncmp(name, "HOME", 4) == 0) {
		if (v->home == NULL || !policy_path_ok(v->home, false))
			return nsr_err_set(err, NSR_E_POLICY, 0,
					   "$HOME is not an absolute, normalised path");
		*val = v->home;
	} else if (len == 4 && strncmp(name, "USER", 4) == 0) {
		const char *c;

		if (v->user == NULL || v->user[0] == '\0' || strlen(v->user) > 63 ||
		    strcmp(v->user, ".") == 0 || strcmp(v->user, "..") == 0)
			return nsr_err_set(err, NSR_E_POLICY, 0, "$USER is not a usable name");
		for (c = v->user; *c != '\0'; c++)
			if (*c <= ' ' || *c >= 0x7f || *c == '/' || *c == ':')
				return nsr_err_set(err, NSR_E_POLICY, 0,
						   "$USER is not a usable name");
		*val = v->user;
	} else if (len == 3 && strncmp(name, "UID", 3) == 0) {
		snprintf(num, numsz, "%u", (unsigned)v->uid);
		*val = num;
	} else if (len == 3 && strncmp(name, "BOX", 3) == 0) {
		if (!policy_box_valid(v->box))
			return nsr_err_set(err, NSR_E_POLICY, 0, "$BOX is not a valid box name");
		*val = v->box;
	} else {
		return nsr_err_set(err, NSR_E_POLICY, 0,
				   "unknown variable $%.*s (only $HOME, $USER, $UID, $BOX)",
				   (int)(len > 32 ? 32 : len), name);
	}
	return 0;
}

int policy_expand(const char *in, const struct policy_vars *v, char *out, size_t outsz,
		  struct nsr_err *err)
{
	size_t o = 0;

	if (in == NULL || v == NULL || out == NULL || outsz == 0)
		return nsr_err_set(err, NSR_E_POLICY, EINVAL, "expansion");
	while (*in != '\0') {
		const char *val = "";
		char num[16], one[2];
		size_t n;

		if (*in == '$') {
			n = strspn(in + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					   "abcdefghijklmnopqrstuvwxyz0123456789_");
			if (expand_lookup(in + 1, n, v, num, sizeof(num), &val, err) < 0)
				return -1;
			in += 1 + n;
		} else {
			one[0] = *in++;
			one[1] = '\0';
			val = one;
		}
		n = strlen(val);
		if (n >= outsz - o) {
			out[0] = '\0';
			return nsr_err_set(err, NSR_E_POLICY, ENAMETOOLONG,
					   "expanded value too long");
		}
		memcpy(out + o, val, n);
		o += n;
		out[o] = '\0';
	}
	out[o] = '\0';
	return 0;
}

int policy_expand_path(const char *in, const struct policy_vars *v, char *out, size_t outsz,
		       struct nsr_err *err)
{
	if (policy_expand(in, v, out, outsz, err) < 0)
		return -1;
	if (!policy_path_ok(out, false)) {
		out[0] = '\0';
		return nsr_err_set(err, NSR_E_POLICY, 0,
				   "\"%s\" does not expand to an absolute, normalised path", in);
	}
	return 0;
}
