"""The rules for claims checked against recorded facts rather than trial results: a fact
against its reference value (``fact``), a study's design against studies.csv (``design``),
'for the first time' against earlier trials of the same kind (``first_of_kind``, whose effect
part is an effect claim), case-control comparisons of levels (``levels``, ``level_study``),
links between levels and symptoms (``association``), and the claims recorded as untraceable or
not checkable. Each returns a :class:`~reanalysis.ledger.verdicts.Judgement` with its facts typed;
the sentences are :mod:`reanalysis.ledger.wording`'s.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from reanalysis.ledger.effect_claims import effect
from reanalysis.ledger.evidence import (
    Evidence,
    StudyRef,
    flag,
    is_true,
    keep_rows,
    outcome_labels,
    split_list,
    study_name,
    study_ref,
    study_refs,
    study_year,
    text_field,
)
from reanalysis.ledger.verdicts import (
    CONTRADICTED,
    NOT_CHECKABLE,
    OVERSTATED,
    SUPPORTED,
    UNTRACEABLE,
    WEAK,
    WRONG,
    Judgement,
)

__all__ = [
    "AssociationFacts",
    "DesignFacts",
    "FactFacts",
    "FirstOfKindFacts",
    "LevelRow",
    "LevelStudyFacts",
    "LevelsFacts",
    "UntraceableFacts",
    "NotCheckableFacts",
    "association",
    "design",
    "fact",
    "finding_kind",
    "first_of_kind",
    "level_study",
    "levels",
    "not_checkable",
    "untraceable_citation",
]


@dataclasses.dataclass(frozen=True)
class UntraceableFacts:
    """A citation recorded as untraceable: the recorded reason and the closest studies found."""

    reason: str
    closest: tuple[StudyRef, ...] = ()


@dataclasses.dataclass(frozen=True)
class NotCheckableFacts:
    """A claim no trial figure can check: the recorded reason."""

    reason: str


@dataclasses.dataclass(frozen=True)
class FactFacts:
    asserted: str
    reference: str
    reason: str
    source: str


@dataclasses.dataclass(frozen=True)
class DesignFacts:
    study: StudyRef | None
    name: str
    checks: tuple[tuple[str, str, str, bool], ...]  # (field, asserted, recorded, matches)


@dataclasses.dataclass(frozen=True)
class FirstOfKindFacts:
    study: StudyRef | None
    name: str
    earlier_same: tuple[str, ...]  # names of earlier trials of the same kind
    earlier_other: tuple[tuple[str, str, str], ...]  # (co-intervention, citation, name)
    effect: Judgement  # the effect part of the claim


@dataclasses.dataclass(frozen=True)
class LevelsFacts:
    scope: str
    comparisons: int  # rows of levels.csv
    studies: int
    per_study: tuple[tuple[str, int], ...]  # (kind, studies) as counted
    per_sample: tuple[tuple[str, tuple[tuple[str, int], ...]], ...]  # sample -> (kind, rows)
    lower: int
    known: int
    unknown: int
    as_stated: bool  # the verdict is 'supported'


@dataclasses.dataclass(frozen=True)
class LevelRow:
    citation: str
    sample: str
    n_fm: float
    n_control: float
    finding: str
    status: str
    source: str


@dataclasses.dataclass(frozen=True)
class LevelStudyFacts:
    rows: tuple[LevelRow, ...]  # the studies of that year and sample
    match: LevelRow | None  # the first with the asserted direction


@dataclasses.dataclass(frozen=True)
class AssociationFacts:
    traced: tuple[StudyRef, ...]
    labels: dict  # outcome -> label
    linked: dict  # outcome -> names of the studies linking it to the levels
    links: tuple[tuple[str, str, str, str], ...]  # (citation, sample, link detail, status)
    correlations: tuple[tuple[str, str, float, float, str], ...]  # (citation, outcome, r, n, time)
    found: tuple[str, ...]
    missing: tuple[str, ...]


def untraceable_citation(claim, ev: Evidence) -> Judgement:
    facts = UntraceableFacts(
        text_field(claim, "reason"), study_refs(ev, split_list(claim.get("study_id")))
    )
    return Judgement(UNTRACEABLE, "untraceable_citation.recorded", facts)


def not_checkable(claim, ev: Evidence) -> Judgement:
    return Judgement(
        NOT_CHECKABLE, "not_checkable.recorded", NotCheckableFacts(text_field(claim, "reason"))
    )


def fact(claim, ev: Evidence) -> Judgement:
    """A checkable fact: the asserted value against the reference value recorded with it."""
    asserted = str(claim.get("asserted_value") or "").strip().lower()
    reference = str(claim.get("reference_value") or "").strip().lower()
    facts = FactFacts(asserted, reference, text_field(claim, "reason"), claim.get("source", ""))
    if asserted == reference:
        return Judgement(SUPPORTED, "fact.matches_reference", facts)
    return Judgement(WRONG, "fact.differs_from_reference", facts)


def design(claim, ev: Evidence) -> Judgement:
    """Design facts (key=value pairs in asserted_value) against data/studies.csv."""
    study = ev.study(claim["study_id"])
    checks = []
    pairs = dict(p.split("=", 1) for p in split_list(claim.get("asserted_value")))
    if flag(claim.get("asserts_placebo")):
        pairs.setdefault("controlled", "true")
    for key, want in pairs.items():
        have = study.get(key)
        if isinstance(have, (bool, np.bool_)) or want in ("true", "false"):
            ok = (not pd.isna(have)) and bool(have) == (want == "true")
            have_s = "not stated" if pd.isna(have) else str(bool(have)).lower()
        else:
            try:
                ok = float(have) == float(want)
            except (TypeError, ValueError):
                ok = str(have).strip().lower() == want.strip().lower()
            have_s = str(have)
        checks.append((key, want, have_s, bool(ok)))
    facts = DesignFacts(study_ref(ev, claim["study_id"]), study_name(study), tuple(checks))
    if all(ok for *_, ok in checks):
        return Judgement(SUPPORTED, "design.matches_record", facts)
    return Judgement(WRONG, "design.differs_from_record", facts)


def first_of_kind(claim, ev: Evidence) -> Judgement:
    """'For the first time': earlier blinded placebo-controlled studies of the same role without a
    co-intervention make it wrong; otherwise the effect part of the claim decides."""
    study = ev.study(claim["study_id"])
    year = study_year(study)
    s = ev.studies
    co = pd.Series(
        [
            x if isinstance(x, str) else ""
            for x in s.get("co_intervention", pd.Series("", index=s.index))
        ],
        index=s.index,
    )
    earlier = s[
        (s["role"] == study["role"])
        & s["controlled"].map(is_true)
        & s["blinded"].map(is_true)
        & (s["year"].astype(float) < year)
    ]
    same = earlier[co.loc[earlier.index].str.strip() == ""]
    other = earlier[co.loc[earlier.index].str.strip() != ""]
    deferred = effect(claim, ev)
    facts = FirstOfKindFacts(
        study_ref(ev, claim["study_id"]),
        study_name(study),
        tuple(study_name(r) for _, r in same.iterrows()),
        tuple((co[i], str(r["citation"]), study_name(r)) for i, r in other.iterrows()),
        deferred,
    )
    if not same.empty:
        return dataclasses.replace(
            deferred, verdict=WRONG, branch="first_of_kind.not_first", facts=facts
        )
    return dataclasses.replace(deferred, branch="first_of_kind.first/" + deferred.branch, facts=facts)


def finding_kind(finding: str) -> str:
    """A levels.csv finding in words -> lower / higher / no difference / unknown."""
    f = str(finding).lower()
    if f.startswith("lower"):
        return "lower"
    if f.startswith("higher"):
        return "higher"
    if f.startswith("no"):
        return "no difference"
    return "unknown"


def _study_kind(kinds: pd.Series) -> str:
    """One study's finding from its samples: lower if any was lower, else the first clear one."""
    clear = [k for k in kinds if k != "unknown"]
    if "lower" in clear:
        return "lower"
    return clear[0] if clear else "unknown"


def levels(claim, ev: Evidence) -> Judgement:
    """Case-control comparisons of levels, counted per study (a study measuring several samples
    counts once: 'lower' if any sample was lower) and only for levels in the body (an intake
    record is not a level). Scope 'general' (patients have lower levels), 'some' (several studies
    found lower) or 'mixed' (studies disagree)."""
    body = ev.levels[~ev.levels["sample"].astype(str).str.contains("intake", case=False)]
    kinds = (
        body.assign(kind=body["finding"].map(finding_kind)).groupby("study_id")["kind"].agg(_study_kind)
    )
    counts = kinds.value_counts()
    lower = int(counts.get("lower", 0))
    known = int(counts.drop("unknown", errors="ignore").sum())
    scope = claim.get("scope") or "general"
    if scope == "some":
        verdict, branch = (
            (SUPPORTED, "levels.some.several_lower")
            if lower >= 2
            else (WEAK, "levels.some.one_lower")
            if lower == 1
            else (CONTRADICTED, "levels.some.none_lower")
        )
    elif scope == "mixed":
        verdict, branch = (
            (SUPPORTED, "levels.mixed.studies_disagree")
            if 0 < lower < known
            else (CONTRADICTED, "levels.mixed.studies_agree")
        )
    elif known and lower == known:
        verdict, branch = SUPPORTED, "levels.general.all_lower"
    elif lower == 0:
        verdict, branch = CONTRADICTED, "levels.general.none_lower"
    else:
        verdict, branch = OVERSTATED, "levels.general.some_lower"
    # per sample, every comparison (row) with its own finding; ``kinds`` is one per study
    by_sample = (
        ev.levels.assign(kind=ev.levels["finding"].map(finding_kind))
        .groupby("sample")["kind"]
        .agg(lambda k: tuple((w, int(n)) for w, n in k.value_counts().items()))
    )
    facts = LevelsFacts(
        scope=scope,
        comparisons=len(ev.levels),
        studies=len(kinds),
        per_study=tuple((w, int(n)) for w, n in counts.items()),
        per_sample=tuple(by_sample.items()),
        lower=lower,
        known=known,
        unknown=int(counts.get("unknown", 0)),
        as_stated=verdict == SUPPORTED,
    )
    return Judgement(verdict, branch, facts, lower / known if known else np.nan)


def _level_row(r: pd.Series) -> LevelRow:
    return LevelRow(
        str(r["citation"]),
        str(r["sample"]),
        r["n_fm"],
        r["n_control"],
        str(r["finding"]),
        str(r["status"]),
        str(r["source"]),
    )


def level_study(claim, ev: Evidence) -> Judgement:
    """'A study published in YEAR found ...': a levels row of that year and sample type."""
    year = float(claim["asserted_year"])
    samples = [s.lower() for s in split_list(claim.get("asserted_value"))]
    rows = ev.levels[ev.levels["year"].astype(float) == year]
    if samples:
        rows = keep_rows(rows, [any(s in str(x).lower() for s in samples) for x in rows["sample"]])
    want = str(claim.get("direction") or "")
    match = keep_rows(rows, [finding_kind(f) == want for f in rows["finding"]])
    facts = LevelStudyFacts(
        tuple(_level_row(r) for _, r in rows.iterrows()),
        None if match.empty else _level_row(match.iloc[0]),
    )
    if facts.match is not None:
        return Judgement(SUPPORTED, "level_study.found_as_stated", facts)
    if facts.rows:
        return Judgement(CONTRADICTED, "level_study.found_otherwise", facts)
    return Judgement(UNTRACEABLE, "level_study.no_such_study", facts)


def association(claim, ev: Evidence) -> Judgement:
    """'X has been linked to Y': which claimed outcomes a listed study links to the levels
    (levels.csv linked_outcomes), plus reported correlations (statistic r)."""
    ids = split_list(claim.get("study_id"))
    labels = outcome_labels(claim)
    rows = ev.levels[ev.levels["study_id"].isin(ids)]
    linked: dict[str, list[str]] = {}
    links = []
    for _, r in rows.iterrows():
        outs = split_list(r.get("linked_outcomes"))
        for o in outs:
            linked.setdefault(o, []).append(
                study_name(ev.study(r["study_id"]))
                if ev.study(r["study_id"]) is not None
                else str(r["citation"]).split(".")[0]
            )
        if outs:
            links.append((str(r["citation"]), str(r["sample"]), r.get("link_detail"), str(r["status"])))
    corr = ev.summary[ev.summary["study_id"].isin(ids) & (ev.summary["statistic"] == "r")]
    correlations = tuple(
        (str(ev.study(r["study_id"])["citation"]), str(r["outcome"]), r["value"], r["n"], r["timepoint"])
        for _, r in corr.iterrows()
    )
    found = tuple(o for o in labels if o in linked)
    missing = tuple(o for o in labels if o not in linked)
    facts = AssociationFacts(
        study_refs(ev, ids), labels, linked, tuple(links), correlations, found, missing
    )
    if not missing:
        return Judgement(SUPPORTED, "association.every_outcome_linked", facts)
    if not found:
        return Judgement(UNTRACEABLE, "association.no_outcome_linked", facts)
    return Judgement(OVERSTATED, "association.some_outcomes_linked", facts)
