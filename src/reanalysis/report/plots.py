"""Figures. Each function takes tables and returns a matplotlib Figure; saving is the caller's job.

The forest plot follows RevMan/metafor conventions (RevMan 5 layout; metafor
``forest.rma``): one row per result labelled author, year and outcome; per-arm n and mean (SD);
effect [95% CI]; weight; squares with area proportional to the inverse-variance weight; a pooled
diamond only where two or more studies were pooled, with heterogeneity, the test for the overall
effect and (k >= 3) the prediction interval. Several outcomes of one study sit under one study
heading, so they do not read as separate confirmations.
"""

from __future__ import annotations

import textwrap

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams["svg.hashsalt"] = "mg-fibro-reanalysis"  # deterministic SVG ids
matplotlib.rcParams["svg.fonttype"] = "none"  # SVG text stays text: searchable, accessible
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from reanalysis.effects.intervals import ci_label  # noqa: E402
from reanalysis.report.forest_rows import MARK_FLAG, MARK_N, MARK_P, MARK_SD  # noqa: E402

# Okabe-Ito: colour-blind safe; every colour also has a shape or text cue.
INK, GREY, BLUE, VERMILLION = "#000000", "#8c8c8c", "#0072B2", "#D55E00"
# Column positions in inches after the label column (RevMan order), for the laptop layout; the
# phone layout keeps the label, the plot and the effect.
OFFSETS = {"i_mean": 0.0, "i_n": 0.65, "c_mean": 1.5, "c_n": 2.15, "effect": 5.14, "weight": 7.6}
PLOT_OFFSET = (2.47, 4.94)
PHONE_PLOT_OFFSET = (0.0, 1.6)
PHONE_WIDTH = 4.0  # inches: shown 366 px wide on a 390 px phone, 9 pt text is about 11 px
PHONE_RIGHT_IN = 0.25  # inches right of the phone plot: half the widest tick label ('-1.5')
FONT, PHONE_FONT = 10.5, 9.0
LABEL_WRAP = 60  # characters per label line (laptop)
ROW_IN = 0.3  # inches per row unit
CHAR_IN = 0.52 / 72  # width of an average character per point of font size, inches
DPI = 150  # the forest PNG; the phone figure text is PHONE_FONT pt at this dpi
MAX_ROWS, PHONE_MAX_ROWS = 40, 60  # row heights (lines) per page: about 40 rows; a phone row
# holds its label and its effect, 2 to 4 lines


def wrap(label: str, width: int) -> list[str]:
    """A label as lines of at most ``width`` characters (words kept whole where they fit)."""
    return textwrap.wrap(str(label), width, break_long_words=True, break_on_hyphens=False) or [""]


def panel_limits(rows: pd.DataFrame) -> dict[str, float]:
    """The symmetric x-axis limit of each panel (shared by its pages)."""
    return {p: _panel_limit(rows[rows["panel"] == p]) for p in rows["panel"].unique()}


def forest_alt(rows: pd.DataFrame, measure_of=None) -> str:
    """The figure's alt text from its rows: per panel the number of studies and results and each
    pooled estimate with its CI, e.g. 'forest plot: randomised comparison, 4 studies, 5 results;
    pooled (k = 4) 0.27 [-1.62, 2.17]'."""
    parts = []
    for panel, word in (
        ("between", "randomised comparison"),
        ("within", "before-after change within one group"),
    ):
        part = rows[rows["panel"] == panel]
        if part.empty:
            continue
        n_st, n_res = int((part["kind"] == "study").sum()), int((part["kind"] == "result").sum())
        text = f"{word}, {n_st} stud{'y' if n_st == 1 else 'ies'}, {n_res} result{'s' * (n_res != 1)}"
        for _, r in part[part["kind"] == "pooled"].iterrows():
            text += f"; {r['label'][:1].lower()}{r['label'][1:]} {r['effect']}"
        if not (part["kind"] == "pooled").any():
            text += "; no pooled estimate"
        parts.append(text)
    return "forest plot: " + " | ".join(parts)


def min_font_px(fig, dpi: float) -> float:
    """The smallest text of a figure in pixels of its image at ``dpi``: min over the texts it
    draws (non-empty, visible, in a visible axes; tick labels only of a shown axis) of the font
    size in points x dpi / 72."""
    hidden = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):  # tick labels get their text from the locators
            ticks = axis.get_majorticklabels() + axis.get_minorticklabels()
            if not (ax.get_visible() and ax.axison and axis.get_visible()):
                hidden.update(map(id, ticks))
    sizes = [
        t.get_fontsize()
        for t in fig.findobj(Text)
        if id(t) not in hidden
        and t.get_visible()
        and t.get_text().strip()
        and (t.axes is None or t.axes.get_visible())
    ]
    return min(sizes) * dpi / 72 if sizes else float("nan")


def save(fig, path, alt: str, dpi: int = 110) -> None:
    """Save a figure with its alt text in the file (PNG 'Description' text chunk, SVG
    dc:description); no date in an SVG, so the same inputs give the same bytes. A PNG also
    carries 'MinFontPx' (:func:`min_font_px`): the report's phone script shows an image at least
    so wide that this text is 10 px as shown, panning sideways where it is wider than the
    screen (workflow.rst), and the browser test checks it."""
    svg = str(path).endswith(".svg")
    meta = {
        "Description": alt,
        **({"Date": None} if svg else {"MinFontPx": f"{min_font_px(fig, dpi):.2f}"}),
    }
    fig.savefig(path, dpi=dpi, metadata=meta)


def _panel_limit(part: pd.DataFrame) -> float:
    cols = [c for c in ("lo", "hi", "pi_lo", "pi_hi") if c in part]
    vals = part[cols].to_numpy(dtype=float)
    vals = vals[np.isfinite(vals)]
    return max(1.0, float(np.ceil(np.abs(vals).max() * 2) / 2)) if vals.size else 1.0


def _row_lines(rows: pd.DataFrame, phone: bool) -> dict:
    """Each row's label as drawn: wrapped to the label column; on a phone with the effect [CI]
    as its last line (the phone layout has no value columns)."""
    width = (
        int((PHONE_WIDTH - 0.23 - PHONE_PLOT_OFFSET[1] - 0.05) / (PHONE_FONT * CHAR_IN * 1.1))
        if phone
        else LABEL_WRAP
    )
    lines = {
        i: wrap(("    " if r["kind"] == "result" and not phone else "") + str(r["label"]), width)
        for i, r in rows.iterrows()
    }
    if phone:
        for i, r in rows.iterrows():
            if isinstance(r.get("effect"), str) and r["effect"]:
                lines[i] = lines[i] + [r["effect"]]
    return lines


def _row_heights(rows: pd.DataFrame, phone: bool) -> dict:
    """Row heights in row units: 1 for a line, 0.62 more for each further line."""
    return {i: 1.0 + 0.62 * (len(v) - 1) for i, v in _row_lines(rows, phone).items()}


def forest_figures(
    rows: pd.DataFrame,
    intervention: str,
    comparator: str,
    level: float = 0.95,
    phone: bool = False,
    max_rows: int | None = None,
) -> list:
    """The forest plot as pages of at most ``max_rows`` rows (``forest_rows.forest_pages``), the
    panels' axes shared across pages; ``phone`` draws the narrow layout (label, plot, effect)."""
    from reanalysis.report.forest_rows import forest_pages

    sizes = list(_row_heights(rows, phone).values())
    pages = forest_pages(rows, max_rows or (PHONE_MAX_ROWS if phone else MAX_ROWS), sizes)
    limits = panel_limits(rows)
    return [
        forest_plot(
            p,
            intervention,
            comparator,
            level,
            phone=phone,
            limits=limits,
            page=(i + 1, len(pages)) if len(pages) > 1 else None,
        )
        for i, p in enumerate(pages)
    ]


def forest_plot(
    rows: pd.DataFrame,
    intervention: str,
    comparator: str,
    level: float = 0.95,
    phone: bool = False,
    limits: dict | None = None,
    page: tuple | None = None,
):
    """Draw ``forest_rows`` as stacked panels: randomised comparisons, then the descriptive
    before-after changes (no control group). Side labels name the arms (from the config). The
    label column is as wide as the longest label line (labels wrap at ``LABEL_WRAP``
    characters), so the per-arm columns never overlap it."""
    font = PHONE_FONT if phone else FONT
    small = font if phone else font - 1  # ticks and side labels
    titles = {
        "between": f"Randomised comparison: {intervention} vs {comparator} (SMD, Hedges' g)",
        "within": "Descriptive only: change within one group, no control group subtracted (SMCR)",
    }
    xlabels = {
        "between": (f"favours {comparator}", f"favours {intervention}"),
        "within": ("worse after treatment", "better after treatment"),
    }
    panels = [p for p in titles if (rows["panel"] == p).any()]
    lines = _row_lines(rows, phone)
    heights = _row_heights(rows, phone)
    label_in = max(len(x) for v in lines.values() for x in v) * font * CHAR_IN + 0.1
    offsets = {} if phone else OFFSETS
    plot_off = PHONE_PLOT_OFFSET if phone else PLOT_OFFSET
    left_in = 0.13 + label_in + (0.1 if phone else 0.45)
    fig_w = left_in + 7.75
    if phone:
        left_in, fig_w = PHONE_WIDTH - PHONE_PLOT_OFFSET[1] - PHONE_RIGHT_IN, PHONE_WIDTH
    title_lines = {
        p: wrap(
            titles[p] + (f" (page {page[0]} of {page[1]})" if page else ""),
            int((fig_w - 0.2) / (font * CHAR_IN * 1.25)),
        )
        for p in panels
    }
    spans = [
        sum(heights[i] for i in rows.index[rows["panel"] == p]) + 1.5 + 0.62 * len(title_lines[p])
        for p in panels
    ]
    gap, head, foot = (3.6, 1.8, 7.0) if phone else (2.8, 1.8, 3.6)
    total = sum(spans) + gap * len(panels) + head + foot
    fig = plt.figure(figsize=(fig_w, ROW_IN * total))
    unit = 1.0 / total

    def fx(col: str) -> float:
        return (0.13 if col == "label" else left_in + offsets[col]) / fig_w

    top = 1 - head * unit
    heads = {
        "label": f"Study / outcome, effect [{ci_label(level)}]"
        if phone
        else "Study / outcome (instrument, subgroup), analysis",
        "i_mean": f"{intervention[:1].upper()}{intervention[1:]}\nmean (SD)",
        "i_n": "n",
        "c_mean": f"{comparator[:1].upper()}{comparator[1:]}\nmean (SD)",
        "c_n": "n",
        "effect": f"Effect [{ci_label(level)}]",
        "weight": "Weight",
    }
    cols = ["label", *offsets]
    for col in cols:
        ha = "right" if col == "weight" else ("left" if col in ("label", "effect") else "center")
        fig.text(
            fx(col), top + 0.2 * unit, heads[col], ha=ha, va="bottom", fontsize=font, fontweight="bold"
        )
    y0 = top
    for panel, h in zip(panels, spans, strict=True):
        part = rows[rows["panel"] == panel]
        t_units = 0.62 * len(title_lines[panel])
        ax = fig.add_axes(
            (
                (left_in + plot_off[0]) / fig_w,
                y0 - h * unit,
                (plot_off[1] - plot_off[0]) / fig_w,
                (h - t_units) * unit,
            )
        )
        ax.patch.set_alpha(0)
        body = h - t_units
        ax.set_ylim(body - 1.5, -1.0)
        lim = (limits or {}).get(panel, _panel_limit(part))
        ax.set_xlim(-lim, lim)
        fig.text(
            fx("label"),
            y0 - 0.5 * unit,
            "\n".join(title_lines[panel]),
            fontsize=font + 0.5,
            fontweight="bold",
            va="top",
        )
        wmax = part["w"].max() if "w" in part and part["w"].notna().any() else 1.0
        pos = 0.0
        for i, r in part.iterrows():
            y = pos + heights[i] / 2
            pos += heights[i]
            yf = y0 - (t_units + 1.0 + y) * unit
            kind = r["kind"]
            weight = "bold" if kind in ("study", "pooled") else "normal"
            colour = GREY if kind == "note" or r.get("flagged") is True else INK
            style = {"fontsize": font, "va": "center", "color": colour, "fontweight": weight}
            fig.text(fx("label"), yf, "\n".join(lines[i]), ha="left", linespacing=1.0, **style)
            for col in offsets:
                val = r.get(col)
                if isinstance(val, str) and val:
                    ha = "right" if col == "weight" else ("left" if col == "effect" else "center")
                    fig.text(fx(col), yf, val, ha=ha, **style)
            if kind == "result" and np.isfinite(r["yi"]):
                c = GREY if r["flagged"] else INK
                ax.plot([r["lo"], r["hi"]], [y, y], color=c, lw=1.1)
                size = 4 + 9 * np.sqrt(r["w"] / wmax)
                ax.plot(
                    r["yi"],
                    y,
                    marker="s",
                    ms=size,
                    color=c,
                    markerfacecolor="white" if r["p_only"] else c,
                    markeredgewidth=1.4,
                )
            elif kind == "pooled":
                if np.isfinite(r.get("pi_lo", np.nan)):
                    ax.plot([r["pi_lo"], r["pi_hi"]], [y, y], color=BLUE, lw=1.2, ls=(0, (4, 2)))
                ax.fill(
                    [r["lo"], r["yi"], r["hi"], r["yi"]],
                    [y, y - 0.38, y, y + 0.38],
                    color=BLUE,
                    zorder=3,
                )
        ax.axvline(0, color=INK, lw=0.8)
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        ax.set_yticks([])
        ax.tick_params(axis="x", labelsize=small)
        left, right = xlabels[panel]
        sides = (
            ((0.48, -18, f"← {left}", "right"), (0.52, -18, f"{right} →", "left"))
            if not phone
            # one under the other, inside the narrow axis
            else ((0.0, -18, f"← {left}", "left"), (1.0, -30, f"{right} →", "right"))
        )
        for x, dy, text, ha in sides:
            ax.annotate(
                text,
                (x, 0),
                xycoords="axes fraction",
                xytext=(0, dy),
                textcoords="offset points",
                ha=ha,
                va="top",
                fontsize=small,
            )
        y0 -= (h + gap) * unit
    pooled = rows[rows["kind"] == "pooled"]
    pi_drawn = "pi_lo" in pooled and bool(np.isfinite(pooled["pi_lo"].astype(float)).any())
    notes = (
        f"{MARK_N} per-arm n not reported: worked back from the reported p-values, or "
        "assumed where none allows it (config assumptions.sample_sizes).   "
        f"{MARK_SD} SD of change imputed from baseline and end SDs with the assumed pre-post "
        "correlation.\n"
        f"{MARK_P} hollow square: effect derived only from a reported p-value threshold (the "
        "smallest effect consistent with 'significant').\n"
        f"{MARK_FLAG} grey: input failed a forensic check, shown but never pooled.   Square "
        "area ∝ inverse-variance weight; blue diamond = pooled estimate"
        + (
            "; dashed line = prediction interval (k ≥ 3; hidden by the diamond where τ² = 0)"
            if pi_drawn
            else ""
        )
        + ".\nA study's CI here: normal approximation (z) on its effect; "
        "the meta-analysis table and the overview give a single study's t interval "
        "(slightly wider)."
    )
    if phone:
        notes = "\n".join(wrap(notes.replace("\n", " "), int((fig_w - 0.2) / (font * CHAR_IN))))
    fig.text(
        0.01,
        0.4 * unit,
        notes,
        fontsize=font - (0 if phone else 1.5),
        va="bottom",
        ha="left",
        color="#333333",
    )
    return fig
