"""Run the configured pooling sets through the frequentist random-effects model, and the
one-at-a-time sensitivity analysis over every named assumption's range."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from .comparisons import Assumptions, build_effect_sizes, select_for_pooling
from .meta_frequentist import fit_random_effects

RESULT_COLUMNS = [
    "set", "method", "knha", "k", "mu", "se", "ci_low", "ci_high", "pi_low", "pi_high", "pval",
    "tau2", "tau2_ci_low", "tau2_ci_high", "tau", "i2", "i2_ci_low", "i2_ci_high", "q", "q_df",
    "q_pval", "studies",
]


def pool_sets(effects: pd.DataFrame, meta_cfg: dict) -> pd.DataFrame:
    """One row per (pooling set, tau² method); sets with no estimable effect give k = 0 rows."""
    rows = []
    for name, spec in meta_cfg["sets"].items():
        chosen = select_for_pooling(effects, spec)
        for method in meta_cfg["methods"]:
            row = {"set": name, "method": method, "k": len(chosen),
                   "studies": " ".join(chosen["es_id"])}
            if len(chosen):
                fit = fit_random_effects(chosen["yi"], chosen["vi"], method=method,
                                         knha=meta_cfg["knha"] and len(chosen) > 1,
                                         level=meta_cfg["level"])
                row |= {c: v for c, v in fit.as_dict().items() if c in RESULT_COLUMNS}
            rows.append(row)
    return pd.DataFrame(rows).reindex(columns=RESULT_COLUMNS)


def sensitivity_points(config: dict) -> list[tuple[str, float, Assumptions]]:
    """Default, then each named assumption at the ends of its range with the others at default."""
    base = Assumptions.from_config(config)
    a = config["assumptions"]
    points = [("default", np.nan, base)]
    for v in a["prepost_correlation"]["range"]:
        points.append(("prepost_correlation", v, dataclasses.replace(base, r=float(v))))
    for v in a["p_threshold_significant"]["range"]:
        points.append(("p_threshold_significant", v, dataclasses.replace(base, p_threshold=float(v))))
    for i, s in enumerate(a["sample_sizes"]):
        for v in s["range"]:
            sizes = list(base.sample_sizes)
            sizes[i] = (s["study_id"], s["subgroup"], s["arm"], int(v))
            name = f"n[{s['study_id']}/{s['subgroup']}/{s['arm']}]"
            points.append((name, v, dataclasses.replace(base, sample_sizes=tuple(sizes))))
    return points


def sensitivity(summary: pd.DataFrame, studies: pd.DataFrame, config: dict,
                flagged: frozenset[str] | set[str] = frozenset()) -> pd.DataFrame:
    """Primary-method pooled results at every sensitivity point (one assumption varied at a time)."""
    meta = config["meta_analysis"] | {"methods": [config["meta_analysis"]["primary_method"]]}
    frames = []
    for name, value, assumptions in sensitivity_points(config):
        pooled = pool_sets(build_effect_sizes(summary, studies, assumptions, flagged), meta)
        frames.append(pooled.assign(assumption=name, assumption_value=value))
    cols = ["assumption", "assumption_value", "set", "k", "mu", "ci_low", "ci_high", "tau2"]
    return pd.concat(frames, ignore_index=True)[cols]
