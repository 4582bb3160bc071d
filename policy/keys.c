// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The keys of [policy], [rootfs] and [mount], and the dispatch
 * from inih's handler: unknown, empty and repeated keys are refused here.
 * Values are untrusted text; user and group names are looked up in the
 * user database (getpwnam/getgrnam), nothing else leaves memory.
 */
#include "config.h"

#include "internal.h"

#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

_Static_assert(sizeof(uid_t) == sizeof(uint32_t) && sizeof(gid_t) == sizeof(uint32_t),
	       "ids are 32 bits");

static const char *const keys_sections[SEC_COUNT] = {
	[SEC_POLICY] = "policy",   [SEC_ROOTFS] = "rootfs",   [SEC_MOUNT] = "mount",
	[SEC_LIMITS] = "limits",   [SEC_NETWORK] = "network", [SEC_BOX] = "box",
	[SEC_DEVICES] = "devices",
};

int policy_section_lookup(const char *name)
{
	int i;

	for (i = SEC_POLICY; i < SEC_UNKNOWN; i++)
		if (strcmp(name, keys_sections[i]) == 0)
			return i;
	return SEC_UNKNOWN;
}

const char *policy_section_name(int section)
{
	if (section <= SEC_NONE || section >= SEC_UNKNOWN)
		return "?";
	return keys_sections[section];
}

int policy_key_bad(struct policy_parser *ps, const struct policy_keydef *k, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	policy_diag(ps->diags, ps->line, "%s.%s: %s", policy_section_name(k->section), k->name, msg);
	return -1;
}

int policy_key_yes_no(struct policy_parser *ps, const struct policy_keydef *k, const char *v,
		      bool *out)
{
	if (strcmp(v, "yes") == 0)
		*out = true;
	else if (strcmp(v, "no") == 0)
		*out = false;
	else
		return policy_key_bad(ps, k, "\"%s\": expected yes or no", v);
	return 0;
}

int policy_key_one_of(struct policy_parser *ps, const struct policy_keydef *k, const char *v,
		      const char *const names[], int *out)
{
	char list[120] = "";
	size_t used = 0;

	*out = 0; /* never left unset, whatever the caller does on an error */
	for (int i = 0; names[i] != NULL; i++) {
		if (strcmp(v, names[i]) == 0) {
			*out = i;
			return 0;
		}
		int n = snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "", names[i]);
		if (n > 0 && (size_t)n < sizeof(list) - used)
			used += (size_t)n;
	}
	return policy_key_bad(ps, k, "\"%s\" is not one of %s", v, list);
}

/* Valid UTF-8 without C1 controls (U+0080..U+009F), overlongs or
 * surrogates: what --list may print to a terminal. */
static bool keys_utf8_ok(const unsigned char *s)
{
	while (*s != '\0') {
		unsigned cp, need, i;

		if (*s < 0x80) {
			if (*s < 0x20 || *s == 0x7f)
				return false;
			s++;
			continue;
		}
		if (*s >= 0xc2 && *s <= 0xdf)
			need = 1, cp = *s & 0x1f;
		else if (*s >= 0xe0 && *s <= 0xef)
			need = 2, cp = *s & 0x0f;
		else if (*s >= 0xf0 && *s <= 0xf4)
			need = 3, cp = *s & 0x07;
		else
			return false;
		for (i = 1; i <= need; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i] & 0x3f);
		}
		if (cp < 0xa0 || (need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		s += need + 1;
	}
	return true;
}

static int keys_description(struct policy_parser *ps, const struct policy_keydef *k, const char *v)
{
	if (strlen(v) >= POLICY_DESC_MAX)
		return policy_key_bad(ps, k, "too long (at most %d bytes)", POLICY_DESC_MAX - 1);
	if (!keys_utf8_ok((const unsigned char *)v))
		return policy_key_bad(ps, k, "not printable UTF-8 text");
	snprintf(ps->pol->description, sizeof(ps->pol->description), "%s", v);
	return 0;
}

/* One element of users = / groups =: a numeric id or a known name. */
static int keys_one_id(struct policy_parser *ps, const struct policy_keydef *k, const char *item,
		       uint32_t *id)
{
	uint64_t v;

	if (item[strspn(item, "0123456789")] == '\0') {
		if (policy_parse_uint(item, 0, UINT32_MAX - 1, &v) < 0) {
			return policy_key_bad(ps, k, "bad numeric id \"%s\"", item);
			return -1;
		}
		*id = (uint32_t)v;
		return 0;
	}
	if (k->key == K_USERS) {
		struct passwd *pw = strlen(item) < 64 ? getpwnam(item) : NULL;

		if (pw != NULL) {
			*id = pw->pw_uid;
			return 0;
		}
		return policy_key_bad(ps, k, "unknown user \"%s\"", item);
	} else {
		struct group *gr = strlen(item) < 64 ? getgrnam(item) : NULL;

		if (gr != NULL) {
			*id = gr->gr_gid;
			return 0;
		}
		return policy_key_bad(ps, k, "unknown group \"%s\"", item);
	}
	return -1;
}

static int keys_ids(struct policy_parser *ps, const struct policy_keydef *k, const char *v)
{
	uint32_t *ids = k->key == K_USERS ? (uint32_t *)ps->pol->users : (uint32_t *)ps->pol->groups;
	size_t *n = k->key == K_USERS ? &ps->pol->n_users : &ps->pol->n_groups;
	char buf[POLICY_STR_MAX];
	char *save = NULL, *item;
	size_t len;

	snprintf(buf, sizeof(buf), "%s", v);
	len = strlen(buf);
	if (buf[0] == ',' || buf[len - 1] == ',' || strstr(buf, ",,") != NULL)
		return policy_key_bad(ps, k, "empty list element");
	for (item = strtok_r(buf, ",", &save); item != NULL; item = strtok_r(NULL, ",", &save)) {
		uint32_t id = 0;
		size_t i;

		item += strspn(item, " \t");
		len = strcspn(item, " \t");
		if (len == 0 || item[len + strspn(item + len, " \t")] != '\0')
			return policy_key_bad(ps, k, "bad list element \"%s\"", item);
		item[len] = '\0';
		if (keys_one_id(ps, k, item, &id) < 0)
			continue;
		for (i = 0; i < *n && ids[i] != id; i++)
			;
		if (i < *n)
			continue;
		if (*n >= POLICY_MAX_IDS)
			return policy_key_bad(ps, k, "too many ids (at most %d)", POLICY_MAX_IDS);
		ids[(*n)++] = id;
	}
	return 0;
}

static int keys_rootfs(struct policy_parser *ps, const struct policy_keydef *k, const char *v)
{
	if (!policy_path_ok(v, false))
		return policy_key_bad(ps, k, "\"%s\" is not an absolute, normalised path", v);
	if (strcmp(v, "/") == 0)
		return policy_key_bad(ps, k, "the host's / cannot be a rootfs");
	snprintf(ps->pol->rootfs, sizeof(ps->pol->rootfs), "%s", v);
	return 0;
}

static int keys_writable(struct policy_parser *ps, const struct policy_keydef *k, const char *v)
{
	static const char *const names[] = {
		[POLICY_WRITABLE_NO] = "no",
		[POLICY_WRITABLE_TMPFS] = "tmpfs",
		[POLICY_WRITABLE_PERSISTENT] = "persistent",
		NULL,
	};
	int w;

	if (policy_key_one_of(ps, k, v, names, &w) < 0)
		return -1;
	ps->pol->writable = (enum policy_writable)w;
	return 0;
}

/* A mount target: path rules, not reserved, not mounted twice. */
static int keys_target(struct policy_parser *ps, const struct policy_keydef *k, const char *t)
{
	const struct policy *p = ps->pol;
	size_t i;

	if (!policy_path_ok(t, true)) {
		return policy_key_bad(ps, k, "target \"%s\" is not an absolute, normalised path", t);
		return -1;
	}
	if (policy_target_reserved(t)) {
		return policy_key_bad(ps, k, "target \"%s\" is reserved (/, /proc, /sys, /dev)", t);
		return -1;
	}
	for (i = 0; i < p->n_binds; i++)
		if (strcmp(p->binds[i].target, t) == 0)
			break;
	if (i < p->n_binds) {
		return policy_key_bad(ps, k, "target \"%s\" already mounted on line %u", t,
				      p->binds[i].line);
		return -1;
	}
	for (i = 0; i < p->n_tmpfs; i++) {
		if (strcmp(p->tmpfs[i].target, t) == 0) {
			return policy_key_bad(ps, k, "target \"%s\" already mounted on line %u", t,
					      p->tmpfs[i].line);
			return -1;
		}
	}
	return 0;
}

static int keys_bind(struct policy_parser *ps, const struct policy_keydef *k, const char *v)
{
	struct policy *p = ps->pol;
	char buf[POLICY_STR_MAX];
	char *src = buf, *tgt, *opt;
	bool rw = false;

	snprintf(buf, sizeof(buf), "%s", v);
	tgt = strchr(src, ':');
	if (tgt == NULL)
		return policy_key_bad(ps, k, "expected SOURCE:TARGET[:ro|rw]");
	*tgt++ = '\0';
	opt = strchr(tgt, ':');
	if (opt != NULL) {
		*opt++ = '\0';
		if (strcmp(opt, "rw") == 0)
			rw = true;
		else if (strcmp(opt, "ro") != 0)
			return policy_key_bad(ps, k, "option \"%s\" is not ro or rw", opt);
	}
	if (!policy_path_ok(src, true))
		return policy_key_bad(ps, k, "source \"%s\" is not an absolute, normalised path",
				      src);
	if (keys_target(ps, k, tgt) < 0)
		return -1;
	if (p->n_binds >= POLICY_MAX_BINDS)
		return policy_key_bad(ps, k, "too many bind mounts (at most %d)", POLICY_MAX_BINDS);
	snprintf(p->binds[p->n_binds].source, POLICY_STR_MAX, "%s", src);
	snprintf(p->binds[p->n_binds].target, POLICY_STR_MAX, "%s", tgt);
	p->binds[p->n_binds].rw = rw;
	p->binds[p->n_binds].line = ps->line;
	p->n_binds++;
	return 0;
}

static int keys_tmpfs(struct policy_parser *ps, const struct policy_keydef *k, const char *v)
{
	struct policy *p = ps->pol;
	char buf[POLICY_STR_MAX];
	char *opt;
	uint64_t size = 0;

	snprintf(buf, sizeof(buf), "%s", v);
	opt = strchr(buf, ':');
	if (opt != NULL) {
		*opt++ = '\0';
		if (strncmp(opt, "size=", 5) != 0)
			return policy_key_bad(ps, k, "expected TARGET[:size=SIZE]");
		if (policy_parse_size(opt + 5, &size) < 0 || size == 0)
			return policy_key_bad(ps, k, "bad size \"%s\"", opt + 5);
	}
	if (keys_target(ps, k, buf) < 0)
		return -1;
	if (p->n_tmpfs >= POLICY_MAX_TMPFS)
		return policy_key_bad(ps, k, "too many tmpfs mounts (at most %d)", POLICY_MAX_TMPFS);
	snprintf(p->tmpfs[p->n_tmpfs].target, POLICY_STR_MAX, "%s", buf);
	p->tmpfs[p->n_tmpfs].size = size;
	p->tmpfs[p->n_tmpfs].line = ps->line;
	p->n_tmpfs++;
	return 0;
}

const struct policy_keydef policy_keys_main[] = {
	{ SEC_POLICY, "description", K_DESCRIPTION, false, keys_description },
	{ SEC_POLICY, "users", K_USERS, false, keys_ids },
	{ SEC_POLICY, "groups", K_GROUPS, false, keys_ids },
	{ SEC_ROOTFS, "path", K_PATH, false, keys_rootfs },
	{ SEC_ROOTFS, "writable", K_WRITABLE, false, keys_writable },
	{ SEC_MOUNT, "bind", K_BIND, true, keys_bind },
	{ SEC_MOUNT, "tmpfs", K_TMPFS, true, keys_tmpfs },
	{ 0, NULL, 0, false, NULL },
};

static const struct policy_keydef *keys_find(int section, const char *key)
{
	const struct policy_keydef *const tables[] = {
		policy_keys_main, policy_keys_limits, policy_keys_net,
		policy_keys_box,  policy_keys_life,   policy_keys_dev,
	};
	const struct policy_keydef *k;
	size_t t;

	for (t = 0; t < NSR_ARRAY_SIZE(tables); t++)
		for (k = tables[t]; k->name != NULL; k++)
			if (k->section == section && strcmp(k->name, key) == 0)
				return k;
	return NULL;
}

void policy_key_set(struct policy_parser *ps, const char *key, const char *value)
{
	const struct policy_keydef *k;

	if (ps->section <= SEC_NONE || ps->section >= SEC_UNKNOWN)
		return; /* already reported by the reader */
	k = keys_find(ps->section, key);
	if (k == NULL) {
		policy_diag(ps->diags, ps->line, "unknown key \"%s\" in [%s]", key,
			    policy_section_name(ps->section));
		return;
	}
	if (ps->key_line[k->key] != 0 && !k->repeatable) {
		policy_key_bad(ps, k, "repeated key (first on line %u)", ps->key_line[k->key]);
		return;
	}
	if (ps->key_line[k->key] == 0)
		ps->key_line[k->key] = ps->line;
	if (value[0] == '\0')
		policy_key_bad(ps, k, "empty value");
	else
		k->set(ps, k, value);
}
