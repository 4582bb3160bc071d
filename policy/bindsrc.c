// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Bind sources a policy may never name, decided on an opened fd (fstatfs
 * and fstat, never by the name, which symlinks and bind mounts can
 * disguise): the kernel's own file systems (procfs would show the box
 * every host process, sysfs and cgroupfs the host's devices and cgroups,
 * devpts the host's terminals), the host's / and the host's /dev (device
 * nodes reach a box through nsrun's own /dev only), and a directory with
 * a mount of one of those below it (binds are recursive; the mount table
 * is the kernel's /proc/self/mountinfo, the path the fd's own, as the
 * kernel resolved it). Used by nsrun --check
 * (with the caller's own privilege) and again at every start on the fd
 * that is then mounted. No privilege of its own.
 */
#include "config.h"

#include "policy.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#ifndef BINFMTFS_MAGIC
#define BINFMTFS_MAGIC 0x42494e4d
#endif
#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

static const struct {
	unsigned long magic;
	const char *name;
} kernel_fs[] = {
	{ PROC_SUPER_MAGIC, "on procfs" },
	{ SYSFS_MAGIC, "on sysfs" },
	{ CGROUP_SUPER_MAGIC, "on cgroupfs" },
	{ CGROUP2_SUPER_MAGIC, "on cgroup2" },
	{ DEVPTS_SUPER_MAGIC, "on devpts" },
	{ DEBUGFS_MAGIC, "on debugfs" },
	{ TRACEFS_MAGIC, "on tracefs" },
	{ SECURITYFS_MAGIC, "on securityfs" },
	{ BPF_FS_MAGIC, "on bpf" },
	{ PSTOREFS_MAGIC, "on pstore" },
	{ EFIVARFS_MAGIC, "on efivarfs" },
	{ BINFMTFS_MAGIC, "on binfmt_misc" },
	{ NSFS_MAGIC, "on nsfs" },
};

/* The same kinds by name, for the mounts below a source (the bind is
 * recursive, so they come along): /proc/self/mountinfo's fstype field. */
static const struct {
	const char *type;
	const char *why;
} kernel_types[] = {
	{ "proc", "above a mount of procfs" },
	{ "sysfs", "above a mount of sysfs" },
	{ "cgroup", "above a mount of cgroupfs" },
	{ "cgroup2", "above a mount of cgroup2" },
	{ "devpts", "above a mount of devpts" },
	{ "devtmpfs", "above a mount of the host's /dev" },
	{ "debugfs", "above a mount of debugfs" },
	{ "tracefs", "above a mount of tracefs" },
	{ "securityfs", "above a mount of securityfs" },
	{ "bpf", "above a mount of bpf" },
	{ "pstore", "above a mount of pstore" },
	{ "efivarfs", "above a mount of efivarfs" },
	{ "binfmt_misc", "above a mount of binfmt_misc" },
	{ "nsfs", "above a mount of nsfs" },
};

/* mountinfo writes ' ', '\t', '\n' and '\\' as octal escapes. */
static void mi_escape(const char *in, char *out, size_t sz)
{
	size_t o = 0;

	for (; *in && o + 5 < sz; in++) {
		if (*in == ' ' || *in == '\t' || *in == '\n' || *in == '\\')
			o += (size_t)snprintf(out + o, sz - o, "\\%03o", (unsigned char)*in);
		else
			out[o++] = *in;
	}
	out[o] = '\0';
}

/* A mount of a refused kind at or below the fd's path: it would come
 * along with the recursive bind. NULL when none. */
static const char *refused_below(int fd)
{
	char link[64], path[4096], esc[4096 * 4 + 1], line[8192];
	const char *why = NULL;
	ssize_t n;
	size_t plen;
	FILE *f;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0 || path[0] != '/')
		return "not examinable";
	path[n] = '\0';
	mi_escape(path, esc, sizeof(esc));
	plen = strcmp(esc, "/") == 0 ? 0 : strlen(esc);
	f = fopen("/proc/self/mountinfo", "re");
	if (f == NULL)
		return "not examinable";
	while (why == NULL && fgets(line, sizeof(line), f) != NULL) {
		char mp[4096], type[64];
		const char *sep = strstr(line, " - ");

		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT ... - TYPE SOURCE OPTS */
		if (sep == NULL || sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1 ||
		    sscanf(sep + 3, "%63s", type) != 1)
			continue;
		if (strncmp(mp, esc, plen) != 0 || (mp[plen] != '/' && mp[plen] != '\0'))
			continue;
		for (size_t i = 0; i < sizeof(kernel_types) / sizeof(kernel_types[0]); i++)
			if (strcmp(type, kernel_types[i].type) == 0)
				why = kernel_types[i].why;
	}
	fclose(f);
	return why;
}

const char *policy_bind_source_refused(int fd)
{
	struct statfs sfs;
	struct stat st, root, dev;
	size_t i;

	if (fstatfs(fd, &sfs) < 0 || fstat(fd, &st) < 0)
		return "not examinable";
	for (i = 0; i < sizeof(kernel_fs) / sizeof(kernel_fs[0]); i++)
		if ((unsigned long)sfs.f_type == kernel_fs[i].magic)
			return kernel_fs[i].name;
	if (stat("/", &root) < 0 || stat("/dev", &dev) < 0)
		return "not examinable";
	if (st.st_dev == root.st_dev && st.st_ino == root.st_ino)
		return "the host's /";
	/* The host's /dev: the directory itself, or anything on its own
	 * mount (devtmpfs reports tmpfs's magic, so decide by device). */
	if ((st.st_dev == dev.st_dev && st.st_ino == dev.st_ino) ||
	    (dev.st_dev != root.st_dev && st.st_dev == dev.st_dev))
		return "the host's /dev";
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		return "a device node";
	return S_ISDIR(st.st_mode) ? refused_below(fd) : NULL;
}
