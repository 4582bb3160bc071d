#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The layout rules of doc/architecture.md, checked on the source (TAP):
1. only helper/main.c prints: no print call anywhere else in helper/;
2. the supervisor and the box child never name a cgroup backend
   (helper/start.c, helper/box.c: no v1/v2, no cgroup2);
3. a folder's internal.h is included only from inside that folder.
Comments and string literals are ignored. Usage: layout.py SRCDIR"""
import pathlib
import re
import sys

PRINT = re.compile(r'\b(printf|fprintf|dprintf|vprintf|vfprintf|vdprintf|puts|fputs|'
                   r'putchar|fputc|putc|perror|psignal|fwrite|warn|warnx|err|errx|'
                   r'verr|vwarn|error)\s*\(|\bstd(out|err)\b|'
                   r'\bwrite\s*\(\s*(STDOUT_FILENO|STDERR_FILENO|1|2)\s*,')
BACKEND = re.compile(r'(?i)(?<![a-z0-9])v[12](?![0-9])|cgroup2')
INTERNAL = re.compile(r'#\s*include\s*"(?:([\w/]+)/)?internal\.h"')


def strip(text, keep_strings=False):
    """Blank out comments (and string/char literals), keeping line numbers."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:j]))
            i = j
        elif text.startswith('//', i):
            j = text.find('\n', i)
            j = n if j < 0 else j
            out.append(' ' * (j - i))
            i = j
        elif c in '"\'' and not keep_strings:
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == '\\' else 1
            out.append(c + ' ' * (j - i - 1) + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def hits(path, pattern, keep_strings=False):
    text = path.read_text(errors='replace')
    code = strip(text, keep_strings)
    return [(no, orig.strip()) for no, (line, orig) in
            enumerate(zip(code.splitlines(), text.splitlines()), 1)
            if pattern.search(line)]


def main():
    src = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else '.')
    helper = src / 'helper'
    files = sorted(p for p in helper.rglob('*') if p.suffix in ('.c', '.h'))
    checks = []

    bad = [(p, h) for p in files if p != helper / 'main.c' for h in hits(p, PRINT)]
    checks.append(('only helper/main.c prints', bad))

    bad = [(p, h) for name in ('start.c', 'box.c') for p in [helper / name]
           for h in hits(p, BACKEND)]
    checks.append(('helper/start.c and helper/box.c name no cgroup backend', bad))

    bad = []
    for p in sorted(src.glob('*/**/*.[ch]')):
        if 'tests' in p.relative_to(src).parts[:1] or p.relative_to(src).parts[0].startswith('build'):
            continue
        for no, line in hits(p, INTERNAL, keep_strings=True):
            folder = INTERNAL.search(line).group(1)
            target = (p.parent / folder) if folder else p.parent
            if not folder and (p.parent / 'internal.h').exists():
                continue
            if folder and target.resolve() == p.parent.resolve():
                continue
            bad.append((p, (no, line)))
    checks.append(('internal.h is included only from its own folder', bad))

    print('TAP version 13')
    print(f'1..{len(checks)}')
    failed = 0
    for i, (name, bad) in enumerate(checks, 1):
        print(f'{"not ok" if bad else "ok"} {i} - {name}')
        for p, (no, line) in bad:
            print(f'# {p.relative_to(src)}:{no}: {line}')
        failed += bool(bad)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
