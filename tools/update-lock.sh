#!/usr/bin/env bash
# Re-resolve the pinned environment after editing the dependency ranges in pyproject.toml:
#   make lock   (= tools/update-lock.sh)
# writes requirements.lock (every package, exact version, sha256 hashes, all platforms) and
# environment.yml (the same pins for conda users). Commit both with pyproject.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
UV=${UV:-.venv/bin/uv}
"$UV" pip compile pyproject.toml --extra dev --universal --generate-hashes --python-version 3.12 \
  --no-header --quiet ${UPGRADE:+--upgrade} -o requirements.lock
.venv/bin/python tools/environment_yml.py --write
echo "requirements.lock and environment.yml updated"
