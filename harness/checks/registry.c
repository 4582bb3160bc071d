// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The table of checks in the order they run, and helpers several checks
 * share. No privilege of its own.
 */
#include "config.h"

#include "checks.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

const struct hx_check hx_checks[] = {
	{ "pid1", "first process is PID 1, no host process visible", chk_pid1 },
	{ "hostname", "expected hostname inside, host's unchanged", chk_hostname },
	{ "mount-propagation", "no mount crosses between box and host", chk_mount_propagation },
	{ "ipc", "SysV IPC objects do not cross", chk_ipc },
	{ "pids-limit", "a fork bomb stops at the pids limit", chk_pids_limit },
	{ "memory-oom", "touching past the memory limit is OOM-killed (137)", chk_memory_oom },
	{ "capabilities", "all capability sets empty, NoNewPrivs 1", chk_capabilities },
	{ "identity", "uid, gid and groups are the invoker's", chk_identity },
	{ "rootfs", "/ is the policy's rootfs, host unreachable, writes per writable", chk_rootfs },
	{ "network", "only the interfaces the network mode implies", chk_network },
	{ "fds", "no inherited fd but 0, 1, 2", chk_fds },
	{ "cgroupns", "own cgroup namespace, /proc/self/cgroup shows /", chk_cgroupns },
	{ "sys-readonly", "/sys is mounted read-only", chk_sys_readonly },
	{ "cgroupfs", "no host cgroup file is writable", chk_cgroupfs },
	{ "setuid", "a set-uid root binary in the box grants nothing", chk_setuid },
	{ "signal-host", "host processes cannot be seen or signalled", chk_signal_host },
	{ "join", "a --join'ed process is confined exactly like the payload", chk_join },
};
const size_t hx_n_checks = NSR_ARRAY_SIZE(hx_checks);

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
