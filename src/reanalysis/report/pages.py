"""Reader-facing report pages: summary of findings, risk of bias, study characteristics, the
reader's bottom line, software and configuration. Each function returns a whole HTML page built
with ``html_page``; every fact on a page comes from the tables passed in."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import yaml

from reanalysis.appraisal import risk_of_bias
from reanalysis.data.vocabulary import DOSE_BASES
from reanalysis.effects.intervals import ci_label
from reanalysis.report.html import esc, page, table
from reanalysis.report.summary_of_findings import patients_text

CERTAINTY_STYLE = {
    4: ("#d4e8f7", "#0072B2"),
    3: ("#d4e8f7", "#0072B2"),
    2: ("#fbe3b4", "#E69F00"),
    1: ("#f5c9b3", "#D55E00"),
}


def _certainty_badge(r: pd.Series) -> str:
    bg, border = CERTAINTY_STYLE[int(r["certainty_level"])]
    return (
        f"<span class='badge' style='background:{bg};border-color:{border}'>"
        f"<span aria-label='{esc(r['certainty'])} certainty'>{esc(r['symbols'])}</span> "
        f"{esc(r['certainty'])}</span>"
    )


def _list(text: str) -> str:
    items = [t for t in str(text).split(" | ") if t]
    if not items:
        return ""
    lis = "".join(f"<li>{esc(t)}</li>" for t in items)
    return f"<ul style='margin:0;padding-left:1.1em'>{lis}</ul>"


def sof_page(sof: pd.DataFrame, intervention: str, comparator: str, condition: str, level: float) -> str:
    """Summary-of-findings table: outcome, studies and patients, effect, certainty and reasons,
    plain-language line."""
    shown = pd.DataFrame(
        {
            "Outcome": sof["label"],
            "Studies (patients)": [patients_text(r) for _, r in sof.iterrows()],
            f"Effect ({ci_label(level)})": [_list(t) for t in sof["effect"]],
            "Certainty": [_certainty_badge(r) for _, r in sof.iterrows()],
            "Why not higher": [_list(t) or "not downgraded" for t in sof["reasons"]],
            "What it means": sof["plain"],
        }
    )
    lowest = sof["certainty"].iloc[sof["certainty_level"].argmin()]
    body = (
        f"<h2>Summary of findings: {esc(intervention)} compared with {esc(comparator)} or no "
        f"treatment for {esc(condition)}</h2>"
        f"<p class='note'>One row per outcome. The certainty of each is computed from the "
        "GRADE judgements in data/grade.csv: evidence from randomised trials starts at high, "
        "other evidence at low, and each concern lowers it (⊕⊕⊕⊕ high, ⊕⊕⊕◯ moderate, "
        f"⊕⊕◯◯ low, ⊕◯◯◯ very low). <b>Notice</b>: the lowest certainty here is "
        f"<b>{esc(lowest)}</b>, and no outcome rests on more than "
        f"{int(sof['n_studies'].max())} stud{'y' if sof['n_studies'].max() == 1 else 'ies'}. "
        "† marks an effect derived only from a reported significance threshold (p &lt; 0.05), "
        "which gives the smallest effect consistent with the claim.</p>"
        + table(shown, raw_html=(f"Effect ({ci_label(level)})", "Certainty", "Why not higher"))
    )
    return page("Summary of findings", body)


def rob_page(rob: pd.DataFrame, names: dict) -> str:
    """Traffic-light table and the support for every judgement."""
    lights = risk_of_bias.traffic_light(rob, names)
    legend = " ".join(risk_of_bias.badge(j) for j in risk_of_bias.JUDGEMENTS)
    n_high = int(((rob["domain"] == "overall") & (rob["judgement"] == "high")).sum())
    n_nc = int(rob.loc[rob["judgement"] == "no control group", "study_id"].nunique())
    no_control = (
        f", and {n_nc} stud{'y has' if n_nc == 1 else 'ies have'} no control group, "
        "so RoB 2 does not apply and their before-after changes cannot separate an "
        "effect from placebo response and regression to the mean"
        if n_nc
        else ""
    )
    body = (
        "<h2>Risk of bias (RoB 2)</h2>"
        f"<p class='note'>Each result assessed, by domain. Key: {legend}. <b>Notice</b>: "
        f"{n_high} result{'' if n_high == 1 else 's'} at high risk overall{no_control}.</p>"
        + table(lights, raw_html=tuple(lights.columns[2:]))
        + "<h3>Support for each judgement</h3>"
        + table(risk_of_bias.support_table(rob, names))
    )
    return page("Risk of bias", body)


def studies_page(characteristics: pd.DataFrame) -> str:
    body = (
        "<h2>Characteristics of the intervention studies</h2>"
        "<p class='note'><b>Notice</b> which studies have a control arm, how long the "
        "courses are and their forms, routes and doses, and where the number of "
        "participants or dropouts was not found.</p>" + table(characteristics)
    )
    return page("Study characteristics", body)


def _max_mg(dose) -> float | None:
    nums = [float(x) for x in re.findall(r"\d+(?:\.\d+)?", str(dose))] if pd.notna(dose) else []
    return max(nums) if nums else None


def bottom_line_page(
    sof: pd.DataFrame,
    effects: pd.DataFrame,
    studies: pd.DataFrame,
    adverse: pd.DataFrame,
    safety: pd.DataFrame,
    names: dict,
    roles: list[str],
    intervention: str,
    comparator: str,
    condition: str,
) -> str:
    """What the evidence means for a person considering the intervention, safety included."""
    controlled = effects[
        effects["estimand"].str.startswith("between")
        & effects["yi"].notna()
        & effects["controlled"].astype(bool)
    ]
    n_rct = controlled["study_id"].nunique()
    used = studies[studies["role"].isin(roles)]
    is_ctrl = used["controlled"].astype(bool)
    n_unc = int((~is_ctrl).sum())
    n_silent = int((is_ctrl & ~used["study_id"].isin(controlled["study_id"])).sum())
    silent = (
        f" {n_silent} more {esc(comparator)}-controlled trial"
        f"{'s' if n_silent != 1 else ''} reported no numbers that could be found."
        if n_silent
        else ""
    )
    uncontrolled = (
        f" <b>{n_unc}</b> other stud{'y' if n_unc == 1 else 'ies'} had no {esc(comparator)} group."
        if n_unc
        else ""
    )
    parts = [
        f"<h2>The bottom line: what the evidence says about {esc(intervention)} for "
        f"{esc(condition)}</h2>",
        f"<p><b>{n_rct}</b> {esc(comparator)}-controlled trial{'s' if n_rct != 1 else ''} "
        f"report{'s' if n_rct == 1 else ''} numbers that allow a comparison.{silent}"
        f"{uncontrolled} For each outcome:</p><ul>",
    ]
    best = int(sof["certainty_level"].max())
    at_best = sof.loc[sof["certainty_level"] == best, "label"]
    n_vlow = int((sof["certainty_level"] == 1).sum())
    parts.insert(
        1,
        f"<p><b>In short</b>: the most certain evidence is "
        f"<b>{esc(sof.loc[sof['certainty_level'] == best, 'certainty'].iloc[0])}"
        f"</b> certainty ({esc('; '.join(at_best))}); {n_vlow} of {len(sof)} "
        "outcomes rest on very low certainty evidence.</p>",
    )
    for _, r in sof.iterrows():
        parts.append(
            f"<li><b>{esc(r['label'])}</b> — {esc(r['plain'])} "
            f"(<span aria-hidden='true'>{esc(r['symbols'])}</span> {esc(r['certainty'])} "
            "certainty)</li>"
        )
    parts.append("</ul><h3>Safety</h3><p>In the studies:</p><ul>")
    for study, g in adverse[adverse["status"] != "not found"].groupby("study_id", sort=False):
        txt = "; ".join(f"{a['text']} ({a['status']})" for _, a in g.drop_duplicates("text").iterrows())
        parts.append(f"<li>{esc(names.get(study, study))}: {esc(txt)}</li>")
    none = adverse[adverse["status"] == "not found"]
    if not none.empty:
        parts.append(
            "<li>Not found: "
            + esc(
                "; ".join(
                    f"{names.get(s, s)} ({', '.join(g['measure'])})"
                    for s, g in none.groupby("study_id", sort=False)
                )
            )
            + ".</li>"
        )
    parts.append("</ul><p>From reference sources (not from these studies):</p><ul>")
    limit = safety[safety["topic"] == "upper limit"]
    for _, s in safety.iterrows():
        value = f": {s['value']:g} {s['unit']}" if pd.notna(s["value"]) else ""
        parts.append(
            f"<li><b>{esc(s['topic'])}</b>: {esc(s['statement'])}{esc(value)} "
            f"<small>({esc(s['source'])}, {esc(s['location'])}; "
            f"<a href='{esc(s['url'])}'>link</a>; {esc(s['status'])})</small></li>"
        )
    if not limit.empty:
        ul = float(limit["value"].iloc[0])
        basis = used["dose_basis"] if "dose_basis" in used else pd.Series(None, index=used.index)
        doses = [
            (names.get(r["study_id"], r["study_id"]), _max_mg(r["dose_mg_per_day"]), r["route"], b)
            for (_, r), b in zip(used.iterrows(), basis, strict=True)
        ]
        # only a dose of the element (or one whose basis is not recorded) is compared
        # with the limit; a salt weight or a product's strength is not
        comparable = [
            (n, d)
            for n, d, route, b in doses
            if d is not None and str(route) == "oral" and (not isinstance(b, str) or b == "elemental")
        ]
        above = [f"{n} ({d:g} mg/day)" for n, d in comparable if d > ul]
        unknown = [
            f"{n} ({d:g} mg/day: {DOSE_BASES[b]})"
            for n, d, route, b in doses
            if d is not None and str(route) == "oral" and b in DOSE_BASES and b != "elemental"
        ]
        known = [f"{n} {d:g}" for n, d, _, _ in doses if d is not None]
        parts.append(
            f"<li>Highest daily doses studied (mg/day, as each source states them; "
            "whether a figure is the element's or the salt's weight is not always "
            f"stated): {esc(', '.join(known))}. "
            + (
                f"Above the {ul:g} mg/day upper limit for supplements: {esc(', '.join(above))}. "
                if above
                else ""
            )
            + (f"Not comparable with that limit: {esc('; '.join(unknown))}." if unknown else "")
            + "</li>"
        )
    parts.append(
        "</ul><p class='note'>This page summarises published evidence; it is not medical advice.</p>"
    )
    return page("Bottom line", "".join(parts))


def software_page(versions: dict[str, str], config: dict) -> str:
    """Software versions and the configuration this run used (reproducibility)."""
    vt = pd.DataFrame({"Software": list(versions), "Version": list(versions.values())})
    cfg = esc(yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=90))
    body = (
        "<h2>Software and configuration of this run</h2>"
        "<p class='note'>Rerunning with these versions and this configuration reproduces "
        "every table byte for byte (seeds come from the configuration).</p>"
        + table(vt)
        + "<h3>Configuration used</h3>"
        f"<pre style='white-space:pre-wrap;font-size:13px'>{cfg}</pre>"
    )
    return page("Software and configuration", body)


def _ci_svg(r: pd.Series, lim: float, width: int = 180, height: int = 20) -> str:
    """Inline SVG of one row's interval on a common axis [-lim, lim]: square (hollow when the
    effect rests only on a p-value threshold) or diamond (pooled), dashed prediction interval."""

    def x(v: float) -> float:
        return round(4 + (width - 8) * (min(max(v, -lim), lim) + lim) / (2 * lim), 1)

    mid = height / 2
    parts = [f"<line x1='{x(0)}' y1='0' x2='{x(0)}' y2='{height}' stroke='#000' stroke-width='1'/>"]
    if r["kind"] == "pooled":
        if pd.notna(r.get("pi_lo")):
            parts.append(
                f"<line x1='{x(r['pi_lo'])}' y1='{mid}' x2='{x(r['pi_hi'])}' y2='{mid}' "
                "stroke='#0072B2' stroke-dasharray='4 2'/>"
            )
        parts.append(
            f"<polygon points='{x(r['lo'])},{mid} {x(r['yi'])},{mid - 6} "
            f"{x(r['hi'])},{mid} {x(r['yi'])},{mid + 6}' fill='#0072B2'/>"
        )
    elif pd.notna(r.get("yi")):
        colour = "#8c8c8c" if r.get("flagged") is True else "#000"
        fill = "#fff" if r.get("p_only") is True else colour
        parts.append(
            f"<line x1='{x(r['lo'])}' y1='{mid}' x2='{x(r['hi'])}' y2='{mid}' "
            f"stroke='{colour}' stroke-width='1.2'/>"
        )
        parts.append(
            f"<rect x='{x(r['yi']) - 4}' y='{mid - 4}' width='8' height='8' "
            f"fill='{fill}' stroke='{colour}' stroke-width='1.4'/>"
        )
    else:
        return "no interval"
    return (
        f"<svg role='img' aria-label='{esc(r.get('effect', ''))}' width='{width}' "
        f"height='{height}' viewBox='0 0 {width} {height}'>{''.join(parts)}</svg>"
    )


def forest_notice(rows: pd.DataFrame) -> str:
    """'Notice that ...' from the forest rows: whether the randomised comparison has a pooled
    estimate (and its ``k``), whether one study gives several rows (a study row's ``results``),
    whether there is a descriptive panel."""
    between = rows[rows["panel"] == "between"]
    pooled = between[between["kind"] == "pooled"]
    facts = []
    if not between.empty:
        facts.append(
            "the randomised comparison has no pooled estimate (no set pools two or more studies)"
            if pooled.empty
            else "the randomised comparison's pooled estimate"
            + ("s rest" if len(pooled) > 1 else " rests")
            + " on "
            + " and ".join(str(int(k)) for k in pooled["k"])
            + " studies"
            + (" respectively" if len(pooled) > 1 else "")
        )
    if "results" in rows and (rows.loc[rows["kind"] == "study", "results"] > 1).any():
        facts.append("several rows of one study are not independent confirmations")
    if (rows["panel"] == "within").any():
        facts.append("the before-after set is descriptive")
    if not facts:
        return ""
    return (
        "<b>Notice</b> that "
        + (", ".join(facts[:-1]) + " and " if len(facts) > 1 else "")
        + facts[-1]
        + ". "
    )


def forest_table_page(rows: pd.DataFrame, intervention: str, comparator: str, level: float) -> str:
    """The forest plot as an HTML table (``forest_rows.forest_rows``): readable on a phone, where each
    result becomes a card; same rows, columns and marks as the figure."""
    big_i, big_c = intervention[:1].upper() + intervention[1:], comparator[:1].upper() + comparator[1:]
    cap = {
        "i_mean": f"{big_i} mean (SD)",
        "i_n": f"{big_i} n",
        "c_mean": f"{big_c} mean (SD)",
        "c_n": f"{big_c} n",
        "plot": "Plot",
        "effect": f"Effect [{ci_label(level)}]",
        "weight": "Weight",
    }
    titles = {
        "between": f"Randomised comparison: {intervention} vs {comparator} (SMD)",
        "within": "Descriptive only: before-after change within one group, no control "
        "group subtracted (SMCR) — not an effect of treatment",
    }
    sides = {
        "between": (f"favours {comparator}", f"favours {intervention}"),
        "within": ("worse after treatment", "better after treatment"),
    }
    body = [
        "<h2>Forest plot as a table</h2><p class='note'>The same rows as the figure. "
        f"{forest_notice(rows)}† hollow square: effect derived only from a "
        "p-value threshold; ‡ grey: input failed a forensic check (not pooled); ᵃ per-arm n "
        "assumed; ᶜ SD of change imputed. A study's CI here is the normal approximation "
        "(z) on its effect; the meta-analysis table and the overview give a single study's "
        "t interval, slightly wider.</p>"
    ]
    for panel, title in titles.items():
        part = rows[rows["panel"] == panel]
        if part.empty:
            continue
        vals = part[[c for c in ("lo", "hi", "pi_lo", "pi_hi") if c in part]].to_numpy(float)
        vals = vals[np.isfinite(vals)]
        lim = max(1.0, float(np.ceil(np.abs(vals).max() * 2) / 2)) if vals.size else 1.0
        left, right = sides[panel]
        head = "".join(f"<th scope='col'>{esc(h)}</th>" for h in ["Study / outcome", *cap.values()])
        trs = []
        for _, r in part.iterrows():
            if r["kind"] in ("study", "note"):
                cls = "study" if r["kind"] == "study" else "note"
                trs.append(
                    f"<tr class='{cls}'><td colspan='8' data-label=''>"
                    f"{'<b>' if cls == 'study' else ''}{esc(r['label'])}"
                    f"{'</b>' if cls == 'study' else ''}</td></tr>"
                )
                continue
            r = r.copy()
            cells = [f"<td data-label='Study / outcome'>{esc(r['label'])}</td>"]
            for key, label in cap.items():
                val = _ci_svg(r, lim) if key == "plot" else esc(r.get(key))
                cls = {"plot": "plot", "effect": "eff"}.get(key, "") + (" empty" if not val else "")
                cells.append(f"<td data-label='{esc(label)}' class='{cls.strip()}'>{val}</td>")
            style = " style='font-weight:600'" if r["kind"] == "pooled" else ""
            trs.append(f"<tr{style}>{''.join(cells)}</tr>")
        body.append(
            f"<h3>{esc(title)}</h3><p class='note'>Plot axis from {-lim:g} to {lim:g}; "
            f"left of the line: {esc(left)}; right: {esc(right)}.</p>"
            f"<table class='cards'><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(trs)}</tbody></table>"
        )
    return page(
        "Forest plot (table)",
        "".join(body),
        extra_css="tr.note td{color:#444;font-size:13px}tr.study td{background:#f6f8fa}"
        "td.plot{min-width:190px}td.plot svg{max-width:none}"
        "td.eff{white-space:nowrap}",
    )
