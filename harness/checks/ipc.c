// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ipc: a SysV message queue, semaphore set and shared memory segment that
 * the harness makes on the host (mode 0600, a key of this run) are
 * invisible inside; the ones the probe makes inside are invisible on the
 * host. The harness removes its own objects, and any of the box's that
 * did reach the host.
 */
#include "config.h"

#include "checks.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

struct ipc_objs {
	int msg, sem, shm;
};

static void ipc_make(key_t k, struct ipc_objs *o)
{
	o->msg = msgget(k, IPC_CREAT | IPC_EXCL | 0600);
	o->sem = semget(k, 1, IPC_CREAT | IPC_EXCL | 0600);
	o->shm = shmget(k, 4096, IPC_CREAT | IPC_EXCL | 0600);
}

static void ipc_remove(const struct ipc_objs *o)
{
	if (o->msg >= 0)
		msgctl(o->msg, IPC_RMID, NULL);
	if (o->sem >= 0)
		semctl(o->sem, 0, IPC_RMID);
	if (o->shm >= 0)
		shmctl(o->shm, IPC_RMID, NULL);
}

/* The box's key looked up on the host: anything found is a leak. */
static int ipc_host_sees(key_t k, struct ipc_objs *o)
{
	o->msg = msgget(k, 0);
	o->sem = semget(k, 0, 0);
	o->shm = shmget(k, 0, 0);
	return (o->msg >= 0) + (o->sem >= 0) + (o->shm >= 0);
}

static void ipc_inside(const struct facts *f, long host_key, struct hx_result *res, int *bad)
{
	static const char *const keys[] = { "ipc_host_msg", "ipc_host_sem", "ipc_host_shm" };
	static const char *const lists[] = { "ipc_msg", "ipc_sem", "ipc_shm" };
	char key[32];
	size_t i;

	snprintf(key, sizeof(key), "%ld", host_key);
	for (i = 0; i < 3; i++) {
		const char *v = facts_get(f, keys[i]);

		CHK_EXPECT(res, *bad, v != NULL && strcmp(v, "ENOENT") == 0,
			   "%s: the host's object (key %ld) inside: %s", keys[i] + 9, host_key,
			   v ? v : "not reported");
		CHK_EXPECT(res, *bad, !facts_has(f, lists[i], key),
			   "/proc/sysvipc/%s inside lists the host's key %ld", lists[i] + 4,
			   host_key);
	}
	CHK_EXPECT(res, *bad, facts_has(f, "ipc_made", "1 1 1"),
		   "the probe could not make its own IPC objects (%s)",
		   facts_get(f, "ipc_made") ? facts_get(f, "ipc_made") : "not reported");
}

static int chk_ipc(struct hx_ctx *ctx, struct hx_result *res)
{
	key_t hk = (key_t)(0x6e720000 | (getpid() & 0xffff));
	key_t bk = hk ^ 0x00010000;
	char hks[32], bks[32], buf[600];
	const char *args[] = {
		HX_PROBE_TARGET "/nsrun-probe", "hold", "--ipc-key", hks, "--ipc-create", bks, NULL
	};
	struct ipc_objs host, leak;
	struct run_box b;
	struct facts f;
	struct nsr_err err = { 0 };
	int bad = 0;

	snprintf(hks, sizeof(hks), "%ld", (long)hk);
	snprintf(bks, sizeof(bks), "%ld", (long)bk);
	ipc_make(hk, &host);
	if (host.msg < 0 || host.sem < 0 || host.shm < 0) {
		ipc_remove(&host);
		return hx_fail(res, "cannot make the host's IPC objects (key %s): %s", hks,
			       strerror(errno));
	}
	if (run_start(ctx, args, &b, &err) < 0) {
		ipc_remove(&host);
		run_free(&b);
		return hx_fail(res, "cannot start nsrun: %s", nsr_err_text(&err, buf, sizeof(buf)));
	}
	if (run_until(&b, "ready=1") < 0) {
		CHK_EXPECT(res, bad, false, "the probe never got ready");
	} else {
		int seen = ipc_host_sees(bk, &leak);

		CHK_EXPECT(res, bad, seen == 0,
			   "%d of the box's IPC objects (key %s) are visible on the host", seen, bks);
		ipc_remove(&leak);
		run_send(&b, "go\n");
	}
	run_finish(&b);
	if (facts_parse(b.out, b.out_len, &f) == 0) {
		ipc_inside(&f, hk, res, &bad);
		facts_free(&f);
	}
	if (bad > 0)
		run_note(&b, res);
	run_free(&b);
	ipc_remove(&host);
	return chk_done(res, bad);
}

const struct hx_check hx_check_ipc = {
	.name = "ipc",
	.proves = "a SysV message queue, semaphore set and shared memory segment made on the host are invisible inside, and those the box makes are invisible on the host",
	.fails = "the host's IPC namespace: one side finds the other's key",
	.run = chk_ipc,
};
