/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Generated /etc files for the box (passwd, group, hostname, hosts,
 * resolv.conf). Pure text in, text out: no I/O, no privilege. */
#ifndef NSR_ETCFILES_H
#define NSR_ETCFILES_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct etc_group_entry {
	gid_t gid;
	const char *name;
};

/* Each returns the length written (NUL-terminated), or -1 if out is too small. */
long etc_passwd(const char *image, const char *user, uid_t uid, gid_t gid, const char *home,
		const char *shell, char *out, size_t outsz);
long etc_group(const char *image, const char *user, const struct etc_group_entry *g, size_t ng,
	       char *out, size_t outsz);
long etc_hosts(const char *hostname, uint32_t addr_host_order, char *out, size_t outsz);
long etc_resolv(const uint32_t *dns, size_t n, char *out, size_t outsz);

#endif
