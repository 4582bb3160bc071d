// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The keys of [box]: hostname (literal or with $BOX/$USER/$UID), the
 * default command (one normalised absolute path) and the environment
 * (NAME=VALUE; the value may use $HOME $USER $UID $BOX) and whether the
 * box may create user namespaces (userns = yes|no), and the caller's
 * variables passed in (pass_env = GLOB[, GLOB...], never a loader
 * variable: env.c). Pure parsing of untrusted text; no privilege.
 */
#include "config.h"

#include "internal.h"

#include <stdio.h>
#include <string.h>

static int keys_hostname(struct policy_parser *ps, const struct policy_keydef *k, const char *v)
{
	const char *c;

	if (strlen(v) > 63)
		return policy_key_bad(ps, k, "too long (at most 63 characters)");
	/* RFC 1123: a label never starts or ends with '-' (checked again
	 * after expansion, when the box starts). */
	if (v[0] == '-' || (v[0] != '\0' && v[strlen(v) - 1] == '-'))
		return policy_key_bad(ps, k, "\"%s\": a hostname never starts or ends with '-'", v);
	for (c = v; *c != '\0'; c++) {
		if (*c == '$') {
			size_t n = policy_var_len(c + 1);

			if (n == 0 || strncmp(c + 1, "HOME", 4) == 0)
				return policy_key_bad(ps, k, "only $BOX, $USER and $UID may be used");
			c += n;
		} else if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-')) {
			return policy_key_bad(ps, k, "\"%s\": a hostname is a-z, 0-9 and '-'", v);
		}
	}
	snprintf(ps->pol->hostname, sizeof(ps->pol->hostname), "%s", v);
	return 0;
}

static int keys_command(struct policy_parser *ps, const struct policy_keydef *k, const char *v)
{
	if (!policy_path_ok(v, false) || strcmp(v, "/") == 0)
		return policy_key_bad(ps, k,
				      "\"%s\" is not an absolute, normalised path to a program", v);
	snprintf(ps->pol->command, sizeof(ps->pol->command), "%s", v);
	return 0;
}

static int keys_env(struct policy_parser *ps, const struct policy_keydef *k, const char *v)
{
	struct policy *p = ps->pol;
	size_t n = strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			     "0123456789_");
	const char *c;
	size_t i;

	if (n == 0 || v[n] != '=' || (v[0] >= '0' && v[0] <= '9'))
		return policy_key_bad(ps, k, "expected NAME=VALUE with NAME [A-Za-z_][A-Za-z0-9_]*");
	if (n == 9 && strncmp(v, "container", 9) == 0)
		return policy_key_bad(ps, k, "\"container\" is set by nsrun");
	for (c = v + n + 1; *c != '\0'; c++) {
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
			return policy_key_bad(ps, k, "value is not printable ASCII");
		if (*c == '$' && policy_var_len(c + 1) == 0)
			return policy_key_bad(ps, k, "only $HOME, $USER, $UID and $BOX may be used");
	}
	for (i = 0; i < p->n_env; i++)
		if (strncmp(p->env[i], v, n + 1) == 0)
			return policy_key_bad(ps, k, "%.*s set twice", (int)n, v);
	if (p->n_env >= POLICY_MAX_ENV)
		return policy_key_bad(ps, k, "too many variables (at most %d)", POLICY_MAX_ENV);
	snprintf(p->env[p->n_env++], POLICY_STR_MAX, "%s", v);
	return 0;
}

static int keys_userns(struct policy_parser *ps, const struct policy_keydef *k, const char *v)
{
	bool allow;

	if (policy_key_yes_no(ps, k, v, &allow) < 0)
		return -1;
	ps->pol->deny_userns = !allow;
	return 0;
}

static int keys_pass_env(struct policy_parser *ps, const struct policy_keydef *k, const char *v)
{
	struct policy *p = ps->pol;
	char buf[POLICY_STR_MAX];
	char *save = NULL, *item;
	size_t len;

	snprintf(buf, sizeof(buf), "%s", v);
	len = strlen(buf);
	if (buf[0] == ',' || buf[len - 1] == ',' || strstr(buf, ",,") != NULL)
		return policy_key_bad(ps, k, "empty list element");
	for (item = strtok_r(buf, ",", &save); item != NULL; item = strtok_r(NULL, ",", &save)) {
		const char *which = NULL;
		size_t i;

		item += strspn(item, " \t");
		len = strcspn(item, " \t");
		if (item[len + strspn(item + len, " \t")] != '\0')
			return policy_key_bad(ps, k, "bad list element \"%s\"", item);
		item[len] = '\0';
		if (!policy_env_glob_valid(item))
			return policy_key_bad(ps, k,
					      "\"%s\": a variable name or glob "
					      "([A-Za-z_][A-Za-z0-9_]* with * and ?)",
					      item);
		if (policy_env_glob_forbidden(item, &which))
			return policy_key_bad(ps, k,
					      "\"%s\" could pass %s%s, which nsrun "
					      "never passes (loader and libc variables)",
					      item, which,
					      which[strlen(which) - 1] == '_' ? "*" : "");
		for (i = 0; i < p->n_pass_env; i++)
			if (strcmp(p->pass_env[i], item) == 0)
				break;
		if (i < p->n_pass_env)
			continue;
		if (p->n_pass_env >= POLICY_MAX_PASS_ENV)
			return policy_key_bad(ps, k, "too many globs (at most %d)",
					      POLICY_MAX_PASS_ENV);
		snprintf(p->pass_env[p->n_pass_env++], POLICY_GLOB_MAX, "%s", item);
	}
	return 0;
}

const struct policy_keydef policy_keys_box[] = {
	{ SEC_BOX, "hostname", K_HOSTNAME, false, keys_hostname },
	{ SEC_BOX, "command", K_COMMAND, false, keys_command },
	{ SEC_BOX, "env", K_ENV, true, keys_env },
	{ SEC_BOX, "userns", K_USERNS, false, keys_userns },
	{ SEC_BOX, "pass_env", K_PASS_ENV, true, keys_pass_env },
	{ 0, NULL, 0, false, NULL },
};
