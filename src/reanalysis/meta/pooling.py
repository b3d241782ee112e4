"""Run the configured pooling sets through the frequentist random-effects model, and the
one-at-a-time sensitivity analysis over every named assumption's range."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from scipy import stats

from reanalysis.data.tables import arm_roles, select_readings
from reanalysis.effects.assumptions import Assumptions
from reanalysis.effects.build import build_effect_sizes
from reanalysis.effects.cells import index_cells
from reanalysis.effects.notes import forensically_flagged
from reanalysis.meta.frequentist import fit_random_effects

RESULT_COLUMNS = [
    "set",
    "method",
    "knha",
    "k",
    "mu",
    "se",
    "ci_low",
    "ci_high",
    "pi_low",
    "pi_high",
    "pval",
    "tau2",
    "tau2_ci_low",
    "tau2_ci_high",
    "tau",
    "i2",
    "i2_ci_low",
    "i2_ci_high",
    "q",
    "q_df",
    "q_pval",
    "studies",
    "status",
    "df",
    "measure",
    "vtype",
    "instrument",
    # ad hoc Knapp-Hartung: the variance factor s², whether it was raised to 1, and the plain
    # (untruncated) Knapp-Hartung interval and p beside the reported ones
    "knha_scale",
    "knha_truncated",
    "ci_low_knha_raw",
    "ci_high_knha_raw",
    "pval_knha_raw",
]
SINGLE = "single study, not pooled"
# config measure -> (effect-table columns pooled, the name of what is pooled between arms / within one)
MEASURES = {
    "SMD": ("yi", "vi", "SMD", "SMCR"),
    "MD": ("md", "md_var", "MD", "MC"),
    "ROM": ("rom", "rom_var", "ROM", ""),
}


class EmptyPoolingSetError(ValueError):
    """A configured pooling set selects no estimable effect."""


class MeasureError(ValueError):
    """A pooling set's effect measure cannot be computed for the effects it selects."""


def measure_of(spec: dict) -> str:
    """The set's effect measure (config ``measure``; SMD when absent)."""
    return spec.get("measure", "SMD")


def set_effects(effects: pd.DataFrame, spec: dict, name: str = "") -> pd.DataFrame:
    """The effects a pooling set pools, with ``yi``/``vi`` holding the set's own measure.

    SMD: Hedges' g between arms, SMCR within one (``vtype`` LS2 / LS). MD: the mean difference in
    the instrument's unit and ``md_var`` (``md_vtype``: LS = sd1²/n1 + sd2²/n2, metafor's default,
    or the SE² a reported statistic fixes); one instrument only. ROM: log ratio of end-of-treatment
    means (metafor ``escalc("ROM")``). Effects without the measure are not candidates, so a study's
    next-priority effect that has it is chosen instead."""
    measure = measure_of(spec)
    y_col, v_col, _, _ = MEASURES[measure]
    view = effects
    if measure != "SMD":
        view = effects.copy()
        for col in (y_col, v_col, "md_vtype"):
            if col not in view.columns:
                view[col] = np.nan if col != "md_vtype" else ""
        view["smd_yi"], view["smd_vi"] = view["yi"], view["vi"]
        view["yi"], view["vi"] = view[y_col].astype(float), view[v_col].astype(float)
        view["vtype"] = view["md_vtype"] if measure == "MD" else "LS"
    chosen = select_for_pooling(view, spec)
    if measure == "MD" and chosen["instrument"].nunique() > 1:
        raise MeasureError(
            f"pooling set {name!r} (config meta_analysis.sets) has measure MD but selects effects "
            f"on {chosen['instrument'].nunique()} instruments ("
            + ", ".join(sorted(chosen["instrument"].astype(str).unique()))
            + "): a mean difference is pooled on one instrument and unit only; use measure SMD "
            "or list outcomes measured on one instrument"
        )
    return chosen


def _set_labels(chosen: pd.DataFrame, spec: dict) -> dict:
    """measure (what is pooled: SMD, SMCR, MD, MC, ROM), vtype(s) and the instrument (MD)."""
    _, _, between, within = MEASURES[measure_of(spec)]
    within_only = all(e == "within_change" for e in spec["estimands"])
    vt = chosen["vtype"].fillna("").astype(str) if "vtype" in chosen else pd.Series(dtype=str)
    instruments = (
        sorted(chosen["instrument"].astype(str).unique())
        if len(chosen) and "instrument" in chosen
        else []
    )
    return {
        "measure": within if within_only else between,
        "vtype": "; ".join(dict.fromkeys(v for v in vt if v)),
        "instrument": instruments[0] if measure_of(spec) == "MD" and instruments else "",
    }


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
    return {
        "method": method,
        "k": 1,
        "mu": yi,
        "se": se,
        "ci_low": yi - q * se,
        "ci_high": yi + q * se,
        "pval": float(2 * stats.t.sf(abs(yi) / se, df)),
        "status": SINGLE,
        "df": df,
    }


def pool_sets(effects: pd.DataFrame, meta_cfg: dict) -> pd.DataFrame:
    """One row per (pooling set, tau² method); a set with one effect gives one row marked
    'single study, not pooled'; a set with none is an error naming it."""
    rows = []
    for name, spec in meta_cfg["sets"].items():
        chosen = set_effects(effects, spec, name)
        base = {"set": name, "k": len(chosen), "studies": " ".join(chosen["es_id"])} | _set_labels(
            chosen, spec
        )
        if chosen.empty:
            raise EmptyPoolingSetError(
                f"pooling set {name!r} (config meta_analysis.sets) selects no estimable effect: "
                "check its estimands, subgroups, roles and outcomes against results/"
                "effect_sizes.csv and results/estimability.csv"
            )
        if len(chosen) == 1:
            rows.append(
                base | single_study(chosen.iloc[0], meta_cfg["level"], meta_cfg["primary_method"])
            )
            continue
        for method in meta_cfg["methods"]:
            fit = fit_random_effects(
                chosen["yi"], chosen["vi"], method=method, knha=meta_cfg["knha"], level=meta_cfg["level"]
            )
            rows.append(
                base
                | {c: v for c, v in fit.as_dict().items() if c in RESULT_COLUMNS}
                | {"status": "pooled"}
            )
    return pd.DataFrame(rows).reindex(columns=RESULT_COLUMNS)


def primary_rows(pooled: pd.DataFrame, primary_method: str) -> pd.DataFrame:
    """One row per set: the primary method's (for a k = 1 set, its single-study row)."""
    return pooled[pooled["method"] == primary_method]


def without_converted(effects: pd.DataFrame, meta_cfg: dict) -> pd.DataFrame:
    """Every set pooled without the effects converted from medians (Wan 2014 / Luo 2018); a set
    left with none is one row with k = 0 and status 'no effect without the converted ones'."""
    kept = effects[~effects["conversion"].fillna("").astype(bool)]
    rows = []
    for name, spec in meta_cfg["sets"].items():
        if set_effects(kept, spec, name).empty:
            rows.append(
                pd.DataFrame([{"set": name, "k": 0, "status": "no effect without the converted ones"}])
            )
        else:
            rows.append(pool_sets(kept, meta_cfg | {"sets": {name: spec}}))
    return pd.concat(rows, ignore_index=True).reindex(columns=RESULT_COLUMNS)


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


def sensitivity(
    summary: pd.DataFrame,
    studies: pd.DataFrame,
    config: dict,
    flagged: frozenset[str] | set[str] = frozenset(),
    *,
    arms: pd.DataFrame,
    summary_all: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Primary-method pooled results at every sensitivity point (one assumption varied at a time).

    ``assumption_value`` is text: a number, or the name of an alternative analysis. Where an
    effect rests on a mean/SD converted from a median/IQR/range (column ``conversion``), the sets
    are also pooled without those effects (``median_conversion`` = ``excluded``). With
    ``summary_all`` (every reading), each other reading of an ambiguous report (config
    ``ambiguous_readings``) is a point too: assumption ``reading``, value ``row_id:reading``."""
    meta = config["meta_analysis"] | {"methods": [config["meta_analysis"]["primary_method"]]}
    frames = []
    cells = index_cells(summary, arm_roles(arms))  # the same cells at every point
    for name, value, assumptions in sensitivity_points(config):
        effects = build_effect_sizes(summary, studies, assumptions, flagged, arms=arms, cells=cells)
        pooled = pool_sets(effects, meta)
        frames.append(pooled.assign(assumption=name, assumption_value=value))
        if name == "default" and effects["conversion"].fillna("").astype(bool).any():
            frames.append(
                without_converted(effects, meta).assign(
                    assumption="median_conversion", assumption_value="excluded"
                )
            )
    if summary_all is not None:
        overrides = config.get("reading_overrides") or {}
        for row_id, reading in (
            (a["row_id"], a["reading"]) for a in config.get("ambiguous_readings") or []
        ):
            other = select_readings(summary_all, overrides | {row_id: reading})
            effects = build_effect_sizes(
                other, studies, Assumptions.from_config(config), flagged, arms=arms
            )
            frames.append(
                pool_sets(effects, meta).assign(
                    assumption="reading", assumption_value=f"{row_id}:{reading}"
                )
            )
    cols = ["assumption", "assumption_value", "set", "k", "mu", "ci_low", "ci_high", "tau2", "status"]
    return pd.concat(frames, ignore_index=True)[cols]


def has_forensic_flag(effects: pd.DataFrame) -> pd.Series:
    """True where an effect rests on a value that failed a forensic check
    (:func:`reanalysis.effects.notes.forensically_flagged`)."""
    return effects["forensic_flags"].map(forensically_flagged).astype(bool)


def select_for_pooling(effects: pd.DataFrame, spec: dict) -> pd.DataFrame:
    """Apply one configured pooling set: filters, then one effect per study by priority order.

    Arms are chosen by ``roles`` (intervention / comparator / between) or, in older specs, by
    ``arms`` (names). Change-score and final-value effects are never mixed: a set lists one
    family of estimands (the config schema enforces it), and the per-study priority picks one.
    """
    if {"between_change", "between_post"} <= set(spec["estimands"]):
        raise ValueError(
            "change-score and end-of-treatment SMDs are never pooled together: a "
            "pooling set lists between_change or between_post, not both"
        )
    df = effects[np.isfinite(effects["yi"].astype(float))]
    if "forensic_flags" in df.columns:  # values that failed a forensic check are never pooled
        df = df[~has_forensic_flag(df)]
    df = df[df["estimand"].isin(spec["estimands"]) & df["subgroup"].isin(spec["subgroups"])]
    if "roles" in spec:
        df = df[df["role"].isin(spec["roles"])]
    if "arms" in spec:
        df = df[df["arm"].isin(spec["arms"])]
    df = df[df["outcome"].isin(spec["outcomes"])]
    if spec["controlled_only"]:
        df = df[df["controlled"].astype(bool)]
    rank = {
        "estimand": {e: i for i, e in enumerate(spec["estimands"])},
        "outcome": {o: i for i, o in enumerate(spec["outcomes"])},
        "subgroup": {s: i for i, s in enumerate(spec["subgroups"])},
    }
    keys = pd.DataFrame({c: df[c].map(m) for c, m in rank.items()}, index=df.index)
    order = keys.sort_values(["estimand", "subgroup", "outcome"]).index
    return df.loc[order].drop_duplicates("study_id").sort_values("study_id").reset_index(drop=True)
