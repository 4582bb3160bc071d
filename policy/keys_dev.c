// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The keys of [devices] (nsrun.policy(5)): allow = host device paths or
 * globs below /dev (a glob only in the last component; "?" in front marks
 * an entry optional), allow_block = yes|no, gpus = none|all|scheduler.
 * Pure parsing of untrusted text: every path the fixed deny list
 * (devices.c) names, or a glob that would reach one, is refused here, so
 * --check reports it with its line. No privilege.
 */
#include "config.h"

#include "internal.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

/* Directories below /dev that hold no device nodes an admin could mean. */
static const char *const keys_dev_not_devices[] = {
	"pts", "shm", "mqueue", "hugepages", "fd", "stdin", "stdout", "stderr",
};

static bool keys_dev_globchar(char c)
{
	return c == '*' || c == '?' || c == '[' || c == ']' || c == '!';
}

/* rel: the path below "/dev/". 1..3 components of [A-Za-z0-9._+@:-],
 * none starting with '.', glob characters only in the last one, and a
 * '[' always closed there. Sets *glob. */
static bool keys_dev_rel_ok(const char *rel, bool *glob)
{
	const char *c = rel, *last;
	int depth = 0;
	int open = 0;

	*glob = false;
	for (;;) {
		size_t n = strcspn(c, "/");

		if (n == 0 || c[0] == '.' || ++depth > 3)
			return false;
		last = c;
		if (c[n] == '\0')
			break;
		c += n + 1;
	}
	for (c = rel; *c != '\0'; c++) {
		bool ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			  (*c >= '0' && *c <= '9') || strchr("._+@:-/", *c) != NULL;

		if (keys_dev_globchar(*c)) {
			if (c < last)
				return false;
			*glob = true;
			if (*c == '[')
				open++;
			else if (*c == ']' && open > 0)
				open--;
			ok = true;
		}
		if (!ok)
			return false;
	}
	return open == 0;
}

/* One element of allow =. */
static int keys_dev_one(struct policy_parser *ps, const struct policy_keydef *k, const char *item)
{
	struct policy_devices *d = &ps->pol->devices;
	struct policy_dev_allow *a;
	bool optional = false, glob = false;
	const char *why, *sample = NULL;
	const char *rel;
	size_t i, n;

	if (item[0] == '?') {
		optional = true;
		item++;
	}
	if (strncmp(item, "/dev/", 5) != 0)
		return policy_key_bad(ps, k, "\"%s\" is not below /dev", item);
	rel = item + 5;
	if (strlen(item) >= POLICY_DEV_PATH_MAX || !keys_dev_rel_ok(rel, &glob))
		return policy_key_bad(ps, k,
				      "\"%s\" is not a normalised path below /dev "
				      "(at most 3 levels; a glob only in the last)",
				      item);
	n = strcspn(rel, "/");
	for (i = 0; i < NSR_ARRAY_SIZE(keys_dev_not_devices); i++)
		if (strlen(keys_dev_not_devices[i]) == n &&
		    strncmp(rel, keys_dev_not_devices[i], n) == 0)
			return policy_key_bad(ps, k,
					      "\"%s\": /dev/%s holds no devices a box "
					      "may be given",
					      item, keys_dev_not_devices[i]);
	if (glob) {
		why = policy_dev_glob_denied(rel, &sample);
		if (why != NULL)
			return policy_key_bad(ps, k,
					      "\"%s\" would match /dev/%s, which can "
					      "never be allowed (%s)",
					      item, sample, why);
	} else {
		why = policy_dev_denied(rel, 0, 0, 0);
		if (why != NULL)
			return policy_key_bad(ps, k, "%s can never be allowed (%s)", item, why);
		if (policy_dev_minimal(rel))
			return policy_key_bad(ps, k, "%s is in every box already", item);
	}
	for (i = 0; i < d->n_allow; i++)
		if (strcmp(d->allow[i].path, item) == 0)
			return policy_key_bad(ps, k, "%s already allowed on line %u", item,
					      d->allow[i].line);
	if (d->n_allow >= POLICY_MAX_DEV_ALLOW)
		return policy_key_bad(ps, k, "too many entries (at most %d)", POLICY_MAX_DEV_ALLOW);
	a = &d->allow[d->n_allow++];
	snprintf(a->path, sizeof(a->path), "%s", item);
	a->optional = optional;
	a->glob = glob;
	a->line = ps->line;
	return 0;
}

static int keys_dev_allow(struct policy_parser *ps, const struct policy_keydef *k, const char *v)
{
	char buf[POLICY_STR_MAX];
	char *save = NULL, *item;
	size_t len;
	int rc = 0;

	snprintf(buf, sizeof(buf), "%s", v);
	len = strlen(buf);
	if (buf[0] == ',' || buf[len - 1] == ',' || strstr(buf, ",,") != NULL)
		return policy_key_bad(ps, k, "empty list element");
	for (item = strtok_r(buf, ",", &save); item != NULL; item = strtok_r(NULL, ",", &save)) {
		item += strspn(item, " \t");
		len = strcspn(item, " \t");
		if (len == 0 || item[len + strspn(item + len, " \t")] != '\0') {
			rc = policy_key_bad(ps, k, "bad list element \"%s\"", item);
			continue;
		}
		item[len] = '\0';
		if (keys_dev_one(ps, k, item) < 0)
			rc = -1;
	}
	return rc;
}

static int keys_dev_allow_block(struct policy_parser *ps, const struct policy_keydef *k,
				const char *v)
{
	return policy_key_yes_no(ps, k, v, &ps->pol->devices.allow_block);
}

static int keys_dev_gpus(struct policy_parser *ps, const struct policy_keydef *k, const char *v)
{
	static const char *const names[] = {
		[POLICY_GPUS_NONE] = "none",
		[POLICY_GPUS_ALL] = "all",
		[POLICY_GPUS_SCHEDULER] = "scheduler",
		NULL,
	};
	int g;

	if (policy_key_one_of(ps, k, v, names, &g) < 0)
		return -1;
	ps->pol->devices.gpus = (enum policy_gpus)g;
	return 0;
}

const struct policy_keydef policy_keys_dev[] = {
	{ SEC_DEVICES, "allow", K_DEV_ALLOW, true, keys_dev_allow },
	{ SEC_DEVICES, "allow_block", K_DEV_ALLOW_BLOCK, false, keys_dev_allow_block },
	{ SEC_DEVICES, "gpus", K_GPUS, false, keys_dev_gpus },
	{ 0, NULL, 0, false, NULL },
};
