// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Box state records under STATEDIR/boxes (root-owned, see lock.c), one a
 * running box: <uid>-<box> (mode 0600: a user's command line is nobody
 * else's business) and <uid>-<box>.stopping. Root writes and reads them;
 * names are built from a numeric uid and a validated box name only. A
 * record is believed only while the processes it names are alive with the
 * start times it recorded (pids are reused; start times are not).
 */
#include "state.h"

#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lock.h"
#include "rootdir.h"
#include "util.h"

#define STATE_DIR "boxes"
#define STATE_TEXT_MAX 2048

static int state_name(uid_t uid, const char *box, const char *suffix, char *out, size_t sz)
{
	if (!policy_box_valid(box))
		return -1;
	return nsr_fmt(out, sz, "%u-%s%s", (unsigned)uid, box, suffix);
}

int state_format(const struct box_record *r, char *buf, size_t sz)
{
	return nsr_fmt(buf, sz,
		       "uid %u\nuser %s\npolicy %s\nbox %s\ninit %d %" PRIu64
		       "\nsupervisor %d %" PRIu64 "\nstarted %" PRId64 "\ncgroup %s\naddr %" PRIu32
		       "\nruntime %" PRIu64 "\ndetached %d\ncommand %s\n",
		       (unsigned)r->uid, r->user, r->policy, r->box, (int)r->init_pid,
		       r->init_start, (int)r->sup_pid, r->sup_start, r->started, r->cgroup, r->addr,
		       r->runtime, r->detached ? 1 : 0, r->command);
}

/* A value of the record: printable ASCII, no newline, fits. */
static int state_copy(const char *v, size_t n, char *out, size_t sz)
{
	size_t i;

	if (n >= sz)
		return -1;
	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] >= 0x7f)
			return -1;
	memcpy(out, v, n);
	out[n] = '\0';
	return 0;
}

static int state_u64(const char *v, uint64_t *out)
{
	char *end;

	if (*v < '0' || *v > '9')
		return -1;
	errno = 0;
	unsigned long long x = strtoull(v, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = x;
	return 0;
}

static int state_pid(const char *v, pid_t *pid, uint64_t *start)
{
	char a[24];
	const char *sp = strchr(v, ' ');
	uint64_t p;

	if (sp == NULL || (size_t)(sp - v) >= sizeof(a))
		return -1;
	memcpy(a, v, (size_t)(sp - v));
	a[sp - v] = '\0';
	if (state_u64(a, &p) < 0 || p < 1 || p > 4194304 || state_u64(sp + 1, start) < 0)
		return -1;
	*pid = (pid_t)p;
	return 0;
}

int state_parse(const char *text, struct box_record *r)
{
	static const char *const keys[] = { "uid",  "user",	  "policy",   "box",
					    "init", "supervisor", "started",  "cgroup",
					    "addr", "runtime",	  "detached", "command" };
	unsigned seen = 0;
	const char *p = text;

	memset(r, 0, sizeof(*r));
	while (*p) {
		const char *nl = strchr(p, '\n'), *sp;
		char val[STATE_CMD_MAX];
		uint64_t u = 0;
		size_t k;

		if (nl == NULL)
			return -1;
		sp = memchr(p, ' ', (size_t)(nl - p));
		if (sp == NULL)
			return -1;
		for (k = 0; k < NSR_ARRAY_SIZE(keys); k++)
			if ((size_t)(sp - p) == strlen(keys[k]) &&
			    strncmp(p, keys[k], (size_t)(sp - p)) == 0)
				break;
		if (k == NSR_ARRAY_SIZE(keys) || (seen & (1u << k)))
			return -1;
		seen |= 1u << k;
		if (state_copy(sp + 1, (size_t)(nl - sp - 1), val, sizeof(val)) < 0)
			return -1;
		switch (k) {
		case 0:
			if (state_u64(val, &u) < 0 || u >= (uint64_t)(uid_t)-1)
				return -1;
			r->uid = (uid_t)u;
			break;
		case 1:
			if (nsr_fmt(r->user, sizeof(r->user), "%s", val) < 0)
				return -1;
			break;
		case 2:
			if (!policy_name_valid(val) ||
			    nsr_fmt(r->policy, sizeof(r->policy), "%s", val) < 0)
				return -1;
			break;
		case 3:
			if (!policy_box_valid(val) || nsr_fmt(r->box, sizeof(r->box), "%s", val) < 0)
				return -1;
			break;
		case 4:
			if (state_pid(val, &r->init_pid, &r->init_start) < 0)
				return -1;
			break;
		case 5:
			if (state_pid(val, &r->sup_pid, &r->sup_start) < 0)
				return -1;
			break;
		case 6:
			if (state_u64(val, &u) < 0 || u > INT64_MAX)
				return -1;
			r->started = (int64_t)u;
			break;
		case 7:
			if (nsr_fmt(r->cgroup, sizeof(r->cgroup), "%s", val) < 0 || strchr(val, '/') ||
			    strcmp(val, ".") == 0 || strcmp(val, "..") == 0 || strchr(val, ' '))
				return -1;
			break;
		case 8:
			if (state_u64(val, &u) < 0 || u > UINT32_MAX)
				return -1;
			r->addr = (uint32_t)u;
			break;
		case 9:
			if (state_u64(val, &r->runtime) < 0)
				return -1;
			break;
		case 10:
			if (strcmp(val, "0") != 0 && strcmp(val, "1") != 0)
				return -1;
			r->detached = val[0] == '1';
			break;
		case 11:
			memcpy(r->command, val, strlen(val) + 1);
			break;
		}
		p = nl + 1;
	}
	return seen == (1u << NSR_ARRAY_SIZE(keys)) - 1 ? 0 : -1;
}

int state_parse_stat_start(const char *stat, uint64_t *start)
{
	/* "pid (comm) S ppid ...": comm may hold anything, ')' included, so
	 * count from the last ')'. Field 3 is the state; 22 the start time. */
	const char *p = strrchr(stat, ')');
	int field = 2;

	if (p == NULL)
		return -1;
	p++;
	while (*p && field < 22) {
		if (*p == ' ') {
			while (*p == ' ')
				p++;
			field++;
			continue;
		}
		p++;
	}
	if (field != 22 || *p < '0' || *p > '9')
		return -1;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(p, &end, 10);
	if (errno != 0 || (*end != ' ' && *end != '\0' && *end != '\n'))
		return -1;
	*start = v;
	return 0;
}

int state_pid_start(pid_t pid, uint64_t *start)
{
	char path[32], buf[1024];

	if (pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (nsr_read_file(AT_FDCWD, path, buf, sizeof(buf)) <= 0)
		return -1;
	return state_parse_stat_start(buf, start);
}

static int state_dir(const char *statedir, int *dfd, struct nsr_err *err)
{
	return nsr_state_dir(statedir, STATE_DIR, 0755, NSR_DIR_CREATE | NSR_DIR_PATH, dfd, err);
}

int state_write(const char *statedir, const struct box_record *r, struct nsr_err *err)
{
	nsr_cleanup_fd int dfd = -1;
	char name[96], tmp[128], text[STATE_TEXT_MAX];

	if (state_name(r->uid, r->box, "", name, sizeof(name)) < 0 ||
	    nsr_fmt(tmp, sizeof(tmp), ".%s.%d", name, (int)getpid()) < 0 ||
	    state_format(r, text, sizeof(text)) < 0)
		return nsr_err_set(err, NSR_E_SETUP, ENAMETOOLONG,
				   "cannot form the box's state record");
	if (state_dir(statedir, &dfd, err) < 0)
		return -1;
	unlinkat(dfd, tmp, 0);
	nsr_cleanup_fd int fd = nsr_openat(dfd, tmp,
					   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY, 0600);
	if (fd < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot write the box's state record");
	/* No fsync: the rename alone makes the record appear whole to every
	 * reader, and a record has nothing to survive a crash for (the box's
	 * processes do not; a record left over is collected by its pids'
	 * start times; one cut short cannot be parsed, and the gc removes it).
	 * On a state directory that is not tmpfs the fsync was a journal
	 * commit that the supervisor waited on while the payload ran
	 * (doc/performance.md). */
	if (nsr_write_all(fd, text, strlen(text)) < 0 || renameat(dfd, tmp, dfd, name) < 0) {
		int e = errno;
		unlinkat(dfd, tmp, 0);
		return nsr_err_set(err, NSR_E_SETUP, e, "cannot write the box's state record");
	}
	return 0;
}

static int state_read_at(int dfd, const char *name, struct box_record *r)
{
	char text[STATE_TEXT_MAX];
	nsr_cleanup_fd int fd = nsr_openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NOCTTY, 0);
	struct stat st;
	ssize_t n;

	if (fd < 0)
		return errno == ENOENT ? 1 : -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 077))
		return -1;
	n = nsr_read_full(fd, text, sizeof(text) - 1);
	if (n < 0 || n == (ssize_t)sizeof(text) - 1)
		return -1;
	text[n] = '\0';
	return state_parse(text, r) < 0 ? -1 : 0;
}

int state_read(const char *statedir, uid_t uid, const char *box, struct box_record *r,
	       struct nsr_err *err)
{
	nsr_cleanup_fd int dfd = -1;
	char name[96];
	int rc;

	if (state_name(uid, box, "", name, sizeof(name)) < 0)
		return nsr_err_set(err, NSR_E_USAGE, 0, "invalid box name");
	if (state_dir(statedir, &dfd, err) < 0)
		return -1;
	rc = state_read_at(dfd, name, r);
	if (rc < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "unreadable state record %s", name);
	if (rc == 0 && (r->uid != uid || strcmp(r->box, box) != 0))
		return nsr_err_set(err, NSR_E_SETUP, 0, "state record %s names another box", name);
	return rc;
}

void state_remove(const char *statedir, uid_t uid, const char *box)
{
	nsr_cleanup_fd int dfd = -1;
	char name[96], mark[112];

	if (state_name(uid, box, "", name, sizeof(name)) < 0 ||
	    state_name(uid, box, ".stopping", mark, sizeof(mark)) < 0 ||
	    state_dir(statedir, &dfd, NULL) < 0)
		return;
	unlinkat(dfd, name, 0);
	unlinkat(dfd, mark, 0);
}

bool state_alive(const struct box_record *r)
{
	uint64_t t;

	return state_pid_start(r->init_pid, &t) == 0 && t == r->init_start &&
	       state_pid_start(r->sup_pid, &t) == 0 && t == r->sup_start;
}

int state_mark_stopping(const char *statedir, const struct box_record *r, struct nsr_err *err)
{
	nsr_cleanup_fd int dfd = -1;
	char mark[112], text[48];

	if (state_name(r->uid, r->box, ".stopping", mark, sizeof(mark)) < 0)
		return nsr_err_set(err, NSR_E_USAGE, 0, "invalid box name");
	if (state_dir(statedir, &dfd, err) < 0)
		return -1;
	snprintf(text, sizeof(text), "%" PRIu64 "\n", r->init_start);
	unlinkat(dfd, mark, 0);
	nsr_cleanup_fd int fd = nsr_openat(dfd, mark,
					   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY, 0600);
	if (fd < 0 && errno != EEXIST)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot mark the box as stopping");
	if (fd >= 0 && nsr_write_all(fd, text, strlen(text)) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot mark the box as stopping");
	return 0;
}

bool state_stopping(const char *statedir, const struct box_record *r)
{
	nsr_cleanup_fd int dfd = -1;
	char mark[112], text[48];
	uint64_t t;

	if (state_name(r->uid, r->box, ".stopping", mark, sizeof(mark)) < 0 ||
	    state_dir(statedir, &dfd, NULL) < 0)
		return false;
	if (nsr_read_file(dfd, mark, text, sizeof(text)) <= 0)
		return false;
	text[strcspn(text, "\n")] = '\0';
	return state_u64(text, &t) == 0 && t == r->init_start;
}

/* "<uid>-<box>": split and validate; NULL-free. */
static bool state_split(const char *name, uid_t *uid, char *box, size_t boxsz)
{
	const char *dash = strchr(name, '-');
	char num[16];
	uint64_t u;

	if (dash == NULL || dash == name || (size_t)(dash - name) >= sizeof(num))
		return false;
	memcpy(num, name, (size_t)(dash - name));
	num[dash - name] = '\0';
	if (state_u64(num, &u) < 0 || u >= (uint64_t)(uid_t)-1 || !policy_box_valid(dash + 1) ||
	    strlen(dash + 1) >= boxsz)
		return false;
	*uid = (uid_t)u;
	return nsr_fmt(box, boxsz, "%s", dash + 1) == 0;
}

int state_list(const char *statedir, bool all, uid_t uid, struct box_record *out, size_t max,
	       struct nsr_err *err)
{
	nsr_cleanup_fd int dfd = -1;
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	if (state_dir(statedir, &dfd, err) < 0)
		return -1;
	int rfd = nsr_openat(dfd, ".", O_RDONLY | O_DIRECTORY, 0);
	if (rfd < 0 || (d = fdopendir(rfd)) == NULL) {
		if (rfd >= 0)
			close(rfd);
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot read the state directory");
	}
	while ((de = readdir(d)) != NULL && n < max) {
		char box[POLICY_BOX_MAX + 1];
		uid_t u;

		if (!state_split(de->d_name, &u, box, sizeof(box)) || (!all && u != uid))
			continue;
		if (state_read_at(dfd, de->d_name, &out[n]) == 0 && out[n].uid == u &&
		    strcmp(out[n].box, box) == 0)
			n++;
	}
	closedir(d);
	return (int)n;
}

int state_gc(const char *statedir, bool all, uid_t uid)
{
	nsr_cleanup_fd int dfd = -1, locks = -1;
	struct dirent *de;
	int removed = 0;
	DIR *d;

	if (state_dir(statedir, &dfd, NULL) < 0)
		return 0;
	/* No locks dir: locks stays -1, nothing is skipped, every record
	 * is read as below. */
	(void)nsr_state_dir(statedir, "locks", 0755, NSR_DIR_PATH, &locks, NULL);
	int rfd = nsr_openat(dfd, ".", O_RDONLY | O_DIRECTORY, 0);
	if (rfd < 0 || (d = fdopendir(rfd)) == NULL) {
		if (rfd >= 0)
			close(rfd);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		char box[POLICY_BOX_MAX + 1], base[96];
		struct box_record r;
		struct lock_held lk;
		uid_t u;
		size_t len = strlen(de->d_name);

		/* A stopping mark without its record, or a record. */
		if (len > 9 && strcmp(de->d_name + len - 9, ".stopping") == 0 &&
		    len - 9 < sizeof(base)) {
			memcpy(base, de->d_name, len - 9);
			base[len - 9] = '\0';
		} else if (nsr_fmt(base, sizeof(base), "%s", de->d_name) < 0) {
			continue;
		}
		if (!state_split(base, &u, box, sizeof(box)) || (!all && u != uid))
			continue;
		/* Its lock held: a running box (or one a start or another gc
		 * has in hand), which the checks below would keep too. One
		 * try of its lock, instead of reading the record and two of
		 * /proc's stat files: a start with many boxes of its user
		 * running reads none of theirs (doc/performance.md). */
		if (lock_box_held_at(locks, u, box))
			continue;
		int rc = state_read_at(dfd, base, &r);
		if (rc == 0 && state_alive(&r))
			continue;
		/* Gone (or unreadable): remove it under the box lock, so a new
		 * start of this box (which holds it) is never touched. */
		if (lock_box(statedir, u, box, &lk, NULL) < 0)
			continue;
		if (state_read_at(dfd, base, &r) != 0 || !state_alive(&r)) {
			unlinkat(dfd, base, 0);
			char mark[112];
			if (nsr_fmt(mark, sizeof(mark), "%s.stopping", base) == 0)
				unlinkat(dfd, mark, 0);
			removed++;
		}
		lock_release(&lk);
	}
	closedir(d);
	return removed;
}
