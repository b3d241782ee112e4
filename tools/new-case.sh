#!/usr/bin/env bash
# Write the smallest valid case (one example study, one example claim, a commented config) into a
# new folder:  make case NEW=cases/my_question   (= tools/new-case.sh cases/my_question)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:-}"
if [ -z "$dest" ]; then
  echo "usage: make case NEW=cases/my_question" >&2; exit 2
fi
if [ -e "$dest" ]; then
  echo "error: $dest already exists; choose a new folder (nothing was written)" >&2; exit 2
fi
mkdir -p "$(dirname "$dest")"
cp -r "$here/templates/case" "$dest"
cat <<MSG
new case written to $dest (from templates/case/). Next:
  make report CASE=$dest          # runs as it is: one example study, one example claim
  then replace the EXAMPLE rows of $dest/data/*.csv with your figures (docs/data.md lists
  every column), put the articles you check in $dest/sources/ and edit $dest/config/config.yaml.
MSG
