"""Snakemake script: the validation gate of one data table (wildcard ``table``).

Every configured file is validated, so bad input fails every gate with the whole list of problems
(file, line, row_id, field) and nothing is written to results/."""

import sys

import pandas as pd

from reanalysis.data_io import DataSetError, DataValidationError, load_all
from reanalysis.pipeline import atomic_write, script_log
from reanalysis.report_data import load_report_data

params, table = snakemake.params, snakemake.wildcards.table  # noqa: F821
with script_log(snakemake.log[0]) as log:  # noqa: F821
    try:
        problems = []
        try:
            tables = load_all(params.data, params.sample_sizes)
        except DataValidationError as err:
            problems, tables = err.problems, None
        if params.report:  # the report-only files (GRADE, risk of bias, adverse events, safety)
            studies = (tables["studies"]["study_id"] if tables  # data invalid: the raw ids
                       else pd.read_csv(params.data["studies"], dtype=str)["study_id"])
            try:
                report_tables = load_report_data(params.report, studies)
            except DataValidationError as err:
                problems += err.problems
        if problems:
            raise DataSetError(problems)
        if table == "report":
            tables = report_tables
    except DataValidationError as err:
        message = f"DATA VALIDATION FAILED - no results written.\n{err}\n"
        log.write(message)
        sys.__stderr__.write(message)
        sys.exit(1)
    rows = sum(len(t) for t in tables.values()) if table == "report" else len(tables[table])
    atomic_write(snakemake.output[0], f"{table}: {rows} rows valid\n")  # noqa: F821
