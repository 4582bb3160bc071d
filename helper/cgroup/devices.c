// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The device cgroup of a box's leaf: exactly the minimal set plus the
 * policy's nodes (doc/devices.md). v1: "a" into devices.deny, then one
 * devices.allow line per rule. v2: a BPF_PROG_TYPE_CGROUP_DEVICE program
 * generated here (a compare-and-allow block per rule, deny at the end),
 * loaded with the raw bpf() syscall and attached to the leaf with
 * BPF_F_ALLOW_MULTI, so every program above the leaf (a scheduler's, a
 * service manager's) still runs and must allow too. Root in the
 * supervisor, before the box's first process exists.
 */
#include "config.h"

#include "internal.h"

#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

/* The minimal set: the six nodes nsrun makes (mknod too), the box's own
 * devpts (ptmx and the Unix98 pty slaves, majors 136..143). */
static const struct cg_dev_rule cg_dev_minimal[] = {
	{ 'c', 1, 3, CG_DEV_RWM },   { 'c', 1, 5, CG_DEV_RWM },	  { 'c', 1, 7, CG_DEV_RWM },
	{ 'c', 1, 8, CG_DEV_RWM },   { 'c', 1, 9, CG_DEV_RWM },	  { 'c', 5, 0, CG_DEV_RWM },
	{ 'c', 5, 2, CG_DEV_RW },    { 'c', 136, -1, CG_DEV_RW }, { 'c', 137, -1, CG_DEV_RW },
	{ 'c', 138, -1, CG_DEV_RW }, { 'c', 139, -1, CG_DEV_RW }, { 'c', 140, -1, CG_DEV_RW },
	{ 'c', 141, -1, CG_DEV_RW }, { 'c', 142, -1, CG_DEV_RW }, { 'c', 143, -1, CG_DEV_RW },
};

size_t cg_dev_minimal_rules(const struct cg_dev_rule **out)
{
	*out = cg_dev_minimal;
	return NSR_ARRAY_SIZE(cg_dev_minimal);
}

static bool cg_dev_rule_ok(const struct cg_dev_rule *r)
{
	/* Linux numbers: 12-bit majors, 20-bit minors; -1 is "any". The
	 * program compares them as signed 32-bit immediates. */
	return (r->type == 'c' || r->type == 'b') && r->major >= -1 && r->major < (1 << 12) &&
	       r->minor >= -1 && r->minor < (1 << 20) && r->access != 0 &&
	       (r->access & ~CG_DEV_RWM) == 0;
}

int cg_dev_format_v1(const struct cg_dev_rule *r, char *out, size_t sz)
{
	char maj[16] = "*", min[16] = "*";

	if (!cg_dev_rule_ok(r))
		return -1;
	if (r->major >= 0)
		snprintf(maj, sizeof(maj), "%d", r->major);
	if (r->minor >= 0)
		snprintf(min, sizeof(min), "%d", r->minor);
	return nsr_fmt(out, sz, "%c %s:%s %s%s%s", r->type, maj, min,
		       (r->access & CG_DEV_READ) ? "r" : "", (r->access & CG_DEV_WRITE) ? "w" : "",
		       (r->access & CG_DEV_MKNOD) ? "m" : "");
}

#define CG_INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

/* r1 = ctx. Prologue: r2 = type, r3 = access, r4 = major, r5 = minor.
 * Per rule: each test that fails jumps to the next rule; all passing:
 * r0 = 1, exit. After the last rule: r0 = 0, exit. */
ssize_t cg_dev_bpf_build(const struct cg_dev_rule *rules, size_t n, struct bpf_insn *out, size_t max)
{
	size_t pc = 0, i;

#define EMIT(insn)                  \
	do {                        \
		if (pc >= max)      \
			return -1;  \
		out[pc++] = (insn); \
	} while (0)

	EMIT(CG_INSN(BPF_LDX | BPF_MEM | BPF_W, 2, 1, 0, 0));	/* r2 = access_type */
	EMIT(CG_INSN(BPF_ALU64 | BPF_MOV | BPF_X, 3, 2, 0, 0)); /* r3 = r2 */
	EMIT(CG_INSN(BPF_ALU64 | BPF_AND | BPF_K, 2, 0, 0, 0xffff));
	EMIT(CG_INSN(BPF_ALU64 | BPF_RSH | BPF_K, 3, 0, 0, 16));
	EMIT(CG_INSN(BPF_LDX | BPF_MEM | BPF_W, 4, 1, 4, 0)); /* r4 = major */
	EMIT(CG_INSN(BPF_LDX | BPF_MEM | BPF_W, 5, 1, 8, 0)); /* r5 = minor */
	for (i = 0; i < n; i++) {
		const struct cg_dev_rule *r = &rules[i];
		int type, acc = 0;
		size_t len, start = pc, k;

		if (!cg_dev_rule_ok(r))
			return -1;
		type = r->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK;
		acc |= (r->access & CG_DEV_MKNOD) ? BPF_DEVCG_ACC_MKNOD : 0;
		acc |= (r->access & CG_DEV_READ) ? BPF_DEVCG_ACC_READ : 0;
		acc |= (r->access & CG_DEV_WRITE) ? BPF_DEVCG_ACC_WRITE : 0;
		/* The block's length, for the jumps past it. */
		len = 1 + 3 + (r->major >= 0) + (r->minor >= 0) + 2;
		EMIT(CG_INSN(BPF_JMP | BPF_JNE | BPF_K, 2, 0, 0, type));
		/* Every access asked must be granted: (r3 & ~acc) == 0. */
		EMIT(CG_INSN(BPF_ALU64 | BPF_MOV | BPF_X, 6, 3, 0, 0));
		EMIT(CG_INSN(BPF_ALU64 | BPF_AND | BPF_K, 6, 0, 0, ~acc & 0x7));
		EMIT(CG_INSN(BPF_JMP | BPF_JNE | BPF_K, 6, 0, 0, 0));
		if (r->major >= 0)
			EMIT(CG_INSN(BPF_JMP | BPF_JNE | BPF_K, 4, 0, 0, r->major));
		if (r->minor >= 0)
			EMIT(CG_INSN(BPF_JMP | BPF_JNE | BPF_K, 5, 0, 0, r->minor));
		EMIT(CG_INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 1));
		EMIT(CG_INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
		if (pc - start != len)
			return -1;
		/* Point every conditional jump of the block at the next one. */
		for (k = start; k < pc; k++)
			if (out[k].code == (BPF_JMP | BPF_JNE | BPF_K))
				out[k].off = (int16_t)(start + len - (k + 1));
	}
	EMIT(CG_INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0));
	EMIT(CG_INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
#undef EMIT
	return (ssize_t)pc;
}

static long cg_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/* Programs in effect on the cgroup at dfd for device access, or -1. */
static int cg_dev_effective(int dfd)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.query.target_fd = (uint32_t)dfd;
	a.query.attach_type = BPF_CGROUP_DEVICE;
	a.query.query_flags = BPF_F_QUERY_EFFECTIVE;
	if (cg_bpf(BPF_PROG_QUERY, &a) < 0)
		return -1;
	return (int)a.query.prog_cnt;
}

int cg_dev_bpf_attach(int leaf_dfd, int parent_dfd, const struct cg_dev_rule *rules, size_t n,
		      struct nsr_err *err)
{
	static const char license[] = "GPL";
	struct bpf_insn insns[CG_DEV_MAX_INSNS];
	nsr_cleanup_fd int prog = -1;
	union bpf_attr a;
	ssize_t cnt = cg_dev_bpf_build(rules, n, insns, NSR_ARRAY_SIZE(insns));
	int above, now;

	if (cnt < 0)
		return nsr_err_set(err, NSR_E_SETUP, EINVAL,
				   "device rules: cannot build the program");
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (uint64_t)(uintptr_t)insns;
	a.insn_cnt = (uint32_t)cnt;
	a.license = (uint64_t)(uintptr_t)license;
	prog = (int)cg_bpf(BPF_PROG_LOAD, &a);
	if (prog < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno,
				   "device rules: cannot load the BPF program");
	above = cg_dev_effective(parent_dfd);
	if (above < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno,
				   "device rules: cannot query the parent's programs");
	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)leaf_dfd;
	a.attach_bpf_fd = (uint32_t)prog;
	a.attach_type = BPF_CGROUP_DEVICE;
	a.attach_flags = BPF_F_ALLOW_MULTI;
	if (cg_bpf(BPF_PROG_ATTACH, &a) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno,
				   "device rules: cannot attach the BPF program");
	/* Ours must add to what is above, never replace it: a program
	 * attached above with BPF_F_ALLOW_OVERRIDE would stop running for
	 * the leaf. Then the box could open what its scheduler forbids. */
	now = cg_dev_effective(leaf_dfd);
	if (now != above + 1)
		return nsr_err_set(err, NSR_E_SETUP, 0,
				   "device rules: a device program above the box's cgroup "
				   "would be overridden (%d in effect above, %d with ours)",
				   above, now);
	return 0;
}

int cg_dev_v1_write(int leaf_dfd, const struct cg_dev_rule *rules, size_t n, struct nsr_err *err)
{
	char line[64];
	size_t i;

	/* Deny everything first (the leaf starts with its parent's rules),
	 * then allow one rule at a time. */
	if (nsr_write_file(leaf_dfd, "devices.deny", "a", err) < 0)
		return nsr_err_prefix(err, "device rules");
	for (i = 0; i < n; i++) {
		if (cg_dev_format_v1(&rules[i], line, sizeof(line)) < 0)
			return nsr_err_set(err, NSR_E_SETUP, EINVAL, "device rules: bad rule");
		if (nsr_write_file(leaf_dfd, "devices.allow", line, err) < 0)
			return nsr_err_prefix(err, "device rules: %s", line);
	}
	return 0;
}

int cg_dev_rules(const struct cg_limits *lim, struct cg_dev_rule *out, size_t max)
{
	const struct cg_dev_rule *min;
	size_t n = cg_dev_minimal_rules(&min);

	if (n + lim->n_devs > max || (lim->n_devs > 0 && lim->devs == NULL))
		return -1;
	memcpy(out, min, n * sizeof(*min));
	if (lim->n_devs > 0)
		memcpy(out + n, lim->devs, lim->n_devs * sizeof(*out));
	return (int)(n + lim->n_devs);
}

int cg_apply_devices(struct cg_box *cg, const struct cg_limits *lim, struct nsr_err *err)
{
	struct cg_dev_rule rules[CG_DEV_MAX_RULES + 16];
	int n = cg_dev_rules(lim, rules, NSR_ARRAY_SIZE(rules));

	if (n < 0)
		return nsr_err_set(err, NSR_E_SETUP, E2BIG, "device rules: too many devices");
	if (cg->mode == CG_MODE_V1)
		return cg_dev_v1_write(cg->v1_dfd[CG_V1_DEVICES], rules, (size_t)n, err);
	return cg_dev_bpf_attach(cg->leaf_dfd, cg->parent_dfd, rules, (size_t)n, err);
}
