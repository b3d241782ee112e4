"""Snakemake script: the validation gate of one data table (wildcard ``table``).

Every configured file is validated, so bad input fails every gate with the whole list of problems
(file, line, row_id, field) and nothing is written to results/."""

import sys

from reanalysis.data_io import DataValidationError, load_all
from reanalysis.pipeline import atomic_write, script_log

params, table = snakemake.params, snakemake.wildcards.table  # noqa: F821
with script_log(snakemake.log[0]) as log:  # noqa: F821
    try:
        tables = load_all(params.data, params.sample_sizes)
    except DataValidationError as err:
        message = f"DATA VALIDATION FAILED - no results written.\n{err}\n"
        log.write(message)
        sys.__stderr__.write(message)
        sys.exit(1)
    atomic_write(snakemake.output[0], f"{params.data[table]}: {len(tables[table])} rows valid\n")  # noqa: F821
