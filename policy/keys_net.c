// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The keys of [network]. Each value is parsed strictly into the policy;
 * rules that involve several keys (bridge mode needs bridge/subnet/gateway)
 * are checked in validate.c.
 * Pure parsing of untrusted text; no privilege.
 */
#include "config.h"

#include "internal.h"

#include <stdio.h>
#include <string.h>

static int net_mode(struct policy_parser *ps, const struct policy_keydef *k, const char *v)
{
	static const char *const names[] = {
		[POLICY_NET_NONE] = "none",
		[POLICY_NET_BRIDGE] = "bridge",
		[POLICY_NET_HOST] = "host",
		NULL,
	};
	int m;

	if (policy_key_one_of(ps, k, v, names, &m) < 0)
		return -1;
	ps->pol->net.mode = (enum policy_netmode)m;
	return 0;
}

static int net_bridge(struct policy_parser *ps, const struct policy_keydef *k, const char *v)
{
	size_t n = strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			     "0123456789_.-");

	if (v[n] != '\0' || n >= POLICY_IFNAME_MAX || strcmp(v, ".") == 0 || strcmp(v, "..") == 0)
		return policy_key_bad(ps, k,
				      "\"%s\" is not an interface name ([A-Za-z0-9_.-], at most 15)",
				      v);
	snprintf(ps->pol->net.bridge, sizeof(ps->pol->net.bridge), "%s", v);
	return 0;
}

static int net_subnet(struct policy_parser *ps, const struct policy_keydef *k, const char *v)
{
	struct policy_net *n = &ps->pol->net;

	if (policy_parse_cidr(v, &n->subnet, &n->prefix) < 0)
		return policy_key_bad(ps, k,
				      "\"%s\" is not a subnet a.b.c.d/N with the host bits zero", v);
	if (n->prefix < 8 || n->prefix > 30)
		return policy_key_bad(ps, k, "prefix /%u is outside /8 to /30", n->prefix);
	n->has_subnet = true;
	return 0;
}

static int net_gateway(struct policy_parser *ps, const struct policy_keydef *k, const char *v)
{
	struct policy_net *n = &ps->pol->net;

	if (policy_parse_ipv4(v, &n->gateway) < 0)
		return policy_key_bad(ps, k, "\"%s\" is not an IPv4 address", v);
	n->has_gateway = true;
	return 0;
}

static int net_dns(struct policy_parser *ps, const struct policy_keydef *k, const char *v)
{
	struct policy_net *n = &ps->pol->net;
	char buf[POLICY_STR_MAX];
	char *item, *save = NULL;
	size_t len;

	snprintf(buf, sizeof(buf), "%s", v);
	len = strlen(buf);
	if (buf[0] == ',' || buf[len - 1] == ',' || strstr(buf, ",,") != NULL)
		return policy_key_bad(ps, k, "empty list element");
	for (item = strtok_r(buf, ",", &save); item != NULL; item = strtok_r(NULL, ",", &save)) {
		item += strspn(item, " \t");
		len = strcspn(item, " \t");
		if (item[len + strspn(item + len, " \t")] != '\0')
			return policy_key_bad(ps, k, "bad list element \"%s\"", item);
		item[len] = '\0';
		if (n->n_dns >= POLICY_MAX_DNS)
			return policy_key_bad(ps, k, "too many servers (at most %d)", POLICY_MAX_DNS);
		if (policy_parse_ipv4(item, &n->dns[n->n_dns]) < 0)
			return policy_key_bad(ps, k, "\"%s\" is not an IPv4 address", item);
		n->n_dns++;
	}
	return 0;
}

static int net_per_user(struct policy_parser *ps, const struct policy_keydef *k, const char *v)
{
	uint64_t u;

	if (policy_parse_uint(v, 1, 1024, &u) < 0)
		return policy_key_bad(ps, k, "\"%s\" is not an integer from 1 to 1024", v);
	ps->pol->net.per_user = (unsigned)u;
	ps->pol->net.has_per_user = true;
	return 0;
}

static int net_netns_pool(struct policy_parser *ps, const struct policy_keydef *k, const char *v)
{
	return policy_key_yes_no(ps, k, v, &ps->pol->net.netns_pool);
}

const struct policy_keydef policy_keys_net[] = {
	{ SEC_NETWORK, "mode", K_MODE, false, net_mode },
	{ SEC_NETWORK, "bridge", K_BRIDGE, false, net_bridge },
	{ SEC_NETWORK, "subnet", K_SUBNET, false, net_subnet },
	{ SEC_NETWORK, "gateway", K_GATEWAY, false, net_gateway },
	{ SEC_NETWORK, "dns", K_DNS, false, net_dns },
	{ SEC_NETWORK, "per_user", K_PER_USER, false, net_per_user },
	{ SEC_NETWORK, "netns_pool", K_NETNS_POOL, false, net_netns_pool },
	{ 0, NULL, 0, false, NULL },
};
