#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Drive a command on a fresh pty, as a user at a terminal would: the
# command leads a session whose controlling terminal the pty is. Steps
# come on stdin, one a line:
#   expect REGEX     wait until the output (since the last expect) matches
#   send TEXT        type TEXT (Python escapes: \n, \x03 ...)
#   resize ROWS COLS set the window size (the session gets SIGWINCH)
#   sleep SECONDS
#   kill SIGNAME     signal the command (e.g. TERM, HUP, INT)
#   hangup           close the terminal (as a closed window or ssh session)
#   wait             wait for the command to end
#   stty             record `stty -g` of the terminal now (PTYDRIVE-STTY-NOW)
# Usage: ptydrive.py [--digest] TIMEOUT CMD...
# Prints the output (\r dropped; --digest: its length and md5 only), then
#   PTYDRIVE-FAIL: ...        for a step that did not happen in time
#   PTYDRIVE-EXIT: N          the command's exit status (or "timeout")
#   PTYDRIVE-STTY-BEFORE: ... `stty -g` of the terminal before the command
#   PTYDRIVE-STTY-AFTER: ...  and after it ended (not after a hangup)
import fcntl, hashlib, os, re, select, signal, struct, subprocess, sys, termios, time

args = sys.argv[1:]
digest = args[:1] == ['--digest']
if digest:
    args = args[1:]
timeout, cmd = float(args[0]), args[1:]
steps = [l.rstrip('\n') for l in sys.stdin if l.strip()]

master, slave = os.openpty()
fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack('HHHH', 24, 80, 0, 0))


def stty(fd):
    r = subprocess.run(['stty', '-g'], stdin=fd, capture_output=True, text=True)
    return r.stdout.strip() or ('error: ' + r.stderr.strip())


before = stty(slave)
pid = os.fork()
if pid == 0:
    os.setsid()
    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
    for fd in (0, 1, 2):
        os.dup2(slave, fd)
    os.close(master)
    os.close(slave)
    os.execvp(cmd[0], cmd)

end = time.time() + timeout
out = bytearray()
mark = 0
status = None
closed = False
fails = []
nows = []


def pump(wait):
    """Read what there is (for up to `wait` s) and reap the command."""
    global status
    if not closed:
        r, _, _ = select.select([master], [], [], wait)
        if r:
            try:
                out.extend(os.read(master, 1 << 16))
            except OSError:
                time.sleep(wait)
    else:
        time.sleep(wait)
    if status is None:
        p, st = os.waitpid(pid, os.WNOHANG)
        if p == pid:
            status = st


def text():
    return out.decode(errors='replace').replace('\r', '')


for step in steps:
    op, _, arg = step.partition(' ')
    if op == 'expect':
        rx = re.compile(arg)
        while time.time() < end:
            m = rx.search(text(), mark)
            if m:
                mark = m.end()
                break
            if status is not None and not closed:
                pump(0.05)
                if not rx.search(text(), mark):
                    break
            pump(0.05)
        else:
            m = None
        if not m:
            fails.append('expect ' + arg)
            break
    elif op == 'send':
        os.write(master, arg.encode().decode('unicode_escape').encode('latin-1'))
    elif op == 'resize':
        rows, cols = (int(x) for x in arg.split())
        fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
    elif op == 'sleep':
        t = time.time() + float(arg)
        while time.time() < t:
            pump(0.05)
    elif op == 'kill':
        os.kill(pid, getattr(signal, 'SIG' + arg))
    elif op == 'hangup':
        os.close(master)
        closed = True
    elif op == 'stty':
        nows.append(stty(slave))
    elif op == 'wait':
        while status is None and time.time() < end:
            pump(0.05)
    else:
        fails.append('unknown step ' + step)

while status is None and time.time() < end:
    pump(0.05)
if status is None:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
# what is still on its way
while not closed:
    r, _, _ = select.select([master], [], [], 0.2)
    if not r:
        break
    try:
        data = os.read(master, 1 << 16)
    except OSError:
        break
    if not data:
        break
    out.extend(data)

res = bytes(out).replace(b'\r', b'')
if digest:
    print('PTYDRIVE-BYTES: %d %s' % (len(res), hashlib.md5(res).hexdigest()))
else:
    sys.stdout.write(res.decode(errors='replace'))
for f in fails:
    print('\nPTYDRIVE-FAIL: ' + f)
print('\nPTYDRIVE-EXIT: %s' % (os.waitstatus_to_exitcode(status) if status is not None else 'timeout'))
print('PTYDRIVE-STTY-BEFORE: ' + before)
for n in nows:
    print('PTYDRIVE-STTY-NOW: ' + n)
if not closed:
    print('PTYDRIVE-STTY-AFTER: ' + stty(slave))
