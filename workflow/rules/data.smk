import sys as _sys
import time as _time
from pathlib import Path as _Path

_STARTED = _time.time()


onerror:
    # A failed script's error message on the console, not only in its log (scripts write their
    # stderr to logs/): the last line of every traceback written during this run.
    for _log in sorted(_Path("logs").glob("*.log")):
        if _log.stat().st_mtime >= _STARTED:
            _lines = _log.read_text(errors="replace").strip().splitlines()
            if any(_l.startswith("Traceback") for _l in _lines):
                print(f"ERROR in {_log}: {_lines[-1]}", file=_sys.stderr)


rule validate_tables:
    """Gate of one group of tables: every file is validated (every problem listed, nothing written
    on failure) and the group's tables are written as typed tables for the later jobs."""
    input:
        gate_inputs,
    params:
        own=gate_params,
        tables=lambda wc: group_tables(wc.group),
    output:
        "results/data/{group}.pkl",
    log:
        "logs/validate_tables_{group}.log",
    wildcard_constraints:
        group="|".join(g for g in TABLE_GROUPS if group_tables(g)),
    conda:
        "../envs/reanalysis.yaml"
    script:
        "../scripts/validate_tables.py"


rule forensics:
    """SD bounds, GRIM and recomputed p-values for every reported figure."""
    input:
        typed=typed_tables(*CORE_TABLES, "score_ranges", "instruments"),
    params:
        cfg=config_subset("data", "reading_overrides", "assumptions", "effect_sizes"),
    output:
        csv="results/forensics.csv",
        html=report(
            "results/tables/forensics.html",
            caption="../report/forensics.rst",
            category=CATEGORY["Data forensics"],
            labels={"item": "consistency checks"},
        ),
    priority: 10  # on the path to the NUTS fit, the longest job
    log:
        "logs/forensics.log",
    conda:
        "../envs/reanalysis.yaml"
    script:
        "../scripts/forensics.py"
