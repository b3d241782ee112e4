"""The rule for claims about effects (``effect``; ``first_of_kind`` and ``within_arm_change`` defer
to it): each claimed outcome's evidence, study by study (:func:`outcome_evidence`: a reported
between-arm test, else the pipeline's computed effect, or why there is none), the pooled estimates
that can decide it (:mod:`reanalysis.ledger.pooled`), the outcome's status
(:func:`outcome_status`) and the verdict from the statuses of all claimed outcomes
(:func:`effect_verdict`, which also names the branch that fired; a claimed trend is checked by
:mod:`reanalysis.ledger.trends`). The facts come back typed (:class:`EffectFacts`); the sentences
are :mod:`reanalysis.ledger.wording`'s.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from scipy import stats

from reanalysis.data.vocabulary import NOT_REPORTED
from reanalysis.effects.assumptions import LEVEL
from reanalysis.effects.notes import md_unit
from reanalysis.ledger.evidence import (
    BETWEEN,
    WHOLE,
    Evidence,
    StudyRef,
    claim_year,
    comparator_word,
    is_later,
    is_true,
    outcome_labels,
    reported_significance,
    split_list,
    study_name,
    study_refs,
)
from reanalysis.ledger.pooled import PooledEstimate, other_methods, pooled_evidence
from reanalysis.ledger.trends import TrendFacts, TrendPoint, trend_decision, trend_facts
from reanalysis.ledger.verdicts import (
    CONTRADICTED,
    NEVER_TESTED,
    NO_DIFFERENCE,
    OVERSTATED,
    SUPPORTED,
    UNTRACEABLE,
    WEAK,
    Decision,
    Judgement,
)
from reanalysis.meta.pooling import has_forensic_flag

__all__ = [
    "BENEFIT",
    "HARM",
    "MEASURED",
    "MIXED",
    "NODIFF",
    "NO_RESULTS",
    "NO_RESULT_FOUND",
    "SUB_BENEFIT",
    "SUB_NODIFF",
    "SUB_ONLY",
    "UNCONTROLLED",
    "UNCONTROLLED_ONLY",
    "WHOLE_NULL_SUB",
    "Basis",
    "EffectFacts",
    "Finding",
    "OutcomeFacts",
    "computed_effect",
    "effect",
    "effect_verdict",
    "outcome_evidence",
    "outcome_status",
    "pooled_class",
    "outcome_points",
    "study_point",
]


# classes of one study's evidence on one outcome
BENEFIT, NODIFF, HARM, SUB_BENEFIT, SUB_NODIFF, UNCONTROLLED, NO_RESULTS, MEASURED = (
    "benefit",
    "no difference",
    "harm",
    "subgroup benefit",
    "subgroup no difference",
    "uncontrolled improvement",
    "results not found",
    "measured, no result reported",
)
# statuses of one outcome (what the classes of all its studies, or a pooled estimate, say)
MIXED, SUB_ONLY, WHOLE_NULL_SUB, UNCONTROLLED_ONLY, NO_RESULT_FOUND = (
    "mixed",
    "subgroup only",
    "no difference overall, benefit in a subgroup",
    "uncontrolled only",
    "no result found",
)


@dataclasses.dataclass(frozen=True)
class Basis:
    """What a controlled study's class rests on: its reported between-arm statistics
    (``source`` 'reported'), or the pipeline's computed mean difference in the instrument's unit
    ('computed_md') or SMD ('computed_smd') with its 95% CI; ``subgroup`` the subgroup judged."""

    source: str
    statistics: tuple[tuple[str, float], ...] = ()
    estimate: float = np.nan
    ci_low: float = np.nan
    ci_high: float = np.nan
    unit: str = ""
    subgroup: str = WHOLE


@dataclasses.dataclass(frozen=True)
class Finding:
    """One study's evidence on one outcome: its class, what the class rests on, and whether the
    study was published after the claim (then it is shown as later evidence, never used)."""

    cls: str
    who: str
    basis: Basis | None = None
    later: bool = False
    study_id: str = ""


@dataclasses.dataclass(frozen=True)
class OutcomeFacts:
    """One claimed outcome: its status and the findings, pooled estimates and left-out studies
    behind it. ``pooled`` are the estimates that decide it (the first is the primary analysis)
    where ``decided_by_pool``; ``other_methods`` the first set under the other methods."""

    outcome: str
    label: str
    status: str
    used: tuple[Finding, ...]
    later: tuple[Finding, ...]
    trials: int  # controlled studies with a whole-sample result
    decided_by_pool: bool
    set_label: str = ""
    pooled: tuple[PooledEstimate, ...] = ()
    other_methods: tuple[PooledEstimate, ...] = ()
    left_out: tuple[Finding, ...] = ()


@dataclasses.dataclass(frozen=True)
class EffectFacts:
    outcomes: tuple[OutcomeFacts, ...]
    traced: tuple[StudyRef, ...]  # the studies the claim lists
    claim_year: float
    comparator: str
    level: float  # of pooled intervals
    knha: bool
    trend: TrendFacts | None = None  # where the claim asserts a non-significant trend


NULL_FOUND = "effect.null_claimed.no_difference_found"  # the branch a trend check refines


def computed_effect(ev: Evidence, sid: str, outcome: str, subgroup: str) -> tuple | None:
    """The pipeline's between-arm effect for one study x subgroup x outcome (results/
    effect_sizes.csv; effects resting on a forensically flagged figure are not used):
    (class, :class:`Basis`) from its study-level interval (:data:`LEVEL`, 95%), benefit positive:
    the mean difference in the instrument's unit where computed (the effect table's
    ``md_ci_low``/``md_ci_high``), else the SMD ± z_{(1+LEVEL)/2} sqrt(vi)."""
    e = ev.effects
    if e.empty:
        return None
    hit = e[
        (e["study_id"] == sid)
        & (e["outcome"] == outcome)
        & (e["subgroup"] == subgroup)
        & e["estimand"].astype(str).str.startswith(BETWEEN)
        & ~has_forensic_flag(e)
    ]
    if hit.empty:
        return None
    r = hit.iloc[0]
    z = stats.norm.ppf(0.5 + LEVEL / 2)
    if pd.notna(r.get("md")) and pd.notna(r.get("md_ci_low")) and pd.notna(r.get("md_ci_high")):
        est, lo, hi = float(r["md"]), float(r["md_ci_low"]), float(r["md_ci_high"])
        unit = md_unit(r.get("instrument"), ev.instruments)
        basis = Basis("computed_md", (), est, lo, hi, unit, subgroup)
    elif pd.notna(r.get("yi")) and pd.notna(r.get("vi")):
        est = float(r["yi"])
        lo, hi = est - z * np.sqrt(r["vi"]), est + z * np.sqrt(r["vi"])
        basis = Basis("computed_smd", (), est, lo, hi, "", subgroup)
    else:
        return None
    cls = BENEFIT if lo > 0 else HARM if hi < 0 else NODIFF
    return cls, basis


def outcome_evidence(
    ev: Evidence, study_ids: list[str], outcome: str, listed: bool, claim=None
) -> list[Finding]:
    """Each study's evidence on one outcome. A controlled study is judged per subgroup on its
    reported between-arm test where there is one, else on the pipeline's computed effect; one with
    figures for the outcome but neither, or (where the claim names it) with no figures at all, is
    'results not found'. A study without a comparator group reports an improvement where it gives
    a within-arm figure, and 'measured, no result reported' where its rows for the outcome carry
    no figure (the source says it was measured). No row: nothing is said about the study."""
    found = []
    for sid in study_ids:
        study = ev.study(sid)
        if study is None:
            continue
        later, who = is_later(study, claim), study_name(study)
        rows = ev.summary[(ev.summary["study_id"] == sid) & (ev.summary["outcome"] == outcome)]
        if is_true(study["controlled"]):
            between = rows[rows["arm"] == BETWEEN]
            computed = (
                ev.effects[(ev.effects["study_id"] == sid) & (ev.effects["outcome"] == outcome)]
                if not ev.effects.empty
                else ev.effects
            )
            subs = list(
                dict.fromkeys([*between["subgroup"], *computed.get("subgroup", pd.Series(dtype=object))])
            )
            judged = False
            for sub in sorted(subs, key=lambda s: s != WHOLE):
                grp = between[between["subgroup"] == sub]
                sig = reported_significance(grp, ev.alpha) if not grp.empty else None
                if sig is not None:
                    said = tuple(
                        (s, float(v))
                        for s, v in zip(grp["statistic"], grp["value"], strict=True)
                        if pd.notna(v)
                    )
                    cls, basis = (BENEFIT if sig else NODIFF), Basis("reported", said, subgroup=sub)
                elif (hit := computed_effect(ev, sid, outcome, sub)) is not None:
                    cls, basis = hit
                else:
                    continue
                if sub != WHOLE:
                    cls = SUB_BENEFIT if cls == BENEFIT else SUB_NODIFF
                found.append(Finding(cls, who, basis, later, sid))
                judged = True
            if not judged and (
                not rows.empty or (listed and ev.summary[ev.summary["study_id"] == sid].empty)
            ):
                found.append(Finding(NO_RESULTS, who, None, later, sid))
        else:
            within = rows[rows["arm"] != BETWEEN]
            # a measured outcome with no result reported (statistic not_reported) is no reported
            # improvement: 'measured, no result reported'
            results = within[within["value"].notna() & ~within["statistic"].isin([NOT_REPORTED, "n"])]
            if not results.empty:
                found.append(Finding(UNCONTROLLED, who, None, later, sid))
            elif not within.empty:
                found.append(Finding(MEASURED, who, None, later, sid))
    return found


def pooled_class(row: PooledEstimate) -> str:
    """Benefit / harm where the pooled 95% CI excludes the null (benefit positive; log ratio of
    means: null 0 too), else no difference."""
    return BENEFIT if row.ci_low > 0 else HARM if row.ci_high < 0 else NODIFF


def outcome_status(classes: set[str], scope, pooled: str | None = None) -> str:
    """Collapse one outcome's evidence into a status. A pooled estimate of the trials decides a
    claim about everyone; a claim about a subgroup is judged on the subgroup results; any other on
    the whole sample first (a whole-sample null beside a subgroup benefit is its own status)."""
    if pooled is not None and scope != "subgroup":
        return pooled
    if scope == "subgroup" and classes & {SUB_BENEFIT, SUB_NODIFF}:
        return SUB_ONLY if SUB_BENEFIT in classes else NODIFF
    if BENEFIT in classes and classes & {NODIFF, HARM}:
        return MIXED
    if BENEFIT in classes:
        return BENEFIT
    if HARM in classes:
        return HARM
    if NODIFF in classes:
        return WHOLE_NULL_SUB if SUB_BENEFIT in classes else NODIFF
    if SUB_BENEFIT in classes:
        return SUB_ONLY
    if SUB_NODIFF in classes:
        return NODIFF
    if NO_RESULTS in classes:
        return NO_RESULTS
    if UNCONTROLLED in classes:
        return UNCONTROLLED_ONLY
    if MEASURED in classes:
        return MEASURED
    return NO_RESULT_FOUND


def effect_verdict(statuses: list[str], direction: str, scope) -> Decision:
    """The verdict rule for claims about effects (see VERDICTS), with the branch that fired; it
    reads only the statuses, so claims resting on the same evidence get the same verdict."""
    s = set(statuses)
    null = {NODIFF, WHOLE_NULL_SUB}
    untested = {NO_RESULT_FOUND, UNCONTROLLED_ONLY, MEASURED}
    if direction == "no difference":
        if s <= null:
            return Decision(SUPPORTED, NULL_FOUND)
        if s & {BENEFIT, MIXED, HARM}:
            return Decision(CONTRADICTED, "effect.null_claimed.difference_found")
        if s & null:
            return Decision(WEAK, "effect.null_claimed.partly_tested")
        return Decision(UNTRACEABLE, "effect.null_claimed.never_tested")
    if s == {BENEFIT}:
        return Decision(SUPPORTED, "effect.benefit")
    if s == {HARM}:
        return Decision(CONTRADICTED, "effect.harm")
    if s == {NODIFF}:
        return Decision(NO_DIFFERENCE, "effect.no_difference")
    if s <= untested:
        return Decision(NEVER_TESTED, "effect.never_tested")
    if s <= untested | {NO_RESULTS}:
        return Decision(WEAK, "effect.controlled_results_not_found")
    if s == {SUB_ONLY} and scope == "subgroup":
        return Decision(WEAK, "effect.subgroup_claimed_for_subgroup")
    return Decision(OVERSTATED, "effect.stronger_than_evidence")


def study_point(ev: Evidence, sid: str, outcome: str, label: str, who: str) -> TrendPoint | None:
    """One study's computed whole-sample effect on one outcome as a point estimate (benefit
    positive): the mean difference in the instrument's unit where computed, else the SMD."""
    hit = computed_effect(ev, sid, outcome, WHOLE)
    if hit is None:
        return None
    b = hit[1]
    measure, unit = ("MD", b.unit) if b.source == "computed_md" else ("SMD", "")
    return TrendPoint(label, who, measure, unit, b.estimate)


def outcome_points(ev: Evidence, o: OutcomeFacts) -> list[TrendPoint]:
    """The point estimates of one claimed outcome of an effect claim: the primary pooled estimate
    where a pool decided it, else each used controlled study's computed whole-sample effect."""
    if o.decided_by_pool:
        r = o.pooled[0]
        return [TrendPoint(o.label, o.set_label, r.measure, r.unit, float(r.mu))]
    found = [
        study_point(ev, f.study_id, o.outcome, o.label, f.who)
        for f in o.used
        if f.cls in (BENEFIT, NODIFF, HARM)
    ]
    return [p for p in found if p is not None]


def _outcome_facts(ev: Evidence, claim, ids, in_time, listed, outcome, label) -> OutcomeFacts:
    scope = claim.get("scope")
    found = outcome_evidence(ev, ids, outcome, listed, claim)
    used = tuple(f for f in found if not f.later)
    later = tuple(f for f in found if f.later)
    pooled = pooled_evidence(ev, outcome, in_time)
    # a pooled estimate decides only where it pools every trial with a whole-sample result
    tested = {f.study_id for f in used if f.cls in (BENEFIT, NODIFF, HARM)}
    pooled = [r for r in pooled if tested <= r.members]
    status = outcome_status({f.cls for f in used}, scope, pooled_class(pooled[0]) if pooled else None)
    base = OutcomeFacts(outcome, label, status, used, later, len(tested), False)
    if not (pooled and scope != "subgroup"):
        return base
    left = {}
    for f in used:
        if f.study_id and f.study_id not in pooled[0].members:
            left.setdefault(f.study_id, f)
    spec = ev.config["meta_analysis"]["sets"][pooled[0].set_name]
    return dataclasses.replace(
        base,
        decided_by_pool=True,
        set_label=spec.get("label") or pooled[0].set_name,
        pooled=tuple(pooled),
        other_methods=other_methods(ev, pooled[0]),
        left_out=tuple(left.values()),
    )


def effect(claim, ev: Evidence) -> Judgement:
    """The rule of claim type ``effect``, judged per claimed outcome. Studies published after the
    claim are listed as later evidence and do not decide the verdict; the branch ends in '.pooled'
    where a pooled estimate decided an outcome."""
    listed = split_list(claim.get("study_id"))
    ids = listed or list(ev.studies.loc[ev.studies["role"] == "intervention", "study_id"])
    in_time = [s for s in ids if not is_later(ev.study(s), claim)]
    outcomes = tuple(
        _outcome_facts(ev, claim, ids, in_time, bool(listed), o, label)
        for o, label in outcome_labels(claim).items()
    )
    decision = effect_verdict(
        [o.status for o in outcomes], claim.get("direction") or "benefit", claim.get("scope")
    )
    trend = None
    if decision.branch == NULL_FOUND and (
        trend := trend_facts(ev, claim, {o.outcome: outcome_points(ev, o) for o in outcomes})
    ):
        decision = trend_decision(decision, trend)
    facts = EffectFacts(
        outcomes,
        study_refs(ev, ids if listed else []),
        claim_year(claim),
        comparator_word(ev),
        ev.level,
        bool(ev.config["meta_analysis"].get("knha")),
        trend,
    )
    pooled = any(o.decided_by_pool for o in outcomes)
    not_pooled = sorted({f.study_id for o in outcomes for f in o.left_out})
    return Judgement(
        decision.verdict,
        decision.branch + (".pooled" if pooled else ""),
        facts,
        studies_not_pooled=tuple(not_pooled),
    )
