// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * spank_nsrun.so: Slurm runs each task through nsrun (doc/slurm.md).
 * Options --nsrun-policy=NAME and --nsrun-box=NAME (srun, sbatch, salloc);
 * plugstack.conf arguments default_policy=NAME, required=yes|no, nsrun=PATH.
 *
 * The plugin does no privileged work and decides nothing about the box: in
 * slurm_spank_task_init (the forked task, already the job's user) it
 * rewrites the task's argv[0] to the non-setuid nsrun-slurm-shim and tells
 * it, in the task's environment, which nsrun, policy and box to use; the
 * shim execs `nsrun --policy P BOX -- ARGV0 ARGS...` and the setuid nsrun
 * checks everything as for any other caller. Slurm still runs TaskProlog
 * and sets rlimits and TMPDIR, because the task is exec'd by slurmstepd.
 * Errors go the same way (the shim prints one line and exits 125), so a
 * task that should be boxed never runs unboxed. Only --multi-prog, whose
 * per-task argv this plugin cannot reach, fails in the plugin itself.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <slurm/slurm.h>
#include <slurm/spank.h>

#include "policy.h"

#define SPANK_EXPORT __attribute__((visibility("default")))

SPANK_EXPORT const char plugin_name[] = "nsrun";
SPANK_EXPORT const char plugin_type[] = "spank";
SPANK_EXPORT const unsigned int plugin_version = SLURM_VERSION_NUMBER;
SPANK_EXPORT const unsigned int spank_plugin_version = 1;

#define SHIM_PATH NSR_LIBEXECDIR "/nsrun-slurm-shim"
#define ENV_PREFIX "NSRUN_SLURM_"

/* plugstack.conf */
static char cfg_nsrun[512] = NSR_BINDIR "/nsrun";
static char cfg_default[POLICY_NAME_MAX + 1];
static bool cfg_required;
/* the job's options */
static char opt_policy[POLICY_NAME_MAX + 1];
static char opt_box[POLICY_BOX_MAX + 1];

static int opt_cb(int val, const char *arg, int remote);

/* struct spank_option takes char *: the strings live in writable arrays. */
static char o_policy[] = "nsrun-policy", o_box[] = "nsrun-box", o_arg[] = "NAME";
static char o_policy_use[] = "Run each task in an nsrun box of policy NAME";
static char o_box_use[] = "Box name (default job<jobid>-<stepid>-<taskid>; "
			  "-<taskid> is added when the step has several tasks)";
static struct spank_option spank_opts[] = {
	{ o_policy, o_arg, o_policy_use, 1, 1, opt_cb },
	{ o_box, o_arg, o_box_use, 1, 2, opt_cb },
	SPANK_OPTIONS_TABLE_END
};

static int opt_cb(int val, const char *arg, int remote)
{
	if (arg == NULL)
		return -1;
	if (val == 1) {
		if (!policy_name_valid(arg)) {
			slurm_error("nsrun: --nsrun-policy=%.80s: not a policy name "
				    "([a-z0-9][a-z0-9_-]{0,63})", arg);
			return -1;
		}
		snprintf(opt_policy, sizeof(opt_policy), "%s", arg);
	} else {
		if (!policy_box_valid(arg)) {
			slurm_error("nsrun: --nsrun-box=%.80s: not a box name "
				    "([a-z0-9][a-z0-9-]{0,62})", arg);
			return -1;
		}
		snprintf(opt_box, sizeof(opt_box), "%s", arg);
	}
	return 0;
}

static int parse_args(int ac, char **av)
{
	for (int i = 0; i < ac; i++) {
		const char *a = av[i];

		if (strncmp(a, "default_policy=", 15) == 0) {
			if (!policy_name_valid(a + 15)) {
				slurm_error("nsrun: plugstack.conf: %s: not a policy name", a);
				return -1;
			}
			snprintf(cfg_default, sizeof(cfg_default), "%s", a + 15);
		} else if (strcmp(a, "required=yes") == 0) {
			cfg_required = true;
		} else if (strcmp(a, "required=no") == 0) {
			cfg_required = false;
		} else if (strncmp(a, "nsrun=", 6) == 0) {
			if (a[6] != '/' || strlen(a + 6) >= sizeof(cfg_nsrun)) {
				slurm_error("nsrun: plugstack.conf: %s: not an absolute path", a);
				return -1;
			}
			snprintf(cfg_nsrun, sizeof(cfg_nsrun), "%s", a + 6);
		} else {
			slurm_error("nsrun: plugstack.conf: unknown argument \"%s\" "
				    "(default_policy=NAME, required=yes|no, nsrun=PATH)", a);
			return -1;
		}
	}
	return 0;
}

SPANK_EXPORT int slurm_spank_init(spank_t sp, int ac, char **av)
{
	if (parse_args(ac, av) < 0)
		return -1;
	for (struct spank_option *o = spank_opts; o->name != NULL; o++)
		if (spank_option_register(sp, o) != ESPANK_SUCCESS) {
			slurm_error("nsrun: cannot register --%s", o->name);
			return -1;
		}
	return 0;
}

/* With --multi-prog, slurmstepd gives each task an argv of its own, parsed
 * from the configuration text before any plugin runs; S_JOB_ARGV is then
 * {FILE, TEXT} and rewriting it changes nothing. Refuse every job that
 * looks like that: argc 2 and a line of TEXT that starts with a task list
 * (digits, ',', '-', or '*') followed by a command. A plain task with such
 * an argument is refused too, which fails closed. */
static bool looks_multi_prog(int argc, char **argv)
{
	const char *line;

	if (argc != 2 || argv[1] == NULL)
		return false;
	for (line = argv[1]; line != NULL && *line != '\0';) {
		const char *p = line + strspn(line, " \t");
		size_t spec = strspn(p, "0123456789,-*");

		if (spec > 0 && (p[spec] == ' ' || p[spec] == '\t'))
			return true;
		line = strchr(line, '\n');
		if (line != NULL)
			line++;
	}
	return false;
}

static void step_name(uint32_t step, char *out, size_t outsz)
{
	if (step == SLURM_BATCH_SCRIPT)
		snprintf(out, outsz, "batch");
	else if (step == SLURM_EXTERN_CONT)
		snprintf(out, outsz, "extern");
	else if (step == SLURM_INTERACTIVE_STEP)
		snprintf(out, outsz, "interactive");
	else
		snprintf(out, outsz, "%u", step);
}

/* The box name: --nsrun-box (plus -<taskid> when the step has several
 * tasks, since a name runs once per user at a time), else
 * job<jobid>-<step>-<taskid>. */
static int box_name(spank_t sp, char *out, size_t outsz)
{
	uint32_t job = 0, step = 0, task = 0, ntasks = 1;
	char stepbuf[16];
	int n;

	if (spank_get_item(sp, S_JOB_ID, &job) != ESPANK_SUCCESS ||
	    spank_get_item(sp, S_JOB_STEPID, &step) != ESPANK_SUCCESS ||
	    spank_get_item(sp, S_TASK_GLOBAL_ID, &task) != ESPANK_SUCCESS)
		return -1;
	if (spank_get_item(sp, S_JOB_TOTAL_TASK_COUNT, &ntasks) != ESPANK_SUCCESS)
		ntasks = 2;   /* unknown: assume several, keep names apart */
	step_name(step, stepbuf, sizeof(stepbuf));
	if (opt_box[0] != '\0' && ntasks <= 1)
		n = snprintf(out, outsz, "%s", opt_box);
	else if (opt_box[0] != '\0')
		n = snprintf(out, outsz, "%s-%u", opt_box, task);
	else
		n = snprintf(out, outsz, "job%u-%s-%u", job, stepbuf, task);
	if (n < 0 || (size_t)n >= outsz || !policy_box_valid(out))
		return -1;
	return 0;
}

static bool set(spank_t sp, const char *name, const char *val)
{
	char var[64];

	snprintf(var, sizeof(var), ENV_PREFIX "%s", name);
	return spank_setenv(sp, var, val, 1) == ESPANK_SUCCESS;
}

static void unset_all(spank_t sp)
{
	static const char *const names[] = {
		"POLICY", "BOX", "NSRUN", "ARGV0", "BATCH", "ERROR",
	};
	char var[64];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(var, sizeof(var), ENV_PREFIX "%s", names[i]);
		spank_unsetenv(sp, var);
	}
}

SPANK_EXPORT int slurm_spank_task_init(spank_t sp, int ac, char **av)
{
	const char *policy = opt_policy[0] ? opt_policy : NULL;
	char box[POLICY_BOX_MAX + 1] = "";
	char *shim = NULL;
	char **argv = NULL;
	int argc = 0;
	uint32_t step = 0;
	uid_t uid = (uid_t)-1;
	const char *error = NULL;

	if (!spank_remote(sp))
		return 0;
	if (policy == NULL && !cfg_required)
		return 0;
	/* required=yes leaves root's own tasks (the admin's: a fleet run of
	 * nsrun-harness) alone; nsrun refuses root anyway. Asked for by
	 * option, nsrun says so itself. */
	if (policy == NULL && spank_get_item(sp, S_JOB_UID, &uid) == ESPANK_SUCCESS && uid == 0)
		return 0;
	if (spank_get_item(sp, S_JOB_ARGV, &argc, &argv) != ESPANK_SUCCESS ||
	    argc < 1 || argv == NULL || argv[0] == NULL) {
		slurm_error("nsrun: cannot read the task's command; not starting it");
		return -1;
	}
	if (looks_multi_prog(argc, argv)) {
		slurm_error("nsrun: --multi-prog cannot run in nsrun boxes%s; "
			    "start one srun per program instead",
			    cfg_required ? " (this cluster requires boxes)" : "");
		return -1;
	}
	spank_get_item(sp, S_JOB_STEPID, &step);
	if (policy == NULL)
		policy = cfg_default[0] ? cfg_default : NULL;
	if (policy == NULL)
		error = "this cluster runs every task in an nsrun box, and there "
			"is no default policy: give --nsrun-policy=NAME";
	else if (box_name(sp, box, sizeof(box)) < 0)
		error = "cannot make a box name (a box name is [a-z0-9][a-z0-9-]{0,62}; "
			"try a shorter --nsrun-box)";

	unset_all(sp);
	shim = strdup(SHIM_PATH);
	if (shim == NULL) {
		slurm_error("nsrun: out of memory; not starting the task");
		return -1;
	}
	if (error != NULL) {
		if (!set(sp, "ERROR", error)) {
			slurm_error("nsrun: %s", error);
			free(shim);
			return -1;
		}
	} else if (!set(sp, "POLICY", policy) || !set(sp, "BOX", box) ||
		   !set(sp, "NSRUN", cfg_nsrun) || !set(sp, "ARGV0", argv[0]) ||
		   (step == SLURM_BATCH_SCRIPT && !set(sp, "BATCH", "1"))) {
		slurm_error("nsrun: cannot set the task's environment; not starting it");
		free(shim);
		return -1;
	}
	/* The array belongs to slurmstepd and cannot grow; the old string
	 * stays owned by it, and this copy lives until exec. */
	argv[0] = shim;
	return 0;
}
