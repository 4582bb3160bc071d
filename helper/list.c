// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * --list: the policies a caller may use, read as root through the trusted
 * loader; a policy that fails to load is described only to root, others
 * just do not see it. --check: lint files with the caller's own
 * privileges (main drops them first), syntax, values and trust.
 */
#include "list.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

static struct policy pol;
static struct policy_diags diags;

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int list_policies(const char *policydir, const struct nsr_caller *caller)
{
	char why[160];
	char *names[512];
	size_t n = 0, i;
	nsr_cleanup_fd int dfd = -1;
	struct dirent *de;
	DIR *d;

	if (trust_open_dir(policydir, &dfd, why, sizeof(why)) < 0) {
		if (caller->uid == 0)
			fprintf(stderr, "nsrun: policy directory %s: %s\n", policydir, why);
		else
			fprintf(stderr, "nsrun: no policies are available\n");
		return 125;
	}
	int rfd = nsr_openat(dfd, ".", O_RDONLY | O_DIRECTORY, 0);
	if (rfd < 0 || (d = fdopendir(rfd)) == NULL) {
		if (rfd >= 0)
			close(rfd);
		fprintf(stderr, "nsrun: cannot read the policy directory\n");
		return 125;
	}
	while ((de = readdir(d)) != NULL && n < NSR_ARRAY_SIZE(names)) {
		size_t len = strlen(de->d_name);
		if (len < 5 || len > POLICY_NAME_MAX + 4 || strcmp(de->d_name + len - 4, ".ini") != 0)
			continue;
		names[n] = strndup(de->d_name, len - 4);
		if (names[n] != NULL && policy_name_valid(names[n]))
			n++;
		else
			free(names[n]);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp);
	for (i = 0; i < n; i++) {
		struct nsr_err err = { 0 };
		struct policy_caller pc = { caller->uid, caller->gid, caller->groups, caller->n_groups };

		if (policy_load(policydir, names[i], &pol, &diags, &err) < 0) {
			if (caller->uid == 0) {
				size_t k;
				fprintf(stderr, "nsrun: policy %s is unusable:\n", names[i]);
				for (k = 0; k < diags.n; k++)
					fprintf(stderr, "  %s:%u: %s\n", diags.file, diags.items[k].line,
						diags.items[k].msg);
			}
		} else if (policy_authorize(&pol, &pc) == POLICY_ALLOW) {
			printf("%s\t%s\n", names[i], pol.description);
		}
		free(names[i]);
	}
	return 0;
}

int list_check_files(char *const *files, int n)
{
	int i, bad = 0;

	for (i = 0; i < n; i++) {
		size_t k;

		if (policy_check_file(files[i], &pol, &diags) == 0 && diags.n == 0)
			continue;
		bad = 1;
		for (k = 0; k < diags.n; k++)
			printf("%s:%u: %s\n", files[i], diags.items[k].line, diags.items[k].msg);
		if (diags.dropped)
			printf("%s:0: %zu more problems\n", files[i], diags.dropped);
	}
	return bad;
}
