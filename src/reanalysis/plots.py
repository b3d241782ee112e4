"""Figures. Each function takes tables and returns a matplotlib Figure; saving is the caller's job.

The forest plot follows RevMan/metafor conventions (RevMan 5 layout; metafor
``forest.rma``): one row per result labelled author, year and outcome; per-arm n and mean (SD);
effect [95% CI]; weight; squares with area proportional to the inverse-variance weight; a pooled
diamond only where two or more studies were pooled, with heterogeneity, the test for the overall
effect and (k >= 3) the prediction interval. Several outcomes of one study sit under one study
heading, so they do not read as separate confirmations.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams["svg.hashsalt"] = "mg-fibro-reanalysis"  # deterministic SVG ids
matplotlib.rcParams["svg.fonttype"] = "none"  # SVG text stays text: searchable, accessible
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from .forest_rows import MARK_FLAG, MARK_N, MARK_P, MARK_SD  # noqa: E402

# Okabe-Ito: colour-blind safe; every colour also has a shape or text cue.
INK, GREY, BLUE, VERMILLION = "#000000", "#8c8c8c", "#0072B2", "#D55E00"
COLUMNS = {"label": 0.01, "i_mean": 0.405, "i_n": 0.455, "c_mean": 0.52, "c_n": 0.57,
           "effect": 0.80, "weight": 0.99}
PLOT_X = (0.595, 0.785)
FONT = 10.5


def _panel_limit(part: pd.DataFrame) -> float:
    cols = [c for c in ("lo", "hi", "pi_lo", "pi_hi") if c in part]
    vals = part[cols].to_numpy(dtype=float)
    vals = vals[np.isfinite(vals)]
    return max(1.0, float(np.ceil(np.abs(vals).max() * 2) / 2)) if vals.size else 1.0


def forest_plot(rows: pd.DataFrame, intervention: str, comparator: str, level: float = 0.95):
    """Draw ``forest_rows`` as two stacked panels: randomised comparisons, then the descriptive
    before-after changes (no control group). Side labels name the arms (from the config)."""
    titles = {"between": f"Randomised comparison: {intervention} vs {comparator} "
                         "(SMD, Hedges' g)",
              "within": f"Descriptive only: change within {intervention} arms, no control "
                        "group (SMCR)"}
    xlabels = {"between": (f"favours {comparator}", f"favours {intervention}"),
               "within": ("worse after treatment", "better after treatment")}
    panels = [p for p in titles if (rows["panel"] == p).any()]
    spans = [int((rows["panel"] == p).sum()) + 2.0 for p in panels]  # rows + title + margin
    gap, head, foot = 2.8, 1.8, 3.0  # row units: axis and side labels, column heads, notes
    total = sum(spans) + gap * len(panels) + head + foot
    fig = plt.figure(figsize=(13, 0.3 * total))
    unit = 1.0 / total
    top = 1 - head * unit
    heads = {"label": "Study / outcome (instrument, subgroup), analysis",
             "i_mean": f"{intervention[:1].upper()}{intervention[1:]}\nmean (SD)", "i_n": "n",
             "c_mean": f"{comparator[:1].upper()}{comparator[1:]}\nmean (SD)", "c_n": "n",
             "effect": f"Effect [{level:.0%} CI]", "weight": "Weight"}
    for col, x in COLUMNS.items():
        ha = "right" if col == "weight" else ("left" if col in ("label", "effect") else "center")
        fig.text(x, top + 0.2 * unit, heads[col], ha=ha, va="bottom", fontsize=FONT,
                 fontweight="bold")
    y0 = top
    for panel, h in zip(panels, spans, strict=True):
        part = rows[rows["panel"] == panel].reset_index(drop=True)
        ax = fig.add_axes((PLOT_X[0], y0 - h * unit, PLOT_X[1] - PLOT_X[0], h * unit))
        ax.patch.set_alpha(0)
        ax.set_ylim(len(part) + 0.5, -1.5)
        lim = _panel_limit(part)
        ax.set_xlim(-lim, lim)
        fig.text(COLUMNS["label"], y0 - 0.5 * unit, titles[panel], fontsize=FONT + 0.5,
                 fontweight="bold", va="center")
        wmax = part["w"].max() if "w" in part and part["w"].notna().any() else 1.0
        for i, r in part.iterrows():
            y = i + 0.5
            yf = y0 - (y + 1.5) * unit
            kind = r["kind"]
            indent = "    " if kind == "result" else ""
            weight = "bold" if kind in ("study", "pooled") else "normal"
            colour = GREY if kind == "note" or r.get("flagged") is True else INK
            style = {"fontsize": FONT, "va": "center", "color": colour, "fontweight": weight}
            fig.text(COLUMNS["label"], yf, indent + str(r["label"]), ha="left", **style)
            for col in ("i_mean", "i_n", "c_mean", "c_n", "effect", "weight"):
                val = r.get(col)
                if isinstance(val, str) and val:
                    ha = "right" if col == "weight" else ("left" if col == "effect" else "center")
                    fig.text(COLUMNS[col], yf, val, ha=ha, **style)
            if kind == "result" and np.isfinite(r["yi"]):
                c = GREY if r["flagged"] else INK
                ax.plot([r["lo"], r["hi"]], [y, y], color=c, lw=1.1)
                size = 4 + 9 * np.sqrt(r["w"] / wmax)
                ax.plot(r["yi"], y, marker="s", ms=size, color=c,
                        markerfacecolor="white" if r["p_only"] else c, markeredgewidth=1.4)
            elif kind == "pooled":
                if np.isfinite(r.get("pi_lo", np.nan)):
                    ax.plot([r["pi_lo"], r["pi_hi"]], [y, y], color=BLUE, lw=1.2,
                            ls=(0, (4, 2)))
                ax.fill([r["lo"], r["yi"], r["hi"], r["yi"]], [y, y - 0.38, y, y + 0.38],
                        color=BLUE, zorder=3)
        ax.axvline(0, color=INK, lw=0.8)
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        ax.set_yticks([])
        ax.tick_params(axis="x", labelsize=FONT - 1)
        left, right = xlabels[panel]
        for x, text, ha in ((0.48, f"← {left}", "right"), (0.52, f"{right} →", "left")):
            ax.annotate(text, (x, 0), xycoords="axes fraction", xytext=(0, -18),
                        textcoords="offset points", ha=ha, va="top", fontsize=FONT - 1)
        y0 -= (h + gap) * unit
    notes = (f"{MARK_N} per-arm n not reported: assumed (config assumptions.sample_sizes).   "
             f"{MARK_SD} SD of change imputed from baseline and end SDs with the assumed pre-post "
             "correlation.\n"
             f"{MARK_P} hollow square: effect derived only from a reported p-value threshold (the "
             "smallest effect consistent with 'significant').\n"
             f"{MARK_FLAG} grey: input failed a forensic check, shown but never pooled.   Square "
             "area ∝ inverse-variance weight; blue diamond = pooled estimate; dashed line = "
             "prediction interval.")
    fig.text(0.01, 0.4 * unit, notes, fontsize=FONT - 1.5, va="bottom", ha="left",
             color="#333333")
    return fig
