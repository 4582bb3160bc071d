// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * setuid: the runner puts a set-uid-root copy of the probe next to the
 * probe (the harness's private tmpfs, bound into the box). Run inside, it
 * must keep the invoker's uids and gain no capability: nosuid and
 * no_new_privs each suffice.
 */
#include "checks.h"

#include <string.h>

int chk_setuid(struct hx_ctx *ctx, struct hx_result *res)
{
	const char *args[] = { HX_PROBE_TARGET "/nsrun-probe-suid", "ids", NULL };
	const struct hx_user *u = &ctx->cfg->as;
	struct run_box b;
	struct facts f;
	struct nsr_err err = { 0 };
	char buf[600];
	int bad = 0;

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
		CHK_EXPECT(res, bad, facts_ids_all(uid, u->uid),
			   "uids after exec of a set-uid root binary: [%s], expected all %lu",
			   uid ? uid : "", (unsigned long)u->uid);
		CHK_EXPECT(res, bad, facts_hex(eff, &e) == 0 && e == 0 &&
			   facts_hex(prm, &p) == 0 && p == 0,
			   "capabilities after exec of a set-uid root binary: eff %s prm %s",
			   eff ? eff : "?", prm ? prm : "?");
	}
	if (bad > 0)
		run_note(&b, res);
	facts_free(&f);
	run_free(&b);
	return chk_done(res, bad);
}
