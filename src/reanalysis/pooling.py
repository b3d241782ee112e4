"""Run the configured pooling sets through the frequentist random-effects model, and the
one-at-a-time sensitivity analysis over every named assumption's range."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from scipy import stats

from .comparisons import Assumptions, build_effect_sizes, select_for_pooling
from .meta_frequentist import fit_random_effects

RESULT_COLUMNS = [
    "set", "method", "knha", "k", "mu", "se", "ci_low", "ci_high", "pi_low", "pi_high", "pval",
    "tau2", "tau2_ci_low", "tau2_ci_high", "tau", "i2", "i2_ci_low", "i2_ci_high", "q", "q_df",
    "q_pval", "studies", "status", "df",
]
SINGLE = "single study, not pooled"


class EmptyPoolingSetError(ValueError):
    """A configured pooling set selects no estimable effect."""


def single_study(effect: pd.Series, level: float, method: str) -> dict:
    """The one effect of a k = 1 set as it is: estimate, SE and a t-based CI on the study's own
    degrees of freedom (the effect table's ``md_df`` where given: n1 + n2 - 2 between the arms of
    a parallel trial, N - 1 in a crossover and within an arm); no heterogeneity.

    One row, ``status`` 'single study, not pooled'; ``method`` holds the primary method's name
    only so that lookups of "the primary row of a set" find it."""
    yi, se = float(effect["yi"]), float(np.sqrt(effect["vi"]))
    n1, n2 = float(effect["n1"]), effect.get("n2", np.nan)
    df = n1 + float(n2) - 2 if pd.notna(n2) else n1 - 1
    if pd.notna(effect.get("md_df", np.nan)):
        df = float(effect["md_df"])
    q = float(stats.t.ppf(0.5 + level / 2, df))
    return {"method": method, "k": 1, "mu": yi, "se": se, "ci_low": yi - q * se,
            "ci_high": yi + q * se, "pval": float(2 * stats.t.sf(abs(yi) / se, df)),
            "status": SINGLE, "df": df}


def pool_sets(effects: pd.DataFrame, meta_cfg: dict) -> pd.DataFrame:
    """One row per (pooling set, tau² method); a set with one effect gives one row marked
    'single study, not pooled'; a set with none is an error naming it."""
    rows = []
    for name, spec in meta_cfg["sets"].items():
        chosen = select_for_pooling(effects, spec)
        base = {"set": name, "k": len(chosen), "studies": " ".join(chosen["es_id"])}
        if chosen.empty:
            raise EmptyPoolingSetError(
                f"pooling set {name!r} (config meta_analysis.sets) selects no estimable effect: "
                "check its estimands, subgroups, roles and outcomes against results/"
                "effect_sizes.csv and results/estimability.csv")
        if len(chosen) == 1:
            rows.append(base | single_study(chosen.iloc[0], meta_cfg["level"],
                                            meta_cfg["primary_method"]))
            continue
        for method in meta_cfg["methods"]:
            fit = fit_random_effects(chosen["yi"], chosen["vi"], method=method,
                                     knha=meta_cfg["knha"], level=meta_cfg["level"])
            rows.append(base | {c: v for c, v in fit.as_dict().items() if c in RESULT_COLUMNS}
                        | {"status": "pooled"})
    return pd.DataFrame(rows).reindex(columns=RESULT_COLUMNS)


def primary_rows(pooled: pd.DataFrame, primary_method: str) -> pd.DataFrame:
    """One row per set: the primary method's (for a k = 1 set, its single-study row)."""
    return pooled[pooled["method"] == primary_method]


def sensitivity_points(config: dict) -> list[tuple[str, float, Assumptions]]:
    """Default, then each named assumption at the ends of its range with the others at default."""
    base = Assumptions.from_config(config)
    a = config["assumptions"]
    points = [("default", np.nan, base)]
    for v in a["prepost_correlation"]["range"]:
        points.append(("prepost_correlation", v, dataclasses.replace(base, r=float(v))))
    for v in a["crossover_correlation"]["range"]:
        points.append(("crossover_correlation", v, dataclasses.replace(base, crossover_r=float(v))))
    for v in a["p_threshold_significant"]["range"]:
        points.append(("p_threshold_significant", v, dataclasses.replace(base, p_threshold=float(v))))
    for v in a["reported_test_analysis"]["alternatives"]:
        points.append(("reported_test_analysis", v, dataclasses.replace(base, test_analysis=v)))
    for i, s in enumerate(a["sample_sizes"]):
        for v in s["range"]:
            sizes = list(base.sample_sizes)
            sizes[i] = (s["study_id"], s["subgroup"], s["arm"], int(v))
            name = f"n[{s['study_id']}/{s['subgroup']}/{s['arm']}]"
            points.append((name, v, dataclasses.replace(base, sample_sizes=tuple(sizes))))
    return points


def sensitivity(summary: pd.DataFrame, studies: pd.DataFrame, config: dict,
                flagged: frozenset[str] | set[str] = frozenset(), *,
                arms: pd.DataFrame) -> pd.DataFrame:
    """Primary-method pooled results at every sensitivity point (one assumption varied at a time).

    ``assumption_value`` is text: a number, or the name of an alternative analysis."""
    meta = config["meta_analysis"] | {"methods": [config["meta_analysis"]["primary_method"]]}
    frames = []
    for name, value, assumptions in sensitivity_points(config):
        effects = build_effect_sizes(summary, studies, assumptions, flagged, arms=arms)
        pooled = pool_sets(effects, meta)
        frames.append(pooled.assign(assumption=name, assumption_value=value))
    cols = ["assumption", "assumption_value", "set", "k", "mu", "ci_low", "ci_high", "tau2",
            "status"]
    return pd.concat(frames, ignore_index=True)[cols]
