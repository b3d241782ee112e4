"""The nine verdicts of the claims ledger and the definitions the report shows for them (a module
of its own so that pages listing verdicts do not import the ledger's statistics)."""

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
    NEVER_TESTED: "The effect was measured only in studies without a placebo group, or not at "
                  "all, so it cannot be told apart from placebo response and improvement with "
                  "time.",
    NO_DIFFERENCE: "A placebo-controlled trial measured this and found no significant difference "
                   "from placebo (which does not prove there is no effect).",
    CONTRADICTED: "The data show the opposite of what the sentence says.",
    WRONG: "A checkable fact in the sentence is false (a date, a design, a chemical name, a "
           "figure).",
    UNTRACEABLE: "No study or text matching the sentence was found in the sources.",
    NOT_CHECKABLE: "A statement about mechanisms, physiology or practice that no trial figure "
                   "can check; listed so that nothing is left out silently.",
}
