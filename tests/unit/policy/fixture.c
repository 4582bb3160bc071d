// SPDX-License-Identifier: GPL-2.0-or-later
/* Policy test helpers: write text to a memfd and parse it. No privilege. */
#include "config.h"

#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "../ck_run.h"

struct policy fx_pol;
struct policy_diags fx_diags;

int fx_memfd(const char *text, size_t len)
{
	int fd = memfd_create("policy", MFD_CLOEXEC);
	size_t off = 0;

	ck_assert_int_ge(fd, 0);
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);

		ck_assert_int_gt(n, 0);
		off += (size_t)n;
	}
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

int fx_parse_n(const char *text, size_t len)
{
	int fd = fx_memfd(text, len);
	int r = policy_parse_fd(fd, "t.ini", &fx_pol, &fx_diags);

	close(fd);
	return r;
}

int fx_parse(const char *text)
{
	return fx_parse_n(text, strlen(text));
}

bool fx_has(unsigned line, const char *sub)
{
	size_t i;

	for (i = 0; i < fx_diags.n; i++)
		if (fx_diags.items[i].line == line && strstr(fx_diags.items[i].msg, sub) != NULL)
			return true;
	return false;
}

const char *fx_dump(void)
{
	static char buf[8192];
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < fx_diags.n && o < sizeof(buf) - 300; i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%u: %s; ", fx_diags.items[i].line,
				      fx_diags.items[i].msg);
	if (fx_diags.n == 0)
		snprintf(buf, sizeof(buf), "(no diagnostics)");
	return buf;
}

int fx_run(Suite *s)
{
	return nsr_ck_run(s, CK_FORK_GETENV);
}
