// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What every check shares: result helpers, the check table's lookups and
 * the one `facts` run a target's simple checks read. Runs as root in the
 * host's namespaces; the box is started through runner.c.
 */
#include "config.h"

#include "harness.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "runner.h"

static void hx_vappend(struct hx_result *r, const char *fmt, va_list ap)
{
	size_t used = strlen(r->diag);

	if (used + 2 >= sizeof(r->diag))
		return;
	vsnprintf(r->diag + used, sizeof(r->diag) - used - 1, fmt, ap);
	used = strlen(r->diag);
	r->diag[used] = '\n';
	r->diag[used + 1] = '\0';
}

int hx_fail(struct hx_result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hx_vappend(r, fmt, ap);
	va_end(ap);
	r->status = HX_FAIL;
	return -1;
}

int hx_skip(struct hx_result *r, const char *fmt, ...)
{
	va_list ap;

	r->diag[0] = '\0';
	va_start(ap, fmt);
	hx_vappend(r, fmt, ap);
	va_end(ap);
	r->status = HX_SKIP;
	return 0;
}

void hx_note(struct hx_result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hx_vappend(r, fmt, ap);
	va_end(ap);
}

const struct facts *hx_facts(struct hx_ctx *ctx, struct hx_result *res)
{
	const char *args[] = { HX_PROBE_TARGET "/nsrun-probe",
			       "facts",
			       "--marker",
			       ctx->cfg->marker,
			       "--cgroup-scan",
			       NULL };
	struct run_box b;
	struct nsr_err err = { 0 };
	struct facts *f;
	char buf[600];

	if (ctx->facts_tried) {
		if (ctx->facts == NULL)
			hx_fail(res, "the facts box did not run (see the first check)");
		return ctx->facts;
	}
	ctx->facts_tried = true;
	if (run_once(ctx, args, &b, &err) < 0) {
		hx_fail(res, "cannot start nsrun: %s", nsr_err_text(&err, buf, sizeof(buf)));
		run_free(&b);
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	if (f == NULL || facts_parse(b.out, b.out_len, f) < 0 || run_exit_code(&b) != 0 ||
	    !facts_has(f, "done", "1")) {
		hx_fail(res, "the probe did not run to the end");
		run_note(&b, res);
		if (f != NULL)
			facts_free(f);
		free(f);
		run_free(&b);
		return NULL;
	}
	run_free(&b);
	ctx->facts = f;
	return f;
}

void hx_ctx_free(struct hx_ctx *ctx)
{
	if (ctx->facts != NULL) {
		facts_free(ctx->facts);
		free(ctx->facts);
	}
	ctx->facts = NULL;
	ctx->facts_tried = false;
}

uint64_t hx_all_checks(void)
{
	return hx_n_checks >= HX_MAX_CHECKS ? ~UINT64_C(0) : HX_BIT(hx_n_checks) - 1;
}

int hx_check_find(const char *name)
{
	size_t i;

	for (i = 0; i < hx_n_checks; i++)
		if (strcmp(hx_checks[i]->name, name) == 0)
			return (int)i;
	return -1;
}

int hx_check_mask(const char *list, uint64_t *mask, struct nsr_err *err)
{
	*mask = 0;
	while (*list != '\0') {
		char name[64];
		size_t n;
		int i;

		list += strspn(list, " \t,");
		n = strcspn(list, " \t,");
		if (n == 0)
			break;
		if (n >= sizeof(name))
			return nsr_err_set(err, NSR_E_USAGE, 0, "unknown check: %.*s", (int)n, list);
		memcpy(name, list, n);
		name[n] = '\0';
		i = hx_check_find(name);
		if (i < 0)
			return nsr_err_set(err, NSR_E_USAGE, 0, "unknown check: %s", name);
		*mask |= HX_BIT(i);
		list += n;
	}
	if (*mask == 0)
		return nsr_err_set(err, NSR_E_USAGE, 0, "no check named");
	return 0;
}
