// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The probe's facts: what a process inside the box can see of itself and of
 * the world. Reads /proc, /sys and the root directory; tries harmless writes
 * only where the harness asks (a file of its own name). Runs unprivileged
 * inside the box; trusts nothing it reads beyond printing it.
 */
#include "config.h"

#include "probe.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "util.h"

#define PROBE_MAX_WRITABLE 16
#define PROBE_MAX_DIRS 24

static const char *const probe_write_dirs[] = {
	"/", "/tmp", "/var/tmp", "/root", "/home", "/mnt", "/opt", "/srv",
};

/* Each line of a small file, under key; lines may be long (mountinfo). */
static void probe_lines(const char *path, const char *key)
{
	FILE *f = fopen(path, "re");
	char line[4096];

	if (f == NULL) {
		probe_out(key, "!%s", strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		probe_out(key, "%s", line);
	}
	fclose(f);
}

/* Uid:/Gid:/Groups:/Cap*:/NoNewPrivs:/Seccomp: from /proc/self/status. */
static void probe_status(void)
{
	static const struct {
		const char *field, *key;
	} map[] = {
		{ "Uid:", "uid" },	   { "Gid:", "gid" },	    { "Groups:", "groups" },
		{ "CapInh:", "capinh" },   { "CapPrm:", "capprm" }, { "CapEff:", "capeff" },
		{ "CapBnd:", "capbnd" },   { "CapAmb:", "capamb" }, { "NoNewPrivs:", "nonewprivs" },
		{ "Seccomp:", "seccomp" },
	};
	FILE *f = fopen("/proc/self/status", "re");
	char line[1024];

	if (f == NULL) {
		probe_out("status", "!%s", strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		size_t i;

		line[strcspn(line, "\n")] = '\0';
		for (i = 0; i < NSR_ARRAY_SIZE(map); i++) {
			size_t n = strlen(map[i].field);
			char *v;

			if (strncmp(line, map[i].field, n) != 0)
				continue;
			v = line + n + strspn(line + n, " \t");
			for (char *p = v; *p; p++)
				if (*p == '\t')
					*p = ' ';
			probe_out(map[i].key, "%s", v);
		}
	}
	fclose(f);
}

/* Every pid visible in /proc with its comm: `proc=PID COMM`. */
static void probe_procs(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	if (d == NULL) {
		probe_out("proc", "!%s", strerror(errno));
		return;
	}
	while ((e = readdir(d)) != NULL) {
		char path[300], comm[64] = "?";
		ssize_t n;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
		n = nsr_read_file(AT_FDCWD, path, comm, sizeof(comm));
		if (n > 0)
			comm[strcspn(comm, "\n")] = '\0';
		probe_out("proc", "%s %s", e->d_name, comm);
	}
	closedir(d);
}

static void probe_namespaces(void)
{
	static const char *const ns[] = { "pid", "mnt", "uts", "ipc", "net", "cgroup" };
	size_t i;

	for (i = 0; i < NSR_ARRAY_SIZE(ns); i++) {
		char path[64], key[32], link[128];
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns[i]);
		snprintf(key, sizeof(key), "ns_%s", ns[i]);
		n = readlink(path, link, sizeof(link) - 1);
		if (n < 0) {
			probe_out(key, "!%s", strerror(errno));
			continue;
		}
		link[n] = '\0';
		probe_out(key, "%s", link);
	}
}

/* Open fds, without the one used to list them. */
static void probe_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	if (d == NULL) {
		probe_out("fd", "!%s", strerror(errno));
		return;
	}
	while ((e = readdir(d)) != NULL) {
		char path[300], target[256];
		ssize_t n;

		if (!isdigit((unsigned char)e->d_name[0]) || atoi(e->d_name) == dirfd(d))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		target[n < 0 ? 0 : n] = '\0';
		probe_out("fd", "%s %s", e->d_name, target);
	}
	closedir(d);
}

static void probe_root(void)
{
	struct statvfs sv;
	DIR *d;
	struct dirent *e;

	if (statvfs("/", &sv) == 0)
		probe_out("root_ro", "%d", (sv.f_flag & ST_RDONLY) ? 1 : 0);
	if (statvfs("/sys", &sv) == 0)
		probe_out("sys_ro", "%d", (sv.f_flag & ST_RDONLY) ? 1 : 0);
	else
		probe_out("sys_ro", "!%s", strerror(errno));
	d = opendir("/");
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			probe_out("rootls", "%s", e->d_name);
	closedir(d);
}

/* Interfaces of this network namespace, from /proc/net/dev. */
static void probe_ifaces(void)
{
	FILE *f = fopen("/proc/net/dev", "re");
	char line[512];
	int n = 0;

	if (f == NULL) {
		probe_out("iface", "!%s", strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *colon = strchr(line, ':');
		char *name = line + strspn(line, " ");

		if (++n <= 2 || colon == NULL)
			continue;
		*colon = '\0';
		probe_out("iface", "%s", name);
	}
	fclose(f);
}

/* Walk /sys/fs/cgroup a few levels down; report files we could write. */
static void probe_cgroup_walk(const char *dir, int depth, int *found)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL && *found < PROBE_MAX_WRITABLE) {
		char path[PATH_MAX];
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path) ||
		    lstat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (depth > 0)
				probe_cgroup_walk(path, depth - 1, found);
		} else if (S_ISREG(st.st_mode) && access(path, W_OK) == 0) {
			/* access() only: the probe never writes a cgroup file. */
			probe_out("cgroup_writable", "%s", path);
			(*found)++;
		}
	}
	closedir(d);
}

static const char *probe_errname(int e)
{
	switch (e) {
	case 0:
		return "ok";
	case ENOENT:
		return "ENOENT";
	case EACCES:
		return "EACCES";
	case EPERM:
		return "EPERM";
	case ESRCH:
		return "ESRCH";
	case EROFS:
		return "EROFS";
	case EEXIST:
		return "EEXIST";
	default:
		return strerror(e);
	}
}

static void probe_ipc_host(long key)
{
	int r;

	r = msgget((key_t)key, 0);
	probe_out("ipc_host_msg", "%s", probe_errname(r < 0 ? errno : 0));
	r = semget((key_t)key, 0, 0);
	probe_out("ipc_host_sem", "%s", probe_errname(r < 0 ? errno : 0));
	r = shmget((key_t)key, 0, 0);
	probe_out("ipc_host_shm", "%s", probe_errname(r < 0 ? errno : 0));
}

void probe_ipc_list(const char *prefix)
{
	static const char *const kind[] = { "msg", "sem", "shm" };
	size_t i;

	for (i = 0; i < NSR_ARRAY_SIZE(kind); i++) {
		char path[64], key[32], line[512];
		FILE *f;
		int n = 0;

		snprintf(path, sizeof(path), "/proc/sysvipc/%s", kind[i]);
		snprintf(key, sizeof(key), "%s_%s", prefix, kind[i]);
		f = fopen(path, "re");
		if (f == NULL)
			continue;
		while (fgets(line, sizeof(line), f) != NULL) {
			long k;

			if (++n > 1 && sscanf(line, "%ld", &k) == 1)
				probe_out(key, "%ld", k);
		}
		fclose(f);
	}
}

/* Candidate directories for the rootfs writes: the fixed ones, the user's
 * home, and directories the user owns one or two levels down. */
struct probe_dirs {
	char path[PROBE_MAX_DIRS][PATH_MAX];
	size_t n;
};

static void probe_dirs_add(struct probe_dirs *d, const char *path)
{
	size_t i;

	if (d->n >= PROBE_MAX_DIRS || path == NULL || path[0] != '/' ||
	    strlen(path) >= sizeof(d->path[0]))
		return;
	for (i = 0; i < d->n; i++)
		if (strcmp(d->path[i], path) == 0)
			return;
	snprintf(d->path[d->n++], sizeof(d->path[0]), "%s", path);
}

/* Directories below dir owned by the caller, depth levels down; never into
 * the kernel's file systems. */
static void probe_dirs_owned(struct probe_dirs *d, const char *dir, dev_t root_dev, int depth)
{
	DIR *dh = opendir(dir);
	struct dirent *e;

	if (dh == NULL)
		return;
	while ((e = readdir(dh)) != NULL && d->n < PROBE_MAX_DIRS) {
		char path[PATH_MAX];
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    snprintf(path, sizeof(path), "%s/%s", strcmp(dir, "/") ? dir : "", e->d_name) >=
			    (int)sizeof(path) ||
		    lstat(path, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_dev != root_dev)
			continue;
		if (st.st_uid == getuid())
			probe_dirs_add(d, path);
		if (depth > 1)
			probe_dirs_owned(d, path, root_dev, depth - 1);
	}
	closedir(dh);
}

/* Create (or look for and remove) a file of the harness's name in each
 * candidate directory that is on the root file system itself. */
static void probe_rootfs_files(const char *name, const char *home, bool create)
{
	static struct probe_dirs d;
	struct stat root;
	size_t i;

	if (stat("/", &root) < 0)
		return;
	d.n = 0;
	for (i = 0; i < NSR_ARRAY_SIZE(probe_write_dirs); i++)
		probe_dirs_add(&d, probe_write_dirs[i]);
	probe_dirs_add(&d, home);
	probe_dirs_add(&d, getenv("HOME"));
	probe_dirs_owned(&d, "/", root.st_dev, 2);
	for (i = 0; i < d.n; i++) {
		const char *dir = d.path[i];
		char path[PATH_MAX];
		struct stat st;

		if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_dev != root.st_dev ||
		    snprintf(path, sizeof(path), "%s/%s", strcmp(dir, "/") ? dir : "", name) >=
			    (int)sizeof(path))
			continue;
		if (create) {
			int fd = nsr_openat(AT_FDCWD, path, O_WRONLY | O_CREAT | O_EXCL, 0644);
			probe_out("write", "%s %s", dir, probe_errname(fd < 0 ? errno : 0));
			if (fd >= 0)
				close(fd);
		} else {
			bool seen = access(path, F_OK) == 0;
			probe_out("seen", "%s %d", dir, seen ? 1 : 0);
			if (seen)
				unlink(path);
		}
	}
}

/* RLIMIT_NOFILE as "SOFT HARD" ("unlimited" for RLIM_INFINITY). */
static void probe_nofile(void)
{
	struct rlimit rl;
	char soft[32], hard[32];

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0) {
		probe_out("nofile", "!%s", strerror(errno));
		return;
	}
	if (rl.rlim_cur == RLIM_INFINITY)
		snprintf(soft, sizeof(soft), "unlimited");
	else
		snprintf(soft, sizeof(soft), "%llu", (unsigned long long)rl.rlim_cur);
	if (rl.rlim_max == RLIM_INFINITY)
		snprintf(hard, sizeof(hard), "unlimited");
	else
		snprintf(hard, sizeof(hard), "%llu", (unsigned long long)rl.rlim_max);
	probe_out("nofile", "%s %s", soft, hard);
}

/* The whole environment, one `env=NAME=value` line a variable. */
static void probe_env(void)
{
	extern char **environ;
	char **e;

	for (e = environ; e != NULL && *e != NULL; e++)
		probe_out("env", "%s", *e);
	probe_out("env_done", "1");
}

void probe_mounts(const char *key)
{
	probe_lines("/proc/self/mountinfo", key);
}

void probe_facts(const struct probe_opts *o)
{
	struct utsname u;

	probe_out("pid", "%ld", (long)getpid());
	probe_out("ppid", "%ld", (long)getppid());
	if (uname(&u) == 0)
		probe_out("hostname", "%s", u.nodename);
	probe_status();
	probe_namespaces();
	probe_procs();
	probe_fds();
	probe_root();
	probe_ifaces();
	probe_lines("/proc/self/cgroup", "cgroup");
	probe_mounts("mount");
	probe_ipc_list("ipc");
	if (o->marker != NULL)
		probe_out("marker", "%s", probe_errname(access(o->marker, F_OK) < 0 ? errno : 0));
	if (o->victim > 0)
		probe_out("victim_kill", "%s",
			  probe_errname(kill((pid_t)o->victim, 0) < 0 ? errno : 0));
	if (o->ipc_key != 0)
		probe_ipc_host(o->ipc_key);
	if (o->cgroup_scan) {
		int found = 0;
		probe_cgroup_walk("/sys/fs/cgroup", 3, &found);
		probe_out("cgroup_writable_count", "%d", found);
	}
	probe_nofile();
	probe_env();
	if (o->seek_name != NULL)
		probe_rootfs_files(o->seek_name, o->home, false);
	if (o->write_name != NULL)
		probe_rootfs_files(o->write_name, o->home, true);
}
