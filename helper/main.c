// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nsrun's front end, setuid root. The only file that prints and exits.
 * Order matters: sanitize inherited state first, then parse argv (names
 * checked before they touch a path), then --version/--help/--check (which
 * drops to the caller before reading anything), --list, --gc, or a start:
 * load + trust + authorise the policy, build the plan, run the box.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <time.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "config.h"

#include "args.h"
#include "boxlog.h"
#include "caller.h"
#include "caps.h"
#include "cgroup/cgroup.h"
#include "dev/dev.h"
#include "join.h"
#include "list.h"
#include "log.h"
#include "plan.h"
#include "policy.h"
#include "ps.h"
#include "sanitize.h"
#include "start.h"
#include "state.h"
#include "status.h"
#include "stop.h"
#include "util.h"

static struct nsr_inherited inh;
static struct nsr_caller caller;
static struct policy pol;
static struct policy_diags diags;
static struct nsr_plan plan;
static struct dev_set devs;

/* The end of a start: what was printed goes out, and the process ends
 * without libc's exit handlers. nsrun registers none (no atexit); libc's
 * own (stdio's cleanup, the loader's destructors) would only write to
 * pages the box child shared until now, each write a copy-on-write fault:
 * about ten of them, and 2-4% of a start, paired (doc/performance.md,
 * "The end of a start"). Sanitizer builds keep exit(): their leak check
 * runs from it. */
#if defined(__SANITIZE_ADDRESS__)
#define NSR_KEEP_EXIT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NSR_KEEP_EXIT 1
#endif
#endif
static int end_start(int status)
{
	fflush(NULL);
#ifndef NSR_KEEP_EXIT
	_exit(status);
#endif
	return status;
}

static int fail(const char *box, const struct nsr_err *err)
{
	char text[NSR_ERR_MSG_MAX + 128];

	nsr_err_text(err, text, sizeof(text));
	if (box != NULL)
		fprintf(stderr, "nsrun: %s: %s\n", box, text);
	else
		fprintf(stderr, "nsrun: %s\n", text);
	return nsr_err_exit_status(err);
}

static void usage(void)
{
	printf("usage: nsrun --policy NAME [--dry-run] [--detach] [--status-fd FD] [--pty | --no-pty] BOX\n"
	       "             [--] [COMMAND [ARG...]]\n"
	       "       nsrun --ps [--json]\n"
	       "       nsrun --join BOX [--pty | --no-pty] [--] [COMMAND [ARG...]]\n"
	       "       nsrun --logs BOX [--follow]\n"
	       "       nsrun --stop BOX [--signal SIG] [--timeout SEC] [--user NAME]\n"
	       "       nsrun --list\n"
	       "       nsrun --check FILE...\n"
	       "       nsrun --gc          (root: remove leftovers of dead boxes)\n"
	       "       nsrun --version | --help\n"
	       "\n"
	       "Runs COMMAND (default: the policy's command, else /bin/sh) as you, in a box\n"
	       "the admin's policy NAME (%s/NAME.ini) describes.\n"
	       "Exit status: the command's; 128+N if killed by signal N; 137 memory limit;\n"
	       "124 runtime limit; 125 nsrun refused or failed; 126 not executable; 127 not found.\n",
	       NSR_POLICYDIR);
}

static void version(void)
{
	printf("nsrun %s\npolicydir: %s\nstatedir: %s\ndatadir: %s\ncgroup: %s\n", NSR_VERSION,
	       NSR_POLICYDIR, NSR_STATEDIR, NSR_DATADIR, cg_mode_name(cg_detect()));
}

static const char *ip4(uint32_t a, char *buf)
{
	uint32_t n = htonl(a);
	return inet_ntop(AF_INET, &n, buf, INET_ADDRSTRLEN);
}

/* --dry-run: the plan in words, on stdout. */
static void print_plan(const struct nsr_plan *p)
{
	static const char *const wr[] = { "no", "tmpfs", "persistent" };
	static const char *const nm[] = { "none", "bridge", "host" };
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	size_t i;

	printf("policy: %s\nbox: %s\nhostname: %s\n", p->policy, p->box, p->hostname);
	printf("user: %s uid=%u gid=%u groups=", p->id.user, (unsigned)p->id.uid,
	       (unsigned)p->id.gid);
	for (i = 0; i < p->id.n_groups; i++)
		printf("%s%u", i ? "," : "", (unsigned)p->id.groups[i]);
	printf("\nnamespaces: pid mount uts ipc cgroup%s\n",
	       p->net.mode == POLICY_NET_HOST ? "" : " net");
	printf("rootfs: %s (writable = %s)\n", p->rootfs, wr[p->writable]);
	if (p->writable == POLICY_WRITABLE_PERSISTENT)
		printf("upper: %s\n", p->upper_base);
	printf("mount: /proc proc (fresh)\nmount: /sys sysfs (read-only)\nmount: /dev tmpfs (null zero full random urandom tty pts shm)\n");
	if (!p->policy_maps_tmp)
		printf("mount: /tmp tmpfs\n");
	for (i = 0; i < p->n_mounts; i++) {
		const struct plan_mount *m = &p->mounts[i];
		if (m->kind == PLAN_MOUNT_BIND)
			printf("mount: %s bind %s (%s)\n", m->target, m->source, m->rw ? "rw" : "ro");
		else
			printf("mount: %s tmpfs size=%llu\n", m->target, (unsigned long long)m->size);
	}
	if (p->limits.has_pids)
		printf("limit: pids %llu\n", (unsigned long long)p->limits.pids);
	if (p->limits.has_memory)
		printf("limit: memory %llu bytes\n", (unsigned long long)p->limits.memory);
	if (p->limits.has_swap)
		printf("limit: swap %llu bytes\n", (unsigned long long)p->limits.swap);
	if (p->limits.has_cpu)
		printf("limit: cpu %u.%03u\n", p->limits.cpu_milli / 1000,
		       p->limits.cpu_milli % 1000);
	if (p->limits.has_nofile)
		printf("limit: nofile %llu\n", (unsigned long long)p->limits.nofile);
	if (p->limits.cgroup_nested)
		printf("cgroup: nested (under the caller's own cgroup)\n");
	for (i = 0; i < p->n_devs; i++)
		printf("device: /dev/%s %c %u:%u mode %04o uid %u gid %u\n", p->devs[i].rel,
		       p->devs[i].type, p->devs[i].major, p->devs[i].minor,
		       (unsigned)p->devs[i].mode, (unsigned)p->devs[i].uid, (unsigned)p->devs[i].gid);
	if (p->dev_rules)
		printf("device cgroup: the minimal set%s\n",
		       p->n_devs ? " and the devices above" : "");
	printf("network: %s", nm[p->net.mode]);
	if (p->net.mode == POLICY_NET_BRIDGE)
		printf(" bridge=%s subnet=%s/%u gateway=%s", p->net.bridge, ip4(p->net.subnet, a),
		       p->net.prefix, ip4(p->net.gateway, b));
	printf("\nuser namespaces: %s", p->deny_userns ? "refused" : "allowed");
	if (p->pty)
		printf("\nterminal: a pty of its own on%s%s%s", p->pty_fds & 1u ? " stdin" : "",
		       p->pty_fds & 2u ? " stdout" : "", p->pty_fds & 4u ? " stderr" : "");
	else
		printf("\nterminal: none (stdio passed through)");
	printf("\ncommand:");
	for (i = 0; i < p->argc; i++)
		printf(" %s", p->argv[i]);
	if (p->default_shell && p->login_shell[0] && strcmp(p->login_shell, "/bin/sh") != 0)
		printf(" (%s where the image has it)", p->login_shell);
	printf("\n");
	for (i = 0; i < p->envc; i++)
		printf("env: %s\n", p->envp[i]);
}

/* The one diagnostics printer: FILE:LINE: message, one a line. */
static void print_diags(FILE *out, const char *indent, const char *file, const struct policy_diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		fprintf(out, "%s%s:%u: %s\n", indent, file, d->items[i].line, d->items[i].msg);
	if (d->dropped)
		fprintf(out, "%s%s:0: %zu more problems\n", indent, file, d->dropped);
}

static int do_list(void)
{
	struct nsr_err err = { 0 };
	struct list_iter it;
	struct list_entry e;

	if (caller_load(inh.term, &caller, &err) < 0)
		return fail(NULL, &err);
	if (list_open(NSR_POLICYDIR, &caller, &it, &err) < 0)
		return fail(NULL, &err);
	while (list_next(&it, &e) == 1) {
		if (e.pol != NULL) {
			printf("%s\t%s\n", e.name, e.pol->description);
		} else {
			fprintf(stderr, "nsrun: policy %s is unusable:\n", e.name);
			print_diags(stderr, "  ", e.diags->file, e.diags);
		}
	}
	list_close(&it);
	return 0;
}

static int do_check(char *const *files, int n)
{
	const struct policy_diags *d;
	int i, bad = 0;

	for (i = 0; i < n; i++) {
		if (list_check_file(files[i], &d))
			continue;
		bad = 1;
		print_diags(stdout, "", files[i], d);
	}
	return bad;
}

static int do_gc(void)
{
	struct nsr_err err = { 0 };
	struct start_gc_result r;

	if (getuid() != 0) {
		nsr_err_set(&err, NSR_E_DENIED, 0, "--gc is for root");
		return fail(NULL, &err);
	}
	if (start_gc(&(struct start_paths){ NSR_STATEDIR, NSR_DATADIR }, &r, &err) < 0)
		return fail(NULL, &err);
	printf("removed %d cgroup leaves, %d lock files, %d state records\n", r.cgroup_leaves,
	       r.lock_files, r.records);
	printf("netns pool: removed %d leftovers, made %d entries\n", r.netns_removed, r.netns_made);
	return 0;
}

/* What a finished box has to say beyond its exit status. */
static void print_result(const char *box, const struct start_result *r)
{
	char text[NSR_ERR_MSG_MAX + 128], size[32];

	if (r->payload_failed) {
		fprintf(stderr, "nsrun: %s: %s\n", box,
			nsr_err_text(&r->payload_err, text, sizeof(text)));
		return;
	}
	if (r->runtime_killed) {
		policy_format_duration(r->runtime, size, sizeof(size));
		fprintf(stderr, "nsrun: %s: killed: runtime limit (%s) exceeded\n", box, size);
	}
	if (r->oom_kills == 0)
		return;
	nsr_format_size(r->memory_limit, size, sizeof(size));
	if (r->oom_killed_payload)
		fprintf(stderr, "nsrun: %s: killed: memory limit (%s) exceeded\n", box, size);
	else
		fprintf(stderr, "nsrun: %s: memory limit (%s) exceeded: %llu process(es) killed\n",
			box, size, (unsigned long long)r->oom_kills);
}

/* --detach: what the background supervisor tells the foreground nsrun. */
struct detach_msg {
	int ok;		    /* 1: the payload runs */
	pid_t pid;	    /* its init, as seen from the host */
	struct nsr_err err; /* ok == 0: why not */
};

static void detach_tell(int fd, const struct detach_msg *m)
{
	if (fd >= 0)
		nsr_write_all(fd, m, sizeof(*m));
}

static void status_end(const struct box_record *rec, const struct start_result *res)
{
	/* init passes a payload's death by signal N on as 128+N. */
	int sig = res->signal					     ? res->signal :
		  res->exit_code > 128 && res->exit_code <= 128 + 64 ? res->exit_code - 128 :
								       0;
	struct status_end e = {
		.exit_code = res->exit_code,
		.signal = sig,
		.oom = res->oom_kills > 0,
		.runtime_limit = res->runtime_killed,
		.stopped = res->stopped,
		.status = res->status,
		.wall_seconds = res->wall_seconds,
	};

	status_ended(inh.status_fd, rec, &e);
}

/* --detach, in the background supervisor once the box's lock is held (so
 * a second --detach of a running box never touches its log): stdin
 * /dev/null, stdout and stderr to the box's log writer. */
static int detach_redirect(const struct start_paths *paths, struct nsr_err *err)
{
	nsr_cleanup_fd int devnull = nsr_openat(AT_FDCWD, "/dev/null", O_RDWR | O_NOCTTY, 0);
	nsr_cleanup_fd int out_fd = -1;
	pid_t writer;

	if (devnull < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot open /dev/null");
	if (boxlog_start(paths->datadir, plan.id.uid, plan.box, plan.log_max, plan.log_keep,
			 &writer, &out_fd, err) < 0)
		return -1;
	if (dup2(devnull, STDIN_FILENO) < 0 || dup2(out_fd, STDOUT_FILENO) < 0 ||
	    dup2(out_fd, STDERR_FILENO) < 0)
		return nsr_err_set(err, NSR_E_SETUP, errno, "cannot redirect to the log");
	return 0;
}

/* Run the box to its end; ready_fd (--detach) hears once it runs. */
static int run_box(const struct args_parsed *a, struct start_paths *paths, int ready_fd)
{
	start_cleanup_run struct start_run *run = NULL;
	struct nsr_err err = { 0 };
	struct start_result res;
	struct box_record rec;
	int running;

	if (start_prepare(&plan, paths, &run, &res, &err) < 0)
		goto failed;
	if (plan.detach && detach_redirect(paths, &err) < 0)
		goto failed;
	if (res.swap_unenforced)
		fprintf(stderr,
			"nsrun: %s: warning: swap limit not enforced (no swap accounting), "
			"but the host has no swap\n",
			plan.box);
	if (start_spawn(run, &inh, &err) < 0 || (running = start_running(run, &rec, &err)) < 0)
		goto failed;
	if (running) {
		status_running(inh.status_fd, &rec);
		detach_tell(ready_fd, &(struct detach_msg){ .ok = 1, .pid = rec.init_pid });
		if (plan.detach)
			log_audit(LOG_NOTICE, "detach: uid=%u user=%s policy=%s box=%s pid=%d",
				  (unsigned)plan.id.uid, plan.id.user, plan.policy, plan.box,
				  (int)rec.init_pid);
	}
	if (start_wait(run, &res, &err) < 0)
		goto failed;
	if (!running)
		detach_tell(ready_fd, &(struct detach_msg){ .ok = 0, .err = res.payload_err });
	else
		status_end(&rec, &res);
	start_run_free(&run);
	print_result(plan.box, &res);
	return res.status;
failed:
	start_run_free(&run);
	detach_tell(ready_fd, &(struct detach_msg){ .ok = 0, .err = err });
	log_audit(LOG_WARNING, "failed: uid=%u policy=%s box=%s: %s", (unsigned)caller.id.uid,
		  a->req.policy, a->req.box, err.msg);
	return fail(a->req.box, &err);
}

/* --detach: the supervisor goes on in the background, in a session of its
 * own, with stdin /dev/null and stdout and stderr (its own messages
 * included) in the box's log; the foreground nsrun prints the box's name
 * and init pid once the payload runs, and leaves. */
static int run_detached(const struct args_parsed *a, struct start_paths *paths)
{
	struct nsr_err err = { 0 };
	struct detach_msg m;
	int rp[2];
	pid_t pid;

	if (pipe2(rp, O_CLOEXEC) < 0) {
		nsr_err_set(&err, NSR_E_SETUP, errno, "pipe");
		return fail(a->req.box, &err);
	}
	pid = fork();
	if (pid < 0) {
		nsr_err_set(&err, NSR_E_SETUP, errno, "cannot start the supervisor");
		return fail(a->req.box, &err);
	}
	if (pid > 0) {
		close(rp[1]);
		memset(&m, 0, sizeof(m));
		if (nsr_read_full(rp[0], &m, sizeof(m)) != (ssize_t)sizeof(m)) {
			nsr_err_set(&err, NSR_E_SETUP, 0, "the box did not start");
			return fail(a->req.box, &err);
		}
		if (!m.ok) {
			m.err.msg[sizeof(m.err.msg) - 1] = '\0';
			return fail(a->req.box, &m.err);
		}
		printf("%s %d\n", a->req.box, (int)m.pid);
		return 0;
	}
	close(rp[0]);
	setsid();
	/* Nothing of ours reaches the caller's terminal from here on: the
	 * foreground nsrun says what there is to say. */
	{
		nsr_cleanup_fd int devnull = nsr_openat(AT_FDCWD, "/dev/null", O_RDWR | O_NOCTTY, 0);
		if (devnull < 0 || dup2(devnull, STDIN_FILENO) < 0 ||
		    dup2(devnull, STDOUT_FILENO) < 0 || dup2(devnull, STDERR_FILENO) < 0) {
			nsr_err_set(&err, NSR_E_SETUP, errno, "cannot open /dev/null");
			detach_tell(rp[1], &(struct detach_msg){ .ok = 0, .err = err });
			return 125;
		}
	}
	return run_box(a, paths, rp[1]);
}

/* --ps: one line a box, or one JSON object a box with --json. Root sees
 * every user's boxes, with a USER column; others only their own. */
static void human_bytes(uint64_t b, char *out, size_t sz)
{
	static const char units[] = "KMGT";
	double v = (double)b;
	int u = -1;

	while (v >= 1024 && u < 3) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(out, sz, "%llu", (unsigned long long)b);
	else
		snprintf(out, sz, "%.*f%c", v < 10 ? 1 : 0, v, units[u]);
}

static void ps_json(const struct ps_entry *e)
{
	const struct box_record *r = &e->rec;
	char box[160], pname[160], user[160], cmd[STATE_CMD_MAX * 2 + 8], addr[24], a[48];
	char mem[32], pids[32], cg[200], cgj[260];

	status_json_str(box, sizeof(box), r->box);
	status_json_str(pname, sizeof(pname), r->policy);
	status_json_str(user, sizeof(user), r->user);
	if (status_json_str(cmd, sizeof(cmd), r->command) < 0)
		snprintf(cmd, sizeof(cmd), "null");
	status_addr(r->addr, addr, sizeof(addr));
	if (addr[0])
		status_json_str(a, sizeof(a), addr);
	else
		snprintf(a, sizeof(a), "null");
	if (e->has_memory)
		snprintf(mem, sizeof(mem), "%llu", (unsigned long long)e->memory);
	else
		snprintf(mem, sizeof(mem), "null");
	if (e->has_pids)
		snprintf(pids, sizeof(pids), "%llu", (unsigned long long)e->pids);
	else
		snprintf(pids, sizeof(pids), "null");
	if (r->cgroup[0]) {
		snprintf(cg, sizeof(cg), "/nsrun/%s", r->cgroup);
		status_json_str(cgj, sizeof(cgj), cg);
	} else {
		snprintf(cgj, sizeof(cgj), "null");
	}
	printf("{\"box\":%s,\"user\":%s,\"uid\":%u,\"policy\":%s,\"pid\":%d,\"started\":%lld,"
	       "\"state\":\"%s\",\"detached\":%s,\"command\":%s,\"address\":%s,\"cgroup\":%s,"
	       "\"memory\":%s,\"pids\":%s,\"runtime_limit\":%llu}\n",
	       box, user, (unsigned)r->uid, pname, (int)r->init_pid, (long long)r->started,
	       e->stopping ? "stopping" : "running", r->detached ? "true" : "false", cmd, a, cgj,
	       mem, pids, (unsigned long long)r->runtime);
}

static int do_ps(const struct args_parsed *a)
{
	static struct ps_entry boxes[PS_MAX];
	struct nsr_err err = { 0 };
	bool all = getuid() == 0;
	int n, i;

	if (caller_load(inh.term, &caller, &err) < 0)
		return fail(NULL, &err);
	n = ps_list(NSR_STATEDIR, all, caller.id.uid, boxes, PS_MAX, &err);
	if (n < 0)
		return fail(NULL, &err);
	if (!a->json)
		printf("%s%-20s %-16s %8s %-19s %-8s %-15s %7s %5s %s\n",
		       all ? "USER         " : "", "BOX", "POLICY", "PID", "STARTED", "STATE",
		       "ADDRESS", "MEMORY", "PIDS", "COMMAND");
	for (i = 0; i < n; i++) {
		const struct ps_entry *e = &boxes[i];
		const struct box_record *r = &e->rec;
		char when[32], addr[24], mem[16] = "-", pids[16] = "-";
		time_t t = (time_t)r->started;
		struct tm tm;

		if (a->json) {
			ps_json(e);
			continue;
		}
		if (localtime_r(&t, &tm) == NULL ||
		    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm) == 0)
			snprintf(when, sizeof(when), "%lld", (long long)r->started);
		status_addr(r->addr, addr, sizeof(addr));
		if (e->has_memory)
			human_bytes(e->memory, mem, sizeof(mem));
		if (e->has_pids)
			snprintf(pids, sizeof(pids), "%llu", (unsigned long long)e->pids);
		if (all)
			printf("%-12s ", r->user);
		printf("%-20s %-16s %8d %-19s %-8s %-15s %7s %5s %s\n", r->box, r->policy,
		       (int)r->init_pid, when, e->stopping ? "stopping" : "running",
		       addr[0] ? addr : "-", mem, pids, r->command);
	}
	return 0;
}

/* --stop BOX: the caller's box; root names the owner with --user. */
static int do_stop(const struct args_parsed *a)
{
	struct nsr_err err = { 0 };
	struct stop_request req = { .box = a->req.box, .sig = SIGTERM, .timeout = a->timeout };
	struct stop_result res;

	if (caller_load(inh.term, &caller, &err) < 0)
		return fail(NULL, &err);
	req.uid = caller.id.uid;
	if (a->signal != NULL && (req.sig = stop_parse_signal(a->signal)) < 0) {
		nsr_err_set(&err, NSR_E_USAGE, 0,
			    "--signal: not one of TERM INT HUP QUIT USR1 USR2 KILL");
		return fail(NULL, &err);
	}
	if (a->user != NULL) {
		struct passwd *pw;
		if (caller.id.uid != 0) {
			nsr_err_set(&err, NSR_E_DENIED, 0, "--user is for root");
			log_audit(LOG_WARNING, "refused: stop: uid=%u user=%s box=%s: --user %s",
				  (unsigned)caller.id.uid, caller.id.user, a->req.box, a->user);
			return fail(NULL, &err);
		}
		pw = getpwnam(a->user);
		if (pw == NULL) {
			nsr_err_set(&err, NSR_E_USAGE, 0, "--user: no user %s", a->user);
			return fail(NULL, &err);
		}
		req.uid = pw->pw_uid;
	}
	if (stop_box(NSR_STATEDIR, &req, &res, &err) < 0) {
		log_audit(LOG_WARNING, "refused: stop: uid=%u user=%s owner=%u box=%s: %s",
			  (unsigned)caller.id.uid, caller.id.user, (unsigned)req.uid, a->req.box,
			  err.msg);
		return fail(a->req.box, &err);
	}
	log_audit(LOG_NOTICE, "stop: uid=%u user=%s owner=%u policy=%s box=%s signal=%d%s",
		  (unsigned)caller.id.uid, caller.id.user, (unsigned)req.uid, res.rec.policy,
		  a->req.box, req.sig, res.killed ? " (killed after the timeout)" : "");
	return 0;
}

/* --join BOX [CMD]: the caller's own running box, its policy's rules. */
static int do_join(const struct args_parsed *a)
{
	struct nsr_err err = { 0 };
	struct box_record rec;
	struct join_result res;
	char cmd[512];

	if (caller_load(inh.term, &caller, &err) < 0)
		return fail(NULL, &err);
	if (caller.id.uid == 0) {
		nsr_err_set(&err, NSR_E_DENIED, 0, "root may not run boxes, so it has none to join");
		goto refused;
	}
	if (join_find(NSR_STATEDIR, caller.id.uid, a->req.box, &rec, &err) < 0)
		goto refused;
	/* The box's policy as the admin has it now: still usable by the
	 * caller, still allowing --join. */
	if (policy_load(NSR_POLICYDIR, rec.policy, &pol, &diags, &err) < 0 ||
	    policy_authorize(&pol, &(struct policy_caller){ caller.id.uid, caller.id.gid,
							    caller.id.groups,
							    caller.id.n_groups }) != POLICY_ALLOW) {
		memset(&err, 0, sizeof(err));
		nsr_err_set(&err, NSR_E_DENIED, 0, "policy \"%s\" is not available", rec.policy);
		goto refused;
	}
	if (pol.deny_join) {
		nsr_err_set(&err, NSR_E_DENIED, 0, "policy \"%s\" does not allow --join", rec.policy);
		goto refused;
	}
	if (plan_build(&pol,
		       &(struct nsr_request){ .policy = rec.policy,
					      .box = a->req.box,
					      .argv = a->req.argv,
					      .argc = a->req.argc },
		       &caller, NSR_DATADIR, NULL, &plan, &err) < 0)
		goto refused;
	log_render_argv(plan.argv, plan.argc, cmd, sizeof(cmd));
	log_audit(LOG_NOTICE, "join: uid=%u user=%s policy=%s box=%s pid=%d command=%s",
		  (unsigned)caller.id.uid, caller.id.user, rec.policy, a->req.box,
		  (int)rec.init_pid, cmd);
	fflush(stdout);
	fflush(stderr);
	if (join_run(&plan, &rec, &inh, &res, &err) < 0) {
		log_audit(LOG_WARNING, "failed: join: uid=%u box=%s: %s", (unsigned)caller.id.uid,
			  a->req.box, err.msg);
		return fail(a->req.box, &err);
	}
	log_audit(LOG_NOTICE, "join end: uid=%u box=%s status=%d", (unsigned)caller.id.uid,
		  a->req.box, res.status);
	if (res.cmd_err.kind != NSR_E_NONE)
		fail(a->req.box, &res.cmd_err);
	return res.status;
refused:
	log_audit(LOG_WARNING, "refused: join: uid=%u user=%s box=%s: %s", (unsigned)caller.id.uid,
		  caller.id.user, a->req.box, err.msg);
	return fail(a->req.box, &err);
}

struct logs_ctx {
	uid_t uid;
	const char *box;
};

static bool logs_alive(void *p)
{
	const struct logs_ctx *c = p;
	struct box_record rec;

	return state_read(NSR_STATEDIR, c->uid, c->box, &rec, NULL) == 0 && state_alive(&rec);
}

/* --logs BOX [--follow]: the caller's own detached box's log. */
static int do_logs(const struct args_parsed *a)
{
	static char buf[65536];
	struct nsr_err err = { 0 };
	struct boxlog_reader r;
	struct logs_ctx ctx;
	ssize_t n;

	if (caller_load(inh.term, &caller, &err) < 0)
		return fail(NULL, &err);
	ctx.uid = caller.id.uid;
	ctx.box = a->req.box;
	if (boxlog_open(NSR_DATADIR, caller.id.uid, a->req.box, &r, &err) < 0)
		return fail(a->req.box, &err);
	while ((n = boxlog_read(&r, buf, sizeof(buf), a->follow, logs_alive, &ctx)) > 0)
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n || fflush(stdout) != 0)
			break;
	boxlog_close(&r);
	return n < 0 ? 125 : 0;
}

static int do_start(const struct args_parsed *a)
{
	struct nsr_err err = { 0 };
	struct nsr_request req;
	struct start_paths paths = { NSR_STATEDIR, NSR_DATADIR };

	if (geteuid() != 0) {
		nsr_err_set(&err, NSR_E_SETUP, 0,
			    "not installed setuid root (or run with no_new_privs)");
		return fail(NULL, &err);
	}
	if (caller_load(inh.term, &caller, &err) < 0)
		return fail(NULL, &err);
	if (policy_load(NSR_POLICYDIR, a->req.policy, &pol, &diags, &err) < 0 ||
	    policy_authorize(&pol, &(struct policy_caller){ caller.id.uid, caller.id.gid,
							    caller.id.groups,
							    caller.id.n_groups }) != POLICY_ALLOW) {
		if (err.kind == NSR_E_NONE)
			nsr_err_set(&err, NSR_E_DENIED, 0, "policy \"%s\" is not available",
				    a->req.policy);
		else if (caller.id.uid == 0)
			print_diags(stderr, "", a->req.policy, &diags);
		log_audit(LOG_WARNING, "refused: uid=%u user=%s policy=%s box=%s: %s",
			  (unsigned)caller.id.uid, caller.id.user, a->req.policy, a->req.box,
			  err.msg);
		return fail(NULL, &err);
	}
	req = a->req;
	req.env = &inh.env; /* only the variables pass_env names get through */
	if (dev_wanted(&pol.devices)) {
		/* Still in the caller's cgroup: gpus = scheduler asks the
		 * kernel what that cgroup lets us open. */
		struct dev_host host = { -1, dev_probe_cgroup, dev_block_mounted, NULL };
		size_t i;
		int r = dev_open_root("/dev", &host.dev_dfd, &err);

		if (r == 0)
			r = dev_select(&host, &pol.devices, &devs, &err);
		if (host.dev_dfd >= 0)
			close(host.dev_dfd);
		if (r < 0) {
			log_audit(LOG_WARNING, "refused: uid=%u policy=%s box=%s: %s",
				  (unsigned)caller.id.uid, a->req.policy, a->req.box, err.msg);
			return fail(a->req.box, &err);
		}
		for (i = 0; i < devs.n_warn; i++)
			fprintf(stderr, "nsrun: %s: warning: %s\n", a->req.box, devs.warn[i]);
		{
			char list[512] = "";
			size_t used = 0;

			for (i = 0; i < devs.n && used < sizeof(list); i++) {
				int w = snprintf(list + used, sizeof(list) - used,
						 "%s/dev/%s %c %u:%u", i ? ", " : "",
						 devs.nodes[i].rel, devs.nodes[i].type,
						 devs.nodes[i].major, devs.nodes[i].minor);
				used += w > 0 ? (size_t)w : 0;
			}
			log_audit(LOG_NOTICE, "devices: uid=%u policy=%s box=%s nodes=%s",
				  (unsigned)caller.id.uid, a->req.policy, a->req.box,
				  devs.n ? list : "none");
		}
	}
	if (plan_build(&pol, &req, &caller, NSR_DATADIR, &devs, &plan, &err) < 0) {
		log_audit(LOG_WARNING, "refused: uid=%u policy=%s box=%s: %s",
			  (unsigned)caller.id.uid, a->req.policy, a->req.box, err.msg);
		return fail(a->req.box, &err);
	}
	for (size_t i = 0; i < plan.n_warnings; i++)
		fprintf(stderr, "nsrun: %s: warning: %s\n", a->req.box, plan.warnings[i]);
	if (plan.warnings_dropped > 0)
		fprintf(stderr, "nsrun: %s: warning: %zu more warnings\n", a->req.box,
			plan.warnings_dropped);
	if (plan.dry_run) {
		print_plan(&plan);
		return 0;
	}
	if (caller.id.uid == 0) {
		/* A box runs as its caller; uid 0 with no capabilities is still
		 * root to every file on the host it can reach. */
		nsr_err_set(&err, NSR_E_DENIED, 0,
			    "boxes run as their caller, and root may not start one (use an ordinary account; --dry-run works)");
		return fail(a->req.box, &err);
	}
	fflush(stdout);
	fflush(stderr);
	if (plan.detach)
		return run_detached(a, &paths);
	return run_box(a, &paths, -1);
}

int main(int argc, char **argv)
{
	struct nsr_err err = { 0 };
	struct args_parsed a;
	int keep_fd;

	/* Our static objects are zero and untouched: their first zeroing
	 * may skip reading them page by page (util.h nsr_mark_fresh()). */
	nsr_mark_fresh(&inh, sizeof(inh));
	nsr_mark_fresh(&caller, sizeof(caller));
	nsr_mark_fresh(&pol, sizeof(pol));
	nsr_mark_fresh(&diags, sizeof(diags));
	nsr_mark_fresh(&plan, sizeof(plan));

	/* argc == 0: argv[1] would be the environment. Refuse at once. */
	if (argc < 1 || argv == NULL || argv[0] == NULL) {
		fputs("nsrun: refusing to run with an empty argument list\n", stderr);
		return 125;
	}
	/* --status-fd names the one inherited fd that sanitize keeps: read it
	 * with the same (pure) parser first; bad argv is refused below. */
	{
		struct args_parsed pre;
		struct nsr_err ignored;
		keep_fd = args_parse(argc, argv, &pre, &ignored) == 0 ? pre.status_fd : -1;
	}
	if (sanitize_process(&inh, keep_fd, &err) < 0)
		return fail(NULL, &err);
	log_open();
	if (args_parse(argc, argv, &a, &err) < 0) {
		log_audit(LOG_WARNING, "refused: uid=%u: %s", (unsigned)getuid(), err.msg);
		return fail(NULL, &err);
	}

	switch (a.mode) {
	case ARGS_MODE_VERSION:
		version();
		return 0;
	case ARGS_MODE_HELP:
		usage();
		return 0;
	case ARGS_MODE_CHECK:
		if (caps_drop_to_caller(&err) < 0)
			return fail(NULL, &err);
		/* Relative FILEs are the caller's: back to their directory, as them. */
		if (inh.cwd[0] == '/' && chdir(inh.cwd) < 0) {
			nsr_err_set(&err, NSR_E_USAGE, errno,
				    "cannot return to the current directory");
			return fail(NULL, &err);
		}
		return do_check(a.files, a.n_files);
	case ARGS_MODE_LIST:
		return do_list();
	case ARGS_MODE_GC:
		return do_gc();
	case ARGS_MODE_START:
		return end_start(do_start(&a));
	case ARGS_MODE_PS:
		return do_ps(&a);
	case ARGS_MODE_STOP:
		return do_stop(&a);
	case ARGS_MODE_JOIN:
		return do_join(&a);
	case ARGS_MODE_LOGS:
		return do_logs(&a);
	default:
		return 125;
	}
}
