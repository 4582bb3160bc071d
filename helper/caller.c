// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Who is calling: real uid and gid and supplementary groups from the
 * kernel (never the environment), name and home from the user database,
 * and the cgroups the caller runs in (/proc/self/cgroup, read here and
 * only here, before the supervisor leaves them: cgroup = nested boxes go
 * under these). Runs as the setuid process after sanitize; reads, changes
 * nothing.
 */
#include "caller.h"

#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* The whole file or nothing: a cut list would name the wrong cgroups. */
static void caller_cgroups(struct nsr_caller *c)
{
	nsr_cleanup_fd int fd = nsr_openat(AT_FDCWD, "/proc/self/cgroup", O_RDONLY, 0);
	size_t got = 0;
	ssize_t n = 1;

	if (fd < 0)
		return;
	while (n > 0 && got < sizeof(c->cgroups) - 1) {
		n = read(fd, c->cgroups + got, sizeof(c->cgroups) - 1 - got);
		if (n < 0 && errno == EINTR)
			n = 1;
		else if (n > 0)
			got += (size_t)n;
	}
	if (n != 0 || memchr(c->cgroups, '\0', got) != NULL)
		got = 0;
	c->cgroups[got] = '\0';
}

/* As many supplementary groups as the kernel holds for us, counted by
 * getgroups(0, NULL): a user in many groups is not locked out. The
 * kernel never holds more than NGROUPS_MAX; more than the system's
 * limit is refused (fail closed) rather than cut. Our own groups cannot
 * change between the two calls (only we could change them). */
static int caller_groups(struct nsr_identity *id, struct nsr_err *err)
{
	long max = sysconf(_SC_NGROUPS_MAX);
	int n = getgroups(0, NULL);
	gid_t *g;

	if (n < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot read your groups");
	if (max < 0 || max > NGROUPS_MAX)
		max = NGROUPS_MAX;
	if (n > max)
		return nsr_err_set(err, NSR_E_DENIED, 0,
				   "you are in %d groups, more than the system's limit of %ld", n,
				   max);
	g = calloc((size_t)n + 1, sizeof(*g));
	if (g == NULL)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot read your groups");
	n = getgroups(n, g);
	if (n < 0) {
		int e = errno;
		free(g);
		return nsr_err_set(err, NSR_E_SETUP, e, "cannot read your groups");
	}
	id->groups = g;
	id->n_groups = (size_t)n;
	return 0;
}

static bool db_field_ok(const char *s)
{
	if (s == NULL)
		return false;
	for (; *s; s++)
		if (*s == ':' || (unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

int caller_load(const char *term, struct nsr_caller *c, struct nsr_err *err)
{
	struct passwd *pw;

	nsr_zero_sparse(c, sizeof(*c));
	c->id.uid = getuid();
	c->id.gid = getgid();
	if (caller_groups(&c->id, err) < 0)
		return -1;

	errno = 0;
	pw = getpwuid(c->id.uid);
	if (pw == NULL)
		return nsr_err_set(err, NSR_E_DENIED, errno,
				   "uid %u has no entry in the user database", (unsigned)c->id.uid);
	/* The name and home go into the box's /etc/passwd: a ':' or a
	 * control character (a newline from a directory service) would add
	 * fields or lines there. */
	if (!db_field_ok(pw->pw_name) || !db_field_ok(pw->pw_dir))
		return nsr_err_set(
			err, NSR_E_DENIED, 0,
			"user database entry of uid %u has ':' or a control character in its name or home",
			(unsigned)c->id.uid);
	if (nsr_fmt(c->id.user, sizeof(c->id.user), "%s", pw->pw_name) < 0 ||
	    nsr_fmt(c->id.home, sizeof(c->id.home), "%s", pw->pw_dir) < 0 ||
	    nsr_fmt(c->shell, sizeof(c->shell), "%s", pw->pw_shell ? pw->pw_shell : "") < 0)
		return nsr_err_set(err, NSR_E_DENIED, 0,
				   "user database entry of uid %u is too long", (unsigned)c->id.uid);
	if (term != NULL)
		memcpy(c->term, term, strnlen(term, sizeof(c->term) - 1));
	for (int fd = 0; fd <= 2; fd++)
		if (isatty(fd) == 1)
			c->tty_fds |= 1u << fd;
	c->interactive = (c->tty_fds & 1u) != 0;
	caller_cgroups(c);
	return 0;
}
