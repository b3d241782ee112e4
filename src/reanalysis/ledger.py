"""The claims ledger: each checkable sentence of the source articles gets a verdict computed from
the curated data and the pipeline's results, with the numbers behind it.

Verdict rules are code (one function per ``claim_type``, see :data:`RULES`); :data:`VERDICTS` holds
the definitions shown in the report. What a claim asserts (its studies, outcomes, scope, asserted
values) is data in ``data/claims.csv``; nothing here knows a study, arm or outcome by name. Arm
roles come from ``data/arms.csv`` (``intervention`` / ``comparator``); between-arm rows carry the
arm value ``between``, as everywhere in the pipeline. A significant between-arm p-value is read as
favouring the intervention: the sources report improvement (the abstracts say so in words).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from scipy import stats

from reanalysis.data_model import NOT_REPORTED
from reanalysis.effects.intervals import ci_label, md_interval
from reanalysis.effects.notes import in_unit, md_unit
from reanalysis.effects.reported import P_BY_CONSTRUCTION, p_check_phrase
from reanalysis.meta.method_names import interval_name
from reanalysis.meta.pooling import has_forensic_flag
from reanalysis.simulation.credibility import MULTIPLICITY, PRESPECIFIED
from reanalysis.verdicts import (  # noqa: F401  (re-exported: the ledger's vocabulary)
    CONTRADICTED,
    NEVER_TESTED,
    NO_DIFFERENCE,
    NOT_CHECKABLE,
    OVERSTATED,
    SUPPORTED,
    UNTRACEABLE,
    VERDICTS,
    WEAK,
    WRONG,
)

COLUMNS = [
    "claim_id",
    "source_file",
    "line",
    "quote",
    "claim_type",
    "traced_to",
    "verdict",
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
    # instruments.csv: the unit of a mean difference (effect_notes.md_unit); None: points
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


# ---------------------------------------------------------------- small helpers


def _list(x) -> list[str]:
    return [] if not isinstance(x, str) or not x.strip() else [s.strip() for s in x.split(";")]


def _keep(df: pd.DataFrame, mask: list[bool]) -> pd.DataFrame:
    """Rows where ``mask`` is true (an empty mask keeps the columns)."""
    return df.loc[np.asarray(mask, dtype=bool)] if len(df) else df


def _flag(x) -> bool:
    return bool(x) if not (x is None or pd.isna(x)) else False


def _labels(claim) -> dict[str, str]:
    ids, names = _list(claim.get("outcome")), _list(claim.get("outcome_label"))
    return {o: (names[i] if i < len(names) else o.replace("_", " ")) for i, o in enumerate(ids)}


def _join(words: list[str]) -> str:
    words = list(dict.fromkeys(words))
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _name(study: pd.Series | None) -> str:
    if study is None:
        return "an unnamed study"
    label = study.get("label")
    return str(label) if isinstance(label, str) and label else str(study["citation"])


def _year(study: pd.Series | None) -> float:
    if study is None:
        return np.nan
    try:
        return float(study.get("year"))
    except (TypeError, ValueError):
        return np.nan


def _is_true(x) -> bool:
    return x is True or (isinstance(x, (bool, np.bool_)) and bool(x))


def _traced(ev: Evidence, ids) -> str:
    parts = []
    for sid in ids:
        s = ev.study(sid)
        if s is not None:
            parts.append(f"{s['citation']} ({s['design']})")
    return "; ".join(parts)


def _fmt_ci(est, lo, hi, digits=2, label="95% CI") -> str:
    """'0.52 (95% CI 0.08 to 0.95)'; ``label`` from ``intervals.ci_label`` for a pooled interval
    (the configured level). Study-level intervals are 95% (``effects.assumptions.LEVEL``)."""
    return f"{est:.{digits}f} ({label} {lo:.{digits}f} to {hi:.{digits}f})"


def _result(
    claim,
    traced_to,
    verdict,
    numbers,
    plain,
    estimate=np.nan,
    lo=np.nan,
    hi=np.nan,
    p_mcid=np.nan,
    not_pooled: str = "",
) -> dict:
    """One ledger row; ``plain`` says the same as ``numbers`` for a reader without statistics."""
    if verdict not in VERDICTS:
        raise ValueError(f"unknown verdict {verdict!r}")
    return {
        "claim_id": claim["claim_id"],
        "source_file": claim["source_file"],
        "line": claim.get("line"),
        "quote": claim["quote"],
        "claim_type": claim["claim_type"],
        "traced_to": traced_to,
        "verdict": verdict,
        "plain": plain,
        "numbers": numbers,
        "estimate": estimate,
        "ci_low": lo,
        "ci_high": hi,
        "p_exceeds_mcid": p_mcid,
        "studies_not_pooled": not_pooled,
    }


# ---------------------------------------------------------------- evidence per outcome

# classes of one study's evidence on one outcome
BENEFIT, NODIFF, HARM, SUB_BENEFIT, SUB_NODIFF, UNCONTROLLED, NO_RESULTS, MEASURED = (
    "benefit",
    "no difference",
    "harm",
    "subgroup benefit",
    "subgroup no difference",
    "uncontrolled improvement",
    "results not found",
    "measured, no result reported",
)
# statuses of one outcome (what the classes of all its studies, or a pooled estimate, say)
MIXED, SUB_ONLY, WHOLE_NULL_SUB, UNCONTROLLED_ONLY, NO_RESULT_FOUND = (
    "mixed",
    "subgroup only",
    "no difference overall, benefit in a subgroup",
    "uncontrolled only",
    "no result found",
)


def _significance(rows: pd.DataFrame, alpha: float) -> bool | None:
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


@dataclasses.dataclass(frozen=True)
class Finding:
    """One study's evidence on one outcome: its class, what the class rests on, and whether the
    study was published after the claim (then it is shown as later evidence, never used)."""

    cls: str
    who: str
    basis: str = ""
    later: bool = False
    study_id: str = ""

    def text(self) -> str:
        return f"{self.who}: {self.cls}" + (f" [{self.basis}]" if self.basis else "")


def comparator_word(ev: Evidence) -> str:
    """The case's comparator in readers' words (config ``report.comparator``, required by the
    schema); "control" where a caller passes no report block, a noun that reads in every
    sentence built on it ("trials with a control group", "no difference from control")."""
    word = (ev.config.get("report") or {}).get("comparator")
    return str(word) if isinstance(word, str) and word.strip() else "control"


def claim_year(claim) -> float:
    """The year the claim was published (claims.csv ``claim_year``); NaN where not known."""
    try:
        return float(claim.get("claim_year")) if claim is not None else np.nan
    except (TypeError, ValueError):
        return np.nan


def is_later(study: pd.Series | None, claim) -> bool:
    """Published after the claim: the study's year is after the claim's (the same year counts as
    available; either year unknown: available)."""
    y, c = _year(study), claim_year(claim)
    return bool(np.isfinite(y) and np.isfinite(c) and y > c)


def _reported_basis(grp: pd.DataFrame) -> str:
    return "reported " + ", ".join(
        f"{s} {v:g}" for s, v in zip(grp["statistic"], grp["value"], strict=True) if pd.notna(v)
    )


def computed_effect(ev: Evidence, sid: str, outcome: str, subgroup: str) -> tuple | None:
    """The pipeline's between-arm effect for one study x subgroup x outcome (results/
    effect_sizes.csv; effects resting on a forensically flagged figure are not used):
    (class, basis) from its 95% CI, benefit positive: the mean difference in the instrument's
    unit where computed, else the SMD ± 1.96 sqrt(vi)."""
    e = ev.effects
    if e.empty:
        return None
    hit = e[
        (e["study_id"] == sid)
        & (e["outcome"] == outcome)
        & (e["subgroup"] == subgroup)
        & e["estimand"].astype(str).str.startswith(BETWEEN)
        & ~has_forensic_flag(e)
    ]
    if hit.empty:
        return None
    r = hit.iloc[0]
    z = stats.norm.ppf(0.975)
    if pd.notna(r.get("md")) and pd.notna(r.get("md_ci_low")) and pd.notna(r.get("md_ci_high")):
        est, lo, hi = float(r["md"]), float(r["md_ci_low"]), float(r["md_ci_high"])
        unit = md_unit(r.get("instrument"), ev.instruments)
        what = f"difference {in_unit(f'{est:.2f}', unit)} (95% CI {lo:.2f} to {hi:.2f})"
    elif pd.notna(r.get("yi")) and pd.notna(r.get("vi")):
        est = float(r["yi"])
        lo, hi = est - z * np.sqrt(r["vi"]), est + z * np.sqrt(r["vi"])
        what = "SMD " + _fmt_ci(est, lo, hi)
    else:
        return None
    cls = BENEFIT if lo > 0 else HARM if hi < 0 else NODIFF
    return cls, f"computed {what}"


def outcome_evidence(
    ev: Evidence, study_ids: list[str], outcome: str, listed: bool, claim=None
) -> list[Finding]:
    """Each study's evidence on one outcome. A controlled study is judged per subgroup on its
    reported between-arm test where there is one, else on the pipeline's computed effect; one with
    figures for the outcome but neither, or (where the claim names it) with no figures at all, is
    'results not found'. A study without a comparator group reports an improvement where it gives
    a within-arm figure, and 'measured, no result reported' where its rows for the outcome carry
    no figure (the source says it was measured). No row: nothing is said about the study."""
    found = []
    for sid in study_ids:
        study = ev.study(sid)
        if study is None:
            continue
        later, who = is_later(study, claim), _name(study)
        rows = ev.summary[(ev.summary["study_id"] == sid) & (ev.summary["outcome"] == outcome)]
        if _is_true(study["controlled"]):
            between = rows[rows["arm"] == BETWEEN]
            computed = (
                ev.effects[(ev.effects["study_id"] == sid) & (ev.effects["outcome"] == outcome)]
                if not ev.effects.empty
                else ev.effects
            )
            subs = list(
                dict.fromkeys([*between["subgroup"], *computed.get("subgroup", pd.Series(dtype=object))])
            )
            judged = False
            for sub in sorted(subs, key=lambda s: s != WHOLE):
                grp = between[between["subgroup"] == sub]
                sig = _significance(grp, ev.alpha) if not grp.empty else None
                if sig is not None:
                    cls, basis = (BENEFIT if sig else NODIFF), _reported_basis(grp)
                elif (hit := computed_effect(ev, sid, outcome, sub)) is not None:
                    cls, basis = hit
                else:
                    continue
                if sub != WHOLE:
                    cls = SUB_BENEFIT if cls == BENEFIT else SUB_NODIFF
                    basis = f"{sub} subgroup, {basis}"
                found.append(Finding(cls, who, basis, later, sid))
                judged = True
            if not judged and (
                not rows.empty or (listed and ev.summary[ev.summary["study_id"] == sid].empty)
            ):
                found.append(Finding(NO_RESULTS, who, "", later, sid))
        else:
            within = rows[rows["arm"] != BETWEEN]
            # a measured outcome with no result reported (statistic not_reported) is no reported
            # improvement: 'measured, no result reported'
            results = within[within["value"].notna() & ~within["statistic"].isin([NOT_REPORTED, "n"])]
            if not results.empty:
                found.append(Finding(UNCONTROLLED, who, "", later, sid))
            elif not within.empty:
                found.append(Finding(MEASURED, who, "", later, sid))
    return found


def pooled_evidence(ev: Evidence, outcome: str, study_ids: list[str]) -> list[pd.Series]:
    """The pooled estimates that judge one outcome: every configured set that pools only this
    outcome's controlled whole-sample effects (k >= 2) from studies in ``study_ids``, one row per
    set under the primary method, in the config's order (the first is the primary analysis)."""
    if ev.pooled.empty or ev.effects.empty:
        return []
    primary = ev.config["meta_analysis"]["primary_method"]
    study_of = dict(zip(ev.effects["es_id"], ev.effects["study_id"], strict=False))
    out = []
    for name, spec in ev.config["meta_analysis"].get("sets", {}).items():
        if (
            list(spec.get("outcomes") or []) != [outcome]
            or not spec.get("controlled_only")
            or list(spec.get("subgroups") or [WHOLE]) != [WHOLE]
        ):
            continue
        hit = ev.pooled[(ev.pooled["set"] == name) & (ev.pooled["method"] == primary)]
        if hit.empty or not hit["k"].iloc[0] >= 2 or pd.isna(hit["ci_low"].iloc[0]):
            continue
        members = {study_of.get(es) for es in str(hit["studies"].iloc[0]).split()}
        if members <= set(study_ids):
            out.append(
                pd.concat([hit.iloc[0], pd.Series({"set_name": name, "members": frozenset(members)})])
            )
    return out


def pooled_class(row: pd.Series) -> str:
    """Benefit / harm where the pooled 95% CI excludes the null (benefit positive; log ratio of
    means: null 0 too), else no difference."""
    return BENEFIT if row["ci_low"] > 0 else HARM if row["ci_high"] < 0 else NODIFF


def pooled_text(ev: Evidence, rows: list[pd.Series], beside: bool = True) -> str:
    """The primary pooled estimate first (primary method, first set), then (``beside``) the other
    methods and sets: 'MD 15.11 days (95% CI -6.11 to 36.32; REML + KNHA, k = 9); other analyses:
    ...'."""
    primary = ev.config["meta_analysis"]["primary_method"]
    interval = interval_name(bool(ev.config["meta_analysis"].get("knha")))
    names = {"ROM": "log ratio of means"}
    label = ci_label(ev.config["meta_analysis"]["level"])

    def one(r, full=False):
        unit = md_unit(r.get("instrument"), ev.instruments) if r.get("measure") == "MD" else ""
        measure = str(r.get("measure")) if isinstance(r.get("measure"), str) else "SMD"
        return (
            f"{names.get(measure, measure)} {in_unit(f'{r["mu"]:.2f}', unit)} ({label} "
            f"{r['ci_low']:.2f} to {r['ci_high']:.2f}; {r['method']}"
            f"{', ' + interval if full else ''}, k = {r['k']:.0f})"
        )

    first = rows[0]
    if not beside:
        return one(first, full=True)
    others = ev.pooled[(ev.pooled["set"] == first["set_name"]) & (ev.pooled["method"] != primary)]
    more = [one(r) for _, r in others.iterrows() if pd.notna(r["ci_low"])]
    more += [one(r) for r in rows[1:]]
    return one(first, full=True) + (
        ("; other analyses (same interval): " + "; ".join(more)) if more else ""
    )


def outcome_status(classes: set[str], scope, pooled: str | None = None) -> str:
    """Collapse one outcome's evidence into a status. A pooled estimate of the trials decides a
    claim about everyone; a claim about a subgroup is judged on the subgroup results; any other on
    the whole sample first (a whole-sample null beside a subgroup benefit is its own status)."""
    if pooled is not None and scope != "subgroup":
        return pooled
    if scope == "subgroup" and classes & {SUB_BENEFIT, SUB_NODIFF}:
        return SUB_ONLY if SUB_BENEFIT in classes else NODIFF
    if BENEFIT in classes and classes & {NODIFF, HARM}:
        return MIXED
    if BENEFIT in classes:
        return BENEFIT
    if HARM in classes:
        return HARM
    if NODIFF in classes:
        return WHOLE_NULL_SUB if SUB_BENEFIT in classes else NODIFF
    if SUB_BENEFIT in classes:
        return SUB_ONLY
    if SUB_NODIFF in classes:
        return NODIFF
    if NO_RESULTS in classes:
        return NO_RESULTS
    if UNCONTROLLED in classes:
        return UNCONTROLLED_ONLY
    if MEASURED in classes:
        return MEASURED
    return NO_RESULT_FOUND


def effect_verdict(statuses: list[str], direction: str, scope) -> str:
    """The verdict rule for claims about effects (see VERDICTS); it reads only the statuses, so
    claims resting on the same evidence get the same verdict."""
    s = set(statuses)
    null = {NODIFF, WHOLE_NULL_SUB}
    untested = {NO_RESULT_FOUND, UNCONTROLLED_ONLY, MEASURED}
    if direction == "no difference":
        if s <= null:
            return SUPPORTED
        if s & {BENEFIT, MIXED, HARM}:
            return CONTRADICTED
        return WEAK if s & null else UNTRACEABLE
    if s == {BENEFIT}:
        return SUPPORTED
    if s == {HARM}:
        return CONTRADICTED
    if s == {NODIFF}:
        return NO_DIFFERENCE
    if s <= untested:
        return NEVER_TESTED
    if s <= untested | {NO_RESULTS}:
        return WEAK
    if s == {SUB_ONLY} and scope == "subgroup":
        return WEAK
    return OVERSTATED


def status_sentence(
    status: str,
    comparator: str,
    who: str = "",
    pooled: bool = False,
    trials: int = 1,
    level: float = 0.95,
) -> str:
    """One outcome's status in plain words, in the case's comparator words (``pooled``: the status
    is that of the trials' pooled estimate; ``trials``: how many controlled trials it rests on)."""
    c = comparator
    if status == NODIFF and trials > 1 and not pooled:
        return f"{trials} trials with a {c} group found no significant difference from {c}"
    if pooled:
        return {
            BENEFIT: f"the trials with a {c} group, pooled, show a benefit",
            HARM: f"the trials with a {c} group, pooled, show it worse than {c}",
            NODIFF: f"the trials with a {c} group, pooled, show no clear difference from {c} "
            f"(the {ci_label(level, 'confidence interval')} includes no difference)",
        }[status]
    return {
        BENEFIT: f"evidence from trials with a {c} group shows a benefit",
        NODIFF: f"a trial with a {c} group found no significant difference from {c}",
        HARM: f"evidence from trials with a {c} group shows it worse than {c}",
        MIXED: f"results against {c} disagree",
        SUB_ONLY: f"a benefit over {c} appears only in a group of patients picked within one "
        "trial, not in the whole trial",
        WHOLE_NULL_SUB: f"the trial found no significant difference from {c} in all its "
        "patients; a benefit appears only in a group of patients picked within it",
        NO_RESULTS: f"the results against {c} of {who or 'the controlled trial'} could not be "
        f"found; any improvement reported comes from studies without a {c} group",
        UNCONTROLLED_ONLY: f"improvement was reported only in studies without a {c} group",
        MEASURED: f"{who or 'a study'} measured it (without a {c} group) but report no result for it",
        NO_RESULT_FOUND: "no study in our sources reports a result for it",
    }.get(status, status)


def _left_out_reason(cls: str, comparator: str) -> str:
    """Why a study with this class of evidence is not in a pooled estimate of whole-sample
    controlled effects, in readers' words."""
    if cls in (UNCONTROLLED, MEASURED):
        return f"no {comparator} group"
    if cls in (SUB_BENEFIT, SUB_NODIFF):
        return "results only for a group of patients picked within it"
    return "no whole-sample result that could be pooled"


def _effect_parts(claim, ev: Evidence) -> tuple[str, str, str, str, str]:
    """(verdict, numbers, plain, traced_to, studies_not_pooled) for an effect claim. Studies
    published after the claim are listed as later evidence and do not decide the verdict."""
    listed = _list(claim.get("study_id"))
    ids = listed or list(ev.studies.loc[ev.studies["role"] == "intervention", "study_id"])
    in_time = [s for s in ids if not is_later(ev.study(s), claim)]
    labels = _labels(claim)
    comp = comparator_word(ev)
    level = ev.config["meta_analysis"]["level"]
    statuses, numbers, plain, later_said = [], [], [], []
    by_status: dict[tuple[str, bool], list[str]] = {}
    trials_of: dict[tuple[str, bool], int] = {}
    who_of: dict[str, set[str]] = {}
    pooled_said, left_out_said, not_pooled = [], [], set()
    for outcome, label in labels.items():
        found = outcome_evidence(ev, ids, outcome, bool(listed), claim)
        used = [f for f in found if not f.later]
        later = [f for f in found if f.later]
        pooled = pooled_evidence(ev, outcome, in_time)
        # a pooled estimate decides only where it pools every trial with a whole-sample result
        tested = {f.study_id for f in used if f.cls in (BENEFIT, NODIFF, HARM)}
        pooled = [r for r in pooled if tested <= r["members"]]
        st = outcome_status(
            {f.cls for f in used}, claim.get("scope"), pooled_class(pooled[0]) if pooled else None
        )
        for f in used:
            if f.cls in (NO_RESULTS, MEASURED):
                who_of.setdefault(st, set()).add(f.who)
        statuses.append(st)
        key = (st, bool(pooled) and claim.get("scope") != "subgroup")
        by_status.setdefault(key, []).append(label)
        trials_of[key] = min(trials_of.get(key, len(tested)), len(tested))
        text = f"{outcome}: {st}"
        if pooled and claim.get("scope") != "subgroup":
            spec = ev.config["meta_analysis"]["sets"][pooled[0]["set_name"]]
            text += f" (pooled, {spec.get('label') or pooled[0]['set_name']}: {pooled_text(ev, pooled)})"
            pooled_said.append(f"{label}, {pooled_text(ev, pooled, beside=False)}")
            left = {}
            for f in used:
                if f.study_id and f.study_id not in pooled[0]["members"]:
                    left.setdefault(f.study_id, f)
            if left:
                not_pooled |= set(left)
                left_out_said.append(
                    f"the pooled estimate for {label} leaves out "
                    + _join([f"{f.who} ({_left_out_reason(f.cls, comp)})" for f in left.values()])
                )
        if used:
            text += " (" + "; ".join(f.text() for f in used) + ")"
        if later:
            text += f"; published after the claim ({claim_year(claim):.0f}), not used: " + "; ".join(
                f.text() for f in later
            )
            later_said += [f"{f.who} ({label}: {f.cls})" for f in later]
        numbers.append(text)
    for (st, was_pooled), outs in by_status.items():
        who = _join(sorted(who_of[st])) if who_of.get(st) else ""
        plain.append(
            f"For {_join(outs)}, "
            f"{status_sentence(st, comp, who, was_pooled, trials_of[st, was_pooled], level)}."
        )
    if pooled_said:
        plain.append("The primary analysis: " + "; ".join(pooled_said) + ".")
    if left_out_said:
        said = "; ".join(left_out_said)
        plain.append(said[0].upper() + said[1:] + ".")
    if later_said:
        plain.append(
            f"Published after the sentence ({claim_year(claim):.0f}) and so not used "
            "for the verdict: " + "; ".join(later_said) + "."
        )
    verdict = effect_verdict(statuses, claim.get("direction") or "benefit", claim.get("scope"))
    traced = _traced(ev, ids if listed else [])
    return verdict, "; ".join(numbers), " ".join(plain), traced, ";".join(sorted(not_pooled))


def effect(claim, ev: Evidence) -> dict:
    verdict, numbers, plain, traced, not_pooled = _effect_parts(claim, ev)
    return _result(claim, traced, verdict, numbers, plain, not_pooled=not_pooled)


# ---------------------------------------------------------------- one trial's numbers


def _arm_name(ev: Evidence, study_id: str, role: str) -> str:
    hit = ev.arms[(ev.arms["study_id"] == study_id) & (ev.arms["role"] == role)]
    return str(hit["arm"].iloc[0]) if not hit.empty else role


def _asserted_numbers(claim) -> list[float]:
    return [float(v) for v in _list(claim.get("asserted_value"))]


def _arm_means(ev: Evidence, sid: str, subgroup: str, outcome: str, role: str) -> list[float]:
    """The arm's baseline and end means (not its mean change), in that order."""
    rows = ev.summary[
        (ev.summary["study_id"] == sid)
        & (ev.summary["subgroup"] == subgroup)
        & (ev.summary["outcome"] == outcome)
        & (ev.summary["statistic"] == "mean")
        & ev.summary["timepoint"].isin(["baseline", "end"])
    ]
    rows = _keep(rows, [ev.role(sid, a) == role for a in rows["arm"]])
    order = {"baseline": 0, "end": 1}
    rows = rows.assign(o=rows["timepoint"].map(order)).sort_values("o")
    return list(rows["value"].astype(float))


def _chance(p: float) -> str:
    """A probability in words a reader can take: 'less than 1%' rather than 'about 0%'."""
    if not np.isfinite(p):
        return "not known"
    if p < 0.01:
        return "less than 1%"
    if p > 0.99:
        return "more than 99%"
    return f"about {p:.0%}"


def _share(p: float) -> str:
    """A probability as a bare percentage, to the precision that keeps it apart from 0 and 1
    ('0.6%', '23%', '99.9%'; 'under 0.1%', 'over 99.9%')."""
    if not np.isfinite(p):
        return "not known"
    if p < 0.001:
        return "under 0.1%"
    if p > 0.999:
        return "over 99.9%"
    return f"{p:.0%}" if 0.01 <= p <= 0.99 else f"{p:.1%}"


def with_range(p: float, low: float, high: float, over: str) -> str:
    """A figure that rests on an assumption, with its range over the assumption's range beside
    it: 'about 95% (23% to 99.9% over ...)' (never the favourable end alone)."""
    main = _share(p)
    return f"{main if main[0].isalpha() else 'about ' + main} ({_share(low)} to {_share(high)} {over})"


def _same_at_precision(asserted: list[float], data: list[float]) -> bool:
    """The asserted figures equal the data's once the data are rounded to the asserted figure's
    own decimals (an article writing 7.8 for a reported 7.84 is right)."""
    if len(asserted) != len(data):
        return False

    def decimals(x: float) -> int:
        text = f"{x:.10g}"
        return len(text.split(".")[1]) if "." in text else 0

    return all(
        round(d, decimals(a)) == round(a, decimals(a))
        for a, d in zip(sorted(asserted), sorted(data), strict=True)
    )


def within_arm_change(claim, ev: Evidence) -> dict:
    """A before/after figure from one trial: checks the asserted means, then judges the
    between-arm difference in change against placebo and the MCID."""
    sid, outcome = claim["study_id"], claim["outcome"]
    study = ev.study(sid)
    traced = _traced(ev, [sid])
    label = _labels(claim).get(outcome, outcome)
    if study is None or not _is_true(study["controlled"]):
        return effect(claim, ev)
    eff = ev.effects[
        (ev.effects["study_id"] == sid)
        & (ev.effects["outcome"] == outcome)
        & (ev.effects["estimand"] == "between_change")
        & ~has_forensic_flag(ev.effects)
        & ev.effects["md"].notna()
    ]
    eff = eff.assign(w=(eff["subgroup"] != WHOLE)).sort_values("w")
    r = eff.iloc[0]
    sub = r["subgroup"]
    means = {role: _arm_means(ev, sid, sub, outcome, role) for role in ("intervention", "comparator")}
    asserted = _asserted_numbers(claim)
    mismatch = bool(asserted) and not _same_at_precision(asserted, means["intervention"])
    se = np.sqrt(r["md_var"])
    lo, hi = md_interval(r["md"], r["md_var"], r.get("md_df", np.nan), 1.0 - ev.alpha)
    mcid = ev.config["mcid"].get(outcome, {}).get("value", np.nan)
    p_mcid = float(stats.norm.sf(mcid, loc=r["md"], scale=se)) if np.isfinite(mcid) else np.nan
    reported = ev.summary[
        (ev.summary["study_id"] == sid)
        & (ev.summary["subgroup"] == sub)
        & (ev.summary["outcome"] == outcome)
        & (ev.summary["arm"] == BETWEEN)
    ]
    sig = _significance(reported, ev.alpha)
    if sig is None:
        sig = bool(lo > 0)
    p_text = ", ".join(
        f"{s} {v:g}" for s, v in zip(reported["statistic"], reported["value"], strict=True)
    )
    parts = [
        f"{role} arm means (baseline, end): " + ", ".join(f"{m:g}" for m in ms)
        for role, ms in means.items()
        if ms
    ]
    unit = md_unit(r.get("instrument"), ev.instruments)
    diff, notice = in_unit(f"{abs(r['md']):.1f}", unit), in_unit(f"{mcid:g}", unit)
    parts += [
        f"difference in change vs comparator {in_unit(_fmt_ci(r['md'], lo, hi, 1), unit)} "
        f"({sub} subgroup; {r['assumptions']})",
        f"reported between-arm {p_text}" if p_text else "no reported between-arm test",
        *([checked] if (checked := p_check_phrase(r)) else []),
    ]
    bayes = (
        ev.bayes[
            ev.bayes["set"].map(
                lambda s: (
                    ev.config["meta_analysis"]["sets"].get(s, {}).get("mcid_outcome") == outcome
                    and ev.config["meta_analysis"]["sets"].get(s, {}).get("controlled_only", False)
                )
            )
        ]
        if not ev.bayes.empty and "set" in ev.bayes.columns
        else ev.bayes
    )
    b = bayes.iloc[0] if not bayes.empty else None
    if b is not None:  # the project's primary analysis first, with its range
        parts.append(
            f"MCID {notice}: Bayesian (prior {b['prior']}, primary): P(effect > MCID) = "
            f"{b['p_mu_gt_mcid']:.2f} ({b['p_mu_gt_mcid_sd_low']:.2f} to "
            f"{b['p_mu_gt_mcid_sd_high']:.2f} over the reference-SD range)"
        )
    parts.append(
        f"MCID {notice}: P(difference > MCID) = {p_mcid:.2f} (flat prior, this trial's figures alone)"
    )
    p_meaningful = float(b["p_mu_gt_mcid"]) if b is not None else p_mcid
    if mismatch:
        verdict = WRONG
    elif not sig:
        verdict = NO_DIFFERENCE
    elif sub != WHOLE and claim.get("scope") != "subgroup":
        verdict = OVERSTATED
    elif _flag(claim.get("asserts_meaningful")) and not p_meaningful >= 0.5:
        verdict = OVERSTATED
    elif sub != WHOLE:
        verdict = WEAK
    else:
        verdict = SUPPORTED
    group = claim.get("subgroup_label") if isinstance(claim.get("subgroup_label"), str) else ""
    ms = means["intervention"]
    arm = {role: _arm_name(ev, sid, role) for role in ("intervention", "comparator")}
    plain = (
        f"On {arm['intervention']}, {label} went from {ms[0]:g} to {ms[-1]:g}"
        if len(ms) >= 2
        else f"On {arm['intervention']}, {label} changed"
    )
    cs = means["comparator"]
    if len(cs) >= 2:
        plain += f"; on {arm['comparator']} from {cs[0]:g} to {cs[-1]:g}"
    plain += (
        f". The difference between the groups was {diff}; a change "
        f"patients notice is about {notice}, and the chance that the true "
        "difference is that large is "
    )
    if b is not None:
        prior = b.get("prior_label") or b["prior"]
        plain += (
            with_range(
                b["p_mu_gt_mcid"],
                b["p_mu_gt_mcid_sd_low"],
                b["p_mu_gt_mcid_sd_high"],
                "over the assumed range of the reference SD that converts the threshold",
            )
            + f" in the project's primary Bayesian analysis ({prior}); from "
            f"this trial's figures alone with a flat prior it is {_chance(p_mcid)}."
        )
    else:
        plain += f"{_chance(p_mcid)} (flat prior, this trial's figures alone)."
    if len(cs) >= 2 and cs[-1] > cs[0] and ev.summary.loc[reported.index, "lower_is_better"].all():
        plain += f" Part of the difference comes from the {arm['comparator']} group getting worse."
    if sub != WHOLE:
        plain += (
            f" These numbers exist only for {group or 'a subgroup'}, not for the whole "
            "trial, and come from a secondary summary, not the trial's abstract."
            if (
                ev.summary.loc[ev.summary["study_id"] == sid]
                .query("subgroup == @sub and outcome == @outcome")["status"]
                .eq("second-hand")
                .any()
            )
            else f" These numbers exist only for {group or 'a subgroup'}, not for the whole trial."
        )
    if r.get("p_check") == P_BY_CONSTRUCTION:
        plain += (
            " No sample size was reported: it was worked out from the reported p-value, so "
            "that p-value cannot confirm these figures."
        )
    if mismatch:
        plain = (
            f"The article's figures ({', '.join(f'{v:g}' for v in asserted)}) do not match "
            f"the trial's ({', '.join(f'{v:g}' for v in ms)}). "
        ) + plain
    return _result(claim, traced, verdict, "; ".join(parts), plain, r["md"], lo, hi, p_mcid)


def subgroup_effect(claim, ev: Evidence) -> dict:
    """A result found in a subgroup of one trial: significance per claimed outcome, whole-sample
    result, the subgroup's credibility (planned? multiplicity, shrinkage) and forensic flags."""
    sid = claim["study_id"]
    labels = _labels(claim)
    cred = ev.credibility.set_index("criterion")
    s = ev.summary[(ev.summary["study_id"] == sid) & (ev.summary["arm"] == BETWEEN)]
    sub_sig, whole_p = {}, {}
    for outcome in labels:
        rows = s[s["outcome"] == outcome]
        subs = rows[rows["subgroup"] != WHOLE]
        sig = [_significance(g, ev.alpha) for _, g in subs.groupby("subgroup")]
        sub_sig[outcome] = any(x for x in sig if x is not None)
        whole = rows[(rows["subgroup"] == WHOLE) & (rows["statistic"] == "p_value")]
        if not whole.empty:
            whole_p[outcome] = float(whole["value"].iloc[0])
    study_rows = set(ev.summary.loc[ev.summary["study_id"] == sid, "row_id"])
    flags = ev.forensics[(ev.forensics["verdict"] == "flag") & ev.forensics["row_id"].isin(study_rows)]
    planned = str(cred.loc[PRESPECIFIED, "answer"]) if PRESPECIFIED in cred.index else ""
    parts = [f"{o}: significant in a subgroup: {'yes' if v else 'no'}" for o, v in sub_sig.items()]
    parts += [f"{o}, whole sample: p = {p:.2f}" for o, p in whole_p.items()]
    parts += [
        f"{c}: {cred.loc[c, 'answer']} ({str(cred.loc[c, 'evidence']).rstrip('.')})"
        for c in (PRESPECIFIED, MULTIPLICITY)
        if c in cred.index
    ]
    if not ev.shrinkage.empty:
        sh = ev.shrinkage.iloc[0]
        parts.append(
            f"subgroup g {sh['g_sub']:.2f} shrinks to {sh['shrunken_sub_mean']:.2f} "
            f"(95% CrI {sh['shrunken_sub_q025']:.2f} to {sh['shrunken_sub_q975']:.2f})"
        )
    if not flags.empty:
        parts.append("forensics: " + "; ".join(flags["detail"]))
    all_sig = all(sub_sig.values())
    verdict = WEAK if all_sig and claim.get("scope") == "subgroup" else OVERSTATED
    group = claim.get("subgroup_label") if isinstance(claim.get("subgroup_label"), str) else ""
    plain = []
    comparator = _arm_name(ev, sid, "comparator")
    if whole_p:
        plain.append(
            "In the whole trial, "
            + _join(
                [
                    f"{labels[o]} did not differ from {comparator} (p = {p:.2f})"
                    if p >= ev.alpha
                    else f"{labels[o]} differed from {comparator} (p = {p:.2f})"
                    for o, p in whole_p.items()
                ]
            )
            + "."
        )
    benefits = [labels[o] for o, v in sub_sig.items() if v]
    plain.append(
        "The reported benefit"
        + (f" ({_join(benefits)})" if benefits else "")
        + f" is only in {group or 'a subgroup'}."
    )
    plain.append(
        {
            "no": "That group was chosen after the results were in.",
            "yes": "That group was planned in advance.",
        }.get(planned, "Whether that group was planned in advance is not reported.")
    )
    benefit = (
        ev.no_effect[ev.no_effect["metric"] == "p_any_benefit"]
        if not ev.no_effect.empty
        else ev.no_effect
    )
    if not benefit.empty:
        rate = float(benefit.loc[benefit["k"].idxmax(), "value"])
        plain.append(
            f"With as many comparisons as this trial made, a chance 'finding' like it "
            f"turns up in about {rate:.0%} of trials of a treatment that does nothing."
        )
    if not flags.empty:
        plain.append(
            "One of the numbers reported for this group cannot be right (see 'Figures "
            "that cannot be right')."
        )
    est = lo = hi = np.nan
    if not ev.shrinkage.empty:
        sh = ev.shrinkage.iloc[0]
        est, lo, hi = sh["g_sub"], sh["g_sub_ci_low"], sh["g_sub_ci_high"]
    return _result(claim, _traced(ev, [sid]), verdict, "; ".join(parts), " ".join(plain), est, lo, hi)


# ---------------------------------------------------------------- counts and proportions


def vote_count(claim, ev: Evidence) -> dict:
    """'k of n studies': untraceable unless a source reports the count; otherwise judged on the
    share of uncontrolled studies and the placebo-controlled estimate."""
    if ev.vote.empty or "vote_count" not in ev.config:
        raise ValueError(
            "a vote-count claim needs the vote count: add a vote_count block to the case's config"
        )
    v = ev.vote.iloc[0]
    vc = ev.config["vote_count"]
    controlled = ev.pooled_set(vc["controlled_set"])
    pooled_label = ci_label(ev.config["meta_analysis"]["level"])
    ns = vc["nonspecific_improvement"]
    sid = claim["study_id"]
    count_rows = ev.summary[
        (ev.summary["study_id"] == sid) & ev.summary["statistic"].isin(["n", "count"])
    ]
    traceable = not count_rows.empty and (count_rows["status"] == "reported").all()
    parts = [
        f"count as stated: {v['positive']:.0f} of {v['total']:.0f} (source: "
        f"{'; '.join(count_rows['source'].unique())}; status "
        f"{'/'.join(count_rows['status'].unique())})",
        f"{v['positive']:.0f} of {v['total']:.0f} = {v['share']:.0%} "
        f"(95% CI {v['ci_low']:.0%} to {v['ci_high']:.0%}); sign test p = "
        f"{v['sign_test_p_one_sided']:.2f} (one-sided)",
        f"{v['uncontrolled_studies']:.0f} of the {v['total']:.0f} studies (as assumed) had "
        "no placebo group",
        f"with no effect of the treatment, at least {v['positive']:.0f} of "
        f"{v['total']:.0f} show an improvement in "
        f"{_share(v['p_at_least_k_if_no_effect_direction'])} of simulated reviews "
        f"(placebo response + regression to the mean {ns['value']:g} SD; "
        f"{_share(v['p_at_least_k_if_no_effect_direction_low_nonspecific'])} at "
        f"{ns['range'][0]:g} SD to "
        f"{_share(v['p_at_least_k_if_no_effect_direction_high_nonspecific'])} at "
        f"{ns['range'][1]:g} SD); at least {v['positive']:.0f} significant: "
        f"{_share(v['p_at_least_k_if_no_effect_significant'])} "
        f"({_share(v['p_at_least_k_if_no_effect_significant_low_nonspecific'])} to "
        f"{_share(v['p_at_least_k_if_no_effect_significant_high_nonspecific'])})",
        f"placebo-controlled whole-sample estimate: g = "
        f"{_fmt_ci(controlled['mu'], controlled['ci_low'], controlled['ci_high'], label=pooled_label)}, "
        f"k = {controlled['k']:.0f}",
    ]
    study = ev.study(sid)
    note = str(study["note"]) if study is not None and isinstance(study.get("note"), str) else ""
    if note:
        parts.append(f"the review itself: {note}")
    uncontrolled_majority = v["uncontrolled_studies"] > v["total"] / 2
    controlled_null = controlled["ci_low"] <= 0
    if not traceable:
        verdict = UNTRACEABLE
    elif uncontrolled_majority:
        verdict = WEAK
    elif controlled_null:
        verdict = NO_DIFFERENCE
    else:
        verdict = SUPPORTED
    plain = ""
    if not traceable:
        reason = claim.get("reason") if isinstance(claim.get("reason"), str) else ""
        plain = (reason or "We found no source that reports this count.") + " "
    plain += (
        f"Even taken at face value, counting studies does not measure an effect: "
        f"{v['uncontrolled_studies']:.0f} of the {v['total']:.0f} (as assumed) had no "
        f"placebo group, and if the treatment did nothing at least "
        f"{v['positive']:.0f} of {v['total']:.0f} would still report some improvement "
        + with_range(
            v["p_at_least_k_if_no_effect_direction"],
            v["p_at_least_k_if_no_effect_direction_low_nonspecific"],
            v["p_at_least_k_if_no_effect_direction_high_nonspecific"],
            f"as the assumed improvement on any treatment ranges from "
            f"{ns['range'][0]:g} to {ns['range'][1]:g} SD",
        )
        + " of the time, because patients improve with any treatment and with time; "
        f"at least {v['positive']:.0f} significant improvements would turn up "
        + with_range(
            v["p_at_least_k_if_no_effect_significant"],
            v["p_at_least_k_if_no_effect_significant_low_nonspecific"],
            v["p_at_least_k_if_no_effect_significant_high_nonspecific"],
            "over the same range",
        )
        + " of the time."
    )
    return _result(
        claim,
        _traced(ev, [sid]),
        verdict,
        "; ".join(parts),
        plain,
        v["share"],
        v["ci_low"],
        v["ci_high"],
    )


def uncontrolled_proportion(claim, ev: Evidence) -> dict:
    """'x% of patients' from one study: year, design and population as asserted? Then the
    placebo-controlled evidence on the same question (studies with the same role)."""
    sid = claim["study_id"]
    study = ev.study(sid)
    count = ev.summary[(ev.summary["study_id"] == sid) & (ev.summary["statistic"] == "count")]
    r = count.iloc[0]
    k, n = int(r["value"]), int(r["n"])
    ci = stats.binomtest(k, n).proportion_ci(method="exact")
    problems = []
    year = _year(study)
    if (
        pd.notna(claim.get("asserted_year"))
        and np.isfinite(year)
        and float(claim["asserted_year"]) != year
    ):
        problems.append(f"the study is from {year:.0f}, not {float(claim['asserted_year']):.0f}")
    if _flag(claim.get("asserts_placebo")) and not _is_true(study["controlled"]):
        problems.append("it had no placebo group")
    asserted = _asserted_numbers(claim)
    if asserted and abs(asserted[0] - k / n) > 0.005 + 0.5 / n:
        problems.append(f"it reports {k / n:.0%}, not {asserted[0]:.0%}")
    parts = [
        f"{k}/{n} = {k / n:.0%} (95% CI {ci.low:.0%} to {ci.high:.0%}) in an "
        f"{study['design']} ({study['population']})"
    ]
    same = (ev.studies["role"] == study["role"]) & ev.studies["controlled"].map(_is_true)
    if "route" in ev.studies.columns and isinstance(study.get("route"), str):
        same &= ev.studies["route"] == study["route"]  # same question: same route of giving it
    ctrl = ev.studies[same]
    said = []
    for _, c in ctrl.iterrows():
        rows = ev.summary[ev.summary["study_id"] == c["study_id"]]
        if rows.empty:
            continue
        by = rows.set_index("statistic")["value"]
        if {"estimate", "ci_low", "ci_high"} <= set(by.index):
            parts.append(
                f"{c['citation']}: {rows['instrument'].iloc[0]} "
                f"{_fmt_ci(by['estimate'], by['ci_low'], by['ci_high'])}"
            )
        else:
            parts.append(
                f"{c['citation']}: "
                + ", ".join(
                    f"{o} {s} {v:g}"
                    for o, s, v in zip(rows["outcome"], rows["statistic"], rows["value"], strict=True)
                )
            )
        sig = _significance(rows[rows["arm"] == BETWEEN], ev.alpha)
        counts = rows[(rows["arm"] != BETWEEN) & (rows["statistic"] == "count")]
        if sig is not None:
            said.append(f"{_name(c)} {'found a benefit' if sig else 'found no clear benefit'}")
        elif not counts.empty:
            k1, n1 = counts["value"].iloc[0], counts["n"].iloc[0]
            said.append(
                f"{_name(c)} reports {k1:g} of {n1:g} on the treatment, but no "
                "comparison with its placebo group"
            )
    if problems:
        verdict = WRONG
    elif not _is_true(study["controlled"]):
        verdict = NEVER_TESTED
    else:
        verdict = SUPPORTED
    plain = (
        f"The {k / n:.0%} ({k} of {n}) comes from {_name(study)} "
        f"({study['population']}; {study['design']})."
    )
    if problems:
        plain = f"Wrong as stated: {'; '.join(problems)}. " + plain
    if said:
        plain += (
            " Where a placebo group was used (same route of administration): " + "; ".join(said) + "."
        )
    return _result(claim, _traced(ev, [sid]), verdict, "; ".join(parts), plain, k / n, ci.low, ci.high)


# ---------------------------------------------------------------- citations, facts, design


def untraceable_citation(claim, ev: Evidence) -> dict:
    ids = _list(claim.get("study_id"))
    closest = [
        f"{ev.study(s)['citation']} — {ev.study(s)['design']}" for s in ids if ev.study(s) is not None
    ]
    reason = claim.get("reason") if isinstance(claim.get("reason"), str) else ""
    plain = reason or "We could not find this in any of the sources."
    if closest:
        plain += (
            " The closest we found: "
            + "; ".join(
                f"{_name(ev.study(s))} ({ev.study(s)['design']})" for s in ids if ev.study(s) is not None
            )
            + "."
        )
    return _result(
        claim,
        "",
        UNTRACEABLE,
        "no matching study or text" + ("; closest: " + "; ".join(closest) if closest else ""),
        plain,
    )


def fact(claim, ev: Evidence) -> dict:
    """A checkable fact: the asserted value against the reference value recorded with it."""
    asserted = str(claim.get("asserted_value") or "").strip().lower()
    reference = str(claim.get("reference_value") or "").strip().lower()
    verdict = SUPPORTED if asserted == reference else WRONG
    reason = claim.get("reason") if isinstance(claim.get("reason"), str) else ""
    return _result(
        claim, claim.get("source", ""), verdict, f"asserted: {asserted}; reference: {reference}", reason
    )


def design(claim, ev: Evidence) -> dict:
    """Design facts (key=value pairs in asserted_value) against data/studies.csv."""
    study = ev.study(claim["study_id"])
    wrong, parts = [], []
    pairs = dict(p.split("=", 1) for p in _list(claim.get("asserted_value")))
    if _flag(claim.get("asserts_placebo")):
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
        parts.append(f"{key}: asserted {want}, recorded {have_s}")
        if not ok:
            wrong.append(f"{key.replace('_', ' ')} is {have_s}, not {want}")
    verdict = WRONG if wrong else SUPPORTED
    plain = (
        f"Matches how {_name(study)} is described in its abstract."
        if not wrong
        else f"Does not match {_name(study)}: " + "; ".join(wrong) + "."
    )
    return _result(claim, _traced(ev, [claim["study_id"]]), verdict, "; ".join(parts), plain)


def first_of_kind(claim, ev: Evidence) -> dict:
    """'For the first time': earlier blinded placebo-controlled studies of the same role without a
    co-intervention make it wrong; otherwise the effect part of the claim decides."""
    study = ev.study(claim["study_id"])
    year = _year(study)
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
        & s["controlled"].map(_is_true)
        & s["blinded"].map(_is_true)
        & (s["year"].astype(float) < year)
    ]
    same = earlier[co.loc[earlier.index].str.strip() == ""]
    other = earlier[co.loc[earlier.index].str.strip() != ""]
    verdict, numbers, plain, traced, not_pooled = _effect_parts(claim, ev)
    parts = [f"earlier blinded placebo-controlled studies of the same kind: {len(same)}"]
    parts += [f"earlier, with a co-intervention ({co[i]}): {r['citation']}" for i, r in other.iterrows()]
    if not same.empty:
        verdict = WRONG
        plain = (
            f"Not the first: {_join([_name(r) for _, r in same.iterrows()])} tested it "
            "earlier against placebo. " + plain
        )
    else:
        first = (
            f"As far as our sources go, {_name(study)} is the first blinded "
            "placebo-controlled trial of this kind without another substance added"
        )
        if not other.empty:
            first += (
                " ("
                + _join([_name(r) for _, r in other.iterrows()])
                + " tested it combined with another substance)"
            )
        plain = first + ". " + plain
    return _result(
        claim,
        traced or _traced(ev, [claim["study_id"]]),
        verdict,
        "; ".join(parts) + "; " + numbers,
        plain,
        not_pooled=not_pooled,
    )


def not_checkable(claim, ev: Evidence) -> dict:
    reason = claim.get("reason") if isinstance(claim.get("reason"), str) else ""
    return _result(claim, "", NOT_CHECKABLE, "no trial figure applies", reason)


# ---------------------------------------------------------------- levels and associations


def _kind(finding: str) -> str:
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


def levels(claim, ev: Evidence) -> dict:
    """Case-control comparisons of levels, counted per study (a study measuring several samples
    counts once: 'lower' if any sample was lower) and only for levels in the body (an intake
    record is not a level). Scope 'general' (patients have lower levels), 'some' (several studies
    found lower) or 'mixed' (studies disagree)."""
    body = ev.levels[~ev.levels["sample"].astype(str).str.contains("intake", case=False)]
    kinds = body.assign(kind=body["finding"].map(_kind)).groupby("study_id")["kind"].agg(_study_kind)
    counts = kinds.value_counts()
    lower = int(counts.get("lower", 0))
    known = int(counts.drop("unknown", errors="ignore").sum())
    scope = claim.get("scope") or "general"
    if scope == "some":
        verdict = SUPPORTED if lower >= 2 else (WEAK if lower == 1 else CONTRADICTED)
    elif scope == "mixed":
        verdict = SUPPORTED if 0 < lower < known else CONTRADICTED
    else:
        verdict = SUPPORTED if known and lower == known else CONTRADICTED if lower == 0 else OVERSTATED
    # per sample, every comparison (row) with its own finding; ``kinds`` is one per study
    by_sample = (
        ev.levels.assign(kind=ev.levels["finding"].map(_kind))
        .groupby("sample")["kind"]
        .agg(lambda k: ", ".join(f"{n} {w}" for w, n in k.value_counts().items()))
    )
    parts = [f"{len(kinds)} studies: " + ", ".join(f"{n} {w}" for w, n in counts.items())]
    parts += [f"{s}: {v}" for s, v in by_sample.items()]
    others = known - lower
    plain = (
        f"Of {known} studies comparing levels in patients with controls that give a clear "
        f"result, {lower} found lower levels in patients (in at least one sample) and "
        f"{others} did not (no difference or higher); {int(counts.get('unknown', 0))} more "
        "give no direction in our sources."
    )
    if verdict == SUPPORTED and scope != "general":
        plain += " That is what the sentence says."
    plain += (
        " Such comparisons are snapshots: they cannot show that low levels cause the "
        "condition, or that taking a supplement helps."
    )
    return _result(
        claim,
        f"{len(ev.levels)} case-control comparisons of levels (data/levels.csv)",
        verdict,
        "; ".join(parts),
        plain,
        lower / known if known else np.nan,
    )


def level_study(claim, ev: Evidence) -> dict:
    """'A study published in YEAR found ...': a levels row of that year and sample type."""
    year = float(claim["asserted_year"])
    samples = [s.lower() for s in _list(claim.get("asserted_value"))]
    rows = ev.levels[ev.levels["year"].astype(float) == year]
    if samples:
        rows = _keep(rows, [any(s in str(x).lower() for s in samples) for x in rows["sample"]])
    want = str(claim.get("direction") or "")
    match = _keep(rows, [_kind(f) == want for f in rows["finding"]])
    numbers = (
        "; ".join(
            f"{r['citation']}: {r['sample']}, {r['n_fm']:.0f} vs "
            f"{r['n_control']:.0f}, {r['finding']} ({r['status']}: {r['source']})"
            for _, r in rows.iterrows()
        )
        or "no study of that year and sample"
    )
    if not match.empty:
        r = match.iloc[0]
        verdict = SUPPORTED
        plain = (
            f"Matches {r['citation']}: {r['n_fm']:.0f} patients and "
            f"{r['n_control']:.0f} controls, {r['finding']} in {r['sample']} levels"
            + (" (we know it only from a review's table)." if r["status"] == "second-hand" else ".")
        )
    elif not rows.empty:
        verdict = CONTRADICTED
        plain = "The study of that year found something else: " + numbers + "."
    else:
        verdict = UNTRACEABLE
        plain = "We found no study of that year measuring that."
    return _result(claim, numbers, verdict, numbers, plain)


def association(claim, ev: Evidence) -> dict:
    """'X has been linked to Y': which claimed outcomes a listed study links to the levels
    (levels.csv linked_outcomes), plus reported correlations (statistic r)."""
    ids = _list(claim.get("study_id"))
    labels = _labels(claim)
    rows = ev.levels[ev.levels["study_id"].isin(ids)]
    linked: dict[str, list[str]] = {}
    details = []
    for _, r in rows.iterrows():
        outs = _list(r.get("linked_outcomes"))
        for o in outs:
            linked.setdefault(o, []).append(
                _name(ev.study(r["study_id"]))
                if ev.study(r["study_id"]) is not None
                else str(r["citation"]).split(".")[0]
            )
        if outs:
            details.append(f"{r['citation']} ({r['sample']}): {r.get('link_detail')} [{r['status']}]")
    corr = ev.summary[ev.summary["study_id"].isin(ids) & (ev.summary["statistic"] == "r")]
    details += [
        f"{ev.study(r['study_id'])['citation']}: {r['outcome']} r = {r['value']:g} "
        f"(n = {r['n']:.0f}, {r['timepoint']})"
        for _, r in corr.iterrows()
    ]
    found = [o for o in labels if o in linked]
    missing = [o for o in labels if o not in linked]
    verdict = SUPPORTED if not missing else UNTRACEABLE if not found else OVERSTATED
    plain = []
    if found:
        plain.append("Linked in " + "; ".join(f"{_join(linked[o])} ({labels[o]})" for o in found) + ".")
    if missing:
        plain.append(f"No link with {_join([labels[o] for o in missing])} was found in the studies.")
    plain.append(
        "These are associations in snapshots of patients, not evidence that taking "
        "a supplement changes the symptom."
    )
    return _result(
        claim, _traced(ev, ids), verdict, "; ".join(details) or "nothing found", " ".join(plain)
    )


RULES = {
    "effect": effect,
    "within_arm_change": within_arm_change,
    "subgroup_effect": subgroup_effect,
    "vote_count": vote_count,
    "uncontrolled_proportion": uncontrolled_proportion,
    "untraceable_citation": untraceable_citation,
    "levels": levels,
    "level_study": level_study,
    "association": association,
    "design": design,
    "first_of_kind": first_of_kind,
    "fact": fact,
    "not_checkable": not_checkable,
}


def build_ledger(claims: pd.DataFrame, ev: Evidence) -> pd.DataFrame:
    rows = []
    for _, claim in claims.iterrows():
        try:
            rows.append(RULES[claim["claim_type"]](claim, ev))
        except (KeyError, IndexError) as err:
            raise ValueError(
                f"claim {claim['claim_id']!r} ({claim['claim_type']}): the evidence "
                f"it needs is missing: {err!r}"
            ) from err
    return pd.DataFrame(rows, columns=COLUMNS)
