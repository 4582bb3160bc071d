/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The box's own terminal (nsrun(1), TERMINAL): a pty of the box's private
 * devpts instance, made by the box child, whose master the supervisor
 * receives and relays to the caller's terminal. The box never holds a
 * terminal of the caller's.
 */
#ifndef NSR_PTY_H
#define NSR_PTY_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/signalfd.h>
#include <sys/types.h>
#include <termios.h>

#include "err.h"

/* Box side, as root, after pivot_root (so /dev/pts is the box's own
 * devpts): a new pty whose slave belongs to uid. The master is sent over
 * sock_fd (SCM_RIGHTS) and closed here; *slave_fd is O_NOCTTY, CLOEXEC. */
int pty_box_open(int sock_fd, uid_t uid, int *slave_fd, struct nsr_err *err);

/* Supervisor side: the master sent by pty_box_open, checked to be one.
 * Returns 0 with *master_fd = -1 when the box ended before sending it. */
int pty_recv_master(int sock_fd, int *master_fd, struct nsr_err *err);

/* Called for every signal the relay does not handle itself (all but
 * SIGWINCH and SIGTSTP). Returns 1 once the box has ended (*status set),
 * 0 to go on relaying. */
typedef int (*pty_signal_fn)(void *ctx, const struct signalfd_siginfo *si, int *status);
/* Before each wait: how long it may last (ms, -1 for ever); it may act
 * on a deadline that has passed (the runtime limit) first. */
typedef int (*pty_timeout_fn)(void *ctx);

struct pty_relay {
	int master_fd;	      /* the box's pty master (ours), or -1 */
	int in_fd;	      /* caller's fd relayed into the box, or -1 */
	int out_fd;	      /* caller's fd the box's output goes to, or -1 */
	int term_fd;	      /* caller's terminal put in raw mode, or -1 */
	int size_fd;	      /* caller's terminal the window size comes from, or -1 */
	struct termios saved; /* term_fd's settings, put back on every way out */
	bool raw;
	bool in_eof, master_eof, hung_up;
	char last_in; /* last byte relayed into the box */
	size_t in_len, in_off;
	char in_buf[4096];
};

/* box_fds: which of the box's fds 0-2 are the pty (the plan's pty_fds).
 * Copies the window size to the master at once, so the payload starts
 * with it. Takes ownership of master_fd. */
void pty_relay_init(struct pty_relay *r, int master_fd, unsigned box_fds);

/* Relay until on_signal reports the end of the box, then everything the
 * box wrote is flushed to the caller. The caller's terminal is raw only
 * inside this call and restored before it returns, however it returns.
 * `set` is the blocked signal set to take through a signalfd. Returns the
 * status on_signal gave, or -1 (errno) if the relay could not start. */
int pty_relay_run(struct pty_relay *r, const sigset_t *set, pty_signal_fn on_signal,
		  pty_timeout_fn timeout_ms, void *ctx, int *status);

/* Close the master (the box's terminal hangs up) and forget the caller's fds. */
void pty_relay_close(struct pty_relay *r);

#endif
