// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Name and path rules: policy and box names (nsrun(1)), hostnames, and
 * the shape of a normalised absolute path. Pure string checks on untrusted
 * input; no privilege, no file system access.
 */
#include "config.h"

#include "internal.h"

#include <string.h>

static bool names_lower_digit(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* [a-z0-9][a-z0-9_-]{0,63} */
bool policy_name_valid(const char *name)
{
	size_t i;

	if (name == NULL || !names_lower_digit(name[0]))
		return false;
	for (i = 1; name[i] != '\0'; i++) {
		if (i >= POLICY_NAME_MAX)
			return false;
		if (!names_lower_digit(name[i]) && name[i] != '_' && name[i] != '-')
			return false;
	}
	return true;
}

/* An expanded hostname: one RFC 1123 label, 1..63 of a-z, digits and
 * '-', never starting or ending with '-'. */
bool policy_hostname_valid(const char *h)
{
	size_t i;

	if (h == NULL || h[0] == '\0' || h[0] == '-')
		return false;
	for (i = 0; h[i] != '\0'; i++) {
		if (i >= 63)
			return false;
		if (!names_lower_digit(h[i]) && h[i] != '-')
			return false;
	}
	return h[i - 1] != '-';
}

/* Length of the variable name at s ("HOME", "USER", "UID", "BOX": the
 * longest run of [A-Za-z0-9_]), or 0 when it is not one of those. */
size_t policy_var_len(const char *s)
{
	static const char *const vars[] = { "HOME", "USER", "UID", "BOX" };
	size_t n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			     "abcdefghijklmnopqrstuvwxyz0123456789_");
	size_t i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if (strlen(vars[i]) == n && strncmp(s, vars[i], n) == 0)
			return n;
	return 0;
}

/* Absolute, no "." / ".." / empty component, no trailing '/' (but "/"),
 * printable ASCII without spaces or ':'. With allow_vars, $USER $UID $BOX
 * may appear anywhere and $HOME only as the whole first component. */
bool policy_path_ok(const char *p, bool allow_vars)
{
	const char *c;
	size_t len;

	if (p == NULL)
		return false;
	len = strlen(p);
	if (len == 0 || len >= POLICY_STR_MAX)
		return false;
	c = p;
	if (allow_vars && strncmp(p, "$HOME", 5) == 0 && (p[5] == '\0' || p[5] == '/'))
		c = p + 5;
	else if (p[0] != '/')
		return false;
	if (strcmp(p, "/") == 0)
		return true;
	while (*c != '\0') {
		const char *start = ++c; /* past the '/' */
		size_t n = strcspn(start, "/");

		if (c[-1] != '/')
			return false;
		if (n == 0 || (n == 1 && start[0] == '.') ||
		    (n == 2 && start[0] == '.' && start[1] == '.'))
			return false;
		for (c = start; c < start + n; c++) {
			if (*c <= ' ' || *c >= 0x7f || *c == ':')
				return false;
			if (*c == '$') {
				size_t v = allow_vars ? policy_var_len(c + 1) : 0;

				if (v == 0 || strncmp(c + 1, "HOME", 4) == 0)
					return false;
				c += v;
			}
		}
	}
	return true;
}

/* Mount targets nsrun sets up itself: "/", /proc, /sys, /dev and below. */
bool policy_target_reserved(const char *path)
{
	static const char *const res[] = { "/proc", "/sys", "/dev" };
	size_t i;

	if (strcmp(path, "/") == 0)
		return true;
	for (i = 0; i < sizeof(res) / sizeof(res[0]); i++) {
		size_t n = strlen(res[i]);

		if (strncmp(path, res[i], n) == 0 && (path[n] == '\0' || path[n] == '/'))
			return true;
	}
	return false;
}
