// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A running box's leaf, opened by its name from the box's state record
 * (root-written), for --join (enter it, through the same hand-off as a
 * start) and --ps (read its usage). The name must parse as one of nsrun's
 * leaves; it is opened under nsrun's own parents only, never created, and
 * never killed or removed from here (cg->borrowed).
 */
#include "config.h"

#include "internal.h"

#include <fcntl.h>
#include <string.h>

int cg_open_existing(const char *leaf, struct cg_box **out, struct nsr_err *err)
{
	int parents[CG_V1_N];
	enum cg_mode mode = cg_detect();
	char box[NSR_BOX_NAME_MAX + 1];
	struct cg_box *cg = NULL;
	uid_t uid;
	int rc;

	*out = NULL;
	for (int c = 0; c < CG_V1_N; c++)
		parents[c] = -1;
	if (cg_leaf_parse(leaf, &uid, box, sizeof(box)) < 0)
		return nsr_err_set(err, NSR_E_SETUP, 0, "bad cgroup name in the box's record");
	if (mode == CG_MODE_NONE)
		return nsr_err_set(err, NSR_E_SETUP, 0, "this host has no usable cgroup controllers");
	if (cg_open_parents(mode, parents, err) < 0)
		return -1;
	rc = cg_attach(mode, parents, leaf, &cg, err);
	for (int c = 0; c < CG_V1_N; c++)
		if (parents[c] >= 0)
			close(parents[c]);
	if (rc < 0)
		return -1;
	cg->borrowed = true;
	if (!cg->created) {
		cg_close_existing(&cg);
		return nsr_err_set(err, NSR_E_SETUP, ENOENT, "the box's cgroup is gone");
	}
	*out = cg;
	return 0;
}

void cg_close_existing(struct cg_box **cgp)
{
	struct cg_box *cg = nsr_steal_ptr(cgp);
	int saved = errno;

	if (cg == NULL)
		return;
	cg_box_close(cg);
	free(cg);
	errno = saved;
}

const char *cg_leaf(const struct cg_box *cg)
{
	return cg != NULL && cg->created ? cg->leaf : "";
}

static int cg_read_u64(int dfd, const char *file, uint64_t *v)
{
	char buf[64], *end;

	if (dfd < 0 || nsr_read_file(dfd, file, buf, sizeof(buf)) < 0)
		return -1;
	errno = 0;
	unsigned long long x = strtoull(buf, &end, 10);
	if (errno != 0 || end == buf)
		return -1;
	*v = x;
	return 0;
}

int cg_usage(const struct cg_box *cg, uint64_t *memory, uint64_t *pids)
{
	int mem_dfd = cg->mode == CG_MODE_V1 ? cg->v1_dfd[CG_V1_MEMORY] : cg->leaf_dfd;
	int pids_dfd = cg->mode == CG_MODE_V1 ? cg->v1_dfd[CG_V1_PIDS] : cg->leaf_dfd;
	int rc = 0;

	if (cg_read_u64(mem_dfd, cg->mode == CG_MODE_V1 ? "memory.usage_in_bytes" : "memory.current",
			memory) < 0) {
		*memory = UINT64_MAX;
		rc = -1;
	}
	if (cg_read_u64(pids_dfd, "pids.current", pids) < 0) {
		*pids = UINT64_MAX;
		rc = -1;
	}
	return rc;
}
