// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target for nsrun's argv parser: the input, split at NUL bytes,
 * becomes argv. Whatever args_parse accepts must be internally consistent:
 * a start has valid names and a command inside argv; a --check has files. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "policy.h"

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	char *argv[MAX_ARGS + 1];
	struct args_parsed a;
	struct nsr_err e;
	int argc = 0, i;
	size_t start = 0, k;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[argc++] = (char *)"nsrun";
	for (k = 0; k <= size && argc < MAX_ARGS; k++) {
		if (k == size || buf[k] == '\0') {
			buf[k] = '\0';
			argv[argc++] = buf + start;
			start = k + 1;
		}
	}
	argv[argc] = NULL;

	memset(&e, 0, sizeof(e));
	if (args_parse(argc, argv, &a, &e) == 0) {
		if (a.mode == ARGS_MODE_START) {
			if (!policy_name_valid(a.req.policy) || !policy_box_valid(a.req.box))
				abort();
			if (a.req.argv != NULL && (a.req.argc <= 0 || a.req.argv < argv ||
						   a.req.argv + a.req.argc != argv + argc))
				abort();
		}
		if (a.mode == ARGS_MODE_CHECK && (a.n_files <= 0 || a.files == NULL))
			abort();
		if (a.mode == ARGS_MODE_NONE)
			abort();
	} else {
		if (e.kind != NSR_E_USAGE || memchr(e.msg, '\0', sizeof(e.msg)) == NULL)
			abort();
		for (i = 0; e.msg[i]; i++)
			if ((unsigned char)e.msg[i] < 0x20)
				abort();
	}
	free(buf);
	return 0;
}
