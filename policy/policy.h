/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The policy library: one INI file (nsrun.policy(5)) becomes a struct policy.
 * Parsing trusts nothing in the file; trust.c decides whether the file may
 * be believed at all (root-owned chain, no symlinks); auth.c decides whether
 * a caller may use it; expand.c expands $HOME/$USER/$UID/$BOX.
 * Setup code never reads INI: it reads a plan built from this struct.
 */
#ifndef NSR_POLICY_H
#define NSR_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "boxname.h"
#include "err.h"

#define POLICY_NAME_MAX 64		/* [a-z0-9][a-z0-9_-]{0,63} */
#define POLICY_BOX_MAX NSR_BOX_NAME_MAX /* [a-z0-9][a-z0-9-]{0,62} */
#define POLICY_STR_MAX 512		/* any single value, paths included */
#define POLICY_DESC_MAX 256
#define POLICY_MAX_IDS 64 /* users = ..., groups = ... */
#define POLICY_MAX_BINDS 32
#define POLICY_MAX_TMPFS 16
#define POLICY_MAX_ENV 32
#define POLICY_MAX_DNS 3
#define POLICY_IFNAME_MAX 16		    /* IFNAMSIZ, NUL included */
#define POLICY_RUNTIME_MAX (366ULL * 86400) /* [limits] runtime, seconds */
#define POLICY_LOG_DEFAULT (10ULL << 20)    /* [box] log_max */
#define POLICY_LOG_MIN (64ULL << 10)
#define POLICY_LOG_MAX (16ULL << 30)
#define POLICY_MAX_PASS_ENV 32	/* [box] pass_env globs */
#define POLICY_GLOB_MAX 64	/* one glob, NUL included */
#define POLICY_MAX_DEV_ALLOW 32 /* [devices] allow = entries */
#define POLICY_DEV_PATH_MAX 128 /* "/dev/..." as written, NUL included */

enum policy_writable {
	POLICY_WRITABLE_NO = 0,
	POLICY_WRITABLE_TMPFS,
	POLICY_WRITABLE_PERSISTENT,
};

enum policy_netmode {
	POLICY_NET_NONE = 0,
	POLICY_NET_BRIDGE,
	POLICY_NET_HOST,
};

/* Paths below are as written (normalised, absolute), before expansion. */
struct policy_bind {
	char source[POLICY_STR_MAX];
	char target[POLICY_STR_MAX];
	bool rw;
	unsigned line;
};

struct policy_tmpfs {
	char target[POLICY_STR_MAX];
	uint64_t size; /* bytes; 0 = kernel default */
	unsigned line;
};

struct policy_limits {
	bool has_pids, has_memory, has_swap, has_cpu, has_nofile;
	bool cgroup_nested; /* cgroup = nested: the leaf goes under the
	                            caller's own cgroup (nsrun.policy(5)) */
	uint64_t pids;
	uint64_t memory;    /* bytes */
	uint64_t swap;	    /* bytes */
	uint32_t cpu_milli; /* 1.5 CPUs = 1500 */
	uint64_t nofile;
	bool has_runtime;
	uint64_t runtime; /* wall-clock seconds */
};

struct policy_net {
	enum policy_netmode mode;
	char bridge[POLICY_IFNAME_MAX];
	uint32_t subnet; /* host byte order, network address */
	unsigned prefix; /* 0..32 */
	bool has_subnet, has_gateway, has_per_user;
	uint32_t gateway; /* host byte order */
	uint32_t dns[POLICY_MAX_DNS];
	size_t n_dns;
	unsigned per_user;
	bool netns_pool; /* netns_pool = yes: a netns from nsrun's pool, else a new one */
};

enum policy_gpus {
	POLICY_GPUS_NONE = 0,
	POLICY_GPUS_ALL,
	POLICY_GPUS_SCHEDULER, /* only those the caller's device cgroup allows */
};

/* One [devices] allow = entry: "/dev/..." as written (a glob only in the
 * last component), without the leading '?' of an optional entry. */
struct policy_dev_allow {
	char path[POLICY_DEV_PATH_MAX];
	bool optional; /* "?/dev/...": skipped with a warning if absent */
	bool glob;
	unsigned line;
};

struct policy_devices {
	bool present; /* the policy has a [devices] section */
	struct policy_dev_allow allow[POLICY_MAX_DEV_ALLOW];
	size_t n_allow;
	bool allow_block; /* allow_block = yes */
	enum policy_gpus gpus;
};

struct policy {
	char name[POLICY_NAME_MAX + 1];
	char description[POLICY_DESC_MAX];

	uid_t users[POLICY_MAX_IDS];
	size_t n_users;
	gid_t groups[POLICY_MAX_IDS];
	size_t n_groups;

	char rootfs[POLICY_STR_MAX];
	enum policy_writable writable;

	struct policy_bind binds[POLICY_MAX_BINDS];
	size_t n_binds;
	struct policy_tmpfs tmpfs[POLICY_MAX_TMPFS];
	size_t n_tmpfs;

	struct policy_limits limits;
	struct policy_net net;
	struct policy_devices devices;

	char hostname[POLICY_STR_MAX];		  /* default "$BOX" */
	char command[POLICY_STR_MAX];		  /* "" = none given */
	char env[POLICY_MAX_ENV][POLICY_STR_MAX]; /* "NAME=value" */
	bool deny_userns;			  /* [box] userns = no */
	bool deny_join;				  /* [box] join = no */
	uint64_t log_max;			  /* [box] log_max, 0 = POLICY_LOG_DEFAULT */
	bool log_keep;				  /* [box] log_keep = yes */
	size_t n_env;
	/* [box] pass_env: globs over the caller's variable names */
	char pass_env[POLICY_MAX_PASS_ENV][POLICY_GLOB_MAX];
	size_t n_pass_env;
};

/* Diagnostics: every problem found, each as FILE:LINE: message. */
#define POLICY_DIAG_MAX 64
struct policy_diag {
	unsigned line; /* 0 = about the file as a whole */
	char msg[256];
};
struct policy_diags {
	char file[POLICY_STR_MAX];
	struct policy_diag items[POLICY_DIAG_MAX];
	size_t n;
	size_t dropped; /* beyond POLICY_DIAG_MAX */
};

/* ---- bind sources (bindsrc.c) ---- */
/* NULL when the opened bind source fd may be bound into a box, else what
 * it is in a few words ("on procfs", "the host's /"): a kernel file system,
 * the host's / or /dev, a device node, a directory above a mount of one of
 * those. Decided on the fd, not the name. */
const char *policy_bind_source_refused(int fd);

/* ---- names (names.c) ---- */
bool policy_name_valid(const char *name);
/* The box rule lives in common/boxname.c (the cgroup library needs it). */
static inline bool policy_box_valid(const char *box)
{
	return nsr_box_name_valid(box);
}
/* An expanded hostname: one RFC 1123 label (a-z, digits, '-'; not
 * first or last), 1..63 characters. */
bool policy_hostname_valid(const char *h);
/* "/" and /proc, /sys, /dev or below: nsrun mounts those itself, a bind or
 * tmpfs may not target them (check again after expansion). */
bool policy_target_reserved(const char *path);

/* ---- the device deny list (devices.c) ----
 * `rel` is a path below /dev ("mem", "cpu/0/msr"). Returns why the node
 * can never be given to a box, or NULL. type: 'c', 'b', or 0 when only
 * the path is known (then the numbers are not looked at). */
const char *policy_dev_denied(const char *rel, char type, unsigned major, unsigned minor);
/* Whether a glob below /dev would match a denied name: its reason, and
 * the name in *sample. NULL when it matches none of them. */
const char *policy_dev_glob_denied(const char *glob, const char **sample);
/* One of the nodes every box gets ("null", ..., "tty", "ptmx"). */
bool policy_dev_minimal(const char *rel);

/* ---- parsing (parse.c, validate.c) ----
 * Parse and validate the policy text read from fd (a regular file already
 * opened by the caller). `display` is the file name used in diagnostics;
 * out->name is taken from it when it ends in NAME.ini with a valid NAME
 * (policy_load sets it from the requested name).
 * Returns 0 when the policy is valid, -1 with every problem in *diags.
 * A policy with any problem is refused as a whole: *out is then zeroed. */
int policy_parse_fd(int fd, const char *display, struct policy *out, struct policy_diags *diags);

/* Value parsers, exposed for tests. Each returns 0 or -1. */
int policy_parse_size(const char *s, uint64_t *out);  /* 64M, 1G, 4096 */
int policy_parse_cpu(const char *s, uint32_t *milli); /* 1.5 -> 1500 */
int policy_parse_ipv4(const char *s, uint32_t *addr); /* host order */
int policy_parse_cidr(const char *s, uint32_t *net, unsigned *prefix);
/* 90, 90s, 15m, 8h, 2d -> seconds (1 s to 366 d); back as "8h", "90m". */
int policy_parse_duration(const char *s, uint64_t *seconds);
int policy_format_duration(uint64_t seconds, char *out, size_t outsz);
/* Absolute, no "." or ".." component, no "//", no trailing "/" (but "/"),
 * printable. `$VAR` words allowed when allow_vars. */
bool policy_path_ok(const char *p, bool allow_vars);

/* ---- trust (trust.c) ----
 * Open `path` for reading such that it may be believed: no component is a
 * symlink, every directory from / down is owned by root and not writable by
 * group or others (sticky does not help), the file itself is a regular file
 * owned by root, not group/other writable. All checks are on opened fds.
 * On success *fd_out is an O_RDONLY fd. `why` gets a short reason. */
int trust_open_file(const char *path, int *fd_out, char *why, size_t whysz);
/* The same walk for a directory (rootfs, policydir); *fd_out is O_PATH. */
int trust_open_dir(const char *path, int *fd_out, char *why, size_t whysz);
/* Check one opened fd: owner root, not g/o writable, of the wanted type. */
int trust_check_fd(int fd, bool want_dir, char *why, size_t whysz);

/* Load policydir/NAME.ini: name check, trusted open, parse. On failure
 * diags holds the reasons (for root) and err a one-line summary that
 * reveals nothing about the file system (for everybody else). */
int policy_load(const char *policydir, const char *name, struct policy *out,
		struct policy_diags *diags, struct nsr_err *err);

/* nsrun --check FILE: `path` as given on the command line (relative to the
 * cwd or absolute). The trust walk runs on the absolute path; an untrusted
 * file is still parsed so that every problem is reported (trust first, at
 * line 0). Diagnostics quote the file's contents: call this only after
 * dropping to the caller's own uid/gid. Returns 0 when trusted and valid. */
int policy_check_file(const char *path, struct policy *out, struct policy_diags *diags);

/* ---- environment pass-through (env.c) ----
 * Variables nsrun never passes into a box, whatever the policy says: LD_*,
 * MALLOC_* and glibc's unsecure list (GCONV_PATH, GLIBC_TUNABLES, ...). */
bool policy_env_forbidden(const char *name);
/* A pass_env glob: 1..63 of [A-Za-z0-9_*?], not starting with a digit. */
bool policy_env_glob_valid(const char *glob);
/* Could the glob match a forbidden name? *which gets one it could match. */
bool policy_env_glob_forbidden(const char *glob, const char **which);
/* Does the policy pass the caller's variable `name` (never a forbidden
 * one)? */
bool policy_pass_env_match(const struct policy *p, const char *name);

/* ---- authorisation (auth.c) ---- */
enum policy_verdict {
	POLICY_DENY = 0,
	POLICY_ALLOW = 1,
};
struct policy_caller {
	uid_t uid;
	gid_t gid;
	const gid_t *groups; /* supplementary groups */
	size_t n_groups;
};
enum policy_verdict policy_authorize(const struct policy *p, const struct policy_caller *c);

/* ---- expansion (expand.c) ----
 * Expand $HOME, $USER, $UID, $BOX in `in` into out. Values come from the
 * user database and the validated box name, never from the environment.
 * Fails when a value would add a "." or ".." component, a "//", or make
 * the result non-normalised or too long; unknown $VARs fail too. */
struct policy_vars {
	const char *user;
	uid_t uid;
	const char *home;
	const char *box;
};
int policy_expand(const char *in, const struct policy_vars *v, char *out, size_t outsz,
		  struct nsr_err *err);
/* The same for a path: the result must also pass policy_path_ok(.., false). */
int policy_expand_path(const char *in, const struct policy_vars *v, char *out, size_t outsz,
		       struct nsr_err *err);

#endif
