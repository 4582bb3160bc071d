// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Whole-file checks after every line was read: required keys, rules that
 * join several keys, the rootfs's trust chain, and defaults. Opens the
 * rootfs directory O_PATH with the caller's privilege to walk it.
 */
#include "config.h"

#include "internal.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <fcntl.h>

#include "util.h"

static void validate_rootfs(struct policy_parser *ps)
{
	nsr_cleanup_fd int fd = -1;
	char why[256];

	if (ps->key_line[K_PATH] == 0) {
		policy_diag(ps->diags, 0, "missing [rootfs] path");
		return;
	}
	if (ps->pol->rootfs[0] == '\0')
		return; /* its value was refused already */
	if (trust_open_dir(ps->pol->rootfs, &fd, why, sizeof(why)) < 0)
		policy_diag(ps->diags, ps->key_line[K_PATH], "rootfs.path: not usable: %s", why);
}

static void validate_limits(struct policy_parser *ps)
{
	if (ps->key_line[K_SWAP] != 0 && ps->key_line[K_MEMORY] == 0)
		policy_diag(ps->diags, ps->key_line[K_SWAP], "limits.swap: requires limits.memory");
}

static void validate_network(struct policy_parser *ps)
{
	static const struct {
		int key;
		const char *name;
	} bridged[] = {
		{ K_BRIDGE, "bridge" }, { K_SUBNET, "subnet" },	    { K_GATEWAY, "gateway" },
		{ K_DNS, "dns" },	{ K_PER_USER, "per_user" },
	};
	const struct policy_net *n = &ps->pol->net;
	size_t i;

	if (n->mode == POLICY_NET_HOST && ps->key_line[K_NETNS_POOL] != 0)
		policy_diag(ps->diags, ps->key_line[K_NETNS_POOL],
			    "network.netns_pool: not valid with mode = host (no netns of its own)");
	if (n->mode != POLICY_NET_BRIDGE) {
		for (i = 0; i < NSR_ARRAY_SIZE(bridged); i++)
			if (ps->key_line[bridged[i].key] != 0)
				policy_diag(ps->diags, ps->key_line[bridged[i].key],
					    "network.%s: only valid with mode = bridge",
					    bridged[i].name);
		return;
	}
	for (i = 0; i < 3; i++)
		if (ps->key_line[bridged[i].key] == 0)
			policy_diag(ps->diags, ps->key_line[K_MODE],
				    "network.mode: bridge mode requires network.%s", bridged[i].name);
	if (n->has_subnet && n->has_gateway) {
		uint32_t mask = ~(uint32_t)0 << (32 - n->prefix);

		if ((n->gateway & mask) != n->subnet)
			policy_diag(ps->diags, ps->key_line[K_GATEWAY],
				    "network.gateway: not inside network.subnet");
		else if (n->gateway == n->subnet || n->gateway == (n->subnet | ~mask))
			policy_diag(ps->diags, ps->key_line[K_GATEWAY],
				    "network.gateway: the network or broadcast address");
	}
}

/* A literal allow = entry that exists on this host must be a device
 * node of an allowed kind and number (a missing one is only known to be
 * a problem at start, on the host that starts the box). */
static void validate_devices(struct policy_parser *ps)
{
	const struct policy_devices *d = &ps->pol->devices;
	size_t i;

	ps->pol->devices.present = ps->section_line[SEC_DEVICES] != 0;
	for (i = 0; i < d->n_allow; i++) {
		const struct policy_dev_allow *a = &d->allow[i];
		const char *why;
		struct stat st;
		char type;

		if (a->glob || fstatat(AT_FDCWD, a->path, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISLNK(st.st_mode)) {
			policy_diag(ps->diags, a->line,
				    "devices.allow: %s is a symbolic link: "
				    "name the device node itself",
				    a->path);
			continue;
		}
		if (S_ISBLK(st.st_mode) && !d->allow_block) {
			policy_diag(ps->diags, a->line,
				    "devices.allow: %s is a block device: "
				    "that needs devices.allow_block = yes",
				    a->path);
			continue;
		}
		if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode)) {
			policy_diag(ps->diags, a->line, "devices.allow: %s is not a device node",
				    a->path);
			continue;
		}
		type = S_ISCHR(st.st_mode) ? 'c' : 'b';
		why = policy_dev_denied(a->path + 5, type, major(st.st_rdev), minor(st.st_rdev));
		if (why != NULL)
			policy_diag(ps->diags, a->line,
				    "devices.allow: %s is %c %u:%u, which "
				    "can never be allowed (%s)",
				    a->path, type, major(st.st_rdev), minor(st.st_rdev), why);
	}
	if (ps->key_line[K_DEV_ALLOW_BLOCK] != 0 && d->allow_block && d->n_allow == 0)
		policy_diag(ps->diags, ps->key_line[K_DEV_ALLOW_BLOCK],
			    "devices.allow_block: no devices.allow entry to apply it to");
}

void policy_validate(struct policy_parser *ps)
{
	validate_devices(ps);
	validate_rootfs(ps);
	validate_limits(ps);
	validate_network(ps);
	if (ps->pol->hostname[0] == '\0')
		snprintf(ps->pol->hostname, sizeof(ps->pol->hostname), "$BOX");
}
