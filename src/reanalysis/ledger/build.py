"""The claims ledger as a table: every claim of ``data/claims.csv`` judged by the rule its
``claim_type`` names (:data:`RULES`), each judgement rendered into the ledger's texts
(:func:`reanalysis.ledger.wording.render`) and laid out as one row of :data:`COLUMNS`, with the
branch of the rule that fired in the ``branch`` column. A claim whose evidence is missing stops the
ledger with an error naming the claim.
"""

from __future__ import annotations

import pandas as pd

from reanalysis.ledger import counts, effect_claims, facts, subgroups, within_arm
from reanalysis.ledger.evidence import Evidence
from reanalysis.ledger.verdicts import Judgement
from reanalysis.ledger.wording import render

__all__ = ["COLUMNS", "RULES", "build_ledger", "ledger_row"]

COLUMNS = [
    "claim_id",
    "source_file",
    "line",
    "quote",
    "claim_type",
    "traced_to",
    "verdict",
    # the branch of the rule that fired (a stable identifier, 'effect.benefit.pooled')
    "branch",
    "plain",
    "numbers",
    "estimate",
    "ci_low",
    "ci_high",
    "p_exceeds_mcid",
    # ;-separated ids of the claim's studies with evidence on an outcome that the pooled estimate
    # deciding the verdict leaves out (the plain text says why); empty where nothing is left out
    "studies_not_pooled",
]

RULES = {
    "effect": effect_claims.effect,
    "within_arm_change": within_arm.within_arm_change,
    "subgroup_effect": subgroups.subgroup_effect,
    "vote_count": counts.vote_count,
    "uncontrolled_proportion": counts.uncontrolled_proportion,
    "untraceable_citation": facts.untraceable_citation,
    "levels": facts.levels,
    "level_study": facts.level_study,
    "association": facts.association,
    "design": facts.design,
    "first_of_kind": facts.first_of_kind,
    "fact": facts.fact,
    "not_checkable": facts.not_checkable,
}


def ledger_row(claim, j: Judgement) -> dict:
    """One ledger row; ``plain`` says the same as ``numbers`` for a reader without statistics."""
    traced_to, numbers, plain = render(j)
    return {
        "claim_id": claim["claim_id"],
        "source_file": claim["source_file"],
        "line": claim.get("line"),
        "quote": claim["quote"],
        "claim_type": claim["claim_type"],
        "traced_to": traced_to,
        "verdict": j.verdict,
        "branch": j.branch,
        "plain": plain,
        "numbers": numbers,
        "estimate": j.estimate,
        "ci_low": j.ci_low,
        "ci_high": j.ci_high,
        "p_exceeds_mcid": j.p_exceeds_mcid,
        "studies_not_pooled": ";".join(j.studies_not_pooled),
    }


def build_ledger(claims: pd.DataFrame, ev: Evidence) -> pd.DataFrame:
    rows = []
    for _, claim in claims.iterrows():
        try:
            rows.append(ledger_row(claim, RULES[claim["claim_type"]](claim, ev)))
        except (KeyError, IndexError) as err:
            raise ValueError(
                f"claim {claim['claim_id']!r} ({claim['claim_type']}): the evidence "
                f"it needs is missing: {err!r}"
            ) from err
    return pd.DataFrame(rows, columns=COLUMNS)
