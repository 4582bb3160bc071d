// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The box's PID 1, already without privilege (caps_drop ran): fork the
 * payload, forward SIGINT/TERM/HUP/QUIT/USR1/USR2/WINCH to it, reap every
 * zombie, exit with the payload's status (128+N when killed by signal N).
 * Init always starts a session of its own, so nothing in the box shares a
 * process group or session with anything outside (kill(0) or a tty's
 * signals reach only the box); the supervisor forwards what the caller's
 * terminal sends.
 * With a pty of the box's own, the payload leads a session whose
 * controlling terminal that pty is (init stays outside it).
 * A payload that cannot be executed reports why over err_fd (127 / 126).
 */
#include "init.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };

void init_signal_set(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < NSR_ARRAY_SIZE(forwarded); i++)
		sigaddset(set, forwarded[i]);
	sigaddset(set, SIGCHLD);
}

static const char *env_path(char *const *envp)
{
	for (; *envp; envp++)
		if (strncmp(*envp, "PATH=", 5) == 0)
			return *envp + 5;
	return "/usr/bin:/bin";
}

void init_exec(const struct nsr_plan *plan, char *shell, int err_fd)
{
	char *const shell_argv[] = { shell, NULL };
	char *const *argv = plan->default_shell && shell != NULL && shell[0] == '/' ? shell_argv :
										      plan->argv;
	const char *file = argv[0];
	struct nsr_err e = { 0 };
	int saved = ENOENT;
	bool eacces = false;

	if (strchr(file, '/') != NULL) {
		execve(file, argv, plan->envp);
		saved = errno;
	} else if (file[0] != '\0') {
		const char *p = env_path(plan->envp);
		while (*p) {
			const char *colon = strchrnul(p, ':');
			char path[4096];
			if (snprintf(path, sizeof(path), "%.*s/%s", (int)(colon - p), p, file) <
			    (int)sizeof(path)) {
				execve(path, argv, plan->envp);
				if (errno == EACCES)
					eacces = true;
				else if (errno != ENOENT && errno != ENOTDIR)
					saved = errno;
			}
			p = *colon ? colon + 1 : colon;
		}
		if (saved == ENOENT && eacces)
			saved = EACCES;
	}
	if (saved == ENOENT || saved == ENOTDIR)
		nsr_err_set(&e, NSR_E_EXEC_NOENT, 0, "command not found: %.200s", file);
	else
		nsr_err_set(&e, NSR_E_EXEC, saved, "cannot execute %.200s", file);
	nsr_write_all(err_fd, &e, sizeof(e));
	_exit(e.kind == NSR_E_EXEC_NOENT ? 127 : 126);
}

void init_run(const struct nsr_plan *plan, char *shell, int err_fd)
{
	sigset_t set;
	pid_t payload;

	init_signal_set(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);

	/* A session of our own, interactive or not: the box never shares a
	 * process group with the caller's pipeline. */
	if (setsid() < 0) {
		struct nsr_err e;
		nsr_err_set(&e, NSR_E_SETUP, errno, "cannot start a session for the box");
		nsr_write_all(err_fd, &e, sizeof(e));
		_exit(125);
	}

	prctl(PR_SET_NAME, "nsrun-init", 0, 0, 0);
	/* vfork: no page tables to copy before the exec. The child only makes
	 * system calls and writes its own stack frames until execve or _exit,
	 * and never returns from this function. */
	payload = vfork();
	if (payload < 0) {
		struct nsr_err e;
		nsr_err_set(&e, NSR_E_SETUP, errno, "cannot start the command");
		nsr_write_all(err_fd, &e, sizeof(e));
		_exit(125);
	}
	/* The analyzer allows only exec and _exit after vfork; this child also
	 * makes plain system calls and writes its own stack (see above). */
	// NOLINTBEGIN(clang-analyzer-unix.Vfork)
	if (payload == 0) {
		/* Dispositions are default already (sanitize, then the box child);
		 * exec keeps the mask, so only the mask needs resetting. */
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		/* The box's own terminal (nsrun(1), TERMINAL): the payload leads
		 * a session of its own whose controlling terminal it is, so
		 * the line discipline's ^C, ^Z, ^\ and hang-up reach it. */
		if (plan->pty &&
		    (setsid() < 0 || ioctl(__builtin_ctz(plan->pty_fds), TIOCSCTTY, 0) < 0)) {
			struct nsr_err e;
			nsr_err_set(&e, NSR_E_SETUP, errno, "cannot give the command its terminal");
			nsr_write_all(err_fd, &e, sizeof(e));
			_exit(125);
		}
		if (chdir(plan->id.home) < 0 && chdir("/") < 0) {
			struct nsr_err e;
			nsr_err_set(&e, NSR_E_SETUP, errno, "cannot enter / of the box as %s",
				    plan->id.user);
			nsr_write_all(err_fd, &e, sizeof(e));
			_exit(125);
		}
		init_exec(plan, shell, err_fd);
	}
	// NOLINTEND(clang-analyzer-unix.Vfork)
	close(err_fd);

	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&set, &si);

		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			kill(payload, sig);
			continue;
		}
		for (;;) {
			int st;
			pid_t r = waitpid(-1, &st, WNOHANG);
			if (r <= 0)
				break;
			if (r != payload)
				continue;
			/* The payload is gone: leaving now ends the namespace
			 * and the kernel kills whatever it left behind. */
			if (WIFEXITED(st))
				_exit(WEXITSTATUS(st));
			_exit(128 + WTERMSIG(st));
		}
	}
}
