#!/usr/bin/env bash
# Remove the Snakemake lock of a case folder ($1) left by an interrupted run, but only when no
# Snakemake process works in that folder (a running Snakemake chdirs into its --directory, so
# /proc/PID/cwd tells). Prints what it did; exits 0 either way (a held lock is Snakemake's to
# report). Usage: tools/unlock-if-stale.sh CASE SNAKEMAKE-COMMAND...
set -u
case_dir=$(cd "$1" && pwd -P) || exit 0
shift
locks="$case_dir/.snakemake/locks"
[ -d "$locks" ] && [ -n "$(ls -A "$locks" 2>/dev/null)" ] || exit 0
for pid in $(pgrep -f snakemake); do
  [ "$pid" = "$$" ] && continue
  if [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$case_dir" ]; then
    echo "note: a Snakemake process ($pid) works in $case_dir; its lock is left alone" >&2
    exit 0
  fi
done
echo "note: removing the lock left by an interrupted run in $case_dir (no Snakemake runs there)" >&2
"$@" --unlock >/dev/null 2>&1 || rm -f "$locks"/*
