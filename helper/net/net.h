/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Network setup over rtnetlink with libmnl: no `ip`, no shell. The message
 * builders write into a caller's buffer (unit-testable without a socket);
 * the nl_* calls send one request and wait for its ACK, checking seq and
 * portid, and return the kernel's errno in the error.
 * Runs as root: in the supervisor (veth, bridge) and in the box before the
 * privilege drop (lo, eth0, address, route).
 */
#ifndef NSR_NET_H
#define NSR_NET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

/* ---- pure builders: return the message length, or 0 if it does not fit ---- */
size_t nlmsg_link_up(void *buf, size_t bufsz, uint32_t seq, int ifindex);
size_t nlmsg_veth_create(void *buf, size_t bufsz, uint32_t seq,
			 const char *host_if, const char *peer_if, int peer_netns_fd);
/* The same, for the host end already up and enslaved to master_ifindex:
 * one request instead of four (the kernel applies IFLA_MASTER and IFF_UP
 * while it creates the link, and unregisters it if either fails). */
size_t nlmsg_veth_create_bridged(void *buf, size_t bufsz, uint32_t seq, const char *host_if,
				 const char *peer_if, int peer_netns_fd, int master_ifindex);
size_t nlmsg_link_set_master(void *buf, size_t bufsz, uint32_t seq,
			     int ifindex, int master_ifindex);
size_t nlmsg_link_rename(void *buf, size_t bufsz, uint32_t seq, int ifindex,
			 const char *newname);
size_t nlmsg_addr_add(void *buf, size_t bufsz, uint32_t seq, int ifindex,
		      uint32_t addr_host_order, unsigned prefix);
size_t nlmsg_route_default(void *buf, size_t bufsz, uint32_t seq, int ifindex,
			   uint32_t gw_host_order);
size_t nlmsg_link_get(void *buf, size_t bufsz, uint32_t seq, const char *ifname);
size_t nlmsg_link_del(void *buf, size_t bufsz, uint32_t seq, const char *ifname);

/* Names of the veth pair a supervisor makes: "nsr<pid>" on the host,
 * "nsp<pid>" in the box until it becomes eth0 (16 = IFNAMSIZ). */
int net_veth_names(pid_t supervisor_pid, char host_if[16], char peer_if[16]);

/* ---- calls (open their own NETLINK_ROUTE socket, SOCK_CLOEXEC) ---- */
/* Bring `lo` up in the current netns. */
int net_lo_up(struct nsr_err *err);
/* Let gid open ICMP echo sockets (unprivileged ping) in the current
 * netns: net.ipv4.ping_group_range is per network namespace. Best effort:
 * returns -1 with errno when /proc/sys cannot be written (ping then needs
 * a raw socket, which the box never has). */
int net_allow_ping(gid_t gid);
/* Look up an interface: index and whether it is a bridge. */
int net_link_info(const char *ifname, int *ifindex, int *is_bridge, struct nsr_err *err);
/* Supervisor: create host_if <-> peer_if with the peer in the netns of
 * netns_fd, attach host_if to bridge, bring host_if up. On failure nothing
 * is left (the pair is deleted). */
int net_veth_to_bridge(const char *host_if, const char *peer_if, int netns_fd,
		       const char *bridge, struct nsr_err *err);
/* Delete a link by name in the current netns (cleanup; ENODEV is success). */
int net_link_del(const char *ifname, struct nsr_err *err);
/* Box side: rename peer_if to eth0, address, up, default route via gw. */
int net_box_eth0(const char *peer_if, uint32_t addr, unsigned prefix, uint32_t gw,
		 struct nsr_err *err);

#endif
