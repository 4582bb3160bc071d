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

static int set_mode(struct nsr_args *out, enum args_mode m, const char *opt,
		    struct nsr_err *err)
{
	if (out->mode != ARGS_MODE_NONE && out->mode != m)
		return nsr_err_set(err, NSR_E_USAGE, 0, "%s cannot be combined with another mode", opt);
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

int args_parse(int argc, char *const *argv, struct nsr_args *out, struct nsr_err *err)
{
	int i;

	memset(out, 0, sizeof(*out));
	if (argc < 1 || argv == NULL || argv[0] == NULL)
		return nsr_err_set(err, NSR_E_USAGE, 0, "empty argument list");
	if (argc > ARGS_MAX_ARGV)
		return nsr_err_set(err, NSR_E_USAGE, 0, "too many arguments (at most %d)", ARGS_MAX_ARGV);
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
			if (out->policy != NULL)
				return nsr_err_set(err, NSR_E_USAGE, 0, "--policy given twice");
			if (i + 1 >= argc)
				return nsr_err_set(err, NSR_E_USAGE, 0, "--policy needs a NAME");
			out->policy = argv[++i];
			if (set_mode(out, ARGS_MODE_START, "--policy", err) < 0)
				return -1;
		} else if (strncmp(a, "--policy=", 9) == 0) {
			if (out->policy != NULL)
				return nsr_err_set(err, NSR_E_USAGE, 0, "--policy given twice");
			out->policy = a + 9;
			if (set_mode(out, ARGS_MODE_START, "--policy", err) < 0)
				return -1;
		} else if (is_opt(a, NULL, "--dry-run")) {
			out->dry_run = true;
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
		} else if (a[0] == '-') {
			return nsr_err_set(err, NSR_E_USAGE, 0, "unknown option '%s'", shown(a));
		} else if (out->mode == ARGS_MODE_START && out->box == NULL) {
			out->box = a;
		} else if (out->mode == ARGS_MODE_START) {
			break;  /* first word of the command */
		} else {
			return nsr_err_set(err, NSR_E_USAGE, 0, "unexpected argument '%s'", shown(a));
		}
	}

	switch (out->mode) {
	case ARGS_MODE_NONE:
		return nsr_err_set(err, NSR_E_USAGE, 0, "no policy given (nsrun --policy NAME BOX [-- COMMAND...]; see --help)");
	case ARGS_MODE_CHECK:
		if (out->n_files == 0)
			return nsr_err_set(err, NSR_E_USAGE, 0, "--check needs at least one FILE");
		break;
	case ARGS_MODE_START:
		if (!policy_name_valid(out->policy))
			return nsr_err_set(err, NSR_E_USAGE, 0, "invalid policy name '%s'", shown(out->policy));
		if (out->box == NULL)
			return nsr_err_set(err, NSR_E_USAGE, 0, "no BOX name given");
		if (!policy_box_valid(out->box))
			return nsr_err_set(err, NSR_E_USAGE, 0, "invalid box name '%s'", shown(out->box));
		if (i < argc) {
			out->cmd = &argv[i];
			out->cmd_argc = argc - i;
		}
		return 0;
	default:
		break;
	}
	if (out->dry_run)
		return nsr_err_set(err, NSR_E_USAGE, 0, "--dry-run goes with --policy");
	if (i < argc)
		return nsr_err_set(err, NSR_E_USAGE, 0, "unexpected argument '%s'", shown(argv[i]));
	return 0;
}
