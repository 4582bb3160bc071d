// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the lease-file parser of helper/ipam.c. Whatever
 * parses must format back to the very same bytes (the format is canonical),
 * and a pick on the parsed table must hand out only a free host address.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/ipam.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SUBNET 0x0a580000u /* 10.88.0.0/24 */
#define GATEWAY 0x0a580001u

static bool fuzz_alive(const struct ipam_lease *l, void *ctx)
{
	(void)ctx;
	return l->pid % 3 != 0;
}

static void fuzz_check_pick(struct ipam_table *t)
{
	struct nsr_err err;
	uint32_t addr = 0;

	if (ipam_pick(t, SUBNET, 24, GATEWAY, 1000, 4, fuzz_alive, NULL, &addr, &err) < 0) {
		if (memchr(err.msg, '\0', sizeof(err.msg)) == NULL)
			abort();
		return;
	}
	if ((addr & 0xffffff00u) != SUBNET || addr == SUBNET || addr == GATEWAY ||
	    addr == (SUBNET | 0xffu))
		abort();
	for (size_t i = 0; i < t->n; i++)
		if (t->leases[i].addr == addr || !fuzz_alive(&t->leases[i], NULL))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ipam_table t, back;
	static char out[IPAM_MAX_LEASES * 160];
	struct nsr_err err;
	int n;

	memset(&err, 0, sizeof(err));
	if (ipam_parse((const char *)data, size, &t, &err) < 0) {
		if (err.msg[0] == '\0' || memchr(err.msg, '\0', sizeof(err.msg)) == NULL)
			abort();
		return 0;
	}
	if (t.n > IPAM_MAX_LEASES)
		abort();
	n = ipam_format(&t, out, sizeof(out));
	if (n < 0 || (size_t)n != size || memcmp(out, data, size) != 0)
		abort();
	if (ipam_parse(out, (size_t)n, &back, &err) < 0 || back.n != t.n)
		abort();
	for (size_t i = 0; i < t.n; i++) {
		const struct ipam_lease *a = &t.leases[i], *b = &back.leases[i];

		if (a->addr != b->addr || a->uid != b->uid || a->pid != b->pid ||
		    a->starttime != b->starttime || strcmp(a->box, b->box) != 0)
			abort();
	}
	fuzz_check_pick(&t);
	return 0;
}
