// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * network: the interfaces inside are exactly those the mode implies:
 * none -> lo; bridge -> lo and eth0; host -> the host's own (same netns).
 * A suite may name the list explicitly.
 */
#include "config.h"

#include "checks.h"

#include <stdio.h>
#include <string.h>

/* Space-separated expected names into buf. */
static void network_expected(const struct hx_ctx *ctx, char *buf, size_t sz)
{
	const struct hx_expect *e = &ctx->t->exp;
	size_t i;

	buf[0] = '\0';
	if (e->has_ifaces) {
		for (i = 0; i < e->n_ifaces; i++) {
			size_t used = strlen(buf);
			snprintf(buf + used, sz - used, "%s%s", i ? " " : "", e->ifaces[i]);
		}
	} else if (e->net == POLICY_NET_HOST) {
		host_ifaces(buf, sz);
	} else {
		snprintf(buf, sz, "%s", e->net == POLICY_NET_BRIDGE ? "lo eth0" : "lo");
	}
}

static bool network_in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while ((p = strstr(p, name)) != NULL) {
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

static int chk_network(struct hx_ctx *ctx, struct hx_result *res)
{
	const struct facts *f = hx_facts(ctx, res);
	char want[1024], host[128], seen[1024] = "";
	size_t i, n, matched = 0, nwant = 0;
	const char *p;
	int bad = 0;

	if (f == NULL)
		return -1;
	network_expected(ctx, want, sizeof(want));
	n = facts_count(f, "iface");
	for (i = 0; i < n; i++) {
		const char *v = facts_nth(f, "iface", i);
		size_t used = strlen(seen);

		snprintf(seen + used, sizeof(seen) - used, "%s%s", i ? " " : "", v);
		if (network_in_list(want, v))
			matched++;
	}
	for (p = want; *p != '\0'; p += strcspn(p, " "), p += strspn(p, " "))
		nwant++;
	CHK_EXPECT(res, bad, matched == n && n == nwant, "interfaces inside: [%s], expected [%s]",
		   seen, want);
	if (ctx->t->exp.net == POLICY_NET_HOST) {
		CHK_EXPECT(res, bad,
			   host_ns("net", host, sizeof(host)) == 0 && facts_has(f, "ns_net", host),
			   "mode host, but the box is not in the host's network namespace");
	} else {
		bad += chk_ns_differs(f, "net", res) < 0;
	}
	return chk_done(res, bad);
}

const struct hx_check hx_check_network = {
	.name = "network",
	.proves = "only the interfaces the network mode implies: none lo; bridge lo and eth0; host the host's own, in the host's network namespace",
	.fails = "another interface list, or a namespace that does not match the mode",
	.run = chk_network,
};
