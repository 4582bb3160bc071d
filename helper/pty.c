// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The box's own terminal. Box side (root, before the privilege drop): open
 * the ptmx of the box's private devpts, unlock it, open the slave from the
 * master (TIOCGPTPEER: no path lookup of /dev/pts/N that the box could
 * race), hand the master to the supervisor over a socketpair. Supervisor
 * side (root, host namespaces): check that what came back is a pty master,
 * then relay bytes between it and the caller's terminal with one poll loop
 * (signals through a signalfd: no busy wait), the caller's terminal raw
 * only while relaying. Trusts nothing the box writes but relays it as the
 * caller's own output; never gives the box a caller's fd (the class of
 * CVE-2017-5226, TIOCSTI through a shared terminal).
 */
#include "pty.h"

#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "util.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

#define PTMX_MAJOR 5
#define PTMX_MINOR 2

static bool is_ptmx(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == PTMX_MAJOR &&
	       minor(st.st_rdev) == PTMX_MINOR;
}

static int send_fd(int sock, int fd)
{
	char byte = 'p';
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr m = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c;

	memset(&u, 0, sizeof(u));
	c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	while (sendmsg(sock, &m, MSG_NOSIGNAL) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

int pty_box_open(int sock_fd, uid_t uid, int *slave_fd, struct nsr_err *err)
{
	nsr_cleanup_fd int master = -1, slave = -1;
	int unlock = 0;

	/* After pivot_root, /dev is the read-only tmpfs we made and /dev/pts
	 * the devpts instance we mounted; nothing of the box has run yet. */
	master = nsr_openat(AT_FDCWD, "/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_NOFOLLOW, 0);
	if (master < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot open the box's /dev/pts/ptmx");
	if (!is_ptmx(master))
		return nsr_err_set(err, NSR_E_SETUP, 0,
				   "the box's /dev/pts/ptmx is not a pty multiplexer");
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot unlock the box's terminal");
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot open the box's terminal");
	/* The user's terminal, as login(1) would make it; it is the new
	 * slave of the box's own devpts, reached by fd, nothing else. */
	if (fchown(slave, uid, (gid_t)-1) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno,
				   "cannot give the box's terminal to its user");
	if (send_fd(sock_fd, master) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot hand the box's terminal over");
	*slave_fd = nsr_steal_fd(&slave);
	return 0;
}

int pty_recv_master(int sock_fd, int *master_fd, struct nsr_err *err)
{
	char byte;
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int) * 4)];
	} u;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr m = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c;
	nsr_cleanup_fd int fd = -1;
	ssize_t n;

	*master_fd = -1;
	memset(&u, 0, sizeof(u));
	do
		n = recvmsg(sock_fd, &m, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot receive the box's terminal");
	/* Take every fd that came, so none leaks, then judge. */
	for (c = CMSG_FIRSTHDR(&m); c != NULL; c = CMSG_NXTHDR(&m, c)) {
		size_t i, k;
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < k; i++) {
			int got;
			memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (fd < 0 && i == 0)
				fd = got;
			else
				close(got);
		}
	}
	if (n == 0 && fd < 0)
		return 0; /* the box child ended first; its error says why */
	if (fd < 0 || (m.msg_flags & MSG_CTRUNC) || !is_ptmx(fd))
		return nsr_err_set(err, NSR_E_SETUP, 0,
				   "the box handed over something that is not a terminal");
	*master_fd = nsr_steal_fd(&fd);
	return 0;
}

static void copy_size(struct pty_relay *r)
{
	struct winsize ws;

	if (r->size_fd >= 0 && r->master_fd >= 0 && ioctl(r->size_fd, TIOCGWINSZ, &ws) == 0 &&
	    (ws.ws_row || ws.ws_col))
		ioctl(r->master_fd, TIOCSWINSZ, &ws);
}

void pty_relay_init(struct pty_relay *r, int master_fd, unsigned box_fds)
{
	memset(r, 0, sizeof(*r));
	r->master_fd = master_fd;
	r->in_fd = r->out_fd = r->term_fd = r->size_fd = -1;
	/* Input: the caller's stdin where the box's stdin is the pty. */
	if (box_fds & 1u)
		r->in_fd = STDIN_FILENO;
	/* Output: the caller's stdout, else stderr, else the terminal on
	 * stdin (only the echo of what is typed arrives then). */
	if (box_fds & 2u)
		r->out_fd = STDOUT_FILENO;
	else if (box_fds & 4u)
		r->out_fd = STDERR_FILENO;
	else if (isatty(STDIN_FILENO))
		r->out_fd = STDIN_FILENO;
	/* Raw mode only when the caller's stdin and stdout are both the box's
	 * terminal. In a pipeline (`nsrun ... | less`) another program may be
	 * setting the terminal's modes too; nsrun leaves them alone there, and
	 * the terminal's own ^C reaches nsrun as SIGINT and is passed on. */
	if ((box_fds & 3u) == 3u && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		r->term_fd = STDIN_FILENO;
	for (int fd = 0; fd <= 2 && r->size_fd < 0; fd++)
		if (isatty(fd))
			r->size_fd = fd;
	if (master_fd >= 0) {
		int fl = fcntl(master_fd, F_GETFL);
		if (fl >= 0)
			fcntl(master_fd, F_SETFL, fl | O_NONBLOCK);
	}
	copy_size(r);
}

static void term_raw(struct pty_relay *r)
{
	struct termios t;

	if (r->term_fd < 0 || r->raw || tcgetattr(r->term_fd, &r->saved) < 0)
		return;
	t = r->saved;
	cfmakeraw(&t);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(r->term_fd, TCSANOW, &t) == 0)
		r->raw = true;
}

static void term_restore(struct pty_relay *r)
{
	if (!r->raw)
		return;
	/* TCSANOW: output was processed when it was written, and a terminal
	 * that stopped draining must not keep us from restoring. */
	tcsetattr(r->term_fd, TCSANOW, &r->saved);
	r->raw = false;
}

void pty_relay_close(struct pty_relay *r)
{
	term_restore(r);
	if (r->master_fd >= 0)
		close(r->master_fd);
	r->master_fd = -1;
	r->master_eof = true;
}

/* The caller's terminal went away (or SIGHUP): hang up the box's, as the
 * kernel does for a closed ssh session; its session gets SIGHUP. */
static void hang_up(struct pty_relay *r)
{
	r->hung_up = true;
	r->in_eof = true;
	r->out_fd = -1;
	pty_relay_close(r);
}

static void write_out(struct pty_relay *r, const char *buf, size_t len)
{
	while (len > 0 && r->out_fd >= 0) {
		ssize_t w = write(r->out_fd, buf, len);
		if (w > 0) {
			buf += w;
			len -= (size_t)w;
		} else if (w < 0 && errno == EINTR) {
			continue;
		} else if (w < 0 && errno == EAGAIN) {
			/* A caller's fd someone made non-blocking: wait, never
			 * change the flags of a file the caller shares. */
			struct pollfd p = { .fd = r->out_fd, .events = POLLOUT };
			poll(&p, 1, -1);
		} else if (w < 0 && errno == EIO) {
			hang_up(r); /* the caller's terminal is gone */
		} else {
			r->out_fd = -1; /* a closed pipe, a read-only fd: the rest is dropped */
		}
	}
}

/* One read of the box's output to the caller. False when nothing more
 * can come now (would block) or ever (EOF, EIO: no slave left open). */
static bool pump_out(struct pty_relay *r)
{
	char buf[65536];
	ssize_t n;

	if (r->master_fd < 0 || r->master_eof)
		return false;
	n = read(r->master_fd, buf, sizeof(buf));
	if (n > 0) {
		write_out(r, buf, (size_t)n);
		return true;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return false;
	r->master_eof = true;
	return false;
}

static void pump_in_read(struct pty_relay *r)
{
	ssize_t n = read(r->in_fd, r->in_buf, sizeof(r->in_buf));

	if (n > 0) {
		r->in_len = (size_t)n;
		r->in_off = 0;
		r->last_in = r->in_buf[n - 1];
		return;
	}
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	r->in_eof = true;
	if (r->in_fd == r->term_fd) {
		hang_up(r);
		return;
	}
	/* A file or pipe ended: end-of-file for the box's reader, as a
	 * typed ^D (twice after a partial line). */
	struct termios t;
	if (r->master_fd >= 0 && tcgetattr(r->master_fd, &t) == 0 && (t.c_lflag & ICANON)) {
		r->in_buf[0] = r->in_buf[1] = (char)t.c_cc[VEOF];
		r->in_len = r->last_in == '\n' || r->last_in == '\0' ? 1 : 2;
		r->in_off = 0;
	}
}

static void pump_in_write(struct pty_relay *r)
{
	ssize_t w = write(r->master_fd, r->in_buf + r->in_off, r->in_len - r->in_off);

	if (w > 0)
		r->in_off += (size_t)w;
	else if (w < 0 && errno != EAGAIN && errno != EINTR)
		r->in_off = r->in_len; /* the box's terminal is gone: drop it */
	if (r->in_off >= r->in_len)
		r->in_off = r->in_len = 0;
}

/* SIGTSTP sent to nsrun: give the caller their terminal back, stop, and
 * take it again (with its size now) when continued. */
static void suspend(struct pty_relay *r)
{
	term_restore(r);
	kill(getpid(), SIGSTOP);
	term_raw(r);
	copy_size(r);
}

int pty_relay_run(struct pty_relay *r, const sigset_t *set, pty_signal_fn on_signal,
		  pty_timeout_fn timeout_ms, void *ctx, int *status)
{
	nsr_cleanup_fd int sfd = signalfd(-1, set, SFD_CLOEXEC | SFD_NONBLOCK);
	bool ended = false;

	if (sfd < 0)
		return -1;
	term_raw(r);
	copy_size(r);
	while (!ended) {
		struct pollfd p[3];
		int n = 0, im = -1, ii = -1;
		bool pending = r->in_len > r->in_off;

		p[n++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		if (r->master_fd >= 0 && !r->master_eof) {
			im = n;
			p[n++] = (struct pollfd){ .fd = r->master_fd,
						  .events = (short)(POLLIN | (pending ? POLLOUT : 0)) };
		}
		if (r->in_fd >= 0 && !r->in_eof && !pending && r->master_fd >= 0) {
			ii = n;
			p[n++] = (struct pollfd){ .fd = r->in_fd, .events = POLLIN };
		}
		if (poll(p, (nfds_t)n, timeout_ms != NULL ? timeout_ms(ctx) : -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (im >= 0 && (p[im].revents & (POLLIN | POLLHUP | POLLERR)))
			pump_out(r);
		if (im >= 0 && (p[im].revents & POLLOUT) && r->master_fd >= 0)
			pump_in_write(r);
		if (ii >= 0 && (p[ii].revents & (POLLIN | POLLHUP | POLLERR)) && !r->in_eof)
			pump_in_read(r);
		if (!(p[0].revents & POLLIN))
			continue;
		for (;;) {
			struct signalfd_siginfo si;
			ssize_t k = read(sfd, &si, sizeof(si));
			if (k != (ssize_t)sizeof(si))
				break;
			if (si.ssi_signo == SIGWINCH) {
				copy_size(r); /* the pty tells the box's foreground */
				continue;
			}
			if (si.ssi_signo == SIGTSTP) {
				suspend(r);
				continue;
			}
			if (si.ssi_signo == SIGHUP)
				hang_up(r);
			if (on_signal(ctx, &si, status) == 1) {
				ended = true;
				break;
			}
		}
	}
	/* The box is gone (its PID 1 exits only after every process in it
	 * has): what it wrote is all in the master now. */
	while (pump_out(r))
		;
	term_restore(r);
	return ended ? 0 : -1;
}
