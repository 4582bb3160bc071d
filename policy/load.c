// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * policy_load: from a policy name to a parsed, trusted policy. The name is
 * checked against its pattern before it becomes a path; the file is opened
 * through the trust walk. Runs with nsrun's privilege, so the error meant
 * for the caller is the same whether the file is missing, untrusted or
 * invalid (CVE-2022-47952 in lxc-user-nic); the details go to diags only.
 * policy_check_file (nsrun --check) must run with the caller's own
 * privilege: its diagnostics quote the file's contents.
 */
#include "config.h"

#include "internal.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* Refused before the parse: an empty policy and one diagnostic for file.
 * (The parse zeroes both itself: zeroing here first too would read every
 * page of them once more: util.h nsr_mark_fresh().) */
static void load_reset(struct policy *out, struct policy_diags *diags, const char *file)
{
	nsr_zero_sparse(out, sizeof(*out));
	nsr_zero_sparse(diags, sizeof(*diags));
	snprintf(diags->file, sizeof(diags->file), "%s", file);
}

int policy_load(const char *policydir, const char *name, struct policy *out,
		struct policy_diags *diags, struct nsr_err *err)
{
	nsr_cleanup_fd int fd = -1;
	char path[POLICY_STR_MAX];
	char why[256];

	if (!policy_name_valid(name)) {
		load_reset(out, diags, "(policy name)");
		policy_diag(diags, 0, "invalid policy name");
		return nsr_err_set(err, NSR_E_USAGE, 0,
				   "invalid policy name (allowed: [a-z0-9][a-z0-9_-]{0,63})");
	}
	if (policydir == NULL || policydir[0] != '/' ||
	    nsr_fmt(path, sizeof(path), "%s/%s.ini", policydir, name) < 0) {
		load_reset(out, diags, name);
		policy_diag(diags, 0, "bad policy directory");
		return nsr_err_set(err, NSR_E_POLICY, 0, "policy \"%s\" is not available", name);
	}
	if (trust_open_file(path, &fd, why, sizeof(why)) < 0) {
		load_reset(out, diags, path);
		policy_diag(diags, 0, "cannot be used: %s", why);
		return nsr_err_set(err, NSR_E_POLICY, 0, "policy \"%s\" is not available", name);
	}
	if (policy_parse_fd(fd, path, out, diags) < 0)
		return nsr_err_set(err, NSR_E_POLICY, 0, "policy \"%s\" is not available", name);
	snprintf(out->name, sizeof(out->name), "%s", name);
	return 0;
}

/* getcwd() + "/" + rel, with "", "." and ".." components folded. Only the
 * text is normalised: the trust walk re-checks every component without
 * following links, and getcwd() returns a path without symlinks. */
static int load_absolute(const char *rel, char *out, size_t outsz)
{
	char buf[PATH_MAX * 2];
	char *comp, *save = NULL;
	size_t o = 0;

	if (rel[0] == '/') {
		if (nsr_fmt(buf, sizeof(buf), "%s", rel) < 0)
			return -1;
	} else {
		char cwd[PATH_MAX];

		if (getcwd(cwd, sizeof(cwd)) == NULL ||
		    nsr_fmt(buf, sizeof(buf), "%s/%s", cwd, rel) < 0)
			return -1;
	}
	out[0] = '\0';
	for (comp = strtok_r(buf, "/", &save); comp != NULL; comp = strtok_r(NULL, "/", &save)) {
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			char *slash = strrchr(out, '/');

			o = slash != NULL ? (size_t)(slash - out) : 0;
			out[o] = '\0';
			continue;
		}
		if (nsr_fmt(out + o, outsz - o, "/%s", comp) < 0)
			return -1;
		o += strlen(out + o);
	}
	if (o == 0 && nsr_fmt(out, outsz, "/") < 0)
		return -1;
	return 0;
}

/* Bind sources without variables that the caller can open: refused kinds
 * (bindsrc.c) reported at their line. Sources the caller cannot open say
 * nothing (the start says "not readable" then, in the same words for a
 * missing one). */
static int check_bind_sources(const struct policy *p, struct policy_diags *diags)
{
	int rc = 0;

	for (size_t i = 0; i < p->n_binds; i++) {
		const char *src = p->binds[i].source, *why;
		nsr_cleanup_fd int fd = -1;

		if (strchr(src, '$') != NULL)
			continue;
		fd = nsr_openat(AT_FDCWD, src, O_PATH, 0);
		if (fd < 0)
			continue;
		why = policy_bind_source_refused(fd);
		if (why != NULL) {
			policy_diag(diags, p->binds[i].line,
				    "mount.bind: source \"%s\" is %s: refused", src, why);
			rc = -1;
		}
	}
	return rc;
}

int policy_check_file(const char *path, struct policy *out, struct policy_diags *diags)
{
	nsr_cleanup_fd int fd = -1;
	char abs[PATH_MAX], why[256] = "";
	bool trusted = false;
	struct stat st;
	int r;

	if (load_absolute(path, abs, sizeof(abs)) < 0)
		snprintf(why, sizeof(why), "path too long");
	else if (trust_open_file(abs, &fd, why, sizeof(why)) == 0)
		trusted = true;
	if (!trusted) {
		/* Still read it (with the caller's own permissions) so that
		 * every other problem is reported too. */
		fd = nsr_openat(AT_FDCWD, path, O_RDONLY | O_NOCTTY | O_NONBLOCK, 0);
		if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
			close(fd);
			fd = -1;
			errno = EINVAL;
		}
	}
	if (fd < 0) {
		memset(out, 0, sizeof(*out));
		memset(diags, 0, sizeof(*diags));
		snprintf(diags->file, sizeof(diags->file), "%s", path);
		policy_diag(diags, 0, "not trusted: %s", why);
		return -1;
	}
	r = policy_parse_fd(fd, path, out, diags);
	if (check_bind_sources(out, diags) < 0)
		r = -1;
	if (trusted)
		return r;
	if (diags->n == POLICY_DIAG_MAX) {
		diags->n--;
		diags->dropped++;
	}
	memmove(&diags->items[1], &diags->items[0], diags->n * sizeof(diags->items[0]));
	diags->n++;
	diags->items[0].line = 0;
	snprintf(diags->items[0].msg, sizeof(diags->items[0].msg), "not trusted: %s", why);
	memset(out, 0, sizeof(*out));
	return -1;
}
