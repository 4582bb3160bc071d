// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rootfs: a marker file on the host is unreachable; / lists what the
 * policy's rootfs lists (plus mount points of the policy's own mounts, and
 * the user's home that a writable root gets);
 * writes follow `writable`: refused for no, allowed and gone in the next
 * box for tmpfs, kept for persistent, and never reaching the host's image.
 * The probe tries a few fixed directories, the user's home and directories
 * the user owns, so a minimal image without a world-writable directory
 * passes too (nsrun gives the user a home in a writable root).
 */
#include "config.h"

#include "checks.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Whether name is the first component of a mount the policy adds. */
static bool rootfs_mount_top(const struct hx_ctx *ctx, const char *name)
{
	const struct policy *p = ctx->t->pol;
	struct policy_vars v = {
		.user = ctx->cfg->as.name,
		.uid = ctx->cfg->as.uid,
		.home = ctx->cfg->as.home,
		.box = ctx->t->box,
	};
	size_t i, n = strlen(name);

	if (strcmp(HX_PROBE_TARGET + 1, name) == 0)
		return true;
	/* With a writable root nsrun gives the user a home of their own when
	 * the image has none (nsrun(1), THE BOX). */
	if (p->writable != POLICY_WRITABLE_NO && ctx->cfg->as.home[0] == '/' &&
	    strncmp(ctx->cfg->as.home + 1, name, n) == 0 &&
	    (ctx->cfg->as.home[1 + n] == '/' || ctx->cfg->as.home[1 + n] == '\0'))
		return true;
	for (i = 0; i < p->n_binds + p->n_tmpfs; i++) {
		const char *t = i < p->n_binds ? p->binds[i].target : p->tmpfs[i - p->n_binds].target;
		char out[POLICY_STR_MAX];
		struct nsr_err err = { 0 };

		if (policy_expand_path(t, &v, out, sizeof(out), &err) == 0 &&
		    strncmp(out + 1, name, n) == 0 && (out[1 + n] == '/' || out[1 + n] == '\0'))
			return true;
	}
	return false;
}

static void rootfs_compare(const struct hx_ctx *ctx, const struct facts *f, struct hx_result *res,
			   int *bad)
{
	DIR *d = opendir(ctx->t->exp.rootfs);
	struct dirent *e;
	size_t i;

	if (d == NULL) {
		CHK_EXPECT(res, *bad, false, "cannot list the rootfs %s on the host",
			   ctx->t->exp.rootfs);
		return;
	}
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			CHK_EXPECT(res, *bad, facts_has(f, "rootls", e->d_name),
				   "/%s of the rootfs is missing inside", e->d_name);
	closedir(d);
	for (i = 0; i < facts_count(f, "rootls"); i++) {
		const char *n = facts_nth(f, "rootls", i);
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/%s", ctx->t->exp.rootfs, n);
		CHK_EXPECT(res, *bad, access(path, F_OK) == 0 || rootfs_mount_top(ctx, n),
			   "/%s inside is not in the rootfs %s: / is not the policy's rootfs", n,
			   ctx->t->exp.rootfs);
	}
}

/* The writes of the first box, checked on both sides. */
static int rootfs_writes(const struct hx_ctx *ctx, const struct facts *f, const char *name,
			 struct hx_result *res, int *bad)
{
	const char *ro = facts_get(f, "root_ro");
	size_t i, ok = 0;

	for (i = 0; i < facts_count(f, "write"); i++) {
		const char *w = facts_nth(f, "write", i);
		const char *sp = strrchr(w, ' ');
		char dir[PATH_MAX], host[PATH_MAX];

		/* "DIR RESULT"; DIR may hold spaces, RESULT does not. */
		if (sp == NULL || strcmp(sp + 1, "ok") != 0 || (size_t)(sp - w) >= sizeof(dir) ||
		    w[0] != '/')
			continue;
		memcpy(dir, w, (size_t)(sp - w));
		dir[sp - w] = '\0';
		ok++;
		if (nsr_fmt(host, sizeof(host), "%s%s/%s", ctx->t->exp.rootfs,
			    strcmp(dir, "/") ? dir : "", name) == 0 &&
		    access(host, F_OK) == 0) {
			CHK_EXPECT(res, *bad, false, "a write inside reached the host's image: %s",
				   host);
			unlink(host);
		}
	}
	if (ctx->t->exp.writable == POLICY_WRITABLE_NO) {
		CHK_EXPECT(res, *bad, ro != NULL && strcmp(ro, "1") == 0,
			   "writable = no, but / inside is not read-only");
		CHK_EXPECT(res, *bad, ok == 0, "writable = no, but %zu writes succeeded", ok);
	} else {
		CHK_EXPECT(res, *bad, ro != NULL && strcmp(ro, "0") == 0,
			   "writable = %s, but / inside is read-only",
			   ctx->t->exp.writable == POLICY_WRITABLE_TMPFS ? "tmpfs" : "persistent");
		CHK_EXPECT(res, *bad, ok > 0,
			   "no write on the rootfs succeeded (%zu tried; the "
			   "user's home is %s)",
			   facts_count(f, "write"), ctx->cfg->as.home);
		for (i = 0; ok == 0 && i < facts_count(f, "write"); i++)
			hx_note(res, "  %s", facts_nth(f, "write", i));
	}
	return (int)ok;
}

static int chk_rootfs(struct hx_ctx *ctx, struct hx_result *res)
{
	char name[64], buf[600];
	const char *home = ctx->cfg->as.home;
	const char *args1[] = { HX_PROBE_TARGET "/nsrun-probe",
				"facts",
				"--marker",
				ctx->cfg->marker,
				"--home",
				home,
				"--write",
				name,
				NULL };
	const char *args2[] = {
		HX_PROBE_TARGET "/nsrun-probe", "facts", "--home", home, "--seek", name, NULL
	};
	struct run_box b;
	struct facts f;
	struct nsr_err err = { 0 };
	const char *m;
	int bad = 0, written = 0;
	size_t i;

	snprintf(name, sizeof(name), "nsrh-write-%s", ctx->token);
	if (run_once(ctx, args1, &b, &err) < 0 || facts_parse(b.out, b.out_len, &f) < 0) {
		run_free(&b);
		return hx_fail(res, "cannot run a box: %s", nsr_err_text(&err, buf, sizeof(buf)));
	}
	CHK_EXPECT(res, bad, facts_has(&f, "done", "1"), "the probe did not finish");
	m = facts_get(&f, "marker");
	CHK_EXPECT(res, bad, m != NULL && strcmp(m, "ENOENT") == 0,
		   "the host marker %s is reachable inside (%s)", ctx->cfg->marker,
		   m ? m : "not reported");
	rootfs_compare(ctx, &f, res, &bad);
	written = rootfs_writes(ctx, &f, name, res, &bad);
	if (bad > 0)
		run_note(&b, res);
	facts_free(&f);
	run_free(&b);
	if (ctx->t->exp.writable == POLICY_WRITABLE_NO || written == 0)
		return chk_done(res, bad);

	/* A second box: a tmpfs root forgets, a persistent one remembers. */
	if (run_once(ctx, args2, &b, &err) < 0 || facts_parse(b.out, b.out_len, &f) < 0) {
		run_free(&b);
		return hx_fail(res, "cannot run the second box");
	}
	for (i = 0; i < facts_count(&f, "seen"); i++) {
		const char *s = facts_nth(&f, "seen", i);
		bool seen = strlen(s) > 2 && strcmp(s + strlen(s) - 2, " 1") == 0;

		if (ctx->t->exp.writable == POLICY_WRITABLE_TMPFS)
			CHK_EXPECT(res, bad, !seen,
				   "writable = tmpfs, but the next box "
				   "still has the file written in %s",
				   s);
		written -= seen;
	}
	if (ctx->t->exp.writable == POLICY_WRITABLE_PERSISTENT) {
		CHK_EXPECT(res, bad, written <= 0,
			   "writable = persistent, but the next box lost %d written files "
			   "(where it looked, 0 = not found):",
			   written);
		for (i = 0; written > 0 && i < facts_count(&f, "seen"); i++)
			hx_note(res, "  %s", facts_nth(&f, "seen", i));
	}
	facts_free(&f);
	run_free(&b);
	return chk_done(res, bad);
}

const struct hx_check hx_check_rootfs = {
	.name = "rootfs",
	.proves = "a host marker file is unreachable; / lists what the policy's rootfs "
		  "lists (plus the policy's mount points and the user's home); writes, tried "
		  "in fixed directories, the user's home and directories the user owns, "
		  "follow writable: refused for no, allowed and gone in the next box for "
		  "tmpfs, kept for persistent; no write reaches the image on the host",
	.fails = "the marker reachable, / not the rootfs, a write on a read-only root, no "
		 "write on a writable one (each try is listed), a file kept by a tmpfs root "
		 "or lost by a persistent one, or a written file found in the host's image",
	.run = chk_rootfs,
};
