// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The checks in the order they run, and helpers several checks share. Each
 * check file defines its struct hx_check (name, what it proves, what makes
 * it fail, function); a new check is one line here, one in checks.h and one
 * in meson.build. No privilege of its own.
 */
#include "config.h"

#include "checks.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

const struct hx_check *const hx_checks[] = {
	&hx_check_pid1,		&hx_check_hostname,	&hx_check_mount_propagation,
	&hx_check_ipc,		&hx_check_pids_limit,	&hx_check_memory_oom,
	&hx_check_capabilities, &hx_check_identity,	&hx_check_rootfs,
	&hx_check_pivot_root,	&hx_check_network,	&hx_check_fds,
	&hx_check_cgroupns,	&hx_check_sys_readonly, &hx_check_cgroupfs,
	&hx_check_setuid,	&hx_check_signal_host,	&hx_check_cpu,
	&hx_check_nofile,	&hx_check_swap,		&hx_check_env,
	&hx_check_join,		&hx_check_devices,
};
const size_t hx_n_checks = NSR_ARRAY_SIZE(hx_checks);
_Static_assert(NSR_ARRAY_SIZE(hx_checks) <= HX_MAX_CHECKS, "a check mask is 64 bits");

int chk_ns_differs(const struct facts *f, const char *name, struct hx_result *res)
{
	char key[32], host[128];
	const char *box;

	snprintf(key, sizeof(key), "ns_%s", name);
	box = facts_get(f, key);
	if (host_ns(name, host, sizeof(host)) < 0)
		return hx_fail(res, "cannot read the host's %s namespace", name);
	if (box == NULL || box[0] == '!')
		return hx_fail(res, "the probe could not read its %s namespace (%s)", name,
			       box ? box + 1 : "missing");
	if (strcmp(box, host) == 0)
		return hx_fail(res, "the box shares the host's %s namespace (%s)", name, host);
	return 0;
}

bool chk_sees_comm(const struct facts *f, const char *comm)
{
	size_t i, n = facts_count(f, "proc");

	for (i = 0; i < n; i++) {
		const char *v = facts_nth(f, "proc", i);
		const char *sp = strchr(v, ' ');

		if (sp != NULL && strcmp(sp + 1, comm) == 0)
			return true;
	}
	return false;
}

int chk_box_ready(struct hx_ctx *ctx, const char *const *args, struct run_box *b, pid_t *pid,
		  struct hx_result *res)
{
	struct nsr_err err = { 0 };
	char buf[600];
	int i;

	*pid = -1;
	if (run_start(ctx, args, b, &err) < 0)
		return hx_fail(res, "cannot start nsrun: %s", nsr_err_text(&err, buf, sizeof(buf)));
	if (run_until(b, "ready=1") < 0) {
		hx_fail(res, "the probe never got ready");
		run_finish(b);
		run_note(b, res);
		return -1;
	}
	/* The probe is there (it said so); its host pid, once /proc shows
	 * the whole tree. */
	for (i = 0; i < 20 && (*pid = host_box_pid(b->pid, "nsrun-probe")) < 0; i++)
		usleep(50000);
	if (*pid < 0) {
		hx_fail(res, "cannot find the probe among the host processes below nsrun (pid %ld)",
			(long)b->pid);
		chk_box_go(b);
		run_finish(b);
		return -1;
	}
	return 0;
}

void chk_box_go(struct run_box *b)
{
	if (run_send(b, "go\n") == 0)
		run_until(b, "done=1");
}

int chk_read_line(const char *dir, const char *name, char *buf, size_t sz)
{
	char path[PATH_MAX];

	if (nsr_fmt(path, sizeof(path), "%s/%s", dir, name) < 0 ||
	    nsr_read_file(AT_FDCWD, path, buf, sz) < 0)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}
