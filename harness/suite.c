// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Suite file parsing with inih. The file is the operator's (the harness
 * runs as root on their behalf), but it is still checked strictly: unknown
 * sections and keys, bad names and bad values are errors with their line.
 */
#include "config.h"

#include "suite.h"

#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

#define SUITE_FILE_MAX (256 * 1024)

struct suite_parser {
	struct suite *s;
	struct suite_run *run; /* current [run ...], or NULL in [harness] */
	char section[80];
	struct nsr_err *err;
	bool failed;
};

static int suite_bad(struct suite_parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int suite_bad(struct suite_parser *p, const char *fmt, ...)
{
	char msg[NSR_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!p->failed)
		nsr_err_set(p->err, NSR_E_USAGE, 0, "%s", msg);
	p->failed = true;
	return 0;
}

static int suite_copy(struct suite_parser *p, char *dst, size_t sz, const char *v)
{
	if (nsr_fmt(dst, sz, "%s", v) < 0)
		return suite_bad(p, "value too long: %s", v);
	return 1;
}

/* "lo, eth0" into the run's interface list. */
static int suite_ifaces(struct suite_parser *p, const char *v)
{
	struct suite_run *r = p->run;

	r->n_ifaces = 0;
	r->has_ifaces = true;
	while (*v != '\0') {
		size_t n;

		v += strspn(v, " \t,");
		n = strcspn(v, " \t,");
		if (n == 0)
			break;
		if (n >= POLICY_IFNAME_MAX || r->n_ifaces >= HX_MAX_IFACES)
			return suite_bad(p, "bad interface list: %s", v);
		memcpy(r->ifaces[r->n_ifaces], v, n);
		r->ifaces[r->n_ifaces++][n] = '\0';
		v += n;
	}
	return 1;
}

static int suite_run_key(struct suite_parser *p, const char *k, const char *v)
{
	struct suite_run *r = p->run;
	struct nsr_err e = { 0 };

	if (strcmp(k, "policy") == 0) {
		if (!policy_name_valid(v))
			return suite_bad(p, "bad policy name: %s", v);
		return suite_copy(p, r->policy, sizeof(r->policy), v);
	}
	if (strcmp(k, "box") == 0) {
		if (!policy_box_valid(v))
			return suite_bad(p, "bad box name: %s", v);
		return suite_copy(p, r->box, sizeof(r->box), v);
	}
	if (strcmp(k, "checks") == 0 || strcmp(k, "skip") == 0) {
		uint64_t m;

		if (hx_check_mask(v, &m, &e) < 0)
			return suite_bad(p, "%s", e.msg);
		r->checks = k[0] == 'c' ? m : (r->checks & ~m);
		return 1;
	}
	if (strcmp(k, "hostname") == 0) {
		r->has_hostname = true;
		return suite_copy(p, r->hostname, sizeof(r->hostname), v);
	}
	if (strcmp(k, "network") == 0) {
		r->has_net = true;
		if (strcmp(v, "none") == 0)
			r->net = POLICY_NET_NONE;
		else if (strcmp(v, "bridge") == 0)
			r->net = POLICY_NET_BRIDGE;
		else if (strcmp(v, "host") == 0)
			r->net = POLICY_NET_HOST;
		else
			return suite_bad(p, "network must be none, bridge or host: %s", v);
		return 1;
	}
	if (strcmp(k, "interfaces") == 0)
		return suite_ifaces(p, v);
	if (strcmp(k, "writable") == 0) {
		r->has_writable = true;
		if (strcmp(v, "no") == 0)
			r->writable = POLICY_WRITABLE_NO;
		else if (strcmp(v, "tmpfs") == 0)
			r->writable = POLICY_WRITABLE_TMPFS;
		else if (strcmp(v, "persistent") == 0)
			r->writable = POLICY_WRITABLE_PERSISTENT;
		else
			return suite_bad(p, "writable must be no, tmpfs or persistent: %s", v);
		return 1;
	}
	if (strcmp(k, "pids") == 0 || strcmp(k, "memory") == 0) {
		uint64_t x;

		if (policy_parse_size(v, &x) < 0 || x == 0)
			return suite_bad(p, "bad limit: %s", v);
		if (k[0] == 'p') {
			r->has_pids = true;
			r->pids = x;
		} else {
			r->has_memory = true;
			r->memory = x;
		}
		return 1;
	}
	return suite_bad(p, "unknown key in [run]: %s", k);
}

static int suite_harness_key(struct suite_parser *p, const char *k, const char *v)
{
	struct suite *s = p->s;

	if (strcmp(k, "nsrun") == 0)
		return suite_copy(p, s->nsrun, sizeof(s->nsrun), v);
	if (strcmp(k, "probe") == 0)
		return suite_copy(p, s->probe, sizeof(s->probe), v);
	if (strcmp(k, "as") == 0)
		return suite_copy(p, s->as, sizeof(s->as), v);
	if (strcmp(k, "timeout") == 0) {
		int t = atoi(v);

		if (t <= 0 || t > 3600)
			return suite_bad(p, "bad timeout: %s", v);
		s->timeout_s = t;
		return 1;
	}
	return suite_bad(p, "unknown key in [harness]: %s", k);
}

/* A new section: [harness], or [run LABEL] starting a new run. */
static int suite_section(struct suite_parser *p, const char *section)
{
	struct suite_run *r;
	size_t i;

	size_t n = strnlen(section, sizeof(p->section) - 1);

	memcpy(p->section, section, n); /* section names are short; cut if not */
	p->section[n] = '\0';
	p->run = NULL;
	if (strcmp(section, "harness") == 0)
		return 1;
	if (strncmp(section, "run ", 4) != 0 || section[4] == '\0')
		return suite_bad(p, "unknown section [%s]", section);
	if (p->s->n_runs >= SUITE_MAX_RUNS)
		return suite_bad(p, "too many runs (at most 32): %s", section);
	for (i = 0; i < p->s->n_runs; i++)
		if (strcmp(p->s->runs[i].label, section + 4) == 0)
			return suite_bad(p, "repeated section [%s]", section);
	r = &p->s->runs[p->s->n_runs++];
	memset(r, 0, sizeof(*r));
	r->checks = hx_all_checks();
	if (suite_copy(p, r->label, sizeof(r->label), section + 4) == 0)
		return 0;
	p->run = r;
	return 1;
}

static int suite_handler(void *user, const char *section, const char *key, const char *value)
{
	struct suite_parser *p = user;

	if (p->failed)
		return 0;
	if (strcmp(section, p->section) != 0 && suite_section(p, section) == 0)
		return 0;
	return p->run != NULL ? suite_run_key(p, key, value) : suite_harness_key(p, key, value);
}

static int suite_finish(struct suite_parser *p, int r)
{
	size_t i;

	if (r != 0) {
		if (p->failed)
			return nsr_err_prefix(p->err, "line %d", r);
		return nsr_err_set(p->err, NSR_E_USAGE, 0, "line %d: syntax error", r);
	}
	if (p->s->n_runs == 0)
		return nsr_err_set(p->err, NSR_E_USAGE, 0, "no [run ...] section");
	for (i = 0; i < p->s->n_runs; i++) {
		struct suite_run *run = &p->s->runs[i];

		if (run->policy[0] == '\0')
			return nsr_err_set(p->err, NSR_E_USAGE, 0, "[run %s]: no policy", run->label);
		if (run->box[0] == '\0')
			snprintf(run->box, sizeof(run->box), "harness");
	}
	return 0;
}

/* inih hands a repeated [section] to the handler as a mere continuation;
 * find repeats in the text first. */
static int suite_repeats(const char *text, struct nsr_err *err)
{
	const char *l, *m;
	unsigned line = 1;

	for (l = text; *l != '\0'; l += strcspn(l, "\n"), l += *l == '\n', line++) {
		size_t n = strcspn(l, "\n");
		unsigned other = 1;

		if (l[0] != '[')
			continue;
		for (m = text; m < l; m += strcspn(m, "\n") + 1, other++)
			if (strncmp(m, l, n) == 0 && (m[n] == '\n' || m[n] == '\0'))
				return nsr_err_set(err, NSR_E_USAGE, 0,
						   "line %u: repeated section %.*s (first on line %u)",
						   line, (int)n, l, other);
	}
	return 0;
}

int suite_parse_string(const char *text, struct suite *s, struct nsr_err *err)
{
	struct suite_parser p = { .s = s, .err = err };

	memset(s, 0, sizeof(*s));
	if (suite_repeats(text, err) < 0)
		return -1;
	return suite_finish(&p, ini_parse_string(text, suite_handler, &p));
}

int suite_parse_file(const char *path, struct suite *s, struct nsr_err *err)
{
	nsr_cleanup_free char *text = malloc(SUITE_FILE_MAX + 1);
	nsr_cleanup_fd int fd = nsr_openat(AT_FDCWD, path, O_RDONLY, 0);
	ssize_t n;

	memset(s, 0, sizeof(*s));
	if (text == NULL)
		return nsr_err_set(err, NSR_E_USAGE, ENOMEM, "%s", path);
	if (fd < 0 || (n = nsr_read_full(fd, text, SUITE_FILE_MAX + 1)) < 0)
		return nsr_err_set(err, NSR_E_USAGE, errno, "cannot read %s", path);
	if (n > SUITE_FILE_MAX)
		return nsr_err_set(err, NSR_E_USAGE, 0, "%s: larger than %d bytes", path,
				   SUITE_FILE_MAX);
	text[n] = '\0';
	if (suite_parse_string(text, s, err) < 0)
		return nsr_err_prefix(err, "%s", path);
	return 0;
}

void suite_apply(const struct suite_run *run, struct hx_expect *exp)
{
	if (run->has_hostname)
		snprintf(exp->hostname, sizeof(exp->hostname), "%s", run->hostname);
	if (run->has_net)
		exp->net = run->net;
	if (run->has_ifaces) {
		exp->has_ifaces = true;
		exp->n_ifaces = run->n_ifaces;
		memcpy(exp->ifaces, run->ifaces, sizeof(exp->ifaces));
	}
	if (run->has_writable)
		exp->writable = run->writable;
	if (run->has_pids) {
		exp->has_pids = true;
		exp->pids = run->pids;
	}
	if (run->has_memory) {
		exp->has_memory = true;
		exp->memory = run->memory;
	}
}
