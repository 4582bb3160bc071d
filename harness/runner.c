// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Drive one nsrun process. Runs as root. The child's privileged steps (a
 * private mount namespace, a tmpfs over the policy dir) touch only the
 * child's own namespace; it then drops to the --as user for good before it
 * execs nsrun, so nsrun sees an ordinary caller. The parent reads the
 * probe's output (untrusted) with bounds and deadlines.
 */
#include "config.h"

#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

#define RUN_OUT_MAX (4u << 20)
#define RUN_MAX_ARGS 32

__attribute__((noreturn)) static void run_child_die(int fd, const char *step)
{
	dprintf(fd, "nsrun-harness: child: %s: %s\n", step, strerror(errno));
	_exit(125);
}

static int run_write(int dfd, const char *name, const char *data, size_t len, mode_t mode)
{
	nsr_cleanup_fd int fd = nsr_openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL, 0600);

	if (fd < 0 || nsr_write_all(fd, data, len) < 0)
		return -1;
	/* fchmod after writing: a umask must not strip the set-uid bit. */
	return fchmod(fd, mode);
}

/* The child: never returns. */
static void run_child(const struct hx_ctx *ctx, const char *policy_mnt, char *const *argv, int in_r,
		      int out_w, int err_w)
{
	/* LC_ALL and the canary must not reach the box (the env check). */
	char env_path[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin", env_lc[] = "LC_ALL=C";
	char env_canary[] = "NSRUN_HARNESS_CANARY=1";
	char *envp[] = { env_path, env_lc, env_canary, NULL };
	const struct hx_config *cfg = ctx->cfg;
	const struct hx_user *u = &cfg->as;
	char name[POLICY_NAME_MAX + 8];
	int dfd, probe_dfd, keep_root, keep_pol;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	umask(022);
	/* A mount namespace of our own. Only the mount holding the policy
	 * dir is made private (not recursively), so the tmpfs below never
	 * reaches the host or the admin's real policy dir, while every other
	 * mount keeps the host's propagation: the box must cut it itself,
	 * and mount-propagation must be able to see when it does not. */
	if (unshare(CLONE_NEWNS) < 0)
		run_child_die(err_w, "unshare(CLONE_NEWNS)");
	if (mount(NULL, policy_mnt, NULL, MS_PRIVATE, NULL) < 0)
		run_child_die(err_w, "make the policy dir's mount private");
	/* Root-owned 0755 as nsrun's trust walk wants; no nosuid, so the
	 * setuid check has a set-uid binary for the box to defeat. */
	if (mount("nsrun-harness", cfg->policydir, "tmpfs", MS_NODEV,
		  "mode=0755,uid=0,gid=0,size=64m") < 0)
		run_child_die(err_w, "tmpfs over the policy dir");
	dfd = nsr_openat(AT_FDCWD, cfg->policydir, O_PATH | O_DIRECTORY, 0);
	if (ctx->t == NULL)
		run_child_die(err_w, "no target");
	snprintf(name, sizeof(name), "%s.ini", ctx->t->policy);
	if (dfd < 0 || run_write(dfd, name, ctx->t->derived, strlen(ctx->t->derived), 0644) < 0)
		run_child_die(err_w, "write the derived policy");
	if (mkdirat(dfd, HX_PROBE_DIR, 0755) < 0 ||
	    (probe_dfd = nsr_openat(dfd, HX_PROBE_DIR, O_PATH | O_DIRECTORY, 0)) < 0 ||
	    run_write(probe_dfd, "nsrun-probe", cfg->probe_image, cfg->probe_len, 0755) < 0 ||
	    run_write(probe_dfd, "nsrun-probe-suid", cfg->probe_image, cfg->probe_len, 04755) < 0)
		run_child_die(err_w, "copy the probe");
	/* Deliberately inheritable (no O_CLOEXEC): the fds check wants to
	 * see that nsrun closes what its caller leaks. */
	keep_root = open("/", O_RDONLY | O_DIRECTORY);
	keep_pol = open(cfg->policydir, O_RDONLY | O_DIRECTORY);
	if (keep_root < 0 || keep_pol < 0)
		run_child_die(err_w, "open the leaked fds");
	if (dup2(in_r, 0) < 0 || dup2(out_w, 1) < 0 || dup2(err_w, 2) < 0)
		run_child_die(err_w, "dup2");
	/* One-way drop to the --as user: groups, then gid, then uid. */
	if (setgroups(u->n_groups, u->groups) < 0 || setresgid(u->gid, u->gid, u->gid) < 0 ||
	    setresuid(u->uid, u->uid, u->uid) < 0)
		run_child_die(2, "drop to the --as user");
	if (u->uid != 0 && (setuid(0) == 0 || geteuid() == 0))
		run_child_die(2, "privileges still held after the drop");
	if (chdir("/") < 0)
		run_child_die(2, "chdir /");
	execve(cfg->nsrun, argv, envp);
	run_child_die(2, cfg->nsrun);
}

/* The mount point holding path: the longest mountinfo mount point that is
 * path or a directory above it. */
static int run_mount_of(const char *path, char *mp, size_t sz)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[8192], point[4096];
	size_t best = 0;

	if (f == NULL)
		return -1;
	mp[0] = '\0';
	while (fgets(line, sizeof(line), f) != NULL) {
		size_t n;

		if (sscanf(line, "%*s %*s %*s %*s %4095s", point) != 1)
			continue;
		n = strlen(point);
		if (n < best || n >= sz || strncmp(path, point, n) != 0 ||
		    (n > 1 && path[n] != '/' && path[n] != '\0'))
			continue;
		best = n;
		memcpy(mp, point, n + 1);
	}
	fclose(f);
	return best > 0 ? 0 : -1;
}

static void run_free_argv(char **argv)
{
	size_t i;

	for (i = 0; i < RUN_MAX_ARGS && argv[i] != NULL; i++)
		free(argv[i]);
}

int run_start(const struct hx_ctx *ctx, const char *const *args, struct run_box *b,
	      struct nsr_err *err)
{
	const char *head[] = { "--policy", ctx->t->policy, ctx->t->box, "--", NULL };

	return run_start_with(ctx, head, args, b, err);
}

int run_start_with(const struct hx_ctx *ctx, const char *const *head, const char *const *args,
		   struct run_box *b, struct nsr_err *err)
{
	char *argv[RUN_MAX_ARGS] = { NULL };
	char policy_mnt[PATH_MAX];
	const char *src[RUN_MAX_ARGS];
	int in[2], out[2], errp[2];
	size_t n = 0, i;

	memset(b, 0, sizeof(*b));
	b->in_fd = b->out_fd = b->err_fd = -1;
	b->pid = -1;
	src[n++] = ctx->cfg->nsrun;
	for (i = 0; head[i] != NULL && n < RUN_MAX_ARGS - 1; i++)
		src[n++] = head[i];
	for (i = 0; args[i] != NULL && n < RUN_MAX_ARGS - 1; i++)
		src[n++] = args[i];
	/* execve wants char *: copies, freed in the parent after fork. */
	for (i = 0; i < n; i++)
		if ((argv[i] = strdup(src[i])) == NULL) {
			run_free_argv(argv);
			return nsr_err_set(err, NSR_E_SETUP, ENOMEM, "argv");
		}
	if (run_mount_of(ctx->cfg->policydir, policy_mnt, sizeof(policy_mnt)) < 0) {
		run_free_argv(argv);
		return nsr_err_set(err, NSR_E_SETUP, 0, "no mount holds %s", ctx->cfg->policydir);
	}
	b->out_cap = 65536;
	b->out = malloc(b->out_cap);
	if (b->out == NULL)
		return nsr_err_set(err, NSR_E_SETUP, ENOMEM, "output buffer");
	b->out[0] = '\0';
	if (pipe2(in, O_CLOEXEC) < 0) {
		run_free_argv(argv);
		return nsr_err_set(err, NSR_E_SETUP, errno, "pipe");
	}
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
		close(in[0]);
		close(in[1]);
		run_free_argv(argv);
		return nsr_err_set(err, NSR_E_SETUP, errno, "pipe");
	}
	clock_gettime(CLOCK_MONOTONIC, &b->deadline);
	b->deadline.tv_sec += ctx->cfg->timeout_s;
	fflush(NULL);
	b->pid = fork();
	if (b->pid == 0)
		run_child(ctx, policy_mnt, argv, in[0], out[1], errp[1]);
	run_free_argv(argv);
	close(in[0]);
	close(out[1]);
	close(errp[1]);
	b->in_fd = in[1];
	b->out_fd = out[0];
	b->err_fd = errp[0];
	if (b->pid < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "fork");
	return 0;
}

static long run_ms_left(const struct run_box *b)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (b->deadline.tv_sec - now.tv_sec) * 1000 +
	       (b->deadline.tv_nsec - now.tv_nsec) / 1000000;
}

static void run_kill(struct run_box *b)
{
	int i;

	if (b->exited || b->pid <= 0)
		return;
	b->timed_out = true;
	kill(b->pid, SIGTERM);
	for (i = 0; i < 40; i++) {
		if (waitpid(b->pid, &b->status, WNOHANG) == b->pid) {
			b->exited = true;
			return;
		}
		usleep(50000);
	}
	kill(b->pid, SIGKILL);
	if (waitpid(b->pid, &b->status, 0) == b->pid)
		b->exited = true;
}

/* Read what is there; returns false when both pipes are at EOF. */
static bool run_read(struct run_box *b, int timeout_ms)
{
	struct pollfd p[2] = {
		{ .fd = b->out_fd, .events = POLLIN },
		{ .fd = b->err_fd, .events = POLLIN },
	};
	char tmp[8192];
	int i;

	if (b->out_fd < 0 && b->err_fd < 0)
		return false;
	if (poll(p, 2, timeout_ms) <= 0)
		return true;
	for (i = 0; i < 2; i++) {
		int *fd = i == 0 ? &b->out_fd : &b->err_fd;
		ssize_t r;

		if (*fd < 0 || p[i].revents == 0)
			continue;
		r = read(*fd, tmp, sizeof(tmp));
		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			close(*fd);
			*fd = -1;
		} else if (i == 0) {
			while (b->out_len + (size_t)r + 1 > b->out_cap && b->out_cap < RUN_OUT_MAX) {
				char *n = realloc(b->out, b->out_cap * 2);
				if (n == NULL)
					break;
				b->out = n;
				b->out_cap *= 2;
			}
			if (b->out_len + (size_t)r + 1 <= b->out_cap) {
				memcpy(b->out + b->out_len, tmp, (size_t)r);
				b->out_len += (size_t)r;
				b->out[b->out_len] = '\0';
			}
		} else {
			size_t room = sizeof(b->err) - 1 - b->err_len;
			size_t k = (size_t)r < room ? (size_t)r : room;
			memcpy(b->err + b->err_len, tmp, k);
			b->err_len += k;
			b->err[b->err_len] = '\0';
		}
	}
	return true;
}

static bool run_has_line(const struct run_box *b, const char *line)
{
	size_t n = strlen(line);
	const char *p = b->out;

	while ((p = strstr(p, line)) != NULL) {
		if ((p == b->out || p[-1] == '\n') && p[n] == '\n')
			return true;
		p += n;
	}
	return false;
}

int run_until(struct run_box *b, const char *line)
{
	while (!run_has_line(b, line)) {
		long left = run_ms_left(b);

		if (left <= 0) {
			run_kill(b);
			return -1;
		}
		if (!run_read(b, left > 200 ? 200 : (int)left))
			return -1;
	}
	return 0;
}

int run_send(struct run_box *b, const char *s)
{
	if (b->in_fd < 0)
		return -1;
	return nsr_write_all(b->in_fd, s, strlen(s));
}

void run_finish(struct run_box *b)
{
	int grace = 0;

	if (b->in_fd >= 0) {
		close(b->in_fd);
		b->in_fd = -1;
	}
	for (;;) {
		long left = run_ms_left(b);

		if (!b->exited && b->pid > 0 && waitpid(b->pid, &b->status, WNOHANG) == b->pid)
			b->exited = true;
		if (b->exited && (b->out_fd < 0 && b->err_fd < 0))
			break;
		/* Something in the box may outlive nsrun holding the pipes:
		 * give it a second after nsrun ends, then stop reading. */
		if (b->exited && ++grace > 10)
			break;
		if (left <= 0) {
			run_kill(b);
			break;
		}
		run_read(b, left > 100 ? 100 : (int)left);
	}
	while (run_read(b, 0) && (b->out_fd >= 0 || b->err_fd >= 0) && grace++ < 50)
		;
}

void run_free(struct run_box *b)
{
	if (b->pid > 0 && !b->exited)
		run_kill(b);
	if (b->in_fd >= 0)
		close(b->in_fd);
	if (b->out_fd >= 0)
		close(b->out_fd);
	if (b->err_fd >= 0)
		close(b->err_fd);
	free(b->out);
	memset(b, 0, sizeof(*b));
	b->in_fd = b->out_fd = b->err_fd = -1;
}

int run_exit_code(const struct run_box *b)
{
	if (!b->exited)
		return -1;
	if (WIFEXITED(b->status))
		return WEXITSTATUS(b->status);
	if (WIFSIGNALED(b->status))
		return 128 + WTERMSIG(b->status);
	return -1;
}

int run_once(const struct hx_ctx *ctx, const char *const *args, struct run_box *b, struct nsr_err *err)
{
	if (run_start(ctx, args, b, err) < 0)
		return -1;
	run_finish(b);
	return 0;
}

void run_note(const struct run_box *b, struct hx_result *res)
{
	hx_note(res, "nsrun exit %d%s; stderr: %s", run_exit_code(b),
		b->timed_out ? " (killed at the time limit)" : "", b->err_len ? b->err : "(empty)");
}
