#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion (contrib/bash-completion/, installed into bash-completion's
# completionsdir under the prefix): options, --policy names from the
# caller's "nsrun --list", box names from "nsrun --ps" when nsrun --help
# lists it, files for --check; with compgen-style calls of the completion
# function and once in an interactive bash on a pty (tmux).
. "$(dirname "$0")/../lib.sh"

prefix=$(dirname "$(dirname "$NSRUN")")
comp=$prefix/share/bash-completion/completions
[ -f "$comp/nsrun" ] || comp=/usr/share/bash-completion/completions
[ -f "$comp/nsrun" ] || bail "no installed completion for nsrun under $prefix"
bc=/usr/share/bash-completion/bash_completion
[ -f "$bc" ] || bail "bash-completion is not installed"

tmp=$(mktemp -d /tmp/nsrun-comp.XXXXXX)
chmod 0755 "$tmp"
trap 'cleanup_policies; rm -rf "$tmp"' EXIT
basic_policy comp-alpha
basic_policy comp-beta
policy comp-other <<INI
[policy]
description = not for $TUSER
users = $TUSER2
[rootfs]
path = $NSRUN_ROOTFS
INI

# complete AS_USER NSRUN WORD...: the completions of the last WORD, sorted,
# one a line, from the installed completion file in a fresh bash.
complete_as() {
  local u=$1 cmd=$2; shift 2
  run_as "$u" env PATH=/usr/sbin:/usr/bin:/sbin:/bin bash --norc --noprofile -c '
    . "$1"; . "$2"; shift 2
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
    COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    _nsrun "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort' _ "$bc" "$comp/nsrun" "$cmd" "$@"
}

eq "--policy completes the policies the caller may use" "comp-alpha
comp-beta" "$(complete_as "$TUSER" "$NSRUN" --policy comp-)"
eq "the second user sees its own" "comp-alpha
comp-beta
comp-other" "$(complete_as "$TUSER2" "$NSRUN" -p comp-)"
opts=$(complete_as "$TUSER" "$NSRUN" --)
for o in --policy --list --check --version --help --dry-run; do
  match "options include $o" "^$o\$" "$opts"
done
eq "options complete from a prefix" "--check" "$(complete_as "$TUSER" "$NSRUN" --ch)"
install -d -m 0755 -o "$TUSER" "$tmp/pol"
run_as "$TUSER" touch "$tmp/pol/a.ini" "$tmp/pol/b.ini"
eq "--check completes files" "$tmp/pol/a.ini
$tmp/pol/b.ini" "$(complete_as "$TUSER" "$NSRUN" --check "$tmp/pol/")"
eq "--check keeps completing files after the first" "$tmp/pol/b.ini" \
  "$(complete_as "$TUSER" "$NSRUN" --check "$tmp/pol/a.ini" "$tmp/pol/b")"
eq "after the box name comes the command: no completion" "" \
  "$(complete_as "$TUSER" "$NSRUN" --policy comp-alpha mybox --)"

# Box names from --ps: a stand-in nsrun whose --help lists --ps.
cat >"$tmp/nsrun" <<'F'
#!/bin/sh
case $1 in
  --help) echo "usage: nsrun --policy NAME BOX"; echo "       nsrun --ps [--json]"; echo "       nsrun --stop BOX" ;;
  --ps) printf 'BOX      POLICY  PID\nbuild-1  dev     42\nweb      dev     43\n' ;;
esac
F
chmod 0755 "$tmp/nsrun"
eq "--stop completes box names from nsrun --ps" "build-1
web" "$(complete_as "$TUSER" "$tmp/nsrun" --stop '')"
eq "--ps's header is not a box" "" "$(complete_as "$TUSER" "$tmp/nsrun" --stop B)"
printf '#!/bin/sh\ncase $1 in --help) echo "nsrun --ps, nsrun --stop BOX" ;; --ps) printf "USER   BOX    POLICY\\nalice  train  dev\\n" ;; esac\n' >"$tmp/nsrun-root"
chmod 0755 "$tmp/nsrun-root"
eq "root's --ps (USER first): the BOX column" "train" "$(complete_as "$TUSER" "$tmp/nsrun-root" --join '')"
if "$NSRUN" --help 2>&1 | grep -q -- '--ps' && "$NSRUN" --help 2>&1 | grep -q -- '--detach'; then
  nsr --policy comp-alpha --detach compbox -- /bin/sleep 60 >/dev/null 2>&1
  eq "--stop completes the caller's running box from the real nsrun --ps" "compbox" \
    "$(complete_as "$TUSER" "$NSRUN" --stop comp)"
  eq "another user's box is not offered" "" "$(complete_as "$TUSER2" "$NSRUN" --stop comp)"
  nsr --stop compbox >/dev/null 2>&1
else
  eq "without --ps in nsrun --help, --stop completes nothing" "" \
    "$(complete_as "$TUSER" "$NSRUN" --stop '')"
fi

# nsrun-harness: check names for --only (after a comma too), options.
harness=$(dirname "$NSRUN")/nsrun-harness
if [ -x "$harness" ] && [ -f "$comp/nsrun-harness" ]; then
  hcomp() {
    bash --norc --noprofile -c '. "$1"; . "$2"; shift 2
      COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
      _nsrun_harness "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
      printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort' _ "$bc" "$comp/nsrun-harness" "$harness" "$@"
  }
  eq "nsrun-harness --only completes check names" "pid1
pids-limit" "$(hcomp --only pid)"
  eq "nsrun-harness --only completes after a comma" "ipc,pid1
ipc,pids-limit" "$(hcomp --only ipc,pid)"
  match "nsrun-harness options complete" "^--suite$" "$(hcomp --su)"
else
  not_ok "nsrun-harness and its completion are installed next to nsrun"
fi

# In an interactive bash on a pty: type, press Tab, read the screen.
if command -v tmux >/dev/null; then
  install -d -m 0700 -o "$TUSER" "$tmp/t"
  sock=$tmp/t/tmux.sock
  rc=$tmp/bashrc
  printf '. %s\n. %s\nPS1="$ "\nPATH=%s:$PATH\n' "$bc" "$comp/nsrun" "$(dirname "$NSRUN")" >"$rc"
  chmod 0644 "$rc"
  run_as "$TUSER" env TERM=xterm HOME="$THOME" tmux -S "$sock" new-session -d -x 200 -y 20 \
    "bash --noprofile --rcfile $rc -i"
  sleep 1
  run_as "$TUSER" tmux -S "$sock" send-keys 'nsrun --pol' Tab 'comp-a' Tab
  screen=''
  for _ in $(seq 50); do
    screen=$(run_as "$TUSER" tmux -S "$sock" capture-pane -p 2>/dev/null)
    grep -q 'comp-alpha' <<<"$screen" && break
    sleep 0.1
  done
  match "Tab in an interactive bash completes --policy and its name" \
    'nsrun --policy comp-alpha' "$screen"
  run_as "$TUSER" tmux -S "$sock" kill-server 2>/dev/null
else
  not_ok "tmux is needed for the pty test (scripts/setup-deps installs it)"
fi
done_testing
