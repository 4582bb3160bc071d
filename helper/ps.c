// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * --ps: read the state records as root, keep those of the caller (root:
 * everybody's) whose init and supervisor are still the recorded
 * processes, and add the cgroup's memory and task counts. Returns data;
 * the front end prints it.
 */
#include "ps.h"

#include <stdlib.h>
#include <string.h>

#include "cgroup/cgroup.h"
#include "util.h"

static int ps_cmp(const void *a, const void *b)
{
	const struct box_record *x = &((const struct ps_entry *)a)->rec;
	const struct box_record *y = &((const struct ps_entry *)b)->rec;

	if (x->uid != y->uid)
		return x->uid < y->uid ? -1 : 1;
	return strcmp(x->box, y->box);
}

int ps_list(const char *statedir, bool all, uid_t uid, struct ps_entry *out, size_t max,
	    struct nsr_err *err)
{
	nsr_cleanup_free struct box_record *recs = calloc(max, sizeof(*recs));
	size_t n = 0;
	int found, i;

	if (recs == NULL)
		return nsr_err_set(err, NSR_E_SETUP, ENOMEM, "--ps");
	found = state_list(statedir, all, uid, recs, max, err);
	if (found < 0)
		return -1;
	for (i = 0; i < found; i++) {
		struct ps_entry *e = &out[n];
		cg_cleanup_existing struct cg_box *cg = NULL;

		if (!state_alive(&recs[i]))
			continue;
		memset(e, 0, sizeof(*e));
		e->rec = recs[i];
		e->stopping = state_stopping(statedir, &recs[i]);
		if (e->rec.cgroup[0] != '\0' && cg_open_existing(e->rec.cgroup, &cg, NULL) == 0) {
			cg_usage(cg, &e->memory, &e->pids);
			e->has_memory = e->memory != UINT64_MAX;
			e->has_pids = e->pids != UINT64_MAX;
		}
		n++;
	}
	qsort(out, n, sizeof(*out), ps_cmp);
	return (int)n;
}
