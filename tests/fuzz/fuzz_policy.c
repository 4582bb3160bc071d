// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: arbitrary bytes as a policy file, through a memfd into
 * policy_parse_fd, then every accepted policy is checked against the
 * invariants the rest of nsrun relies on (abort() on a violation) and its
 * paths are expanded. Runs unprivileged; opens nothing but the memfd and
 * the read-only O_PATH walk of the rootfs path.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "policy.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct policy pol;
static struct policy_diags diags;

static void fuzz_check(bool ok)
{
	if (!ok)
		abort();
}

static void fuzz_invariants(void)
{
	static const struct policy_vars v = {
		.user = "alice",
		.uid = 1000,
		.home = "/home/alice",
		.box = "b1",
	};
	char out[POLICY_STR_MAX];
	struct nsr_err err;
	size_t i;

	fuzz_check(diags.n == 0 && diags.dropped == 0);
	fuzz_check(policy_path_ok(pol.rootfs, false) && strcmp(pol.rootfs, "/") != 0);
	fuzz_check(pol.n_binds <= POLICY_MAX_BINDS && pol.n_tmpfs <= POLICY_MAX_TMPFS);
	fuzz_check(pol.n_env <= POLICY_MAX_ENV && pol.net.n_dns <= POLICY_MAX_DNS);
	fuzz_check(pol.n_users <= POLICY_MAX_IDS && pol.n_groups <= POLICY_MAX_IDS);
	fuzz_check(pol.hostname[0] != '\0');
	fuzz_check(!pol.limits.has_swap || pol.limits.has_memory);
	fuzz_check(!pol.limits.has_memory || pol.limits.memory >= (1u << 20));
	fuzz_check(!pol.limits.has_cpu ||
		   (pol.limits.cpu_milli > 0 && pol.limits.cpu_milli <= 1024000));
	if (pol.net.mode == POLICY_NET_BRIDGE)
		fuzz_check(pol.net.bridge[0] != '\0' && pol.net.has_subnet && pol.net.has_gateway &&
			   pol.net.prefix >= 8 && pol.net.prefix <= 30);
	else
		fuzz_check(pol.net.bridge[0] == '\0' && !pol.net.has_subnet && pol.net.n_dns == 0);
	for (i = 0; i < pol.n_binds; i++) {
		fuzz_check(policy_path_ok(pol.binds[i].source, true));
		fuzz_check(policy_path_ok(pol.binds[i].target, true));
		fuzz_check(!policy_target_reserved(pol.binds[i].target));
		if (policy_expand_path(pol.binds[i].target, &v, out, sizeof(out), &err) == 0)
			fuzz_check(policy_path_ok(out, false));
		if (policy_expand_path(pol.binds[i].source, &v, out, sizeof(out), &err) == 0)
			fuzz_check(policy_path_ok(out, false));
	}
	for (i = 0; i < pol.n_tmpfs; i++)
		fuzz_check(policy_path_ok(pol.tmpfs[i].target, true) &&
			   !policy_target_reserved(pol.tmpfs[i].target));
	if (pol.command[0] != '\0')
		fuzz_check(policy_path_ok(pol.command, false));
	if (policy_expand(pol.hostname, &v, out, sizeof(out), &err) == 0)
		fuzz_check(strlen(out) < sizeof(out));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nsr_cleanup_fd int fd = memfd_create("fuzz-policy", MFD_CLOEXEC);

	if (fd < 0 || nsr_write_all(fd, data, size) < 0 || lseek(fd, 0, SEEK_SET) != 0)
		abort();
	if (policy_parse_fd(fd, "fuzz.ini", &pol, &diags) == 0)
		fuzz_invariants();
	else
		fuzz_check(diags.n > 0 && pol.rootfs[0] == '\0' && pol.n_binds == 0);
	return 0;
}
