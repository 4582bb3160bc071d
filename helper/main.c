// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nsrun's front end, setuid root. The only file that prints and exits.
 * Order matters: sanitize inherited state first, then parse argv (names
 * checked before they touch a path), then --version/--help/--check (which
 * drops to the caller before reading anything), --list, --gc, or a start:
 * load + trust + authorise the policy, build the plan, run the box.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "config.h"

#include "args.h"
#include "caller.h"
#include "caps.h"
#include "cgroup/cgroup.h"
#include "list.h"
#include "log.h"
#include "plan.h"
#include "policy.h"
#include "sanitize.h"
#include "start.h"
#include "util.h"

static struct nsr_inherited inh;
static struct nsr_caller caller;
static struct policy pol;
static struct policy_diags diags;
static struct nsr_plan plan;

static int fail(const char *box, const struct nsr_err *err)
{
	char text[NSR_ERR_MSG_MAX + 128];

	nsr_err_text(err, text, sizeof(text));
	if (box != NULL)
		fprintf(stderr, "nsrun: %s: %s\n", box, text);
	else
		fprintf(stderr, "nsrun: %s\n", text);
	return nsr_err_exit_status(err);
}

static void usage(void)
{
	printf("usage: nsrun --policy NAME [--dry-run] BOX [--] [COMMAND [ARG...]]\n"
	       "       nsrun --list\n"
	       "       nsrun --check FILE...\n"
	       "       nsrun --gc          (root: remove leftovers of dead boxes)\n"
	       "       nsrun --version | --help\n"
	       "\n"
	       "Runs COMMAND (default: the policy's command, else /bin/sh) as you, in a box\n"
	       "the admin's policy NAME (%s/NAME.ini) describes.\n"
	       "Exit status: the command's; 128+N if killed by signal N; 137 memory limit;\n"
	       "125 nsrun refused or failed; 126 not executable; 127 not found.\n", NSR_POLICYDIR);
}

static void version(void)
{
	printf("nsrun %s\npolicydir: %s\nstatedir: %s\ndatadir: %s\ncgroup: %s\n", NSR_VERSION,
	       NSR_POLICYDIR, NSR_STATEDIR, NSR_DATADIR, cg_mode_name(cg_detect()));
}

static const char *ip4(uint32_t a, char *buf)
{
	uint32_t n = htonl(a);
	return inet_ntop(AF_INET, &n, buf, INET_ADDRSTRLEN);
}

/* --dry-run: the plan in words, on stdout. */
static void print_plan(const struct nsr_plan *p)
{
	static const char *const wr[] = { "no", "tmpfs", "persistent" };
	static const char *const nm[] = { "none", "bridge", "host" };
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	size_t i;

	printf("policy: %s\nbox: %s\nhostname: %s\n", p->policy, p->box, p->hostname);
	printf("user: %s uid=%u gid=%u groups=", p->user, (unsigned)p->uid, (unsigned)p->gid);
	for (i = 0; i < p->n_groups; i++)
		printf("%s%u", i ? "," : "", (unsigned)p->groups[i]);
	printf("\nnamespaces: pid mount uts ipc cgroup%s\n", p->net.mode == POLICY_NET_HOST ? "" : " net");
	printf("rootfs: %s (writable = %s)\n", p->rootfs, wr[p->writable]);
	if (p->writable == POLICY_WRITABLE_PERSISTENT)
		printf("upper: %s\n", p->upper_base);
	printf("mount: /proc proc (fresh)\nmount: /sys sysfs (read-only)\nmount: /dev tmpfs (null zero full random urandom tty pts shm)\n");
	if (!p->policy_maps_tmp)
		printf("mount: /tmp tmpfs\n");
	for (i = 0; i < p->n_mounts; i++) {
		const struct plan_mount *m = &p->mounts[i];
		if (m->kind == PLAN_MOUNT_BIND)
			printf("mount: %s bind %s (%s)\n", m->target, m->source, m->rw ? "rw" : "ro");
		else
			printf("mount: %s tmpfs size=%llu\n", m->target, (unsigned long long)m->size);
	}
	if (p->limits.has_pids)
		printf("limit: pids %llu\n", (unsigned long long)p->limits.pids);
	if (p->limits.has_memory)
		printf("limit: memory %llu bytes\n", (unsigned long long)p->limits.memory);
	if (p->limits.has_swap)
		printf("limit: swap %llu bytes\n", (unsigned long long)p->limits.swap);
	if (p->limits.has_cpu)
		printf("limit: cpu %u.%03u\n", p->limits.cpu_milli / 1000, p->limits.cpu_milli % 1000);
	if (p->limits.has_nofile)
		printf("limit: nofile %llu\n", (unsigned long long)p->limits.nofile);
	printf("network: %s", nm[p->net.mode]);
	if (p->net.mode == POLICY_NET_BRIDGE)
		printf(" bridge=%s subnet=%s/%u gateway=%s", p->net.bridge, ip4(p->net.subnet, a),
			p->net.prefix, ip4(p->net.gateway, b));
	printf("\nuser namespaces: %s", p->deny_userns ? "refused" : "allowed");
	printf("\ncommand:");
	for (i = 0; i < p->argc; i++)
		printf(" %s", p->argv[i]);
	printf("\n");
	for (i = 0; i < p->envc; i++)
		printf("env: %s\n", p->envp[i]);
}

/* The one diagnostics printer: FILE:LINE: message, one a line. */
static void print_diags(FILE *out, const char *indent, const char *file,
			const struct policy_diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		fprintf(out, "%s%s:%u: %s\n", indent, file, d->items[i].line, d->items[i].msg);
	if (d->dropped)
		fprintf(out, "%s%s:0: %zu more problems\n", indent, file, d->dropped);
}

static int do_list(void)
{
	struct nsr_err err = { 0 };
	struct list_iter it;
	struct list_entry e;

	if (caller_load(inh.term, &caller, &err) < 0)
		return fail(NULL, &err);
	if (list_open(NSR_POLICYDIR, &caller, &it, &err) < 0)
		return fail(NULL, &err);
	while (list_next(&it, &e) == 1) {
		if (e.pol != NULL) {
			printf("%s\t%s\n", e.name, e.pol->description);
		} else {
			fprintf(stderr, "nsrun: policy %s is unusable:\n", e.name);
			print_diags(stderr, "  ", e.diags->file, e.diags);
		}
	}
	list_close(&it);
	return 0;
}

static int do_check(char *const *files, int n)
{
	const struct policy_diags *d;
	int i, bad = 0;

	for (i = 0; i < n; i++) {
		if (list_check_file(files[i], &d))
			continue;
		bad = 1;
		print_diags(stdout, "", files[i], d);
	}
	return bad;
}

static int do_gc(void)
{
	struct nsr_err err = { 0 };
	struct start_gc_result r;

	if (getuid() != 0) {
		nsr_err_set(&err, NSR_E_DENIED, 0, "--gc is for root");
		return fail(NULL, &err);
	}
	if (start_gc(&(struct start_paths){ NSR_STATEDIR, NSR_DATADIR }, &r, &err) < 0)
		return fail(NULL, &err);
	printf("removed %d cgroup leaves, %d lock files\n", r.cgroup_leaves, r.lock_files);
	return 0;
}

/* What a finished box has to say beyond its exit status. */
static void print_result(const char *box, const struct start_result *r)
{
	char text[NSR_ERR_MSG_MAX + 128], size[32];

	if (r->payload_failed) {
		fprintf(stderr, "nsrun: %s: %s\n", box, nsr_err_text(&r->payload_err, text, sizeof(text)));
		return;
	}
	if (r->oom_kills == 0)
		return;
	nsr_format_size(r->memory_limit, size, sizeof(size));
	if (r->oom_killed_payload)
		fprintf(stderr, "nsrun: %s: killed: memory limit (%s) exceeded\n", box, size);
	else
		fprintf(stderr, "nsrun: %s: memory limit (%s) exceeded: %llu process(es) killed\n",
			box, size, (unsigned long long)r->oom_kills);
}

static int run_box(const struct nsr_args *a, struct start_paths *paths)
{
	start_cleanup_run struct start_run *run = NULL;
	struct nsr_err err = { 0 };
	struct start_result res;

	if (start_prepare(&plan, paths, &run, &res, &err) < 0)
		goto failed;
	if (res.swap_unenforced)
		fprintf(stderr, "nsrun: %s: warning: swap limit not enforced (no swap accounting), "
			"but the host has no swap\n", plan.box);
	if (start_spawn(run, &inh, &err) < 0 || start_wait(run, &res, &err) < 0)
		goto failed;
	start_run_free(&run);
	print_result(plan.box, &res);
	return res.status;
failed:
	start_run_free(&run);
	log_audit(LOG_WARNING, "failed: uid=%u policy=%s box=%s: %s", (unsigned)caller.uid,
		  a->policy, a->box, err.msg);
	return fail(a->box, &err);
}

static int do_start(const struct nsr_args *a)
{
	struct nsr_err err = { 0 };
	struct start_paths paths = { NSR_STATEDIR, NSR_DATADIR };
	struct nsr_request req = {
		.policy = a->policy, .box = a->box, .argv = a->cmd, .argc = a->cmd_argc,
		.dry_run = a->dry_run,
	};

	if (geteuid() != 0) {
		nsr_err_set(&err, NSR_E_SETUP, 0, "not installed setuid root (or run with no_new_privs)");
		return fail(NULL, &err);
	}
	if (caller_load(inh.term, &caller, &err) < 0)
		return fail(NULL, &err);
	if (policy_load(NSR_POLICYDIR, a->policy, &pol, &diags, &err) < 0 ||
	    policy_authorize(&pol, &(struct policy_caller){ caller.uid, caller.gid, caller.groups,
							     caller.n_groups }) != POLICY_ALLOW) {
		if (err.kind == NSR_E_NONE)
			nsr_err_set(&err, NSR_E_DENIED, 0, "policy \"%s\" is not available", a->policy);
		else if (caller.uid == 0)
			print_diags(stderr, "", a->policy, &diags);
		log_audit(LOG_WARNING, "refused: uid=%u user=%s policy=%s box=%s: %s", (unsigned)caller.uid,
			  caller.user, a->policy, a->box, err.msg);
		return fail(NULL, &err);
	}
	if (plan_build(&pol, &req, &caller, NSR_DATADIR, &plan, &err) < 0) {
		log_audit(LOG_WARNING, "refused: uid=%u policy=%s box=%s: %s", (unsigned)caller.uid,
			  a->policy, a->box, err.msg);
		return fail(a->box, &err);
	}
	if (plan.dry_run) {
		print_plan(&plan);
		return 0;
	}
	if (caller.uid == 0) {
		/* A box runs as its caller; uid 0 with no capabilities is still
		 * root to every file on the host it can reach. */
		nsr_err_set(&err, NSR_E_DENIED, 0, "boxes run as their caller, and root may not start one (use an ordinary account; --dry-run works)");
		return fail(a->box, &err);
	}
	fflush(stdout);
	fflush(stderr);
	return run_box(a, &paths);
}

int main(int argc, char **argv)
{
	struct nsr_err err = { 0 };
	struct nsr_args a;

	/* argc == 0: argv[1] would be the environment. Refuse at once. */
	if (argc < 1 || argv == NULL || argv[0] == NULL) {
		fputs("nsrun: refusing to run with an empty argument list\n", stderr);
		return 125;
	}
	if (sanitize_process(&inh, -1, &err) < 0)
		return fail(NULL, &err);
	log_open();
	if (args_parse(argc, argv, &a, &err) < 0) {
		log_audit(LOG_WARNING, "refused: uid=%u: %s", (unsigned)getuid(), err.msg);
		return fail(NULL, &err);
	}

	switch (a.mode) {
	case ARGS_MODE_VERSION:
		version();
		return 0;
	case ARGS_MODE_HELP:
		usage();
		return 0;
	case ARGS_MODE_CHECK:
		if (caps_drop_to_caller(&err) < 0)
			return fail(NULL, &err);
		/* Relative FILEs are the caller's: back to their directory, as them. */
		if (inh.cwd[0] == '/' && chdir(inh.cwd) < 0) {
			nsr_err_set(&err, NSR_E_USAGE, errno, "cannot return to the current directory");
			return fail(NULL, &err);
		}
		return do_check(a.files, a.n_files);
	case ARGS_MODE_LIST:
		return do_list();
	case ARGS_MODE_GC:
		return do_gc();
	case ARGS_MODE_START:
		return do_start(&a);
	default:
		return 125;
	}
}
