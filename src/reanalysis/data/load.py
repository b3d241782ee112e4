"""Load the curated data: every file named in the config's ``data`` checked on its own
(:func:`reanalysis.data.validate.check_file`) and against the others
(:func:`reanalysis.data.cross_checks.cross_file_problems`), every problem of every file collected
before one :class:`~reanalysis.data.errors.DataSetError` is raised, so one run shows everything
that is wrong. :func:`load_all` is what the validation job runs, :func:`load_curated` the same
tables as the analyses see them (outside Snakemake: its jobs read the validation job's typed
tables); :func:`load_table` checks one file alone (without the checks across files), for tests
that need one table.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reanalysis.data.cross_checks import cross_file_problems
from reanalysis.data.errors import DataSetError, DataValidationError
from reanalysis.data.tables import curate
from reanalysis.data.validate import check_file

__all__ = ["load_all", "load_curated", "load_table"]


def load_all(paths: dict[str, str | Path], sample_sizes: list[dict] = ()) -> dict[str, pd.DataFrame]:
    """Validate every file in ``paths`` (config ``data``) and the references between them; raise
    :class:`DataSetError` listing every problem of every file, or return the tables.

    ``sample_sizes`` (config assumptions.sample_sizes) must name declared arms.
    """
    tables, problems = {}, []
    for key, path in paths.items():
        df, found = check_file(key, path)
        tables[key] = df
        problems += [f"{path}: {p}" for p in found]
    problems += cross_file_problems(tables, paths, sample_sizes)
    if problems:
        err = DataSetError(problems)
        err.tables = tables  # as far as they could be read (None where unusable)
        raise err
    return tables


def load_curated(config: dict) -> dict[str, pd.DataFrame]:
    """Load and validate every table named in ``config['data']`` (every problem of every file is
    listed in one :class:`~reanalysis.data.errors.DataSetError`), then
    :func:`~reanalysis.data.tables.curate` them. Snakemake jobs read the validation job's typed
    tables instead (:func:`~reanalysis.data.tables.read_curated`)."""
    return curate(load_all(config["data"], config["assumptions"]["sample_sizes"]), config)


def load_table(key: str, path: str | Path) -> pd.DataFrame:
    """The file of config ``data`` key ``key`` (``summary_stats``, ``studies``, ``arms``, ...)
    validated alone; raise :class:`DataValidationError` listing its problems."""
    df, problems = check_file(key, path)
    if problems:
        raise DataValidationError(path, problems)
    return df
