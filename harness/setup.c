// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Run preparation. Runs as root: reads the user database (NSS is fine in
 * the harness, unlike the probe), runs `nsrun --version` as the --as user,
 * reads the probe binary, loads each policy with the policy library's
 * trusted open (the admin's file is only read, never changed).
 */
#include "config.h"

#include "setup.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "derive.h"
#include "util.h"

#define SETUP_PROBE_MAX (32u << 20)

int setup_user(const char *name, struct hx_user *u, struct nsr_err *err)
{
	struct passwd *pw = getpwnam(name);
	int n = HX_MAX_GROUPS;

	memset(u, 0, sizeof(*u));
	if (pw == NULL)
		return nsr_err_set(err, NSR_E_USAGE, 0, "no such user: %s", name);
	snprintf(u->name, sizeof(u->name), "%s", pw->pw_name);
	snprintf(u->home, sizeof(u->home), "%s", pw->pw_dir);
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	if (getgrouplist(pw->pw_name, pw->pw_gid, u->groups, &n) < 0)
		return nsr_err_set(err, NSR_E_USAGE, 0, "%s has too many groups", name);
	u->n_groups = (size_t)n;
	return 0;
}

int setup_policydir(struct hx_config *cfg, struct nsr_err *err)
{
	char out[4096] = "", *p;
	const struct hx_user *u = &cfg->as;
	size_t len = 0;
	int fds[2], st = 0, i;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "pipe");
	pid = fork();
	if (pid == 0) {
		char env_path[] = "PATH=/usr/bin:/bin", opt[] = "--version";
		char *envp[] = { env_path, NULL };
		char *argv[] = { cfg->nsrun, opt, NULL };

		/* One-way drop to the --as user: --version needs no root. */
		if (dup2(fds[1], 1) < 0 || setgroups(u->n_groups, u->groups) < 0 ||
		    setresgid(u->gid, u->gid, u->gid) < 0 || setresuid(u->uid, u->uid, u->uid) < 0)
			_exit(126);
		execve(cfg->nsrun, argv, envp);
		_exit(127);
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return nsr_err_set(err, NSR_E_SETUP, errno, "fork");
	}
	for (i = 0; i < 100 && len + 1 < sizeof(out); i++) {
		struct pollfd pf = { .fd = fds[0], .events = POLLIN };
		ssize_t r;

		if (poll(&pf, 1, 100) <= 0)
			continue;
		r = read(fds[0], out + len, sizeof(out) - 1 - len);
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	out[len] = '\0';
	close(fds[0]);
	if (waitpid(pid, &st, WNOHANG) == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return nsr_err_set(err, NSR_E_SETUP, 0, "%s --version failed", cfg->nsrun);
	/* "policydir: /etc/nsrun/policies.d" and the like, one a line. */
	for (p = out; p != NULL && *p != '\0'; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		static const char *const keys[] = { "policydir: ", "statedir: ", "datadir: " };
		char *dst[] = { cfg->policydir, cfg->statedir, cfg->datadir };
		size_t k;

		for (k = 0; k < NSR_ARRAY_SIZE(keys); k++) {
			size_t kl = strlen(keys[k]), n = strcspn(p + kl, "\n");

			if (strncmp(p, keys[k], kl) != 0 || n == 0 || n >= PATH_MAX || p[kl] != '/')
				continue;
			memcpy(dst[k], p + kl, n);
			dst[k][n] = '\0';
		}
	}
	if (cfg->policydir[0] == '\0')
		return nsr_err_set(err, NSR_E_SETUP, 0, "%s --version names no policydir",
				   cfg->nsrun);
	return 0;
}

int setup_probe(struct hx_config *cfg, struct nsr_err *err)
{
	nsr_cleanup_fd int fd = nsr_openat(AT_FDCWD, cfg->probe, O_RDONLY, 0);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "probe %s", cfg->probe);
	if (!S_ISREG(st.st_mode) || st.st_size <= 0 || (size_t)st.st_size > SETUP_PROBE_MAX)
		return nsr_err_set(err, NSR_E_SETUP, 0, "probe %s is not a plausible binary",
				   cfg->probe);
	cfg->probe_image = malloc((size_t)st.st_size);
	if (cfg->probe_image == NULL)
		return nsr_err_set(err, NSR_E_SETUP, ENOMEM, "probe");
	if (nsr_read_full(fd, cfg->probe_image, (size_t)st.st_size) != st.st_size)
		return nsr_err_set(err, NSR_E_SETUP, errno, "reading %s", cfg->probe);
	cfg->probe_len = (size_t)st.st_size;
	return 0;
}

int setup_marker(struct hx_config *cfg, struct nsr_err *err)
{
	char dir[PATH_MAX];
	nsr_cleanup_fd int fd = -1;

	snprintf(dir, sizeof(dir), "/run/nsrun-harness.%ld", (long)getpid());
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return nsr_err_set(err, NSR_E_SETUP, errno, "mkdir %s", dir);
	if (nsr_fmt(cfg->marker, sizeof(cfg->marker), "%s/marker", dir) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "marker path");
	fd = nsr_openat(AT_FDCWD, cfg->marker, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "create %s", cfg->marker);
	return 0;
}

void setup_cleanup(struct hx_config *cfg)
{
	char *slash;

	if (cfg->marker[0] != '\0') {
		unlink(cfg->marker);
		slash = strrchr(cfg->marker, '/');
		*slash = '\0';
		rmdir(cfg->marker);
		cfg->marker[0] = '\0';
	}
	free(cfg->probe_image);
	cfg->probe_image = NULL;
}

int setup_target(const struct hx_config *cfg, const char *policy, const char *box,
		 const struct suite_run *run, struct hx_target *t, struct nsr_err *err)
{
	struct policy_diags *diags = calloc(1, sizeof(*diags));
	char probe_src[PATH_MAX];

	memset(t, 0, sizeof(*t));
	t->pol = calloc(1, sizeof(*t->pol));
	t->derived = malloc(HX_DERIVED_MAX);
	if (diags == NULL || t->pol == NULL || t->derived == NULL) {
		free(diags);
		return nsr_err_set(err, NSR_E_SETUP, ENOMEM, "policy %s", policy);
	}
	if (!policy_name_valid(policy) || !policy_box_valid(box)) {
		free(diags);
		return nsr_err_set(err, NSR_E_USAGE, 0, "bad policy or box name: %s:%s", policy, box);
	}
	snprintf(t->policy, sizeof(t->policy), "%s", policy);
	snprintf(t->box, sizeof(t->box), "%s", box);
	snprintf(t->label, sizeof(t->label), "%s:%s", policy, box);
	if (policy_load(cfg->policydir, policy, t->pol, diags, err) < 0) {
		if (diags->n > 0)
			nsr_err_set(err, NSR_E_POLICY, 0, "%s:%u: %s", diags->file,
				    diags->items[0].line, diags->items[0].msg);
		free(diags);
		return nsr_err_prefix(err, "policy %s", policy);
	}
	free(diags);
	if (nsr_fmt(probe_src, sizeof(probe_src), "%s/%s", cfg->policydir, HX_PROBE_DIR) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "probe path");
	if (derive_policy(t->pol, cfg->as.uid, probe_src, t->derived, HX_DERIVED_MAX, err) < 0 ||
	    derive_expect(t->pol, &cfg->as, box, &t->exp, err) < 0)
		return -1;
	if (run != NULL)
		suite_apply(run, &t->exp);
	t->checks = run != NULL ? run->checks : hx_all_checks();
	return 0;
}

void setup_target_free(struct hx_target *t)
{
	free(t->pol);
	free(t->derived);
	t->pol = NULL;
	t->derived = NULL;
}
