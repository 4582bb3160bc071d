// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The box's network, one request per step: the supervisor makes the veth
 * pair on the admin's bridge with the box's end born as eth0 inside the
 * box's netns; the box child brings lo (and eth0, its address and default
 * route) up in its own netns; a leftover link is deleted by name. Runs as
 * root, in the supervisor (veth, bridge) and in the box before the drop.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int net_veth_name(pid_t supervisor_pid, char host_if[16])
{
	/* "nsr" + pid: pid_max is at most 2^22, so 7 digits at most; the
	 * name says which supervisor made it (ip link | grep nsr<pid>). */
	if (supervisor_pid <= 0 || nsr_fmt(host_if, IFNAMSIZ, "nsr%ld", (long)supervisor_pid) < 0) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int net_lo_up(struct nsr_err *err)
{
	net_cleanup_sock struct net_sock s = { 0 };

	if (net_sock_open(&s, err) < 0)
		return -1;
	/* lo is ifindex 1 in every netns. */
	if (net_do(&s, nlmsg_link_up(NET_REQ(s), 1)) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot bring up lo");
	return 0;
}

int net_allow_ping(gid_t gid)
{
	char v[32];
	int fd, rc = 0;

	/* Through the host's procfs, still mounted at /proc in our copy of
	 * the mount table: net sysctls resolve to the opener's netns. */
	fd = nsr_openat(AT_FDCWD, "/proc/sys/net/ipv4/ping_group_range", O_WRONLY, 0);
	if (fd < 0)
		return -1;
	snprintf(v, sizeof(v), "%u %u", (unsigned)gid, (unsigned)gid);
	if (nsr_write_all(fd, v, strlen(v)) < 0)
		rc = -1;
	close(fd);
	return rc;
}

int net_veth_to_bridge(const char *host_if, int netns_fd, const char *bridge, struct nsr_err *err)
{
	net_cleanup_sock struct net_sock s = { 0 };
	struct net_link_reply br;

	if (net_sock_open(&s, err) < 0)
		return -1;
	if (net_get(&s, bridge, &br) < 0) {
		if (errno == ENODEV)
			return nsr_err_set(err, NSR_E_SETUP, 0, "bridge %s does not exist", bridge);
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot look up bridge %s", bridge);
	}
	if (!br.is_bridge)
		return nsr_err_set(err, NSR_E_SETUP, 0, "%s is not a bridge", bridge);
	/* One request: the pair named by the supervisor, the peer born inside
	 * the box's netns (netns_fd came from our own child, never the user),
	 * the host end up and on the bridge. The kernel undoes the whole link
	 * if any part fails, so there is nothing to clean up here. */
	if (net_do(&s, nlmsg_veth_create_bridged(NET_REQ(s), host_if, NET_BOX_IF, netns_fd,
						 br.ifindex)) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot attach veth to bridge %s",
				   bridge);
	return 0;
}

int net_link_del(const char *ifname, struct nsr_err *err)
{
	net_cleanup_sock struct net_sock s = { 0 };

	if (net_sock_open(&s, err) < 0)
		return -1;
	if (net_do(&s, nlmsg_link_del(NET_REQ(s), ifname)) < 0 && errno != ENODEV)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot delete %s", ifname);
	return 0;
}

int net_box_eth0(uint32_t addr, unsigned prefix, uint32_t gw, struct nsr_err *err)
{
	net_cleanup_sock struct net_sock s = { 0 };
	struct net_link_reply eth0;

	if (net_sock_open(&s, err) < 0)
		return -1;
	/* Everything below acts on the box's own netns only. */
	if (net_do(&s, nlmsg_link_up(NET_REQ(s), 1)) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot bring up lo");
	/* The supervisor made our end of the veth as eth0, in our netns. */
	if (net_get(&s, NET_BOX_IF, &eth0) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot find %s in the box", NET_BOX_IF);
	if (net_do(&s, nlmsg_addr_add(NET_REQ(s), eth0.ifindex, addr, prefix)) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot add address to eth0");
	if (net_do(&s, nlmsg_link_up(NET_REQ(s), eth0.ifindex)) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot bring up eth0");
	if (net_do(&s, nlmsg_route_default(NET_REQ(s), eth0.ifindex, gw)) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot add default route");
	return 0;
}
