/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The benchmark driver's pieces: a labelled command (argv, optional uid to
 * run as), spawning and waiting, statistics, and the RSS sampler. Runs as
 * root; a benchmark tool, never installed.
 */
#ifndef NSR_BENCH_TIMER_H
#define NSR_BENCH_TIMER_H

#include <stdbool.h>
#include <sys/types.h>

#define TIMER_MAX_ARGS 48

struct timer_cmd {
	const char *label;
	char *argv[TIMER_MAX_ARGS];
	int argc;
	bool as_user;
	uid_t uid;
	gid_t gid;
};

struct timer_opts {
	int runs;
	int warmup;
	unsigned gap_ms;
	int parallel;
	int rss_ms;
	int errfd;
	const char *payload;
};

struct timer_stat {
	double median, min, max, mean, p90;
};

double timer_now_ms(void);
pid_t timer_spawn(const struct timer_cmd *cmd, int idx, int errfd);
int timer_wait(pid_t pid);
/* Sorts v in place. */
void timer_stats(double *v, int n, struct timer_stat *st);
/* Start cmd, sample its process tree after o->rss_ms, print one TSV row. */
void timer_rss(const struct timer_cmd *cmd, const struct timer_opts *o);

#endif
