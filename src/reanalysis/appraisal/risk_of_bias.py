"""Risk of bias (RoB 2, Sterne et al. 2019 BMJ 366:l4898) kept as data (``data/rob.csv``): one row
per study x result x domain with a judgement, the support for it, its source and status.

Uncontrolled studies get a single ``overall`` row judged ``no control group``: RoB 2 assesses a
comparison between randomised groups and does not apply to a change within one group.
The traffic-light table shows each judgement by colour *and* by symbol and word (colour-blind
safe: Okabe-Ito blue/orange/vermillion, as robvis's symbols + ! x ?).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reanalysis.data.errors import DataValidationError, blank_fields, require_columns
from reanalysis.report.html import esc

DOMAINS = [
    "randomisation_process",
    "deviations_from_intended_interventions",
    "missing_outcome_data",
    "measurement_of_the_outcome",
    "selection_of_the_reported_result",
]
DOMAIN_HEADERS = {
    "randomisation_process": "Randomisation",
    "deviations_from_intended_interventions": "Deviations from intervention",
    "missing_outcome_data": "Missing outcome data",
    "measurement_of_the_outcome": "Outcome measurement",
    "selection_of_the_reported_result": "Selection of reported result",
    "overall": "Overall",
}
SEVERITY = {"low": 0, "some concerns": 1, "high": 2}
OTHER = ["no information", "no control group"]
JUDGEMENTS = list(SEVERITY) + OTHER
STYLE = {  # background, border, symbol: colour plus a second cue
    "low": ("#d4e8f7", "#0072B2", "+"),
    "some concerns": ("#fbe3b4", "#E69F00", "!"),
    "high": ("#f5c9b3", "#D55E00", "×"),
    "no information": ("#eeeeee", "#6e7781", "?"),
    "no control group": ("#eeeeee", "#6e7781", "∅"),
}
STATUSES = ["reported", "second-hand", "derived", "assumption"]
COLUMNS = ["study_id", "result", "domain", "judgement", "support", "source", "status"]


def overall_floor(judgements) -> str | None:
    """The least severe overall judgement RoB 2 allows: the worst domain judgement (high if any
    domain is high, some concerns if any is, else low); None when no domain is rated."""
    rated = [SEVERITY[j] for j in judgements if j in SEVERITY]
    if not rated:
        return None
    return {v: k for k, v in SEVERITY.items()}[max(rated)]


def validate_rob(df: pd.DataFrame, path: str | Path, study_ids) -> pd.DataFrame:
    """Check data/rob.csv; raise one DataValidationError naming line and field for each problem.

    Each study x result has an ``overall`` row; controlled results have all five domains; the
    overall judgement is at least as severe as the worst domain (RoB 2 algorithm)."""
    require_columns(df, path, COLUMNS)
    problems = []
    for i, r in df.iterrows():
        line = f"line {i + 2} (study {r['study_id']}, domain {r['domain']})"
        if r["study_id"] not in set(study_ids):
            problems.append(f"{line}, field 'study_id': not in data/studies.csv")
        if r["domain"] not in DOMAINS + ["overall"]:
            problems.append(f"{line}, field 'domain': must be one of {DOMAINS + ['overall']}")
        if r["judgement"] not in JUDGEMENTS:
            problems.append(f"{line}, field 'judgement': must be one of {JUDGEMENTS}")
        if r["status"] not in STATUSES:
            problems.append(f"{line}, field 'status': must be one of {STATUSES}")
        problems += blank_fields(r, ("result", "support", "source"), line)
    for (study, result), g in df.groupby(["study_id", "result"], sort=False):
        where = f"study {study}, result '{result}'"
        dup = g["domain"][g["domain"].duplicated()]
        problems += [f"line {i + 2} ({where}), field 'domain': duplicate {d}" for i, d in dup.items()]
        overall = g.loc[g["domain"] == "overall", "judgement"]
        if overall.empty:
            problems.append(f"{where}: no 'overall' row")
            continue
        domains = g[g["domain"] != "overall"]
        if overall.iloc[0] == "no control group":
            if not domains.empty:
                problems.append(f"{where}: 'no control group' results take only an overall row")
            continue
        lacking = [d for d in DOMAINS if d not in set(domains["domain"])]
        if lacking:
            problems.append(f"{where}: no row for domain(s) {lacking}")
        floor = overall_floor(domains["judgement"])
        if floor and overall.iloc[0] in SEVERITY and SEVERITY[overall.iloc[0]] < SEVERITY[floor]:
            i = overall.index[0]
            problems.append(
                f"line {i + 2} ({where}), field 'judgement': overall "
                f"'{overall.iloc[0]}' is less severe than the worst domain ('{floor}')"
            )
    if problems:
        raise DataValidationError(path, problems)
    return df


def badge(judgement: str) -> str:
    """A judgement as a coloured badge that also carries a symbol and the word."""
    bg, border, symbol = STYLE[judgement]
    return (
        f"<span class='badge' style='background:{bg};border-color:{border}'>"
        f"<span aria-hidden='true'>{symbol}</span> {esc(judgement)}</span>"
    )


def traffic_light(rob: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Wide table (one row per study x result; one column per domain and overall) of badge HTML.
    Uncontrolled results show 'no control group' under Overall and 'not applicable' elsewhere."""
    rows = []
    for (study, result), g in rob.groupby(["study_id", "result"], sort=False):
        j = dict(zip(g["domain"], g["judgement"], strict=False))
        row = {"Study": names.get(study, study), "Result assessed": result}
        for d in DOMAINS + ["overall"]:
            row[DOMAIN_HEADERS[d]] = badge(j[d]) if d in j else "not applicable"
        rows.append(row)
    return pd.DataFrame(rows)


def support_table(rob: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Long table: every judgement with its support, source and status."""
    return pd.DataFrame(
        {
            "Study": [names.get(s, s) for s in rob["study_id"]],
            "Result assessed": rob["result"],
            "Domain": [DOMAIN_HEADERS[d] for d in rob["domain"]],
            "Judgement": rob["judgement"],
            "Support for judgement": rob["support"],
            "Source": [f"{s} ({st})" for s, st in zip(rob["source"], rob["status"], strict=False)],
        }
    )
