/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The box's network over rtnetlink with libmnl: no `ip`, no shell. Each
 * call opens its own NETLINK_ROUTE socket (CLOEXEC) in the current netns,
 * sends one request at a time, waits for its ACK and returns the kernel's
 * errno in the error. Runs as root: in the supervisor (veth, bridge) and
 * in the box before the privilege drop (lo, eth0, address, route).
 */
#ifndef NSR_NET_H
#define NSR_NET_H

#include <stdint.h>
#include <sys/types.h>

#include "err.h"

/* The box's end of its veth pair, inside its own netns. */
#define NET_BOX_IF "eth0"

/* Name of the host end of the veth pair a supervisor makes: "nsr<pid>"
 * (16 = IFNAMSIZ). */
int net_veth_name(pid_t supervisor_pid, char host_if[16]);

/* Bring `lo` up in the current netns. */
int net_lo_up(struct nsr_err *err);
/* Let gid open ICMP echo sockets (unprivileged ping) in the current
 * netns: net.ipv4.ping_group_range is per network namespace. Best effort:
 * returns -1 with errno when /proc/sys cannot be written (ping then needs
 * a raw socket, which the box never has). */
int net_allow_ping(gid_t gid);
/* Supervisor: create host_if <-> NET_BOX_IF with the box's end born in the
 * netns of netns_fd, host_if up and on bridge, in one request. On failure
 * nothing is left (the kernel undoes the whole link). */
int net_veth_to_bridge(const char *host_if, int netns_fd, const char *bridge, struct nsr_err *err);
/* Delete a link by name in the current netns (cleanup; ENODEV is success). */
int net_link_del(const char *ifname, struct nsr_err *err);
/* Box side: lo up; NET_BOX_IF: address, up, default route via gw. */
int net_box_eth0(uint32_t addr, unsigned prefix, uint32_t gw, struct nsr_err *err);

#endif
