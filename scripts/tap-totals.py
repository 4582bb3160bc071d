#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Count TAP results over every suite: meson's testlog.json (each test's
stdout; TAP tests counted per subtest, others per test) and plain TAP logs.
Prints the per-suite lines and one final line: N passed, N failed, N skipped.
Exit status 1 when anything failed or nothing ran."""
import json, re, sys

OK = re.compile(r'^(not )?ok\b.*?(#\s*(SKIP|TODO)\b.*)?$', re.I)

def count_tap(text):
    p = f = s = 0
    bail = False
    for line in text.splitlines():
        line = line.strip()
        if line.startswith('Bail out!'):
            bail = True
        m = OK.match(line)
        if not m:
            continue
        if m.group(3) and m.group(3).upper() == 'SKIP':
            s += 1
        elif m.group(1):
            f += 1
        else:
            p += 1
    return p, f, s, bail

def main(argv):
    tp = tf = ts = 0
    suites = {}
    for path in argv[1:]:
        try:
            fh = open(path)
        except OSError:
            continue
        with fh:
            if path.endswith('.json'):
                for raw in fh:
                    raw = raw.strip()
                    if not raw:
                        continue
                    e = json.loads(raw)
                    p, f, s, bail = count_tap(e.get('stdout') or '')
                    res = e.get('result', '')
                    if p + f + s == 0:
                        if res in ('OK', 'EXPECTEDFAIL'):
                            p = 1
                        elif res == 'SKIP':
                            s = 1
                        else:
                            f = 1
                    elif res not in ('OK', 'SKIP', 'EXPECTEDFAIL') and f == 0:
                        f = 1  # crashed, timed out or bailed after passing lines
                    key = e.get('name', '?')
                    suites[key] = (p, f, s)
                    tp += p; tf += f; ts += s
            else:
                p, f, s, bail = count_tap(fh.read())
                if bail and f == 0:
                    f = 1
                suites[path.rsplit('/', 1)[-1]] = (p, f, s)
                tp += p; tf += f; ts += s
    for k, (p, f, s) in suites.items():
        print(f'  {k:40s} {p:5d} passed {f:4d} failed {s:4d} skipped')
    print(f'{tp} passed, {tf} failed, {ts} skipped')
    return 1 if tf or tp == 0 else 0

sys.exit(main(sys.argv))
