"""The curated tables as every analysis sees them, and the typed tables that carry them between jobs.

The validation gates parse and check the data files (:func:`reanalysis.data.load.load_all`) and
write each group of tables as typed tables (a pickle of pandas tables, ``results/data/<group>.pkl``);
every other job reads the typed tables it declares, so it neither imports pandera nor validates
again.
:func:`curate` then derives what every analysis derives the same way: the arm role of each summary
row and the reading chosen for each figure. This module needs pandas only.
"""

from __future__ import annotations

import difflib
import pickle
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from reanalysis.workflow_io import atomic_write

__all__ = [
    "OPTIONAL_TABLES",
    "SUMMARY",
    "arm_roles",
    "select_readings",
    "curate",
    "unpooled_rows",
    "unpooled_warnings",
    "write_typed",
    "read_typed",
    "read_curated",
]

# Tables a case may leave out of its config (schema: data); an analysis gets them empty.
OPTIONAL_TABLES = ("levels", "score_ranges")
SUMMARY = "summary_stats"


def arm_roles(arms: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(study_id, arm) -> role (intervention / comparator / other)."""
    return {(r.study_id, r.arm): r.role for r in arms.itertuples()}


def select_readings(summary: pd.DataFrame, overrides: dict[str, str]) -> pd.DataFrame:
    """Keep the primary reading of each figure, or the alternative named in ``overrides``.

    ``overrides`` maps the row_id of a primary row to the ``reading`` to use instead: the primary
    row (and any other reading of the same figure) is dropped, and every row of that reading in
    the same study, subgroup and outcome is kept. A reading of an ambiguous sentence may name
    another analysis (another arm, timepoint or statistic: a within-arm test instead of a
    between-arm one), so its rows need not share the primary row's arm or statistic.
    """
    key = ["study_id", "arm", "subgroup", "outcome", "timepoint", "statistic"]
    keep = summary["reading"] == "primary"
    for row_id, reading in overrides.items():
        primary = summary.loc[summary["row_id"] == row_id]
        if primary.empty:
            raise KeyError(f"reading_overrides: no row with row_id {row_id!r}")
        same = (summary[key] == primary[key].iloc[0]).all(axis=1)
        cell = ["study_id", "subgroup", "outcome"]
        alt = (summary[cell] == primary[cell].iloc[0]).all(axis=1) & (summary["reading"] == reading)
        if not alt.any():
            raise KeyError(f"reading_overrides: {row_id!r} has no reading {reading!r}")
        keep &= ~same
        keep |= alt
    return summary.loc[keep]


def _empty(table: str) -> pd.DataFrame:
    """An optional table the case does not have: no rows, the schema's columns."""
    from reanalysis.data.schemas import SCHEMAS  # the schemas (pandera) only on this path

    return pd.DataFrame(columns=list(SCHEMAS[table].columns))


def curate(tables: Mapping[str, pd.DataFrame], config: dict) -> dict[str, pd.DataFrame]:
    """The analyses' view of validated tables (``load_all``'s or the typed tables' subset a job
    declares): each table under its own name, optional tables absent from ``config['data']``
    empty, and, with the summary table, ``summary_all`` (every reading, plus a ``role`` column:
    intervention / comparator / other from arms.csv, empty for 'between' rows) and ``summary``
    (the reading chosen per figure, config ``reading_overrides``). A table the case has but the
    caller did not pass is absent, so using it fails loudly instead of reading nothing."""
    out = dict(tables)
    for name in OPTIONAL_TABLES:
        if name not in config["data"]:
            out[name] = _empty(name)
    if SUMMARY in tables:
        if "arms" not in tables:
            raise KeyError("the summary table needs the arms table (arm roles)")
        roles = arm_roles(tables["arms"])
        summary = tables[SUMMARY].assign(
            role=lambda d: [roles.get(key) for key in zip(d["study_id"], d["arm"], strict=True)]
        )
        out["summary_all"] = summary
        out["summary"] = select_readings(summary, config.get("reading_overrides") or {})
    return out


def _did_you_mean(outcome: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(outcome, list(known), n=1, cutoff=0.8)
    return f"; did you mean {close[0]!r}?" if close else ""


def unpooled_rows(summary_all: pd.DataFrame, outcomes: Iterable[str]) -> pd.DataFrame:
    """The rows whose outcome no pooling set lists (their effects, if any, are pooled nowhere),
    each with the reason — for results/estimability.csv, so no row leaves the analysis silently."""
    outcomes = list(outcomes)
    rows = summary_all.loc[~summary_all["outcome"].isin(outcomes)]
    listed = ", ".join(outcomes) or "none"
    return rows.assign(
        reason=[
            f"outcome {o!r} is in no pooling set (config meta_analysis.sets outcomes: {listed}): "
            f"pooled nowhere{_did_you_mean(o, outcomes)}"
            for o in rows["outcome"]
        ]
    )


def unpooled_warnings(summary_all: pd.DataFrame, outcomes: Iterable[str], path) -> list[str]:
    """The console warnings for :func:`unpooled_rows`: one line per outcome that looks like a
    misspelt pooled outcome (with its lines), one line for the other unpooled outcomes."""
    outcomes = list(outcomes)
    rows = summary_all.loc[~summary_all["outcome"].isin(outcomes)]
    warnings, other = [], []
    for outcome, group in rows.groupby("outcome", sort=False):
        hint = _did_you_mean(outcome, outcomes)
        if hint:
            lines = ", ".join(str(int(i) + 2) for i in group.index)
            warnings.append(
                f"{path}: line(s) {lines}, field 'outcome': {outcome!r} is in no "
                f"pooling set (config meta_analysis.sets), so these rows are pooled "
                f"nowhere{hint}"
            )
        else:
            other.append(outcome)
    if other:
        warnings.append(
            f"{path}: {len(other)} outcome(s) in no pooling set, pooled nowhere "
            f"(listed in results/estimability.csv): {', '.join(other)}"
        )
    return warnings


def write_typed(tables: Mapping[str, object], path: str | Path) -> None:
    """Write a group of validated tables ({name: table}) to one typed-table file, atomically (a
    reader never sees a half-written file)."""
    atomic_write(path, pickle.dumps(dict(tables), protocol=pickle.HIGHEST_PROTOCOL))


def read_typed(paths: Iterable[str | Path]) -> dict[str, object]:
    """The tables of the typed-table files at ``paths`` (written by :func:`write_typed`)."""
    tables = {}
    for path in paths:
        with open(path, "rb") as fh:
            tables |= pickle.load(fh)
    return tables


def read_curated(paths: Iterable[str | Path], config: dict) -> dict[str, pd.DataFrame]:
    """:func:`curate` of the typed tables at ``paths``: what a Snakemake job reads."""
    return curate(read_typed(paths), config)
