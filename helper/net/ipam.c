// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Address leases for bridge mode. The text format is parsed strictly (a
 * file nsrun did not write is refused, never reset: the admin deletes it
 * when no bridged box runs); picking is pure. Trusts the state dir only if
 * it is ours and not writable by others. Runs as root in the supervisor.
 */
#include "ipam.h"

#include <arpa/inet.h>
#include <dirent.h>
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

/* One lease's line, "ADDR UID PID START BOX\n": its length, or -1. */
static int ipam_format_one(const struct ipam_lease *l, char *out, size_t outsz)
{
	char a[INET_ADDRSTRLEN];
	uint32_t be = htonl(l->addr);
	int w;

	inet_ntop(AF_INET, &be, a, sizeof(a));
	w = snprintf(out, outsz, "%s %u %d %" PRIu64 " %s\n", a, (unsigned)l->uid, (int)l->pid,
		     l->starttime, l->box);
	return w < 0 || (size_t)w >= outsz ? -1 : w;
}

int ipam_format(const struct ipam_table *t, char *out, size_t outsz)
{
	size_t pos = 0;

	if (outsz == 0)
		return -1;
	out[0] = '\0';
	for (size_t i = 0; i < t->n; i++) {
		int w = ipam_format_one(&t->leases[i], out + pos, outsz - pos);

		if (w < 0)
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

/*
 * One lock file per address: STATEDIR/leases/BRIDGE:addr/A.B.C.D, holding
 * the lease's one line ("ADDR UID PID START BOX"), flock()ed by its
 * supervisor for the box's life. An address is claimed with LOCK_NB and
 * skipped when held, so no start ever waits on another user's supervisor;
 * a held file is a live lease, an unheld one is left by a dead holder and
 * removed (flock held across the unlink; a claimer checks after its flock
 * that the name still names its inode, as box locks do). The per-user
 * count is exact: the count and the claim happen under a lock of the
 * caller's own (uUID.lock), which only that user's supervisors take. The
 * name holds a ':' that no interface name may, so it never meets the
 * single lease file of older nsrun versions (leases/BRIDGE), which is
 * read, never written: its live leases are honoured.
 */

#define IPAM_FILE_MAX (IPAM_MAX_LEASES * (IPAM_LINE_MAX + 1))
#define IPAM_DIR_SUFFIX ":addr"

/* An interface name (dev_valid_name) is also a safe file name. */
static bool ipam_bridge_ok(const char *b)
{
	size_t len = strnlen(b, 16);

	return len > 0 && len < 16 && strcmp(b, ".") != 0 && strcmp(b, "..") != 0 &&
	       strpbrk(b, "/: \t\n\r\v\f") == NULL;
}

/* flock, bounded to about 10 s. Only for the caller's own lock: the holder
 * is another start of the same user. */
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

/* The leases dir and this bridge's address dir (O_RDONLY, for readdir). */
static int ipam_dirs(const char *state_dir, const char *bridge, bool create, int *ldfd, int *adfd,
		     struct nsr_err *err)
{
	char name[32];

	*adfd = -1;
	if (!ipam_bridge_ok(bridge))
		return nsr_err_set(err, NSR_E_SETUP, EINVAL, "bad bridge name");
	if (nsr_state_dir(state_dir, "leases", 0700, create ? NSR_DIR_CREATE : 0, ldfd, err) < 0)
		return nsr_err_prefix(err, "leases");
	snprintf(name, sizeof(name), "%s" IPAM_DIR_SUFFIX, bridge);
	*adfd = nsr_root_dir(*ldfd, name, 0700, (create ? NSR_DIR_CREATE : 0) | NSR_DIR_FIX_GROUP,
			     NULL, err);
	if (*adfd < 0)
		return nsr_err_prefix(err, "leases");
	return 0;
}

/* The older single lease file, if any: its leases whose holder lives. */
static int ipam_legacy(int ldfd, const char *state_dir, const char *bridge, struct ipam_table *t,
		       struct nsr_err *err)
{
	nsr_cleanup_free char *text = NULL;
	nsr_cleanup_fd int fd = -1;
	struct stat st;
	size_t kept = 0;
	ssize_t n;

	t->n = 0;
	fd = nsr_openat(ldfd, bridge, O_RDONLY | O_NOFOLLOW | O_NOCTTY, 0);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot open %s/leases/%s", state_dir,
				   bridge);
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 || st.st_nlink != 1)
		return nsr_err_set(err, NSR_E_SETUP, EPERM, "%s/leases/%s is not nsrun's",
				   state_dir, bridge);
	/* The buffer only where there is such a file (132 KiB: most starts
	 * never meet one). */
	text = malloc(IPAM_FILE_MAX + 1);
	if (text == NULL)
		return nsr_err_set(err, NSR_E_SETUP, errno, "out of memory");
	/* Its writers renamed whole files into place: read as it is. */
	n = nsr_read_full(fd, text, IPAM_FILE_MAX + 1);
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
	for (size_t i = 0; i < t->n; i++)
		if (ipam_holder_alive(&t->leases[i], NULL))
			t->leases[kept++] = t->leases[i];
	t->n = kept;
	return 0;
}

/* "A.B.C.D" as nsrun names an address file; *a in host order. */
static bool ipam_addr_name(const char *name, uint32_t *a)
{
	char back[INET_ADDRSTRLEN];
	uint32_t be;

	if (strlen(name) > 15 || inet_pton(AF_INET, name, &be) != 1)
		return false;
	inet_ntop(AF_INET, &be, back, sizeof(back));
	*a = ntohl(be);
	return strcmp(back, name) == 0;
}

static bool ipam_has(const struct ipam_table *t, uint32_t a)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->leases[i].addr == a)
			return true;
	return false;
}

/* Every address file: held ones go into t (their line, or just the
 * address while the holder is still writing it); unheld ones are left by
 * dead holders and removed. Never waits. */
static void ipam_scan(int adfd, struct ipam_table *t)
{
	int rfd = nsr_openat(adfd, ".", O_RDONLY | O_DIRECTORY, 0);
	DIR *d = rfd < 0 ? NULL : fdopendir(rfd);
	struct dirent *de;

	if (d == NULL) {
		if (rfd >= 0)
			close(rfd);
		return;
	}
	while ((de = readdir(d)) != NULL && t->n < IPAM_MAX_LEASES) {
		char line[IPAM_LINE_MAX + 2];
		struct ipam_lease one = { 0 };
		struct nsr_err ignored;
		struct stat st;
		uint32_t a;
		ssize_t n;

		if (!ipam_addr_name(de->d_name, &a))
			continue;
		nsr_cleanup_fd int fd = nsr_openat(adfd, de->d_name,
						   O_RDONLY | O_NOFOLLOW | O_NOCTTY, 0);
		if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			unlinkat(adfd, de->d_name, 0); /* its holder is gone */
			continue;
		}
		if (ipam_has(t, a))
			continue;
		n = nsr_read_full(fd, line, sizeof(line) - 1);
		/* One whole line (the holder may still be writing it). */
		if (n > 1 && line[n - 1] == '\n' && memchr(line, '\0', (size_t)n) == NULL) {
			line[n - 1] = '\0';
			if (strchr(line, '\n') != NULL || ipam_parse_line(line, 1, &one, &ignored) < 0)
				one.addr = 0;
		}
		if (one.addr == a) {
			t->leases[t->n++] = one;
		} else {
			t->leases[t->n] = (struct ipam_lease){ .addr = a, .uid = (uid_t)-1 };
			t->n++;
		}
	}
	closedir(d);
}

static bool ipam_alive_all(const struct ipam_lease *l, void *ctx)
{
	return true; /* held (or in the older file with a live holder) */
}

int ipam_claim_at(int adfd, const struct ipam_lease *l, int *fd_out)
{
	char name[INET_ADDRSTRLEN], line[IPAM_LINE_MAX + 2];
	uint32_t be = htonl(l->addr);
	int len;

	inet_ntop(AF_INET, &be, name, sizeof(name));
	len = ipam_format_one(l, line, sizeof(line));
	if (len < 0) {
		errno = E2BIG;
		return -1;
	}
	for (int tries = 0; tries < 16; tries++) {
		nsr_cleanup_fd int fd = nsr_openat(adfd, name,
						   O_RDWR | O_CREAT | O_NOFOLLOW | O_NOCTTY, 0600);
		struct stat st, cur;

		if (fd < 0)
			return -1;
		if (flock(fd, LOCK_EX | LOCK_NB) < 0)
			return errno == EWOULDBLOCK ? 0 : -1;
		if (fstat(fd, &st) < 0)
			return -1;
		if (fstatat(adfd, name, &cur, AT_SYMLINK_NOFOLLOW) < 0 || cur.st_ino != st.st_ino ||
		    cur.st_dev != st.st_dev)
			continue; /* removed by a scan between our open and flock */
		if (!S_ISREG(st.st_mode) || st.st_nlink != 1 ||
		    nsr_root_fix_group(adfd, fd, &st) < 0) {
			errno = EPERM;
			return -1;
		}
		/* Our line over whatever a dead holder left, then cut to its
		 * length. Never a truncate to 0: on ext4 a file truncated to 0
		 * and written again has its data flushed by its last close
		 * (auto_da_alloc), about 0.5 ms at the end of every bridged
		 * start (doc/performance.md). */
		if (nsr_write_all(fd, line, (size_t)len) < 0 ||
		    (st.st_size > (off_t)len && ftruncate(fd, len) < 0))
			return -1;
		*fd_out = nsr_steal_fd(&fd);
		return 1;
	}
	errno = EAGAIN;
	return -1;
}

/* The caller's own lease lock, leases/<bridge>:addr/u<UID>.lock: taken
 * (bounded wait: only the same user's starts hold it) and removed again
 * while held, as box locks are (lock.c), so it leaves no file behind. */
static int ipam_user_lock(int adfd, const char *uname)
{
	struct timespec t0, now;

	/* Each retry means another start of this user claimed and removed the
	 * file meanwhile: progress. Bounded by time (about 20 s, the flock
	 * included), not by a count, so 32 starts at once all get through. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (now = t0; now.tv_sec - t0.tv_sec < 20; clock_gettime(CLOCK_MONOTONIC, &now)) {
		nsr_cleanup_fd int fd = nsr_openat(adfd, uname,
						   O_RDWR | O_CREAT | O_NOFOLLOW | O_NOCTTY, 0600);
		struct stat a, b;

		if (fd < 0 || ipam_flock(fd) < 0 || fstat(fd, &a) < 0)
			return -1;
		if (fstatat(adfd, uname, &b, AT_SYMLINK_NOFOLLOW) == 0 && a.st_ino == b.st_ino &&
		    a.st_dev == b.st_dev)
			return nsr_steal_fd(&fd);
	}
	errno = EAGAIN;
	return -1;
}

static int ipam_acquire_locked(int ldfd, int adfd, const char *state_dir, const char *bridge,
			       uint32_t subnet, unsigned prefix, uint32_t gateway, uid_t uid,
			       unsigned per_user, struct ipam_lease *mine, int *lease_fd,
			       struct nsr_err *err)
{
	/* Static, and never cleared: the table is 88 KiB and nothing reads
	 * past t->n, so only the leases in use are touched (a calloc'd one
	 * was zeroed: 13 page faults a bridged start, doc/performance.md).
	 * nsrun is single-threaded and takes one lease at a time. */
	static struct ipam_table table;
	struct ipam_table *t = &table;

	t->n = 0;
	if (ipam_legacy(ldfd, state_dir, bridge, t, err) < 0)
		return -1;
	ipam_scan(adfd, t);
	for (;;) {
		int rc;

		if (ipam_pick(t, subnet, prefix, gateway, uid, per_user, ipam_alive_all, NULL,
			      &mine->addr, err) < 0)
			return -1;
		rc = ipam_claim_at(adfd, mine, lease_fd);
		if (rc < 0)
			return nsr_err_set(err, NSR_E_SETUP, errno,
					   "cannot claim an address in %s/leases", state_dir);
		if (rc == 1)
			return 0;
		/* Taken meanwhile by another user's start: the next one. */
		t->leases[t->n] = (struct ipam_lease){ .addr = mine->addr, .uid = (uid_t)-1 };
		t->n++;
	}
}

int ipam_acquire(const char *state_dir, const char *bridge, uint32_t subnet, unsigned prefix,
		 uint32_t gateway, uid_t uid, unsigned per_user, const char *box, uint32_t *addr,
		 int *lease_fd, struct nsr_err *err)
{
	nsr_cleanup_fd int ldfd = -1, adfd = -1, ufd = -1;
	struct ipam_lease mine;
	char uname[32];
	uint64_t start;
	int rc;

	*lease_fd = -1;
	if (!nsr_box_name_valid(box) || uid == (uid_t)-1)
		return nsr_err_set(err, NSR_E_SETUP, EINVAL, "bad lease holder");
	if (ipam_self_starttime(getpid(), &start) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot read own start time");
	if (ipam_dirs(state_dir, bridge, true, &ldfd, &adfd, err) < 0)
		return -1;
	/* The caller's own lock: count and claim as one step. */
	snprintf(uname, sizeof(uname), "u%u.lock", (unsigned)uid);
	ufd = ipam_user_lock(adfd, uname);
	if (ufd < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot lock %s/leases/%s:addr/%s",
				   state_dir, bridge, uname);
	mine = (struct ipam_lease){ .uid = uid, .pid = getpid(), .starttime = start };
	memcpy(mine.box, box, strlen(box) + 1);
	rc = ipam_acquire_locked(ldfd, adfd, state_dir, bridge, subnet, prefix, gateway, uid,
				 per_user, &mine, lease_fd, err);
	unlinkat(adfd, uname, 0);
	if (rc == 0)
		*addr = mine.addr;
	return rc;
}

int ipam_release(const char *state_dir, const char *bridge, uint32_t addr, int *lease_fd,
		 struct nsr_err *err)
{
	nsr_cleanup_fd int ldfd = -1, adfd = -1;
	char name[INET_ADDRSTRLEN];
	uint32_t be = htonl(addr);
	int rc = 0;

	if (*lease_fd < 0)
		return 0;
	inet_ntop(AF_INET, &be, name, sizeof(name));
	/* Still held: the name is ours (a scan removes only unheld files). */
	if (ipam_dirs(state_dir, bridge, false, &ldfd, &adfd, err) < 0 || unlinkat(adfd, name, 0) < 0)
		rc = nsr_err_set(err, NSR_E_SETUP, errno, "cannot release %s", name);
	nsr_closep(lease_fd);
	*lease_fd = -1;
	return rc;
}

int ipam_gc(const char *state_dir)
{
	nsr_cleanup_fd int ldfd = -1;
	nsr_cleanup_dir DIR *d = NULL;
	struct dirent *de;
	int removed = 0;

	if (nsr_state_dir(state_dir, "leases", 0700, 0, &ldfd, NULL) < 0)
		return 0;
	d = nsr_opendir_at(ldfd, ".");
	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name), k = strlen(IPAM_DIR_SUFFIX);
		nsr_cleanup_fd int adfd = -1;
		nsr_cleanup_dir DIR *a = NULL;
		struct dirent *e;

		if (n <= k || strcmp(de->d_name + n - k, IPAM_DIR_SUFFIX) != 0)
			continue;
		adfd = nsr_root_dir(ldfd, de->d_name, 0700, 0, NULL, NULL);
		a = adfd < 0 ? NULL : nsr_opendir_at(adfd, ".");
		while (a != NULL && (e = readdir(a)) != NULL) {
			uint32_t addr;

			size_t en = strlen(e->d_name);

			/* address files, and a user's lease lock left by a
			 * start killed while it held it */
			if (!ipam_addr_name(e->d_name, &addr) &&
			    (e->d_name[0] != 'u' || en < 6 ||
			     strcmp(e->d_name + en - 5, ".lock") != 0))
				continue;
			nsr_cleanup_fd int fd = nsr_openat(adfd, e->d_name,
							   O_RDONLY | O_NOFOLLOW | O_NOCTTY, 0);
			if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0 &&
			    unlinkat(adfd, e->d_name, 0) == 0)
				removed++;
		}
	}
	return removed;
}
