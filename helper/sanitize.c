// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * First thing nsrun does as a setuid process: throw away what the caller
 * controls. The environment is cleared (only a validated TERM survives, for
 * the box, and a bounded, checked copy that only the policy's pass_env can
 * let into a box: nsrun itself never reads it), fds 0-2 are made to exist and every other fd is closed, umask,
 * signal mask and dispositions are reset, cwd is "/", and rlimits that could
 * break setup are raised for nsrun's own work (the caller's are kept to be
 * put back in the payload). Core dumps off and not dumpable, so the caller
 * can neither read our memory nor ptrace us.
 */
#include "sanitize.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <sys/statfs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caps.h"
#include "util.h"

#define NSR_MIN_NOFILE 64

bool sanitize_term_ok(const char *term)
{
	size_t i, n;

	if (term == NULL)
		return false;
	n = strnlen(term, 64);
	if (n == 0 || n >= 64)
		return false;
	for (i = 0; i < n; i++) {
		char c = term[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '+' || c == '-'))
			return false;
	}
	return true;
}

static bool sanitize_env_byte_ok(unsigned char c)
{
	return c >= 0x20 && c != 0x7f;
}

void sanitize_env_keep(struct sanitize_env *env, const char *entry)
{
	size_t nlen = strcspn(entry, "=");
	size_t vlen = entry[nlen] == '=' ? strnlen(entry + nlen + 1, SANITIZE_ENV_VALUE_MAX + 1) : 0;
	enum sanitize_var_state st = SANITIZE_VAR_OK;
	size_t keep, i;

	if (entry[nlen] != '=' || nlen == 0)
		return; /* not NAME=VALUE: nothing a glob could name */
	if (env->n >= SANITIZE_ENV_MAX) {
		env->skipped++;
		return;
	}
	if (nlen > SANITIZE_ENV_NAME_MAX || vlen > SANITIZE_ENV_VALUE_MAX)
		st = SANITIZE_VAR_TOO_LONG;
	for (i = 0; st == SANITIZE_VAR_OK && i < nlen + 1 + vlen; i++)
		if (!sanitize_env_byte_ok((unsigned char)entry[i]))
			st = SANITIZE_VAR_CONTROL;
	keep = st == SANITIZE_VAR_OK	    ? nlen + 1 + vlen :
	       nlen < SANITIZE_ENV_NAME_MAX ? nlen :
					      SANITIZE_ENV_NAME_MAX;
	if (keep + 1 > sizeof(env->arena) - env->used) {
		env->skipped++;
		return;
	}
	env->vars[env->n].off = (unsigned)env->used;
	env->vars[env->n].state = st;
	for (i = 0; i < keep; i++) {
		char c = entry[i];
		/* a rejected name is kept for the warning only: printable */
		env->arena[env->used + i] = st != SANITIZE_VAR_OK &&
							    !sanitize_env_byte_ok((unsigned char)c) ?
						    '?' :
						    c;
	}
	env->arena[env->used + keep] = '\0';
	env->used += keep + 1;
	env->n++;
}

void sanitize_env_name(const struct sanitize_env *env, size_t i, char *out, size_t outsz)
{
	const char *e = env->arena + env->vars[i].off;
	size_t n = strcspn(e, "=");

	if (outsz == 0)
		return;
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, e, n);
	out[n] = '\0';
}

void sanitize_signals(void)
{
	sigset_t none;
	int sig;

	for (sig = 1; sig < NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		signal(sig, SIG_DFL); /* EINVAL for RT signals libc keeps: fine */
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* What a status fd may be: a pipe, a socket, or a regular file of an
 * ordinary file system. Never a file of proc, sys, cgroupfs and the like,
 * whose write handlers may look at the writer (root here) rather than at
 * who opened the file. */
static bool sanitize_status_fd_ok(int fd)
{
	static const unsigned long special[] = {
		PROC_SUPER_MAGIC,    SYSFS_MAGIC,   CGROUP_SUPER_MAGIC,
		CGROUP2_SUPER_MAGIC, DEBUGFS_MAGIC, TRACEFS_MAGIC,
		SECURITYFS_MAGIC,    BPF_FS_MAGIC,  0x62656570 /* configfs */,
		DEVPTS_SUPER_MAGIC,  SELINUX_MAGIC, SMACK_MAGIC,
		EFIVARFS_MAGIC,
	};
	struct statfs sf;
	struct stat st;
	size_t i;

	if (fstat(fd, &st) < 0)
		return false;
	if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))
		return true;
	if (!S_ISREG(st.st_mode) || fstatfs(fd, &sf) < 0)
		return false;
	for (i = 0; i < sizeof(special) / sizeof(special[0]); i++)
		if ((unsigned long)sf.f_type == special[i])
			return false;
	return true;
}

static int sanitize_fds(int keep_fd, struct nsr_err *err)
{
	int fd;

	/* fds 0-2 must exist, or files we open later could land on them and
	 * be written to as if they were stdout. */
	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0)
			continue;
		int nfd = open("/dev/null", O_RDWR | O_NOCTTY);
		if (nfd < 0)
			return nsr_err_set(err, NSR_E_SETUP, errno, "cannot open /dev/null");
		if (nfd != fd) {
			close(nfd);
			return nsr_err_set(err, NSR_E_SETUP, 0, "cannot fill fd %d", fd);
		}
	}
	/* Every inherited fd above 2 goes: to /, to a policy dir, to a cgroup
	 * dir, whatever the caller opened. None may reach the box
	 * (CVE-2024-21626 class).
	 * The one exception is the fd the caller named with --status-fd: it
	 * stays open in nsrun (close-on-exec, so never in the box), and only
	 * JSON lines nsrun writes go to it. */
	if (keep_fd >= 3) {
		int fl = fcntl(keep_fd, F_GETFL);
		if (fl < 0 || (fl & O_ACCMODE) == O_RDONLY)
			return nsr_err_set(err, NSR_E_USAGE, 0,
					   "--status-fd %d is not open for writing", keep_fd);
		if (!sanitize_status_fd_ok(keep_fd))
			return nsr_err_set(err, NSR_E_USAGE, 0,
					   "--status-fd %d is not a pipe, a socket or a plain file",
					   keep_fd);
		if (fcntl(keep_fd, F_SETFD, FD_CLOEXEC) < 0 ||
		    (keep_fd > 3 && close_range(3, (unsigned)keep_fd - 1, 0) < 0) ||
		    close_range((unsigned)keep_fd + 1, ~0U, 0) < 0)
			return nsr_err_set(err, NSR_E_SETUP, errno, "cannot close inherited fds");
		return 0;
	}
	if (close_range(3, ~0U, 0) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot close inherited fds");
	return 0;
}

/* For nsrun's own work: every soft limit up to its hard limit, core dumps
 * off. Hard limits are never lowered (without CAP_SYS_RESOURCE we could
 * not give the caller theirs back); only RLIMIT_FSIZE is lifted when it can
 * be, and below 64 fds nsrun refuses rather than half-work. */
static int sanitize_rlimits(struct nsr_inherited *inh, struct nsr_err *err)
{
	int r;

	for (r = 0; r < SANITIZE_NLIMITS; r++) {
		struct rlimit want;

		inh->rlim_saved[r] = getrlimit(r, &inh->rlim[r]) == 0;
		if (!inh->rlim_saved[r] || r == RLIMIT_NICE || r == RLIMIT_RTPRIO ||
		    r == RLIMIT_RTTIME)
			continue; /* do not hand out scheduling privileges */
		want.rlim_max = inh->rlim[r].rlim_max;
		want.rlim_cur = r == RLIMIT_CORE ? 0 : want.rlim_max;
		/* Files nsrun writes (leases, generated /etc files) must not be
		 * cut by the caller's limit: lift it when we may (as euid 0 with
		 * CAP_SYS_RESOURCE); the payload gets the caller's back. */
		if (r == RLIMIT_FSIZE) {
			struct rlimit inf = { RLIM_INFINITY, RLIM_INFINITY };
			if (setrlimit(r, &inf) == 0)
				continue;
		}
		setrlimit(r, &want);
	}
	if (getrlimit(RLIMIT_NOFILE, &inh->self_nofile) < 0 ||
	    inh->self_nofile.rlim_cur < NSR_MIN_NOFILE)
		return nsr_err_set(err, NSR_E_SETUP, 0,
				   "RLIMIT_NOFILE is %llu; nsrun needs at least %d open files",
				   (unsigned long long)inh->self_nofile.rlim_cur, NSR_MIN_NOFILE);
	return 0;
}

int sanitize_process(struct nsr_inherited *inh, int keep_fd, struct nsr_err *err)
{
	const char *term;

	nsr_zero_sparse(inh, sizeof(*inh));
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot make nsrun non-dumpable");
	if (caps_root_egid(err) < 0)
		return -1;

	term = getenv("TERM");
	if (sanitize_term_ok(term))
		memcpy(inh->term, term, strlen(term) + 1);
	for (char **e = environ; e != NULL && *e != NULL; e++)
		sanitize_env_keep(&inh->env, *e);
	if (clearenv() != 0)
		return nsr_err_set(err, NSR_E_SETUP, 0, "cannot clear the environment");

	sanitize_signals();
	/* A closed stderr pipe must not kill us half-way through setup. */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN); /* a tiny RLIMIT_FSIZE gives EFBIG, not death */
	inh->umask = umask(022) & 0777;
	if (getcwd(inh->cwd, sizeof(inh->cwd)) == NULL)
		inh->cwd[0] = '\0';
	if (chdir("/") < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot chdir to /");
	if (sanitize_fds(keep_fd, err) < 0)
		return -1;
	inh->status_fd = keep_fd >= 3 ? keep_fd : -1;
	return sanitize_rlimits(inh, err);
}

int sanitize_payload_limits(const struct nsr_inherited *inh, uint64_t nofile, struct nsr_err *err)
{
	struct rlimit rl;

	sanitize_restore_rlimits(inh);
	umask(inh->umask);
	if (nofile == 0)
		return 0;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && (rlim_t)nofile < rl.rlim_max)
		rl.rlim_max = (rlim_t)nofile;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot set nofile");
	return 0;
}

void sanitize_restore_rlimits(const struct nsr_inherited *inh)
{
	int r;

	for (r = 0; r < SANITIZE_NLIMITS; r++)
		if (inh->rlim_saved[r] && r != RLIMIT_NICE && r != RLIMIT_RTPRIO && r != RLIMIT_RTTIME)
			setrlimit(r, &inh->rlim[r]);
}
