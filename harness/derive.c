// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Serialise a parsed policy back to INI (every field, each section once,
 * as the parser requires) with the probe's bind added, and derive what its
 * boxes must show. Input is a policy the library already validated; output
 * is written by root into the harness's private policy dir.
 */
#include "config.h"

#include "derive.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct derive_buf {
	char *p;
	size_t sz, len;
	bool overflow;
};

static void derive_put(struct derive_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void derive_put(struct derive_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->sz - b->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->sz - b->len)
		b->overflow = true;
	else
		b->len += (size_t)n;
}

static const char *derive_ip(uint32_t host_order, char *buf)
{
	struct in_addr a = { .s_addr = htonl(host_order) };

	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static void derive_limits(struct derive_buf *b, const struct policy_limits *l)
{
	derive_put(b, "[limits]\n");
	if (l->has_pids)
		derive_put(b, "pids = %llu\n", (unsigned long long)l->pids);
	if (l->has_memory)
		derive_put(b, "memory = %llu\n", (unsigned long long)l->memory);
	if (l->has_swap)
		derive_put(b, "swap = %llu\n", (unsigned long long)l->swap);
	if (l->has_cpu)
		derive_put(b, "cpu = %u.%03u\n", l->cpu_milli / 1000, l->cpu_milli % 1000);
	if (l->has_nofile)
		derive_put(b, "nofile = %llu\n", (unsigned long long)l->nofile);
	if (l->has_runtime)
		derive_put(b, "runtime = %llus\n", (unsigned long long)l->runtime);
}

static void derive_net(struct derive_buf *b, const struct policy_net *n)
{
	static const char *const mode[] = { "none", "bridge", "host" };
	char ip[INET_ADDRSTRLEN];
	size_t i;

	derive_put(b, "[network]\nmode = %s\n", mode[n->mode]);
	if (n->bridge[0] != '\0')
		derive_put(b, "bridge = %s\n", n->bridge);
	if (n->has_subnet)
		derive_put(b, "subnet = %s/%u\n", derive_ip(n->subnet, ip), n->prefix);
	if (n->has_gateway)
		derive_put(b, "gateway = %s\n", derive_ip(n->gateway, ip));
	if (n->n_dns > 0) {
		derive_put(b, "dns = ");
		for (i = 0; i < n->n_dns && i < POLICY_MAX_DNS; i++)
			derive_put(b, "%s%s", i ? ", " : "", derive_ip(n->dns[i], ip));
		derive_put(b, "\n");
	}
	if (n->has_per_user)
		derive_put(b, "per_user = %u\n", n->per_user);
	if (n->netns_pool)
		derive_put(b, "netns_pool = yes\n");
}

int derive_policy(const struct policy *p, uid_t as_uid, const char *probe_src, char *buf, size_t sz,
		  struct nsr_err *err)
{
	static const char *const writable[] = { "no", "tmpfs", "persistent" };
	struct derive_buf b = { .p = buf, .sz = sz };
	size_t i;

	if (p->n_binds >= POLICY_MAX_BINDS)
		return nsr_err_set(err, NSR_E_POLICY, 0,
				   "policy %s has no room for the probe's bind", p->name);
	derive_put(&b, "; derived by nsrun-harness from policy %s\n[policy]\n", p->name);
	if (p->description[0] != '\0')
		derive_put(&b, "description = %s\n", p->description);
	derive_put(&b, "users = %lu\n", (unsigned long)as_uid);
	derive_put(&b, "[rootfs]\npath = %s\nwritable = %s\n", p->rootfs, writable[p->writable]);
	derive_put(&b, "[mount]\n");
	for (i = 0; i < p->n_binds; i++)
		derive_put(&b, "bind = %s:%s:%s\n", p->binds[i].source, p->binds[i].target,
			   p->binds[i].rw ? "rw" : "ro");
	derive_put(&b, "bind = %s:%s:ro\n", probe_src, HX_PROBE_TARGET);
	for (i = 0; i < p->n_tmpfs; i++) {
		if (p->tmpfs[i].size != 0)
			derive_put(&b, "tmpfs = %s:size=%llu\n", p->tmpfs[i].target,
				   (unsigned long long)p->tmpfs[i].size);
		else
			derive_put(&b, "tmpfs = %s\n", p->tmpfs[i].target);
	}
	derive_limits(&b, &p->limits);
	derive_net(&b, &p->net);
	derive_put(&b, "[box]\n");
	if (p->hostname[0] != '\0')
		derive_put(&b, "hostname = %s\n", p->hostname);
	if (p->command[0] != '\0')
		derive_put(&b, "command = %s\n", p->command);
	for (i = 0; i < p->n_env; i++)
		derive_put(&b, "env = %s\n", p->env[i]);
	if (p->deny_userns)
		derive_put(&b, "userns = no\n");
	if (p->deny_join)
		derive_put(&b, "join = no\n");
	if (p->log_max != 0)
		derive_put(&b, "log_max = %llu\n", (unsigned long long)p->log_max);
	if (p->log_keep)
		derive_put(&b, "log_keep = yes\n");
	if (p->devices.present || p->devices.n_allow > 0 || p->devices.gpus != POLICY_GPUS_NONE) {
		static const char *const gpus[] = { "none", "all", "scheduler" };

		derive_put(&b, "[devices]\n");
		for (i = 0; i < p->devices.n_allow; i++)
			derive_put(&b, "allow = %s%s\n", p->devices.allow[i].optional ? "?" : "",
				   p->devices.allow[i].path);
		if (p->devices.allow_block)
			derive_put(&b, "allow_block = yes\n");
		derive_put(&b, "gpus = %s\n", gpus[p->devices.gpus]);
	}
	if (b.overflow)
		return nsr_err_set(err, NSR_E_POLICY, 0, "derived policy for %s too large", p->name);
	return 0;
}

int derive_expect(const struct policy *p, const struct hx_user *u, const char *box,
		  struct hx_expect *e, struct nsr_err *err)
{
	struct policy_vars v = {
		.user = u->name,
		.uid = u->uid,
		.home = u->home,
		.box = box,
	};
	size_t i;

	memset(e, 0, sizeof(*e));
	if (policy_expand(p->hostname[0] != '\0' ? p->hostname : "$BOX", &v, e->hostname,
			  sizeof(e->hostname), err) < 0)
		return nsr_err_prefix(err, "hostname of policy %s", p->name);
	e->net = p->net.mode;
	e->writable = p->writable;
	e->has_pids = p->limits.has_pids;
	e->pids = p->limits.pids;
	e->has_memory = p->limits.has_memory;
	e->memory = p->limits.memory;
	e->has_swap = p->limits.has_swap;
	e->swap = p->limits.swap;
	e->has_cpu = p->limits.has_cpu;
	e->cpu_milli = p->limits.cpu_milli;
	e->has_nofile = p->limits.has_nofile;
	e->nofile = p->limits.nofile;
	snprintf(e->rootfs, sizeof(e->rootfs), "%s", p->rootfs);
	/* As nsrun(1) says: the policy's env with $HOME, $USER, $UID and $BOX
	 * expanded; nsrun sets container itself. */
	for (i = 0; i < p->n_env && e->n_env < POLICY_MAX_ENV; i++) {
		if (strncmp(p->env[i], "container=", 10) == 0)
			continue;
		if (policy_expand(p->env[i], &v, e->env[e->n_env], sizeof(e->env[0]), err) < 0)
			return nsr_err_prefix(err, "env of policy %s", p->name);
		e->n_env++;
	}
	return 0;
}
