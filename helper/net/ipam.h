/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Address leases for bridge mode: one lock file per address under the
 * state dir, flock()ed by its holder for the box's life, so concurrent
 * starts never share an address and no start waits on another user's.
 * A lease names its holder (pid + process start time, uid, box); a lease
 * whose holder is gone (its file no longer locked) is reclaimed. Runs as root in the
 * supervisor. The file format parser is pure and fuzzable.
 */
#ifndef NSR_IPAM_H
#define NSR_IPAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

#define IPAM_MAX_LEASES 1024

struct ipam_lease {
	uint32_t addr; /* host byte order */
	uid_t uid;
	pid_t pid;
	uint64_t starttime; /* /proc/PID/stat field 22 */
	char box[64];
};

struct ipam_table {
	struct ipam_lease leases[IPAM_MAX_LEASES];
	size_t n;
};

/* Pure: parse / format the lease file text. Parse refuses anything odd. */
int ipam_parse(const char *text, size_t len, struct ipam_table *t, struct nsr_err *err);
int ipam_format(const struct ipam_table *t, char *out, size_t outsz);

/* Pure: choose the lowest free host address of subnet/prefix, never the
 * network, broadcast or gateway address. is_alive decides reclaim. */
typedef bool (*ipam_alive_fn)(const struct ipam_lease *l, void *ctx);
int ipam_pick(struct ipam_table *t, uint32_t subnet, unsigned prefix, uint32_t gateway, uid_t uid,
	      unsigned per_user, ipam_alive_fn alive, void *ctx, uint32_t *addr, struct nsr_err *err);

/* Live: lease an address for (uid, box, self) on bridge: one lock file
 * per address under state_dir/leases/<bridge>:addr/, claimed with
 * LOCK_NB (never waiting on another user) and held through *lease_fd for
 * the box's life. per_user 0 means no limit (the policy's per_user is
 * 1..1024 when set). An older nsrun's single lease file
 * (state_dir/leases/<bridge>) is read and its live leases honoured; a
 * corrupt one is refused, never reset: the admin deletes it once no
 * bridged box of an older nsrun runs on that bridge. */
int ipam_acquire(const char *state_dir, const char *bridge, uint32_t subnet, unsigned prefix,
		 uint32_t gateway, uid_t uid, unsigned per_user, const char *box, uint32_t *addr,
		 int *lease_fd, struct nsr_err *err);
/* Claim address l->addr in the address dir adfd for l's holder: 1 and
 * *fd_out (locked, l's line written over any earlier content) when ours,
 * 0 when someone holds it, -1 on error. Used by ipam_acquire, which
 * decides which address to try; public for the unit tests. */
int ipam_claim_at(int adfd, const struct ipam_lease *l, int *fd_out);
/* Release the lease held through *lease_fd (removed, then closed; -1 after). */
int ipam_release(const char *state_dir, const char *bridge, uint32_t addr, int *lease_fd,
		 struct nsr_err *err);
/* Remove address files nobody holds (gc). Returns the number removed. */
int ipam_gc(const char *state_dir);

/* Holder liveness from /proc (pid exists with the same start time). */
bool ipam_holder_alive(const struct ipam_lease *l, void *ctx);
int ipam_self_starttime(pid_t pid, uint64_t *starttime);
/* Pure: field 22 of a /proc/PID/stat text (comm may hold spaces and ')'). */
int ipam_stat_starttime(const char *stat_text, uint64_t *starttime);

#endif
