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


rule validate_table:
    """Gate of one data table: all files are validated (every problem listed), and the gate is
    rewritten only when this table or a table it refers to changes."""
    input:
        lambda wc: (REPORT_FILES + data_files("studies") if wc.table == "report"
                    else data_files(*TABLE_DEPENDS.get(wc.table, (wc.table,)))),
    params:
        data=config["data"],
        sample_sizes=config["assumptions"]["sample_sizes"],
        report={k: config["report"][k] for k in ("files", "summary_of_findings")},
    output:
        "results/data/{table}.ok",
    log:
        "logs/validate_table_{table}.log",
    wildcard_constraints:
        table="|".join([*config["data"], "report"]),
    conda:
        "../envs/reanalysis.yaml"
    script:
        "../scripts/validate_table.py"


rule validate_data:
    """Validate every curated table; on any problem the workflow stops before writing results."""
    input:
        DATA_FILES,
    params:
        cfg=config_subset("data", "reading_overrides", "assumptions"),
    output:
        ok="results/data/validated.ok",
        provenance=report(
            "results/tables/provenance.html",
            caption="../report/provenance.rst",
            category="2. Data and provenance",
            labels={"item": "provenance"},
        ),
    log:
        "logs/validate_data.log",
    conda:
        "../envs/reanalysis.yaml"
    script:
        "../scripts/validate_data.py"


rule forensics:
    """SD bounds, GRIM and recomputed p-values for every reported figure."""
    input:
        ok=gates(*CORE_TABLES, "score_ranges", "instruments"),
        data=data_files(*CORE_TABLES, "score_ranges", "instruments"),
    params:
        cfg=config_subset("data", "reading_overrides", "assumptions", "effect_sizes"),
    output:
        csv="results/forensics.csv",
        html=report(
            "results/tables/forensics.html",
            caption="../report/forensics.rst",
            category="8. Data forensics",
            labels={"item": "consistency checks"},
        ),
    priority: 10  # on the path to the NUTS fit, the longest job
    log:
        "logs/forensics.log",
    conda:
        "../envs/reanalysis.yaml"
    script:
        "../scripts/forensics.py"
