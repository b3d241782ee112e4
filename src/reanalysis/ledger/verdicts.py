"""The nine verdicts of the claims ledger, the definitions the report shows for them, and
:class:`Judgement`, what every rule returns: the verdict, the branch of the rule that fired (a
stable identifier, the ledger's ``branch`` column), the rule's facts as typed values and the ledger's
numeric columns (a module of its own so that pages listing verdicts do not import the ledger's
statistics)."""

import dataclasses
import re
from typing import NamedTuple

__all__ = [
    "CONTRADICTED",
    "NEVER_TESTED",
    "NOT_CHECKABLE",
    "NO_DIFFERENCE",
    "OVERSTATED",
    "SUPPORTED",
    "UNTRACEABLE",
    "VERDICTS",
    "WEAK",
    "WRONG",
    "Decision",
    "Judgement",
    "verdict_definition",
    "verdict_name",
]

SUPPORTED = "supported"
WEAK = "consistent but weak"
OVERSTATED = "overstated"
NEVER_TESTED = "never tested against placebo"
NO_DIFFERENCE = "tested against placebo, no difference"
CONTRADICTED = "contradicted"
WRONG = "factually wrong"
UNTRACEABLE = "untraceable"
NOT_CHECKABLE = "not checkable with trial data"

VERDICTS = {
    SUPPORTED: "The data show what the sentence says, at the strength it says it.",
    WEAK: "The data point the same way, but cannot establish it: a group picked within one "
    "trial, or studies without a placebo group while the placebo-controlled trial's "
    "results could not be found.",
    OVERSTATED: "Part of it is traceable, but the sentence says more than the data: a subgroup "
    "presented as a general result, a change below what patients notice called "
    "meaningful, mixed results presented as consistent.",
    NEVER_TESTED: "No placebo-controlled result was found: the outcome has results only from "
    "studies without a placebo group, or none in the sources (the reason says which "
    "studies measured it), so it cannot be told apart from placebo response and "
    "improvement with time.",
    NO_DIFFERENCE: "A placebo-controlled trial measured this and found no significant difference "
    "from placebo (which does not prove there is no effect).",
    CONTRADICTED: "The data show the opposite of what the sentence says.",
    WRONG: "A checkable fact in the sentence is false (a date, a design, a chemical name, a figure).",
    UNTRACEABLE: "No study or text matching the sentence was found in what was read of the "
    "sources (the reason says what was read, and what was not).",
    NOT_CHECKABLE: "A statement about mechanisms, physiology or practice that no trial figure "
    "can check; listed so that nothing is left out silently.",
}

# The verdict names above are the ledger's categories (keys of its ``verdict`` column); readers see
# them, and their definitions, with the case's own comparator (config ``report.comparator``) where
# the comparator is meant ('placebo group', 'against placebo'; 'placebo response' stays).
_COMPARATOR = re.compile(
    r"placebo(?=[ -](?:group|controlled))|(?<=from )placebo(?! response)"
    r"|(?<=against )placebo"
)


def verdict_name(verdict: str, comparator: str | None = None) -> str:
    """The verdict as readers see it: 'tested against routine care, no difference' where the
    case's comparator is routine care (the category key itself never changes)."""
    return _COMPARATOR.sub(comparator, verdict) if comparator else verdict


def verdict_definition(verdict: str, comparator: str | None = None) -> str:
    """The definition of ``verdict`` in the case's comparator words."""
    text = VERDICTS[verdict]
    return _COMPARATOR.sub(comparator, text) if comparator else text


class Decision(NamedTuple):
    """A rule's verdict and the branch that fired (a stable identifier, ledger.csv ``branch``)."""

    verdict: str
    branch: str


@dataclasses.dataclass(frozen=True)
class Judgement:
    """What a rule decided about one claim. ``branch`` names the branch of the rule that fired
    ('effect.benefit', 'within_arm_change.no_significant_difference'; a rule that defers to another
    prefixes the other's branch: 'first_of_kind.first/effect.benefit'); ``facts`` are the rule's
    facts (a dataclass of typed values that :mod:`reanalysis.ledger.wording` turns into the ledger's
    texts); the rest are the ledger's numeric columns."""

    verdict: str
    branch: str
    facts: object
    estimate: float = float("nan")
    ci_low: float = float("nan")
    ci_high: float = float("nan")
    p_exceeds_mcid: float = float("nan")
    # ids of the claim's studies with evidence that the deciding pooled estimate leaves out
    studies_not_pooled: tuple[str, ...] = ()

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {self.verdict!r}")
        if not self.branch:
            raise ValueError("a judgement names the branch of the rule that fired")
