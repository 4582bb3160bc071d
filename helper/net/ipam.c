// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Address leases for bridge mode. The text format is parsed strictly (a
 * file nsrun did not write is refused, never reset: the admin deletes it
 * when no bridged box runs); picking is pure. Trusts the state dir only if
 * it is ours and not writable by others. Runs as root in the supervisor.
 */
#include "ipam.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "boxname.h"
#include "rootdir.h"
#include "util.h"

#define IPAM_LINE_MAX 128 /* "255.255.255.255 UID PID START BOX" fits */

/* Strict decimal: digits only, no sign, no leading zero, at most max. */
static bool ipam_dec(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0' || (s[0] == '0' && s[1] != '\0'))
		return false;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || v > (max - (uint64_t)(*s - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return true;
}

static int ipam_parse_line(char *line, size_t lineno, struct ipam_lease *l, struct nsr_err *err)
{
	static const char *const names[] = { "address", "uid", "pid", "start time", "box" };
	char *f[5];
	size_t n = 0;
	uint64_t v;

	for (char *p = line;;) {
		char *sp = strchr(p, ' ');

		if (n == 5)
			return nsr_err_set(err, NSR_E_SETUP, 0, "line %zu: trailing garbage", lineno);
		if (sp != NULL)
			*sp = '\0';
		if (*p == '\0')
			return nsr_err_set(err, NSR_E_SETUP, 0, "line %zu: empty %s", lineno,
					   names[n]);
		f[n++] = p;
		if (sp == NULL)
			break;
		p = sp + 1;
	}
	if (n != 5)
		return nsr_err_set(err, NSR_E_SETUP, 0, "line %zu: %zu fields, want 5", lineno, n);
	if (strlen(f[0]) > 15 || inet_pton(AF_INET, f[0], &l->addr) != 1)
		return nsr_err_set(err, NSR_E_SETUP, 0, "line %zu: bad address", lineno);
	l->addr = ntohl(l->addr);
	if (!ipam_dec(f[1], UINT32_MAX - 1, &v))
		return nsr_err_set(err, NSR_E_SETUP, 0, "line %zu: bad uid", lineno);
	l->uid = (uid_t)v;
	if (!ipam_dec(f[2], INT32_MAX, &v) || v == 0)
		return nsr_err_set(err, NSR_E_SETUP, 0, "line %zu: bad pid", lineno);
	l->pid = (pid_t)v;
	if (!ipam_dec(f[3], UINT64_MAX, &l->starttime))
		return nsr_err_set(err, NSR_E_SETUP, 0, "line %zu: bad start time", lineno);
	if (!nsr_box_name_valid(f[4]))
		return nsr_err_set(err, NSR_E_SETUP, 0, "line %zu: bad box name", lineno);
	memcpy(l->box, f[4], strlen(f[4]) + 1);
	return 0;
}

int ipam_parse(const char *text, size_t len, struct ipam_table *t, struct nsr_err *err)
{
	size_t pos = 0, lineno = 0;

	t->n = 0;
	while (pos < len) {
		char line[IPAM_LINE_MAX + 1];
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t ll = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;

		lineno++;
		if (nl == NULL)
			return nsr_err_set(err, NSR_E_SETUP, 0, "line %zu: no newline at end",
					   lineno);
		if (ll > IPAM_LINE_MAX)
			return nsr_err_set(err, NSR_E_SETUP, 0, "line %zu: too long", lineno);
		if (memchr(text + pos, '\0', ll) != NULL)
			return nsr_err_set(err, NSR_E_SETUP, 0, "line %zu: NUL byte", lineno);
		if (t->n == IPAM_MAX_LEASES)
			return nsr_err_set(err, NSR_E_SETUP, 0, "more than %d leases",
					   IPAM_MAX_LEASES);
		memcpy(line, text + pos, ll);
		line[ll] = '\0';
		if (ipam_parse_line(line, lineno, &t->leases[t->n], err) < 0)
			return -1;
		for (size_t i = 0; i < t->n; i++)
			if (t->leases[i].addr == t->leases[t->n].addr)
				return nsr_err_set(err, NSR_E_SETUP, 0,
						   "line %zu: address leased twice", lineno);
		t->n++;
		pos += ll + 1;
	}
	return 0;
}

int ipam_format(const struct ipam_table *t, char *out, size_t outsz)
{
	size_t pos = 0;

	if (outsz == 0)
		return -1;
	out[0] = '\0';
	for (size_t i = 0; i < t->n; i++) {
		const struct ipam_lease *l = &t->leases[i];
		char a[INET_ADDRSTRLEN];
		uint32_t be = htonl(l->addr);
		int w;

		inet_ntop(AF_INET, &be, a, sizeof(a));
		w = snprintf(out + pos, outsz - pos, "%s %u %d %" PRIu64 " %s\n", a,
			     (unsigned)l->uid, (int)l->pid, l->starttime, l->box);
		if (w < 0 || (size_t)w >= outsz - pos)
			return -1;
		pos += (size_t)w;
	}
	return pos > INT32_MAX ? -1 : (int)pos;
}

static bool ipam_taken(const struct ipam_table *t, uint32_t a)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->leases[i].addr == a)
			return true;
	return false;
}

/* Leases outside subnet (a policy changed, or another policy shares the
 * bridge) are kept while their holder lives and count for per_user: they
 * cannot collide with this subnet, and the file is still one nsrun wrote. */
int ipam_pick(struct ipam_table *t, uint32_t subnet, unsigned prefix, uint32_t gateway, uid_t uid,
	      unsigned per_user, ipam_alive_fn alive, void *ctx, uint32_t *addr, struct nsr_err *err)
{
	char net[INET_ADDRSTRLEN];
	uint32_t be = htonl(subnet), host_bits, a;
	size_t kept = 0;
	unsigned mine = 0;

	inet_ntop(AF_INET, &be, net, sizeof(net));
	if (prefix > 30)
		return nsr_err_set(err, NSR_E_SETUP, 0, "subnet %s/%u is too small", net, prefix);
	host_bits = UINT32_MAX >> prefix;
	if ((subnet & host_bits) != 0)
		return nsr_err_set(err, NSR_E_SETUP, 0, "%s/%u is not a network address", net,
				   prefix);
	for (size_t i = 0; i < t->n; i++) {
		if (!alive(&t->leases[i], ctx))
			continue; /* reclaimed: its holder is gone */
		if (t->leases[i].uid == uid)
			mine++;
		t->leases[kept++] = t->leases[i];
	}
	t->n = kept;
	if (per_user != 0 && mine >= per_user) /* 0: no limit */
		return nsr_err_set(err, NSR_E_BUSY, 0, "per-user limit of %u bridged boxes reached",
				   per_user);
	for (a = subnet + 1; t->n < IPAM_MAX_LEASES && a < (subnet | host_bits); a++) {
		if (a != gateway && !ipam_taken(t, a)) {
			*addr = a;
			return 0;
		}
	}
	return nsr_err_set(err, NSR_E_BUSY, 0, "no free address in %s/%u", net, prefix);
}

int ipam_stat_starttime(const char *stat_text, uint64_t *starttime)
{
	/* comm may hold spaces and ')': fields restart after the last ')',
	 * with field 3 (state); starttime is field 22. The kernel wrote it. */
	const char *p = strrchr(stat_text, ')');

	if (p == NULL || sscanf(p + 1,
				" %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u"
				" %*u %*u %*d %*d %*d %*d %*d %*d %" SCNu64,
				starttime) != 1)
		return -1;
	return 0;
}

int ipam_self_starttime(pid_t pid, uint64_t *starttime)
{
	char path[32], text[1024];

	if (nsr_fmt(path, sizeof(path), "/proc/%d/stat", (int)pid) < 0 ||
	    nsr_read_file(AT_FDCWD, path, text, sizeof(text)) < 0)
		return -1;
	if (ipam_stat_starttime(text, starttime) < 0) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

bool ipam_holder_alive(const struct ipam_lease *l, void *ctx)
{
	uint64_t st;

	if (ipam_self_starttime(l->pid, &st) < 0)
		return !(errno == ENOENT || errno == ESRCH); /* unsure: keep it */
	return st == l->starttime;
}

/* ---------------------------------------------------------------- files */

#define IPAM_FILE_MAX (IPAM_MAX_LEASES * (IPAM_LINE_MAX + 1))

/* An interface name (dev_valid_name) is also a safe file name. */
static bool ipam_bridge_ok(const char *b)
{
	size_t len = strnlen(b, 16);

	return len > 0 && len < 16 && strcmp(b, ".") != 0 && strcmp(b, "..") != 0 &&
	       strpbrk(b, "/: \t\n\r\v\f") == NULL;
}

/* flock, bounded to about 10 s: the holder is a setuid process that its
 * own user may SIGSTOP, and that must not hang everyone else's starts. */
static int ipam_flock(int fd)
{
	for (int i = 0; i < 10000; i++) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -1;
		nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
	}
	errno = EWOULDBLOCK;
	return -1;
}

/* Open and flock the lease file; retry when it was replaced or removed
 * between open and lock (the lock belongs to the inode, and a writer
 * renames a new inode into place). *fd = -1 when absent and !create. */
static int ipam_lock(int ldfd, const char *bridge, bool create, int *fd_out)
{
	for (int tries = 0; tries < 1000; tries++) {
		nsr_cleanup_fd int fd = nsr_openat(ldfd, bridge,
						   O_RDWR | O_NOFOLLOW | O_NOCTTY |
							   (create ? O_CREAT : 0),
						   0600);
		struct stat st, cur;

		*fd_out = -1;
		if (fd < 0)
			return !create && errno == ENOENT ? 0 : -1;
		if (ipam_flock(fd) < 0 || fstat(fd, &st) < 0)
			return -1;
		if (fstatat(ldfd, bridge, &cur, AT_SYMLINK_NOFOLLOW) < 0 ||
		    cur.st_ino != st.st_ino || cur.st_dev != st.st_dev)
			continue;
		if (!S_ISREG(st.st_mode) || st.st_uid != 0 || st.st_nlink != 1) {
			errno = EPERM;
			return -1;
		}
		*fd_out = nsr_steal_fd(&fd);
		return 0;
	}
	errno = EAGAIN;
	return -1;
}

/* Open state_dir/leases/<bridge>, lock it and parse it into *t. */
static int ipam_load(const char *state_dir, const char *bridge, bool create, int *ldfd, int *fd,
		     struct ipam_table *t, struct nsr_err *err)
{
	nsr_cleanup_free char *text = malloc(IPAM_FILE_MAX + 1);
	struct nsr_err ignored;
	ssize_t n;

	t->n = 0;
	if (text == NULL)
		return nsr_err_set(err, NSR_E_SETUP, errno, "out of memory");
	if (!ipam_bridge_ok(bridge))
		return nsr_err_set(err, NSR_E_SETUP, EINVAL, "bad bridge name");
	if (nsr_state_dir(state_dir, "leases", 0700, create ? NSR_DIR_CREATE : 0, ldfd, &ignored) <
	    0) {
		if (!create && errno == ENOENT)
			return 0;
		if (err != NULL)
			*err = ignored;
		return nsr_err_prefix(err, "leases");
	}
	if (ipam_lock(*ldfd, bridge, create, fd) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot lock %s/leases/%s", state_dir,
				   bridge);
	if (*fd < 0)
		return 0;
	n = nsr_read_full(*fd, text, IPAM_FILE_MAX + 1);
	if (n < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot read %s/leases/%s", state_dir,
				   bridge);
	if (n > IPAM_FILE_MAX)
		nsr_err_set(err, NSR_E_SETUP, 0, "too large");
	if (n > IPAM_FILE_MAX || ipam_parse(text, (size_t)n, t, err) < 0)
		return nsr_err_prefix(err,
				      "lease file %s/leases/%s is corrupt "
				      "(delete it when no bridged box runs)",
				      state_dir, bridge);
	return 0;
}

/* Write t in place of the locked file: a new inode renamed over it (so a
 * reader never sees half a file), or no file at all when t is empty. The
 * temporary name has a ':' that no interface name may hold. Safe as root:
 * leases/ was checked to be ours and closed to others, names are fixed. */
static int ipam_store(int ldfd, const char *bridge, const struct ipam_table *t)
{
	nsr_cleanup_free char *text = malloc(IPAM_FILE_MAX + 1);
	nsr_cleanup_fd int fd = -1;
	char tmp[32];
	int len;

	if (t->n == 0)
		return unlinkat(ldfd, bridge, 0) < 0 && errno != ENOENT ? -1 : 0;
	if (text == NULL || nsr_fmt(tmp, sizeof(tmp), "%s:new", bridge) < 0)
		return -1;
	len = ipam_format(t, text, IPAM_FILE_MAX + 1);
	if (len < 0) {
		errno = E2BIG;
		return -1;
	}
	fd = nsr_openat(ldfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_NOCTTY, 0600);
	if (fd < 0 || nsr_write_all(fd, text, (size_t)len) < 0 || close(nsr_steal_fd(&fd)) < 0 ||
	    renameat(ldfd, tmp, ldfd, bridge) < 0) {
		int saved = errno;
		unlinkat(ldfd, tmp, 0);
		errno = saved;
		return -1;
	}
	return 0;
}

int ipam_acquire(const char *state_dir, const char *bridge, uint32_t subnet, unsigned prefix,
		 uint32_t gateway, uid_t uid, unsigned per_user, const char *box, uint32_t *addr,
		 struct nsr_err *err)
{
	nsr_cleanup_free struct ipam_table *t = calloc(1, sizeof(*t));
	nsr_cleanup_fd int ldfd = -1;
	nsr_cleanup_fd int fd = -1;
	struct ipam_lease *l;
	uint64_t start;

	if (t == NULL)
		return nsr_err_set(err, NSR_E_SETUP, errno, "out of memory");
	if (!nsr_box_name_valid(box) || uid == (uid_t)-1)
		return nsr_err_set(err, NSR_E_SETUP, EINVAL, "bad lease holder");
	if (ipam_self_starttime(getpid(), &start) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot read own start time");
	if (ipam_load(state_dir, bridge, true, &ldfd, &fd, t, err) < 0)
		return -1;
	if (ipam_pick(t, subnet, prefix, gateway, uid, per_user, ipam_holder_alive, NULL, addr,
		      err) < 0) {
		ipam_store(ldfd, bridge, t); /* keep reclaims; no empty file */
		return -1;
	}
	l = &t->leases[t->n++];
	*l = (struct ipam_lease){ .addr = *addr, .uid = uid, .pid = getpid(), .starttime = start };
	memcpy(l->box, box, strlen(box) + 1);
	if (ipam_store(ldfd, bridge, t) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot write %s/leases/%s", state_dir,
				   bridge);
	return 0;
}

int ipam_release(const char *state_dir, const char *bridge, uint32_t addr, struct nsr_err *err)
{
	nsr_cleanup_free struct ipam_table *t = calloc(1, sizeof(*t));
	nsr_cleanup_fd int ldfd = -1;
	nsr_cleanup_fd int fd = -1;
	size_t kept = 0;

	if (t == NULL)
		return nsr_err_set(err, NSR_E_SETUP, errno, "out of memory");
	if (ipam_load(state_dir, bridge, false, &ldfd, &fd, t, err) < 0)
		return -1;
	if (fd < 0)
		return 0; /* no file: nothing held */
	for (size_t i = 0; i < t->n; i++)
		if (t->leases[i].addr != addr || t->leases[i].pid != getpid())
			t->leases[kept++] = t->leases[i];
	t->n = kept;
	if (ipam_store(ldfd, bridge, t) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot write %s/leases/%s", state_dir,
				   bridge);
	return 0;
}
