// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The command line parser. Everything here comes from the caller and is
 * untrusted: lengths are bounded, names are matched against the contract's
 * patterns before they can become paths, unknown options are refused.
 * Pure: no privilege, no I/O.
 */
#include "args.h"

#include <string.h>

#include "policy.h"

static bool is_opt(const char *a, const char *shortf, const char *longf)
{
	return (shortf && strcmp(a, shortf) == 0) || strcmp(a, longf) == 0;
}

static int set_mode(struct args_parsed *out, enum args_mode m, const char *opt, struct nsr_err *err)
{
	if (out->mode != ARGS_MODE_NONE && out->mode != m)
		return nsr_err_set(err, NSR_E_USAGE, 0, "%s cannot be combined with another mode",
				   opt);
	out->mode = m;
	return 0;
}

/* Quote nothing of the caller's back at length: cut it for messages. */
static const char *shown(const char *s)
{
	static char buf[48];
	size_t n = strnlen(s, sizeof(buf) - 4);
	size_t i;

	for (i = 0; i < n; i++)
		buf[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	if (s[n] != '\0') {
		memcpy(buf + n, "...", 4);
		return buf;
	}
	buf[n] = '\0';
	return buf;
}

/* Decimal without sign or leading zeros, in [min, max]. */
static int parse_num(const char *s, unsigned min, unsigned max, unsigned *out)
{
	unsigned long v = 0;
	size_t i, n = strlen(s);

	if (n == 0 || n > 6 || (s[0] == '0' && n > 1))
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v < min || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* A user name as useradd allows it, or a numeric uid. */
static bool user_ok(const char *u)
{
	size_t i, n = strlen(u);

	if (n == 0 || n > ARGS_USER_MAX || u[0] == '-')
		return false;
	for (i = 0; i < n; i++)
		if (!((u[i] >= 'a' && u[i] <= 'z') || (u[i] >= '0' && u[i] <= '9') || u[i] == '_' ||
		      u[i] == '-' || (u[i] == '$' && i == n - 1)))
			return false;
	return true;
}

/* OPT VALUE: the value, or NULL with an error. */
static const char *opt_value(int argc, char *const *argv, int *i, const char *what,
			     struct nsr_err *err)
{
	if (*i + 1 >= argc) {
		nsr_err_set(err, NSR_E_USAGE, 0, "%s needs %s", argv[*i], what);
		return NULL;
	}
	return argv[++*i];
}

/* --stop/--join/--logs BOX: the mode, with the box as its value. */
static int box_mode(int argc, char *const *argv, int *i, struct args_parsed *out, enum args_mode m,
		    struct nsr_err *err)
{
	const char *opt = argv[*i];
	const char *box = opt_value(argc, argv, i, "a BOX", err);

	if (box == NULL || set_mode(out, m, opt, err) < 0)
		return -1;
	if (out->req.box != NULL)
		return nsr_err_set(err, NSR_E_USAGE, 0, "%s given twice", opt);
	out->req.box = box;
	return 0;
}

int args_parse(int argc, char *const *argv, struct args_parsed *out, struct nsr_err *err)
{
	const char *v;
	unsigned n;
	int i;

	memset(out, 0, sizeof(*out));
	out->status_fd = -1;
	out->timeout = 10;
	bool have_timeout = false;
	if (argc < 1 || argv == NULL || argv[0] == NULL)
		return nsr_err_set(err, NSR_E_USAGE, 0, "empty argument list");
	if (argc > ARGS_MAX_ARGV)
		return nsr_err_set(err, NSR_E_USAGE, 0, "too many arguments (at most %d)",
				   ARGS_MAX_ARGV);
	for (i = 0; i < argc; i++)
		if (argv[i] == NULL || strnlen(argv[i], ARGS_MAX_ARG_LEN + 1) > ARGS_MAX_ARG_LEN)
			return nsr_err_set(err, NSR_E_USAGE, 0, "argument %d is too long", i);

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (out->mode == ARGS_MODE_CHECK && a[0] != '-') {
			if (out->n_files == 0)
				out->files = &argv[i];
			if (out->files + out->n_files != &argv[i])
				return nsr_err_set(err, NSR_E_USAGE, 0, "--check takes only files");
			if (++out->n_files > ARGS_MAX_CHECK)
				return nsr_err_set(err, NSR_E_USAGE, 0, "too many files for --check");
			continue;
		}
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (is_opt(a, "-p", "--policy")) {
			if (out->req.policy != NULL)
				return nsr_err_set(err, NSR_E_USAGE, 0, "--policy given twice");
			if (i + 1 >= argc)
				return nsr_err_set(err, NSR_E_USAGE, 0, "--policy needs a NAME");
			out->req.policy = argv[++i];
			if (set_mode(out, ARGS_MODE_START, "--policy", err) < 0)
				return -1;
		} else if (strncmp(a, "--policy=", 9) == 0) {
			if (out->req.policy != NULL)
				return nsr_err_set(err, NSR_E_USAGE, 0, "--policy given twice");
			out->req.policy = a + 9;
			if (set_mode(out, ARGS_MODE_START, "--policy", err) < 0)
				return -1;
		} else if (is_opt(a, NULL, "--dry-run")) {
			out->req.dry_run = true;
		} else if (is_opt(a, NULL, "--pty") || is_opt(a, NULL, "--no-pty")) {
			if (out->req.pty || out->req.no_pty)
				return nsr_err_set(err, NSR_E_USAGE, 0,
						   "--pty and --no-pty go once, and not together");
			if (a[2] == 'p')
				out->req.pty = true;
			else
				out->req.no_pty = true;
		} else if (is_opt(a, NULL, "--list")) {
			if (set_mode(out, ARGS_MODE_LIST, a, err) < 0)
				return -1;
		} else if (is_opt(a, NULL, "--check")) {
			if (set_mode(out, ARGS_MODE_CHECK, a, err) < 0)
				return -1;
		} else if (is_opt(a, "-V", "--version")) {
			if (set_mode(out, ARGS_MODE_VERSION, a, err) < 0)
				return -1;
		} else if (is_opt(a, "-h", "--help")) {
			if (set_mode(out, ARGS_MODE_HELP, a, err) < 0)
				return -1;
		} else if (is_opt(a, NULL, "--gc")) {
			if (set_mode(out, ARGS_MODE_GC, a, err) < 0)
				return -1;
		} else if (is_opt(a, NULL, "--ps")) {
			if (set_mode(out, ARGS_MODE_PS, a, err) < 0)
				return -1;
		} else if (is_opt(a, NULL, "--stop")) {
			if (box_mode(argc, argv, &i, out, ARGS_MODE_STOP, err) < 0)
				return -1;
		} else if (is_opt(a, NULL, "--join")) {
			if (box_mode(argc, argv, &i, out, ARGS_MODE_JOIN, err) < 0)
				return -1;
		} else if (is_opt(a, NULL, "--logs")) {
			if (box_mode(argc, argv, &i, out, ARGS_MODE_LOGS, err) < 0)
				return -1;
		} else if (is_opt(a, NULL, "--json")) {
			out->json = true;
		} else if (is_opt(a, NULL, "--follow")) {
			out->follow = true;
		} else if (is_opt(a, NULL, "--detach")) {
			out->req.detach = true;
		} else if (is_opt(a, NULL, "--status-fd")) {
			if ((v = opt_value(argc, argv, &i, "an FD", err)) == NULL)
				return -1;
			if (out->status_fd >= 0)
				return nsr_err_set(err, NSR_E_USAGE, 0, "--status-fd given twice");
			if (parse_num(v, 3, ARGS_STATUS_FD_MAX, &n) < 0)
				return nsr_err_set(
					err, NSR_E_USAGE, 0,
					"--status-fd: '%s' is not a file descriptor from 3 to %d",
					shown(v), ARGS_STATUS_FD_MAX);
			out->status_fd = (int)n;
		} else if (is_opt(a, NULL, "--signal")) {
			if ((v = opt_value(argc, argv, &i, "a SIGNAL", err)) == NULL)
				return -1;
			if (out->signal != NULL)
				return nsr_err_set(err, NSR_E_USAGE, 0, "--signal given twice");
			out->signal = v;
		} else if (is_opt(a, NULL, "--timeout")) {
			if ((v = opt_value(argc, argv, &i, "SECONDS", err)) == NULL)
				return -1;
			if (have_timeout)
				return nsr_err_set(err, NSR_E_USAGE, 0, "--timeout given twice");
			if (parse_num(v, 0, 86400, &out->timeout) < 0)
				return nsr_err_set(
					err, NSR_E_USAGE, 0,
					"--timeout: '%s' is not a number of seconds from 0 to 86400",
					shown(v));
			have_timeout = true;
		} else if (is_opt(a, NULL, "--user")) {
			if ((v = opt_value(argc, argv, &i, "a USER", err)) == NULL)
				return -1;
			if (out->user != NULL)
				return nsr_err_set(err, NSR_E_USAGE, 0, "--user given twice");
			if (!user_ok(v))
				return nsr_err_set(err, NSR_E_USAGE, 0,
						   "--user: '%s' is not a user name", shown(v));
			out->user = v;
		} else if (a[0] == '-') {
			return nsr_err_set(err, NSR_E_USAGE, 0, "unknown option '%s'", shown(a));
		} else if (out->mode == ARGS_MODE_START && out->req.box == NULL) {
			out->req.box = a;
		} else if (out->mode == ARGS_MODE_START || out->mode == ARGS_MODE_JOIN) {
			break; /* first word of the command */
		} else {
			return nsr_err_set(err, NSR_E_USAGE, 0, "unexpected argument '%s'", shown(a));
		}
	}

	/* Options that belong to one mode only. */
	if (out->json && out->mode != ARGS_MODE_PS)
		return nsr_err_set(err, NSR_E_USAGE, 0, "--json goes with --ps");
	if (out->follow && out->mode != ARGS_MODE_LOGS)
		return nsr_err_set(err, NSR_E_USAGE, 0, "--follow goes with --logs");
	if ((out->signal || have_timeout || out->user) && out->mode != ARGS_MODE_STOP)
		return nsr_err_set(err, NSR_E_USAGE, 0, "%s goes with --stop",
				   out->signal	? "--signal" :
				   have_timeout ? "--timeout" :
						  "--user");
	if ((out->req.detach || out->status_fd >= 0) && out->mode != ARGS_MODE_START)
		return nsr_err_set(err, NSR_E_USAGE, 0, "%s goes with --policy",
				   out->req.detach ? "--detach" : "--status-fd");
	if ((out->req.detach || out->status_fd >= 0) && out->req.dry_run)
		return nsr_err_set(err, NSR_E_USAGE, 0, "%s cannot be combined with --dry-run",
				   out->req.detach ? "--detach" : "--status-fd");

	switch (out->mode) {
	case ARGS_MODE_NONE:
		return nsr_err_set(
			err, NSR_E_USAGE, 0,
			"no policy given (nsrun --policy NAME BOX [-- COMMAND...]; see --help)");
	case ARGS_MODE_CHECK:
		if (out->n_files == 0)
			return nsr_err_set(err, NSR_E_USAGE, 0, "--check needs at least one FILE");
		break;
	case ARGS_MODE_START:
		if (!policy_name_valid(out->req.policy))
			return nsr_err_set(err, NSR_E_USAGE, 0, "invalid policy name '%s'",
					   shown(out->req.policy));
		if (out->req.box == NULL)
			return nsr_err_set(err, NSR_E_USAGE, 0, "no BOX name given");
		if (!policy_box_valid(out->req.box))
			return nsr_err_set(err, NSR_E_USAGE, 0, "invalid box name '%s'",
					   shown(out->req.box));
		if (i < argc) {
			out->req.argv = &argv[i];
			out->req.argc = argc - i;
		}
		return 0;
	case ARGS_MODE_JOIN:
	case ARGS_MODE_STOP:
	case ARGS_MODE_LOGS:
		if (!policy_box_valid(out->req.box))
			return nsr_err_set(err, NSR_E_USAGE, 0, "invalid box name '%s'",
					   shown(out->req.box));
		if (out->req.dry_run)
			return nsr_err_set(err, NSR_E_USAGE, 0, "--dry-run goes with --policy");
		if (out->mode == ARGS_MODE_JOIN && i < argc) {
			out->req.argv = &argv[i];
			out->req.argc = argc - i;
			return 0;
		}
		break;
	default:
		break;
	}
	if (out->req.dry_run)
		return nsr_err_set(err, NSR_E_USAGE, 0, "--dry-run goes with --policy");
	if ((out->req.pty || out->req.no_pty) && out->mode != ARGS_MODE_JOIN)
		return nsr_err_set(err, NSR_E_USAGE, 0, "--%s goes with --policy or --join",
				   out->req.pty ? "pty" : "no-pty");
	if (i < argc)
		return nsr_err_set(err, NSR_E_USAGE, 0, "unexpected argument '%s'", shown(argv[i]));
	return 0;
}
