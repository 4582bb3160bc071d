// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pid1: the box has its own PID namespace whose PID 1 exists, the probe is
 * one of a handful of processes there, no host process (the harness
 * itself, by its name) is visible, and /proc is a proc of the box's own
 * (not the host's proc superblock). Reads the shared facts run.
 */
#include "config.h"

#include "checks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../mountinfo.h"

#define PID1_MAX_VISIBLE 16

/* The device of the host's /proc ("0:20"), from its own mountinfo. */
static int pid1_host_proc(char *dev, size_t sz)
{
	nsr_cleanup_free char *mi = host_mountinfo();
	nsr_cleanup_free struct mi_entry *e = calloc(1, sizeof(*e));
	const char *l;

	if (mi == NULL || e == NULL)
		return -1;
	for (l = mi; *l != '\0'; l += strcspn(l, "\n"), l += *l == '\n')
		if (mi_parse(l, strcspn(l, "\n"), e) == 0 && strcmp(e->point, "/proc") == 0 &&
		    strcmp(e->fstype, "proc") == 0) {
			snprintf(dev, sz, "%s", e->dev);
			return 0;
		}
	return -1;
}

/* /proc inside is a proc of its own: the mount on top at /proc (the last
 * one listed there) is not the host's proc superblock. */
static void pid1_fresh_proc(const struct facts *f, struct hx_result *res, int *bad)
{
	nsr_cleanup_free struct mi_entry *e = calloc(1, sizeof(*e));
	const char *top = NULL;
	char host[32];
	size_t i, n = facts_count(f, "mount");

	if (e == NULL || pid1_host_proc(host, sizeof(host)) < 0) {
		hx_note(res, "cannot find the host's /proc: not compared");
		return;
	}
	for (i = 0; i < n; i++) {
		const char *l = facts_nth(f, "mount", i);

		if (mi_parse(l, strlen(l), e) == 0 && strcmp(e->point, "/proc") == 0)
			top = l;
	}
	CHK_EXPECT(res, *bad, top != NULL, "no /proc mount inside");
	if (top != NULL && mi_parse(top, strlen(top), e) == 0)
		CHK_EXPECT(res, *bad, strcmp(e->dev, host) != 0,
			   "/proc inside is the host's proc (device %s): %s", host, top);
}

static int chk_pid1(struct hx_ctx *ctx, struct hx_result *res)
{
	const struct facts *f = hx_facts(ctx, res);
	long pid = 0, ppid = -1;
	size_t visible;
	int bad = 0;

	if (f == NULL)
		return -1;
	bad += chk_ns_differs(f, "pid", res) < 0;
	visible = facts_count(f, "proc");
	/* The probe is the box's init, or a child of it. */
	CHK_EXPECT(res, bad,
		   facts_long(facts_get(f, "pid"), &pid) == 0 &&
			   facts_long(facts_get(f, "ppid"), &ppid) == 0 && (pid == 1 || ppid == 1),
		   "the probe is pid %ld, its parent pid %ld: neither is the box's PID 1", pid, ppid);
	CHK_EXPECT(res, bad, chk_sees_comm(f, "nsrun-harness") == false,
		   "the harness (a host process) is visible inside");
	CHK_EXPECT(res, bad, visible > 0 && visible <= PID1_MAX_VISIBLE,
		   "%zu processes visible inside (at most %d expected)", visible, PID1_MAX_VISIBLE);
	{
		bool has1 = false;
		size_t i;

		for (i = 0; i < visible; i++)
			has1 = has1 || strncmp(facts_nth(f, "proc", i), "1 ", 2) == 0;
		CHK_EXPECT(res, bad, has1, "no PID 1 visible inside");
	}
	pid1_fresh_proc(f, res, &bad);
	return chk_done(res, bad);
}

const struct hx_check hx_check_pid1 = {
	.name = "pid1",
	.proves = "the box has a PID namespace of its own with a PID 1, a /proc of its own that shows only the box's few processes, and no host process (the harness) among them",
	.fails = "the host's PID namespace, the host's proc mounted at /proc, no PID 1, more than 16 processes, or the harness visible inside",
	.run = chk_pid1,
};
