// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Benchmark driver: runs labelled commands round-robin (A B C A B C ...)
 * and times fork -> exec -> wait with CLOCK_MONOTONIC; or starts N copies
 * at once (--parallel); or samples the peak RSS of a running command's
 * process tree (--rss). Prints TSV. Runs as root (it may drop to a uid per
 * command and may join a netns); trusts its arguments.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "timer.h"

#define TIMER_MAX_CMDS 16

static __attribute__((noreturn)) void timer_die(const char *what)
{
	fprintf(stderr, "timer: %s: %s\n", what, strerror(errno));
	exit(2);
}

double timer_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void timer_sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Start cmd (argv with "{}" replaced by idx when idx >= 0); returns the pid. */
pid_t timer_spawn(const struct timer_cmd *cmd, int idx, int errfd)
{
	char *argv[TIMER_MAX_ARGS + 1];
	char buf[TIMER_MAX_ARGS][128];
	pid_t pid;
	int i, null_fd;

	for (i = 0; i < cmd->argc; i++) {
		const char *at = strstr(cmd->argv[i], "{}");

		argv[i] = cmd->argv[i];
		if (idx >= 0 && at) {
			snprintf(buf[i], sizeof(buf[i]), "%.*s%d%s", (int)(at - cmd->argv[i]),
				 cmd->argv[i], idx, at + 2);
			argv[i] = buf[i];
		}
	}
	argv[cmd->argc] = NULL;
	pid = fork();
	if (pid != 0)
		return pid;
	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(null_fd, 1) < 0 ||
	    dup2(errfd >= 0 ? errfd : null_fd, 2) < 0)
		_exit(124);
	if (cmd->as_user && (setgroups(1, &cmd->gid) < 0 || setresgid(cmd->gid, cmd->gid, cmd->gid) < 0 ||
			     setresuid(cmd->uid, cmd->uid, cmd->uid) < 0))
		_exit(124);
	execvp(argv[0], argv);
	_exit(errno == ENOENT ? 127 : 126);
}

int timer_wait(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			timer_die("waitpid");
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

static int timer_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void timer_stats(double *v, int n, struct timer_stat *st)
{
	double sum = 0;
	int i;

	memset(st, 0, sizeof(*st));
	if (n == 0)
		return;
	qsort(v, (size_t)n, sizeof(*v), timer_cmp);
	for (i = 0; i < n; i++)
		sum += v[i];
	st->median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	st->min = v[0];
	st->max = v[n - 1];
	st->mean = sum / n;
	st->p90 = v[(n * 9) / 10 < n ? (n * 9) / 10 : n - 1];
}

/* Round-robin latency: warmup rounds, then runs rounds, a gap between runs. */
static void timer_latency(struct timer_cmd *cmds, int ncmds, const struct timer_opts *o)
{
	double *samples[TIMER_MAX_CMDS];
	int nsamples[TIMER_MAX_CMDS] = { 0 }, fails[TIMER_MAX_CMDS] = { 0 };
	int first_bad[TIMER_MAX_CMDS] = { 0 };
	struct timer_stat st;
	int round, c;

	for (c = 0; c < ncmds; c++) {
		samples[c] = calloc((size_t)o->runs + 1, sizeof(double));
		if (!samples[c])
			timer_die("calloc");
	}
	for (round = 0; round < o->warmup + o->runs; round++) {
		for (c = 0; c < ncmds; c++) {
			double t0, t1;
			int rc;

			if (o->gap_ms)
				timer_sleep_ms(o->gap_ms);
			t0 = timer_now_ms();
			rc = timer_wait(timer_spawn(&cmds[c], round, o->errfd));
			t1 = timer_now_ms();
			if (round < o->warmup)
				continue;
			if (rc != 0) {
				fails[c]++;
				if (!first_bad[c])
					first_bad[c] = rc;
				continue;
			}
			samples[c][nsamples[c]++] = t1 - t0;
		}
	}
	printf("label\truns\tfail\tmedian_ms\tmin_ms\tmax_ms\tmean_ms\tp90_ms\tfirst_status\n");
	for (c = 0; c < ncmds; c++) {
		timer_stats(samples[c], nsamples[c], &st);
		printf("%s\t%d\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%d\n", cmds[c].label, o->runs,
		       fails[c], st.median, st.min, st.max, st.mean, st.p90, first_bad[c]);
		free(samples[c]);
	}
}

/* N copies at once: total wall time, failures, per-box latency. */
static void timer_parallel(const struct timer_cmd *cmd, const struct timer_opts *o)
{
	int n = o->parallel, i, done = 0, fails = 0, first_bad = 0;
	pid_t *pids = calloc((size_t)n, sizeof(*pids));
	double *lat = calloc((size_t)n, sizeof(*lat));
	double t0;
	struct timer_stat st;

	if (!pids || !lat)
		timer_die("calloc");
	t0 = timer_now_ms();
	for (i = 0; i < n; i++)
		if ((pids[i] = timer_spawn(cmd, i, o->errfd)) < 0)
			timer_die("fork");
	while (done < n) {
		int status;
		pid_t pid = wait(&status);

		if (pid < 0) {
			if (errno == EINTR)
				continue;
			timer_die("wait");
		}
		for (i = 0; i < n && pids[i] != pid; i++)
			;
		if (i == n)
			continue;
		lat[done++] = timer_now_ms() - t0;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fails++;
			if (!first_bad)
				first_bad = WIFSIGNALED(status) ? 128 + WTERMSIG(status)
								: WEXITSTATUS(status);
		}
	}
	timer_stats(lat, n, &st);
	printf("%s\t%d\t%d\t%.3f\t%.3f\t%d\n", cmd->label, n, fails, st.max, st.median, first_bad);
	free(pids);
	free(lat);
}

static void timer_usage(void)
{
	fprintf(stderr,
		"usage: timer [--runs N] [--warmup N] [--gap MS] [--netns PATH] [--errlog FILE]\n"
		"             [--parallel N | --rss MS [--payload COMM]]\n"
		"             ::: LABEL [-u UID:GID] ARGV... [::: LABEL ...]\n");
	exit(2);
}

/* "::: LABEL [-u UID:GID] ARGV..." groups into cmds; returns how many. */
static int timer_parse_cmds(int argc, char **argv, struct timer_cmd *cmds)
{
	int n = -1, i;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], ":::") == 0) {
			if (++n == TIMER_MAX_CMDS || i + 1 >= argc)
				timer_usage();
			memset(&cmds[n], 0, sizeof(cmds[n]));
			cmds[n].label = argv[++i];
			if (i + 2 < argc && strcmp(argv[i + 1], "-u") == 0) {
				unsigned long u, g;

				if (sscanf(argv[i + 2], "%lu:%lu", &u, &g) != 2)
					timer_usage();
				cmds[n].as_user = true;
				cmds[n].uid = (uid_t)u;
				cmds[n].gid = (gid_t)g;
				i += 2;
			}
			continue;
		}
		if (n < 0 || cmds[n].argc == TIMER_MAX_ARGS)
			timer_usage();
		cmds[n].argv[cmds[n].argc++] = argv[i];
	}
	for (i = 0; i <= n; i++)
		if (cmds[i].argc == 0)
			timer_usage();
	return n + 1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "runs", required_argument, NULL, 'r' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "gap", required_argument, NULL, 'g' },
		{ "netns", required_argument, NULL, 'n' },
		{ "errlog", required_argument, NULL, 'e' },
		{ "parallel", required_argument, NULL, 'p' },
		{ "rss", required_argument, NULL, 's' },
		{ "payload", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	struct timer_opts o = { .runs = 100, .warmup = 5, .errfd = -1, .payload = "sleep" };
	struct timer_cmd cmds[TIMER_MAX_CMDS];
	int c, ncmds, fd;

	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'r': o.runs = atoi(optarg); break;
		case 'w': o.warmup = atoi(optarg); break;
		case 'g': o.gap_ms = (unsigned)atoi(optarg); break;
		case 'p': o.parallel = atoi(optarg); break;
		case 's': o.rss_ms = atoi(optarg); break;
		case 'P': o.payload = optarg; break;
		case 'n':
			fd = open(optarg, O_RDONLY | O_CLOEXEC);
			if (fd < 0 || setns(fd, CLONE_NEWNET) < 0)
				timer_die(optarg);
			close(fd);
			break;
		case 'e':
			o.errfd = open(optarg, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
			if (o.errfd < 0)
				timer_die(optarg);
			break;
		default: timer_usage();
		}
	}
	ncmds = timer_parse_cmds(argc - optind, argv + optind, cmds);
	if (ncmds == 0 || o.runs < 1 || o.warmup < 0)
		timer_usage();
	if (o.parallel > 0) {
		printf("label\tboxes\tfail\ttotal_ms\tmedian_done_ms\tfirst_status\n");
		for (c = 0; c < ncmds; c++)
			timer_parallel(&cmds[c], &o);
	} else if (o.rss_ms > 0) {
		printf("label\tsupervisor_hwm_kib\ttree_hwm_kib\tstatus\tprocesses\n");
		for (c = 0; c < ncmds; c++)
			timer_rss(&cmds[c], &o);
	} else {
		timer_latency(cmds, ncmds, &o);
	}
	fflush(stdout);
	return 0;
}
