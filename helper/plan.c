// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The trust boundary. plan_build() is the only writer of a struct nsr_plan:
 * it takes a policy that has already been trusted and authorised, the
 * caller's kernel credentials and the parsed argv, expands $HOME/$USER/
 * $UID/$BOX (values from the user database, never the environment) and
 * fixes every path, limit and string the setup code will act on. The
 * caller's environment enters a box only here, variable by variable, as
 * the policy's pass_env allows (never a loader variable: policy/env.c).
 * Pure apart from reading nothing: no privilege needed, no I/O but printing.
 */
#include "plan.h"

#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define PLAN_SHELL_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._+-"
#define PLAN_PATH_ENV "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static unsigned path_depth(const char *p)
{
	unsigned d = 0;

	for (; *p; p++)
		if (*p == '/' && p[1] != '\0')
			d++;
	return d;
}

static int plan_env_set(struct nsr_plan *plan, const char *kv, struct nsr_err *err)
{
	const char *eq = strchr(kv, '=');
	size_t klen = eq ? (size_t)(eq - kv) : 0, i;

	if (klen == 0)
		return nsr_err_set(err, NSR_E_POLICY, 0, "bad environment entry");
	for (i = 0; i < plan->envc; i++) {
		if (strncmp(plan->env_store[i], kv, klen + 1) == 0)
			break;
	}
	if (i == plan->envc) {
		if (plan->envc >= NSR_ARRAY_SIZE(plan->env_store))
			return nsr_err_set(err, NSR_E_POLICY, 0, "too many environment entries");
		plan->envc++;
	}
	if (nsr_fmt(plan->env_store[i], sizeof(plan->env_store[i]), "%s", kv) < 0)
		return nsr_err_set(err, NSR_E_POLICY, 0, "environment entry too long");
	plan->envp[i] = plan->env_store[i];
	plan->envp[plan->envc] = NULL;
	return 0;
}

static void plan_warn(struct nsr_plan *plan, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void plan_warn(struct nsr_plan *plan, const char *fmt, ...)
{
	va_list ap;

	if (plan->n_warnings >= PLAN_MAX_WARNINGS) {
		plan->warnings_dropped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(plan->warnings[plan->n_warnings++], PLAN_WARNING_MAX, fmt, ap);
	va_end(ap);
}

static bool plan_env_has(const struct nsr_plan *plan, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < plan->envc; i++)
		if (strncmp(plan->envp[i], name, len) == 0 && plan->envp[i][len] == '=')
			return true;
	return false;
}

/* pass_env: the caller's variables the policy names, after the contract's
 * and the policy's own (which win). Rejected ones become warnings. */
static void plan_pass_env(const struct policy *pol, const struct sanitize_env *env,
			  struct nsr_plan *plan)
{
	char name[SANITIZE_ENV_NAME_MAX + 1];
	size_t i;

	if (env == NULL || pol->n_pass_env == 0)
		return;
	for (i = 0; i < env->n; i++) {
		const char *kv = env->arena + env->vars[i].off;
		size_t len;

		sanitize_env_name(env, i, name, sizeof(name));
		if (!policy_pass_env_match(pol, name))
			continue;
		if (env->vars[i].state == SANITIZE_VAR_CONTROL) {
			plan_warn(plan, "%s not passed: it holds a control character", name);
			continue;
		}
		if (env->vars[i].state == SANITIZE_VAR_TOO_LONG) {
			plan_warn(plan, "%s not passed: longer than %d bytes", name,
				  SANITIZE_ENV_VALUE_MAX);
			continue;
		}
		len = strlen(name);
		if (plan_env_has(plan, name, len))
			continue;
		if (plan->envc >= NSR_ARRAY_SIZE(plan->envp) - 1 ||
		    strlen(kv) + 1 > sizeof(plan->pass_store) - plan->pass_used) {
			plan_warn(plan, "%s not passed: too many variables", name);
			continue;
		}
		memcpy(plan->pass_store + plan->pass_used, kv, strlen(kv) + 1);
		plan->envp[plan->envc++] = plan->pass_store + plan->pass_used;
		plan->envp[plan->envc] = NULL;
		plan->pass_used += strlen(kv) + 1;
	}
	if (env->skipped > 0)
		plan_warn(plan,
			  "%zu of your environment variables were not considered "
			  "for pass_env (more than %d, or over %d KiB in all)",
			  env->skipped, SANITIZE_ENV_MAX, SANITIZE_ENV_ARENA / 1024);
}

static int plan_mounts(const struct policy *pol, const struct policy_vars *v, struct nsr_plan *plan,
		       struct nsr_err *err)
{
	size_t i, j;

	for (i = 0; i < pol->n_binds; i++) {
		struct plan_mount *m = &plan->mounts[plan->n_mounts++];
		m->kind = PLAN_MOUNT_BIND;
		m->rw = pol->binds[i].rw;
		if (policy_expand_path(pol->binds[i].source, v, m->source, sizeof(m->source), err) <
			    0 ||
		    policy_expand_path(pol->binds[i].target, v, m->target, sizeof(m->target), err) < 0)
			return nsr_err_prefix(err, "bind on line %u", pol->binds[i].line);
	}
	for (i = 0; i < pol->n_tmpfs; i++) {
		struct plan_mount *m = &plan->mounts[plan->n_mounts++];
		m->kind = PLAN_MOUNT_TMPFS;
		m->rw = true;
		m->size = pol->tmpfs[i].size;
		if (policy_expand_path(pol->tmpfs[i].target, v, m->target, sizeof(m->target), err) < 0)
			return nsr_err_prefix(err, "tmpfs on line %u", pol->tmpfs[i].line);
	}
	for (i = 0; i < plan->n_mounts; i++) {
		const char *t = plan->mounts[i].target;
		if (policy_target_reserved(t))
			return nsr_err_set(err, NSR_E_POLICY, 0, "mount target %s is reserved", t);
		if (strcmp(t, "/tmp") == 0)
			plan->policy_maps_tmp = true;
		for (j = 0; j < i; j++)
			if (strcmp(plan->mounts[j].target, t) == 0)
				return nsr_err_set(err, NSR_E_POLICY, 0, "two mounts on %s", t);
	}
	/* Parents before children: insertion sort by depth, stable. */
	for (i = 1; i < plan->n_mounts; i++) {
		struct plan_mount tmp = plan->mounts[i];
		unsigned d = path_depth(tmp.target);
		for (j = i; j > 0 && path_depth(plan->mounts[j - 1].target) > d; j--)
			plan->mounts[j] = plan->mounts[j - 1];
		plan->mounts[j] = tmp;
	}
	return 0;
}

/* Names of the user's groups for the box's /etc/group, looked up here in
 * the host's namespaces rather than as root in the box. Point lookups,
 * not an enumeration: getgrent() walks every NSS service (libnss_systemd
 * on a stock Debian costs half a millisecond), getgrgid() stops at
 * "files". A group without a name is shown as gid<N>. The primary group,
 * usually also a supplementary one, is looked up once. */
static int plan_group_names(struct nsr_plan *plan, struct nsr_err *err)
{
	const struct nsr_identity *id = &plan->id;
	size_t i;

	plan->group_names = calloc(id->n_groups + 1, sizeof(*plan->group_names));
	if (plan->group_names == NULL)
		return nsr_err_set(err, NSR_E_SETUP, errno, "out of memory");
	for (i = 0; i <= id->n_groups; i++) {
		struct plan_group *g = &plan->group_names[i];
		struct group *gr;

		g->gid = i == 0 ? id->gid : id->groups[i - 1];
		/* The primary group is usually among the supplementary ones
		 * too: looked up once (each lookup reads the whole group
		 * file). Only against the primary one: a user may be in
		 * thousands of groups, and getgroups lists each once. */
		if (i > 0 && g->gid == id->gid) {
			memcpy(g->name, plan->group_names[0].name, sizeof(g->name));
			continue;
		}
		gr = getgrgid(g->gid);
		/* A name with ':' or a control character would add fields or
		 * lines to the box's /etc/group: such a group shows as gidN. */
		if (gr == NULL || gr->gr_name[0] == '\0' || strpbrk(gr->gr_name, ":\n\r\t") != NULL ||
		    nsr_fmt(g->name, sizeof(g->name), "%s", gr->gr_name) < 0)
			snprintf(g->name, sizeof(g->name), "gid%u", (unsigned)g->gid);
	}
	plan->n_group_names = i;
	return 0;
}

int plan_build(const struct policy *pol, const struct nsr_request *req,
	       const struct nsr_caller *caller, const char *datadir, const struct dev_set *devs,
	       struct nsr_plan *plan, struct nsr_err *err)
{
	struct policy_vars v = {
		.user = caller->id.user,
		.uid = caller->id.uid,
		.home = caller->id.home,
		.box = req->box,
	};
	char buf[POLICY_STR_MAX + 16];
	size_t i;

	/* The plan is static (or zeroed) storage: a plan built before (unit
	 * tests build many) gives back its group names first. */
	free(plan->group_names);
	nsr_zero_sparse(plan, sizeof(*plan));
	if (nsr_fmt(plan->policy, sizeof(plan->policy), "%s", req->policy) < 0 ||
	    nsr_fmt(plan->box, sizeof(plan->box), "%s", req->box) < 0)
		return nsr_err_set(err, NSR_E_USAGE, 0, "name too long");

	if (policy_expand(pol->hostname[0] ? pol->hostname : "$BOX", &v, buf, sizeof(buf), err) < 0)
		return nsr_err_prefix(err, "hostname");
	if (!policy_hostname_valid(buf) ||
	    nsr_fmt(plan->hostname, sizeof(plan->hostname), "%s", buf) < 0)
		return nsr_err_set(err, NSR_E_POLICY, 0, "hostname '%s' is not a valid host name",
				   buf);

	plan->id = caller->id;
	if (plan_group_names(plan, err) < 0)
		return -1;

	memcpy(plan->rootfs, pol->rootfs, sizeof(plan->rootfs));
	plan->writable = pol->writable;
	if (plan->writable == POLICY_WRITABLE_PERSISTENT &&
	    nsr_fmt(plan->upper_base, sizeof(plan->upper_base), "%s/%u/%s/" PLAN_UPPER_POLICY_FMT,
		    datadir, (unsigned)caller->id.uid, req->box, req->policy) < 0)
		return nsr_err_set(err, NSR_E_POLICY, 0, "data directory path too long");

	if (plan_mounts(pol, &v, plan, err) < 0)
		return -1;
	plan->limits = pol->limits;
	if (pol->limits.cgroup_nested) {
		if (caller->cgroups[0] == '\0')
			return nsr_err_set(err, NSR_E_SETUP, 0,
					   "cgroup = nested, but your cgroups could not be read");
		memcpy(plan->cg_origin, caller->cgroups, sizeof(plan->cg_origin));
	}
	plan->net = pol->net;
	if (devs != NULL) {
		if (devs->n > NSR_ARRAY_SIZE(plan->devs))
			return nsr_err_set(err, NSR_E_POLICY, 0, "too many device nodes");
		memcpy(plan->devs, devs->nodes, devs->n * sizeof(devs->nodes[0]));
		plan->n_devs = devs->n;
	}
	/* A policy with [devices] always gets device rules, even when none
	 * of its optional entries (or no GPU of the caller's) is here. */
	plan->dev_rules = dev_wanted(&pol->devices);

	/* Command: the caller's, else the policy's, else /bin/sh. */
	if (req->argv != NULL && req->argc > 0) {
		if ((size_t)req->argc > PLAN_MAX_ARGV)
			return nsr_err_set(err, NSR_E_USAGE, 0, "too many arguments");
		for (i = 0; i < (size_t)req->argc; i++)
			plan->argv[i] = req->argv[i];
		plan->argc = (size_t)req->argc;
	} else {
		memcpy(plan->cmd_store, pol->command[0] ? pol->command : "/bin/sh",
		       pol->command[0] ? sizeof(plan->cmd_store) : sizeof("/bin/sh"));
		plan->argv[0] = plan->cmd_store;
		plan->argc = 1;
		plan->default_shell = pol->command[0] == '\0';
	}
	/* The login shell goes into the box's passwd entry (and is the
	 * default command) when the image has it: a plain absolute path. */
	if (caller->shell[0] == '/' &&
	    strspn(caller->shell, PLAN_SHELL_CHARS) == strlen(caller->shell) &&
	    strstr(caller->shell, "/..") == NULL)
		memcpy(plan->login_shell, caller->shell, sizeof(plan->login_shell));
	plan->argv[plan->argc] = NULL;

	/* Environment: cleared, then the contract's list, then the policy's. */
	if (plan_env_set(plan, "PATH=" PLAN_PATH_ENV, err) < 0)
		return -1;
	snprintf(buf, sizeof(buf), "HOME=%s", plan->id.home);
	if (plan_env_set(plan, buf, err) < 0)
		return -1;
	snprintf(buf, sizeof(buf), "USER=%s", plan->id.user);
	if (plan_env_set(plan, buf, err) < 0)
		return -1;
	if (caller->term[0]) {
		snprintf(buf, sizeof(buf), "TERM=%s", caller->term);
		if (plan_env_set(plan, buf, err) < 0)
			return -1;
	}
	if (plan_env_set(plan, "container=nsrun", err) < 0)
		return -1;
	for (i = 0; i < pol->n_env; i++) {
		if (policy_expand(pol->env[i], &v, buf, sizeof(buf), err) < 0)
			return nsr_err_prefix(err, "env");
		if (strncmp(buf, "container=", 10) == 0)
			continue;
		if (plan_env_set(plan, buf, err) < 0)
			return -1;
	}

	plan_pass_env(pol, req->env, plan);

	plan->deny_userns = pol->deny_userns;
	plan->deny_join = pol->deny_join;
	plan->log_max = pol->log_max ? pol->log_max : POLICY_LOG_DEFAULT;
	plan->log_keep = pol->log_keep;
	/* A detached box has no terminal: stdin is /dev/null. */
	plan->detach = req->detach;
	plan->interactive = caller->interactive && !req->detach;
	/* A terminal among the caller's stdio fds: the box gets a pty of its
	 * own in their place (the others pass through); --pty: on all three
	 * even without one; --no-pty: the caller's fds as they are. A
	 * detached box has no terminal at all. */
	if (req->pty && req->no_pty)
		return nsr_err_set(err, NSR_E_USAGE, 0, "--pty and --no-pty exclude each other");
	if (req->pty && req->detach)
		return nsr_err_set(err, NSR_E_USAGE, 0,
				   "a detached box has no terminal (--pty with --detach)");
	if (!req->no_pty && !req->detach && (req->pty || caller->tty_fds != 0)) {
		plan->pty = true;
		plan->pty_fds = caller->tty_fds != 0 ? caller->tty_fds & 7u : 7u;
	}
	plan->dry_run = req->dry_run;
	return 0;
}
