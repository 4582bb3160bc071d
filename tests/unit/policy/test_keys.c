// SPDX-License-Identifier: GPL-2.0-or-later
/* Every key of nsrun.policy(5), accepted and refused, with the exact line of
 * each diagnostic. Needs the users root/daemon/bin and the directory /usr
 * (root-owned on every Debian system); no privilege. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "fixture.h"
#include "internal.h"
#include "util.h"

/* FX_HEAD + "[SECTION]\n" + body: the body starts on line 4. */
static int kx_parse(const char *section, const char *body)
{
	static char text[16384];

	snprintf(text, sizeof(text), FX_HEAD "[%s]\n%s", section, body);
	return fx_parse(text);
}

#define kx_ok(sec, body) ck_assert_msg(kx_parse(sec, body) == 0, "%s", fx_dump())
#define kx_bad(sec, body, line, sub)                                                              \
	do {                                                                                      \
		ck_assert_int_eq(kx_parse(sec, body), -1);                                        \
		ck_assert_msg(fx_has(line, sub), "want %u \"%s\"; got %s", (unsigned)(line), sub, \
			      fx_dump());                                                         \
	} while (0)

START_TEST(contract_example)
{
	/* nsrun.policy(5)'s example with this machine's users, group and rootfs. */
	static const char text[] =
		"[policy]\n"
		"description = Development boxes for the systems lab\n"
		"users  = root, daemon, 1005      ; user names or numeric uids\n"
		"groups = bin                    ; group names or numeric gids\n"
		"\n"
		"[rootfs]\n"
		"path     = /usr   ; absolute; root-owned; not writable by group or others\n"
		"writable = no                            ; no | tmpfs | persistent\n"
		"\n"
		"[mount]\n"
		"; repeatable. bind = SOURCE:TARGET[:ro|rw]   (default ro)\n"
		"bind  = /srv/datasets:/data:ro\n"
		"bind  = $HOME:$HOME:rw          ; $HOME, $USER, $UID, $BOX expand; user-side sources are\n"
		"                                ; resolved with the invoking user's own permissions\n"
		"tmpfs = /scratch:size=256M      ; tmpfs = TARGET[:size=SIZE]\n"
		"\n"
		"[limits]\n"
		"pids   = 256       ; cgroup pids.max\n"
		"memory = 1G        ; memory.max (v2) / memory.limit_in_bytes (v1)\n"
		"swap   = 0         ; memory.swap.max / memsw; 0 = no swap\n"
		"cpu    = 1.5       ; CPUs: cpu.max / cfs_quota_us\n"
		"nofile = 4096      ; RLIMIT_NOFILE inside the box\n"
		"\n"
		"[network]\n"
		"mode    = bridge\n"
		"bridge  = nsbr0           ; bridge mode: an existing bridge the admin set up\n"
		"subnet  = 10.88.0.0/24    ; addresses handed out from here, never twice at once\n"
		"gateway = 10.88.0.1\n"
		"dns     = 10.88.0.1       ; written to the box's /etc/resolv.conf\n"
		"per_user = 4              ; at most this many bridged boxes per user at once\n"
		"\n"
		"[box]\n"
		"hostname = $BOX\n"
		"command  = /bin/sh\n"
		"env      = LANG=C.UTF-8   ; repeatable; the environment is otherwise cleared\n";
	const struct policy *p = &fx_pol;

	fx_assert_ok(text);
	ck_assert_str_eq(p->description, "Development boxes for the systems lab");
	ck_assert_uint_eq(p->n_users, 3);
	ck_assert_uint_eq(p->users[0], 0);
	ck_assert_uint_eq(p->users[1], 1);
	ck_assert_uint_eq(p->users[2], 1005);
	ck_assert_uint_eq(p->n_groups, 1);
	ck_assert_uint_eq(p->groups[0], 2);
	ck_assert_str_eq(p->rootfs, "/usr");
	ck_assert_int_eq(p->writable, POLICY_WRITABLE_NO);
	ck_assert_uint_eq(p->n_binds, 2);
	ck_assert_str_eq(p->binds[0].source, "/srv/datasets");
	ck_assert_str_eq(p->binds[0].target, "/data");
	ck_assert(!p->binds[0].rw);
	ck_assert_uint_eq(p->binds[0].line, 12);
	ck_assert_str_eq(p->binds[1].source, "$HOME");
	ck_assert_str_eq(p->binds[1].target, "$HOME");
	ck_assert(p->binds[1].rw);
	ck_assert_uint_eq(p->binds[1].line, 13);
	ck_assert_uint_eq(p->n_tmpfs, 1);
	ck_assert_str_eq(p->tmpfs[0].target, "/scratch");
	ck_assert_uint_eq(p->tmpfs[0].size, 256ULL << 20);
	ck_assert_uint_eq(p->tmpfs[0].line, 15);
	ck_assert(p->limits.has_pids && p->limits.has_memory && p->limits.has_swap &&
		  p->limits.has_cpu && p->limits.has_nofile);
	ck_assert_uint_eq(p->limits.pids, 256);
	ck_assert_uint_eq(p->limits.memory, 1ULL << 30);
	ck_assert_uint_eq(p->limits.swap, 0);
	ck_assert_uint_eq(p->limits.cpu_milli, 1500);
	ck_assert_uint_eq(p->limits.nofile, 4096);
	ck_assert_int_eq(p->net.mode, POLICY_NET_BRIDGE);
	ck_assert_str_eq(p->net.bridge, "nsbr0");
	ck_assert(p->net.has_subnet && p->net.has_gateway && p->net.has_per_user);
	ck_assert_uint_eq(p->net.subnet, 0x0a580000u);
	ck_assert_uint_eq(p->net.prefix, 24);
	ck_assert_uint_eq(p->net.gateway, 0x0a580001u);
	ck_assert_uint_eq(p->net.n_dns, 1);
	ck_assert_uint_eq(p->net.dns[0], 0x0a580001u);
	ck_assert_uint_eq(p->net.per_user, 4);
	ck_assert_str_eq(p->hostname, "$BOX");
	ck_assert_str_eq(p->command, "/bin/sh");
	ck_assert_uint_eq(p->n_env, 1);
	ck_assert_str_eq(p->env[0], "LANG=C.UTF-8");
}
END_TEST

START_TEST(unknown_and_repeated_keys)
{
	kx_bad("policy", "user = root\n", 4, "unknown key \"user\" in [policy]");
	kx_bad("limits", "bind = /a:/b\n", 4, "unknown key \"bind\" in [limits]");
	kx_bad("policy", " = root\n", 4, "continuation");
	kx_bad("policy", "= root\n", 4, "unknown key \"\" in [policy]");
	kx_bad("policy", "users = root\n\nusers = daemon\n", 6,
	       "policy.users: repeated key (first on line 4)");
	kx_bad("limits", "pids = 1\npids = 1\n", 5, "limits.pids: repeated key");
	kx_bad("network", "mode = none\nmode = none\n", 5, "network.mode: repeated key");
	kx_bad("box", "command = /bin/sh\ncommand = /bin/sh\n", 5, "repeated key");
	fx_assert_diag("[rootfs]\npath = /usr\npath = /usr\n", 3,
		       "rootfs.path: repeated key (first on line 2)");
	kx_bad("box", "hostname = a\nhostname = b\n", 5, "repeated key");
	/* key names are case sensitive */
	kx_bad("limits", "PIDS = 5\n", 4, "unknown key \"PIDS\"");
}
END_TEST

START_TEST(empty_values)
{
	static const char *const keys[][2] = {
		{ "policy", "description" },
		{ "policy", "users" },
		{ "policy", "groups" },
		{ "mount", "bind" },
		{ "mount", "tmpfs" },
		{ "limits", "pids" },
		{ "limits", "memory" },
		{ "limits", "swap" },
		{ "limits", "cpu" },
		{ "limits", "nofile" },
		{ "network", "mode" },
		{ "network", "bridge" },
		{ "network", "subnet" },
		{ "network", "gateway" },
		{ "network", "dns" },
		{ "network", "per_user" },
		{ "box", "hostname" },
		{ "box", "command" },
		{ "box", "env" },
	};
	size_t i;

	for (i = 0; i < NSR_ARRAY_SIZE(keys); i++) {
		char body[64], want[64];

		snprintf(body, sizeof(body), "%s =   \n", keys[i][1]);
		snprintf(want, sizeof(want), "%s.%s: empty value", keys[i][0], keys[i][1]);
		kx_bad(keys[i][0], body, 4, want);
	}
	fx_assert_diag("[rootfs]\npath =\n", 2, "rootfs.path: empty value");
	fx_assert_diag("[rootfs]\npath = /usr\nwritable = \n", 3, "rootfs.writable: empty value");
}
END_TEST

START_TEST(policy_section)
{
	kx_ok("policy", "users = root,daemon , 0 , 4294967294\ngroups = 0, daemon, bin\n");
	ck_assert_uint_eq(fx_pol.n_users, 3); /* root == 0: stored once */
	ck_assert_uint_eq(fx_pol.users[2], 4294967294u);
	ck_assert_uint_eq(fx_pol.n_groups, 3);
	ck_assert_uint_eq(fx_pol.groups[1], 1);
	kx_bad("policy", "users = root, nosuchuser-xyz\n", 4,
	       "policy.users: unknown user \"nosuchuser-xyz\"");
	kx_bad("policy", "groups = nosuchgroup-xyz\n", 4,
	       "policy.groups: unknown group \"nosuchgroup-xyz\"");
	kx_bad("policy", "users = root,,daemon\n", 4, "empty list element");
	kx_bad("policy", "users = root,\n", 4, "empty list element");
	kx_bad("policy", "users = ,root\n", 4, "empty list element");
	kx_bad("policy", "users = root daemon\n", 4, "bad list element");
	kx_bad("policy", "users = 4294967295\n", 4, "bad numeric id");
	kx_bad("policy", "users = 99999999999\n", 4, "bad numeric id");
	kx_bad("policy", "groups = 007\n", 4, "bad numeric id");
	kx_bad("policy", "users = -1\n", 4, "unknown user \"-1\"");
	/* description */
	kx_ok("policy", "description = Übung – büro\n");
	ck_assert_str_eq(fx_pol.description, "Übung – büro");
	kx_bad("policy",
	       "description = a\xc2\x9b"
	       "b\n",
	       4, "not printable UTF-8");
	kx_bad("policy", "description = \xff\xfe\n", 4, "not printable UTF-8");
	kx_bad("policy", "description = \xc0\xaf\n", 4, "not printable UTF-8");
	kx_bad("policy", "description = \xed\xa0\x80\n", 4, "not printable UTF-8");
	kx_bad("policy", "description = \xe2\x82\n", 4, "not printable UTF-8");
}
END_TEST

START_TEST(too_many_ids)
{
	char body[4096] = "users = ";
	int i;

	for (i = 0; i < POLICY_MAX_IDS; i++)
		sprintf(body + strlen(body), "%d,", 1000 + i);
	strcat(body, "5\n");
	ck_assert_uint_gt(strlen(body), POLICY_LINE_MAX); /* needs a long line */
	kx_bad("policy", body, 4, "line too long");
	strcpy(body, "users = 1");
	for (i = 2; i <= 40; i++)
		sprintf(body + strlen(body), ",%d", i);
	strcat(body, "\n");
	kx_ok("policy", body);
	ck_assert_uint_eq(fx_pol.n_users, 40);
}
END_TEST

START_TEST(rootfs_section)
{
	static const char *const bad[] = { "usr",    "/usr/", "/usr/../etc", "/usr//lib", "/./usr",
					   "/$HOME", "$HOME", "/us r",	     "/a:b" };
	size_t i;

	for (i = 0; i < NSR_ARRAY_SIZE(bad); i++) {
		char text[256];

		snprintf(text, sizeof(text), "[rootfs]\n\npath = %s\n", bad[i]);
		fx_assert_diag(text, 3, "rootfs.path: ");
		ck_assert(fx_has(3, "not an absolute, normalised path"));
	}
	fx_assert_diag("[rootfs]\npath = /\n", 2, "the host's / cannot be a rootfs");
	fx_assert_diag("[rootfs]\npath = /nonexistent-nsrun-dir\n", 2,
		       "rootfs.path: not usable: /nonexistent-nsrun-dir: No such file");
	fx_assert_diag("[rootfs]\npath = /tmp\n", 2, "/tmp is writable by others");
	fx_assert_diag("[rootfs]\npath = /etc/passwd\n", 2, "/etc/passwd is not a directory");
	fx_assert_ok("[rootfs]\npath = /usr\nwritable = tmpfs\n");
	ck_assert_int_eq(fx_pol.writable, POLICY_WRITABLE_TMPFS);
	fx_assert_ok("[rootfs]\npath = /usr\nwritable = persistent\n");
	ck_assert_int_eq(fx_pol.writable, POLICY_WRITABLE_PERSISTENT);
	fx_assert_ok("[rootfs]\npath = /usr\nwritable = no\n");
	ck_assert_int_eq(fx_pol.writable, POLICY_WRITABLE_NO);
	fx_assert_diag("[rootfs]\npath = /usr\nwritable = yes\n", 3,
		       "rootfs.writable: \"yes\" is not one of");
	fx_assert_diag("[rootfs]\nwritable = No\npath = /usr\n", 2, "rootfs.writable");
}
END_TEST

START_TEST(mount_bind)
{
	kx_ok("mount", "bind = /srv:/srv\nbind = $HOME/src:/work/$USER-$UID:rw\n"
		       "bind = /var/lib/$BOX:/state:ro\n");
	ck_assert_uint_eq(fx_pol.n_binds, 3);
	ck_assert(!fx_pol.binds[0].rw);
	ck_assert_str_eq(fx_pol.binds[1].source, "$HOME/src");
	ck_assert_str_eq(fx_pol.binds[1].target, "/work/$USER-$UID");
	ck_assert(fx_pol.binds[1].rw);
	ck_assert_uint_eq(fx_pol.binds[2].line, 6);
	kx_bad("mount", "bind = /srv\n", 4, "mount.bind: expected SOURCE:TARGET[:ro|rw]");
	kx_bad("mount", "bind = /srv:/x:rx\n", 4, "option \"rx\" is not ro or rw");
	kx_bad("mount", "bind = /srv:/x:ro:rw\n", 4, "option \"ro:rw\"");
	kx_bad("mount", "bind = /srv:/x:\n", 4, "option \"\"");
	kx_bad("mount", "bind = srv:/x\n", 4, "source \"srv\" is not an absolute");
	kx_bad("mount", "bind = /srv/../etc:/x\n", 4, "source \"/srv/../etc\"");
	kx_bad("mount", "bind = /srv:x\n", 4, "target \"x\" is not an absolute");
	kx_bad("mount", "bind = /srv:/x/\n", 4, "target \"/x/\"");
	kx_bad("mount", "bind = /srv:\n", 4, "target \"\"");
	kx_bad("mount", "bind = /srv:/$FOO\n", 4, "target \"/$FOO\"");
	kx_bad("mount", "bind = $USER:/x\n", 4, "source \"$USER\"");
	kx_bad("mount", "bind = /srv:/\n", 4, "target \"/\" is reserved");
	kx_bad("mount", "bind = /srv:/proc\n", 4, "target \"/proc\" is reserved");
	kx_bad("mount", "bind = /srv:/sys/fs/cgroup\n", 4, "is reserved");
	kx_bad("mount", "bind = /srv:/dev/shm\n", 4, "is reserved");
	kx_ok("mount", "bind = /srv:/devel\n");
	kx_bad("mount", "bind = /a:/x\nbind = /b:/y\nbind = /c:/x:rw\n", 6,
	       "mount.bind: target \"/x\" already mounted on line 4");
	kx_bad("mount", "tmpfs = /x\nbind = /c:/x\n", 5, "already mounted on line 4");
}
END_TEST

START_TEST(mount_tmpfs)
{
	kx_ok("mount", "tmpfs = /scratch\ntmpfs = /big:size=2G\ntmpfs = $HOME/tmp:size=64k\n");
	ck_assert_uint_eq(fx_pol.n_tmpfs, 3);
	ck_assert_uint_eq(fx_pol.tmpfs[0].size, 0);
	ck_assert_uint_eq(fx_pol.tmpfs[1].size, 2ULL << 30);
	ck_assert_uint_eq(fx_pol.tmpfs[2].size, 64 << 10);
	kx_bad("mount", "tmpfs = /x:size=0\n", 4, "mount.tmpfs: bad size \"0\"");
	kx_bad("mount", "tmpfs = /x:size=1.5G\n", 4, "bad size");
	kx_bad("mount", "tmpfs = /x:size=\n", 4, "bad size");
	kx_bad("mount", "tmpfs = /x:mode=1777\n", 4, "expected TARGET[:size=SIZE]");
	kx_bad("mount", "tmpfs = /x:size=1M:ro\n", 4, "bad size");
	kx_bad("mount", "tmpfs = /proc/x\n", 4, "reserved");
	kx_bad("mount", "tmpfs = tmp\n", 4, "not an absolute");
	kx_bad("mount", "tmpfs = /a\ntmpfs = /a:size=1M\n", 5, "already mounted on line 4");
}
END_TEST

START_TEST(mount_limits)
{
	char body[8192] = "";
	int i;

	for (i = 0; i <= POLICY_MAX_BINDS; i++)
		sprintf(body + strlen(body), "bind = /srv:/m%d\n", i);
	kx_bad("mount", body, 4 + POLICY_MAX_BINDS, "too many bind mounts (at most 32)");
	ck_assert_uint_eq(fx_diags.n, 1);
	body[0] = '\0';
	for (i = 0; i <= POLICY_MAX_TMPFS; i++)
		sprintf(body + strlen(body), "tmpfs = /t%d\n", i);
	kx_bad("mount", body, 4 + POLICY_MAX_TMPFS, "too many tmpfs mounts (at most 16)");
}
END_TEST

START_TEST(limits_section)
{
	kx_ok("limits", "pids = 1\nmemory = 1M\nswap = 512M\ncpu = 0.001\nnofile = 8\n");
	ck_assert_uint_eq(fx_pol.limits.pids, 1);
	ck_assert_uint_eq(fx_pol.limits.memory, 1 << 20);
	ck_assert_uint_eq(fx_pol.limits.swap, 512 << 20);
	ck_assert_uint_eq(fx_pol.limits.cpu_milli, 1);
	ck_assert_uint_eq(fx_pol.limits.nofile, 8);
	kx_ok("limits", "pids = 4194304\nnofile = 1048576\ncpu = 1024\n");
	ck_assert(!fx_pol.limits.has_memory && !fx_pol.limits.has_swap);
	kx_bad("limits", "pids = 0\n", 4, "limits.pids: \"0\" is not an integer from 1 to 4194304");
	kx_bad("limits", "pids = 4194305\n", 4, "limits.pids");
	kx_bad("limits", "pids = 10 0\n", 4, "limits.pids");
	kx_bad("limits", "pids = -5\n", 4, "limits.pids");
	kx_bad("limits", "memory = 1048575\n", 4,
	       "limits.memory: \"1048575\" is below the minimum of 1M");
	kx_bad("limits", "memory = 1023K\n", 4, "below the minimum");
	kx_bad("limits", "memory = 1.5G\n", 4, "limits.memory: \"1.5G\" is not a size");
	kx_bad("limits", "memory = 99999999999G\n", 4, "limits.memory");
	kx_bad("limits", "memory = -1\n", 4, "limits.memory");
	kx_bad("limits", "swap = 1G\n", 4, "limits.swap: requires limits.memory");
	kx_bad("limits", "memory = 1G\nswap = 1T\n", 5, "limits.swap: \"1T\" is not a size");
	kx_bad("limits", "cpu = 0\n", 4, "limits.cpu: \"0\" is not a CPU count");
	kx_bad("limits", "cpu = 1.2345\n", 4, "limits.cpu");
	kx_bad("limits", "cpu = .5\n", 4, "limits.cpu");
	kx_bad("limits", "cpu = 1.\n", 4, "limits.cpu");
	kx_bad("limits", "cpu = 1025\n", 4, "limits.cpu");
	kx_bad("limits", "nofile = 7\n", 4,
	       "limits.nofile: \"7\" is not an integer from 8 to 1048576");
	kx_bad("limits", "nofile = 1048577\n", 4, "limits.nofile");
}
END_TEST

#define BR_POOL "mode = bridge\nbridge = br0\nsubnet = 10.0.0.0/24\ngateway = 10.0.0.1\n"

START_TEST(network_section)
{
	kx_ok("network", "mode = none\n");
	ck_assert_int_eq(fx_pol.net.mode, POLICY_NET_NONE);
	kx_ok("network", "mode = host\n");
	ck_assert_int_eq(fx_pol.net.mode, POLICY_NET_HOST);
	kx_ok("network", "mode = bridge\nbridge = br-lab.1\nsubnet = 172.20.0.0/16\n"
			 "gateway = 172.20.255.254\ndns = 1.1.1.1, 8.8.8.8,9.9.9.9\n");
	ck_assert_uint_eq(fx_pol.net.n_dns, 3);
	ck_assert_uint_eq(fx_pol.net.dns[2], 0x09090909u);
	ck_assert(!fx_pol.net.has_per_user);
	kx_bad("network", "mode = nat\n", 4,
	       "network.mode: \"nat\" is not one of none, bridge, host");
	kx_bad("network", "mode = bridge\n", 4, "network.mode: bridge mode requires network.bridge");
	ck_assert(fx_has(4, "requires network.subnet"));
	ck_assert(fx_has(4, "requires network.gateway"));
	kx_bad("network",
	       "bridge = br0\nsubnet = 10.0.0.0/24\ngateway = 10.0.0.1\n"
	       "dns = 10.0.0.1\nper_user = 2\n",
	       4, "network.bridge: only valid with mode = bridge");
	ck_assert(fx_has(5, "network.subnet: only valid with mode = bridge"));
	ck_assert(fx_has(6, "network.gateway: only valid"));
	ck_assert(fx_has(7, "network.dns: only valid"));
	ck_assert(fx_has(8, "network.per_user: only valid"));
	kx_bad("network", "mode = host\nper_user = 2\n", 5, "only valid with mode = bridge");
	ck_assert(!fx_pol.net.netns_pool); /* off unless asked for */
	kx_ok("network", "mode = none\nnetns_pool = yes\n");
	ck_assert(fx_pol.net.netns_pool);
	kx_ok("network", "netns_pool = no\n");
	ck_assert(!fx_pol.net.netns_pool);
	kx_ok("network", BR_POOL "netns_pool = yes\n");
	ck_assert(fx_pol.net.netns_pool);
	kx_bad("network", "netns_pool = off\n", 4, "network.netns_pool: \"off\": expected yes or no");
	kx_bad("network", "mode = host\nnetns_pool = no\n", 5,
	       "network.netns_pool: not valid with mode = host");
}
END_TEST

#define BR "mode = bridge\nbridge = br0\n"

START_TEST(network_values)
{
	kx_bad("network", BR "subnet = 10.0.0.0/24\ngateway = 10.0.1.1\n", 7,
	       "network.gateway: not inside network.subnet");
	kx_bad("network", BR "subnet = 10.0.0.0/24\ngateway = 10.0.0.0\n", 7,
	       "the network or broadcast address");
	kx_bad("network", BR "subnet = 10.0.0.0/24\ngateway = 10.0.0.255\n", 7,
	       "the network or broadcast address");
	kx_bad("network", BR "subnet = 10.0.0.1/24\ngateway = 10.0.0.2\n", 6,
	       "network.subnet: \"10.0.0.1/24\" is not a subnet");
	kx_bad("network", BR "subnet = 10.0.0.0/31\ngateway = 10.0.0.1\n", 6,
	       "network.subnet: prefix /31 is outside /8 to /30");
	kx_bad("network", BR "subnet = 10.0.0.0/7\ngateway = 10.0.0.1\n", 6, "prefix /7");
	kx_bad("network", BR "subnet = 10.0.0.0/33\ngateway = 10.0.0.1\n", 6, "not a subnet");
	kx_bad("network", BR "subnet = 10.0.0.0/24\ngateway = 10.0.0.01\n", 7,
	       "network.gateway: \"10.0.0.01\" is not an IPv4 address");
	kx_bad("network",
	       BR "subnet = 10.0.0.0/24\ngateway = 10.0.0.1\n"
		  "dns = 1.1.1.1,2.2.2.2,3.3.3.3,4.4.4.4\n",
	       8, "network.dns: too many servers (at most 3)");
	kx_bad("network", BR "subnet = 10.0.0.0/24\ngateway = 10.0.0.1\ndns = 1.1.1\n", 8,
	       "network.dns: \"1.1.1\" is not an IPv4 address");
	kx_bad("network", BR "subnet = 10.0.0.0/24\ngateway = 10.0.0.1\ndns = 1.1.1.1,\n", 8,
	       "empty list element");
	kx_bad("network", BR "subnet = 10.0.0.0/24\ngateway = 10.0.0.1\nper_user = 0\n", 8,
	       "network.per_user: \"0\" is not an integer from 1 to 1024");
	kx_bad("network", BR "subnet = 10.0.0.0/24\ngateway = 10.0.0.1\nper_user = 1025\n", 8,
	       "network.per_user");
	kx_ok("network", BR "subnet = 10.0.0.0/30\ngateway = 10.0.0.2\nper_user = 1024\n");
	ck_assert_uint_eq(fx_pol.net.per_user, 1024);
	kx_bad("network", "mode = bridge\nbridge = br0/x\n", 5,
	       "network.bridge: \"br0/x\" is not an interface name");
	kx_bad("network", "mode = bridge\nbridge = 0123456789abcdef\n", 5, "not an interface name");
	kx_bad("network", "mode = bridge\nbridge = ..\n", 5, "not an interface name");
	kx_bad("network", "mode = bridge\nbridge = br 0\n", 5, "not an interface name");
	kx_ok("network", BR "subnet = 10.0.0.0/24\ngateway = 10.0.0.1\n");
	kx_ok("network",
	      "mode = bridge\nbridge = 0123456789abcde\nsubnet = 10.0.0.0/8\ngateway = 10.0.0.1\n");
}
END_TEST

START_TEST(box_section)
{
	kx_ok("box", "hostname = lab-$USER-$BOX-$UID\ncommand = /usr/bin/bash\n"
		     "env = LANG=C.UTF-8\nenv = _X1=a b=c\nenv = EMPTY=\n");
	ck_assert_str_eq(fx_pol.hostname, "lab-$USER-$BOX-$UID");
	ck_assert_str_eq(fx_pol.command, "/usr/bin/bash");
	ck_assert_uint_eq(fx_pol.n_env, 3);
	ck_assert_str_eq(fx_pol.env[1], "_X1=a b=c");
	ck_assert_str_eq(fx_pol.env[2], "EMPTY=");
	kx_ok("box", "hostname = build01\n");
	ck_assert_str_eq(fx_pol.hostname, "build01");
	kx_bad("box", "hostname = Build\n", 4,
	       "box.hostname: \"Build\": a hostname is a-z, 0-9 and '-'");
	kx_bad("box", "hostname = a.b\n", 4, "box.hostname");
	kx_bad("box", "hostname = -g7\n", 4,
	       "box.hostname: \"-g7\": a hostname never starts or ends with '-'");
	kx_bad("box", "hostname = $BOX-\n", 4, "box.hostname");
	kx_ok("box", "hostname = x-$BOX\n");
	kx_bad("box", "hostname = $HOME\n", 4, "only $BOX, $USER and $UID may be used");
	kx_bad("box", "hostname = $HOST\n", 4, "only $BOX, $USER and $UID");
	kx_bad("box", "hostname = x$\n", 4, "only $BOX");
	kx_bad("box", "hostname = a123456789012345678901234567890123456789012345678901234567890123\n",
	       4, "too long (at most 63 characters)");
	kx_bad("box", "command = sh\n", 4, "box.command: \"sh\" is not an absolute, normalised path");
	kx_bad("box", "command = /bin/../sh\n", 4, "box.command");
	kx_bad("box", "command = $HOME/bin/x\n", 4, "box.command");
	kx_bad("box", "command = /\n", 4, "box.command");
	kx_bad("box", "command = /bin/sh -c x\n", 4, "box.command");
	kx_bad("box", "env = container=docker\n", 4, "box.env: \"container\" is set by nsrun");
	kx_bad("box", "env = 1X=a\n", 4, "box.env: expected NAME=VALUE");
	kx_bad("box", "env = X-Y=a\n", 4, "expected NAME=VALUE");
	kx_bad("box", "env = NOVALUE\n", 4, "expected NAME=VALUE");
	kx_bad("box", "env = =x\n", 4, "expected NAME=VALUE");
	kx_bad("box", "env = X=\xc3\xa9\n", 4, "value is not printable ASCII");
	kx_bad("box", "env = A=1\nenv = B=2\nenv = A=3\n", 6, "box.env: A set twice");
	kx_ok("box", "env = A=1\nenv = AB=2\n");
	kx_ok("box", "env = P=$HOME/bin:/usr/bin\nenv = R=/run/user/$UID\nenv = W=$USER@$BOX\n");
	ck_assert_str_eq(fx_pol.env[0], "P=$HOME/bin:/usr/bin");
	kx_bad("box", "env = X=$FOO\n", 4, "box.env: only $HOME, $USER, $UID and $BOX may be used");
	kx_bad("box", "env = X=a$\n", 4, "only $HOME");
	kx_bad("box", "env = X=$$\n", 4, "only $HOME");
	kx_ok("box", "hostname = b\n");
	ck_assert(!fx_pol.deny_userns);
	kx_ok("box", "userns = no\n");
	ck_assert(fx_pol.deny_userns);
	kx_ok("box", "userns = yes\n");
	ck_assert(!fx_pol.deny_userns);
	kx_bad("box", "userns = off\n", 4, "box.userns: \"off\": expected yes or no");
	kx_bad("box", "userns = no\nuserns = yes\n", 5, "repeated key");
}
END_TEST

START_TEST(box_pass_env)
{
	const struct policy *p = &fx_pol;
	const char *which = NULL;

	kx_ok("box", "pass_env = SLURM_*, PMI*, PMIX_*, CUDA_VISIBLE_DEVICES\n"
		     "pass_env = OMPI_?X, SLURM_*\n");
	ck_assert_uint_eq(p->n_pass_env, 5);
	ck_assert_str_eq(p->pass_env[0], "SLURM_*");
	ck_assert_str_eq(p->pass_env[4], "OMPI_?X");
	ck_assert(policy_pass_env_match(p, "SLURM_JOB_ID"));
	ck_assert(policy_pass_env_match(p, "PMI_RANK"));
	ck_assert(!policy_pass_env_match(p, "HOME"));
	ck_assert(!policy_pass_env_match(p, "CUDA_VISIBLE_DEVICESX"));
	/* The loader's and libc's variables, whatever the glob. */
	kx_bad("box", "pass_env = LD_PRELOAD\n", 4, "could pass LD_*");
	kx_bad("box", "pass_env = SLURM_*, LD_*\n", 4, "never passes");
	kx_bad("box", "pass_env = *\n", 4, "could pass LD_*");
	kx_bad("box", "pass_env = L*\n", 4, "could pass LD_*");
	kx_bad("box", "pass_env = ?D_X\n", 4, "could pass LD_*");
	kx_bad("box", "pass_env = *_PATH\n", 4, "could pass LD_*");
	kx_bad("box", "pass_env = GCONV_PATH\n", 4, "could pass GCONV_PATH");
	kx_bad("box", "pass_env = GLIBC_*\n", 4, "could pass GLIBC_TUNABLES");
	kx_bad("box", "pass_env = MALLOC_CHECK_\n", 4, "could pass MALLOC_*");
	kx_bad("box", "pass_env = TMP*\n", 4, "could pass TMPDIR");
	kx_bad("box", "pass_env = NLS?ATH\n", 4, "could pass NLSPATH");
	kx_bad("box", "pass_env = A=B\n", 4, "a variable name or glob");
	kx_bad("box", "pass_env = [AB]\n", 4, "a variable name or glob");
	kx_bad("box", "pass_env = 1A\n", 4, "a variable name or glob");
	kx_bad("box", "pass_env = A,,B\n", 4, "empty list element");
	kx_bad("box", "pass_env = A B\n", 4, "bad list element");
	kx_ok("box", "pass_env = L_*, LDX, XLD_*, SLURM_TMPDIR\n");
	ck_assert(policy_env_forbidden("LD_LIBRARY_PATH"));
	ck_assert(policy_env_forbidden("GCONV_PATH"));
	ck_assert(!policy_env_forbidden("SLURM_TMPDIR"));
	ck_assert(!policy_env_glob_forbidden("SLURM_*", &which));
	ck_assert(policy_env_glob_forbidden("TMP?IR", &which));
	ck_assert_str_eq(which, "TMPDIR");
}
END_TEST

START_TEST(limits_cgroup)
{
	kx_ok("limits", "cgroup = nested\n");
	ck_assert(fx_pol.limits.cgroup_nested);
	kx_ok("limits", "cgroup = own\n");
	ck_assert(!fx_pol.limits.cgroup_nested);
	kx_ok("limits", "pids = 10\n");
	ck_assert(!fx_pol.limits.cgroup_nested);
	kx_bad("limits", "cgroup = parent\n", 4, "expected own or nested");
	kx_bad("limits", "cgroup = own\ncgroup = nested\n", 5, "repeated key");
}
END_TEST

START_TEST(env_limit)
{
	char body[8192] = "";
	int i;

	for (i = 0; i <= POLICY_MAX_ENV; i++)
		sprintf(body + strlen(body), "env = V%d=x\n", i);
	kx_bad("box", body, 4 + POLICY_MAX_ENV, "too many variables (at most 32)");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("policy-keys");
	TCase *t = tcase_create("keys");

	tcase_add_test(t, contract_example);
	tcase_add_test(t, unknown_and_repeated_keys);
	tcase_add_test(t, empty_values);
	tcase_add_test(t, policy_section);
	tcase_add_test(t, too_many_ids);
	tcase_add_test(t, rootfs_section);
	tcase_add_test(t, mount_bind);
	tcase_add_test(t, mount_tmpfs);
	tcase_add_test(t, mount_limits);
	tcase_add_test(t, limits_section);
	tcase_add_test(t, network_section);
	tcase_add_test(t, network_values);
	tcase_add_test(t, box_section);
	tcase_add_test(t, env_limit);
	tcase_add_test(t, box_pass_env);
	tcase_add_test(t, limits_cgroup);
	suite_add_tcase(s, t);
	return fx_run(s);
}
