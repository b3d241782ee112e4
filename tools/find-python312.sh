#!/usr/bin/env bash
# Print the path of a working Python 3.12 interpreter, or fail with advice.
# Order: $PYTHON, python3.12 on PATH, pyenv-managed 3.12.x, uv-managed 3.12, python3 if it is 3.12.
# Each candidate is *run* (pyenv shims exist even when the version is not selected).
set -u
is312() { [ -n "$1" ] && "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 12) else 1)' >/dev/null 2>&1; }
cands=()
[ -n "${PYTHON:-}" ] && cands+=("$PYTHON")
cands+=("$(command -v python3.12 2>/dev/null)")
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root 2>/dev/null)
  for p in "$root"/versions/3.12*/bin/python3.12; do cands+=("$p"); done
fi
for p in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12*/bin/python3.12 /root/.pyenv/versions/3.12*/bin/python3.12 \
         /usr/local/bin/python3.12 /usr/bin/python3.12 /opt/homebrew/bin/python3.12; do cands+=("$p"); done
command -v uv >/dev/null 2>&1 && cands+=("$(uv python find 3.12 2>/dev/null)")
cands+=("$(command -v python3 2>/dev/null)")
for c in "${cands[@]}"; do
  if is312 "$c"; then "$c" -c 'import sys; print(sys.executable)'; exit 0; fi
done
echo "error: no Python 3.12 found (pymc 6 and arviz 1.x need it). Install one (pyenv install 3.12, uv python install 3.12, or your OS package) or set PYTHON=/path/to/python3.12." >&2
exit 1
