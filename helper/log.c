// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The audit trail. Lines go to syslog with facility authpriv: who (uid and
 * name), policy, box, command, outcome. Anything that came from the caller
 * is escaped (no control characters, no newlines forging log lines) and cut.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

void log_open(void)
{
	openlog("nsrun", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
}

void log_audit(int priority, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	for (i = 0; line[i]; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = '?';
	syslog(priority, "%s", line);
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
