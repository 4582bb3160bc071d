// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pivot-root: the box pivoted into its root and detached the old one, so
 * its mount namespace holds nothing outside the box's root. From the host,
 * a child of the harness enters the namespace of the probe's process with
 * setns(2) (as root; the kernel then puts the child at the namespace's own
 * root, not the box process's root) and reports what it finds there: the
 * root it landed on, and the mountinfo of the namespace as seen from that
 * root. Passes when that root is the box's root (a chroot'ed box leaves the
 * host's / as the namespace root), when every mount there is one the probe
 * inside sees too, and when neither the host's / nor nsrun's staging
 * directory is among them. The child changes nothing; it only reads.
 */
#include "config.h"

#include "checks.h"

#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../mountinfo.h"

#define PIVOT_OUT_MAX (1u << 20)

static void pivot_put(int fd, const char *key, const struct stat *st)
{
	dprintf(fd, "%s=%lu:%lu\n", key, (unsigned long)st->st_dev, (unsigned long)st->st_ino);
}

/* The child: host pid's namespace, then report on fd. Never returns. */
static void pivot_child(pid_t pid, int fd)
{
	char path[64];
	struct stat host_root, box_root, ns_root;
	int proc, ns, mi;
	char *text = malloc(PIVOT_OUT_MAX), *p;
	ssize_t n;

	proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	snprintf(path, sizeof(path), "%ld/ns/mnt", (long)pid);
	ns = proc < 0 ? -1 : openat(proc, path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "%ld/root/", (long)pid);
	if (ns < 0 || stat("/", &host_root) < 0 || fstatat(proc, path, &box_root, 0) < 0) {
		dprintf(fd, "error=cannot open the box's namespace or root: %m\n");
		_exit(1);
	}
	/* Root may enter any mount namespace; the kernel sets our root and
	 * cwd to that namespace's root. */
	if (setns(ns, CLONE_NEWNS) < 0) {
		dprintf(fd, "error=setns: %m\n");
		_exit(1);
	}
	pivot_put(fd, "host_root", &host_root);
	pivot_put(fd, "box_root", &box_root);
	if (stat("/", &ns_root) == 0)
		pivot_put(fd, "ns_root", &ns_root);
	/* Our own mountinfo through the host's /proc (opened before): the
	 * namespace as seen from the root setns gave us. */
	mi = openat(proc, "self/mountinfo", O_RDONLY | O_CLOEXEC);
	if (mi < 0 || text == NULL) {
		dprintf(fd, "error=mountinfo: %m\n");
		_exit(1);
	}
	n = nsr_read_full(mi, text, PIVOT_OUT_MAX - 1);
	if (n < 0) {
		dprintf(fd, "error=mountinfo: %m\n");
		_exit(1);
	}
	text[n] = '\0';
	/* One "ns=LINE" a mount. */
	for (p = text; *p != '\0'; p += strcspn(p, "\n"), p += *p == '\n')
		dprintf(fd, "ns=%.*s\n", (int)strcspn(p, "\n"), p);
	dprintf(fd, "done=1\n");
	_exit(0);
}

/* Run the child; its output into a facts set. */
static int pivot_look(pid_t pid, struct facts *f, struct hx_result *res)
{
	int p[2], st = 0;
	size_t len = 0;
	char *out = malloc(PIVOT_OUT_MAX);
	pid_t c;
	ssize_t r;

	if (out == NULL || pipe2(p, O_CLOEXEC) < 0) {
		free(out);
		return hx_fail(res, "cannot set up the look into the namespace");
	}
	fflush(NULL);
	c = fork();
	if (c == 0) {
		close(p[0]);
		pivot_child(pid, p[1]);
	}
	close(p[1]);
	while (c > 0 && (r = read(p[0], out + len, PIVOT_OUT_MAX - 1 - len)) > 0)
		len += (size_t)r;
	close(p[0]);
	if (c > 0)
		waitpid(c, &st, 0);
	out[len] = '\0';
	r = facts_parse(out, len, f);
	free(out);
	if (c < 0 || r < 0)
		return hx_fail(res, "cannot fork to look into the namespace");
	return 0;
}

/* Whether the probe's own mountinfo (facts "mount") lists mount id. */
static bool pivot_probe_sees(const struct facts *probe, long id)
{
	size_t i, n = facts_count(probe, "mount");

	for (i = 0; i < n; i++) {
		const char *l = facts_nth(probe, "mount", i);

		if (strtol(l, NULL, 10) == id)
			return true;
	}
	return false;
}

/* The host's own / mount ("MAJ:MIN ROOT"), to find it in the namespace. */
static int pivot_host_root(char *dev, size_t dsz, char *root, size_t rsz)
{
	nsr_cleanup_free char *mi = host_mountinfo();
	nsr_cleanup_free struct mi_entry *e = calloc(1, sizeof(*e));
	const char *l;
	int found = -1;

	if (mi == NULL || e == NULL)
		return -1;
	for (l = mi; *l != '\0'; l += strcspn(l, "\n"), l += *l == '\n')
		if (mi_parse(l, strcspn(l, "\n"), e) == 0 && strcmp(e->point, "/") == 0) {
			snprintf(dev, dsz, "%s", e->dev);
			snprintf(root, rsz, "%s", e->root);
			found = 0; /* the last one is the top of / */
		}
	return found;
}

static void pivot_mounts(const struct hx_ctx *ctx, const struct facts *ns,
			 const struct facts *probe, struct hx_result *res, int *bad)
{
	nsr_cleanup_free struct mi_entry *e = calloc(1, sizeof(*e));
	char hdev[32] = "", hroot[MI_FIELD_MAX] = "";
	const char *state = ctx->cfg->statedir;
	size_t i, n = facts_count(ns, "ns"), outside = 0;

	if (e == NULL)
		return;
	CHK_EXPECT(res, *bad, pivot_host_root(hdev, sizeof(hdev), hroot, sizeof(hroot)) == 0,
		   "cannot find the host's / in its own mountinfo");
	CHK_EXPECT(res, *bad, n > 0, "no mount seen in the box's namespace");
	for (i = 0; i < n; i++) {
		const char *l = facts_nth(ns, "ns", i);

		if (mi_parse(l, strlen(l), e) < 0) {
			CHK_EXPECT(res, *bad, false,
				   "unreadable mountinfo line in the box's "
				   "namespace: %s",
				   l);
			continue;
		}
		/* The host's / is in the namespace: its device and root. */
		CHK_EXPECT(res, *bad, !(strcmp(e->dev, hdev) == 0 && strcmp(e->root, hroot) == 0),
			   "the host's / (%s %s) is in the box's mount namespace, at %s: %s", hdev,
			   hroot, e->point, l);
		/* nsrun's staging directory, as a mount point or a source. */
		CHK_EXPECT(res, *bad,
			   state[0] == '\0' ||
				   (!mi_under(e->point, state) && !mi_under(e->root, state)),
			   "nsrun's state directory %s is in the box's mount namespace: %s", state,
			   l);
		if (!pivot_probe_sees(probe, e->id) && outside++ < 8)
			CHK_EXPECT(res, *bad, false,
				   "a mount outside the box's root is in its "
				   "namespace: %s",
				   l);
	}
	if (outside > 8)
		hx_note(res, "... and %zu more mounts outside the box's root", outside - 8);
}

static int chk_pivot_root(struct hx_ctx *ctx, struct hx_result *res)
{
	const char *args[] = { HX_PROBE_TARGET "/nsrun-probe", "hold", NULL };
	const char *ns_root, *box_root, *host_root, *error;
	struct facts ns = { 0 }, probe = { 0 };
	struct run_box b;
	pid_t pid;
	int bad = 0;

	if (chk_box_ready(ctx, args, &b, &pid, res) < 0) {
		run_free(&b);
		return -1;
	}
	if (pivot_look(pid, &ns, res) < 0 || facts_parse(b.out, b.out_len, &probe) < 0) {
		bad++;
	} else {
		error = facts_get(&ns, "error");
		ns_root = facts_get(&ns, "ns_root");
		box_root = facts_get(&ns, "box_root");
		host_root = facts_get(&ns, "host_root");
		CHK_EXPECT(res, bad, error == NULL && facts_has(&ns, "done", "1"),
			   "could not look into the box's mount namespace: %s",
			   error ? error : "the look did not finish");
		if (error == NULL) {
			CHK_EXPECT(res, bad,
				   ns_root != NULL && box_root != NULL &&
					   strcmp(ns_root, box_root) == 0,
				   "the root of the box's mount namespace (dev:ino %s) is not the "
				   "box's root (%s)%s: the box did not pivot_root into it",
				   ns_root ? ns_root : "?", box_root ? box_root : "?",
				   ns_root && host_root && strcmp(ns_root, host_root) == 0 ?
					   "; it is the host's /" :
					   "");
			pivot_mounts(ctx, &ns, &probe, res, &bad);
		}
	}
	facts_free(&ns);
	facts_free(&probe);
	chk_box_go(&b);
	run_finish(&b);
	if (bad > 0)
		run_note(&b, res);
	run_free(&b);
	return chk_done(res, bad);
}

const struct hx_check hx_check_pivot_root = {
	.name = "pivot-root",
	.proves = "the box pivoted and detached the old root: entering its mount namespace "
		  "from the host (setns as root, no chroot) lands on the box's root, and the "
		  "namespace holds only mounts the box sees: no host /, no old root, no "
		  "staging directory",
	.fails = "the namespace's root is not the box's root (a chroot), or a mount outside "
		 "the box's root, the host's / or nsrun's state directory is in the namespace "
		 "(the mountinfo lines are shown)",
	.run = chk_pivot_root,
};
