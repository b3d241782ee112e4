"""Summary of findings (GRADE): per outcome, the studies and patients, the effect in instrument
points with its interval (from results/effect_sizes.csv), the certainty computed by
``grade.certainty`` and one plain-language line.

Plain-language statements follow GRADE's informative statements (Santesso et al. 2020, J Clin
Epidemiol 119:126): high "X reduces/improves Y", moderate "X probably ...", low "X may ...",
very low "The evidence is very uncertain about the effect of X on Y". Whether an effect is
"little or no difference" is judged on the point estimate against the outcome's minimal
important difference (config ``mcid``) when there is one, else |SMD| < 0.2 (Cohen's small).
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pandas as pd

from reanalysis.appraisal.study_characteristics import adverse_event_text
from reanalysis.effects.intervals import ci_label, md_interval
from reanalysis.effects.notes import (
    assumed_n,
    forensically_flagged,
    in_unit,
    md_unit,
    p_threshold_only,
)

SMALL_SMD = 0.2


def _first_word_phrase(label: str) -> str:
    """'Walking distance (6MWT, m)' -> 'walking distance' (the outcome as a reader says it)."""
    return label.split(" (")[0].strip().lower()


def intervention_arms(arms: pd.DataFrame) -> set[tuple[str, str]]:
    """(study_id, arm) pairs whose role in data/arms.csv is the intervention."""
    return set(
        zip(
            arms.loc[arms["role"] == "intervention", "study_id"],
            arms.loc[arms["role"] == "intervention", "arm"],
            strict=False,
        )
    )


def select_effects(effects: pd.DataFrame, spec: dict, arms: set) -> pd.DataFrame:
    """One effect per study for a summary-of-findings row: the first configured estimand, then
    subgroup, then outcome that the study has, preferring estimable rows without forensic flags.
    Between-arm rows, and within-arm rows of intervention arms only."""
    part = effects[
        effects["outcome"].isin(spec["effect_outcomes"])
        & effects["estimand"].isin(spec["estimands"])
        & effects["subgroup"].isin(spec["subgroups"])
    ].copy()
    keep = [(r["arm"] == "between") or ((r["study_id"], r["arm"]) in arms) for _, r in part.iterrows()]
    part = part[keep]
    if part.empty:
        return part
    part["_rank"] = list(
        zip(
            part["forensic_flags"].map(forensically_flagged).astype(int),
            part["yi"].isna().astype(int),
            part["estimand"].map(spec["estimands"].index),
            part["subgroup"].map(spec["subgroups"].index),
            part["outcome"].map(spec["effect_outcomes"].index),
            strict=False,
        )
    )
    chosen = part.sort_values("_rank", kind="stable").groupby("study_id", sort=False).head(1)
    return chosen.drop(columns="_rank")


def _n(row: pd.Series) -> tuple[float, bool]:
    """Patients behind an effect, each counted once (the effect table's ``patients``: a crossover's
    patients are in both arms), and whether that number is not reported (``n_source``: implied by
    the reported p-values or assumed in the config)."""
    if "patients" in row.index and pd.notna(row["patients"]):
        n = row["patients"]
    else:
        n = row["n1"] + (row["n2"] if row["arm"] == "between" and pd.notna(row["n2"]) else 0)
    assumed = assumed_n(row)
    return n, assumed


def effect_text(
    row: pd.Series,
    name: str,
    level: float,
    intervention: str,
    comparator: str,
    subgroup_labels: dict,
    unit: str = "points",
) -> str:
    """The effect in the instrument's unit (``unit``: points, or '' when not known) with its CI
    (:func:`intervals.md_interval`: t on the effect's ``md_df`` where it has one, as in the effect
    table), or the standardised effect (normal CI) when there is no mean difference, or 'direction
    only'."""
    z = NormalDist().inv_cdf(0.5 + level / 2)
    sub = row["subgroup"]
    where = "" if sub == "all" else f", {subgroup_labels.get(sub, sub)}"
    if pd.notna(row["md"]) and pd.notna(row["md_var"]):
        lo, hi = md_interval(row["md"], row["md_var"], row.get("md_df", np.nan), level)
        better = "better" if row["md"] >= 0 else "worse"
        size = in_unit(f"{abs(row['md']):.1f}", unit)
        return (
            f"{name}: {size} {better} with {intervention} than "
            f"{comparator} ({ci_label(level)} {lo:+.1f} to {hi:+.1f}; + = better with "
            f"{intervention}), {row['instrument']}{where}"
        )
    if pd.notna(row["yi"]):
        se = np.sqrt(row["vi"])
        dagger = " †" if p_threshold_only(row) else ""
        kind = "change within one arm (SMCR)" if row["arm"] != "between" else "SMD"
        return (
            f"{name}: {kind} {row['yi']:.2f} ({ci_label(level)} {row['yi'] - z * se:.2f} to "
            f"{row['yi'] + z * se:.2f}){dagger}, {row['instrument']}, no mean difference "
            f"reported{where}"
        )
    return f"{name}: direction of change only, no numbers ({row['instrument']}){where}"


def direction(row: pd.Series | None, mcid: float | None) -> str:
    """'benefit', 'harm', 'little' (|effect| below the MCID or |SMD| < 0.2) or 'unknown'."""
    if row is None:
        return "unknown"
    if mcid is not None and pd.notna(row["md"]):
        size = row["md"] / mcid
    elif pd.notna(row["yi"]):
        size = row["yi"] / SMALL_SMD
    else:
        return "unknown"
    return "little" if abs(size) < 1 else ("benefit" if size > 0 else "harm")


def plain_statement(level: int, how: str, intervention: str, outcome: str) -> str:
    """GRADE informative statement (Santesso 2020) for a certainty level and direction."""
    if level == 1:
        return f"The evidence is very uncertain about the effect of {intervention} on {outcome}."
    if how == "unknown":
        return f"How {intervention} affects {outcome} is unknown: no values were reported."
    verbs = {
        "little": ("makes", "make", f"little or no difference to {outcome}"),
        "benefit": ("improves", "improve", outcome),
        "harm": ("worsens", "worsen", outcome),
    }
    third, base, obj = verbs[how]
    verb = {4: third, 3: f"probably {third}", 2: f"may {base}"}[level]
    return f"{intervention[:1].upper()}{intervention[1:]} {verb} {obj}."


def mcid_clause(
    row: pd.Series | None, mcid: float | None, subgroup_labels: dict | None = None, unit: str = "points"
) -> str:
    """' The estimated difference (0.9 points, in the <subgroup> only) is below the minimal
    important difference (2).' The subgroup is named when the estimate is not the whole sample's."""
    if row is None or mcid is None or pd.isna(row["md"]):
        return ""
    side = "below" if abs(row["md"]) < mcid else "at or above"
    where = ""
    if row.get("subgroup", "all") != "all":
        where = f", in the {(subgroup_labels or {}).get(row['subgroup'], row['subgroup'])} only"
    size, notice = in_unit(f"{abs(row['md']):.1f}", unit), in_unit(f"{mcid:g}", unit)
    return (
        f" The estimated difference ({size}{where}) is {side} the smallest difference "
        f"patients notice ({notice})."
    )


def adverse_patients(rows: pd.DataFrame) -> float:
    """Patients behind one study's adverse-event rows, each counted once: the largest total of
    each arm, summed over the arms ('all' rows: the whole sample), and the whole sample's total
    where that is larger. (A parallel trial's 48 + 46 are 94 patients, not 48.)"""
    rows = rows[rows["total"].notna()]
    if rows.empty:
        return float("nan")
    arms = rows[rows["arm"] != "all"].groupby("arm")["total"].max().sum()
    whole = rows.loc[rows["arm"] == "all", "total"].max()
    return float(max(arms, whole if pd.notna(whole) else 0.0))


def summary_of_findings(
    spec_list: list[dict],
    effects: pd.DataFrame,
    summary: pd.DataFrame,
    adverse: pd.DataFrame,
    certainty: pd.DataFrame,
    arms: pd.DataFrame,
    names: dict,
    mcid_cfg: dict,
    level: float,
    intervention: str,
    comparator: str,
    subgroup_labels: dict,
    instruments: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Machine-readable rows (one per outcome); ``sof_display`` turns them into the report table.
    ``instruments`` (instruments.csv) gives the unit of each mean difference (effect_notes.md_unit);
    without it every difference is in points."""
    arm_set = intervention_arms(arms)
    cert = certainty.set_index("outcome")
    out = []
    for spec in spec_list:
        key, phrase = spec["outcome"], _first_word_phrase(spec["label"])
        mcid = mcid_cfg.get(spec.get("mcid"), {}).get("value") if spec.get("mcid") else None
        chosen = select_effects(effects, spec, arm_set) if spec["effect_outcomes"] else pd.DataFrame()
        if (
            spec["evidence"] == "randomised"
            and not chosen.empty
            and not chosen["estimand"].str.startswith("between").all()
        ):
            raise ValueError(
                f"report.summary_of_findings, outcome {key!r}: evidence is "
                "'randomised' but the selected effects include within-arm changes; "
                "use 'non-randomised' or between-arm estimands"
            )
        effects_txt, studies, n_total, assumed, unknown_n, lead = [], [], 0.0, False, 0, None
        for _, r in chosen.iterrows():
            studies.append(r["study_id"])
            n, a = _n(r)
            if pd.notna(n):
                n_total += n
                assumed |= a
            else:
                unknown_n += 1
            effects_txt.append(
                effect_text(
                    r,
                    names.get(r["study_id"], r["study_id"]),
                    level,
                    intervention,
                    comparator,
                    subgroup_labels,
                    md_unit(r.get("instrument"), instruments),
                )
            )
            if lead is None and (pd.notna(r["md"]) or pd.notna(r["yi"])):
                lead = r
        if spec["effect_outcomes"] and chosen.empty:  # outcomes reported without numbers
            rows = summary[
                summary["outcome"].isin(spec["effect_outcomes"]) & (summary["statistic"] == "p_above")
            ]
            for study, g in rows.groupby("study_id", sort=False):
                studies.append(study)
                unknown_n += 1
                outs = ", ".join(o.replace("_", " ") for o in g["outcome"])
                effects_txt.append(
                    f"{names.get(study, study)}: {outs} reported only as not "
                    f"significantly different (p > {g['value'].iloc[0]:g}); "
                    "no values"
                )
        if not spec["effect_outcomes"]:  # adverse events and dropouts
            for study, g in adverse[adverse["status"] != "not found"].groupby("study_id", sort=False):
                studies.append(study)
                totals = g["total"].dropna()
                patients = adverse_patients(g)
                if totals.empty:
                    unknown_n += 1
                else:
                    n_total += patients
                effects_txt.append(
                    f"{names.get(study, study)}: "
                    + "; ".join(adverse_event_text(a) for _, a in g.iterrows())
                )
        c = cert.loc[key]
        how = direction(lead, mcid)
        out.append(
            {
                "outcome": key,
                "label": spec["label"],
                "n_studies": len(studies),
                "studies": " ".join(studies),
                "n_patients": n_total if n_total else np.nan,
                "n_assumed": assumed,
                "n_unknown": unknown_n,
                "md": lead["md"] if lead is not None else np.nan,
                "yi": lead["yi"] if lead is not None else np.nan,
                "effect": " | ".join(effects_txt) if effects_txt else "no data",
                "certainty_level": int(c["level"]),
                "certainty": c["certainty"],
                "symbols": c["symbols"],
                "reasons": " | ".join(c["reasons"]),
                "direction": how,
                "mcid": mcid if mcid is not None else np.nan,
                "plain": plain_statement(int(c["level"]), how, intervention, phrase)
                + mcid_clause(
                    lead,
                    mcid,
                    subgroup_labels,
                    md_unit(lead.get("instrument"), instruments) if lead is not None else "",
                ),
            }
        )
    return pd.DataFrame(out)


def patients_text(r: pd.Series) -> str:
    """'1 study, 20 patients (assumed: not reported)' in words a reader can check."""
    s = f"{r['n_studies']} stud{'y' if r['n_studies'] == 1 else 'ies'}"
    if pd.notna(r["n_patients"]):
        s += f", {int(r['n_patients'])} patients"
        if r["n_assumed"]:
            s += " (per-arm numbers not reported: assumed or worked back from the p-value)"
    if r["n_unknown"]:
        s += f"; patients not reported in {int(r['n_unknown'])}"
    return s
