// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * --list: the policies a caller may use, read as root through the trusted
 * loader; a policy that fails to load is described only to root, others
 * just do not see it. --check: lint files with the caller's own
 * privileges (main drops them first), syntax, values and trust. Both hand
 * data back to main.c, which prints.
 */
#include "list.h"

#include <dirent.h>
#include <fcntl.h>
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

int list_open(const char *policydir, const struct nsr_caller *caller, struct list_iter *it,
	      struct nsr_err *err)
{
	nsr_cleanup_fd int dfd = -1;
	nsr_cleanup_dir DIR *d = NULL;
	struct dirent *de;
	char why[160];

	memset(it, 0, sizeof(*it));
	it->policydir = policydir;
	it->caller = caller;
	if (trust_open_dir(policydir, &dfd, why, sizeof(why)) < 0) {
		if (caller->id.uid == 0)
			return nsr_err_set(err, NSR_E_POLICY, 0, "policy directory %s: %s",
					   policydir, why);
		return nsr_err_set(err, NSR_E_POLICY, 0, "no policies are available");
	}
	d = nsr_opendir_at(dfd, ".");
	if (d == NULL)
		return nsr_err_set(err, NSR_E_POLICY, 0, "cannot read the policy directory");
	while ((de = readdir(d)) != NULL && it->n < NSR_ARRAY_SIZE(it->names)) {
		size_t len = strlen(de->d_name);
		char *name;
		if (len < 5 || len > POLICY_NAME_MAX + 4 || strcmp(de->d_name + len - 4, ".ini") != 0)
			continue;
		name = strndup(de->d_name, len - 4);
		if (name != NULL && policy_name_valid(name))
			it->names[it->n++] = name;
		else
			free(name);
	}
	qsort(it->names, it->n, sizeof(it->names[0]), cmp);
	return 0;
}

int list_next(struct list_iter *it, struct list_entry *e)
{
	struct policy_caller pc = { it->caller->id.uid, it->caller->id.gid, it->caller->id.groups,
				    it->caller->id.n_groups };

	while (it->next < it->n) {
		struct nsr_err err = { 0 };
		const char *name = it->names[it->next++];

		memset(e, 0, sizeof(*e));
		e->name = name;
		if (policy_load(it->policydir, name, &pol, &diags, &err) < 0) {
			if (it->caller->id.uid != 0)
				continue;
			e->diags = &diags;
			return 1;
		}
		if (policy_authorize(&pol, &pc) == POLICY_ALLOW) {
			e->pol = &pol;
			return 1;
		}
	}
	return 0;
}

void list_close(struct list_iter *it)
{
	for (size_t i = 0; i < it->n; i++)
		free(it->names[i]);
	it->n = it->next = 0;
}

bool list_check_file(const char *file, const struct policy_diags **out)
{
	*out = &diags;
	return policy_check_file(file, &pol, &diags) == 0 && diags.n == 0;
}
