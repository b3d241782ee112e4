"""Snakemake script: one-at-a-time sensitivity analysis over the named assumptions' ranges."""

import pandas as pd

from reanalysis.checks.forensics import flagged_rows
from reanalysis.data.tables import read_curated
from reanalysis.meta.pooling import sensitivity
from reanalysis.report.tables import write_html_table
from reanalysis.workflow_io import script_log, write_csv

with script_log(snakemake.log[0]):
    cfg = snakemake.params.cfg
    tables = read_curated(snakemake.input.typed, cfg)
    table = sensitivity(
        tables["summary"],
        tables["studies"],
        cfg,
        flagged_rows(pd.read_csv(snakemake.input.forensics)),
        arms=tables["arms"],
        summary_all=tables["summary_all"],
    )
    write_csv(table, snakemake.output.csv)
    write_html_table(
        table,
        snakemake.output.html,
        "Sensitivity to the named assumptions",
        "Pooled estimate (primary tau² method, or the single study of a one-study set) when one "
        "assumption is moved to an end of its range, or to its alternative, and all others stay "
        "at their defaults. Where a reported p implies n, the assumed n only bounds it. Rows "
        "'reading': the other reading of an ambiguous report (config ambiguous_readings), "
        "named row_id:reading.",
        level=cfg["meta_analysis"]["level"],
    )
