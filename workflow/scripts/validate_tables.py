"""Snakemake script: the validation gate of one group of tables (wildcard ``group``).

Every configured file is validated, so bad input fails every gate with the whole list of problems
(file, line, row_id, field) and nothing is written to results/; the list is printed on the console
once per run (by the first gate that fails) and written to every failing gate's log. On success
the group's tables are written as typed tables for the later jobs, and the core gate prints the
warnings (rows that no pooling set uses). The other groups are validated with the whole config
(``snakemake.config``) only to list every problem; the rule's params hold the config values this
group's tables depend on, so only those rerun the gate."""

import os
import sys
from pathlib import Path

from reanalysis.config import pooling_outcomes
from reanalysis.data.errors import DataSetError, DataValidationError
from reanalysis.data.load import load_all
from reanalysis.data.tables import curate, unpooled_warnings, write_typed
from reanalysis.report.files import load_report_data
from reanalysis.workflow_io import script_log


def first_to_report() -> bool:
    """True for the first gate of this Snakemake run to fail (an exclusive marker file)."""
    run = os.environ.get("REANALYSIS_RUN_ID")
    if not run:
        return True
    try:
        fd = os.open(
            Path(snakemake.log[0]).parent / f".validation_failed.{run}",
            os.O_CREAT | os.O_EXCL | os.O_WRONLY,
        )
    except FileExistsError:
        return False
    os.close(fd)
    return True


params, cfg = snakemake.params, snakemake.config
with script_log(snakemake.log[0]) as log:
    try:
        problems, tables, partial = [], None, {}
        try:
            tables = load_all(cfg["data"], cfg["assumptions"]["sample_sizes"])
        except DataValidationError as err:  # the tables as far as they could be read
            problems, partial = err.problems, getattr(err, "tables", {})
        studies = (tables or partial).get("studies")
        if studies is not None:  # the report files' rows refer to the studies
            try:
                report_tables = load_report_data(cfg["report"], studies["study_id"])
            except DataValidationError as err:
                problems += err.problems
        else:
            problems.append(
                f"{cfg['data']['studies']}: the report files "
                f"({', '.join(cfg['report']['files'].values())}) are checked once "
                "this file can be read"
            )
        if problems:
            raise DataSetError(problems)
    except DataValidationError as err:
        message = f"DATA VALIDATION FAILED - no results written.\n{err}\n"
        log.write(message)
        if first_to_report():
            sys.__stderr__.write(message)
        sys.exit(1)
    curate(tables, cfg)  # the configured reading overrides must name existing readings
    tables["report"] = report_tables  # the report-only files, one table each
    if snakemake.wildcards.group == "core":
        curated = curate(tables, cfg)
        for warning in unpooled_warnings(
            curated["summary_all"], pooling_outcomes(cfg), cfg["data"]["summary_stats"]
        ):
            log.write(f"WARNING: {warning}\n")
            sys.__stderr__.write(f"WARNING: {warning}\n")
    write_typed({name: tables[name] for name in params.tables}, snakemake.output[0])
    log.write(f"{', '.join(params.tables)}: valid\n")
