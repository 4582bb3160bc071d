// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host-side observation for the checks: namespaces, mountinfo, interfaces,
 * the process table. Runs as root and only reads /proc; what it reads of
 * other processes is used for comparison, never executed or trusted.
 */
#include "config.h"

#include "host.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mountinfo.h"
#include "util.h"

int host_ns(const char *name, char *buf, size_t sz)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	n = readlink(path, buf, sz - 1);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

char *host_mountinfo(void)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	nsr_cleanup_fd int fd = nsr_openat(AT_FDCWD, "/proc/self/mountinfo", O_RDONLY, 0);
	ssize_t r;

	if (buf == NULL || fd < 0) {
		free(buf);
		return NULL;
	}
	while ((r = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)r;
		if (cap - len < 4096 && cap < (64u << 20)) {
			char *n = realloc(buf, cap * 2);
			if (n == NULL)
				break;
			buf = n;
			cap *= 2;
		}
	}
	buf[len] = '\0';
	return buf;
}

/* Field 5 of a mountinfo line (the mount point), into mp. */
static void host_mountpoint(const char *line, size_t len, char *mp, size_t sz)
{
	size_t i = 0, field = 0, n = 0;

	for (; i < len && field < 4; i++)
		field += line[i] == ' ';
	while (i < len && line[i] != ' ' && n + 1 < sz)
		mp[n++] = line[i++];
	mp[n] = '\0';
}

static bool host_has_line(const char *text, const char *line, size_t len)
{
	const char *p = text;

	while (*p != '\0') {
		size_t n = strcspn(p, "\n");

		if (n == len && memcmp(p, line, len) == 0)
			return true;
		p += n;
		if (*p == '\n')
			p++;
	}
	return false;
}

size_t host_mount_diff(const char *before, const char *now, const char *under, char *out, size_t outsz)
{
	size_t count = 0, used = strlen(out);
	const char *l = now;

	while (*l != '\0') {
		size_t len = strcspn(l, "\n");
		char mp[4096];

		host_mountpoint(l, len, mp, sizeof(mp));
		if (!host_has_line(before, l, len) &&
		    (under == NULL || strncmp(mp, under, strlen(under)) == 0)) {
			count++;
			if (used + len + 2 < outsz) {
				memcpy(out + used, l, len);
				used += len;
				out[used++] = '\n';
				out[used] = '\0';
			}
		}
		l += len;
		if (*l == '\n')
			l++;
	}
	return count;
}

int host_ifaces(char *buf, size_t sz)
{
	FILE *f = fopen("/proc/net/dev", "re");
	char line[512];
	int n = 0;

	buf[0] = '\0';
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *colon = strchr(line, ':');
		char *name = line + strspn(line, " ");
		size_t used = strlen(buf);

		if (++n <= 2 || colon == NULL)
			continue;
		*colon = '\0';
		snprintf(buf + used, sz - used, "%s%s", used ? " " : "", name);
	}
	fclose(f);
	return 0;
}

size_t host_procs_with(const char *token, char *out, size_t outsz)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	size_t count = 0;

	out[0] = '\0';
	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		char path[300], cmd[4096];
		ssize_t n, i;
		size_t used;

		if (!isdigit((unsigned char)e->d_name[0]) || atol(e->d_name) == (long)getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
		n = nsr_read_file(AT_FDCWD, path, cmd, sizeof(cmd));
		if (n <= 0)
			continue;
		for (i = 0; i < n; i++)
			if (cmd[i] == '\0')
				cmd[i] = ' ';
		if (strstr(cmd, token) == NULL)
			continue;
		count++;
		used = strlen(out);
		snprintf(out + used, outsz - used, "%s%s", used ? " " : "", e->d_name);
	}
	closedir(d);
	return count;
}

/* The ppid of a host pid, from /proc/PID/stat (after the comm's ')'). */
static pid_t host_ppid(const char *pid)
{
	char path[300], stat[1024];
	const char *p;
	long ppid;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	if (nsr_read_file(AT_FDCWD, path, stat, sizeof(stat)) <= 0 ||
	    (p = strrchr(stat, ')')) == NULL || sscanf(p + 1, " %*c %ld", &ppid) != 1)
		return -1;
	return (pid_t)ppid;
}

size_t host_descendants(pid_t pid, pid_t *out, size_t max)
{
	size_t n = 0, scanned = 0;
	bool grew = true;

	/* A few passes: each adds the children of what is known so far. */
	while (grew && n < max) {
		DIR *d = opendir("/proc");
		struct dirent *e;

		grew = false;
		if (d == NULL)
			break;
		while ((e = readdir(d)) != NULL && n < max) {
			pid_t p, pp;
			size_t i;
			bool known = false, parent = false;

			if (!isdigit((unsigned char)e->d_name[0]))
				continue;
			p = (pid_t)atol(e->d_name);
			pp = host_ppid(e->d_name);
			for (i = 0; i < n; i++) {
				known = known || out[i] == p;
				parent = parent || out[i] == pp;
			}
			if (!known && (pp == pid || parent)) {
				out[n++] = p;
				grew = true;
			}
		}
		closedir(d);
		if (++scanned > 6)
			break;
	}
	return n;
}

pid_t host_box_pid(pid_t pid, const char *comm)
{
	pid_t kids[256];
	size_t n = host_descendants(pid, kids, NSR_ARRAY_SIZE(kids)), i;
	char mine[128];

	if (host_ns("mnt", mine, sizeof(mine)) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		char path[64], name[64] = "", ns[128];
		ssize_t len;

		snprintf(path, sizeof(path), "/proc/%ld/comm", (long)kids[i]);
		if (nsr_read_file(AT_FDCWD, path, name, sizeof(name)) <= 0)
			continue;
		name[strcspn(name, "\n")] = '\0';
		snprintf(path, sizeof(path), "/proc/%ld/ns/mnt", (long)kids[i]);
		len = readlink(path, ns, sizeof(ns) - 1);
		if (len <= 0 || strcmp(name, comm) != 0)
			continue;
		ns[len] = '\0';
		if (strcmp(ns, mine) != 0)
			return kids[i];
	}
	return -1;
}

/* The mount of a v1 hierarchy with the controller (v2: the cgroup2 mount). */
static int host_cgroup_mount(const char *controller, bool v2, struct mi_entry *out)
{
	nsr_cleanup_free char *mi = host_mountinfo();
	const char *l;

	if (mi == NULL)
		return -1;
	for (l = mi; *l != '\0'; l += strcspn(l, "\n"), l += *l == '\n') {
		if (mi_parse(l, strcspn(l, "\n"), out) < 0)
			continue;
		if (v2 ? strcmp(out->fstype, "cgroup2") == 0 :
			 strcmp(out->fstype, "cgroup") == 0 && mi_has_word(out->superopts, controller))
			return 0;
	}
	return -1;
}

int host_cgroup_dir(pid_t pid, const char *controller, char *out, size_t sz, bool *v2)
{
	nsr_cleanup_free struct mi_entry *m = calloc(1, sizeof(*m));
	char path[64], text[8192], cg[4096] = "";
	const char *l, *rel;
	bool found = false;

	*v2 = false;
	snprintf(path, sizeof(path), "/proc/%ld/cgroup", (long)pid);
	if (m == NULL || nsr_read_file(AT_FDCWD, path, text, sizeof(text)) <= 0)
		return -1;
	/* "ID:CONTROLLERS:PATH"; a v1 hierarchy with the controller wins. */
	for (l = text; *l != '\0' && !found; l += strcspn(l, "\n"), l += *l == '\n') {
		char ctrl[256];

		if (sscanf(l, "%*[^:]:%255[^:]:%4095[^\n]", ctrl, cg) == 2 &&
		    mi_has_word(ctrl, controller))
			found = true;
	}
	for (l = text; *l != '\0' && !found; l += strcspn(l, "\n"), l += *l == '\n')
		if (strncmp(l, "0::", 3) == 0 && sscanf(l + 3, "%4095[^\n]", cg) == 1)
			found = *v2 = true;
	if (!found || host_cgroup_mount(controller, *v2, m) < 0)
		return -1;
	/* The hierarchy may be mounted from below its root. */
	rel = cg;
	if (strcmp(m->root, "/") != 0) {
		if (!mi_under(cg, m->root))
			return -1;
		rel = cg + strlen(m->root);
	}
	return nsr_fmt(out, sz, "%s%s", m->point, strcmp(rel, "/") == 0 ? "" : rel);
}
