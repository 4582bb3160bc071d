// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nsrun-probe MODE [OPTIONS]: runs inside a box for nsrun-harness and prints
 * `key=value` lines. Modes: facts, hold (facts, wait for a line on stdin,
 * then mountinfo and IPC again), fork (fork until refused), memory (touch
 * memory until killed), cpu (busy processes, then the CPU time they got),
 * ids (identity only, for a setuid copy), ping (one ICMP echo over an
 * unprivileged ICMP socket), devices (the box's device nodes and whether
 * they open; probe_dev.c). Static, no NSS; expects no privilege and stops
 * itself at the bounds it is given.
 */
#include "config.h"

#include "probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

void probe_out(const char *key, const char *fmt, ...)
{
	char line[4200];
	va_list ap;
	int n = snprintf(line, sizeof(line), "%s=", key);

	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	(void)nsr_write_all(STDOUT_FILENO, line, (size_t)n);
}

int probe_wait_go(int timeout_s)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
	char c;

	if (poll(&p, 1, timeout_s * 1000) <= 0)
		return -1;
	return read(STDIN_FILENO, &c, 1) == 1 ? 0 : -1;
}

/* Objects the probe makes with key k, so the harness can look for them. */
static void probe_ipc_make(long k, int ids[3])
{
	ids[0] = msgget((key_t)k, IPC_CREAT | 0600);
	ids[1] = semget((key_t)k, 1, IPC_CREAT | 0600);
	ids[2] = shmget((key_t)k, 4096, IPC_CREAT | 0600);
	probe_out("ipc_made", "%d %d %d", ids[0] >= 0, ids[1] >= 0, ids[2] >= 0);
}

static void probe_ipc_remove(const int ids[3])
{
	if (ids[0] >= 0)
		msgctl(ids[0], IPC_RMID, NULL);
	if (ids[1] >= 0)
		semctl(ids[1], 0, IPC_RMID);
	if (ids[2] >= 0)
		shmctl(ids[2], IPC_RMID, NULL);
}

static int probe_hold(const struct probe_opts *o)
{
	int ids[3] = { -1, -1, -1 };

	probe_facts(o);
	if (o->ipc_create != 0)
		probe_ipc_make(o->ipc_create, ids);
	probe_out("ready", "1");
	probe_out("go", "%d", probe_wait_go(120) == 0);
	probe_mounts("mount2");
	probe_ipc_list("ipc2");
	probe_ipc_remove(ids);
	probe_out("done", "1");
	return 0;
}

/* Fork children that wait on a pipe until the probe lets them go, up to
 * max of them or until fork is refused. `token` stays in argv so the
 * harness can find leftovers in the host's process table. */
static int probe_fork(long max)
{
	int p[2];
	long n = 0;
	int saved = 0;

	if (pipe(p) < 0)
		return 1;
	while (n < max) {
		pid_t c = fork();

		if (c < 0) {
			saved = errno;
			break;
		}
		if (c == 0) {
			char b;
			close(p[1]);
			while (read(p[0], &b, 1) < 0 && errno == EINTR)
				;
			_exit(0);
		}
		n++;
	}
	close(p[0]);
	probe_out("forked", "%ld", n);
	probe_out("fork_errno", "%s",
		  saved == 0	  ? "none" :
		  saved == EAGAIN ? "EAGAIN" :
				    strerror(saved));
	probe_out("ready", "1");
	probe_out("go", "%d", probe_wait_go(120) == 0);
	close(p[1]);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	probe_out("done", "1");
	return 0;
}

/* Touch max_mib MiB, step_mib at a time, reporting each step. */
static int probe_memory(long max_mib, long step_mib)
{
	long done = 0;

	while (done < max_mib) {
		size_t len = (size_t)step_mib << 20;
		char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (m == MAP_FAILED) {
			probe_out("mmap_errno", "%s", strerror(errno));
			return 1;
		}
		for (size_t i = 0; i < len; i += 4096)
			m[i] = (char)(i + 1);
		done += step_mib;
		probe_out("touched_mib", "%ld", done);
	}
	probe_out("not_killed", "1");
	return 0;
}

static double probe_secs(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* n processes spin for ms milliseconds of wall time each; then the CPU time
 * they got (user + system, from RUSAGE_CHILDREN) and the wall time it took,
 * in ms. Then "ready", wait for a line, "done". */
static int probe_cpu(long n, long ms)
{
	double t0 = probe_secs(CLOCK_MONOTONIC), wall;
	struct rusage ru;
	long i, started = 0;

	for (i = 0; i < n; i++) {
		pid_t c = fork();

		if (c < 0)
			break;
		if (c == 0) {
			double end = probe_secs(CLOCK_MONOTONIC) + (double)ms / 1000.0;
			volatile unsigned long spin = 0;

			while (probe_secs(CLOCK_MONOTONIC) < end)
				for (int k = 0; k < 10000; k++)
					spin++;
			_exit(0);
		}
		started++;
	}
	while (wait(NULL) > 0 || errno == EINTR)
		;
	wall = probe_secs(CLOCK_MONOTONIC) - t0;
	getrusage(RUSAGE_CHILDREN, &ru);
	probe_out("cpu_procs", "%ld", started);
	probe_out("cpu_wall_ms", "%.0f", wall * 1000.0);
	probe_out("cpu_used_ms", "%.0f",
		  (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000.0 +
			  (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000.0);
	probe_out("ready", "1");
	probe_out("go", "%d", probe_wait_go(120) == 0);
	probe_out("done", "1");
	return 0;
}

/* One echo request to addr over an ICMP datagram socket (the kernel sets
 * the id and the checksum); "ping=ok" when the reply comes within 3 s. */
static int probe_ping(const char *addr)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct icmphdr req = { .type = ICMP_ECHO, .un.echo.sequence = htons(1) };
	struct icmphdr rep;
	struct pollfd pfd;
	int fd;

	if (inet_pton(AF_INET, addr, &to.sin_addr) != 1) {
		probe_out("ping", "error:bad address");
		return 2;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (fd < 0) {
		probe_out("ping", "error:socket:%s", strerror(errno));
		return 1;
	}
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
		probe_out("ping", "error:sendto:%s", strerror(errno));
		close(fd);
		return 1;
	}
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	if (poll(&pfd, 1, 3000) != 1 || recv(fd, &rep, sizeof(rep), 0) < (ssize_t)sizeof(rep) ||
	    rep.type != ICMP_ECHOREPLY) {
		probe_out("ping", "error:no reply");
		close(fd);
		return 1;
	}
	close(fd);
	probe_out("ping", "ok");
	return 0;
}

static long probe_num(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno != 0 || *end != '\0' || end == s) {
		probe_out("error", "bad number %s", s);
		exit(2);
	}
	return v;
}

static int probe_opts_parse(int argc, char **argv, struct probe_opts *o)
{
	int i;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--cgroup-scan") == 0) {
			o->cgroup_scan = true;
			continue;
		}
		if (v == NULL)
			return -1;
		i++;
		if (strcmp(a, "--marker") == 0)
			o->marker = v;
		else if (strcmp(a, "--victim") == 0)
			o->victim = probe_num(v);
		else if (strcmp(a, "--ipc-key") == 0)
			o->ipc_key = probe_num(v);
		else if (strcmp(a, "--ipc-create") == 0)
			o->ipc_create = probe_num(v);
		else if (strcmp(a, "--write") == 0)
			o->write_name = v;
		else if (strcmp(a, "--seek") == 0)
			o->seek_name = v;
		else if (strcmp(a, "--home") == 0)
			o->home = v;
		else if (strcmp(a, "--token") != 0)
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct probe_opts o = { 0 };
	const char *mode = argc > 1 ? argv[1] : "";

	signal(SIGPIPE, SIG_DFL);
	probe_out("probe", "1");
	if (strcmp(mode, "fork") == 0 && argc >= 3)
		return probe_fork(probe_num(argv[2]));
	if (strcmp(mode, "memory") == 0 && argc >= 4)
		return probe_memory(probe_num(argv[2]), probe_num(argv[3]));
	if (strcmp(mode, "ping") == 0 && argc >= 3)
		return probe_ping(argv[2]);
	if (strcmp(mode, "cpu") == 0 && argc >= 4)
		return probe_cpu(probe_num(argv[2]), probe_num(argv[3]));
	if (strcmp(mode, "devices") == 0)
		return probe_devices(argc - 2, argv + 2);
	if (strcmp(mode, "ids") == 0) {
		probe_facts(&o);
		return 0;
	}
	if ((strcmp(mode, "facts") == 0 || strcmp(mode, "hold") == 0) &&
	    probe_opts_parse(argc - 2, argv + 2, &o) == 0) {
		if (mode[0] == 'h')
			return probe_hold(&o);
		probe_facts(&o);
		probe_out("done", "1");
		return 0;
	}
	probe_out("error",
		  "usage: nsrun-probe facts|hold [OPTIONS] | fork MAX [--token T] | "
		  "memory MIB STEP | cpu PROCS MS | ids | ping ADDR | devices [--scan DIR]...");
	return 2;
}
