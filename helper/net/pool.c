// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pool of fresh network namespaces (pool.h). Runs as root in the
 * supervisor, single-threaded: entering a pooled netns to check it and
 * to clone the box into it, and making a new one, each switch the
 * calling thread's netns and always switch back to the netns saved
 * before (a failure to get back is fatal for the caller). Trusts nothing
 * it finds in the pool dir: every name is opened without following a
 * symlink and checked on the fd; a netns is used only when it is the
 * very one nsrun made (its cookie is its entry's name), owned by our own
 * user namespace, with nothing in it but lo, down, no address, no route,
 * and the sysctl values it was born with. Any doubt: discard, and the box
 * gets a new netns.
 */
#include "pool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "internal.h"
#include "rootdir.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif
#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

/* The per-netns sysctls an entry must still have as it was born with:
 * those a tampered netns would change to reach or widen the box's
 * network (doc/hardening.md). A missing one reads as "-". */
static const char *const pool_sysctls[] = {
	"ipv4/ip_unprivileged_port_start", "ipv4/ping_group_range",	 "ipv4/ip_forward",
	"ipv4/conf/all/route_localnet",	   "ipv6/conf/all/disable_ipv6", "ipv6/conf/all/forwarding",
};

#define POOL_SYSCTL_MAX 512

void netns_pool_name(uint64_t cookie, char out[17])
{
	snprintf(out, 17, "%016llx", (unsigned long long)cookie);
}

int netns_pool_parse_name(const char *name, uint64_t *cookie)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < 16; i++) {
		char ch = name[i];
		unsigned d;
		if (ch >= '0' && ch <= '9')
			d = (unsigned)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			d = (unsigned)(ch - 'a' + 10);
		else
			return -1;
		v = v << 4 | d;
	}
	if (name[16] != '\0')
		return -1;
	*cookie = v;
	return 0;
}

void netns_claim_init(struct netns_claim *c)
{
	memset(c, 0, sizeof(*c));
	c->fd = c->host_fd = c->pool_fd = -1;
}

/* Why the claimed entry is discarded: -1. */
__attribute__((format(printf, 2, 3))) static int pool_why(struct netns_claim *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	return -1;
}

/* The cookie of the calling thread's netns. */
static int pool_cookie_here(uint64_t *cookie)
{
	socklen_t len = sizeof(*cookie);
	int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc;

	if (s < 0)
		return -1;
	rc = getsockopt(s, SOL_SOCKET, SO_NETNS_COOKIE, cookie, &len);
	if (rc == 0 && len != sizeof(*cookie)) {
		errno = EPROTO;
		rc = -1;
	}
	close(s);
	return rc;
}

/* The sysctls of pool_sysctls in the calling thread's netns, as
 * "name=value" lines (/proc/sys/net resolves to the reader's netns). */
static int pool_sysctl_snapshot(char *out, size_t sz)
{
	size_t used = 0, i;

	out[0] = '\0';
	for (i = 0; i < NSR_ARRAY_SIZE(pool_sysctls); i++) {
		char path[96], v[64];
		ssize_t n;
		int w;

		if (nsr_fmt(path, sizeof(path), "/proc/sys/net/%s", pool_sysctls[i]) < 0)
			return -1;
		n = nsr_read_file(AT_FDCWD, path, v, sizeof(v));
		if (n < 0 && errno != ENOENT)
			return -1;
		if (n < 0)
			snprintf(v, sizeof(v), "-");
		v[strcspn(v, "\n")] = '\0';
		w = snprintf(out + used, sz - used, "%s=%s\n", pool_sysctls[i], v);
		if (w < 0 || (size_t)w >= sz - used) {
			errno = ENAMETOOLONG;
			return -1;
		}
		used += (size_t)w;
	}
	return 0;
}

/* Walk an rtnetlink dump: what the calling thread's netns holds. */
struct pool_census {
	unsigned links, addrs, routes;
	bool lo_only; /* every link seen is lo, index 1, down */
};

static int pool_link_attr_cb(const struct nlattr *attr, void *data)
{
	bool *is_lo = data;

	if (mnl_attr_get_type(attr) == IFLA_IFNAME &&
	    (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0 ||
	     strcmp(mnl_attr_get_str(attr), "lo") != 0))
		*is_lo = false;
	return MNL_CB_OK;
}

static int pool_census_cb(const struct nlmsghdr *nlh, void *data)
{
	struct pool_census *c = data;

	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK: {
		const struct ifinfomsg *ifm;
		bool is_lo = true;
		c->links++;
		if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifm)) {
			c->lo_only = false;
			break;
		}
		ifm = mnl_nlmsg_get_payload(nlh);
		if (mnl_attr_parse(nlh, sizeof(*ifm), pool_link_attr_cb, &is_lo) < 0)
			is_lo = false;
		if (!is_lo || ifm->ifi_index != 1 || (ifm->ifi_flags & IFF_UP))
			c->lo_only = false;
		break;
	}
	case RTM_NEWADDR:
		c->addrs++;
		break;
	case RTM_NEWROUTE:
		c->routes++;
		break;
	default:
		break;
	}
	return MNL_CB_OK;
}

/* Empty as a fresh netns: lo alone, down, no address, no route, in any
 * family. 0, or -1 with why. */
static int pool_census_check(char *why, size_t whysz)
{
	net_cleanup_sock struct net_sock s = { 0 };
	struct pool_census c = { 0, 0, 0, true };

	if (net_sock_open(&s, NULL) < 0 ||
	    net_dump(&s, nlmsg_dump(NET_REQ(s), RTM_GETLINK, sizeof(struct ifinfomsg)),
		     pool_census_cb, &c) < 0 ||
	    net_dump(&s, nlmsg_dump(NET_REQ(s), RTM_GETADDR, sizeof(struct ifaddrmsg)),
		     pool_census_cb, &c) < 0 ||
	    net_dump(&s, nlmsg_dump(NET_REQ(s), RTM_GETROUTE, sizeof(struct rtmsg)), pool_census_cb,
		     &c) < 0) {
		snprintf(why, whysz, "cannot list its links, addresses and routes: %s",
			 strerror(errno));
		return -1;
	}
	if (c.links != 1 || !c.lo_only) {
		snprintf(why, whysz, "it has %u links, not lo alone and down", c.links);
		return -1;
	}
	if (c.addrs != 0 || c.routes != 0) {
		snprintf(why, whysz, "it has %u addresses and %u routes", c.addrs, c.routes);
		return -1;
	}
	return 0;
}

/* Remove one entry of the pool dir, whatever it is: every mount on its
 * ns file (lazily: a box may be in the netns already), its files, itself. */
static void pool_remove(int pool_fd, const char *name)
{
	nsr_cleanup_fd int dfd = nsr_openat(pool_fd, name, O_PATH | O_NOFOLLOW | O_DIRECTORY, 0);
	char path[64];
	int i;

	if (dfd < 0) {
		unlinkat(pool_fd, name, 0); /* not a directory: a file, a link */
		return;
	}
	if (nsr_fmt(path, sizeof(path), "/proc/self/fd/%d/ns", dfd) == 0)
		for (i = 0; i < 8 && umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) == 0; i++)
			;
	unlinkat(dfd, "ns", 0);
	unlinkat(dfd, "sysctl", 0);
	unlinkat(pool_fd, name, AT_REMOVEDIR);
}

static int pool_open(const char *statedir, int flags)
{
	int fd = -1;

	if (nsr_state_dir(statedir, NETNS_POOL_DIR, 0700, flags, &fd, NULL) < 0)
		return -1;
	return fd;
}

/* Rename the first entry we can win to "c.<pid>.<cookie>". 0 with
 * c->entry and c->cookie; -1: none. */
static int pool_claim(struct netns_claim *c)
{
	DIR *d = nsr_opendir_at(c->pool_fd, ".");
	struct dirent *de;
	int rc = -1;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		uint64_t cookie;
		if (netns_pool_parse_name(de->d_name, &cookie) < 0 ||
		    nsr_fmt(c->entry, sizeof(c->entry), "c.%ld.%s", (long)getpid(), de->d_name) < 0)
			continue;
		/* Atomic: of all starts renaming this name, one succeeds. */
		if (renameat(c->pool_fd, de->d_name, c->pool_fd, c->entry) == 0) {
			c->cookie = cookie;
			rc = 0;
			break;
		}
	}
	closedir(d);
	if (rc < 0)
		c->entry[0] = '\0';
	return rc;
}

/* The checks that need no entering: the entry a root-owned directory
 * closed to others, its ns file the mount of a netns owned by our own
 * user namespace. Opens c->fd; reads the recorded sysctls. */
static int pool_check_outside(struct netns_claim *c, char *rec, size_t recsz)
{
	nsr_cleanup_fd int dfd = -1, pfd = -1, ufd = -1, mine = -1;
	struct stat st, st2;
	struct statfs sf;
	char path[48];
	int type;

	dfd = nsr_root_dir(c->pool_fd, c->entry, 0700, NSR_DIR_PATH, NULL, NULL);
	if (dfd < 0)
		return pool_why(c, "the entry is not a root-owned directory closed to others");
	pfd = nsr_openat(dfd, "ns", O_PATH | O_NOFOLLOW, 0);
	if (pfd < 0 || fstat(pfd, &st) < 0 || fstatfs(pfd, &sf) < 0)
		return pool_why(c, "cannot open its ns file: %s", strerror(errno));
	if (!S_ISREG(st.st_mode) || sf.f_type != NSFS_MAGIC)
		return pool_why(c, "its ns file is not a namespace");
	/* Reopened through the fd: the same inode, now usable for setns. */
	if (nsr_fmt(path, sizeof(path), "/proc/self/fd/%d", pfd) < 0)
		return -1;
	c->fd = nsr_openat(AT_FDCWD, path, O_RDONLY | O_NOCTTY | O_NONBLOCK, 0);
	if (c->fd < 0 || fstat(c->fd, &st2) < 0 || st2.st_dev != st.st_dev || st2.st_ino != st.st_ino)
		return pool_why(c, "its namespace changed under us");
	type = ioctl(c->fd, NS_GET_NSTYPE);
	if (type != CLONE_NEWNET)
		return pool_why(c, "not a network namespace");
	ufd = ioctl(c->fd, NS_GET_USERNS);
	mine = nsr_openat(AT_FDCWD, "/proc/self/ns/user", O_RDONLY, 0);
	if (ufd < 0 || mine < 0 || fstat(ufd, &st) < 0 || fstat(mine, &st2) < 0 ||
	    st.st_dev != st2.st_dev || st.st_ino != st2.st_ino)
		return pool_why(c, "its owner is not our own user namespace");
	if (nsr_read_file(dfd, "sysctl", rec, recsz) < 0)
		return pool_why(c, "its sysctl record is missing");
	return 0;
}

/* In the pooled netns: the very one made for this entry, and as fresh. */
static int pool_check_inside(struct netns_claim *c, const char *rec)
{
	char now[POOL_SYSCTL_MAX];
	uint64_t cookie;

	if (pool_cookie_here(&cookie) < 0)
		return pool_why(c, "cannot read its cookie: %s", strerror(errno));
	if (cookie != c->cookie)
		return pool_why(c, "it is not the namespace made for the entry (cookie %016llx)",
				(unsigned long long)cookie);
	if (pool_census_check(c->why, sizeof(c->why)) < 0)
		return -1;
	if (pool_sysctl_snapshot(now, sizeof(now)) < 0)
		return pool_why(c, "cannot read its sysctls: %s", strerror(errno));
	if (strcmp(now, rec) != 0)
		return pool_why(c, "its sysctls are not those it was made with");
	return 0;
}

int netns_pool_leave(struct netns_claim *c)
{
	if (c->host_fd < 0)
		return 0;
	if (setns(c->host_fd, CLONE_NEWNET) < 0)
		return -1;
	nsr_closep(&c->host_fd);
	c->host_fd = -1;
	return 0;
}

int netns_pool_enter(const char *statedir, struct netns_claim *c)
{
	char rec[POOL_SYSCTL_MAX];
	int ok;

	netns_claim_init(c);
	c->pool_fd = pool_open(statedir, 0);
	if (c->pool_fd < 0 || pool_claim(c) < 0)
		return 0; /* no pool (yet), or it is empty */
	if (pool_check_outside(c, rec, sizeof(rec)) < 0)
		return 0;
	c->host_fd = nsr_openat(AT_FDCWD, "/proc/thread-self/ns/net", O_RDONLY, 0);
	if (c->host_fd < 0) {
		snprintf(c->why, sizeof(c->why), "cannot open our own netns: %s", strerror(errno));
		return 0;
	}
	if (setns(c->fd, CLONE_NEWNET) < 0) {
		snprintf(c->why, sizeof(c->why), "cannot enter it: %s", strerror(errno));
		nsr_closep(&c->host_fd);
		c->host_fd = -1;
		return 0;
	}
	ok = pool_check_inside(c, rec);
	if (ok < 0) {
		if (netns_pool_leave(c) < 0)
			return -1;
		return 0;
	}
	return 1;
}

void netns_pool_done(struct netns_claim *c)
{
	int saved = errno;

	if (c->pool_fd >= 0 && c->entry[0] != '\0')
		pool_remove(c->pool_fd, c->entry);
	c->entry[0] = '\0';
	nsr_closep(&c->fd);
	c->fd = -1;
	nsr_closep(&c->pool_fd);
	c->pool_fd = -1;
	errno = saved;
}

/* The pid in "t.<pid>" or "c.<pid>.<...>"; 0 for any other name. */
static pid_t pool_owner(const char *name)
{
	char *end;
	long v;

	if ((name[0] != 't' && name[0] != 'c') || name[1] != '.')
		return 0;
	errno = 0;
	v = strtol(name + 2, &end, 10);
	if (errno != 0 || v <= 0 || v > 0x7fffffffL || end == name + 2)
		return 0;
	if (name[0] == 't' ? *end != '\0' : *end != '.')
		return 0;
	return (pid_t)v;
}

static bool pool_entry_mounted(int pool_fd, const char *name)
{
	nsr_cleanup_fd int dfd = nsr_openat(pool_fd, name, O_PATH | O_NOFOLLOW | O_DIRECTORY, 0);
	nsr_cleanup_fd int pfd = dfd < 0 ? -1 : nsr_openat(dfd, "ns", O_PATH | O_NOFOLLOW, 0);
	struct statfs sf;

	return pfd >= 0 && fstatfs(pfd, &sf) == 0 && sf.f_type == NSFS_MAGIC;
}

static int pool_gc_at(int pool_fd, unsigned *entries)
{
	DIR *d = nsr_opendir_at(pool_fd, ".");
	struct dirent *de;
	int n = 0;

	*entries = 0;
	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		uint64_t cookie;
		pid_t owner;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		/* An entry whose ns file is not a netns mount in our mount
		 * namespace (one made in another, or broken) goes too. */
		if (netns_pool_parse_name(de->d_name, &cookie) == 0 &&
		    pool_entry_mounted(pool_fd, de->d_name)) {
			(*entries)++;
			continue;
		}
		owner = pool_owner(de->d_name);
		/* A live owner is making or using it; anything else goes. */
		if (owner > 0 && (kill(owner, 0) == 0 || errno != ESRCH))
			continue;
		pool_remove(pool_fd, de->d_name);
		n++;
	}
	closedir(d);
	return n;
}

int netns_pool_gc(const char *statedir)
{
	nsr_cleanup_fd int pool_fd = pool_open(statedir, 0);
	unsigned entries;

	if (pool_fd < 0)
		return 0;
	return pool_gc_at(pool_fd, &entries);
}

/* Make one entry: "t.<pid>" made and filled in our own netns's view,
 * then published under its cookie by one rename. 1 made, 0 not
 * (we are back in our netns), -1 we are not back. */
static int pool_make(int pool_fd)
{
	nsr_cleanup_fd int dfd = -1, nsfd = -1, recfd = -1, host = -1;
	char tname[24], name[17], target[48], rec[POOL_SYSCTL_MAX];
	uint64_t cookie = 0;
	bool made = false;
	int e = 0;

	if (nsr_fmt(tname, sizeof(tname), "t.%ld", (long)getpid()) < 0)
		return 0;
	pool_remove(pool_fd, tname); /* ours, from an earlier try */
	dfd = nsr_root_dir(pool_fd, tname, 0700, NSR_DIR_CREATE, NULL, NULL);
	if (dfd < 0)
		return 0;
	nsfd = nsr_openat(dfd, "ns", O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW, 0400);
	recfd = nsr_openat(dfd, "sysctl", O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW, 0400);
	host = nsr_openat(AT_FDCWD, "/proc/thread-self/ns/net", O_RDONLY, 0);
	if (nsfd < 0 || recfd < 0 || host < 0 ||
	    nsr_fmt(target, sizeof(target), "/proc/self/fd/%d", nsfd) < 0)
		goto out;
	/* The new netns: only what must happen inside it, then straight back. */
	if (unshare(CLONE_NEWNET) < 0)
		goto out;
	if (pool_cookie_here(&cookie) == 0 && pool_sysctl_snapshot(rec, sizeof(rec)) == 0 &&
	    mount("/proc/thread-self/ns/net", target, NULL, MS_BIND, NULL) == 0)
		made = true;
	if (setns(host, CLONE_NEWNET) < 0) {
		e = errno;
		if (made)
			umount2(target, MNT_DETACH);
		errno = e;
		return -1;
	}
	if (!made || nsr_write_all(recfd, rec, strlen(rec)) < 0)
		goto out;
	netns_pool_name(cookie, name);
	if (renameat(pool_fd, tname, pool_fd, name) == 0)
		return 1;
out:
	pool_remove(pool_fd, tname);
	return 0;
}

int netns_pool_fill(const char *statedir, unsigned target, unsigned max_new)
{
	nsr_cleanup_fd int pool_fd = pool_open(statedir, NSR_DIR_CREATE);
	unsigned entries, made = 0;

	if (pool_fd < 0)
		return 0;
	/* One filler at a time; the others do not wait (nor can a stopped
	 * filler hold up anyone's start: claims take no lock). */
	if (flock(pool_fd, LOCK_EX | LOCK_NB) < 0)
		return 0;
	pool_gc_at(pool_fd, &entries);
	while (entries + made < target && made < max_new) {
		int r = pool_make(pool_fd);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		made++;
	}
	return (int)made;
}
