// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The device nodes no policy may ever give a box (nsrun.policy(5),
 * [devices]): kernel memory and ports, CPU registers and microcode, host
 * power and hibernation, device-mapper and loop control, raw SCSI/NVMe
 * command passthrough, the host's consoles, input and framebuffer. Known
 * by path (globs over /dev) and, where the kernel fixes them, by device
 * number, so a renamed node is caught too. Pure tables; no privilege.
 */
#include "config.h"

#include "internal.h"

#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

/* A path rule: glob below /dev, whether it is about character devices
 * only ('c') or any type (0), why, and names it must be seen to catch
 * (a glob in a policy is refused when it matches one of them). */
struct devices_path_rule {
	const char *glob;
	char type;
	const char *why;
	const char *samples[4];
};

static const struct devices_path_rule devices_paths[] = {
	{ "mem", 0, "physical memory", { "mem" } },
	{ "kmem", 0, "kernel memory", { "kmem" } },
	{ "port", 0, "I/O ports", { "port" } },
	{ "kmsg", 0, "the kernel log", { "kmsg" } },
	{ "oldmem", 0, "the crashed kernel's memory", { "oldmem" } },
	{ "core", 0, "kernel memory", { "core" } },
	{ "cpu", 0, "CPU registers and microcode", { "cpu" } },
	{ "cpu/*", 0, "CPU registers and microcode", { "cpu/microcode", "cpu/0" } },
	{ "cpu/*/*", 0, "CPU registers and microcode", { "cpu/0/msr", "cpu/0/cpuid" } },
	{ "cpu_dma_latency", 0, "host power management", { "cpu_dma_latency" } },
	{ "snapshot", 0, "hibernation images of host memory", { "snapshot" } },
	{ "watchdog*", 0, "host reboot", { "watchdog", "watchdog0" } },
	{ "nvram", 0, "firmware settings", { "nvram" } },
	{ "mcelog", 0, "machine check state", { "mcelog" } },
	{ "mapper/control", 0, "device-mapper control", { "mapper/control" } },
	{ "btrfs-control", 0, "file system control", { "btrfs-control" } },
	{ "loop-control", 0, "creating block devices", { "loop-control" } },
	{ "uinput", 0, "injecting input into host sessions", { "uinput" } },
	{ "input/*", 0, "host input devices", { "input/event0", "input/mice", "input/uinput" } },
	{ "uhid", 0, "injecting input into host sessions", { "uhid" } },
	{ "console", 0, "the host console", { "console" } },
	{ "tty[0-9]*", 0, "host virtual consoles", { "tty0", "tty1", "tty63" } },
	{ "vcs*", 0, "host console screens", { "vcs", "vcs1", "vcsa1", "vcsu1" } },
	{ "fb[0-9]*", 0, "host framebuffers", { "fb0" } },
	{ "sg[0-9]*", 0, "raw SCSI commands to host disks", { "sg0" } },
	{ "bsg", 0, "raw SCSI commands to host disks", { "bsg" } },
	{ "bsg/*", 0, "raw SCSI commands to host disks", { "bsg/0:0:0:0" } },
	{ "ng[0-9]*", 0, "raw NVMe commands to host disks", { "ng0n1" } },
	{ "nvme[0-9]*", 'c', "NVMe controller commands", { "nvme0" } },
};

/* Character devices the kernel numbers statically (devices.txt). */
struct devices_num_rule {
	unsigned major, minor_lo, minor_hi;
	const char *why;
};

static const struct devices_num_rule devices_nums[] = {
	{ 1, 1, 2, "kernel memory" },	       /* mem, kmem */
	{ 1, 4, 4, "I/O ports" },	       /* port */
	{ 1, 6, 6, "kernel memory" },	       /* core */
	{ 1, 11, 12, "the kernel log" },       /* kmsg, oldmem */
	{ 4, 0, 63, "host virtual consoles" }, /* tty0..tty63 */
	{ 5, 1, 1, "the host console" },
	{ 7, 0, 0xfffff, "host console screens" }, /* vcs* */
	{ 10, 130, 130, "host reboot" },	   /* watchdog */
	{ 10, 144, 144, "firmware settings" },	   /* nvram */
	{ 10, 184, 184, "CPU microcode" },
	{ 10, 223, 223, "injecting input into host sessions" }, /* uinput */
	{ 10, 227, 227, "machine check state" },
	{ 10, 231, 231, "hibernation images of host memory" },
	{ 10, 234, 234, "file system control" },
	{ 10, 236, 236, "device-mapper control" },
	{ 10, 237, 237, "creating block devices" },
	{ 10, 239, 239, "injecting input into host sessions" }, /* uhid */
	{ 13, 0, 0xfffff, "host input devices" },
	{ 21, 0, 0xfffff, "raw SCSI commands to host disks" },
	{ 29, 0, 0xfffff, "host framebuffers" },
	{ 202, 0, 0xfffff, "CPU registers" }, /* cpu/N/msr */
	{ 203, 0, 0xfffff, "CPU registers" }, /* cpu/N/cpuid */
};

/* The six nodes of every box, and its ptmx (a link to its own devpts):
 * a policy cannot add them again. */
static const char *const devices_minimal[] = {
	"null", "zero", "full", "random", "urandom", "tty", "ptmx",
};

static bool devices_match(const char *glob, const char *rel)
{
	return fnmatch(glob, rel, FNM_PATHNAME | FNM_PERIOD) == 0;
}

const char *policy_dev_denied(const char *rel, char type, unsigned major, unsigned minor)
{
	size_t i;

	for (i = 0; i < NSR_ARRAY_SIZE(devices_paths); i++) {
		const struct devices_path_rule *r = &devices_paths[i];

		if ((r->type == 0 || type == 0 || r->type == type) && devices_match(r->glob, rel))
			return r->why;
	}
	if (type != 'c')
		return NULL;
	for (i = 0; i < NSR_ARRAY_SIZE(devices_nums); i++) {
		const struct devices_num_rule *r = &devices_nums[i];

		if (major == r->major && minor >= r->minor_lo && minor <= r->minor_hi)
			return r->why;
	}
	return NULL;
}

const char *policy_dev_glob_denied(const char *glob, const char **sample)
{
	size_t i, j;

	for (i = 0; i < NSR_ARRAY_SIZE(devices_paths); i++) {
		const struct devices_path_rule *r = &devices_paths[i];

		for (j = 0; j < NSR_ARRAY_SIZE(r->samples) && r->samples[j]; j++) {
			if (devices_match(glob, r->samples[j])) {
				*sample = r->samples[j];
				return r->why;
			}
		}
	}
	return NULL;
}

bool policy_dev_minimal(const char *rel)
{
	size_t i;

	for (i = 0; i < NSR_ARRAY_SIZE(devices_minimal); i++)
		if (strcmp(rel, devices_minimal[i]) == 0)
			return true;
	return false;
}
