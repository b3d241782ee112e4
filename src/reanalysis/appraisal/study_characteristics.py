"""Study characteristics and adverse events/dropouts, as reader-facing tables.

Inputs are the curated tables (``data/studies.csv``, ``data/summary_stats.csv``) and
``data/adverse_events.csv`` (validated here: one row per study x arm x measure, each with source,
location and status; ``not found`` records that a source was searched and gives nothing).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from reanalysis.data.errors import DataValidationError, blank_fields, require_columns
from reanalysis.data.vocabulary import DOSE_BASES, NOT_REPORTED

AE_COLUMNS = [
    "study_id",
    "arm",
    "measure",
    "events",
    "total",
    "proportion",
    "text",
    "source",
    "location",
    "status",
]
AE_STATUSES = ["reported", "second-hand", "derived", "assumption", "not found"]


NO_YEAR = "year not reported"


def study_label(citation: str, study_id: str = "", year=None, label=None) -> str:
    """How the report names a study: its ``label`` (studies.csv) where given, else the first
    author of the citation and the ``year`` column ("Smith J, Doe A. ..." and 2019 -> "Smith
    2019"; no year -> "Smith (year not reported)"). A year is never read from the citation,
    which may be that of a review summarising the study."""
    if isinstance(label, str) and label.strip():
        return label.strip()
    text = str(citation or study_id)
    head = re.split(r",|\.| et al", text, maxsplit=1)[0].strip()
    words = [w for w in head.split() if not (w.isupper() and len(w) <= 3)]  # drop initials
    author = " ".join(words) or study_id
    return f"{author} {int(year)}" if pd.notna(year) else f"{author} ({NO_YEAR})"


def labels(studies: pd.DataFrame) -> dict[str, str]:
    """study_id -> the report's name of every study (:func:`study_label`)."""
    return {
        r["study_id"]: study_label(r["citation"], r["study_id"], r.get("year"), r.get("label"))
        for _, r in studies.iterrows()
    }


def validate_adverse_events(df: pd.DataFrame, path: str | Path, study_ids) -> pd.DataFrame:
    """Check data/adverse_events.csv; raise one DataValidationError naming line and field."""
    require_columns(df, path, AE_COLUMNS)
    df = df.copy()
    problems = []
    for col in ("events", "total", "proportion"):
        num = pd.to_numeric(df[col], errors="coerce")
        for i in df.index[num.isna() & df[col].notna()]:
            problems.append(
                f"line {i + 2} (study {df.at[i, 'study_id']}), field '{col}': "
                f"not a number: {df.at[i, col]!r}"
            )
        df[col] = num
    for i, r in df.iterrows():
        line = f"line {i + 2} (study {r['study_id']}, {r['measure']})"
        if r["study_id"] not in set(study_ids):
            problems.append(f"{line}, field 'study_id': not in data/studies.csv")
        if r["status"] not in AE_STATUSES:
            problems.append(f"{line}, field 'status': must be one of {AE_STATUSES}")
        problems += blank_fields(r, ("measure", "text", "source", "location"), line)
        has_number = pd.notna(r["events"]) or pd.notna(r["proportion"])
        if r["status"] == "not found" and has_number:
            problems.append(f"{line}, field 'status': 'not found' rows carry no numbers")
        if r["status"] != "not found" and not has_number:
            problems.append(f"{line}, fields 'events'/'proportion': one is required")
        if pd.notna(r["events"]) and pd.notna(r["total"]) and r["events"] > r["total"]:
            problems.append(f"{line}, field 'events': more than total ({r['events']} > {r['total']})")
        if pd.notna(r["proportion"]) and not 0 <= r["proportion"] <= 1:
            problems.append(f"{line}, field 'proportion': must lie in [0, 1]")
    if problems:
        raise DataValidationError(path, problems)
    return df


def adverse_event_text(r: pd.Series) -> str:
    """One plain phrase per adverse-event row, with its status when not first-hand."""
    if r["status"] == "not found":
        return f"{r['measure']}: not found ({r['text']})"
    if pd.notna(r["events"]) and pd.notna(r["total"]):
        figure = f"{int(r['events'])} of {int(r['total'])} ({r['events'] / r['total']:.0%})"
    else:
        figure = f"about {r['proportion']:.0%}"
    note = "" if r["status"] == "reported" else f", {r['status']}"
    arm = "" if r["arm"] == "all" else f", {r['arm']} arm"
    return f"{r['measure']}{arm}: {figure}{note}"


def _outcomes(summary: pd.DataFrame, study_id: str) -> str:
    """'outcome (instrument)' for each outcome of the study; an outcome with only
    ``not_reported`` rows says 'measured, result not reported' (selective reporting shows)."""
    own = summary[summary["study_id"] == study_id]
    silent = own.groupby("outcome")["statistic"].agg(lambda s: set(s) == {NOT_REPORTED})
    parts = []
    for _, r in own.drop_duplicates("outcome").iterrows():
        name = str(r["outcome"]).replace("_", " ")
        instrument = str(r["instrument"])
        text = name if instrument == "not reported" else f"{name} ({instrument})"
        parts.append(text + (": measured, result not reported" if silent[r["outcome"]] else ""))
    return "; ".join(parts)


def dose_basis_words(basis) -> str:
    """' (what the mg weigh)' for a studies.csv ``dose_basis``; '' where it is not recorded."""
    return f" ({DOSE_BASES[basis]})" if isinstance(basis, str) and basis in DOSE_BASES else ""


def _dose(r: pd.Series) -> str:
    dose = (
        "dose in mg not found"
        if pd.isna(r["dose_mg_per_day"])
        else f"{r['dose_mg_per_day']} mg/day" + dose_basis_words(r.get("dose_basis"))
    )
    form = "" if pd.isna(r["form"]) else f", {r['form']}"
    route = "" if pd.isna(r["route"]) else f", {r['route']}"
    return dose + form + route


def characteristics_table(
    studies: pd.DataFrame, summary: pd.DataFrame, adverse: pd.DataFrame, roles: list[str]
) -> pd.DataFrame:
    """One row per study with a role in ``roles``: design, n, population, dose and form,
    duration, outcomes with instruments, dropouts and adverse events."""
    names = labels(studies)
    rows = []
    for _, r in studies[studies["role"].isin(roles)].iterrows():
        ae = adverse[adverse["study_id"] == r["study_id"]]
        n = "not found" if pd.isna(r["n_total"]) else f"{int(r['n_total'])}"
        weeks = "not found" if pd.isna(r["duration_weeks"]) else f"{r['duration_weeks']:g} weeks"
        rows.append(
            {
                "Study": names[r["study_id"]],
                "Design": r["design"],
                "Participants (n)": n,
                "Population": r["population"],
                "Dose and form": _dose(r),
                "Duration": weeks,
                "Outcomes (instrument)": _outcomes(summary, r["study_id"]) or "none usable",
                "Dropouts and adverse events": "; ".join(adverse_event_text(a) for _, a in ae.iterrows())
                or "none recorded",
                "Source": f"{r['source']} ({r['status']})",
            }
        )
    return pd.DataFrame(rows)


SAFETY_COLUMNS = ["topic", "statement", "value", "unit", "source", "location", "url", "status"]


def validate_safety(df: pd.DataFrame, path: str | Path) -> pd.DataFrame:
    """Check data/safety.csv: every statement has a source, location, address and status; a value
    needs a unit."""
    require_columns(df, path, SAFETY_COLUMNS)
    problems = []
    for i, r in df.iterrows():
        line = f"line {i + 2} (topic {r['topic']})"
        problems += blank_fields(r, ("topic", "statement", "source", "location", "url"), line)
        if r["status"] not in AE_STATUSES[:-1]:
            problems.append(f"{line}, field 'status': must be one of {AE_STATUSES[:-1]}")
        if pd.notna(r["value"]) and pd.isna(r["unit"]):
            problems.append(f"{line}, field 'unit': required with a value")
    if problems:
        raise DataValidationError(path, problems)
    return df
