// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cg-bench-enter [ROUNDS [GAP_MS]]: time cg_create, cg_enter (the
 * cgroup.procs write that can stall on v1) and cg_destroy for a child
 * that does nothing, ROUNDS times with GAP_MS of idle in between. Root.
 * Prints one line per round and the median and maximum of each step.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/internal.h"

#define BENCH_MAX 1000

static double bench_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void bench_stats(const char *what, double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), bench_cmp);
	printf("%-8s median %8.1f us  max %8.1f us\n", what, v[n / 2], v[n - 1]);
}

int main(int argc, char **argv)
{
	static double t_create[BENCH_MAX], t_enter[BENCH_MAX], t_destroy[BENCH_MAX];
	struct cg_limits lim = { .has_pids = true, .pids = 64 };
	int rounds = argc > 1 ? atoi(argv[1]) : 20;
	int gap = argc > 2 ? atoi(argv[2]) : 0;
	enum cg_mode mode = cg_detect();
	char box[64];

	if (rounds < 1 || rounds > BENCH_MAX || gap < 0 || mode == CG_MODE_NONE) {
		fprintf(stderr,
			"usage: cg-bench-enter [ROUNDS<=%d [GAP_MS]] "
			"(root, cgroup v1 or v2)\n",
			BENCH_MAX);
		return 2;
	}
	snprintf(box, sizeof(box), "cgbench%d", (int)getpid());
	printf("mode %s, %d rounds, %d ms apart\n", cg_mode_name(mode), rounds, gap);
	for (int i = 0; i < rounds; i++) {
		struct nsr_err err = { 0 };
		struct cg_box *cg = NULL;
		double t0, t1, t2, t3;
		pid_t pid;

		if (gap > 0)
			usleep((useconds_t)gap * 1000);
		t0 = bench_now_us();
		if (cg_create(mode, 4243, box, &lim, &cg, &err) < 0) {
			fprintf(stderr, "cg_create: %s\n", err.msg);
			return 1;
		}
		pid = fork();
		if (pid == 0) {
			pause();
			_exit(0);
		}
		t1 = bench_now_us();
		if (pid < 0 || cg_enter_pid(cg, pid, &err) < 0)
			fprintf(stderr, "cg_enter: %s\n", err.msg);
		t2 = bench_now_us();
		if (cg_destroy(&cg, &err) < 0)
			fprintf(stderr, "cg_destroy: %s\n", err.msg);
		t3 = bench_now_us();
		if (pid > 0)
			waitpid(pid, NULL, 0);
		t_create[i] = t1 - t0;
		t_enter[i] = t2 - t1;
		t_destroy[i] = t3 - t2;
		printf("round %3d  create %8.1f  enter %8.1f  destroy %8.1f us\n", i, t_create[i],
		       t_enter[i], t_destroy[i]);
	}
	bench_stats("create", t_create, rounds);
	bench_stats("enter", t_enter, rounds);
	bench_stats("destroy", t_destroy, rounds);
	return 0;
}
