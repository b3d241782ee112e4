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
from scipy import stats  # noqa: E402

from .effect_notes import assumed_n, p_threshold_only  # noqa: E402

# Okabe-Ito: colour-blind safe; every colour also has a shape or text cue.
INK, GREY, BLUE, VERMILLION = "#000000", "#8c8c8c", "#0072B2", "#D55E00"
MARK_P = "†"   # effect derived only from a p-value threshold (hollow square)
MARK_FLAG = "‡"  # input failed a forensic check (grey, not pooled)
MARK_N = "ᵃ"   # per-arm n assumed
MARK_SD = "ᶜ"  # SD of change imputed from r
ESTIMAND_LABELS = {"between_change": "change", "between_post": "at end",
                   "within_change": "change"}


def _fmt(x: float, digits: int = 1, sign: bool = False) -> str:
    return "" if x is None or not np.isfinite(x) else f"{x:{'+' if sign else ''}.{digits}f}"


def arm_summary(rows: pd.DataFrame, r: float) -> tuple[str, bool]:
    """'mean (SD)' for one arm from its source rows: end values, or the change from baseline with
    the SD of change imputed as sqrt(sb² + se² - 2 r sb se) (Cochrane Handbook 6.5.2.8).
    Returns the text and whether the SD was imputed."""
    v = {(t, s): val for t, s, val in zip(rows["timepoint"], rows["statistic"], rows["value"],
                                          strict=True)}
    if {("baseline", "mean"), ("end", "mean"), ("baseline", "sd"), ("end", "sd")} <= v.keys():
        sb, se = v[("baseline", "sd")], v[("end", "sd")]
        change = v[("end", "mean")] - v[("baseline", "mean")]
        return f"{_fmt(change, sign=True)} ({_fmt(np.sqrt(sb**2 + se**2 - 2 * r * sb * se))})", True
    if {("end", "mean"), ("end", "sd")} <= v.keys():
        return f"{_fmt(v[('end', 'mean')])} ({_fmt(v[('end', 'sd')])})", False
    return "not reported", False


def forest_rows_for(cfg: dict, effects: pd.DataFrame, pooled: pd.DataFrame,
                    curated: dict) -> pd.DataFrame:
    """:func:`forest_rows` with its settings taken from the configuration and curated tables."""
    from .study_characteristics import labels

    ma = cfg["meta_analysis"]
    return forest_rows(effects, pooled, curated["summary"], curated["arms"],
                       labels(curated["studies"]), ma["sets"], ma["primary_method"],
                       cfg["assumptions"]["prepost_correlation"]["value"], level=ma["level"])


def forest_rows(effects: pd.DataFrame, pooled: pd.DataFrame, summary: pd.DataFrame,
                arms: pd.DataFrame, names: dict, sets: dict, method: str, r: float,
                level: float = 0.95) -> pd.DataFrame:
    """The forest plot as a table: one row per drawn line, in order, with a ``panel``
    ('between' or 'within'), a ``kind`` (study, result, pooled, note), texts per column and the
    numbers to draw. Pure: the figure is drawn from this table by ``forest_plot``."""
    z = stats.norm.ppf(0.5 + level / 2)
    roles = {(s, a): role for s, a, role in zip(arms["study_id"], arms["arm"], arms["role"],
                                                strict=True)}
    by_id = summary.set_index("row_id")
    primary = pooled[(pooled["method"] == method) & (pooled["k"] > 0)]
    weight, pooled_in = {}, {}
    for _, p in primary[primary["k"] >= 2].iterrows():
        ids = str(p["studies"]).split()
        part = effects[effects["es_id"].isin(ids)]
        w = 1.0 / (part["vi"] + p["tau2"])
        for es_id, wi in zip(part["es_id"], w / w.sum(), strict=True):
            weight[es_id], pooled_in[es_id] = wi, p["set"]
    out = []
    panels = {"between": effects["estimand"].str.startswith("between"),
              "within": ~effects["estimand"].str.startswith("between")
              & np.array([roles.get((s, a)) == "intervention"
                          for s, a in zip(effects["study_id"], effects["arm"], strict=True)],
                         dtype=bool)}
    for panel, mask in panels.items():
        part = effects[mask]
        for study, g in part.groupby("study_id", sort=False):
            several = len(g) > 1
            out.append({"panel": panel, "kind": "study", "label": names.get(study, study)
                        + (f"  ({len(g)} results of one study: not independent)" if several else "")})
            for _, e in g.iterrows():
                src = by_id.loc[[i for i in str(e["source_rows"]).split() if i in by_id.index]]
                texts, imputed = {}, False
                for side, n_col in (("intervention", "n1"), ("comparator", "n2")):
                    arm_rows = src[np.array([roles.get((e["study_id"], a)) == side
                                             for a in src["arm"]], dtype=bool)]
                    mean_sd, imp = arm_summary(arm_rows, r) if not arm_rows.empty else ("", False)
                    imputed |= imp
                    n = e[n_col] if side == "intervention" or panel == "between" else np.nan
                    assumed = assumed_n(e["assumptions"])
                    texts[side] = ((mean_sd + (MARK_SD if imp else "")) if mean_sd else "",
                                   "" if pd.isna(n) else f"{int(n)}{MARK_N if assumed else ''}")
                p_only = p_threshold_only(e["assumptions"])
                flagged = isinstance(e.get("forensic_flags"), str) and bool(e["forensic_flags"])
                est = np.isfinite(e["yi"])
                se = np.sqrt(e["vi"]) if est else np.nan
                sub = "" if e["subgroup"] == "all" else f", {e['subgroup'].replace('_', '/')}"
                effect = (f"{e['yi']:.2f} [{e['yi'] - z * se:.2f}, {e['yi'] + z * se:.2f}]"
                          if est else "direction only")
                out.append({
                    "panel": panel, "kind": "result",
                    "label": f"{str(e['outcome']).replace('_', ' ')} ({e['instrument']}{sub})"
                             + (f", {ESTIMAND_LABELS.get(e['estimand'], e['estimand'])}"
                                if panel == "between" else ""),
                    "i_mean": texts["intervention"][0], "i_n": texts["intervention"][1],
                    "c_mean": texts["comparator"][0], "c_n": texts["comparator"][1],
                    "effect": effect + (f" {MARK_P}" if p_only else "")
                    + (f" {MARK_FLAG}" if flagged else ""),
                    "weight": f"{weight[e['es_id']]:.0%}" if e["es_id"] in weight else "",
                    "yi": e["yi"], "lo": e["yi"] - z * se, "hi": e["yi"] + z * se,
                    "w": 1.0 / e["vi"] if est else np.nan, "p_only": p_only,
                    "flagged": flagged, "imputed": imputed})
        for _, p in primary.iterrows():
            set_estimands = sets[p["set"]]["estimands"]
            if (panel == "between") != all(s.startswith("between") for s in set_estimands):
                continue
            ids = str(p["studies"]).split()
            instruments = sorted(effects.loc[effects["es_id"].isin(ids), "instrument"].unique())
            label = sets[p["set"]]["label"]
            if p["k"] < 2:
                out.append({"panel": panel, "kind": "note",
                            "label": f"{label.split(' (')[0]}: one study, no pooled estimate"})
                continue
            mixed = (f", different instruments ({', '.join(instruments)})"
                     if len(instruments) > 1 else "")
            out.append({"panel": panel, "kind": "pooled",
                        "label": f"Pooled, k = {int(p['k'])}{mixed}",
                        "effect": f"{p['mu']:.2f} [{p['ci_low']:.2f}, {p['ci_high']:.2f}]",
                        "weight": "100%", "yi": p["mu"], "lo": p["ci_low"], "hi": p["ci_high"],
                        "pi_lo": p["pi_low"] if p["k"] >= 3 else np.nan,
                        "pi_hi": p["pi_high"] if p["k"] >= 3 else np.nan})
            out.append({"panel": panel, "kind": "note",
                        "label": f"Random effects, {method}"
                                 f"{' with Knapp-Hartung CI' if p['knha'] else ''}"})
            out.append({"panel": panel, "kind": "note",
                        "label": f"Heterogeneity: τ² = {p['tau2']:.2f}; Q = {p['q']:.2f}, "
                                 f"df = {int(p['q_df'])} (p = {p['q_pval']:.2f}); "
                                 f"I² = {p['i2']:.0f}%"})
            line = f"Test for overall effect: p = {p['pval']:.3f}"
            if p["k"] >= 3:
                line += f";  prediction interval [{p['pi_low']:.2f}, {p['pi_high']:.2f}]"
            out.append({"panel": panel, "kind": "note", "label": line})
    return pd.DataFrame(out)


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
