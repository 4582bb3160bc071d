// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The status fd: one JSON object a line, written by the supervisor to a
 * descriptor the caller opened and named (--status-fd), when the payload
 * runs and when the box ends. Only values nsrun itself holds are written
 * (the command is the escaped form of the audit log), every string JSON-
 * escaped. The fd is the caller's own, so writing to it gives nothing.
 */
#include "status.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

int status_json_str(char *out, size_t sz, const char *s)
{
	size_t o = 0;

	if (sz < 3)
		return -1;
	out[o++] = '"';
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[8];
		size_t n;

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			n = 2;
		} else if (c < 0x20 || c == 0x7f) {
			n = (size_t)snprintf(esc, sizeof(esc), "\\u%04x", c);
		} else {
			esc[0] = (char)c;
			n = 1;
		}
		if (o + n + 2 > sz)
			return -1;
		memcpy(out + o, esc, n);
		o += n;
	}
	out[o++] = '"';
	out[o] = '\0';
	return 0;
}

void status_addr(uint32_t addr, char *out, size_t sz)
{
	uint32_t n = htonl(addr);

	if (addr == 0 || inet_ntop(AF_INET, &n, out, (socklen_t)sz) == NULL)
		out[0] = '\0';
}

static void status_line(int fd, const char *line)
{
	if (fd >= 0)
		(void)nsr_write_all(fd, line, strlen(line));
}

void status_running(int fd, const struct box_record *r)
{
	char box[160], pol[160], cg[400], addr[24], a[48], line[1024];

	if (fd < 0)
		return;
	status_addr(r->addr, addr, sizeof(addr));
	status_json_str(box, sizeof(box), r->box);
	status_json_str(pol, sizeof(pol), r->policy);
	if (r->cgroup[0]) {
		char path[160];
		snprintf(path, sizeof(path), "/nsrun/%s", r->cgroup);
		status_json_str(cg, sizeof(cg), path);
	} else {
		snprintf(cg, sizeof(cg), "null");
	}
	if (addr[0])
		status_json_str(a, sizeof(a), addr);
	else
		snprintf(a, sizeof(a), "null");
	snprintf(line, sizeof(line),
		 "{\"event\":\"running\",\"box\":%s,\"policy\":%s,\"pid\":%d,\"cgroup\":%s,\"address\":%s}\n",
		 box, pol, (int)r->init_pid, cg, a);
	status_line(fd, line);
}

void status_ended(int fd, const struct box_record *r, const struct status_end *e)
{
	char box[160], code[16], sig[16], line[512];

	if (fd < 0)
		return;
	status_json_str(box, sizeof(box), r->box);
	if (e->exit_code >= 0)
		snprintf(code, sizeof(code), "%d", e->exit_code);
	else
		snprintf(code, sizeof(code), "null");
	if (e->signal > 0)
		snprintf(sig, sizeof(sig), "%d", e->signal);
	else
		snprintf(sig, sizeof(sig), "null");
	snprintf(line, sizeof(line),
		 "{\"event\":\"exited\",\"box\":%s,\"exit_code\":%s,\"signal\":%s,\"oom\":%s,"
		 "\"runtime_limit\":%s,\"stopped\":%s,\"status\":%d,\"wall_seconds\":%.3f}\n",
		 box, code, sig, e->oom ? "true" : "false", e->runtime_limit ? "true" : "false",
		 e->stopped ? "true" : "false", e->status, e->wall_seconds);
	status_line(fd, line);
}
