// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Node selection against a fake /dev the test builds with mknod (root):
 * literal and glob entries, optional ones, block devices and allow_block,
 * mounted block devices, a denied number under another name, symlinks,
 * an untrusted directory, and the NVIDIA/DRI sets of gpus = all and
 * gpus = scheduler (the caller's cgroup stood in for by a probe that
 * allows a fixed list). The nodes' numbers need no driver: nothing here
 * opens them.
 */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "dev/dev.h"
#include "../ck_run.h"

static char t_root[64];
static int t_dfd = -1;
static const char *const *t_allowed;  /* scheduler probe: rels allowed */
static uint32_t t_mounted_minor = 99; /* b 7:N "mounted" */

static void t_node(const char *rel, mode_t type, unsigned ma, unsigned mi, mode_t mode, gid_t gid)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", t_root, rel);
	ck_assert_msg(mknod(p, type | mode, makedev(ma, mi)) == 0, "mknod %s", p);
	ck_assert_int_eq(chmod(p, mode), 0);
	ck_assert_int_eq(chown(p, 0, gid), 0);
}

static void t_dir(const char *rel, mode_t mode)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", t_root, rel);
	ck_assert_int_eq(mkdir(p, mode), 0);
	ck_assert_int_eq(chmod(p, mode), 0);
}

static void t_setup(void)
{
	char p[256];
	struct nsr_err err = { 0 };
	int fd;

	snprintf(t_root, sizeof(t_root), "/run/nsrun-fakedev.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(t_root));
	ck_assert_int_eq(chmod(t_root, 0755), 0);
	t_node("fuse", S_IFCHR, 10, 229, 0666, 0);
	t_dir("net", 0755);
	t_node("net/tun", S_IFCHR, 10, 200, 0666, 0);
	t_node("kvm", S_IFCHR, 10, 232, 0660, 123);
	t_node("loop0", S_IFBLK, 7, 0, 0660, 6);
	t_node("loop1", S_IFBLK, 7, 1, 0660, 6);
	t_node("evil", S_IFCHR, 1, 1, 0666, 0); /* /dev/mem by another name */
	t_node("null", S_IFCHR, 1, 3, 0666, 0);
	t_node("nvidia0", S_IFCHR, 195, 0, 0666, 0);
	t_node("nvidia1", S_IFCHR, 195, 1, 0666, 0);
	t_node("nvidia0x", S_IFCHR, 195, 9, 0666, 0); /* not a GPU name */
	t_node("nvidiactl", S_IFCHR, 195, 255, 0666, 0);
	t_node("nvidia-modeset", S_IFCHR, 195, 254, 0666, 0);
	t_node("nvidia-uvm", S_IFCHR, 511, 0, 0666, 0);
	t_node("nvidia-uvm-tools", S_IFCHR, 511, 1, 0666, 0);
	t_dir("nvidia-caps", 0755);
	t_node("nvidia-caps/nvidia-cap1", S_IFCHR, 238, 1, 0400, 0);
	t_dir("dri", 0755);
	t_node("dri/card0", S_IFCHR, 226, 0, 0660, 44);
	t_node("dri/renderD128", S_IFCHR, 226, 128, 04666, 44); /* setuid bit dropped */
	t_dir("open", 0777);
	t_node("open/x", S_IFCHR, 10, 229, 0666, 0);
	snprintf(p, sizeof(p), "%s/link", t_root);
	ck_assert_int_eq(symlink("fuse", p), 0);
	snprintf(p, sizeof(p), "%s/file", t_root);
	fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_msg(dev_open_root(t_root, &t_dfd, &err) == 0, "%s", err.msg);
	t_allowed = NULL;
	t_mounted_minor = 99;
}

static void t_teardown(void)
{
	char cmd[128];

	if (t_dfd >= 0)
		close(t_dfd);
	t_dfd = -1;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t_root);
	if (t_root[0] == '/' && system(cmd) != 0)
		fprintf(stderr, "# cannot remove %s\n", t_root);
}

static bool t_probe(int dfd, const char *rel, void *arg)
{
	size_t i;

	(void)dfd;
	(void)arg;
	for (i = 0; t_allowed != NULL && t_allowed[i] != NULL; i++)
		if (strcmp(t_allowed[i], rel) == 0)
			return true;
	return false;
}

static bool t_mounted(uint32_t major, uint32_t minor, void *arg)
{
	(void)arg;
	return major == 7 && minor == t_mounted_minor;
}

static struct policy_devices t_pd;
static struct dev_set t_out;
static struct nsr_err t_err;

/* entries: "/dev/x" or "?/dev/x", NULL-terminated */
static int t_select(bool allow_block, enum policy_gpus gpus, const char *const *entries)
{
	struct dev_host h = { t_dfd, t_probe, t_mounted, NULL };
	size_t i;

	memset(&t_pd, 0, sizeof(t_pd));
	memset(&t_err, 0, sizeof(t_err));
	for (i = 0; entries != NULL && entries[i] != NULL; i++) {
		struct policy_dev_allow *a = &t_pd.allow[t_pd.n_allow++];
		const char *e = entries[i];

		a->optional = e[0] == '?';
		e += a->optional;
		snprintf(a->path, sizeof(a->path), "%s", e);
		a->glob = strpbrk(e, "*?[") != NULL;
	}
	t_pd.allow_block = allow_block;
	t_pd.gpus = gpus;
	return dev_select(&h, &t_pd, &t_out, &t_err);
}

static const struct dev_node *t_find(const char *rel)
{
	size_t i;

	for (i = 0; i < t_out.n; i++)
		if (strcmp(t_out.nodes[i].rel, rel) == 0)
			return &t_out.nodes[i];
	return NULL;
}

/* t_find that fails the test when rel was not selected. */
static const struct dev_node *t_get(const char *rel)
{
	static const struct dev_node none;
	const struct dev_node *n = t_find(rel);

	ck_assert_msg(n != NULL, "%s not selected", rel);
	return n != NULL ? n : &none;
}

#define T_ENTRIES(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define t_refused(ab, g, sub, ...)                                                            \
	do {                                                                                  \
		ck_assert_int_eq(t_select(ab, g, T_ENTRIES(__VA_ARGS__)), -1);                \
		ck_assert_msg(strstr(t_err.msg, sub) != NULL, "want \"%s\", got \"%s\"", sub, \
			      t_err.msg);                                                     \
	} while (0)

START_TEST(literal)
{
	const struct dev_node *n;

	ck_assert_int_eq(t_select(false, POLICY_GPUS_NONE,
				  T_ENTRIES("/dev/fuse", "/dev/net/tun", "/dev/kvm")),
			 0);
	ck_assert_uint_eq(t_out.n, 3);
	n = t_get("net/tun");
	ck_assert_int_eq(n->type, 'c');
	ck_assert_uint_eq(n->major, 10);
	ck_assert_uint_eq(n->minor, 200);
	n = t_get("kvm");
	ck_assert_uint_eq(n->mode, 0660);
	ck_assert_uint_eq(n->gid, 123);
	ck_assert_uint_eq(n->uid, 0);
	/* named twice (a glob too): once */
	ck_assert_int_eq(t_select(false, POLICY_GPUS_NONE, T_ENTRIES("/dev/fuse", "/dev/fu*")), 0);
	ck_assert_uint_eq(t_out.n, 1);
}
END_TEST

START_TEST(missing_and_optional)
{
	t_refused(false, POLICY_GPUS_NONE, "/dev/vhost-net: no such device on this host",
		  "/dev/fuse", "/dev/vhost-net");
	t_refused(false, POLICY_GPUS_NONE, "/dev/foo/bar: no such device", "/dev/foo/bar");
	t_refused(false, POLICY_GPUS_NONE, "/dev/hidraw*: matches no device on this host",
		  "/dev/hidraw*");
	ck_assert_int_eq(t_select(false, POLICY_GPUS_NONE,
				  T_ENTRIES("?/dev/vhost-net", "/dev/fuse", "?/dev/hidraw*")),
			 0);
	ck_assert_uint_eq(t_out.n, 1);
	ck_assert_uint_eq(t_out.n_warn, 2);
	ck_assert_str_eq(t_out.warn[0], "/dev/vhost-net: not on this host (optional, skipped)");
	/* the minimal set is never selected again by a glob */
	t_refused(false, POLICY_GPUS_NONE, "/dev/nu*: matches no device", "/dev/nu*");
}
END_TEST

START_TEST(block)
{
	t_refused(false, POLICY_GPUS_NONE,
		  "/dev/loop0 is a block device (the policy does not set allow_block = yes)",
		  "/dev/loop0");
	/* a glob passes over block devices without allow_block */
	t_refused(false, POLICY_GPUS_NONE, "/dev/loop*: matches no device", "/dev/loop*");
	ck_assert_int_eq(t_select(true, POLICY_GPUS_NONE, T_ENTRIES("/dev/loop*")), 0);
	ck_assert_uint_eq(t_out.n, 2);
	ck_assert_int_eq(t_get("loop1")->type, 'b');
	t_mounted_minor = 1;
	t_refused(true, POLICY_GPUS_NONE,
		  "/dev/loop1 (b 7:1) holds a file system mounted on this host", "/dev/loop*");
}
END_TEST

START_TEST(denied_and_odd)
{
	t_refused(false, POLICY_GPUS_NONE, "/dev/evil (c 1:1) can never be allowed (kernel memory)",
		  "/dev/evil");
	t_refused(false, POLICY_GPUS_NONE, "/dev/evil (c 1:1) can never be allowed", "/dev/e*");
	t_refused(false, POLICY_GPUS_NONE, "/dev/link is not a device node", "/dev/link");
	t_refused(false, POLICY_GPUS_NONE, "/dev/file is not a device node", "?/dev/file");
	t_refused(false, POLICY_GPUS_NONE, "/dev/li*: matches no device", "/dev/li*");
	t_refused(false, POLICY_GPUS_NONE, "/dev/open is writable by others", "/dev/open/x");
	t_refused(false, POLICY_GPUS_NONE, "/dev/open is writable by others", "/dev/open/*");
}
END_TEST

START_TEST(gpus_all)
{
	static const char *const want[] = {
		"nvidia0",    "nvidia1",	  "dri/renderD128", "nvidiactl",
		"nvidia-uvm", "nvidia-uvm-tools", "nvidia-modeset", "nvidia-caps/nvidia-cap1",
	};
	size_t i;

	ck_assert_int_eq(t_select(false, POLICY_GPUS_ALL, NULL), 0);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ck_assert_msg(t_find(want[i]) != NULL, "%s missing", want[i]);
	ck_assert_uint_eq(t_out.n, sizeof(want) / sizeof(want[0]));
	ck_assert_ptr_null(t_find("nvidia0x"));
	ck_assert_ptr_null(t_find("dri/card0"));
	ck_assert_uint_eq(t_get("dri/renderD128")->mode, 0666);
	ck_assert_uint_eq(t_get("nvidia-uvm")->major, 511);
	/* with allow = too: no duplicates */
	ck_assert_int_eq(t_select(false, POLICY_GPUS_ALL, T_ENTRIES("/dev/nvidia0", "/dev/fuse")), 0);
	ck_assert_uint_eq(t_out.n, sizeof(want) / sizeof(want[0]) + 1);
}
END_TEST

START_TEST(gpus_scheduler)
{
	static const char *const job[] = { "nvidia1", "nvidiactl", "nvidia-uvm", NULL };

	t_allowed = job;
	ck_assert_int_eq(t_select(false, POLICY_GPUS_SCHEDULER, NULL), 0);
	ck_assert_uint_eq(t_out.n, 3);
	ck_assert_ptr_nonnull(t_find("nvidia1"));
	ck_assert_ptr_nonnull(t_find("nvidiactl"));
	ck_assert_ptr_nonnull(t_find("nvidia-uvm"));
	ck_assert_ptr_null(t_find("nvidia0"));
	ck_assert_ptr_null(t_find("dri/renderD128"));
	/* a job without GPUs: control nodes alone are not given */
	static const char *const none[] = { "nvidiactl", "nvidia-uvm", NULL };
	t_allowed = none;
	ck_assert_int_eq(t_select(false, POLICY_GPUS_SCHEDULER, NULL), 0);
	ck_assert_uint_eq(t_out.n, 0);
	ck_assert_uint_eq(t_out.n_warn, 1);
	ck_assert_msg(strstr(t_out.warn[0], "allows no GPU") != NULL, "%s", t_out.warn[0]);
}
END_TEST

START_TEST(gpus_none_here)
{
	char p[256];

	/* A host without GPUs: gpus = all is refused with one line. */
	snprintf(p, sizeof(p), "rm -rf %s/nvidia* %s/dri", t_root, t_root);
	ck_assert_int_eq(system(p), 0);
	t_refused(false, POLICY_GPUS_ALL, "gpus = all: this host has no GPU", "/dev/fuse");
	ck_assert_int_eq(t_select(false, POLICY_GPUS_SCHEDULER, T_ENTRIES("/dev/fuse")), 0);
	ck_assert_uint_eq(t_out.n, 1);
}
END_TEST

START_TEST(untrusted_root)
{
	struct nsr_err err = { 0 };
	int fd = -1;
	char p[256];

	snprintf(p, sizeof(p), "%s/open", t_root);
	ck_assert_int_eq(dev_open_root(p, &fd, &err), -1);
	ck_assert_msg(strstr(err.msg, "writable by others") != NULL, "%s", err.msg);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dev-select");
	TCase *t = tcase_create("select");

	if (geteuid() != 0) {
		/* mknod needs root; CI runs the unit suites as root. */
		printf("1..0 # SKIP the fake /dev needs root (mknod)\n");
		return 0;
	}
	tcase_add_checked_fixture(t, t_setup, t_teardown);
	tcase_add_test(t, literal);
	tcase_add_test(t, missing_and_optional);
	tcase_add_test(t, block);
	tcase_add_test(t, denied_and_odd);
	tcase_add_test(t, gpus_all);
	tcase_add_test(t, gpus_scheduler);
	tcase_add_test(t, gpus_none_here);
	tcase_add_test(t, untrusted_root);
	suite_add_tcase(s, t);
	return nsr_ck_run(s, CK_FORK);
}
