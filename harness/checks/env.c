// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * env: the box's environment is the one nsrun(1) promises: PATH, HOME and
 * USER of the invoker (from the user database), TERM only as a plain
 * terminal name, container=nsrun, and the policy's env (expanded), with
 * nothing else. The runner starts nsrun with variables of its own (LC_ALL
 * and a canary) that must not arrive. Reads the shared facts run.
 */
#include "config.h"

#include "checks.h"

#include <stdio.h>
#include <string.h>

/* The value the box must have for NAME (len n), or NULL when the name is
 * not allowed; "*" for any non-empty value. */
static const char *env_expected(const struct hx_ctx *ctx, const char *name, size_t n)
{
	const struct hx_expect *e = &ctx->t->exp;
	size_t i;

	for (i = 0; i < e->n_env; i++)
		if (strncmp(e->env[i], name, n) == 0 && e->env[i][n] == '=')
			return e->env[i] + n + 1;
	if (n == 4 && strncmp(name, "HOME", 4) == 0)
		return ctx->cfg->as.home;
	if (n == 4 && strncmp(name, "USER", 4) == 0)
		return ctx->cfg->as.name;
	if (n == 9 && strncmp(name, "container", 9) == 0)
		return "nsrun";
	if ((n == 4 && strncmp(name, "PATH", 4) == 0) || (n == 4 && strncmp(name, "TERM", 4) == 0))
		return "*";
	return NULL;
}

static int chk_env(struct hx_ctx *ctx, struct hx_result *res)
{
	static const char *const must[] = { "PATH", "HOME", "USER", "container" };
	const struct facts *f = hx_facts(ctx, res);
	const struct hx_expect *e = &ctx->t->exp;
	size_t i, k, n;
	int bad = 0;

	if (f == NULL)
		return -1;
	CHK_EXPECT(res, bad, facts_has(f, "env_done", "1"), "the probe did not list its environment");
	n = facts_count(f, "env");
	for (i = 0; i < n; i++) {
		const char *v = facts_nth(f, "env", i);
		size_t len = strcspn(v, "=");
		const char *want = env_expected(ctx, v, len);

		if (want == NULL) {
			CHK_EXPECT(res, bad, false, "a variable nsrun must not pass is inside: %s",
				   v);
			continue;
		}
		CHK_EXPECT(res, bad,
			   v[len] == '=' && v[len + 1] != '\0' &&
				   (strcmp(want, "*") == 0 || strcmp(v + len + 1, want) == 0),
			   "%.*s inside is [%s], expected [%s]", (int)len, v,
			   v[len] == '=' ? v + len + 1 : "", want);
		for (k = 0; k < i; k++)
			CHK_EXPECT(res, bad, strncmp(facts_nth(f, "env", k), v, len + 1) != 0,
				   "%.*s is set twice inside", (int)len, v);
	}
	/* What must be there. */
	for (i = 0; i < NSR_ARRAY_SIZE(must) + e->n_env; i++) {
		const char *name = i < NSR_ARRAY_SIZE(must) ? must[i] :
							      e->env[i - NSR_ARRAY_SIZE(must)];
		size_t len = strcspn(name, "="), found = 0;

		for (k = 0; k < n; k++)
			found += strncmp(facts_nth(f, "env", k), name, len) == 0 &&
				 facts_nth(f, "env", k)[len] == '=';
		CHK_EXPECT(res, bad, found > 0, "%.*s is missing inside", (int)len, name);
	}
	return chk_done(res, bad);
}

const struct hx_check hx_check_env = {
	.name = "env",
	.proves = "the environment inside holds only PATH, HOME and USER (the invoker's), "
		  "TERM, container=nsrun and the policy's env (expanded), each once; "
		  "variables nsrun's caller had (LC_ALL, a canary) do not arrive",
	.fails = "any other variable (named with its value), a missing one, a wrong value, "
		 "or one set twice",
	.run = chk_env,
};
