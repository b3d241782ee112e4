"""Snakemake script: validate the curated data; write a provenance table and a marker file."""

import sys

from reanalysis.data_io import DataValidationError
from reanalysis.pipeline import load_curated, script_log, write_html_table

cfg = snakemake.params.cfg  # noqa: F821
with script_log(snakemake.log[0]) as log:  # noqa: F821
    try:
        tables = load_curated(cfg)
    except DataValidationError as err:
        message = f"DATA VALIDATION FAILED - no results written.\n{err}\n"
        log.write(message)
        sys.__stderr__.write(message)
        sys.exit(1)
    summary = tables["summary_all"]
    cols = ["row_id", "study_id", "arm", "subgroup", "outcome", "timepoint", "statistic", "value",
            "n", "reading", "status", "source", "location", "note"]
    write_html_table(
        summary[cols], snakemake.output.provenance,  # noqa: F821
        "Reported figures and their provenance",
        "Every number used by the pipeline, with its source, where in it, and its status "
        "(reported / second-hand / derived / assumption). Figures not listed here were not found.",
    )
    with open(snakemake.output.ok, "w") as fh:  # noqa: F821
        fh.write(f"{len(summary)} summary rows, {len(tables['studies'])} studies validated\n")
    log.write("ok\n")
