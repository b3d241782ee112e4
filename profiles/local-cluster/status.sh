#!/usr/bin/env bash
# Status: running until the job wrote its exit code, then success (0) or failed.
dir=.snakemake/local-cluster
if [[ ! -f "$dir/$1.exit" ]]; then echo running
elif [[ "$(cat "$dir/$1.exit")" == 0 ]]; then echo success
else echo failed
fi
