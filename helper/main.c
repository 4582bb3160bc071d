// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nsrun's front end, setuid root. The only file that prints and exits.
 * Order matters: sanitize inherited state first, then parse argv (names
 * checked before they touch a path), then --version/--help/--check (which
 * drops to the caller before reading anything), --list, --gc, or a start:
 * load + trust + authorise the policy, build the plan, run the box.
 */
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

static void print_diags(const struct policy_diags *d, const char *file)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		fprintf(stderr, "%s:%u: %s\n", file, d->items[i].line, d->items[i].msg);
	if (d->dropped)
		fprintf(stderr, "%s: %zu more problems not shown\n", file, d->dropped);
}

static int do_start(const struct nsr_args *a)
{
	struct nsr_err err = { 0 };
	struct start_paths paths = { NSR_STATEDIR, NSR_DATADIR };
	struct nsr_request req = {
		.policy = a->policy, .box = a->box, .argv = a->cmd, .argc = a->cmd_argc,
		.dry_run = a->dry_run,
	};
	int status;

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
			print_diags(&diags, a->policy);
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
		fflush(stdout);
		plan_print(&plan, STDOUT_FILENO);
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
	status = start_box(&plan, &inh, &paths, &err);
	if (status < 0) {
		log_audit(LOG_WARNING, "failed: uid=%u policy=%s box=%s: %s", (unsigned)caller.uid,
			  a->policy, a->box, err.msg);
		return fail(a->box, &err);
	}
	return status;
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
	if (sanitize_process(&inh, &err) < 0)
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
		return list_check_files(a.files, a.n_files);
	case ARGS_MODE_LIST:
		if (caller_load(inh.term, &caller, &err) < 0)
			return fail(NULL, &err);
		return list_policies(NSR_POLICYDIR, &caller);
	case ARGS_MODE_GC:
		if (getuid() != 0) {
			nsr_err_set(&err, NSR_E_DENIED, 0, "--gc is for root");
			return fail(NULL, &err);
		}
		if (start_gc(&(struct start_paths){ NSR_STATEDIR, NSR_DATADIR }, &err) < 0)
			return fail(NULL, &err);
		return 0;
	case ARGS_MODE_START:
		return do_start(&a);
	default:
		return 125;
	}
}
