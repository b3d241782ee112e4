"""GRADE certainty of evidence from judgements kept as data (``data/grade.csv``).

Rule (GRADE Handbook, Schünemann et al. 2013, section 5): evidence from randomised trials starts at
high certainty (4), other evidence (observational, uncontrolled) at low (2); each domain (risk of
bias, inconsistency, indirectness, imprecision, publication bias) lowers it by 0, 1 or 2 levels;
the result never falls below very low (1). Upgrading (large effect, dose response) is not used:
no study here qualifies.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reanalysis.data.errors import DataValidationError, blank_fields, require_columns

DOMAINS = ["risk_of_bias", "inconsistency", "indirectness", "imprecision", "publication_bias"]
DOMAIN_LABELS = {
    "risk_of_bias": "risk of bias",
    "inconsistency": "inconsistency",
    "indirectness": "indirectness",
    "imprecision": "imprecision",
    "publication_bias": "publication bias",
}
LEVELS = {4: "high", 3: "moderate", 2: "low", 1: "very low"}
SYMBOLS = {4: "⊕⊕⊕⊕", 3: "⊕⊕⊕◯", 2: "⊕⊕◯◯", 1: "⊕◯◯◯"}  # GRADE's own second cue
START = {"randomised": 4, "non-randomised": 2}
STATUSES = ["reported", "second-hand", "derived", "assumption"]
COLUMNS = ["outcome", "domain", "downgrade", "rationale", "source", "status"]


def certainty(evidence: str, downgrades) -> int:
    """Certainty level 1-4: start (4 randomised, 2 otherwise) minus the downgrades, floor 1."""
    if evidence not in START:
        raise ValueError(f"evidence must be one of {list(START)}, got {evidence!r}")
    return max(1, START[evidence] - int(sum(downgrades)))


def validate_grade(df: pd.DataFrame, path: str | Path, outcomes: list[str]) -> pd.DataFrame:
    """Check data/grade.csv; raise one DataValidationError listing every problem with its line.

    Every outcome in ``outcomes`` needs exactly one row per domain; downgrades are 0, 1 or 2;
    rationale and source are required; status is one of the project's statuses."""
    problems = []
    require_columns(df, path, COLUMNS)
    for i, r in df.iterrows():
        line = f"line {i + 2} (outcome {r['outcome']}, domain {r['domain']})"
        if r["outcome"] not in outcomes:
            problems.append(f"{line}, field 'outcome': not in report.summary_of_findings")
        if r["domain"] not in DOMAINS:
            problems.append(f"{line}, field 'domain': must be one of {DOMAINS}")
        if pd.to_numeric(pd.Series([r["downgrade"]]), errors="coerce").iloc[0] not in (0, 1, 2):
            problems.append(f"{line}, field 'downgrade': must be 0, 1 or 2, got {r['downgrade']!r}")
        problems += blank_fields(r, ("rationale", "source"), line)
        if r["status"] not in STATUSES:
            problems.append(f"{line}, field 'status': must be one of {STATUSES}")
    dup = df[df.duplicated(["outcome", "domain"], keep="first")]
    for i, r in dup.iterrows():
        problems.append(
            f"line {i + 2}, fields 'outcome'/'domain': duplicate {r['outcome']}/{r['domain']}"
        )
    for outcome in outcomes:
        have = set(df.loc[df["outcome"] == outcome, "domain"])
        lacking = [d for d in DOMAINS if d not in have]
        if lacking:
            problems.append(f"outcome {outcome}: no row for domain(s) {lacking}")
    if problems:
        raise DataValidationError(path, problems)
    return df.assign(downgrade=df["downgrade"].astype(int))


def certainty_table(grade: pd.DataFrame, evidence: dict[str, str]) -> pd.DataFrame:
    """One row per outcome: start level, total downgrade, certainty (level, label, symbols) and
    the reasons ("risk of bias -2: rationale") for every domain that downgrades."""
    rows = []
    for outcome, ev in evidence.items():
        g = grade[grade["outcome"] == outcome].set_index("domain").reindex(DOMAINS)
        level = certainty(ev, g["downgrade"])
        reasons = [
            f"{DOMAIN_LABELS[d]} −{int(g.at[d, 'downgrade'])}: {g.at[d, 'rationale']}"
            for d in DOMAINS
            if g.at[d, "downgrade"] > 0
        ]
        rows.append(
            {
                "outcome": outcome,
                "evidence": ev,
                "start": START[ev],
                "downgrade": int(g["downgrade"].sum()),
                "level": level,
                "certainty": LEVELS[level],
                "symbols": SYMBOLS[level],
                "reasons": reasons,
            }
        )
    return pd.DataFrame(rows)
