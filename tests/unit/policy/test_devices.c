// SPDX-License-Identifier: GPL-2.0-or-later
/* [devices]: allow =, allow_block =, gpus =, the fixed deny list (by
 * name, by glob, by number), each refusal with its line. Literal entries
 * are also checked against this host's /dev (/dev/net is a directory,
 * /dev/loop0 a block device on every Debian machine with loop). No
 * privilege. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "fixture.h"
#include "internal.h"

/* FX_HEAD + "[devices]\n" + body: the body starts on line 4. */
static int dx_parse(const char *body)
{
	static char text[16384];

	snprintf(text, sizeof(text), FX_HEAD "[devices]\n%s", body);
	return fx_parse(text);
}

#define dx_ok(body) ck_assert_msg(dx_parse(body) == 0, "%s", fx_dump())
#define dx_bad(body, line, sub)                                                                   \
	do {                                                                                      \
		ck_assert_int_eq(dx_parse(body), -1);                                             \
		ck_assert_msg(fx_has(line, sub), "want %u \"%s\"; got %s", (unsigned)(line), sub, \
			      fx_dump());                                                         \
	} while (0)

START_TEST(accepted)
{
	const struct policy_devices *d = &fx_pol.devices;

	dx_ok("allow = /dev/fuse, ?/dev/kvm,/dev/dri/renderD*\n"
	      "allow = /dev/net/tun ; repeatable\n"
	      "allow = ?/dev/nvidia[0-9]*\n"
	      "gpus = scheduler\n");
	ck_assert_uint_eq(d->n_allow, 5);
	ck_assert_str_eq(d->allow[0].path, "/dev/fuse");
	ck_assert(!d->allow[0].optional && !d->allow[0].glob);
	ck_assert_uint_eq(d->allow[0].line, 4);
	ck_assert_str_eq(d->allow[1].path, "/dev/kvm");
	ck_assert(d->allow[1].optional && !d->allow[1].glob);
	ck_assert_str_eq(d->allow[2].path, "/dev/dri/renderD*");
	ck_assert(!d->allow[2].optional && d->allow[2].glob);
	ck_assert_str_eq(d->allow[3].path, "/dev/net/tun");
	ck_assert_uint_eq(d->allow[3].line, 5);
	ck_assert(d->allow[4].optional && d->allow[4].glob);
	ck_assert_int_eq(d->gpus, POLICY_GPUS_SCHEDULER);
	ck_assert(!d->allow_block);

	dx_ok("gpus = all\n");
	ck_assert_int_eq(d->gpus, POLICY_GPUS_ALL);
	ck_assert_uint_eq(d->n_allow, 0);
	dx_ok("gpus = none\n");
	ck_assert_int_eq(d->gpus, POLICY_GPUS_NONE);
	dx_ok("allow = /dev/loop0\nallow_block = yes\n");
	ck_assert(d->allow_block);
	ck_assert(d->present);
	/* An empty [devices]: present (the box gets device rules). */
	dx_ok("");
	ck_assert(d->present && d->n_allow == 0);
	/* No [devices] at all: nothing, gpus none. */
	fx_assert_ok(FX_HEAD);
	ck_assert(!fx_pol.devices.present);
	ck_assert_uint_eq(fx_pol.devices.n_allow, 0);
	ck_assert_int_eq(fx_pol.devices.gpus, POLICY_GPUS_NONE);
}
END_TEST

START_TEST(fixed_deny_list)
{
	dx_bad("allow = /dev/mem\n", 4, "/dev/mem can never be allowed (physical memory)");
	dx_bad("allow = /dev/kmem\n", 4, "/dev/kmem can never be allowed");
	dx_bad("allow = /dev/port\n", 4, "/dev/port can never be allowed");
	dx_bad("allow = /dev/kmsg\n", 4, "/dev/kmsg can never be allowed");
	dx_bad("allow = /dev/cpu/0/msr\n", 4, "/dev/cpu/0/msr can never be allowed");
	dx_bad("allow = /dev/cpu/microcode\n", 4, "can never be allowed (CPU");
	dx_bad("allow = /dev/snapshot\n", 4, "can never be allowed");
	dx_bad("allow = /dev/mapper/control\n", 4, "device-mapper control");
	dx_bad("allow = /dev/uinput\n", 4, "injecting input");
	dx_bad("allow = /dev/input/event3\n", 4, "host input devices");
	dx_bad("allow = /dev/sg1\n", 4, "raw SCSI");
	dx_bad("allow = /dev/bsg/0:0:0:0\n", 4, "raw SCSI");
	dx_bad("allow = /dev/nvme0\n", 4, "NVMe controller");
	dx_bad("allow = /dev/ng0n1\n", 4, "raw NVMe");
	dx_bad("allow = /dev/tty3\n", 4, "virtual consoles");
	dx_bad("allow = /dev/console\n", 4, "the host console");
	dx_bad("allow = /dev/watchdog0\n", 4, "host reboot");
	dx_bad("allow = /dev/loop-control\n", 4, "creating block devices");
	/* Optional does not help, and one bad element fails the line. */
	dx_bad("allow = /dev/fuse, ?/dev/mem\n", 4, "/dev/mem can never be allowed");
	/* Globs that could reach a denied node. */
	dx_bad("allow = /dev/*\n", 4, "\"/dev/*\" would match /dev/mem");
	dx_bad("allow = /dev/k*\n", 4, "would match /dev/kmem");
	dx_bad("allow = /dev/cpu/*\n", 4, "would match /dev/cpu/microcode");
	dx_bad("allow = /dev/tty*\n", 4, "would match /dev/tty0");
	dx_bad("allow = /dev/sg?\n", 4, "would match /dev/sg0");
	dx_bad("allow = /dev/input/*\n", 4, "would match /dev/input/event0");
	dx_bad("allow = /dev/nvme*\n", 4, "would match /dev/nvme0");
	dx_bad("allow = /dev/wat[c]hdog\n", 4, "would match /dev/watchdog");
	/* Not the minimal set either. */
	dx_bad("allow = /dev/null\n", 4, "/dev/null is in every box already");
	dx_bad("allow = /dev/ptmx\n", 4, "/dev/ptmx is in every box already");
	/* But a disk family with allow_block is the admin's choice, and the
	 * NVMe namespaces are block devices. */
	dx_ok("allow = ?/dev/nvme0n*\nallow_block = yes\n");
}
END_TEST

START_TEST(deny_by_number)
{
	const char *s = NULL;

	/* A node renamed by someone is caught by its number. */
	ck_assert_ptr_nonnull(policy_dev_denied("fancy", 'c', 1, 1));
	ck_assert_ptr_nonnull(policy_dev_denied("fancy", 'c', 1, 2));
	ck_assert_ptr_nonnull(policy_dev_denied("fancy", 'c', 1, 4));
	ck_assert_ptr_nonnull(policy_dev_denied("fancy", 'c', 1, 11));
	ck_assert_ptr_nonnull(policy_dev_denied("fancy", 'c', 202, 0));
	ck_assert_ptr_nonnull(policy_dev_denied("fancy", 'c', 10, 231));
	ck_assert_ptr_nonnull(policy_dev_denied("fancy", 'c', 21, 7));
	ck_assert_ptr_nonnull(policy_dev_denied("fancy", 'c', 4, 1));
	/* Nodes a box may have. */
	ck_assert_ptr_null(policy_dev_denied("fuse", 'c', 10, 229));
	ck_assert_ptr_null(policy_dev_denied("net/tun", 'c', 10, 200));
	ck_assert_ptr_null(policy_dev_denied("kvm", 'c', 10, 232));
	ck_assert_ptr_null(policy_dev_denied("nvidia0", 'c', 195, 0));
	ck_assert_ptr_null(policy_dev_denied("nvidiactl", 'c', 195, 255));
	ck_assert_ptr_null(policy_dev_denied("dri/renderD128", 'c', 226, 128));
	ck_assert_ptr_null(policy_dev_denied("loop0", 'b', 7, 0));
	/* pty slaves (4:64+ are serial ports, not consoles) and 1:3 null. */
	ck_assert_ptr_null(policy_dev_denied("ttyS0", 'c', 4, 64));
	/* Block devices are not judged by character numbers; nvme0 the
	 * controller is a character device, nvme0n1 a block one. */
	ck_assert_ptr_null(policy_dev_denied("x", 'b', 1, 1));
	ck_assert_ptr_nonnull(policy_dev_denied("nvme0", 'c', 240, 0));
	ck_assert_ptr_null(policy_dev_denied("nvme0n1", 'b', 259, 0));
	ck_assert_ptr_null(policy_dev_glob_denied("nvidia*", &s));
	ck_assert_ptr_null(policy_dev_glob_denied("dri/renderD*", &s));
	ck_assert(policy_dev_minimal("tty") && policy_dev_minimal("urandom"));
	ck_assert(policy_dev_minimal("ptmx") && !policy_dev_minimal("fuse"));
	ck_assert(!policy_dev_minimal("nul") && !policy_dev_minimal("pts/0"));
}
END_TEST

START_TEST(bad_values)
{
	dx_bad("allow = /etc/passwd\n", 4, "\"/etc/passwd\" is not below /dev");
	dx_bad("allow = dev/fuse\n", 4, "is not below /dev");
	dx_bad("allow = /dev\n", 4, "is not below /dev");
	dx_bad("allow = /dev/\n", 4, "not a normalised path below /dev");
	dx_bad("allow = /dev/../etc/shadow\n", 4, "not a normalised path");
	dx_bad("allow = /dev/net/../mem\n", 4, "not a normalised path");
	dx_bad("allow = /dev//fuse\n", 4, "not a normalised path");
	dx_bad("allow = /dev/net/\n", 4, "not a normalised path");
	dx_bad("allow = /dev/.hidden\n", 4, "not a normalised path");
	dx_bad("allow = /dev/a/b/c/d\n", 4, "at most 3 levels");
	dx_bad("allow = /dev/dri*/renderD128\n", 4, "a glob only in the last");
	dx_bad("allow = /dev/render[D\n", 4, "not a normalised path");
	dx_bad("allow = /dev/fu$e\n", 4, "not a normalised path");
	dx_bad("allow = ?\?/dev/fuse\n", 4, "is not below /dev");
	dx_bad("allow = /dev/shm/x\n", 4, "/dev/shm holds no devices");
	dx_bad("allow = /dev/pts/0\n", 4, "/dev/pts holds no devices");
	dx_bad("allow = /dev/stdin\n", 4, "/dev/stdin holds no devices");
	dx_bad("allow = /dev/fuse,\n", 4, "empty list element");
	dx_bad("allow = /dev/fuse,,/dev/kvm\n", 4, "empty list element");
	dx_bad("allow = /dev/fuse /dev/kvm\n", 4, "bad list element");
	dx_bad("allow = /dev/fuse\nallow = ?/dev/fuse\n", 5, "/dev/fuse already allowed on line 4");
	dx_bad("gpus = some\n", 4, "devices.gpus: \"some\" is not one of none, all, scheduler");
	dx_bad("gpus = all\ngpus = none\n", 5, "repeated key (first on line 4)");
	dx_bad("allow_block = maybe\n", 4, "expected yes or no");
	dx_bad("allow_block = yes\n", 4, "no devices.allow entry");
	dx_bad("alow = /dev/fuse\n", 4, "unknown key \"alow\" in [devices]");
	dx_bad("allow =\n", 4, "empty value");
}
END_TEST

START_TEST(too_many)
{
	char body[8192] = "";
	int i;

	for (i = 0; i <= POLICY_MAX_DEV_ALLOW; i++)
		sprintf(body + strlen(body), "allow = ?/dev/x%d\n", i);
	dx_bad(body, 4 + POLICY_MAX_DEV_ALLOW, "too many entries (at most 32)");
}
END_TEST

/* Literal entries against this host's /dev. */
START_TEST(host_nodes)
{
	struct stat st;

	dx_bad("allow = /dev/net\n", 4, "devices.allow: /dev/net is not a device node");
	dx_bad("allow = ?/dev/net\n", 4, "/dev/net is not a device node");
	if (stat("/dev/loop0", &st) == 0 && S_ISBLK(st.st_mode)) {
		dx_bad("allow = /dev/loop0\n", 4,
		       "/dev/loop0 is a block device: that needs devices.allow_block = yes");
		dx_ok("allow_block = yes\nallow = /dev/loop0\n");
	}
	if (stat("/dev/fuse", &st) == 0 && S_ISCHR(st.st_mode))
		dx_ok("allow = /dev/fuse\n");
	/* Missing nodes are a start-time matter (another host may have them). */
	dx_ok("allow = /dev/nsrun-test-no-such-node\n");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("policy-devices");
	TCase *t = tcase_create("devices");

	tcase_add_test(t, accepted);
	tcase_add_test(t, fixed_deny_list);
	tcase_add_test(t, deny_by_number);
	tcase_add_test(t, bad_values);
	tcase_add_test(t, too_many);
	tcase_add_test(t, host_nodes);
	suite_add_tcase(s, t);
	return fx_run(s);
}
