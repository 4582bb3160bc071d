/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One line of /proc/PID/mountinfo, split into its fields (proc(5)). The
 * text may come from inside a box: the parser only splits and bounds it,
 * and never unescapes (paths stay as the kernel wrote them, "\040" for a
 * space). Pure; no privilege.
 */
#ifndef NSR_MOUNTINFO_H
#define NSR_MOUNTINFO_H

#include <stdbool.h>
#include <stddef.h>

#define MI_FIELD_MAX 1024

struct mi_entry {
	long id, parent;
	char dev[32];		  /* "major:minor" */
	char root[MI_FIELD_MAX];  /* root of the mount within its fs */
	char point[MI_FIELD_MAX]; /* mount point */
	char opts[256];		  /* per-mount options */
	char optional[256];	  /* "shared:N master:M ..." or "" */
	char fstype[64];
	char source[MI_FIELD_MAX];
	char superopts[512];
};

/* Parse len bytes of one line (no newline needed); 0, or -1 when it is not
 * a mountinfo line or a field does not fit. */
int mi_parse(const char *line, size_t len, struct mi_entry *e);

/* Whether the mount takes part in propagation: an optional field shared:,
 * master: or propagate_from:. The first such field goes into tag. */
bool mi_propagates(const struct mi_entry *e, char *tag, size_t tagsz);

/* Whether a comma-separated list ("rw,cpu,cpuacct") holds word. */
bool mi_has_word(const char *list, const char *word);

/* Whether path is base or below it ("/a/b" is under "/a", "/ab" is not). */
bool mi_under(const char *path, const char *base);

#endif
