"""The rule for a result found in a subgroup of one trial (claim type ``subgroup_effect``):
whether each claimed outcome was significant in a subgroup, the whole trial's result, the
subgroup's credibility (planned in advance? how many comparisons?), its shrinkage towards the
whole trial, the chance of such a finding under no effect (the subgroup simulation, where the
case runs it) and forensic flags on the trial's figures. Facts come back as
:class:`SubgroupFacts`; the sentences are :mod:`reanalysis.ledger.wording`'s.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from reanalysis.ledger.effect_claims import study_point
from reanalysis.ledger.evidence import (
    BETWEEN,
    WHOLE,
    Evidence,
    StudyRef,
    arm_name,
    outcome_labels,
    reported_significance,
    study_name,
    study_refs,
    text_field,
)
from reanalysis.ledger.trends import TREND_AS_CLAIMED, TrendFacts, trend_facts
from reanalysis.ledger.verdicts import OVERSTATED, WEAK, Judgement
from reanalysis.simulation.credibility import MULTIPLICITY, PRESPECIFIED

__all__ = ["Shrinkage", "SubgroupFacts", "subgroup_effect"]


@dataclasses.dataclass(frozen=True)
class Shrinkage:
    """The subgroup's g and where it shrinks to (simulation/shrinkage)."""

    g_sub: float
    g_sub_ci_low: float
    g_sub_ci_high: float
    mean: float
    q025: float
    q975: float


@dataclasses.dataclass(frozen=True)
class SubgroupFacts:
    traced: tuple[StudyRef, ...]
    labels: dict  # outcome -> label
    significant_in_subgroup: dict  # outcome -> bool
    whole_p: dict  # outcome -> the whole sample's reported p
    alpha: float
    credibility: tuple[tuple[str, str, str], ...]  # (criterion, answer, evidence)
    planned: str  # the answer to 'prespecified' ('' where not assessed)
    shrinkage: Shrinkage | None
    flags: tuple[str, ...]  # forensic flags on the trial's rows (their detail)
    subgroup_label: str
    comparator: str  # the trial's comparator arm
    chance_rate: float | None  # P(any benefit) under no effect at the most comparisons
    # the whole sample's trend the sentence asserts, against the trial's point estimates
    trend: TrendFacts | None = None


def subgroup_effect(claim, ev: Evidence) -> Judgement:
    """A result found in a subgroup of one trial: significance per claimed outcome, whole-sample
    result, the subgroup's credibility (planned? multiplicity, shrinkage) and forensic flags."""
    sid = claim["study_id"]
    labels = outcome_labels(claim)
    cred = ev.credibility.set_index("criterion")
    s = ev.summary[(ev.summary["study_id"] == sid) & (ev.summary["arm"] == BETWEEN)]
    sub_sig, whole_p = {}, {}
    for outcome in labels:
        rows = s[s["outcome"] == outcome]
        subs = rows[rows["subgroup"] != WHOLE]
        sig = [reported_significance(g, ev.alpha) for _, g in subs.groupby("subgroup")]
        sub_sig[outcome] = any(x for x in sig if x is not None)
        whole = rows[(rows["subgroup"] == WHOLE) & (rows["statistic"] == "p_value")]
        if not whole.empty:
            whole_p[outcome] = float(whole["value"].iloc[0])
    study_rows = set(ev.summary.loc[ev.summary["study_id"] == sid, "row_id"])
    flags = ev.forensics[(ev.forensics["verdict"] == "flag") & ev.forensics["row_id"].isin(study_rows)]
    shrinkage = None
    if not ev.shrinkage.empty:
        sh = ev.shrinkage.iloc[0]
        shrinkage = Shrinkage(
            sh["g_sub"],
            sh["g_sub_ci_low"],
            sh["g_sub_ci_high"],
            sh["shrunken_sub_mean"],
            sh["shrunken_sub_q025"],
            sh["shrunken_sub_q975"],
        )
    benefit = (
        ev.no_effect[ev.no_effect["metric"] == "p_any_benefit"]
        if not ev.no_effect.empty
        else ev.no_effect
    )
    rate = None if benefit.empty else float(benefit.loc[benefit["k"].idxmax(), "value"])
    if not all(sub_sig.values()):
        verdict, branch = OVERSTATED, "subgroup_effect.not_significant_in_every_outcome"
    elif claim.get("scope") == "subgroup":
        verdict, branch = WEAK, "subgroup_effect.significant_in_subgroup"
    else:
        verdict, branch = OVERSTATED, "subgroup_effect.subgroup_presented_as_general"
    # a trend asserted for the whole trial ('the overall trend was modest'): the whole sample's
    # point estimates must lie on the claimed side, else the sentence says more than the data
    who = study_name(ev.study(sid))
    found = {o: study_point(ev, sid, o, label, who) for o, label in labels.items()}
    points = {o: [p] if p is not None else [] for o, p in found.items()}
    trend = trend_facts(ev, claim, points)
    if trend is not None:
        branch = f"{branch}.{trend.outcome}"
        if trend.outcome != TREND_AS_CLAIMED:
            verdict = OVERSTATED
    facts = SubgroupFacts(
        traced=study_refs(ev, [sid]),
        labels=labels,
        significant_in_subgroup=sub_sig,
        whole_p=whole_p,
        alpha=ev.alpha,
        credibility=tuple(
            (c, cred.loc[c, "answer"], cred.loc[c, "evidence"])
            for c in (PRESPECIFIED, MULTIPLICITY)
            if c in cred.index
        ),
        planned=str(cred.loc[PRESPECIFIED, "answer"]) if PRESPECIFIED in cred.index else "",
        shrinkage=shrinkage,
        flags=() if flags.empty else tuple(flags["detail"]),
        subgroup_label=text_field(claim, "subgroup_label"),
        comparator=arm_name(ev, sid, "comparator"),
        chance_rate=rate,
        trend=trend,
    )
    est = lo = hi = np.nan
    if shrinkage is not None:
        est, lo, hi = shrinkage.g_sub, shrinkage.g_sub_ci_low, shrinkage.g_sub_ci_high
    return Judgement(verdict, branch, facts, est, lo, hi)
