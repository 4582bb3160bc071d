// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nsrun-probe devices [--scan DIR]...: every device node in the box's /dev
 * (three levels deep, not pts/ or shm/) as `dev=REL TYPE MAJ:MIN ERRNO`,
 * then the device nodes under each DIR (a bind the policy made) as
 * `bound=PATH TYPE MAJ:MIN ERRNO`. ERRNO is 0 when the node opened
 * read-write or read-only, else the errno of the read-write open. Then
 * ready=1; after a line on stdin (the harness looks from the host
 * meanwhile) done=1. Opens nodes as the box's unprivileged user; reads
 * and writes nothing through them.
 */
#include "config.h"

#include "probe.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int probe_dev_open(const char *path)
{
	int fd = open(path, O_RDWR | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	int e;

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	e = errno;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return e;
}

/* path: the directory; shown: its name in the output ("" for /dev). */
static void probe_dev_walk(const char *key, const char *path, const char *shown, int depth)
{
	DIR *d = opendir(path);
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char full[1024], name[1024];
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (depth == 0 && strcmp(key, "dev") == 0 &&
		    (strcmp(e->d_name, "pts") == 0 || strcmp(e->d_name, "shm") == 0))
			continue;
		snprintf(full, sizeof(full), "%s/%s", path, e->d_name);
		snprintf(name, sizeof(name), "%s%s%s", shown, shown[0] ? "/" : "", e->d_name);
		if (lstat(full, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode) && depth < 2)
			probe_dev_walk(key, full, name, depth + 1);
		else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
			probe_out(key, "%s %c %u:%u %d", name, S_ISCHR(st.st_mode) ? 'c' : 'b',
				  major(st.st_rdev), minor(st.st_rdev), probe_dev_open(full));
	}
	closedir(d);
}

int probe_devices(int argc, char **argv)
{
	int i;

	probe_dev_walk("dev", "/dev", "", 0);
	for (i = 0; i + 1 < argc; i += 2)
		if (strcmp(argv[i], "--scan") == 0)
			probe_dev_walk("bound", argv[i + 1], argv[i + 1], 0);
	probe_out("ready", "1");
	probe_out("go", "%d", probe_wait_go(120) == 0);
	probe_out("done", "1");
	return 0;
}
