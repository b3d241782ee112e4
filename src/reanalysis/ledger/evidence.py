"""What the ledger's rules read, and the look-ups they share: the :class:`Evidence` bundle (curated
tables and pipeline results), the claim's own fields read as typed values (its lists, flags, year
and outcome labels), a study as the ledger names it (:class:`StudyRef`), arm names and roles, and
the significance of a study's reported between-arm statistics. Nothing here writes a sentence
(that is :mod:`reanalysis.ledger.wording`); nothing here knows a study, arm or outcome by name.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

__all__ = [
    "BETWEEN",
    "WHOLE",
    "Evidence",
    "StudyRef",
    "arm_means",
    "arm_name",
    "asserted_numbers",
    "claim_year",
    "comparator_word",
    "intervention_word",
    "flag",
    "is_later",
    "is_true",
    "keep_rows",
    "outcome_labels",
    "reported_significance",
    "split_list",
    "study_name",
    "study_ref",
    "study_refs",
    "study_year",
    "text_field",
]

BETWEEN = "between"  # arm value of between-arm statistics (pipeline vocabulary)
WHOLE = "all"  # subgroup value of the whole sample (pipeline vocabulary)


@dataclasses.dataclass
class Evidence:
    """Everything the verdicts read: curated tables and pipeline results."""

    summary: pd.DataFrame
    studies: pd.DataFrame
    levels: pd.DataFrame
    effects: pd.DataFrame
    pooled: pd.DataFrame  # meta_frequentist.csv
    bayes: pd.DataFrame  # exact posterior summaries under the primary prior
    forensics: pd.DataFrame
    config: dict
    arms: pd.DataFrame = dataclasses.field(
        default_factory=lambda: pd.DataFrame(columns=["study_id", "arm", "role"])
    )
    # results of the optional analyses; empty where the case does not run them
    vote: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)  # vote_count/summary.csv
    credibility: pd.DataFrame = dataclasses.field(
        default_factory=lambda: pd.DataFrame(columns=["criterion", "answer", "evidence", "source"])
    )
    shrinkage: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    no_effect: pd.DataFrame = dataclasses.field(  # simulation/subgroup_no_effect.csv
        default_factory=lambda: pd.DataFrame(columns=["metric", "k", "x", "value", "mcse"])
    )
    # instruments.csv: the unit of a mean difference (effects.notes.md_unit); None: points
    instruments: pd.DataFrame | None = None

    def study(self, study_id) -> pd.Series | None:
        if not isinstance(study_id, str):
            return None
        hit = self.studies[self.studies["study_id"] == study_id]
        return None if hit.empty else hit.iloc[0]

    def role(self, study_id: str, arm: str) -> str:
        hit = self.arms[(self.arms["study_id"] == study_id) & (self.arms["arm"] == arm)]
        return "" if hit.empty else str(hit["role"].iloc[0])

    def pooled_set(self, name: str) -> pd.Series:
        primary = self.config["meta_analysis"]["primary_method"]
        hit = self.pooled[(self.pooled["set"] == name) & (self.pooled["method"] == primary)]
        return hit.iloc[0]

    @property
    def alpha(self) -> float:
        return float(self.config.get("ledger", {}).get("alpha", 0.05))

    @property
    def level(self) -> float:
        """The configured level of pooled intervals (``meta_analysis.level``)."""
        return self.config["meta_analysis"]["level"]


@dataclasses.dataclass(frozen=True)
class StudyRef:
    """A study as the ledger names it: its id, the name readers see (label, else citation), its
    citation and design (``traced_to`` lists 'citation (design)')."""

    study_id: str
    name: str
    citation: str
    design: str


def split_list(x) -> list[str]:
    """A ``;``-separated field of claims.csv as a list (empty where the field is empty)."""
    return [] if not isinstance(x, str) or not x.strip() else [s.strip() for s in x.split(";")]


def keep_rows(df: pd.DataFrame, mask: list[bool]) -> pd.DataFrame:
    """Rows where ``mask`` is true (an empty mask keeps the columns)."""
    return df.loc[np.asarray(mask, dtype=bool)] if len(df) else df


def flag(x) -> bool:
    """A nullable boolean field: missing reads as false."""
    return bool(x) if not (x is None or pd.isna(x)) else False


def is_true(x) -> bool:
    """True only for a real boolean true (a missing ``controlled`` or ``blinded`` is not true)."""
    return x is True or (isinstance(x, (bool, np.bool_)) and bool(x))


def text_field(claim, key: str) -> str:
    """A free-text field of the claim row ('' where empty)."""
    value = claim.get(key)
    return value if isinstance(value, str) else ""


def outcome_labels(claim) -> dict[str, str]:
    """The claim's outcomes -> the label readers see (``outcome_label``, else the id in words)."""
    ids, names = split_list(claim.get("outcome")), split_list(claim.get("outcome_label"))
    return {o: (names[i] if i < len(names) else o.replace("_", " ")) for i, o in enumerate(ids)}


def asserted_numbers(claim) -> list[float]:
    return [float(v) for v in split_list(claim.get("asserted_value"))]


def study_name(study: pd.Series | None) -> str:
    """The name readers see: the study's label, else its citation."""
    if study is None:
        return "an unnamed study"
    label = study.get("label")
    return str(label) if isinstance(label, str) and label else str(study["citation"])


def study_ref(ev: Evidence, study_id) -> StudyRef | None:
    study = ev.study(study_id)
    if study is None:
        return None
    return StudyRef(
        str(study["study_id"]), study_name(study), str(study["citation"]), str(study["design"])
    )


def study_refs(ev: Evidence, ids) -> tuple[StudyRef, ...]:
    """The studies of ``ids`` that studies.csv knows, in that order."""
    return tuple(r for r in (study_ref(ev, s) for s in ids) if r is not None)


def study_year(study: pd.Series | None) -> float:
    if study is None:
        return np.nan
    try:
        return float(study.get("year"))
    except (TypeError, ValueError):
        return np.nan


def claim_year(claim) -> float:
    """The year the claim was published (claims.csv ``claim_year``); NaN where not known."""
    try:
        return float(claim.get("claim_year")) if claim is not None else np.nan
    except (TypeError, ValueError):
        return np.nan


def is_later(study: pd.Series | None, claim) -> bool:
    """Published after the claim: the study's year is after the claim's (the same year counts as
    available; either year unknown: available)."""
    y, c = study_year(study), claim_year(claim)
    return bool(np.isfinite(y) and np.isfinite(c) and y > c)


def comparator_word(ev: Evidence) -> str:
    """The case's comparator in readers' words (config ``report.comparator``, required by the
    schema); "control" where a caller passes no report block, a noun that reads in every
    sentence built on it ("trials with a control group", "no difference from control")."""
    word = (ev.config.get("report") or {}).get("comparator")
    return str(word) if isinstance(word, str) and word.strip() else "control"


def intervention_word(ev: Evidence) -> str:
    """The case's intervention in readers' words (config ``report.intervention``, required by the
    schema); "the intervention" where a caller passes no report block."""
    word = (ev.config.get("report") or {}).get("intervention")
    return str(word) if isinstance(word, str) and word.strip() else "the intervention"


def arm_name(ev: Evidence, study_id: str, role: str) -> str:
    """The name of the study's arm with ``role`` (the role itself where arms.csv has none)."""
    hit = ev.arms[(ev.arms["study_id"] == study_id) & (ev.arms["role"] == role)]
    return str(hit["arm"].iloc[0]) if not hit.empty else role


def arm_means(ev: Evidence, sid: str, subgroup: str, outcome: str, role: str) -> list[float]:
    """The arm's baseline and end means (not its mean change), in that order."""
    rows = ev.summary[
        (ev.summary["study_id"] == sid)
        & (ev.summary["subgroup"] == subgroup)
        & (ev.summary["outcome"] == outcome)
        & (ev.summary["statistic"] == "mean")
        & ev.summary["timepoint"].isin(["baseline", "end"])
    ]
    rows = keep_rows(rows, [ev.role(sid, a) == role for a in rows["arm"]])
    order = {"baseline": 0, "end": 1}
    rows = rows.assign(o=rows["timepoint"].map(order)).sort_values("o")
    return list(rows["value"].astype(float))


def reported_significance(rows: pd.DataFrame, alpha: float) -> bool | None:
    """True / False / None (nothing to judge) from reported between-arm statistics: an exact
    p-value, 'p < x' or 'p > x' statements, or an estimate with a 95% CI (null 1 for ratios)."""
    by = {s: rows[rows["statistic"] == s]["value"] for s in rows["statistic"].unique()}
    if "p_value" in by:
        return bool((by["p_value"] < alpha).any())
    if "p_below" in by:
        return bool((by["p_below"] <= alpha).any())
    if "p_above" in by:
        return False
    if {"ci_low", "ci_high"} <= set(by):
        ratio = rows["instrument"].astype(str).str.contains("ratio").any()
        null = 1.0 if ratio else 0.0
        return not (by["ci_low"].iloc[0] <= null <= by["ci_high"].iloc[0])
    return None
