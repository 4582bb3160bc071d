// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which cgroup mode this host offers, and where the hierarchies are
 * mounted, read from mountinfo. The parsers are pure (tests feed them
 * text); the live versions read /proc/self/mountinfo, which the kernel
 * writes. No privilege needed.
 */
#include "config.h"

#include "internal.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>

static const char *const cg_v1_names[CG_V1_N] = {
	[CG_V1_PIDS] = "pids",	     [CG_V1_MEMORY] = "memory",	  [CG_V1_CPU] = "cpu",
	[CG_V1_FREEZER] = "freezer", [CG_V1_DEVICES] = "devices",
};

const char *cg_mode_name(enum cg_mode mode)
{
	switch (mode) {
	case CG_MODE_V1:
		return "v1";
	case CG_MODE_V2:
		return "v2";
	default:
		return "none";
	}
}

/* Is `word` one of the sep-separated words of list[0..len)? */
static bool cg_has_word(const char *list, size_t len, const char *word, char sep)
{
	size_t wl = strlen(word), i = 0;

	while (i < len) {
		size_t j = i;
		while (j < len && list[j] != sep && list[j] != '\n')
			j++;
		if (j - i == wl && memcmp(list + i, word, wl) == 0)
			return true;
		i = j + 1;
	}
	return false;
}

/* Mount point field: octal escapes (\040) undone; false when too long. */
static bool cg_unescape(const char *s, size_t len, char *out, size_t outsz)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '\\' && i + 3 < len && s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
			c = (char)(((s[i + 1] - '0') << 6) | ((s[i + 2] - '0') << 3) |
				   (s[i + 3] - '0'));
			i += 3;
		}
		if (o + 1 >= outsz)
			return false;
		out[o++] = c;
	}
	out[o] = '\0';
	return true;
}

/* One mountinfo line: fields split on spaces; returns false when malformed. */
struct cg_mi_line {
	const char *root, *mnt, *fstype, *opts;
	size_t root_len, mnt_len, fstype_len, opts_len;
};

static bool cg_mi_split(const char *line, size_t len, struct cg_mi_line *l)
{
	const char *f[32];
	size_t fl[32], nf = 0, i = 0, dash = 0;

	while (i < len && nf < NSR_ARRAY_SIZE(f)) {
		size_t j = i;
		while (j < len && line[j] != ' ')
			j++;
		f[nf] = line + i;
		fl[nf] = j - i;
		if (fl[nf] == 1 && line[i] == '-' && nf >= 6 && dash == 0)
			dash = nf;
		nf++;
		i = j + 1;
	}
	if (dash == 0 || nf < dash + 4)
		return false;
	l->root = f[3];
	l->root_len = fl[3];
	l->mnt = f[4];
	l->mnt_len = fl[4];
	l->fstype = f[dash + 1];
	l->fstype_len = fl[dash + 1];
	l->opts = f[dash + 3];
	l->opts_len = fl[dash + 3];
	return true;
}

int cg_parse_mounts(const char *mountinfo, struct cg_mounts *m)
{
	bool v1_root[CG_V1_N] = { false };
	const char *p = mountinfo;

	memset(m, 0, sizeof(*m));
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		struct cg_mi_line l;

		if (cg_mi_split(p, len, &l)) {
			bool at_root = l.root_len == 1 && l.root[0] == '/';
			if (l.fstype_len == 7 && memcmp(l.fstype, "cgroup2", 7) == 0) {
				if (m->v2[0] == '\0')
					cg_unescape(l.mnt, l.mnt_len, m->v2, sizeof(m->v2));
			} else if (l.fstype_len == 6 && memcmp(l.fstype, "cgroup", 6) == 0) {
				/* A controller is a word of the super options;
				 * prefer a mount of the hierarchy's root. */
				for (int c = 0; c < CG_V1_N; c++) {
					if (!cg_has_word(l.opts, l.opts_len, cg_v1_names[c], ','))
						continue;
					if (m->v1[c][0] != '\0' && (v1_root[c] || !at_root))
						continue;
					if (cg_unescape(l.mnt, l.mnt_len, m->v1[c], sizeof(m->v1[c])))
						v1_root[c] = at_root;
					else
						m->v1[c][0] = '\0';
				}
			}
		}
		p = nl ? nl + 1 : NULL;
	}
	return 0;
}

enum cg_mode cg_detect_from_mountinfo(const char *mountinfo, const char *v2_controllers)
{
	struct cg_mounts m;
	const char *ctl = v2_controllers ? v2_controllers : "";
	size_t cl = strlen(ctl);

	cg_parse_mounts(mountinfo, &m);
	if (m.v2[0] != '\0' && cg_has_word(ctl, cl, "pids", ' ') &&
	    cg_has_word(ctl, cl, "memory", ' ') && cg_has_word(ctl, cl, "cpu", ' '))
		return CG_MODE_V2;
	/* v1 needs a hierarchy that can find every process of a box. */
	if (m.v1[CG_V1_PIDS][0] != '\0' || m.v1[CG_V1_FREEZER][0] != '\0')
		return CG_MODE_V1;
	return CG_MODE_NONE;
}

/* The whole of /proc/self/mountinfo, malloc'd. */
static char *cg_read_mountinfo(void)
{
	nsr_cleanup_fd int fd = nsr_openat(AT_FDCWD, "/proc/self/mountinfo", O_RDONLY, 0);
	nsr_cleanup_free char *buf = NULL;
	size_t cap = 0, len = 0;

	if (fd < 0)
		return NULL;
	for (;;) {
		ssize_t n;
		if (cap - len < 4096) {
			char *nb;
			if (cap > (16u << 20))
				return NULL;
			nb = realloc(buf, cap + 65536);
			if (nb == NULL)
				return NULL;
			buf = nb;
			cap += 65536;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return NULL;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return nsr_steal_ptr(&buf);
}

/* /proc/self/mountinfo as this process first read it. A start needs the
 * cgroup mounts for the mode, the gc of dead leaves and the new leaf:
 * one read instead of three (each one is as long as the host's mount
 * table; doc/performance.md). A start takes milliseconds; the cgroup
 * hierarchies it looks for are not mounted or moved meanwhile. */
const char *cg_mountinfo(void)
{
	static char *mi;

	if (mi == NULL)
		mi = cg_read_mountinfo();
	return mi;
}

int cg_read_mounts(struct cg_mounts *m, struct nsr_err *err)
{
	const char *mi = cg_mountinfo();

	if (mi == NULL)
		return nsr_err_set(err, NSR_E_SETUP, errno, "read /proc/self/mountinfo");
	return cg_parse_mounts(mi, m);
}

enum cg_mode cg_detect(void)
{
	const char *mi = cg_mountinfo();
	nsr_cleanup_fd int dfd = -1;
	struct cg_mounts m;
	char ctl[512] = "";

	if (mi == NULL)
		return CG_MODE_NONE;
	cg_parse_mounts(mi, &m);
	if (m.v2[0] != '\0') {
		dfd = cg_fs_open_mount(m.v2, true, NULL);
		if (dfd < 0 || nsr_read_file(dfd, "cgroup.controllers", ctl, sizeof(ctl)) < 0)
			ctl[0] = '\0';
	}
	return cg_detect_from_mountinfo(mi, ctl);
}
