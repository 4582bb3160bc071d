/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Steps of mnt_setup() that fill the new root (fs.c). */
#ifndef NSR_MOUNTS_FS_H
#define NSR_MOUNTS_FS_H

#include <stdbool.h>

#include "mount.h"

bool mnt_need_resolv(const struct nsr_plan *p);
/* Write passwd, group, hostname, hosts (and resolv.conf) into stage/gen. */
int mnt_gen_etc(const struct mnt_input *in, int root_fd, int stage_fd, struct nsr_err *err);
/* /proc (fresh, with read-only /proc/sys and friends), /sys, /dev, /tmp. */
int mnt_kernel_fs(const struct nsr_plan *p, int root_fd, struct nsr_err *err);
/* The policy's binds (sources opened as the user here) and tmpfs mounts. */
int mnt_policy_mounts(const struct mnt_input *in, int root_fd, struct nsr_err *err);
/* Bind the generated files over /etc/... read-only. */
int mnt_bind_etc(const struct mnt_input *in, int root_fd, int stage_fd, struct nsr_err *err);

#endif
