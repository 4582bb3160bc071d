// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nsrun-harness: run isolation checks against nsrun policies (nsrun-harness(1)).
 * Runs as root, starts boxes through the real setuid nsrun as the --as
 * user, watches the host side. The only file that prints and exits:
 * 0 all passed, 1 a check failed, 2 the run could not happen.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "harness.h"
#include "report.h"
#include "setup.h"
#include "suite.h"

#define MAIN_MAX_TARGETS 64

struct main_opts {
	const char *nsrun, *as, *probe, *junit, *suite;
	uint64_t only;
	int timeout_s;
	bool list;
};

static void main_usage(FILE *out)
{
	fputs("usage: nsrun-harness [--nsrun PATH] [--as USER] [--tap] [--junit FILE]\n"
	      "                     [--only CHECK[,CHECK...]] [--probe PATH] [--timeout SEC]\n"
	      "                     POLICY[:BOX]...\n"
	      "       nsrun-harness [OPTIONS] --suite FILE.ini\n"
	      "       nsrun-harness --list-checks\n",
	      out);
}

/* Text wrapped at width columns, each line after the first indented. */
static void main_wrap(FILE *out, const char *label, const char *text, int indent, int width)
{
	int col = fprintf(out, "%*s%s", indent, "", label);

	while (*text != '\0') {
		size_t n = strcspn(text, " ");

		if (col + 1 + (int)n > width && col > indent + (int)strlen(label)) {
			col = fprintf(out, "\n%*s", indent + (int)strlen(label), "") - 1;
		} else if (col > indent + (int)strlen(label)) {
			fputc(' ', out);
			col++;
		}
		col += fprintf(out, "%.*s", (int)n, text);
		text += n;
		text += strspn(text, " ");
	}
	fputc('\n', out);
}

/* --list-checks: each check's name on a line of its own, then what a pass
 * proves and what makes it fail. */
static void main_list(FILE *out)
{
	size_t i;

	for (i = 0; i < hx_n_checks; i++) {
		fprintf(out, "%s\n", hx_checks[i]->name);
		main_wrap(out, "proves: ", hx_checks[i]->proves, 4, 79);
		main_wrap(out, "fails:  ", hx_checks[i]->fails, 4, 79);
	}
}

static int main_fail(const char *what, const struct nsr_err *err)
{
	char buf[600];

	fprintf(stderr, "nsrun-harness: %s%s%s\n", what, err ? ": " : "",
		err ? nsr_err_text(err, buf, sizeof(buf)) : "");
	return 2;
}

static int main_parse(int argc, char **argv, struct main_opts *o)
{
	static const struct option longs[] = {
		{ "nsrun", required_argument, NULL, 'n' },
		{ "as", required_argument, NULL, 'a' },
		{ "tap", no_argument, NULL, 't' },
		{ "junit", required_argument, NULL, 'j' },
		{ "only", required_argument, NULL, 'o' },
		{ "suite", required_argument, NULL, 's' },
		{ "probe", required_argument, NULL, 'p' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "list-checks", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct nsr_err err = { 0 };
	int c;

	while ((c = getopt_long(argc, argv, "+h", longs, NULL)) != -1) {
		switch (c) {
		case 'n':
			o->nsrun = optarg;
			break;
		case 'a':
			o->as = optarg;
			break;
		case 't':
			break;
		case 'j':
			o->junit = optarg;
			break;
		case 's':
			o->suite = optarg;
			break;
		case 'p':
			o->probe = optarg;
			break;
		case 'l':
			o->list = true;
			break;
		case 'T':
			o->timeout_s = atoi(optarg);
			if (o->timeout_s <= 0 || o->timeout_s > 3600)
				return main_fail("bad --timeout", NULL);
			break;
		case 'o':
			if (hx_check_mask(optarg, &o->only, &err) < 0)
				return main_fail("--only", &err);
			break;
		case 'h':
			main_usage(stdout);
			exit(0);
		default:
			main_usage(stderr);
			return 2;
		}
	}
	return 0;
}

/* Targets from POLICY[:BOX] arguments or the suite's runs. */
static int main_targets(const struct hx_config *cfg, char **args, int n, const struct suite *s,
			uint64_t only, struct hx_target *ts, size_t *nt)
{
	struct nsr_err err = { 0 };
	size_t count = s != NULL ? s->n_runs : (size_t)n, i;

	if (count == 0 || count > MAIN_MAX_TARGETS)
		return main_fail("name one to 64 POLICY[:BOX] (or --suite)", NULL);
	for (i = 0; i < count; i++) {
		char policy[POLICY_NAME_MAX + 1] = "", box[POLICY_BOX_MAX + 1] = "harness";
		const struct suite_run *run = s != NULL ? &s->runs[i] : NULL;

		if (run != NULL) {
			snprintf(policy, sizeof(policy), "%s", run->policy);
			snprintf(box, sizeof(box), "%s", run->box);
		} else {
			const char *colon = strchr(args[i], ':');
			size_t pl = colon ? (size_t)(colon - args[i]) : strlen(args[i]);

			if (pl > POLICY_NAME_MAX || (colon && strlen(colon + 1) > POLICY_BOX_MAX))
				return main_fail("policy or box name too long", NULL);
			memcpy(policy, args[i], pl);
			policy[pl] = '\0';
			if (colon != NULL)
				snprintf(box, sizeof(box), "%s", colon + 1);
		}
		if (setup_target(cfg, policy, box, run, &ts[i], &err) < 0)
			return main_fail("cannot prepare", &err);
		if (only != 0)
			ts[i].checks &= only;
		*nt = i + 1;
	}
	return 0;
}

static double main_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Every selected check of every target, TAP as it goes. */
static size_t main_run(const struct hx_config *cfg, const struct hx_target *ts, size_t nt,
		       struct rep_result *rs)
{
	size_t i, c, n = 0;

	rep_tap_header(stdout);
	for (i = 0; i < nt; i++) {
		struct hx_ctx ctx = { .cfg = cfg, .t = &ts[i] };

		snprintf(ctx.token, sizeof(ctx.token), "%ld-%zu", (long)getpid(), i);
		fprintf(stdout, "# %s: policy %s, box %s\n", ts[i].label, ts[i].policy, ts[i].box);
		for (c = 0; c < hx_n_checks; c++) {
			struct hx_result *res;
			double t0 = main_now();
			size_t len;

			if (!(ts[i].checks & HX_BIT(c)))
				continue;
			res = calloc(1, sizeof(*res));
			if (res == NULL)
				break;
			hx_checks[c]->run(&ctx, res);
			snprintf(rs[n].check, sizeof(rs[n].check), "%s", hx_checks[c]->name);
			snprintf(rs[n].target, sizeof(rs[n].target), "%s", ts[i].label);
			rs[n].status = res->status;
			snprintf(rs[n].diag, sizeof(rs[n].diag), "%s", res->diag);
			len = strlen(rs[n].diag);
			while (len > 0 && rs[n].diag[len - 1] == '\n')
				rs[n].diag[--len] = '\0';
			rs[n].seconds = main_now() - t0;
			free(res);
			n++;
			rep_tap_result(stdout, n, &rs[n - 1]);
		}
		hx_ctx_free(&ctx);
	}
	rep_tap_plan(stdout, n);
	rep_summary(stdout, rs, n);
	return n;
}

static int main_junit(const char *path, const struct rep_result *rs, size_t n)
{
	FILE *f = fopen(path, "we");
	int r;

	if (f == NULL)
		return -1;
	r = rep_junit_write(f, rs, n);
	return fclose(f) != 0 || r < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	static struct hx_config cfg;
	static struct suite suite;
	static struct hx_target ts[MAIN_MAX_TARGETS];
	struct main_opts o = { 0 };
	struct nsr_err err = { 0 };
	struct rep_result *rs;
	size_t nt = 0, n, i, fails = 0;
	int r;

	umask(022);
	if (main_parse(argc, argv, &o) != 0)
		return 2;
	if (o.list) {
		main_list(stdout);
		return 0;
	}
	if (geteuid() != 0)
		return main_fail("must run as root (it watches the host side)", NULL);
	if (o.suite != NULL && suite_parse_file(o.suite, &suite, &err) < 0)
		return main_fail("suite", &err);
	snprintf(cfg.nsrun, sizeof(cfg.nsrun), "%s",
		 o.nsrun	? o.nsrun :
		 suite.nsrun[0] ? suite.nsrun :
				  NSR_BINDIR "/nsrun");
	snprintf(cfg.probe, sizeof(cfg.probe), "%s",
		 o.probe	? o.probe :
		 suite.probe[0] ? suite.probe :
				  NSR_LIBEXECDIR "/nsrun-probe");
	cfg.timeout_s = o.timeout_s ? o.timeout_s : suite.timeout_s ? suite.timeout_s : 60;
	gethostname(cfg.hostname, sizeof(cfg.hostname) - 1);
	if (setup_user(o.as ? o.as : suite.as[0] ? suite.as : "nobody", &cfg.as, &err) < 0)
		return main_fail("--as", &err);
	if (access(cfg.nsrun, X_OK) < 0)
		return main_fail("nsrun not found or not executable (--nsrun PATH)", NULL);
	if (setup_policydir(&cfg, &err) < 0 || setup_probe(&cfg, &err) < 0)
		return main_fail("setup", &err);
	if (main_targets(&cfg, argv + optind, argc - optind, o.suite ? &suite : NULL, o.only, ts,
			 &nt) != 0) {
		for (i = 0; i < nt; i++)
			setup_target_free(&ts[i]);
		setup_cleanup(&cfg);
		return 2;
	}
	rs = calloc(nt * hx_n_checks + 1, sizeof(*rs));
	if (rs == NULL || setup_marker(&cfg, &err) < 0) {
		int had = rs != NULL;
		free(rs);
		setup_cleanup(&cfg);
		return main_fail("setup", had ? &err : NULL);
	}
	n = main_run(&cfg, ts, nt, rs);
	for (i = 0; i < n; i++)
		fails += rs[i].status == HX_FAIL;
	r = fails > 0 ? 1 : 0;
	if (o.junit != NULL && main_junit(o.junit, rs, n) < 0) {
		fprintf(stderr, "nsrun-harness: cannot write %s\n", o.junit);
		r = 2;
	}
	for (i = 0; i < nt; i++)
		setup_target_free(&ts[i]);
	setup_cleanup(&cfg);
	free(rs);
	return r;
}
