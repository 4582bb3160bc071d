// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * --stop, as root: the box is the one its state record names, checked by
 * pidfd and start time (init and supervisor) before any signal is sent,
 * and signalled only through those pidfds, so a reused pid is never hit.
 * The first signal goes to the box's init, which forwards it to the
 * payload; after the timeout SIGKILL to the init takes the whole PID
 * namespace with it (joined processes included). The box is gone when its
 * supervisor has undone its host state and exited.
 */
#include "stop.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

/* After SIGKILL, how long the supervisor may take to clean up. */
#define STOP_CLEANUP_MS 15000

static const struct {
	const char *name;
	int sig;
} stop_signals[] = {
	{ "TERM", SIGTERM }, { "INT", SIGINT },	  { "HUP", SIGHUP },   { "QUIT", SIGQUIT },
	{ "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "KILL", SIGKILL },
};

int stop_parse_signal(const char *s)
{
	size_t i;

	if (strncmp(s, "SIG", 3) == 0)
		s += 3;
	for (i = 0; i < NSR_ARRAY_SIZE(stop_signals); i++)
		if (strcmp(s, stop_signals[i].name) == 0)
			return stop_signals[i].sig;
	if (*s >= '1' && *s <= '9' && strlen(s) <= 2) {
		int n = atoi(s);
		for (i = 0; i < NSR_ARRAY_SIZE(stop_signals); i++)
			if (stop_signals[i].sig == n)
				return n;
	}
	return -1;
}

static int stop_pidfd(pid_t pid, uint64_t start)
{
	int fd = nsr_pidfd_open(pid);
	uint64_t t;

	if (fd < 0)
		return -1;
	if (state_pid_start(pid, &t) < 0 || t != start) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Wait until fd (a pidfd) says its process exited; false on timeout. */
static bool stop_wait(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		int left;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		left = ms -
		       (int)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
		if (left < 0)
			left = 0;
		int r = poll(&p, 1, left);
		if (r > 0)
			return true;
		if (r == 0)
			return false;
		if (errno != EINTR)
			return false;
	}
}

int stop_box(const char *statedir, const struct stop_request *req, struct stop_result *res,
	     struct nsr_err *err)
{
	nsr_cleanup_fd int init_fd = -1, sup_fd = -1;
	struct box_record *r = &res->rec;
	int rc;

	memset(res, 0, sizeof(*res));
	rc = state_read(statedir, req->uid, req->box, r, err);
	if (rc < 0)
		return -1;
	if (rc == 1 || !state_alive(r))
		return nsr_err_set(err, NSR_E_USAGE, 0, "box %s is not running", req->box);
	init_fd = stop_pidfd(r->init_pid, r->init_start);
	sup_fd = stop_pidfd(r->sup_pid, r->sup_start);
	if (init_fd < 0 || sup_fd < 0)
		return nsr_err_set(err, NSR_E_USAGE, 0, "box %s is not running", req->box);
	if (state_mark_stopping(statedir, r, err) < 0)
		return -1;
	if (nsr_pidfd_signal(init_fd, req->sig) < 0 && errno != ESRCH)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot signal box %s", req->box);
	if (!stop_wait(init_fd, (int)req->timeout * 1000)) {
		/* SIGKILL to a PID namespace's init kills every process in it. */
		res->killed = true;
		if (nsr_pidfd_signal(init_fd, SIGKILL) < 0 && errno != ESRCH)
			return nsr_err_set(err, NSR_E_SETUP, errno, "cannot kill box %s", req->box);
		if (!stop_wait(init_fd, STOP_CLEANUP_MS))
			return nsr_err_set(err, NSR_E_SETUP, 0, "box %s did not end after SIGKILL",
					   req->box);
	}
	if (!stop_wait(sup_fd, STOP_CLEANUP_MS))
		return nsr_err_set(err, NSR_E_SETUP, 0,
				   "box %s ended, but its supervisor has not finished cleaning up",
				   req->box);
	return 0;
}
