"""The data model's vocabulary and its error types, without pandera (so that the jobs that read
the typed tables written by the validation job import neither pandera nor the schemas)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

STATUSES = ["reported", "second-hand", "inference", "derived", "assumption"]
STATISTICS = [
    "mean",
    "sd",
    "se",
    "n",
    "p_value",
    "p_below",
    "p_above",
    "t",
    "ci_low",
    "ci_high",
    "count",
    "proportion",
    "estimate",
    "r",
    "reported_improvement",
    "median",
    "iqr_low",
    "iqr_high",
    "range_low",
    "range_high",
    "not_reported",
]
# statistic ``not_reported``: the source says the outcome was measured (in this arm, or between
# arms) but reports no result for it; ``value`` stays empty. Such a row gives no effect; it records
# a measured outcome, so "not measured" and selective-reporting judgements read it from the data.
NOT_REPORTED = "not_reported"
TIMEPOINTS = ["baseline", "end", "change"]
NOT_STATED = "not stated"  # tri-state design flags (studies.csv): the source does not say
KEY = ["study_id", "arm", "subgroup", "outcome", "timepoint", "statistic", "reading"]
ROLES = ["intervention", "comparator", "other"]
BETWEEN = "between"  # reserved arm name: intervention-minus-comparator statistics
# studies.csv ``allocation``: how patients were allocated; the design decides the analysis (a
# crossover is analysed as paired and its patients are counted once)
PARALLEL, CROSSOVER, SINGLE_GROUP = "parallel", "crossover", "single group"
ALLOCATIONS = [PARALLEL, CROSSOVER, SINGLE_GROUP]
# studies.csv ``dose_basis``: what the mg of ``dose_mg_per_day`` weigh; only an elemental dose is
# comparable with an upper limit stated for the element
DOSE_BASES = {
    "elemental": "elemental weight",
    "salt": "weight of the salt; elemental dose not stated",
    "product label": "the product's stated strength; salt or elemental weight not stated",
    NOT_STATED: "salt or elemental weight not stated",
}
# What each arm role may carry; every kind here is converted by ``reanalysis.effects`` (or, for 'other'
# arms and binary counts, listed in results/estimability.csv with the reason); anything else is
# rejected at validation.
ARM_STATISTICS = [
    "mean",
    "sd",
    "se",
    "ci_low",
    "ci_high",
    "n",
    "p_value",
    "p_below",
    "p_above",
    "t",
    "count",
    "proportion",
    "reported_improvement",
    "median",
    "iqr_low",
    "iqr_high",
    "range_low",
    "range_high",
    NOT_REPORTED,
]
BETWEEN_STATISTICS = [
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "t",
    "p_value",
    "p_below",
    "p_above",
    "n",
    NOT_REPORTED,
]
TESTS = ["p_value", "p_below", "p_above", "t"]  # on an arm: a test of its change (timepoint change)


class DataValidationError(ValueError):
    """Invalid curated data; the message lists every problem with file, line and field."""

    def __init__(self, path: str | Path, problems: list[str]):
        self.path = str(path)
        self.problems = problems
        super().__init__(f"{path}: {len(problems)} problem(s)\n  " + "\n  ".join(problems))


def require_columns(df: pd.DataFrame, path: str | Path, columns) -> None:
    """Raise :class:`DataValidationError` naming the columns ``df`` lacks (a whole-file problem
    that stops row checks)."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataValidationError(path, [f"missing column(s) {missing}"])


def blank_fields(row: pd.Series, fields, where: str) -> list[str]:
    """One "required" problem for each of ``fields`` that is empty in ``row``."""
    return [
        f"{where}, field '{f}': required" for f in fields if pd.isna(row[f]) or not str(row[f]).strip()
    ]


class DataSetError(DataValidationError):
    """Problems in several files; each problem starts with its file."""

    def __init__(self, problems: list[str]):
        self.path = "data"
        self.problems = problems
        files = len({p.split(": ", 1)[0] for p in problems})
        ValueError.__init__(
            self, f"{len(problems)} problem(s) in {files} file(s)\n  " + "\n  ".join(problems)
        )
