"""Estimability: every reported row that no effect uses, listed with the reason (medians and ranges
only, no comparator, no SD, ...), so that nothing reported is silently dropped.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reanalysis.data.tables import arm_roles
from reanalysis.data.vocabulary import BETWEEN, NOT_REPORTED

__all__ = ["MEDIAN_STATISTICS", "ESTIMABILITY_COLUMNS", "estimability"]


MEDIAN_STATISTICS = ("median", "iqr_low", "iqr_high", "range_low", "range_high")


ESTIMABILITY_COLUMNS = [
    "row_id",
    "study_id",
    "arm",
    "subgroup",
    "outcome",
    "timepoint",
    "statistic",
    "value",
    "reading",
    "reason",
]


def estimability(
    summary_all: pd.DataFrame,
    selected: pd.DataFrame,
    effects: pd.DataFrame,
    arms: pd.DataFrame,
    studies: pd.DataFrame,
) -> pd.DataFrame:
    """Every input row that contributes to no estimable effect, with the reason."""
    used = set(
        " ".join(effects.loc[np.isfinite(effects["yi"].astype(float)), "source_rows"].fillna("")).split()
    )
    unestimable = {
        r: b
        for src, b in zip(effects["source_rows"].fillna(""), effects["basis"], strict=True)
        for r in src.split()
        if r not in used
    }
    roles = arm_roles(arms)
    controlled = dict(zip(studies["study_id"], studies["controlled"], strict=True))
    chosen = set(selected["row_id"])
    out = []
    for _, row in summary_all.iterrows():
        rid = row["row_id"]
        if rid in used:
            continue
        role = roles.get((row["study_id"], row["arm"]))
        stat = row["statistic"]
        if rid not in chosen:
            reason = (
                f"alternative reading '{row['reading']}' not selected (config "
                "reading_overrides chooses the reading)"
            )
        elif rid in unestimable:
            reason = unestimable[rid]
        elif stat == NOT_REPORTED:
            reason = (
                "measured (the source says so) but no result reported: no effect; the "
                "outcome counts as measured, not as reported"
            )
        elif role == "other":
            reason = (
                f"arm '{row['arm']}' has role 'other' in arms.csv: not an intervention or comparator arm"
            )
        elif stat in ("count", "proportion"):
            reason = (
                "counts/proportions (binary outcome): this pipeline computes continuous "
                "effect sizes only"
            )
        elif stat == "p_above":
            reason = "'not significant' only: neither size nor direction of an effect"
        elif stat in MEDIAN_STATISTICS:
            reason = (
                "a median, IQR or range gives a mean and SD (Luo et al. 2018, Wan et al. "
                "2014) only with the median, its IQR and/or range and the arm's n, and only "
                "where no mean is reported; this arm and timepoint lack one of them"
            )
        elif row["arm"] == BETWEEN and not controlled.get(row["study_id"], False):
            reason = "between-arm figure of a study not marked controlled in studies.csv"
        elif row["arm"] == BETWEEN and (gap := _between_gap(selected, row)):
            reason = gap
        elif row["arm"] == BETWEEN:
            reason = (
                "between-arm statistic that no computed comparison uses (several "
                "intervention/comparator pairs, or a baseline comparison)"
            )
        elif stat == "n":
            reason = "sample size of an arm with no estimable effect in this subgroup and outcome"
        elif stat in ("se", "ci_low", "ci_high") and pd.isna(row["n"]):
            reason = (
                "an SE or CI of a mean needs the arm's n to give an SD (Handbook 6.5.2.2); "
                "n is neither reported nor assumed (config assumptions.sample_sizes)"
            )
        else:
            reason = (
                f"no estimand is complete for this arm, subgroup and outcome (needs mean "
                f"and SD/SE/CI at baseline and end, or change mean and SD, or a paired "
                f"test with n; this row gives {stat} at {row['timepoint']})"
            )
        out.append({c: row[c] for c in ESTIMABILITY_COLUMNS[:-1]} | {"reason": reason})
    return pd.DataFrame(out, columns=ESTIMABILITY_COLUMNS)


def _between_gap(summary: pd.DataFrame, row: pd.Series) -> str:
    """Why a between-arm statistic gives no effect when its cell lacks a difference or the arms'
    n; '' when neither is missing."""
    cell = summary[
        (summary["study_id"] == row["study_id"])
        & (summary["subgroup"] == row["subgroup"])
        & (summary["outcome"] == row["outcome"])
    ]
    stats_ = set(cell["statistic"])
    if not stats_ & {"mean", "median", "estimate"}:
        return (
            "between-arm statistic without a difference in this subgroup and outcome: "
            "neither the arms' means (or medians) nor a reported estimate of the difference "
            "(statistic 'estimate')"
        )
    arm_n = cell[(cell["arm"] != BETWEEN) & ((cell["statistic"] == "n") | cell["n"].notna())]
    if arm_n["arm"].nunique() < 2:
        return (
            "between-arm statistic whose arms' n is not reported in this subgroup and "
            "outcome: the SE of a difference and its SMD need n per arm (reported, or assumed "
            "in config assumptions.sample_sizes); a difference of proportions (risk "
            "difference) is outside this continuous-outcome pipeline whatever the n"
        )
    return ""
