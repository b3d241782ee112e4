"""The rules for claims that count: 'k of n studies found an improvement' (claim type
``vote_count``: traceable only where a source reports the count, then judged on the share of
studies without a comparator group and the placebo-controlled pooled estimate, beside what a vote
count gives under no effect) and 'x% of patients improved' from one study (``uncontrolled_
proportion``: year, design and figure as asserted? then the controlled studies of the same
question). Facts come back as :class:`VoteCountFacts` and :class:`ProportionFacts`; the
sentences are :mod:`reanalysis.ledger.wording`'s.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from scipy import stats

from reanalysis.ledger.evidence import (
    BETWEEN,
    Evidence,
    StudyRef,
    asserted_numbers,
    flag,
    is_true,
    reported_significance,
    study_name,
    study_refs,
    study_year,
    text_field,
)
from reanalysis.ledger.verdicts import (
    NEVER_TESTED,
    NO_DIFFERENCE,
    SUPPORTED,
    UNTRACEABLE,
    WEAK,
    WRONG,
    Judgement,
)

__all__ = [
    "ControlledStudy",
    "ProportionFacts",
    "VoteCountFacts",
    "uncontrolled_proportion",
    "vote_count",
]


@dataclasses.dataclass(frozen=True)
class VoteCountFacts:
    traced: tuple[StudyRef, ...]
    reason: str  # the claim's reason (why the count is not traceable)
    traceable: bool  # a source reports the count
    count_sources: tuple[str, ...]
    count_statuses: tuple[str, ...]
    vote: dict  # the vote count's summary row (vote_count/summary.csv)
    nonspecific: float  # assumed improvement on any treatment, SD
    nonspecific_range: tuple[float, float]
    controlled: tuple[float, float, float, float]  # the controlled set's mu, ci_low, ci_high, k
    level: float  # of the pooled interval
    note: str  # the review's own note (studies.csv)


@dataclasses.dataclass(frozen=True)
class ControlledStudy:
    """A controlled study of the same question and what it reports: an estimate with its CI
    (``estimate``), else its figures (``figures``: outcome, statistic, value); whether its
    between-arm test was significant, else a count on the treatment."""

    citation: str
    name: str
    instrument: str
    estimate: tuple[float, float, float] | None
    figures: tuple[tuple[str, str, float], ...]
    significant: bool | None
    count: tuple[float, float] | None  # (k, n) on the treatment


@dataclasses.dataclass(frozen=True)
class ProportionFacts:
    traced: tuple[StudyRef, ...]
    name: str
    design: str
    population: str
    k: int
    n: int
    ci_low: float
    ci_high: float
    year: float
    asserted_year: float | None  # where it differs from the study's
    no_placebo: bool  # the claim asserts a placebo group the study did not have
    asserted_share: float | None  # where it differs from k / n
    controlled: tuple[ControlledStudy, ...]


def vote_count(claim, ev: Evidence) -> Judgement:
    """'k of n studies': untraceable unless a source reports the count; otherwise judged on the
    share of uncontrolled studies and the placebo-controlled estimate."""
    if ev.vote.empty or "vote_count" not in ev.config:
        raise ValueError(
            "a vote-count claim needs the vote count: add a vote_count block to the case's config"
        )
    v = ev.vote.iloc[0]
    vc = ev.config["vote_count"]
    controlled = ev.pooled_set(vc["controlled_set"])
    ns = vc["nonspecific_improvement"]
    sid = claim["study_id"]
    count_rows = ev.summary[
        (ev.summary["study_id"] == sid) & ev.summary["statistic"].isin(["n", "count"])
    ]
    traceable = not count_rows.empty and (count_rows["status"] == "reported").all()
    study = ev.study(sid)
    note = str(study["note"]) if study is not None and isinstance(study.get("note"), str) else ""
    if not traceable:
        verdict, branch = UNTRACEABLE, "vote_count.count_not_reported"
    elif v["uncontrolled_studies"] > v["total"] / 2:
        verdict, branch = WEAK, "vote_count.mostly_uncontrolled"
    elif controlled["ci_low"] <= 0:
        verdict, branch = NO_DIFFERENCE, "vote_count.controlled_estimate_includes_no_difference"
    else:
        verdict, branch = SUPPORTED, "vote_count.controlled_estimate_shows_benefit"
    facts = VoteCountFacts(
        traced=study_refs(ev, [sid]),
        reason=text_field(claim, "reason"),
        traceable=bool(traceable),
        count_sources=tuple(count_rows["source"].unique()),
        count_statuses=tuple(count_rows["status"].unique()),
        vote=v.to_dict(),
        nonspecific=ns["value"],
        nonspecific_range=(ns["range"][0], ns["range"][1]),
        controlled=(controlled["mu"], controlled["ci_low"], controlled["ci_high"], controlled["k"]),
        level=ev.level,
        note=note,
    )
    return Judgement(verdict, branch, facts, v["share"], v["ci_low"], v["ci_high"])


def _controlled_study(ev: Evidence, c: pd.Series) -> ControlledStudy | None:
    rows = ev.summary[ev.summary["study_id"] == c["study_id"]]
    if rows.empty:
        return None
    by = rows.set_index("statistic")["value"]
    has_ci = {"estimate", "ci_low", "ci_high"} <= set(by.index)
    counts = rows[(rows["arm"] != BETWEEN) & (rows["statistic"] == "count")]
    return ControlledStudy(
        citation=str(c["citation"]),
        name=study_name(c),
        instrument=str(rows["instrument"].iloc[0]),
        estimate=(by["estimate"], by["ci_low"], by["ci_high"]) if has_ci else None,
        figures=tuple(zip(rows["outcome"], rows["statistic"], rows["value"], strict=True)),
        significant=reported_significance(rows[rows["arm"] == BETWEEN], ev.alpha),
        count=None if counts.empty else (counts["value"].iloc[0], counts["n"].iloc[0]),
    )


def uncontrolled_proportion(claim, ev: Evidence) -> Judgement:
    """'x% of patients' from one study: year, design and population as asserted? Then the
    placebo-controlled evidence on the same question (studies with the same role)."""
    sid = claim["study_id"]
    study = ev.study(sid)
    count = ev.summary[(ev.summary["study_id"] == sid) & (ev.summary["statistic"] == "count")]
    r = count.iloc[0]
    k, n = int(r["value"]), int(r["n"])
    ci = stats.binomtest(k, n).proportion_ci(method="exact")
    year = study_year(study)
    wrong_year = (
        pd.notna(claim.get("asserted_year"))
        and np.isfinite(year)
        and float(claim["asserted_year"]) != year
    )
    no_placebo = flag(claim.get("asserts_placebo")) and not is_true(study["controlled"])
    asserted = asserted_numbers(claim)
    wrong_share = bool(asserted) and abs(asserted[0] - k / n) > 0.005 + 0.5 / n
    same = (ev.studies["role"] == study["role"]) & ev.studies["controlled"].map(is_true)
    if "route" in ev.studies.columns and isinstance(study.get("route"), str):
        same &= ev.studies["route"] == study["route"]  # same question: same route of giving it
    controlled = [_controlled_study(ev, c) for _, c in ev.studies[same].iterrows()]
    if wrong_year or no_placebo or wrong_share:
        verdict, branch = WRONG, "uncontrolled_proportion.asserted_fact_wrong"
    elif not is_true(study["controlled"]):
        verdict, branch = NEVER_TESTED, "uncontrolled_proportion.no_comparator_group"
    else:
        verdict, branch = SUPPORTED, "uncontrolled_proportion.controlled_study"
    facts = ProportionFacts(
        traced=study_refs(ev, [sid]),
        name=study_name(study),
        design=str(study["design"]),
        population=str(study["population"]),
        k=k,
        n=n,
        ci_low=ci.low,
        ci_high=ci.high,
        year=year,
        asserted_year=float(claim["asserted_year"]) if wrong_year else None,
        no_placebo=bool(no_placebo),
        asserted_share=asserted[0] if wrong_share else None,
        controlled=tuple(c for c in controlled if c is not None),
    )
    return Judgement(verdict, branch, facts, k / n, ci.low, ci.high)
