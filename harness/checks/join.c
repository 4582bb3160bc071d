// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * join: a process started by `nsrun --join` in a running box is confined
 * exactly like the box's own payload. The box runs the probe (hold); a
 * second probe joins it; then, from the host, the two are compared: every
 * namespace (pid, mnt, net, uts, ipc, cgroup), the root directory, the
 * cgroup, uid, gid and groups, the five capability sets (and they must be
 * empty), NoNewPrivs and the seccomp mode. Skipped when the policy says
 * [box] join = no. Root; reads only /proc.
 */
#include "config.h"

#include "checks.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

/* The probe among pid's descendants (its comm), or -1. */
static pid_t join_probe_of(pid_t pid)
{
	pid_t kids[64];
	size_t n = host_descendants(pid, kids, NSR_ARRAY_SIZE(kids)), i;

	for (i = 0; i < n; i++) {
		char path[64], comm[32];
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/comm", (int)kids[i]);
		f = fopen(path, "re");
		if (f == NULL)
			continue;
		if (fgets(comm, sizeof(comm), f) != NULL && strncmp(comm, "nsrun-probe", 11) == 0) {
			fclose(f);
			return kids[i];
		}
		fclose(f);
	}
	return -1;
}

/* The line of /proc/PID/status starting with key, or "". */
static void join_status(pid_t pid, const char *key, char *out, size_t sz)
{
	char path[64], line[512];
	size_t kl = strlen(key);
	FILE *f;

	out[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
			line[strcspn(line, "\n")] = '\0';
			snprintf(out, sz, "%s", line);
			break;
		}
	fclose(f);
}

static void join_read(pid_t pid, const char *what, char *out, size_t sz)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
	out[0] = '\0';
	if (strncmp(what, "ns/", 3) == 0) {
		n = readlink(path, out, sz - 1);
		out[n > 0 ? n : 0] = '\0';
	} else {
		FILE *f = fopen(path, "re");
		if (f == NULL)
			return;
		n = (ssize_t)fread(out, 1, sz - 1, f);
		out[n > 0 ? n : 0] = '\0';
		fclose(f);
	}
}

static void join_compare(pid_t box, pid_t joined, struct hx_result *res, int *bad)
{
	static const char *const ns[] = { "ns/pid", "ns/mnt",	 "ns/net", "ns/uts",
					  "ns/ipc", "ns/cgroup", "cgroup" };
	static const char *const st[] = { "Uid",    "Gid",    "Groups", "CapInh",     "CapPrm",
					  "CapEff", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp" };
	char a[1024], b[1024], path[64];
	struct stat ra, rb;
	size_t i;

	for (i = 0; i < NSR_ARRAY_SIZE(ns); i++) {
		join_read(box, ns[i], a, sizeof(a));
		join_read(joined, ns[i], b, sizeof(b));
		a[strcspn(a, "\n")] = '\0';
		b[strcspn(b, "\n")] = '\0';
		CHK_EXPECT(res, *bad, a[0] != '\0' && strcmp(a, b) == 0,
			   "%s of the joined process is %s, the payload's %s", ns[i], b, a);
	}
	for (i = 0; i < NSR_ARRAY_SIZE(st); i++) {
		join_status(box, st[i], a, sizeof(a));
		join_status(joined, st[i], b, sizeof(b));
		CHK_EXPECT(res, *bad, a[0] != '\0' && strcmp(a, b) == 0,
			   "joined process: \"%s\", the payload: \"%s\"", b, a);
		if (strncmp(st[i], "Cap", 3) == 0)
			CHK_EXPECT(res, *bad, strstr(b, "0000000000000000") != NULL,
				   "joined process: %s, expected empty", b);
	}
	join_status(joined, "NoNewPrivs", b, sizeof(b));
	CHK_EXPECT(res, *bad, strcmp(b, "NoNewPrivs:\t1") == 0, "joined process: %s, expected 1", b);
	snprintf(path, sizeof(path), "/proc/%d/root/", (int)box);
	int ok = stat(path, &ra) == 0;
	snprintf(path, sizeof(path), "/proc/%d/root/", (int)joined);
	ok = ok && stat(path, &rb) == 0;
	CHK_EXPECT(res, *bad, ok && ra.st_dev == rb.st_dev && ra.st_ino == rb.st_ino,
		   "the joined process's root is not the box's");
}

static int chk_join(struct hx_ctx *ctx, struct hx_result *res)
{
	const char *args[] = { HX_PROBE_TARGET "/nsrun-probe", "hold", NULL };
	const char *head[] = { "--join", ctx->t->box, "--", NULL };
	struct nsr_err err = { 0 };
	struct run_box box, joined;
	char buf[600];
	pid_t p_box, p_joined;
	int bad = 0;

	if (ctx->t->pol != NULL && ctx->t->pol->deny_join)
		return hx_skip(res, "policy %s says join = no", ctx->t->policy);
	if (run_start(ctx, args, &box, &err) < 0) {
		run_free(&box);
		return hx_fail(res, "cannot start nsrun: %s", nsr_err_text(&err, buf, sizeof(buf)));
	}
	if (run_until(&box, "ready=1") < 0) {
		run_finish(&box);
		run_note(&box, res);
		run_free(&box);
		return hx_fail(res, "the box's probe never got ready");
	}
	if (run_start_with(ctx, head, args, &joined, &err) < 0) {
		run_free(&joined);
		CHK_EXPECT(res, bad, false, "cannot start nsrun --join: %s",
			   nsr_err_text(&err, buf, sizeof(buf)));
	} else {
		if (run_until(&joined, "ready=1") < 0) {
			CHK_EXPECT(res, bad, false, "the joined probe never got ready");
			run_finish(&joined);
			run_note(&joined, res);
		} else {
			p_box = join_probe_of(box.pid);
			p_joined = join_probe_of(joined.pid);
			CHK_EXPECT(res, bad, p_box > 0 && p_joined > 0,
				   "cannot find the probes on the host (%d, %d)", (int)p_box,
				   (int)p_joined);
			if (p_box > 0 && p_joined > 0)
				join_compare(p_box, p_joined, res, &bad);
			run_send(&joined, "go\n");
			run_finish(&joined);
			CHK_EXPECT(res, bad, run_exit_code(&joined) == 0,
				   "nsrun --join exited %d, expected 0", run_exit_code(&joined));
		}
		run_free(&joined);
	}
	run_send(&box, "go\n");
	run_finish(&box);
	if (bad > 0)
		run_note(&box, res);
	run_free(&box);
	return chk_done(res, bad);
}

const struct hx_check hx_check_join = {
	.name = "join",
	.proves = "a process started by nsrun --join in a running box is confined exactly "
		  "like the box's payload: the same pid, mnt, net, uts, ipc and cgroup "
		  "namespaces, root, cgroup, uid, gid and groups, empty capability sets, "
		  "NoNewPrivs and seccomp mode",
	.fails = "any of these differing between the joined process and the payload, a "
		 "capability left, or nsrun --join failing; skipped with join = no",
	.run = chk_join,
};
