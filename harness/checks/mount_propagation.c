// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mount-propagation, three ways. Before the start the harness makes every
 * place the box sees from the host a shared mount of its own (a recursive
 * bind of the place onto itself, made shared): the rootfs, every bind
 * source (ro and rw) and, for a persistent root, the data dir holding the
 * upper. A box whose mounts were left shared or made slave is then tied to
 * them whatever the host's own propagation is. While the box holds:
 * (1) no mount inside carries a shared:, master: or propagate_from: field;
 * (2) a tmpfs the harness mounts on the host under each place (a
 *     subdirectory of it, or the place itself) never shows inside;
 * (3) no mount of the box shows on the host under those places or at the
 *     probe's mount point.
 * Everything the harness mounts is its own (tmpfs sources "nsrh-TOKEN-N",
 * read-only, 4 KiB) and is removed, newest first, as soon as the probe has
 * looked. Root in the host's mount namespace.
 */
#include "config.h"

#include "checks.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "../mountinfo.h"

#define MPROP_MAX (POLICY_MAX_BINDS + 2)

struct mprop_place {
	char what[POLICY_STR_MAX + 64]; /* for diagnostics */
	char path[PATH_MAX];		/* made shared before the start */
	char at[PATH_MAX];		/* where the host tmpfs goes */
	char source[64];		/* its source name */
	bool bound, mounted;
};

struct mprop {
	struct mprop_place p[MPROP_MAX];
	size_t n;
};

/* Where under dir the host tmpfs goes: the first subdirectory (not a
 * symlink), else dir itself. */
static void mprop_under(const char *dir, char *at, size_t sz)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	snprintf(at, sz, "%s", dir);
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char path[PATH_MAX];
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    nsr_fmt(path, sizeof(path), "%s/%s", strcmp(dir, "/") ? dir : "", e->d_name) < 0 ||
		    lstat(path, &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		snprintf(at, sz, "%s", path);
		break;
	}
	closedir(d);
}

static void mprop_add(struct mprop *m, const char *what, const char *path, const char *at)
{
	struct mprop_place *p;

	if (m->n >= MPROP_MAX)
		return;
	p = &m->p[m->n++];
	snprintf(p->what, sizeof(p->what), "%s", what);
	snprintf(p->path, sizeof(p->path), "%s", path);
	snprintf(p->at, sizeof(p->at), "%s", at);
}

/* Every place the box sees from the host. */
static void mprop_places(const struct hx_ctx *ctx, struct mprop *m, struct hx_result *res)
{
	static const char *const dirs[] = { "mnt", "opt", "srv", "media", "tmp", "home" };
	const struct policy *pol = ctx->t->pol;
	const struct hx_user *u = &ctx->cfg->as;
	struct policy_vars v = { .user = u->name, .uid = u->uid, .home = u->home, .box = ctx->t->box };
	char at[PATH_MAX], what[POLICY_STR_MAX + 64];
	size_t i;

	snprintf(at, sizeof(at), "%s", ctx->t->exp.rootfs);
	for (i = 0; i < NSR_ARRAY_SIZE(dirs); i++) {
		char path[PATH_MAX];
		struct stat st;

		if (nsr_fmt(path, sizeof(path), "%s/%s", ctx->t->exp.rootfs, dirs[i]) == 0 &&
		    lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			snprintf(at, sizeof(at), "%s", path);
			break;
		}
	}
	mprop_add(m, "the rootfs", ctx->t->exp.rootfs, at);
	for (i = 0; i < pol->n_binds; i++) {
		const struct policy_bind *b = &pol->binds[i];
		char src[POLICY_STR_MAX];
		struct nsr_err err = { 0 };
		struct stat st;

		if (policy_expand_path(b->source, &v, src, sizeof(src), &err) < 0 ||
		    stat(src, &st) < 0) {
			hx_note(res, "bind source %s: not found on the host, not tested", b->source);
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			hx_note(res,
				"bind source %s is not a directory: nothing can be mounted "
				"under it",
				src);
			continue;
		}
		mprop_under(src, at, sizeof(at));
		snprintf(what, sizeof(what), "bind source %s (%s, at %s)", src, b->rw ? "rw" : "ro",
			 b->target);
		mprop_add(m, what, src, at);
	}
	if (ctx->t->exp.writable == POLICY_WRITABLE_PERSISTENT && ctx->cfg->datadir[0] != '\0' &&
	    nsr_fmt(at, sizeof(at), "%s/%lu/%s/upper", ctx->cfg->datadir, (unsigned long)u->uid,
		    ctx->t->box) == 0)
		mprop_add(m, "the persistent upper", ctx->cfg->datadir, at);
}

/* Make each place (once) a shared mount of the harness's own. */
static void mprop_share(struct mprop *m, struct hx_result *res)
{
	size_t i, k;

	for (i = 0; i < m->n; i++) {
		struct mprop_place *p = &m->p[i];
		bool dup = false;
		struct stat st;

		for (k = 0; k < i; k++)
			dup = dup || strcmp(m->p[k].path, p->path) == 0;
		if (dup || strcmp(p->path, "/") == 0 || stat(p->path, &st) < 0 ||
		    !S_ISDIR(st.st_mode))
			continue;
		if (mount(p->path, p->path, NULL, MS_BIND | MS_REC, NULL) < 0) {
			hx_note(res, "cannot bind %s onto itself: %s", p->path, strerror(errno));
			continue;
		}
		p->bound = true;
		if (mount(NULL, p->path, NULL, MS_SHARED, NULL) < 0)
			hx_note(res, "cannot make %s shared: %s", p->path, strerror(errno));
	}
}

/* After the start: a tmpfs of the harness's own at each place's `at`. */
static void mprop_mount(const struct hx_ctx *ctx, struct mprop *m, struct hx_result *res, int *bad)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		struct mprop_place *p = &m->p[i];

		snprintf(p->source, sizeof(p->source), "nsrh-%s-%zu", ctx->token, i);
		p->mounted = mount(p->source, p->at, "tmpfs",
				   MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
				   "size=4k,mode=0755") == 0;
		CHK_EXPECT(res, *bad, p->mounted,
			   "cannot make the host-side test mount on %s "
			   "(%s): %s",
			   p->at, p->what, strerror(errno));
	}
}

static void mprop_undo(struct mprop *m, struct hx_result *res)
{
	size_t i;

	for (i = m->n; i-- > 0;)
		if (m->p[i].mounted && umount2(m->p[i].at, MNT_DETACH) < 0)
			hx_note(res, "could not remove the test mount on %s", m->p[i].at);
	for (i = m->n; i-- > 0;)
		if (m->p[i].bound && umount2(m->p[i].path, MNT_DETACH) < 0)
			hx_note(res, "could not remove the shared bind of %s", m->p[i].path);
}

/* (3) New host mounts under a place, or at the probe's mount point. */
static void mprop_leaked(const struct mprop *m, const char *before, const char *during,
			 struct hx_result *res, int *bad)
{
	nsr_cleanup_free char *all = calloc(1, 65536);
	nsr_cleanup_free struct mi_entry *e = calloc(1, sizeof(*e));
	const char *l;
	size_t i;

	if (all == NULL || e == NULL)
		return;
	host_mount_diff(before, during, NULL, all, 65536);
	for (l = all; *l != '\0'; l += strcspn(l, "\n"), l += *l == '\n') {
		size_t len = strcspn(l, "\n");
		bool ours = false;

		if (mi_parse(l, len, e) < 0)
			continue;
		for (i = 0; i < m->n; i++)
			ours = ours ||
			       (strcmp(m->p[i].path, "/") != 0 && mi_under(e->point, m->p[i].path));
		len = strlen(e->point);
		ours = ours ||
		       (len >= strlen(HX_PROBE_TARGET) &&
			strcmp(e->point + len - strlen(HX_PROBE_TARGET), HX_PROBE_TARGET) == 0);
		CHK_EXPECT(res, *bad, !ours, "a mount of the box appeared on the host: %.*s",
			   (int)strcspn(l, "\n"), l);
	}
}

/* (1) and (2) on the probe's mountinfo lines under key. */
static void mprop_inside(const struct mprop *m, const struct facts *f, const char *key,
			 struct hx_result *res, int *bad)
{
	nsr_cleanup_free struct mi_entry *e = calloc(1, sizeof(*e));
	size_t i, k, n = facts_count(f, key);

	if (e == NULL)
		return;
	for (i = 0; i < n; i++) {
		const char *l = facts_nth(f, key, i);
		char tag[64];

		/* mount2 repeats most of mount: report a line once. */
		if (strcmp(key, "mount2") == 0 && facts_has(f, "mount", l))
			continue;
		if (mi_parse(l, strlen(l), e) < 0)
			continue;
		CHK_EXPECT(res, *bad, !mi_propagates(e, tag, sizeof(tag)),
			   "a mount inside takes part in propagation (%s): %s", tag, l);
		for (k = 0; k < m->n; k++)
			CHK_EXPECT(res, *bad,
				   !m->p[k].mounted || strcmp(e->source, m->p[k].source) != 0,
				   "a tmpfs the host mounted on %s (%s) after the start appeared "
				   "inside: %s",
				   m->p[k].at, m->p[k].what, l);
	}
}

static int chk_mount_propagation(struct hx_ctx *ctx, struct hx_result *res)
{
	const char *args[] = { HX_PROBE_TARGET "/nsrun-probe", "hold", NULL };
	nsr_cleanup_free struct mprop *m = calloc(1, sizeof(*m));
	nsr_cleanup_free char *before = NULL, *during = NULL;
	struct nsr_err err = { 0 };
	struct run_box b;
	struct facts f = { 0 };
	char buf[600];
	int bad = 0;

	if (m == NULL)
		return hx_fail(res, "out of memory");
	mprop_places(ctx, m, res);
	mprop_share(m, res);
	before = host_mountinfo();
	if (before == NULL || run_start(ctx, args, &b, &err) < 0) {
		mprop_undo(m, res);
		run_free(&b);
		return hx_fail(res, "cannot start nsrun: %s",
			       before ? nsr_err_text(&err, buf, sizeof(buf)) : "no mountinfo");
	}
	if (run_until(&b, "ready=1") < 0) {
		CHK_EXPECT(res, bad, false, "the probe never got ready");
	} else {
		during = host_mountinfo();
		CHK_EXPECT(res, bad, during != NULL, "cannot read the host's mountinfo");
		if (during != NULL)
			mprop_leaked(m, before, during, res, &bad);
		mprop_mount(ctx, m, res, &bad);
		chk_box_go(&b);
	}
	mprop_undo(m, res);
	run_finish(&b);
	if (facts_parse(b.out, b.out_len, &f) == 0) {
		CHK_EXPECT(res, bad, facts_has(&f, "done", "1"), "the probe did not finish");
		CHK_EXPECT(res, bad, facts_count(&f, "mount") > 0 && facts_count(&f, "mount2") > 0,
			   "the probe reported no mountinfo");
		mprop_inside(m, &f, "mount", res, &bad);
		mprop_inside(m, &f, "mount2", res, &bad);
		facts_free(&f);
	}
	if (bad > 0)
		run_note(&b, res);
	run_free(&b);
	return chk_done(res, bad);
}

const struct hx_check hx_check_mount_propagation = {
	.name = "mount-propagation",
	.proves = "no mount crosses between box and host: the rootfs, every bind source "
		  "and the persistent upper are made shared mounts of the harness's own "
		  "before the start; inside, no mount is shared or a slave; a tmpfs the "
		  "harness mounts under each of them after the start never shows inside; "
		  "no mount of the box shows on the host",
	.fails = "a shared:, master: or propagate_from: field in the box's mountinfo, a "
		 "host tmpfs of the harness seen inside, or a box mount on the host (each "
		 "with the mountinfo line)",
	.run = chk_mount_propagation,
};
