/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which host device nodes a box gets: the policy's [devices] (allow =
 * globs, allow_block, gpus =) matched against the host's /dev, walked by
 * fd without following a symlink, each match checked against the fixed
 * deny list by name and number. Root in the supervisor, before the plan
 * is built; for gpus = scheduler, while still in the caller's cgroup.
 */
#ifndef NSR_DEV_H
#define NSR_DEV_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "policy.h"

#define DEV_MAX_NODES 48
#define DEV_REL_MAX 96 /* below /dev, NUL included */
#define DEV_MAX_WARN 4

/* One node for the box: made in its /dev with these numbers, mode and
 * owner, and allowed (rwm) by its device cgroup. */
struct dev_node {
	char rel[DEV_REL_MAX]; /* "fuse", "net/tun", "dri/renderD128" */
	char type;	       /* 'c' or 'b' */
	uint32_t major, minor;
	mode_t mode; /* permission bits only */
	uid_t uid;
	gid_t gid;
};

struct dev_set {
	struct dev_node nodes[DEV_MAX_NODES];
	size_t n;
	/* optional entries that matched nothing, for a warning line each */
	char warn[DEV_MAX_WARN][160];
	size_t n_warn;
};

/* Whether the caller's device cgroup lets it read and write dev_dfd/rel
 * (gpus = scheduler). The default asks the kernel: faccessat with the
 * effective (root) ids, which runs the device cgroup's check (v1 list
 * or v2 program) and nothing else the file mode would refuse root. */
typedef bool (*dev_probe_fn)(int dev_dfd, const char *rel, void *arg);
bool dev_probe_cgroup(int dev_dfd, const char *rel, void *arg);

/* Whether block device major:minor, or a partition of it, backs a
 * mount. Default: /proc/self/mountinfo and /sys/dev/block. */
typedef bool (*dev_mounted_fn)(uint32_t major, uint32_t minor, void *arg);
bool dev_block_mounted(uint32_t major, uint32_t minor, void *arg);

struct dev_host {
	int dev_dfd; /* the host's /dev (dev_open_root) */
	dev_probe_fn probe;
	dev_mounted_fn mounted;
	void *arg;
};

/* Open path (the host's "/dev"; tests: a tree of their own) as the root
 * of the walk: a root-owned directory closed to group and others. */
int dev_open_root(const char *path, int *fd, struct nsr_err *err);

/* Select the nodes. Nothing selected and no [devices]: out->n == 0.
 * Refusals (a missing required node, a denied match, a block device
 * without allow_block, gpus = all without a GPU) are one line in err. */
int dev_select(const struct dev_host *host, const struct policy_devices *pd, struct dev_set *out,
	       struct nsr_err *err);

/* Whether a policy has [devices] (even an empty one: device rules). */
bool dev_wanted(const struct policy_devices *pd);

#endif
