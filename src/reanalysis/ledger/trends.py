"""A claimed non-significant trend (claims.csv ``trend``) checked against the point estimates of
the claimed outcomes (:func:`trend_facts`), and the verdict it refines (:func:`trend_decision`):
supported only where every estimate lies on the claimed side of zero."""

from __future__ import annotations

import dataclasses

from reanalysis.data.vocabulary import TRENDS
from reanalysis.ledger.evidence import Evidence, comparator_word, intervention_word, text_field
from reanalysis.ledger.verdicts import OVERSTATED, SUPPORTED, Decision

__all__ = [
    "FAVOURS_COMPARATOR",
    "FAVOURS_INTERVENTION",
    "TREND_AS_CLAIMED",
    "TREND_NOT_AS_CLAIMED",
    "TREND_NOT_ESTIMABLE",
    "TrendFacts",
    "TrendPoint",
    "trend_decision",
    "trend_facts",
]

# claims.csv ``trend``: the direction of a non-significant trend a sentence asserts
FAVOURS_INTERVENTION, FAVOURS_COMPARATOR = TRENDS
# how the trend check ended (the suffix of the branch that fired)
TREND_AS_CLAIMED, TREND_NOT_AS_CLAIMED, TREND_NOT_ESTIMABLE = (
    "trend_as_claimed",
    "trend_not_as_claimed",
    "trend_not_estimable",
)


@dataclasses.dataclass(frozen=True)
class TrendPoint:
    """One point estimate a claimed trend is checked against (benefit positive): the primary pooled
    estimate of an outcome decided by a pool (``who`` the set's label), else one study's computed
    whole-sample effect (``who`` the study)."""

    label: str  # the outcome
    who: str
    measure: str  # MD, SMD, ROM
    unit: str
    estimate: float
    favours: str = ""  # the side it lies on, in readers' words ('' at zero)


@dataclasses.dataclass(frozen=True)
class TrendFacts:
    """A claimed non-significant trend against the point estimates: ``outcome`` how it ended
    (:data:`TREND_AS_CLAIMED`, :data:`TREND_NOT_AS_CLAIMED` where an estimate is zero or on the
    other side, :data:`TREND_NOT_ESTIMABLE` where a claimed outcome has no estimate), ``claimed``
    and ``other`` the sides in readers' words (config ``report.intervention``/``comparator``)."""

    outcome: str
    claimed: str
    other: str
    points: tuple[TrendPoint, ...]


def trend_facts(ev: Evidence, claim, points: dict[str, list[TrendPoint]]) -> TrendFacts | None:
    """The claim's ``trend`` checked against the point estimates of each claimed outcome
    (``points``: outcome -> its estimates). As claimed only where every outcome has an estimate
    and every estimate lies on the claimed side of zero (benefit positive); None where the claim
    asserts no trend."""
    claimed = text_field(claim, "trend")
    if not claimed:
        return None
    if claimed not in (FAVOURS_INTERVENTION, FAVOURS_COMPARATOR):
        raise ValueError(f"claim {claim.get('claim_id')!r}: unknown trend {claimed!r}")
    sides = {FAVOURS_INTERVENTION: intervention_word(ev), FAVOURS_COMPARATOR: comparator_word(ev)}
    sign = 1.0 if claimed == FAVOURS_INTERVENTION else -1.0
    other = sides[FAVOURS_COMPARATOR if claimed == FAVOURS_INTERVENTION else FAVOURS_INTERVENTION]

    def side(x: float) -> str:
        return sides[claimed] if sign * x > 0 else other if sign * x < 0 else ""

    found = tuple(dataclasses.replace(p, favours=side(p.estimate)) for ps in points.values() for p in ps)
    if not all(points.values()):
        outcome = TREND_NOT_ESTIMABLE
    elif all(p.favours == sides[claimed] for p in found):
        outcome = TREND_AS_CLAIMED
    else:
        outcome = TREND_NOT_AS_CLAIMED
    return TrendFacts(outcome, sides[claimed], other, found)


def trend_decision(decision: Decision, trend: TrendFacts) -> Decision:
    """A claim of no significant difference with a trend, where no significant difference was
    found: supported only where the point estimates also lie on the claimed side; otherwise the
    non-significance is right but the trend says more than the data (overstated, not contradicted:
    a non-significant estimate on the other side does not show the opposite either)."""
    verdict = SUPPORTED if trend.outcome == TREND_AS_CLAIMED else OVERSTATED
    return Decision(verdict, f"{decision.branch}.{trend.outcome}")
