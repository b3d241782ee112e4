"""The rule for a before/after figure from one trial (claim type ``within_arm_change``): the
asserted means checked at their own precision against the trial's, then the between-arm
difference in change judged on significance (the reported test, else its interval), the
subgroup it rests on and the chance that it exceeds the MCID (the primary Bayesian analysis first,
the trial's figures under a flat prior beside it). A trial without a comparator group is judged as
an effect claim. Facts come back as :class:`WithinArmFacts`; the sentences are
:mod:`reanalysis.ledger.wording`'s.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy import stats

from reanalysis.effects.intervals import md_interval
from reanalysis.effects.notes import md_unit
from reanalysis.effects.reported import P_BY_CONSTRUCTION
from reanalysis.ledger.effect_claims import effect
from reanalysis.ledger.evidence import (
    BETWEEN,
    WHOLE,
    Evidence,
    StudyRef,
    arm_means,
    arm_name,
    asserted_numbers,
    flag,
    is_true,
    outcome_labels,
    reported_significance,
    study_refs,
    text_field,
)
from reanalysis.ledger.verdicts import (
    NO_DIFFERENCE,
    OVERSTATED,
    SUPPORTED,
    WEAK,
    WRONG,
    Judgement,
)
from reanalysis.meta.pooling import has_forensic_flag

__all__ = ["BayesMcid", "WithinArmFacts", "same_at_precision", "within_arm_change"]

ROLES = ("intervention", "comparator")


@dataclasses.dataclass(frozen=True)
class BayesMcid:
    """The primary Bayesian analysis' P(effect > MCID), with its range over the reference SD."""

    prior: str
    prior_label: str
    p: float
    p_low: float
    p_high: float


@dataclasses.dataclass(frozen=True)
class WithinArmFacts:
    traced: tuple[StudyRef, ...]
    label: str  # the outcome as readers see it
    subgroup: str  # the subgroup the difference rests on (WHOLE: the whole trial)
    subgroup_label: str
    means: dict  # role -> (baseline, end) means of that arm
    arm_names: dict  # role -> the arm's name
    asserted: tuple[float, ...]
    mismatch: bool  # the asserted means are not the trial's
    md: float
    ci_low: float
    ci_high: float
    unit: str
    assumptions: str
    reported: tuple[tuple[str, float], ...]  # the reported between-arm statistics
    p_check: dict  # the effect row's p check (effects.reported.p_check_phrase reads it)
    p_by_construction: bool
    mcid: float
    p_mcid: float  # flat prior, this trial's figures alone
    bayes: BayesMcid | None
    comparator_worse: bool  # the comparator arm got worse (lower is better)
    second_hand: bool  # the subgroup's figures come from a secondary summary


def same_at_precision(asserted: list[float], data: list[float]) -> bool:
    """The asserted figures equal the data's once the data are rounded to the asserted figure's
    own decimals (an article writing 7.8 for a reported 7.84 is right)."""
    if len(asserted) != len(data):
        return False

    def decimals(x: float) -> int:
        text = f"{x:.10g}"
        return len(text.split(".")[1]) if "." in text else 0

    return all(
        round(d, decimals(a)) == round(a, decimals(a))
        for a, d in zip(sorted(asserted), sorted(data), strict=True)
    )


def _bayes_mcid(ev: Evidence, outcome: str) -> BayesMcid | None:
    """The first exact posterior of a controlled set whose MCID outcome is ``outcome``."""
    if ev.bayes.empty or "set" not in ev.bayes.columns:
        return None
    sets = ev.config["meta_analysis"]["sets"]
    hit = ev.bayes[
        ev.bayes["set"].map(
            lambda s: (
                sets.get(s, {}).get("mcid_outcome") == outcome
                and sets.get(s, {}).get("controlled_only", False)
            )
        )
    ]
    if hit.empty:
        return None
    b = hit.iloc[0]
    return BayesMcid(
        b["prior"],
        b.get("prior_label") or b["prior"],
        b["p_mu_gt_mcid"],
        b["p_mu_gt_mcid_sd_low"],
        b["p_mu_gt_mcid_sd_high"],
    )


def within_arm_change(claim, ev: Evidence) -> Judgement:
    """A before/after figure from one trial: checks the asserted means, then judges the
    between-arm difference in change against placebo and the MCID."""
    sid, outcome = claim["study_id"], claim["outcome"]
    study = ev.study(sid)
    if study is None or not is_true(study["controlled"]):
        deferred = effect(claim, ev)
        return dataclasses.replace(deferred, branch="within_arm_change.no_comparator/" + deferred.branch)
    eff = ev.effects[
        (ev.effects["study_id"] == sid)
        & (ev.effects["outcome"] == outcome)
        & (ev.effects["estimand"] == "between_change")
        & ~has_forensic_flag(ev.effects)
        & ev.effects["md"].notna()
    ]
    eff = eff.assign(w=(eff["subgroup"] != WHOLE)).sort_values("w")
    r = eff.iloc[0]
    sub = r["subgroup"]
    means = {role: arm_means(ev, sid, sub, outcome, role) for role in ROLES}
    asserted = asserted_numbers(claim)
    mismatch = bool(asserted) and not same_at_precision(asserted, means["intervention"])
    se = np.sqrt(r["md_var"])
    lo, hi = md_interval(r["md"], r["md_var"], r.get("md_df", np.nan), 1.0 - ev.alpha)
    mcid = ev.config["mcid"].get(outcome, {}).get("value", np.nan)
    p_mcid = float(stats.norm.sf(mcid, loc=r["md"], scale=se)) if np.isfinite(mcid) else np.nan
    reported = ev.summary[
        (ev.summary["study_id"] == sid)
        & (ev.summary["subgroup"] == sub)
        & (ev.summary["outcome"] == outcome)
        & (ev.summary["arm"] == BETWEEN)
    ]
    sig = reported_significance(reported, ev.alpha)
    if sig is None:
        sig = bool(lo > 0)
    bayes = _bayes_mcid(ev, outcome)
    p_meaningful = float(bayes.p) if bayes is not None else p_mcid
    if mismatch:
        verdict, branch = WRONG, "within_arm_change.asserted_means_differ"
    elif not sig:
        verdict, branch = NO_DIFFERENCE, "within_arm_change.no_significant_difference"
    elif sub != WHOLE and claim.get("scope") != "subgroup":
        verdict, branch = OVERSTATED, "within_arm_change.subgroup_presented_as_general"
    elif flag(claim.get("asserts_meaningful")) and not p_meaningful >= 0.5:
        verdict, branch = OVERSTATED, "within_arm_change.meaningful_unlikely"
    elif sub != WHOLE:
        verdict, branch = WEAK, "within_arm_change.significant_in_subgroup"
    else:
        verdict, branch = SUPPORTED, "within_arm_change.significant"
    cs = means["comparator"]
    second_hand = (
        ev.summary.loc[ev.summary["study_id"] == sid]
        .query("subgroup == @sub and outcome == @outcome")["status"]
        .eq("second-hand")
        .any()
    )
    facts = WithinArmFacts(
        traced=study_refs(ev, [sid]),
        label=outcome_labels(claim).get(outcome, outcome),
        subgroup=sub,
        subgroup_label=text_field(claim, "subgroup_label"),
        means=means,
        arm_names={role: arm_name(ev, sid, role) for role in ROLES},
        asserted=tuple(asserted),
        mismatch=mismatch,
        md=r["md"],
        ci_low=lo,
        ci_high=hi,
        unit=md_unit(r.get("instrument"), ev.instruments),
        assumptions=r["assumptions"],
        reported=tuple(zip(reported["statistic"], reported["value"], strict=True)),
        p_check={k: r.get(k) for k in ("p_check", "p_n_low", "p_n_high", "p_check_detail")},
        p_by_construction=r.get("p_check") == P_BY_CONSTRUCTION,
        mcid=mcid,
        p_mcid=p_mcid,
        bayes=bayes,
        comparator_worse=bool(
            len(cs) >= 2 and cs[-1] > cs[0] and ev.summary.loc[reported.index, "lower_is_better"].all()
        ),
        second_hand=bool(second_hand),
    )
    return Judgement(verdict, branch, facts, r["md"], lo, hi, p_mcid)
