// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sys-readonly: /sys inside is mounted read-only (statvfs ST_RDONLY). The
 * probe never writes to /sys to find out.
 */
#include "config.h"

#include "checks.h"

#include <string.h>

static int chk_sys_readonly(struct hx_ctx *ctx, struct hx_result *res)
{
	const struct facts *f = hx_facts(ctx, res);
	const char *v;
	int bad = 0;

	if (f == NULL)
		return -1;
	v = facts_get(f, "sys_ro");
	CHK_EXPECT(res, bad, v != NULL && strcmp(v, "1") == 0, "/sys inside is %s",
		   v == NULL   ? "not reported" :
		   v[0] == '!' ? v + 1 :
				 "writable");
	return chk_done(res, bad);
}

const struct hx_check hx_check_sys_readonly = {
	.name = "sys-readonly",
	.proves = "/sys is mounted read-only",
	.fails = "/sys writable or missing",
	.run = chk_sys_readonly,
};
