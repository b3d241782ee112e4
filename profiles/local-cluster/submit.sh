#!/usr/bin/env bash
# Submit: run the job script (last argument) in the background, record its exit status, print
# a job id. Job state lives in .snakemake/local-cluster/<id>.{out,status}.
set -euo pipefail
jobscript="${@: -1}"
dir=.snakemake/local-cluster
mkdir -p "$dir"
id="job$(date +%s%N)$$"
( bash "$jobscript" > "$dir/$id.out" 2>&1; echo $? > "$dir/$id.exit" ) &
echo "$id"
