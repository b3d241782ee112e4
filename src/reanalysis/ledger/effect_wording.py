"""The sentences of claims about trial results, rendered from their typed facts: effect claims
(each outcome's status in the case's comparator words, the pooled estimate that decided it, the
studies it leaves out and why, later evidence; :func:`effect_texts`), a trial's before/after
figures (:func:`within_arm_texts`) and a subgroup result (:func:`subgroup_texts`). Each returns
the ledger's (traced_to, numbers, plain); :func:`reanalysis.ledger.wording.render` picks one.
"""

from __future__ import annotations

from reanalysis.effects.assumptions import LEVEL
from reanalysis.effects.intervals import ci_label
from reanalysis.effects.notes import in_unit
from reanalysis.effects.reported import p_check_phrase
from reanalysis.ledger.effect_claims import (
    BENEFIT,
    HARM,
    MEASURED,
    MIXED,
    NO_RESULT_FOUND,
    NO_RESULTS,
    NODIFF,
    SUB_BENEFIT,
    SUB_NODIFF,
    SUB_ONLY,
    UNCONTROLLED,
    UNCONTROLLED_ONLY,
    WHOLE_NULL_SUB,
    EffectFacts,
    Finding,
)
from reanalysis.ledger.evidence import WHOLE
from reanalysis.ledger.phrases import chance, fmt_ci, join, traced, with_range
from reanalysis.ledger.pooled import PooledEstimate
from reanalysis.ledger.subgroups import SubgroupFacts
from reanalysis.ledger.trends import TREND_AS_CLAIMED, TREND_NOT_ESTIMABLE, TrendFacts
from reanalysis.ledger.within_arm import WithinArmFacts
from reanalysis.meta.method_names import interval_name

__all__ = [
    "effect_texts",
    "finding_text",
    "left_out_reason",
    "pooled_text",
    "status_sentence",
    "subgroup_texts",
    "trend_texts",
    "within_arm_texts",
]


def finding_text(f: Finding) -> str:
    """'T 2020: benefit [computed difference 1.20 points (95% CI 0.10 to 2.30)]'."""
    b = f.basis
    if b is None:
        return f"{f.who}: {f.cls}"
    if b.source == "reported":
        basis = "reported " + ", ".join(f"{s} {v:g}" for s, v in b.statistics)
    elif b.source == "computed_md":
        basis = (
            f"computed difference {in_unit(f'{b.estimate:.2f}', b.unit)} "
            f"({ci_label(LEVEL)} {b.ci_low:.2f} to {b.ci_high:.2f})"
        )
    else:
        basis = "computed SMD " + fmt_ci(b.estimate, b.ci_low, b.ci_high)
    if b.subgroup != WHOLE:
        basis = f"{b.subgroup} subgroup, {basis}"
    return f"{f.who}: {f.cls} [{basis}]"


def pooled_text(
    rows: tuple[PooledEstimate, ...],
    level: float,
    knha: bool,
    other_methods: tuple[PooledEstimate, ...] = (),
    beside: bool = True,
) -> str:
    """The primary pooled estimate first (primary method, first set), then (``beside``) the other
    methods and sets: 'MD 15.11 days (95% CI -6.11 to 36.32; REML + KNHA, k = 9); other analyses:
    ...'."""
    interval = interval_name(knha)
    names = {"ROM": "log ratio of means"}
    label = ci_label(level)

    def one(r: PooledEstimate, full=False):
        return (
            f"{names.get(r.measure, r.measure)} {in_unit(f'{r.mu:.2f}', r.unit)} ({label} "
            f"{r.ci_low:.2f} to {r.ci_high:.2f}; {r.method}"
            f"{', ' + interval if full else ''}, k = {r.k:.0f})"
        )

    if not beside:
        return one(rows[0], full=True)
    more = [one(r) for r in other_methods] + [one(r) for r in rows[1:]]
    return one(rows[0], full=True) + (
        ("; other analyses (same interval): " + "; ".join(more)) if more else ""
    )


def status_sentence(
    status: str,
    comparator: str,
    who: str = "",
    pooled: bool = False,
    trials: int = 1,
    level: float = 0.95,
) -> str:
    """One outcome's status in plain words, in the case's comparator words (``pooled``: the status
    is that of the trials' pooled estimate; ``trials``: how many controlled trials it rests on)."""
    c = comparator
    if status == NODIFF and trials > 1 and not pooled:
        return f"{trials} trials with a {c} group found no significant difference from {c}"
    if pooled:
        return {
            BENEFIT: f"the trials with a {c} group, pooled, show a benefit",
            HARM: f"the trials with a {c} group, pooled, show it worse than {c}",
            NODIFF: f"the trials with a {c} group, pooled, show no clear difference from {c} "
            f"(the {ci_label(level, 'confidence interval')} includes no difference)",
        }[status]
    return {
        BENEFIT: f"evidence from trials with a {c} group shows a benefit",
        NODIFF: f"a trial with a {c} group found no significant difference from {c}",
        HARM: f"evidence from trials with a {c} group shows it worse than {c}",
        MIXED: f"results against {c} disagree",
        SUB_ONLY: f"a benefit over {c} appears only in a group of patients picked within one "
        "trial, not in the whole trial",
        WHOLE_NULL_SUB: f"the trial found no significant difference from {c} in all its "
        "patients; a benefit appears only in a group of patients picked within it",
        NO_RESULTS: f"the results against {c} of {who or 'the controlled trial'} could not be "
        f"found; any improvement reported comes from studies without a {c} group",
        UNCONTROLLED_ONLY: f"improvement was reported only in studies without a {c} group",
        MEASURED: f"{who or 'a study'} measured it (without a {c} group) but report no result for it",
        NO_RESULT_FOUND: "no study in our sources reports a result for it",
    }.get(status, status)


def left_out_reason(cls: str, comparator: str) -> str:
    """Why a study with this class of evidence is not in a pooled estimate of whole-sample
    controlled effects, in readers' words."""
    if cls in (UNCONTROLLED, MEASURED):
        return f"no {comparator} group"
    if cls in (SUB_BENEFIT, SUB_NODIFF):
        return "results only for a group of patients picked within it"
    return "no whole-sample result that could be pooled"


def _point_text(p) -> str:
    names = {"ROM": "log ratio of means"}
    value = in_unit(f"{p.estimate:.2f}", p.unit)
    return f"{p.who} ({p.label}): {names.get(p.measure, p.measure)} {value}"


def trend_texts(t: TrendFacts, lead: str = "") -> tuple[str, str]:
    """(numbers, plain) of a claimed trend checked against the point estimates (benefit
    positive): 'trend claimed: favours drug X; point estimate ...: ...' and, after ``lead``
    (default: the non-significance, as claimed), 'the point estimate favours control, not drug X
    (...).'"""
    said = "; ".join(_point_text(p) for p in t.points)
    numbers = f"trend claimed: favours {t.claimed}; point estimate (benefit positive): " + (
        said or "none found"
    )
    if t.outcome == TREND_NOT_ESTIMABLE:
        clause = f"no point estimate was found to check the claimed trend towards {t.claimed}"
    elif t.outcome == TREND_AS_CLAIMED:
        clause = f"the point estimate favours {t.claimed}, as claimed ({said})"
    elif all(p.favours == t.other for p in t.points):
        clause = f"the point estimate favours {t.other}, not {t.claimed} ({said})"
    elif all(not p.favours for p in t.points):
        clause = f"the point estimate favours neither {t.claimed} nor {t.other} ({said})"
    else:
        clause = f"the point estimates do not all favour {t.claimed} ({said})"
    if not lead:
        lead = "Not significant, as claimed, " + ("and " if t.outcome == TREND_AS_CLAIMED else "but ")
    return numbers, f"{lead}{clause}."


def effect_texts(f: EffectFacts) -> tuple[str, str, str]:
    """(traced_to, numbers, plain) of an effect claim; outcomes with the same status (and the
    same pooled-or-not) share one sentence."""
    comp, numbers, plain, later_said = f.comparator, [], [], []
    by_status: dict[tuple[str, bool], list[str]] = {}
    trials_of: dict[tuple[str, bool], int] = {}
    who_of: dict[str, set[str]] = {}
    pooled_said, left_out_said = [], []
    for o in f.outcomes:
        for x in o.used:
            if x.cls in (NO_RESULTS, MEASURED):
                who_of.setdefault(o.status, set()).add(x.who)
        key = (o.status, o.decided_by_pool)
        by_status.setdefault(key, []).append(o.label)
        trials_of[key] = min(trials_of.get(key, o.trials), o.trials)
        text = f"{o.outcome}: {o.status}"
        if o.decided_by_pool:
            said = pooled_text(o.pooled, f.level, f.knha, o.other_methods)
            text += f" (pooled, {o.set_label}: {said})"
            pooled_said.append(f"{o.label}, {pooled_text(o.pooled, f.level, f.knha, beside=False)}")
            if o.left_out:
                left_out_said.append(
                    f"the pooled estimate for {o.label} leaves out "
                    + join([f"{x.who} ({left_out_reason(x.cls, comp)})" for x in o.left_out])
                )
        if o.used:
            text += " (" + "; ".join(finding_text(x) for x in o.used) + ")"
        if o.later:
            text += f"; published after the claim ({f.claim_year:.0f}), not used: " + "; ".join(
                finding_text(x) for x in o.later
            )
            later_said += [f"{x.who} ({o.label}: {x.cls})" for x in o.later]
        numbers.append(text)
    for (st, was_pooled), outs in by_status.items():
        who = join(sorted(who_of[st])) if who_of.get(st) else ""
        plain.append(
            f"For {join(outs)}, "
            f"{status_sentence(st, comp, who, was_pooled, trials_of[st, was_pooled], f.level)}."
        )
    if pooled_said:
        plain.append("The primary analysis: " + "; ".join(pooled_said) + ".")
    if left_out_said:
        said = "; ".join(left_out_said)
        plain.append(said[0].upper() + said[1:] + ".")
    if f.trend is not None:
        trend_numbers, trend_plain = trend_texts(f.trend)
        numbers.append(trend_numbers)
        plain.append(trend_plain)
    if later_said:
        plain.append(
            f"Published after the sentence ({f.claim_year:.0f}) and so not used "
            "for the verdict: " + "; ".join(later_said) + "."
        )
    return traced(f.traced), "; ".join(numbers), " ".join(plain)


def within_arm_texts(f: WithinArmFacts) -> tuple[str, str, str]:
    """(traced_to, numbers, plain) of a trial's before/after figures."""
    p_text = ", ".join(f"{s} {v:g}" for s, v in f.reported)
    parts = [
        f"{role} arm means (baseline, end): " + ", ".join(f"{m:g}" for m in ms)
        for role, ms in f.means.items()
        if ms
    ]
    diff, notice = in_unit(f"{abs(f.md):.1f}", f.unit), in_unit(f"{f.mcid:g}", f.unit)
    parts += [
        f"difference in change vs comparator {in_unit(fmt_ci(f.md, f.ci_low, f.ci_high, 1), f.unit)} "
        f"({f.subgroup} subgroup; {f.assumptions})",
        f"reported between-arm {p_text}" if p_text else "no reported between-arm test",
        *([checked] if (checked := p_check_phrase(f.p_check)) else []),
    ]
    b = f.bayes
    if b is not None:  # the project's primary analysis first, with its range
        parts.append(
            f"MCID {notice}: Bayesian (prior {b.prior}, primary): P(effect > MCID) = "
            f"{b.p:.2f} ({b.p_low:.2f} to {b.p_high:.2f} over the reference-SD range)"
        )
    parts.append(
        f"MCID {notice}: P(difference > MCID) = {f.p_mcid:.2f} (flat prior, this trial's figures alone)"
    )
    ms, cs, arm = f.means["intervention"], f.means["comparator"], f.arm_names
    plain = (
        f"On {arm['intervention']}, {f.label} went from {ms[0]:g} to {ms[-1]:g}"
        if len(ms) >= 2
        else f"On {arm['intervention']}, {f.label} changed"
    )
    if len(cs) >= 2:
        plain += f"; on {arm['comparator']} from {cs[0]:g} to {cs[-1]:g}"
    plain += (
        f". The difference between the groups was {diff}; a change "
        f"patients notice is about {notice}, and the chance that the true "
        "difference is that large is "
    )
    if b is not None:
        plain += (
            with_range(
                b.p,
                b.p_low,
                b.p_high,
                "over the assumed range of the reference SD that converts the threshold",
            )
            + f" in the project's primary Bayesian analysis ({b.prior_label}); from "
            f"this trial's figures alone with a flat prior it is {chance(f.p_mcid)}."
        )
    else:
        plain += f"{chance(f.p_mcid)} (flat prior, this trial's figures alone)."
    if f.comparator_worse:
        plain += f" Part of the difference comes from the {arm['comparator']} group getting worse."
    if f.subgroup != WHOLE:
        group = f.subgroup_label or "a subgroup"
        plain += (
            f" These numbers exist only for {group}, not for the whole "
            "trial, and come from a secondary summary, not the trial's abstract."
            if f.second_hand
            else f" These numbers exist only for {group}, not for the whole trial."
        )
    if f.p_by_construction:
        plain += (
            " No sample size was reported: it was worked out from the reported p-value, so "
            "that p-value cannot confirm these figures."
        )
    if f.mismatch:
        plain = (
            f"The article's figures ({', '.join(f'{v:g}' for v in f.asserted)}) do not match "
            f"the trial's ({', '.join(f'{v:g}' for v in ms)}). "
        ) + plain
    return traced(f.traced), "; ".join(parts), plain


def subgroup_texts(f: SubgroupFacts) -> tuple[str, str, str]:
    """(traced_to, numbers, plain) of a result found in a subgroup of one trial."""
    labels = f.labels
    parts = [
        f"{o}: significant in a subgroup: {'yes' if v else 'no'}"
        for o, v in f.significant_in_subgroup.items()
    ]
    parts += [f"{o}, whole sample: p = {p:.2f}" for o, p in f.whole_p.items()]
    parts += [f"{c}: {answer} ({str(evidence).rstrip('.')})" for c, answer, evidence in f.credibility]
    sh = f.shrinkage
    if sh is not None:
        parts.append(
            f"subgroup g {sh.g_sub:.2f} shrinks to {sh.mean:.2f} "
            f"(95% CrI {sh.q025:.2f} to {sh.q975:.2f})"
        )
    if f.flags:
        parts.append("forensics: " + "; ".join(f.flags))
    plain = []
    if f.whole_p:
        plain.append(
            "In the whole trial, "
            + join(
                [
                    f"{labels[o]} did not differ from {f.comparator} (p = {p:.2f})"
                    if p >= f.alpha
                    else f"{labels[o]} differed from {f.comparator} (p = {p:.2f})"
                    for o, p in f.whole_p.items()
                ]
            )
            + "."
        )
    benefits = [labels[o] for o, v in f.significant_in_subgroup.items() if v]
    plain.append(
        "The reported benefit"
        + (f" ({join(benefits)})" if benefits else "")
        + f" is only in {f.subgroup_label or 'a subgroup'}."
    )
    plain.append(
        {
            "no": "That group was chosen after the results were in.",
            "yes": "That group was planned in advance.",
        }.get(f.planned, "Whether that group was planned in advance is not reported.")
    )
    if f.chance_rate is not None:
        plain.append(
            f"With as many comparisons as this trial made, a chance 'finding' like it "
            f"turns up in about {f.chance_rate:.0%} of trials of a treatment that does nothing."
        )
    if f.trend is not None:
        trend_numbers, trend_plain = trend_texts(f.trend, lead="In the whole trial, ")
        parts.append(trend_numbers)
        plain.append(trend_plain)
    if f.flags:
        plain.append(
            "One of the numbers reported for this group cannot be right (see 'Figures "
            "that cannot be right')."
        )
    return traced(f.traced), "; ".join(parts), " ".join(plain)
