// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * setuid: the runner puts a set-uid-root copy of the probe next to the
 * probe (the harness's private tmpfs, bound into the box). Run inside, it
 * must keep the uids the plain probe has (the shared facts run) and gain
 * no capability: nosuid and no_new_privs each suffice.
 */
#include "config.h"

#include "checks.h"

#include <string.h>

static int chk_setuid(struct hx_ctx *ctx, struct hx_result *res)
{
	const char *args[] = { HX_PROBE_TARGET "/nsrun-probe-suid", "ids", NULL };
	const struct facts *base = hx_facts(ctx, res);
	const char *base_uid;
	struct run_box b;
	struct facts f;
	struct nsr_err err = { 0 };
	char buf[600];
	int bad = 0;

	if (base == NULL)
		return -1;
	base_uid = facts_get(base, "uid");
	if (run_once(ctx, args, &b, &err) < 0) {
		run_free(&b);
		return hx_fail(res, "cannot start nsrun: %s", nsr_err_text(&err, buf, sizeof(buf)));
	}
	if (facts_parse(b.out, b.out_len, &f) < 0) {
		run_free(&b);
		return hx_fail(res, "out of memory");
	}
	{
		const char *uid = facts_get(&f, "uid");
		const char *eff = facts_get(&f, "capeff");
		const char *prm = facts_get(&f, "capprm");
		uint64_t e = 1, p = 1;

		CHK_EXPECT(res, bad, run_exit_code(&b) == 0 && uid != NULL,
			   "the set-uid probe did not run");
		CHK_EXPECT(res, bad, uid != NULL && base_uid != NULL && strcmp(uid, base_uid) == 0,
			   "uids after exec of a set-uid root binary: [%s], before: [%s]",
			   uid ? uid : "", base_uid ? base_uid : "");
		CHK_EXPECT(res, bad,
			   facts_hex(eff, &e) == 0 && e == 0 && facts_hex(prm, &p) == 0 && p == 0,
			   "capabilities after exec of a set-uid root binary: eff %s prm %s",
			   eff ? eff : "?", prm ? prm : "?");
	}
	if (bad > 0)
		run_note(&b, res);
	facts_free(&f);
	run_free(&b);
	return chk_done(res, bad);
}

const struct hx_check hx_check_setuid = {
	.name = "setuid",
	.proves = "a set-uid root copy of the probe, run inside, keeps the plain probe's uids and gains no capability",
	.fails = "other uids or any capability in the set-uid copy",
	.run = chk_setuid,
};
