/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to helper/net/: the pure request builders (msg.c) and one
 * rtnetlink conversation (sock.c) that link.c is made of. The unit tests
 * include this file to check the builders byte by byte.
 */
#ifndef NSR_NET_INT_H
#define NSR_NET_INT_H

#include <libmnl/libmnl.h>
#include <stddef.h>
#include <stdint.h>

#include "net.h"
#include "util.h"

/* ---- pure builders: return the message length, or 0 if it does not fit ---- */
size_t nlmsg_link_up(void *buf, size_t bufsz, uint32_t seq, int ifindex);
size_t nlmsg_veth_create(void *buf, size_t bufsz, uint32_t seq, const char *host_if,
			 const char *peer_if, int peer_netns_fd);
/* The same, for the host end already up and enslaved to master_ifindex:
 * one request instead of four (the kernel applies IFLA_MASTER and IFF_UP
 * while it creates the link, and unregisters it if either fails). */
size_t nlmsg_veth_create_bridged(void *buf, size_t bufsz, uint32_t seq, const char *host_if,
				 const char *peer_if, int peer_netns_fd, int master_ifindex);
size_t nlmsg_addr_add(void *buf, size_t bufsz, uint32_t seq, int ifindex, uint32_t addr_host_order,
		      unsigned prefix);
size_t nlmsg_route_default(void *buf, size_t bufsz, uint32_t seq, int ifindex,
			   uint32_t gw_host_order);
size_t nlmsg_link_get(void *buf, size_t bufsz, uint32_t seq, const char *ifname);
size_t nlmsg_link_del(void *buf, size_t bufsz, uint32_t seq, const char *ifname);
/* A dump of every object of type (RTM_GETLINK, RTM_GETADDR, RTM_GETROUTE)
 * in every family: a zeroed family header of family_hdr bytes. */
size_t nlmsg_dump(void *buf, size_t bufsz, uint32_t seq, uint16_t type, size_t family_hdr);

/* ---- one conversation ---- */
/* Requests are small (names, a few u32s); replies go to a bigger buffer. */
struct net_sock {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	char req[512] __attribute__((aligned(NLMSG_ALIGNTO)));
};

struct net_link_reply {
	int ifindex;
	int is_bridge;
};

int net_sock_open(struct net_sock *s, struct nsr_err *err);
void net_sock_close(struct net_sock *s);
#define net_cleanup_sock __attribute__((cleanup(net_sock_close)))
/* Send the request built in s->req (len bytes; 0 = the builder refused)
 * and wait for the ACK; -1 with errno, the kernel's included. */
int net_do(struct net_sock *s, size_t len);
/* Send a dump request and hand each reply to cb until NLMSG_DONE. */
int net_dump(struct net_sock *s, size_t len, mnl_cb_t cb, void *data);
/* Look up a link by name: index and whether it is a bridge (ENODEV). */
int net_get(struct net_sock *s, const char *ifname, struct net_link_reply *rep);

/* The request buffer, its size and the next seq, for a builder's arguments. */
#define NET_REQ(s) (s).req, sizeof((s).req), ++(s).seq

#endif
