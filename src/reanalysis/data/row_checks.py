"""Checks within one file that the schemas' column checks do not express: across the fields of a
row (a mean inside its scale, an SD above 0, a figure's size plausible for its scale, a
``not_reported`` row without a value), across its rows (unique keys, each CI ordered around its
estimate, min below max) and sample sizes that are whole numbers. :data:`ROW_CHECKS` names the
checks of each file by its config ``data`` key.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa

from reanalysis.data.errors import where
from reanalysis.data.vocabulary import KEY, NOT_REPORTED, TREND_CLAIM_TYPES

__all__ = [
    "N_MAX",
    "VALUE_CAP",
    "RANGE_FACTOR",
    "sample_sizes_whole",
    "min_below_max",
    "summary_checks",
    "claims_checks",
    "interval_order",
    "ROW_CHECKS",
]

N_MAX = 10**7  # the largest sample size accepted (any larger n is a typing error)
VALUE_CAP = 1e9  # the largest |figure| accepted where the scale's range is not given
RANGE_FACTOR = 1e6  # with a scale range R: an SD, SE, CI bound or estimate at most 1e6 x R


def sample_sizes_whole(df: pd.DataFrame, schema: pa.DataFrameSchema, id_col) -> list[str]:
    """Sample-size columns (n, n_*) hold whole numbers up to :data:`N_MAX`."""
    problems = []
    for name in schema.columns:
        if not (name == "n" or name.startswith("n_")) or df[name].dtype != float:
            continue
        for idx, v in df[name].items():
            if pd.notna(v) and (v != int(v) or v > N_MAX):
                problems.append(
                    f"{where(df, idx, id_col)}, field '{name}': a sample size must "
                    f"be a whole number up to {N_MAX:,}, got {v:g}"
                )
    return problems


def min_below_max(id_col: str):
    """The check of a range table: ``max`` exceeds ``min`` on every line (``id_col`` names it)."""

    def check(df: pd.DataFrame) -> list[str]:
        return [
            f"{where(df, idx, id_col)}, field 'max': max {r['max']} must exceed min {r['min']}"
            for idx, r in df.iterrows()
            if pd.notna(r["min"]) and pd.notna(r["max"]) and not r["min"] < r["max"]
        ]

    return check


def summary_checks(df: pd.DataFrame) -> list[str]:
    """The summary table's checks beyond its schema: a value exactly where the statistic needs one,
    each figure possible for its statistic and plausible for its scale, no duplicate key, and
    every CI ordered (:func:`interval_order`)."""
    problems = []

    def add(idx, field, msg):
        problems.append(f"{where(df, idx, 'row_id')}, field '{field}': {msg}")

    for idx, row in df.iterrows():
        stat, v = row["statistic"], row["value"]
        lo, hi = row["scale_min"], row["scale_max"]
        if stat == NOT_REPORTED and pd.notna(v):
            add(
                idx,
                "value",
                f"a '{NOT_REPORTED}' row (measured, no result reported) has no "
                f"value: leave the field empty, got {v:g}",
            )
        if pd.isna(v):  # a figure that failed the schema (e.g. 'abc') was reported there
            if stat != NOT_REPORTED:
                add(
                    idx,
                    "value",
                    f"required: the figure of this {stat} (empty only in a '{NOT_REPORTED}' row)",
                )
            continue
        if pd.notna(lo) and pd.notna(hi) and lo >= hi:
            add(idx, "scale_max", f"scale_max {hi} must exceed scale_min {lo}")
        if stat == "mean" and pd.notna(lo) and pd.notna(hi) and not lo <= v <= hi:
            add(idx, "value", f"mean {v} lies outside the scale [{lo}, {hi}]")
        if stat in ("sd", "se") and not v > 0:
            add(
                idx,
                "value",
                f"{stat} must be > 0 (an SD or SE of 0 gives an infinite effect size), got {v}",
            )
        if stat in ("p_value", "p_below", "p_above", "proportion") and not 0 <= v <= 1:
            add(idx, "value", f"{stat} must lie in [0, 1], got {v}")
        if stat in ("n", "count") and np.isfinite(v) and (v < 0 or v != int(v) or v > N_MAX):
            add(idx, "value", f"{stat} must be a whole number from 0 to {N_MAX:,}, got {v:g}")
        width = hi - lo if pd.notna(lo) and pd.notna(hi) and hi > lo else None
        cap = RANGE_FACTOR * width if width else VALUE_CAP
        if stat in ("sd", "se", "ci_low", "ci_high", "estimate", "mean", "t") and abs(v) > cap:
            basis = (
                f"{RANGE_FACTOR:g} x the scale's range {width:g}"
                if width
                else f"{VALUE_CAP:g} (no scale range given)"
            )
            add(idx, "value", f"{stat} = {v:g} is implausibly large: at most {basis}")
    dup = df.duplicated(KEY, keep=False)
    for idx in df.index[dup]:
        add(idx, "reading", "duplicate of another row on " + "/".join(KEY))
    return problems + interval_order(df)


def interval_order(df: pd.DataFrame) -> list[str]:
    """Each CI ordered: low <= high, and low <= the estimate (or mean) it belongs to <= high (the
    same study, arm, subgroup, outcome, timepoint and reading)."""
    problems = []
    figure = ["study_id", "arm", "subgroup", "outcome", "timepoint", "reading"]
    for _, group in df.loc[df["value"].notna()].groupby(figure, sort=False):
        by = {
            stat: (idx, v)
            for idx, stat, v in zip(group.index, group["statistic"], group["value"], strict=True)
        }
        if "ci_low" not in by or "ci_high" not in by:
            continue
        (i_lo, lo), (i_hi, hi) = by["ci_low"], by["ci_high"]
        if lo > hi:
            problems.append(
                f"{where(df, i_lo, 'row_id')}, field 'value': CI low {lo:g} is above "
                f"CI high {hi:g} (line {int(i_hi) + 2}); swap them"
            )
            continue
        for stat in ("estimate", "mean"):
            if stat in by and not lo <= by[stat][1] <= hi:
                i_est, est = by[stat]
                problems.append(
                    f"{where(df, i_est, 'row_id')}, field 'value': {stat} {est:g} "
                    f"lies outside its CI [{lo:g}, {hi:g}] (lines {int(i_lo) + 2}, "
                    f"{int(i_hi) + 2})"
                )
    return problems


def claims_checks(df: pd.DataFrame) -> list[str]:
    """A ``trend`` is checked only by the rules of :data:`TREND_CLAIM_TYPES`, and by the effect
    rule only for a claim of no difference (a trend that is significant is a difference)."""
    out = []
    if "trend" not in df.columns:  # the column is optional
        return out
    for idx, r in df.iterrows():
        if pd.isna(r["trend"]):
            continue
        if r["claim_type"] not in TREND_CLAIM_TYPES:
            out.append(
                f"{where(df, idx, 'claim_id')}, field 'trend': a trend is checked only on a claim "
                f"of type {' or '.join(TREND_CLAIM_TYPES)}, not {r['claim_type']!r}"
            )
        elif r["claim_type"] == "effect" and r["direction"] != "no difference":
            out.append(
                f"{where(df, idx, 'claim_id')}, field 'trend': an effect claim with a trend "
                f"asserts no significant difference (direction 'no difference'), not "
                f"{r['direction']!r}"
            )
    return out


ROW_CHECKS = {  # config data key -> the checks of its file beyond the schema (none: the schema's)
    "summary_stats": summary_checks,
    "claims": claims_checks,
    "score_ranges": min_below_max("range_id"),
    "instruments": min_below_max("instrument"),
}
