// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The audit trail. Lines go to syslog with facility authpriv: who (uid and
 * name), policy, box, command, outcome. Anything that came from the caller
 * is escaped (no control characters, no newlines forging log lines) and cut.
 *
 * Our own client of /dev/log rather than syslog(3): one datagram socket,
 * made and connected once per process, each line formatted once into one
 * buffer and sent with MSG_DONTWAIT. syslog(3) makes a new socket and
 * tries to connect for every line when no syslog listens, reads the time
 * zone for its time stamp, and blocks in send(2) for as long as a syslog
 * that does not read leaves its queue full: a start must never wait on
 * that (doc/performance.md). A full queue is waited on for LOG_WAIT_MS at
 * most, once per process (then lines are not waited for at all). A line
 * a full queue refuses goes to the kernel's log instead (/dev/kmsg, which
 * only root may write and no user can fill), so flooding /dev/log cannot
 * hide a start; lines that went nowhere (no syslog at all, or not root any
 * more) are counted and the count is logged with the next line that goes
 * through. The time stamp is
 * the receiver's (rsyslog, journald and busybox syslogd all stamp a line
 * that has none).
 */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#define LOG_PATH "/dev/log"
#define LOG_KMSG "/dev/kmsg"
#define LOG_WAIT_MS 5

static int log_fd = -1;
static bool log_connected;
static unsigned long log_dropped;
static bool log_stuck; /* a full queue outlasted LOG_WAIT_MS once: no more waits */
static int kmsg_fd = -1;

static void log_connect(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = LOG_PATH };

	if (log_fd < 0)
		log_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (log_fd >= 0 && !log_connected)
		log_connected = connect(log_fd, (const struct sockaddr *)&sa, sizeof(sa)) == 0;
}

void log_open(void)
{
	log_connect();
}

/* A line a stuck syslog refused, to the kernel's log: one write, never
 * blocking; false where it cannot go there either. */
static bool log_kmsg(const char *buf, size_t len)
{
	if (kmsg_fd < 0)
		kmsg_fd = open(LOG_KMSG, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	return kmsg_fd >= 0 && write(kmsg_fd, buf, len) == (ssize_t)len;
}

/* One datagram; false when it could not go (no syslog, or a full queue
 * for longer than LOG_WAIT_MS: then *full). */
static bool log_send(const char *buf, size_t len, bool *full)
{
	*full = false;
	for (int tries = 0; tries < 2; tries++) {
		if (!log_connected)
			log_connect();
		if (!log_connected)
			return false;
		if (send(log_fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0)
			return true;
		if (errno == EAGAIN || errno == ENOBUFS) {
			/* Connected datagram socket: POLLOUT says the receiver's
			 * queue has room again. */
			struct pollfd p = { .fd = log_fd, .events = POLLOUT };
			if (!log_stuck && poll(&p, 1, LOG_WAIT_MS) == 1 && (p.revents & POLLOUT) &&
			    send(log_fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0)
				return true;
			log_stuck = true;
			*full = true;
			return false;
		}
		/* The syslog went away or was restarted: a new socket and
		 * connection, once. */
		close(log_fd);
		log_fd = -1;
		log_connected = false;
	}
	return false;
}

void log_audit(int priority, const char *fmt, ...)
{
	char line[1024 + 128];
	int head, n;
	va_list ap;
	size_t i, len;

	head = snprintf(line, sizeof(line), "<%d>nsrun[%d]: ", LOG_AUTHPRIV | LOG_PRI(priority),
			(int)getpid());
	if (head < 0)
		return;
	if (log_dropped > 0) {
		n = snprintf(line + head, sizeof(line) - (size_t)head,
			     "(%lu earlier audit line(s) not delivered) ", log_dropped);
		if (n > 0 && (size_t)n < sizeof(line) - (size_t)head)
			head += n;
	}
	va_start(ap, fmt);
	n = vsnprintf(line + head, sizeof(line) - (size_t)head, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	len = strnlen(line, sizeof(line));
	for (i = (size_t)head; i < len; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = '?';
	bool full;
	if (log_send(line, len, &full) || (full && log_kmsg(line, len)))
		log_dropped = 0;
	else
		log_dropped++;
}

void log_render_argv(char *const *argv, size_t argc, char *out, size_t outsz)
{
	size_t o = 0, i;

	if (outsz == 0)
		return;
	out[0] = '\0';
	for (i = 0; i < argc && argv[i] != NULL; i++) {
		const unsigned char *s = (const unsigned char *)argv[i];
		if (o + 2 >= outsz)
			break;
		if (i > 0)
			out[o++] = ' ';
		for (; *s && o + 5 < outsz; s++) {
			if (*s < 0x20 || *s >= 0x7f || *s == '\\')
				o += (size_t)snprintf(out + o, outsz - o, "\\x%02x", *s);
			else
				out[o++] = (char)*s;
		}
	}
	if (i < argc && o + 4 < outsz)
		memcpy(out + o, "...", 4), o += 3;
	out[o < outsz ? o : outsz - 1] = '\0';
}
