// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * devices: for a policy with [devices] (nsrun.policy(5), doc/devices.md),
 * (1) the box's /dev holds the minimal set and exactly the nodes nsrun
 * selects for the policy on this host, with the host's numbers; (2) each
 * of those opens for the --as user where its mode lets that user; (3) a
 * device node the payload reaches another way (under a policy bind) does
 * not open; (4) while the box holds, a process of the harness (root) that
 * joins the box's device cgroup gets EPERM from the kernel's device check
 * for host nodes outside the set and none for those inside: the cgroup
 * enforces, not the contents of /dev. The check uses faccessat, which runs
 * the device cgroup's check without opening (or waking) any device.
 */
#include "config.h"

#include "checks.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dev/dev.h"

#define DEVCHK_OTHERS 12

/* The minimal set (rules allow ptmx too; the box has it as a link). */
static const char *const devchk_minimal[] = { "null",	 "zero", "full", "random",
					      "urandom", "tty",	 "ptmx" };

static bool devchk_in(const struct dev_set *want, const char *rel)
{
	size_t i;

	for (i = 0; i < NSR_ARRAY_SIZE(devchk_minimal); i++)
		if (strcmp(rel, devchk_minimal[i]) == 0)
			return true;
	for (i = 0; i < want->n; i++)
		if (strcmp(rel, want->nodes[i].rel) == 0)
			return true;
	return false;
}

/* Whether the node's mode lets the --as user open it read-write or read. */
static bool devchk_mode_lets(const struct dev_node *n, const struct hx_user *u)
{
	unsigned shift = 0;
	size_t i;

	if (n->uid == u->uid) {
		shift = 6;
	} else {
		bool grp = n->gid == u->gid;

		for (i = 0; i < u->n_groups && !grp; i++)
			grp = u->groups[i] == n->gid;
		shift = grp ? 3 : 0;
	}
	return ((n->mode >> shift) & 04) != 0;
}

/* The box's init: the child of nsrun (pid). */
static pid_t devchk_box_pid(pid_t nsrun)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	pid_t found = -1;

	if (d == NULL)
		return -1;
	while (found < 0 && (e = readdir(d)) != NULL) {
		char path[300], buf[512], *p;
		long ppid;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		if (nsr_fmt(path, sizeof(path), "/proc/%s/stat", e->d_name) < 0 ||
		    nsr_read_file(AT_FDCWD, path, buf, sizeof(buf)) <= 0 ||
		    (p = strrchr(buf, ')')) == NULL || sscanf(p + 2, "%*c %ld", &ppid) != 1)
			continue;
		if (ppid == nsrun)
			found = (pid_t)atol(e->d_name);
	}
	closedir(d);
	return found;
}

/* Mount point of the v1 devices hierarchy (v1) or of cgroup2. */
static int devchk_mount(bool v1, char *out, size_t sz)
{
	char *mi = host_mountinfo();
	char *l, *save = NULL;
	int rc = -1;

	if (mi == NULL)
		return -1;
	for (l = strtok_r(mi, "\n", &save); l != NULL && rc < 0; l = strtok_r(NULL, "\n", &save)) {
		char mnt[512], fstype[64], opts[512];
		const char *dash = strstr(l, " - ");

		if (dash == NULL || sscanf(l, "%*s %*s %*s %*s %511s", mnt) != 1 ||
		    sscanf(dash + 3, "%63s %*s %511s", fstype, opts) != 2)
			continue;
		if (v1 ? strcmp(fstype, "cgroup") == 0 && strstr(opts, "devices") != NULL :
			 strcmp(fstype, "cgroup2") == 0)
			rc = nsr_fmt(out, sz, "%s", mnt);
	}
	free(mi);
	return rc;
}

/* The directory of pid's device cgroup: v1 devices when it is in a leaf
 * there, else its cgroup2 one. */
static int devchk_cgroup_dir(pid_t pid, char *out, size_t sz)
{
	char path[64], buf[4096], mnt[512];
	char *l, *save = NULL, v1[1024] = "", v2[1024] = "";

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	if (nsr_read_file(AT_FDCWD, path, buf, sizeof(buf)) <= 0)
		return -1;
	for (l = strtok_r(buf, "\n", &save); l != NULL; l = strtok_r(NULL, "\n", &save)) {
		const char *c1 = strchr(l, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

		if (c2 == NULL)
			continue;
		if (strncmp(c1 + 1, "devices:", 8) == 0)
			snprintf(v1, sizeof(v1), "%s", c2 + 1);
		else if (c2 == c1 + 1 && strncmp(l, "0:", 2) == 0)
			snprintf(v2, sizeof(v2), "%s", c2 + 1);
	}
	if (v1[0] != '\0' && strcmp(v1, "/") != 0)
		return devchk_mount(true, mnt, sizeof(mnt)) < 0 ? -1 :
								  nsr_fmt(out, sz, "%s%s", mnt, v1);
	if (v2[0] == '\0' || devchk_mount(false, mnt, sizeof(mnt)) < 0)
		return -1;
	return nsr_fmt(out, sz, "%s%s", mnt, v2);
}

/* In a child that joins cgroup dir: faccessat(R|W) on each /dev/REL as
 * root; errno (0 = allowed) of each into res[]. */
static int devchk_probe_in(const char *dir, char rels[][DEV_REL_MAX], size_t n, int *res)
{
	int p[2];
	pid_t pid;
	int st;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		char procs[1300];
		size_t i;

		close(p[0]);
		if (nsr_fmt(procs, sizeof(procs), "%s/cgroup.procs", dir) < 0 ||
		    nsr_write_file(AT_FDCWD, procs, "0", NULL) < 0)
			_exit(2);
		for (i = 0; i < n; i++) {
			char path[DEV_REL_MAX + 8];
			int e;

			snprintf(path, sizeof(path), "/dev/%s", rels[i]);
			e = faccessat(AT_FDCWD, path, R_OK | W_OK,
				      AT_EACCESS | AT_SYMLINK_NOFOLLOW) == 0 ?
				    0 :
				    errno;
			if (nsr_write_all(p[1], &e, sizeof(e)) < 0)
				_exit(3);
		}
		_exit(0);
	}
	close(p[1]);
	st = nsr_read_full(p[0], res, n * sizeof(int)) == (ssize_t)(n * sizeof(int)) ? 0 : -1;
	close(p[0]);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -1;
	return 0;
}

/* Host char devices outside the set (top level, net/, dri/), at most max. */
static size_t devchk_others(const struct dev_set *want, char out[][DEV_REL_MAX], size_t max)
{
	static const char *const dirs[] = { "", "net", "dri" };
	size_t n = 0, k;

	for (k = 0; k < NSR_ARRAY_SIZE(dirs) && n < max; k++) {
		char path[64];
		DIR *d;
		struct dirent *e;

		snprintf(path, sizeof(path), "/dev/%s", dirs[k]);
		d = opendir(path);
		if (d == NULL)
			continue;
		while (n < max && (e = readdir(d)) != NULL) {
			char rel[DEV_REL_MAX];
			struct stat st;

			if (nsr_fmt(rel, sizeof(rel), "%s%s%s", dirs[k], dirs[k][0] ? "/" : "",
				    e->d_name) < 0 ||
			    devchk_in(want, rel) ||
			    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
			    !S_ISCHR(st.st_mode))
				continue;
			snprintf(out[n++], DEV_REL_MAX, "%s", rel);
		}
		closedir(d);
	}
	return n;
}

/* (4): from the host, in the box's device cgroup. */
static void devchk_host_side(const struct dev_set *want, pid_t nsrun, struct hx_result *res, int *bad)
{
	char rels[DEV_MAX_NODES + DEVCHK_OTHERS][DEV_REL_MAX];
	int errs[DEV_MAX_NODES + DEVCHK_OTHERS];
	char dir[1200];
	size_t i, n_want = want->n, n;
	pid_t box = -1;
	int tries;

	for (tries = 0; tries < 50 && box < 0; tries++) {
		box = devchk_box_pid(nsrun);
		if (box < 0)
			usleep(20000);
	}
	if (box < 0 || devchk_cgroup_dir(box, dir, sizeof(dir)) < 0) {
		hx_fail(res, "cannot find the box's device cgroup (nsrun pid %d)", (int)nsrun);
		(*bad)++;
		return;
	}
	for (i = 0; i < n_want; i++)
		snprintf(rels[i], DEV_REL_MAX, "%s", want->nodes[i].rel);
	n = n_want + devchk_others(want, rels + n_want, DEVCHK_OTHERS);
	if (n == n_want)
		hx_note(res, "no host node outside the policy's set to try");
	if (devchk_probe_in(dir, rels, n, errs) < 0) {
		hx_fail(res, "cannot join the box's device cgroup %s", dir);
		(*bad)++;
		return;
	}
	for (i = 0; i < n; i++) {
		if (i < n_want)
			CHK_EXPECT(res, *bad, errs[i] != EPERM,
				   "/dev/%s: refused by the box's device cgroup, though the policy allows it",
				   rels[i]);
		else
			CHK_EXPECT(res, *bad, errs[i] == EPERM,
				   "/dev/%s: root in the box's device cgroup %s may use it (%s), "
				   "the cgroup does not enforce",
				   rels[i], dir, errs[i] ? strerror(errs[i]) : "allowed");
	}
}

static int chk_devices(struct hx_ctx *ctx, struct hx_result *res)
{
	const struct policy *p = ctx->t->pol;
	const char *args[4 + 2 * POLICY_MAX_BINDS] = { HX_PROBE_TARGET "/nsrun-probe", "devices" };
	struct dev_host host = { -1, dev_probe_cgroup, dev_block_mounted, NULL };
	static struct dev_set want;
	struct nsr_err err = { 0 };
	struct facts f = { 0 };
	struct run_box b;
	char buf[600];
	size_t i, k = 2, seen = 0;
	int bad = 0, r;

	if (!dev_wanted(&p->devices))
		return hx_skip(res, "the policy has no [devices]");
	r = dev_open_root("/dev", &host.dev_dfd, &err);
	if (r == 0)
		r = dev_select(&host, &p->devices, &want, &err);
	if (host.dev_dfd >= 0)
		close(host.dev_dfd);
	if (r < 0)
		return hx_fail(res, "nsrun refuses this policy's devices on this host: %s", err.msg);
	for (i = 0; i < p->n_binds; i++)
		if (strchr(p->binds[i].target, '$') == NULL) {
			args[k++] = "--scan";
			args[k++] = p->binds[i].target;
		}
	args[k] = NULL;
	if (run_start(ctx, args, &b, &err) < 0) {
		run_free(&b);
		return hx_fail(res, "cannot start nsrun: %s", nsr_err_text(&err, buf, sizeof(buf)));
	}
	if (run_until(&b, "ready=1") < 0) {
		hx_fail(res, "the probe never got ready");
		bad++;
	} else {
		devchk_host_side(&want, b.pid, res, &bad);
		run_send(&b, "go\n");
	}
	run_finish(&b);
	if (facts_parse(b.out, b.out_len, &f) == 0) {
		CHK_EXPECT(res, bad, facts_has(&f, "done", "1"), "the probe did not finish");
		for (i = 0; i < facts_count(&f, "dev"); i++) {
			char rel[DEV_REL_MAX], type;
			unsigned ma, mi;
			int e;
			size_t j;

			if (sscanf(facts_nth(&f, "dev", i), "%95s %c %u:%u %d", rel, &type, &ma,
				   &mi, &e) != 5)
				continue;
			for (j = 0; j < want.n && strcmp(want.nodes[j].rel, rel) != 0; j++)
				;
			if (j == want.n) {
				CHK_EXPECT(res, bad, devchk_in(&want, rel),
					   "/dev/%s (%c %u:%u) is in the box, but not in the policy's set",
					   rel, type, ma, mi);
				continue;
			}
			seen++;
			CHK_EXPECT(res, bad,
				   type == want.nodes[j].type && ma == want.nodes[j].major &&
					   mi == want.nodes[j].minor,
				   "/dev/%s is %c %u:%u in the box, %c %u:%u on the host", rel,
				   type, ma, mi, want.nodes[j].type, want.nodes[j].major,
				   want.nodes[j].minor);
			if (devchk_mode_lets(&want.nodes[j], &ctx->cfg->as))
				CHK_EXPECT(res, bad, e == 0, "/dev/%s does not open in the box: %s",
					   rel, strerror(e));
			else
				CHK_EXPECT(res, bad, e == EACCES,
					   "/dev/%s: its mode keeps the user out, "
					   "yet the open gave: %s",
					   rel, e ? strerror(e) : "success");
		}
		CHK_EXPECT(res, bad, seen == want.n, "%zu of the policy's %zu nodes are in the box",
			   seen, want.n);
		for (i = 0; i < facts_count(&f, "bound"); i++) {
			char path[1024];
			int e = 0;

			if (sscanf(facts_nth(&f, "bound", i), "%1023s %*c %*u:%*u %d", path, &e) == 2)
				CHK_EXPECT(res, bad, e != 0,
					   "the device node %s under a bind opens", path);
		}
		facts_free(&f);
	} else {
		hx_fail(res, "no output from the probe");
		bad++;
	}
	if (bad > 0)
		run_note(&b, res);
	run_free(&b);
	return chk_done(res, bad);
}

const struct hx_check hx_check_devices = {
	.name = "devices",
	.proves = "with [devices]: the box's /dev holds the minimal set and exactly the nodes nsrun "
		  "selects for the policy here, each opens where its mode lets the user, nodes under "
		  "a bind do not, and root in the box's device cgroup is refused host nodes outside "
		  "the set (the cgroup enforces)",
	.fails = "an extra or missing node, a node that does not open, a node under a bind that "
		 "opens, or a host node the box's device cgroup lets root use; skipped without "
		 "[devices]",
	.run = chk_devices,
};
