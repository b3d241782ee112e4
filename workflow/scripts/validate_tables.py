"""Snakemake script: the validation gate of one group of tables (wildcard ``group``).

Every configured file is validated, so bad input fails every gate with the whole list of problems
(file, line, row_id, field) and nothing is written to results/; on success the group's tables are
written as typed tables for the later jobs. The other groups are validated with the whole config
(``snakemake.config``) only to list every problem; the rule's params hold the config values this
group's tables depend on, so only those rerun the gate."""

import sys

import pandas as pd

from reanalysis.curated import curate, write_typed
from reanalysis.data_io import DataSetError, DataValidationError, load_all
from reanalysis.pipeline import script_log
from reanalysis.report_data import load_report_data

params, cfg = snakemake.params, snakemake.config  # noqa: F821
with script_log(snakemake.log[0]) as log:  # noqa: F821
    try:
        problems, tables = [], None
        try:
            tables = load_all(cfg["data"], cfg["assumptions"]["sample_sizes"])
        except DataValidationError as err:
            problems = err.problems
        studies = (tables["studies"]["study_id"] if tables  # data invalid: the raw ids
                   else pd.read_csv(cfg["data"]["studies"], dtype=str)["study_id"])
        try:
            report_tables = load_report_data(cfg["report"], studies)
        except DataValidationError as err:
            problems += err.problems
        if problems:
            raise DataSetError(problems)
    except DataValidationError as err:
        message = f"DATA VALIDATION FAILED - no results written.\n{err}\n"
        log.write(message)
        sys.__stderr__.write(message)
        sys.exit(1)
    curate(tables, cfg)  # the configured reading overrides must name existing readings
    tables["report"] = report_tables  # the report-only files, one table each
    write_typed({name: tables[name] for name in params.tables}, snakemake.output[0])  # noqa: F821
    log.write(f"{', '.join(params.tables)}: valid\n")
