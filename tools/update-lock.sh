#!/usr/bin/env bash
# Re-resolve the pinned environment after editing the dependency ranges in pyproject.toml:
#   make lock   (= tools/update-lock.sh)
# writes requirements-slurm.lock (runtime, dev and slurm extras: every package, exact version,
# sha256 hashes, all platforms), then requirements.lock (runtime and dev, which make env installs)
# constrained to the same versions, so that make env-slurm only adds the SLURM executor plugin and
# what it needs; then environment.yml (the same pins for conda users). Commit them with
# pyproject.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
UV=${UV:-.venv/bin/uv}
compile() {
  "$UV" pip compile pyproject.toml --universal --generate-hashes --python-version 3.12 \
    --no-header --quiet ${UPGRADE:+--upgrade} "$@"
}
compile --extra dev --extra slurm -o requirements-slurm.lock
compile --extra dev -c requirements-slurm.lock -o requirements.lock
.venv/bin/python tools/environment_yml.py --write
echo "requirements.lock, requirements-slurm.lock and environment.yml updated"
