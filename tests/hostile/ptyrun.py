#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Run a command on a fresh pty as its controlling terminal (the caller's
# terminal, as a user at a shell would have it), type INPUT into it, and
# report what came out and whether anything was pushed into the terminal's
# input queue behind our back (TIOCSTI / TIOCLINUX injection).
# Usage: ptyrun.py TIMEOUT INPUT CMD...   Prints the output, then a last
# line "INJECTED-QUEUE: <bytes>" when the input queue held foreign bytes.
import fcntl, os, select, sys, termios, time

timeout, typed, cmd = float(sys.argv[1]), sys.argv[2].encode().decode('unicode_escape'), sys.argv[3:]
master, slave = os.openpty()
pid = os.fork()
if pid == 0:
    os.setsid()
    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
    for fd in (0, 1, 2):
        os.dup2(slave, fd)
    os.close(master)
    if slave > 2:
        os.close(slave)
    os.execvp(cmd[0], cmd)
out = b''
end = time.time() + timeout
sent = False
status = None
while time.time() < end:
    if not sent and time.time() > end - timeout + 0.7:
        os.write(master, typed.encode())
        sent = True
    r, _, _ = select.select([master], [], [], 0.1)
    if r:
        try:
            data = os.read(master, 65536)
        except OSError:
            data = b''
        out += data
    p, st = os.waitpid(pid, os.WNOHANG)
    if p == pid:
        status = st
        break
if status is None:
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    print("PTYRUN-TIMEOUT")
time.sleep(0.2)
try:
    while True:
        r, _, _ = select.select([master], [], [], 0.1)
        if not r:
            break
        out += os.read(master, 65536)
except OSError:
    pass
sys.stdout.write(out.decode(errors='replace').replace('\r', ''))
# Anything still queued for the terminal's reader that we did not type?
fcntl.fcntl(slave, fcntl.F_SETFL, os.O_NONBLOCK)
attr = termios.tcgetattr(slave)
attr[3] &= ~termios.ICANON
termios.tcsetattr(slave, termios.TCSANOW, attr)
try:
    left = os.read(slave, 65536)
except BlockingIOError:
    left = b''
if left:
    print("\nINJECTED-QUEUE: %r" % left)
print("\nPTYRUN-EXIT: %s" % (os.waitstatus_to_exitcode(status) if status is not None else 'timeout'))
