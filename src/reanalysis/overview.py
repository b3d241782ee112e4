"""The report's overview page: what was claimed and what the data support, in plain words."""

from __future__ import annotations

import html

import pandas as pd

from .html_page import page
from .ledger import VERDICTS

COLOURS = {"supported": "#1a7f37", "overstated": "#b35900",
           "not supported by controlled evidence": "#b31d28", "untraceable": "#6e7781"}


def overview_html(ledger: pd.DataFrame, pooled: pd.DataFrame, forensics: pd.DataFrame,
                  sets: dict, primary_method: str) -> str:
    """One self-contained HTML page; every number on it comes from the tables passed in."""
    def e(x) -> str:
        return "" if pd.isna(x) else html.escape(str(x))

    counts = ledger["verdict"].value_counts()
    summary = ", ".join(f"{n} {v}" for v, n in counts.items())
    parts = [f"<h2>What the reported figures support</h2><p class='note'>{len(ledger)} claims "
             f"from articles about magnesium for fibromyalgia were checked against the studies "
             f"they rest on: {e(summary)}.</p>"]
    for _, r in ledger.iterrows():
        colour = COLOURS.get(r["verdict"], "#000")
        parts.append(
            f"<div class='claim'><p><b>Claimed:</b> “{e(r['quote'])}”<br>"
            f"<b>Verdict:</b> <span style='color:{colour};font-weight:bold'>{e(r['verdict'])}"
            f"</span><br><b>In plain words:</b> {e(r['plain'])}<br>"
            f"<small><b>The numbers:</b> {e(r['numbers'])}</small><br>"
            f"<small>Traced to: {e(r['traced_to']) or 'nothing found'}</small></p></div>")
    rows = pooled[(pooled["method"] == primary_method) & (pooled["k"] > 0)]
    items = "".join(
        f"<li>{e(sets[r['set']]['label'])}: {r['mu']:.2f} (95% CI {r['ci_low']:.2f} to "
        f"{r['ci_high']:.2f}), {int(r['k'])} stud{'y' if r['k'] == 1 else 'ies'}</li>"
        for _, r in rows.iterrows())
    parts.append("<h3>Pooled estimates (standardised; positive = better with magnesium)</h3>"
                 f"<ul>{items}</ul><p class='note'>An effect of 0.2 is small, 0.5 moderate. "
                 "Only one placebo-controlled trial reports numbers; the larger pre-post "
                 "improvements have no placebo group to subtract.</p>")
    flags = forensics[forensics["verdict"] == "flag"]
    if not flags.empty:
        parts.append("<h3>Figures that cannot be right</h3><ul>" + "".join(
            f"<li>{e(r['row_id'])}: {e(r['detail'])}</li>" for _, r in flags.iterrows())
            + "</ul><p class='note'>These are kept with their source but never pooled.</p>")
    parts.append("<h3>Verdicts</h3><ul>" + "".join(
        f"<li><b>{e(k)}</b>: {e(v)}</li>" for k, v in VERDICTS.items()) + "</ul>")
    return page("Overview", "".join(parts))
