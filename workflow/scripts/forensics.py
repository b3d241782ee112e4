"""Snakemake script: consistency checks on every reported mean/SD and recomputed p-values."""

from reanalysis.checks.forensics import run_checks
from reanalysis.data.tables import read_curated
from reanalysis.report.tables import write_html_table
from reanalysis.workflow_io import script_log, write_csv

with script_log(snakemake.log[0]):
    cfg = snakemake.params.cfg
    table = run_checks(read_curated(snakemake.input.typed, cfg), cfg)
    write_csv(table, snakemake.output.csv)
    flags = table[table["verdict"] == "flag"]
    write_html_table(
        table.sort_values(
            "verdict", key=lambda s: s.map({"flag": 0, "inconclusive": 1, "ok": 2}), kind="stable"
        ),
        snakemake.output.html,
        "Data forensics",
        f"{len(flags)} value(s) flagged: {', '.join(flags['row_id']) or 'none'}. Flagged values "
        "are kept in the data with their provenance, marked in the effect-size table, and never "
        "pooled.",
    )
