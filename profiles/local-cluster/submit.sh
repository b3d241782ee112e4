#!/usr/bin/env bash
# Submit: run the job script (last argument) in the background, record its exit status, print
# a job id. Job state lives in .snakemake/local-cluster/<id>.{out,status}.
set -euo pipefail
jobscript="${@: -1}"
dir=.snakemake/local-cluster
mkdir -p "$dir"
id="job$(date +%s%N)$$"
# The background job lets go of this script's stdout (which Snakemake reads for the job id):
# holding it made every submission wait for the previous job to end.
( bash "$jobscript" > "$dir/$id.out" 2>&1; echo $? > "$dir/$id.exit" ) > /dev/null 2>&1 < /dev/null &
echo "$id"
