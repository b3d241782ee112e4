from reanalysis.workflow_io import SHOWN_ON_CONSOLE as SHOWN

_STARTED = _time.time()


onstart:
    INCOMPLETE.parent.mkdir(exist_ok=True)
    INCOMPLETE.write_text(
        f"run started {_time.strftime('%Y-%m-%d %H:%M:%S')}, not finished\n"
    )
    for _old in INCOMPLETE.parent.glob(
        ".validation_failed.*"
    ):  # earlier runs' print-once marks
        _old.unlink(missing_ok=True)


onsuccess:
    INCOMPLETE.unlink(missing_ok=True)


onerror:
    # A failed script's error message on the console, not only in its log (scripts write their
    # stderr to logs/): the last line of every traceback written during this run, unless the
    # script already printed its message (reanalysis.workflow_io.script_log).
    for _log in sorted(_Path("logs").glob("*.log")):
        if _log.stat().st_mtime >= _STARTED:
            _lines = _log.read_text(errors="replace").strip().splitlines()
            if any(_l.startswith("Traceback") for _l in _lines) and not any(
                _l.startswith(SHOWN) for _l in _lines
            ):
                print(f"ERROR in {_log}: {_lines[-1]}", file=_sys.stderr)
    if INCOMPLETE.exists():
        INCOMPLETE.write_text(
            f"run of {_time.strftime('%Y-%m-%d %H:%M:%S')} failed\n"
        )


rule validate_tables:
    """Gate of one group of tables: every file is validated (every problem listed, nothing written
    on failure) and the group's tables are written as typed tables for the later jobs.
    """
    input:
        gate_inputs,
    output:
        "results/data/{group}.pkl",
    log:
        "logs/validate_tables_{group}.log",
    benchmark:
        "logs/benchmarks/validate_tables_{group}.tsv"
    wildcard_constraints:
        group="|".join(g for g in TABLE_GROUPS if group_tables(g)),
    conda:
        "../envs/reanalysis.yaml"
    params:
        own=gate_params,
        tables=lambda wc: group_tables(wc.group),
    script:
        "../scripts/validate_tables.py"


rule forensics:
    """SD bounds, GRIM and recomputed p-values for every reported figure."""
    input:
        typed=typed_tables(*CORE_TABLES, "score_ranges", "instruments"),
    output:
        csv="results/forensics.csv",
        html=report(
            "results/tables/forensics.html",
            caption="../report/forensics.rst",
            category=CATEGORY["Data forensics"],
            labels={"item": "consistency checks"},
        ),
    log:
        "logs/forensics.log",
    benchmark:
        "logs/benchmarks/forensics.tsv"
    priority: 10  # on the path to the NUTS fit, the longest job
    conda:
        "../envs/reanalysis.yaml"
    params:
        cfg=config_subset("data", "reading_overrides", "assumptions", "effect_sizes"),
    script:
        "../scripts/forensics.py"
