"""The pooled estimates that can decide a claimed outcome (:func:`pooled_evidence`): every
configured set that pools only that outcome's controlled whole-sample effects, under the primary
method (the first is the primary analysis), and the first set under the other methods
(:func:`other_methods`), read from ``meta_frequentist.csv``."""

from __future__ import annotations

import dataclasses

import pandas as pd

from reanalysis.effects.notes import md_unit
from reanalysis.ledger.evidence import WHOLE, Evidence

__all__ = ["PooledEstimate", "other_methods", "pooled_evidence"]


@dataclasses.dataclass(frozen=True)
class PooledEstimate:
    """One pooled estimate of a configured set under one method (meta_frequentist.csv)."""

    set_name: str
    measure: str  # MD, SMD, ROM
    unit: str  # of a mean difference ('' for points or another measure)
    mu: float
    ci_low: float
    ci_high: float
    method: str
    k: float
    members: frozenset = frozenset()  # the studies it pools


def _estimate(ev: Evidence, name: str, r: pd.Series, members=frozenset()) -> PooledEstimate:
    measure = str(r.get("measure")) if isinstance(r.get("measure"), str) else "SMD"
    unit = md_unit(r.get("instrument"), ev.instruments) if r.get("measure") == "MD" else ""
    return PooledEstimate(
        name, measure, unit, r["mu"], r["ci_low"], r["ci_high"], str(r["method"]), r["k"], members
    )


def pooled_evidence(ev: Evidence, outcome: str, study_ids: list[str]) -> list[PooledEstimate]:
    """The pooled estimates that judge one outcome: every configured set that pools only this
    outcome's controlled whole-sample effects (k >= 2) from studies in ``study_ids``, one per
    set under the primary method, in the config's order (the first is the primary analysis)."""
    if ev.pooled.empty or ev.effects.empty:
        return []
    primary = ev.config["meta_analysis"]["primary_method"]
    study_of = dict(zip(ev.effects["es_id"], ev.effects["study_id"], strict=False))
    out = []
    for name, spec in ev.config["meta_analysis"].get("sets", {}).items():
        if (
            list(spec.get("outcomes") or []) != [outcome]
            or not spec.get("controlled_only")
            or list(spec.get("subgroups") or [WHOLE]) != [WHOLE]
        ):
            continue
        hit = ev.pooled[(ev.pooled["set"] == name) & (ev.pooled["method"] == primary)]
        if hit.empty or not hit["k"].iloc[0] >= 2 or pd.isna(hit["ci_low"].iloc[0]):
            continue
        members = {study_of.get(es) for es in str(hit["studies"].iloc[0]).split()}
        if members <= set(study_ids):
            out.append(_estimate(ev, name, hit.iloc[0], frozenset(members)))
    return out


def other_methods(ev: Evidence, first: PooledEstimate) -> tuple[PooledEstimate, ...]:
    """The first set's estimates under the other configured methods (with an interval)."""
    primary = ev.config["meta_analysis"]["primary_method"]
    others = ev.pooled[(ev.pooled["set"] == first.set_name) & (ev.pooled["method"] != primary)]
    return tuple(_estimate(ev, first.set_name, r) for _, r in others.iterrows() if pd.notna(r["ci_low"]))
