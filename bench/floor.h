/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The benchmark's "floor": the least work a start of this design can do.
 * Shared between floor.c (namespaces, mounts, cgroup, drop) and
 * floor_net.c (veth over rtnetlink). Runs as root; a benchmark tool, never
 * installed, never setuid.
 */
#ifndef NSR_BENCH_FLOOR_H
#define NSR_BENCH_FLOOR_H

#include <stdint.h>
#include <sys/types.h>

/* Print "floor: WHAT: strerror(errno)" and exit 125 (like nsrun's setup errors). */
__attribute__((noreturn)) void floor_die(const char *what);

/* Parent: a veth "nsrf<child>" on bridge, up, its peer "eth0" created
 * directly in the child's netns. One netlink request. */
void floor_net_veth(const char *bridge, pid_t child);
/* Parent, after the child is gone: delete the host end explicitly (the
 * kernel would drop it with the netns, asynchronously). */
void floor_net_veth_del(pid_t child);
/* Child, in its own netns: lo up, eth0 address + up, default route via gw. */
void floor_net_box(uint32_t addr, unsigned prefix, uint32_t gw);
/* Child with network none: lo up. */
void floor_net_lo(void);
/* A lease line in a flock'd file, as an address allocator would keep. */
uint32_t floor_net_lease(const char *path, uint32_t subnet);
void floor_net_release(const char *path, uint32_t addr);

#endif
