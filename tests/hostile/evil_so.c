// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A library the hostile suite offers nsrun through LD_PRELOAD,
 * LD_LIBRARY_PATH, LD_AUDIT and GCONV_PATH. If it is ever loaded into the
 * setuid process, its constructor leaves a marker file (EVIL_MARKER, set
 * at build time) and the test fails.
 */
#include <fcntl.h>
#include <unistd.h>

__attribute__((constructor)) static void evil(void)
{
	int fd = open(EVIL_MARKER, O_WRONLY | O_CREAT | O_APPEND, 0644);

	if (fd >= 0) {
		(void)write(fd, "loaded\n", 7);
		close(fd);
	}
}

/* LD_AUDIT entry point and a gconv module entry, in case either is used. */
unsigned int la_version(unsigned int v)
{
	evil();
	return v;
}
int gconv_init(void *step)
{
	(void)step;
	evil();
	return 0;
}
int gconv(void *a, void *b, const unsigned char **c, const unsigned char *d, unsigned char **e,
	  size_t *f, int g, int h)
{
	(void)a;
	(void)b;
	(void)c;
	(void)d;
	(void)e;
	(void)f;
	(void)g;
	(void)h;
	evil();
	return 0;
}
