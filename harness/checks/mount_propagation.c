// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mount-propagation: while a box holds, (1) the host's mountinfo gains no
 * mount under the rootfs path or at the probe's mount point (what nsrun
 * mounts for the box stays in the box), and (2) a tmpfs the harness mounts
 * on the host inside the rootfs path after the start never shows inside.
 * The host mount is the harness's own (source "nsrh-TOKEN") and is removed
 * at once; it goes on the first of a few rarely used directories.
 */
#include "config.h"

#include "checks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

static int mprop_host_mount(const struct hx_ctx *ctx, const char *source,
			    char *where, size_t sz)
{
	static const char *const dirs[] = { "mnt", "opt", "srv", "media", "tmp", "home" };
	size_t i;

	for (i = 0; i < NSR_ARRAY_SIZE(dirs); i++) {
		struct stat st;

		snprintf(where, sz, "%s/%s", ctx->t->exp.rootfs, dirs[i]);
		if (lstat(where, &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		/* The harness's own tmpfs on the host, read-only, unmounted
		 * right after the box has looked. */
		if (mount(source, where, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			  "size=4k,mode=0755") == 0)
			return 0;
	}
	return -1;
}

/* New host mounts that belong to a box: under the rootfs path, or at a
 * path ending in the probe's mount point. */
static size_t mprop_leaked(const struct hx_ctx *ctx, const char *before,
			   const char *during, char *out, size_t sz)
{
	char *all = calloc(1, 65536);
	const char *l;
	size_t n = 0;

	if (all == NULL)
		return 1;
	host_mount_diff(before, during, NULL, all, 65536);
	for (l = all; *l != '\0'; l += strcspn(l, "\n") + 1) {
		size_t len = strcspn(l, "\n"), used = strlen(out);
		char line[4096];

		snprintf(line, sizeof(line), "%.*s", (int)len, l);
		if (strstr(line, ctx->t->exp.rootfs) == NULL &&
		    strstr(line, HX_PROBE_TARGET " ") == NULL)
			continue;
		n++;
		if (used + strlen(line) + 2 < sz) {
			strcpy(out + used, line);
			strcat(out + used, "\n");
		}
		if (l[len] == '\0')
			break;
	}
	free(all);
	return n;
}

int chk_mount_propagation(struct hx_ctx *ctx, struct hx_result *res)
{
	const char *args[] = { HX_PROBE_TARGET "/nsrun-probe", "hold", NULL };
	char source[64], where[PATH_MAX], diff[2048] = "", buf[600];
	char *before = host_mountinfo(), *during = NULL;
	struct nsr_err err = { 0 };
	struct run_box b;
	struct facts f = { 0 };
	bool mounted = false;
	int bad = 0;
	size_t i, n;

	snprintf(source, sizeof(source), "nsrh-%s", ctx->token);
	if (before == NULL)
		return hx_fail(res, "cannot read the host's mountinfo");
	if (run_start(ctx, args, &b, &err) < 0) {
		free(before);
		run_free(&b);
		return hx_fail(res, "cannot start nsrun: %s", nsr_err_text(&err, buf, sizeof(buf)));
	}
	if (run_until(&b, "ready=1") < 0) {
		hx_fail(res, "the probe never got ready");
		bad++;
	} else {
		during = host_mountinfo();
		n = during ? mprop_leaked(ctx, before, during, diff, sizeof(diff)) : 0;
		CHK_EXPECT(res, bad, during != NULL && n == 0,
			   "mounts of the box appeared on the host:\n%s", diff);
		mounted = mprop_host_mount(ctx, source, where, sizeof(where)) == 0;
		CHK_EXPECT(res, bad, mounted, "cannot make the host-side test mount in %s",
			   ctx->t->exp.rootfs);
		run_send(&b, "go\n");
	}
	run_finish(&b);
	if (mounted && umount2(where, MNT_DETACH) < 0)
		hx_note(res, "could not remove the test mount %s", where);
	if (facts_parse(b.out, b.out_len, &f) == 0) {
		CHK_EXPECT(res, bad, facts_has(&f, "done", "1"), "the probe did not finish");
		for (i = 0; i < facts_count(&f, "mount2"); i++)
			CHK_EXPECT(res, bad, strstr(facts_nth(&f, "mount2", i), source) == NULL,
				   "a host mount made after the start appeared inside: %s",
				   facts_nth(&f, "mount2", i));
		facts_free(&f);
	}
	if (bad > 0)
		run_note(&b, res);
	run_free(&b);
	free(before);
	free(during);
	return chk_done(res, bad);
}
