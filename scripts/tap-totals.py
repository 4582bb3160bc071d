#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Totals for scripts/test, honest about steps that fail quietly.

  tap-totals.py --meson TESTLOG.json [--meson-rc FILE] [--steps DIR]

Counts meson's testlog.json (each test's stdout; TAP tests per subtest,
others per test) and every step of DIR: NAME.tap (its TAP output) with
NAME.rc (its exit status). A test or step that failed (non-zero exit,
crash, timeout, bail out) without a "not ok" line of its own counts as one
failure under its name; so does a step that printed no TAP at all (a plan
"1..0 # SKIP ..." counts as one skip). Prints a line per suite and step,
then one final line: N passed, N failed, N skipped. Exit status 1 when
anything failed or nothing ran."""
import argparse
import json
import os
import re
import sys

OK = re.compile(r'^(not )?ok\b.*?(#\s*(SKIP|TODO)\b.*)?$', re.I)
SKIP_ALL = re.compile(r'^1\.\.0\s*#\s*SKIP\b', re.I)


def count_tap(text):
    p = f = s = 0
    bail = skip_all = False
    for line in text.splitlines():
        line = line.strip()
        if line.startswith('Bail out!'):
            bail = True
        if SKIP_ALL.match(line):
            skip_all = True
        m = OK.match(line)
        if not m:
            continue
        if m.group(3) and m.group(3).upper() == 'SKIP':
            s += 1
        elif m.group(1):
            f += 1
        else:
            p += 1
    return p, f, s, bail, skip_all


def read(path, default=''):
    try:
        with open(path, errors='replace') as fh:
            return fh.read()
    except OSError:
        return default


def meson_results(path, rows, notes):
    for raw in read(path).splitlines():
        raw = raw.strip()
        if not raw:
            continue
        e = json.loads(raw)
        p, f, s, _, _ = count_tap(e.get('stdout') or '')
        res = e.get('result', '')
        name = e.get('name', '?')
        if p + f + s == 0:
            if res in ('OK', 'EXPECTEDFAIL'):
                p = 1
            elif res == 'SKIP':
                s = 1
            else:
                f = 1
        elif res not in ('OK', 'SKIP', 'EXPECTEDFAIL') and f == 0:
            f = 1  # crashed, timed out or bailed after passing lines
            notes.append(f'{name}: {res} without a "not ok" line')
        rows.append((name, p, f, s))


def step_results(d, rows, notes):
    for fn in sorted(os.listdir(d)):
        if not fn.endswith('.rc') or fn == 'meson-test.rc':
            continue
        name = fn[:-3]
        rc_text = read(os.path.join(d, fn)).strip()
        rc = int(rc_text) if rc_text.lstrip('-').isdigit() else -1
        p, f, s, bail, skip_all = count_tap(read(os.path.join(d, name + '.tap')))
        if p + f + s == 0 and skip_all and rc == 0:
            s = 1
        elif p + f + s == 0:
            f = 1
            notes.append(f'step {name}: exit status {rc}, no TAP results')
        elif (rc != 0 or bail) and f == 0:
            f = 1
            notes.append(f'step {name}: exit status {rc}'
                         f'{" (bailed out)" if bail else ""} without a "not ok" line')
        rows.append((f'step {name}', p, f, s))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--meson', help="meson's testlog.json")
    ap.add_argument('--meson-rc', help="file holding meson test's exit status")
    ap.add_argument('--steps', help='directory of NAME.tap + NAME.rc')
    ap.add_argument('logs', nargs='*', help='plain TAP logs (counted as steps without a status)')
    a = ap.parse_args()
    rows, notes = [], []
    if a.meson:
        meson_results(a.meson, rows, notes)
        rc_text = read(a.meson_rc).strip() if a.meson_rc else '0'
        failed = sum(r[2] for r in rows)
        if rc_text != '0' and failed == 0:
            rows.append(('meson test', 0, 1, 0))
            notes.append(f'meson test: exit status {rc_text or "unknown"} with no failed test')
    if a.steps and os.path.isdir(a.steps):
        step_results(a.steps, rows, notes)
    for path in a.logs:
        p, f, s, bail, _ = count_tap(read(path))
        if bail and f == 0:
            f = 1
        rows.append((os.path.basename(path), p, f, s))
    for name, p, f, s in rows:
        print(f'  {name:40s} {p:5d} passed {f:4d} failed {s:4d} skipped')
    for n in notes:
        print(f'# {n}')
    tp = sum(r[1] for r in rows)
    tf = sum(r[2] for r in rows)
    ts = sum(r[3] for r in rows)
    print(f'{tp} passed, {tf} failed, {ts} skipped')
    return 1 if tf or tp == 0 else 0


if __name__ == '__main__':
    sys.exit(main())
