/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pool of fresh network namespaces (doc/architecture.md, "The network
 * namespace pool"; doc/hardening.md, "A pooled network namespace").
 * Creating a netns is the largest single kernel cost of a start, so nsrun
 * keeps a few made in advance under STATEDIR/netns, each an entry
 * directory named after the netns's cookie (SO_NETNS_COOKIE: 64 bits,
 * never reused while the machine runs) holding
 *   ns      a file the netns is bind-mounted on (as `ip netns add` does),
 *   sysctl  the netns's own values of a few sysctls, read when it was made.
 * A start claims one entry by renaming it to a name of its own (rename is
 * atomic: exactly one start wins an entry), checks everything it can about
 * it, and clones the box into it instead of a new netns; an entry that
 * fails any check is discarded and the box gets a new netns. Entries are
 * made by root only, in the supervisor's own process (no helper process
 * left anywhere): after a box has its go, and by `nsrun --gc`.
 * Runs as root in the supervisor. Prints nothing.
 */
#ifndef NSR_NET_POOL_H
#define NSR_NET_POOL_H

#include <stdint.h>

/* STATEDIR/<this>, root's, mode 0700. */
#define NETNS_POOL_DIR "netns"
/* How many entries the pool is kept at (nsrun.policy(5), "netns_pool"). */
#define NETNS_POOL_SIZE 4
/* How many a start makes at most, after its box has its go: one to
 * replace its own, one more so that a pool drained by many starts at
 * once grows back. */
#define NETNS_POOL_REFILL 2

/* One claim. */
struct netns_claim {
	int fd;		 /* the claimed netns, -1: none */
	int host_fd;	 /* our own netns while we are in the claimed one, else -1 */
	int pool_fd;	 /* the pool dir, -1: none */
	uint64_t cookie; /* the claimed netns's cookie */
	char entry[48];	 /* the claimed entry's name in the pool dir, "" none */
	char why[128];	 /* an entry was claimed and discarded: why; "" none */
};

void netns_claim_init(struct netns_claim *c);

/* Claim an entry and enter its netns. 1: the calling thread is now in a
 * pooled netns that passed every check (clone the box, then
 * netns_pool_leave). 0: none was usable, we are where we were (c->why
 * says why when an entry was discarded; an empty or missing pool is not
 * an error). -1 with errno: we could not get back into our own netns
 * (the caller must not go on). */
int netns_pool_enter(const char *statedir, struct netns_claim *c);
/* Back into our own netns: 0, or -1 (the caller must not go on). */
int netns_pool_leave(struct netns_claim *c);
/* Unmount and remove the claimed (or discarded) entry; close the fds.
 * Safe on a claim that holds nothing. Never fails: what is left is
 * collected by netns_pool_gc(). */
void netns_pool_done(struct netns_claim *c);

/* Make up to max_new entries while the pool holds fewer than target;
 * skipped (0) while another process fills it. Returns how many were
 * made, or -1 with errno when we could not get back into our own netns
 * (the caller must not go on). Errors that leave us in our own netns
 * just stop the filling. */
int netns_pool_fill(const char *statedir, unsigned target, unsigned max_new);

/* Remove entries a dead process left half made or claimed, and anything
 * else in the pool dir that is not an entry. Returns how many. */
int netns_pool_gc(const char *statedir);

/* The entry name of a cookie (16 lower-case hex digits), and back
 * (-1 for anything else). Pure, for tests. */
void netns_pool_name(uint64_t cookie, char out[17]);
int netns_pool_parse_name(const char *name, uint64_t *cookie);

#endif
