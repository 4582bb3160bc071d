// SPDX-License-Identifier: GPL-2.0-or-later
/* The error type: formatting only. Trusts nothing, needs no privilege. */
#include "err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int nsr_err_set(struct nsr_err *err, int kind, int errnum, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	err->kind = kind;
	err->errnum = errnum;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int nsr_err_prefix(struct nsr_err *err, const char *fmt, ...)
{
	char out[NSR_ERR_MSG_MAX];
	size_t n, m;
	va_list ap;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(out, sizeof(out), fmt, ap);
	va_end(ap);
	n = strnlen(out, sizeof(out) - 1);
	/* "context: old message", cut at the end if it does not fit. */
	if (n + 2 < sizeof(out)) {
		memcpy(out + n, ": ", 2);
		n += 2;
	}
	m = strnlen(err->msg, sizeof(err->msg));
	if (m > sizeof(out) - 1 - n)
		m = sizeof(out) - 1 - n;
	memcpy(out + n, err->msg, m);
	out[n + m] = '\0';
	memcpy(err->msg, out, sizeof(out));
	return -1;
}

const char *nsr_err_text(const struct nsr_err *err, char *buf, size_t bufsz)
{
	char msg[NSR_ERR_MSG_MAX];

	memcpy(msg, err->msg, sizeof(msg));
	msg[sizeof(msg) - 1] = '\0';
	if (err->errnum != 0)
		snprintf(buf, bufsz, "%s: %s", msg, strerror(err->errnum));
	else
		snprintf(buf, bufsz, "%s", msg);
	return buf;
}

int nsr_err_exit_status(const struct nsr_err *err)
{
	switch (err->kind) {
	case NSR_E_EXEC_NOENT:
		return 127;
	case NSR_E_EXEC:
		return 126;
	default:
		return 125;
	}
}

struct nsr_err *nsr_err_slot(struct nsr_err_first *fe)
{
	return fe->rc < 0 || fe->err == NULL ? &fe->spare : fe->err;
}

int nsr_err_step(struct nsr_err_first *fe, int r)
{
	if (r < 0)
		fe->rc = -1;
	return r;
}
