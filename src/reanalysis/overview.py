"""The report's overview page: what was claimed and what the data support, in plain words.

Every sentence that states a fact about the data is rendered from the tables passed in; the page
shows no row ids, config keys or internal notation (those stay in the ledger's ``numbers``
column and the detailed tables).
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from .html_page import page
from .verdicts import VERDICTS

COLOURS = {"supported": "#1a7f37", "consistent but weak": "#4d7f1a", "overstated": "#b35900",
           "never tested against placebo": "#8a4b00",
           "tested against placebo, no difference": "#b31d28", "contradicted": "#b31d28",
           "factually wrong": "#82071e", "untraceable": "#6e7781",
           "not checkable with trial data": "#57606a"}


def _e(x) -> str:
    return "" if x is None or (not isinstance(x, str) and pd.isna(x)) else html.escape(str(x))


def max_sd(mean: float, lo: float, hi: float) -> float:
    """Largest SD possible for values in [lo, hi] with this mean (Bhatia & Davis 2000):
    sqrt((mean - lo)(hi - mean))."""
    return float(np.sqrt(max(mean - lo, 0.0) * max(hi - mean, 0.0)))


def _label(studies: pd.DataFrame, study_id: str) -> str:
    hit = studies[studies["study_id"] == study_id]
    if hit.empty:
        return study_id
    label = hit["label"].iloc[0] if "label" in hit.columns else None
    return str(label) if isinstance(label, str) and label else str(hit["citation"].iloc[0])


def impossible_figure_text(row_id: str, summary: pd.DataFrame, score_ranges: pd.DataFrame,
                           studies: pd.DataFrame, check: str) -> str:
    """One flagged figure in plain words: what was reported, why it cannot be right, and the
    other reading of the same figure where a source gives one."""
    r = summary[summary["row_id"] == row_id]
    if r.empty:
        return "A reported figure failed a consistency check."
    r = r.iloc[0]
    who = _label(studies, r["study_id"])
    when = {"baseline": "at the start", "end": "at the end", "change": "for the change"}.get(
        r["timepoint"], str(r["timepoint"]))
    what = (f"{who}: the {r['arm']} group's {r['instrument']} "
            f"{'standard deviation (SD)' if r['statistic'] == 'sd' else r['statistic']} {when} "
            f"is given as {r['value']:g}.")
    same = ((summary["study_id"] == r["study_id"]) & (summary["arm"] == r["arm"])
            & (summary["subgroup"] == r["subgroup"]) & (summary["outcome"] == r["outcome"])
            & (summary["timepoint"] == r["timepoint"]))
    alt = summary[same & (summary["statistic"] == r["statistic"])
                  & (summary["row_id"] != row_id)]
    if check == "sd_possible" and r["statistic"] == "sd":
        rng = score_ranges[(score_ranges["study_id"] == r["study_id"])
                           & (score_ranges["subgroup"] == r["subgroup"])
                           & (score_ranges["outcome"] == r["outcome"])
                           & (score_ranges["timepoint"] == r["timepoint"])]
        lo, hi = ((float(rng["min"].iloc[0]), float(rng["max"].iloc[0])) if not rng.empty
                  else (float(r["scale_min"]), float(r["scale_max"])))
        mean = summary[same & (summary["statistic"] == "mean")
                       & (summary["reading"] == r["reading"])]
        bound = (f" (with its average of {mean['value'].iloc[0]:g}, the largest possible is "
                 f"about {max_sd(float(mean['value'].iloc[0]), lo, hi):.1f})"
                 if not mean.empty else "")
        what += (f" This cannot be right: an SD this large is impossible for scores between "
                 f"{lo:g} and {hi:g}{bound}.")
    else:
        what += " It fails a consistency check, so it cannot be right as printed."
    if not alt.empty:
        a = alt.iloc[0]
        what += f" Probably a typo: {a['source'].split(' (')[0]} gives {a['value']:g}."
    return what


def _lower_better(summary: pd.DataFrame | None) -> str:
    """'(A, B and C) ' for the scored instruments where lower is better, from the data."""
    if summary is None or "lower_is_better" not in summary.columns:
        return ""
    inst = summary[summary["lower_is_better"].astype(bool) & summary["scale_max"].notna()]
    names = list(dict.fromkeys(inst["instrument"]))
    if not names:
        return ""
    return "(" + (names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and "
                  + names[-1]) + ") "


def overview_html(ledger: pd.DataFrame, pooled: pd.DataFrame, forensics: pd.DataFrame,
                  sets: dict, primary_method: str, summary: pd.DataFrame | None = None,
                  score_ranges: pd.DataFrame | None = None,
                  studies: pd.DataFrame | None = None) -> str:
    """One self-contained HTML page; every number on it comes from the tables passed in."""
    counts = ledger["verdict"].value_counts()
    order = [v for v in VERDICTS if v in counts.index]
    summary_line = "; ".join(f"{counts[v]} {v}" for v in order)
    files = ledger["source_file"].nunique() if "source_file" in ledger.columns else 0
    parts = [
        "<h2>What the articles claim, and what the data support</h2>",
        f"<p class='note'>{len(ledger)} sentences from {files} articles were checked against "
        f"the studies they rest on. Verdicts: {_e(summary_line)}.</p>",
        "<p class='note'><b>How to read the numbers.</b> For the symptom scores "
        f"{_e(_lower_better(summary))}lower = better. Differences between groups are given so "
        "that a positive number means the treated group did better.</p>",
        "<h3>Contents</h3><ul>" + "".join(
            f"<li><a href='#v{i}'>{_e(v)}</a> ({counts[v]})</li>" for i, v in enumerate(order))
        + "</ul>",
    ]
    for i, verdict in enumerate(order):
        colour = COLOURS.get(verdict, "#000")
        parts.append(f"<h3 id='v{i}' style='color:{colour}'>{_e(verdict)}</h3>"
                     f"<p class='note'>{_e(VERDICTS[verdict])}</p>")
        for _, r in ledger[ledger["verdict"] == verdict].iterrows():
            where = (f"{_e(r['source_file'])}, line {int(r['line'])}" if "line" in r.index
                     and pd.notna(r["line"]) else _e(r.get("source_file")))
            parts.append(
                f"<div class='claim' style='border-left-color:{colour}'><p>“{_e(r['quote'])}”"
                f"<br><small>{where}</small><br>{_e(r['plain'])}</p></div>")
    rows = pooled[(pooled["method"] == primary_method) & (pooled["k"] > 0)]
    is_ctrl = rows["set"].map(lambda s: bool(sets[s].get("controlled_only")))

    def item(r) -> str:
        what = ("one study, not pooled" if r["k"] == 1 else f"{int(r['k'])} studies pooled")
        return (f"<li>{_e(sets[r['set']]['label'])}: {r['mu']:.2f} (95% CI {r['ci_low']:.2f} to "
                f"{r['ci_high']:.2f}), {what}</li>")

    ctrl, other = rows[is_ctrl], rows[~is_ctrl]
    k_ctrl = int(ctrl["k"].max()) if not ctrl.empty else 0
    parts.append("<h3>Comparisons with a placebo group (standardised; positive = better with the "
                 "treatment)</h3>" + f"<ul>{''.join(item(r) for _, r in ctrl.iterrows())}</ul>"
                 f"<p class='note'>Placebo-controlled numbers that can be pooled come from {k_ctrl} "
                 f"stud{'y' if k_ctrl == 1 else 'ies'}. As a rough guide, 0.2 is a small and 0.5 a "
                 "moderate difference.</p>")
    if not other.empty:
        parts.append("<h3>Before-after changes without a control group (descriptive)</h3>"
                     f"<ul>{''.join(item(r) for _, r in other.iterrows())}</ul>"
                     "<p class='note'>These are not effects of the treatment: people improve "
                     "on average without it (placebo response, regression to the mean), and "
                     "there is no control group to subtract.</p>")
    flags = forensics[forensics["verdict"] == "flag"]
    if not flags.empty:
        if summary is not None and studies is not None:
            texts = [impossible_figure_text(r["row_id"], summary, score_ranges if score_ranges
                                            is not None else pd.DataFrame(
                                                columns=["study_id", "subgroup", "outcome",
                                                         "timepoint", "min", "max"]),
                                            studies, r["check"]) for _, r in flags.iterrows()]
        else:
            texts = ["A reported figure failed a consistency check." for _ in range(len(flags))]
        parts.append("<h3>Figures that cannot be right</h3><ul>"
                     + "".join(f"<li>{_e(t)}</li>" for t in texts)
                     + "</ul><p class='note'>These are kept with their source but never "
                     "pooled.</p>")
    return page("Overview", "".join(parts),
                extra_css=".claim{border-left:4px solid #ccc;padding-left:8px;max-width:60em}")
