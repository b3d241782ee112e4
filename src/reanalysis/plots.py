"""Figures. Each function takes tables and returns a matplotlib Figure; saving is the caller's job."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams["svg.hashsalt"] = "mg-fibro-reanalysis"  # deterministic SVG ids
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy import stats  # noqa: E402

SECTION_TITLES = {
    "between_change": "Placebo-controlled: SMD of change (magnesium vs placebo)",
    "between_post": "Placebo-controlled: SMD at end of treatment",
    "within_change": "Pre-post change within one arm (no placebo subtraction)",
}


def forest_plot(effects: pd.DataFrame, pooled: pd.DataFrame, sets: dict, level: float = 0.95):
    """Forest plot of every effect size, grouped by estimand, with the pooled REML diamonds.

    Rows whose effect is not estimable are listed with the reason instead of a point.
    """
    z = stats.norm.ppf(0.5 + level / 2.0)
    lines: list[tuple[str, str, float, float, float]] = []  # kind, label, y, lo, hi
    for estimand, title in SECTION_TITLES.items():
        part = effects[effects["estimand"] == estimand]
        if part.empty:
            continue
        lines.append(("header", title, np.nan, np.nan, np.nan))
        for _, r in part.iterrows():
            label = f"{r['study_id']} · {r['outcome']} · {r['subgroup']}"
            if r["arm"] != "between":
                label += f" · {r['arm']} arm"
            if isinstance(r.get("forensic_flags"), str) and r["forensic_flags"]:
                label += "  [flagged input, not pooled]"
            if np.isfinite(r["yi"]):
                se = np.sqrt(r["vi"])
                lines.append(("study", label, r["yi"], r["yi"] - z * se, r["yi"] + z * se))
            else:
                lines.append(("na", label + "  (not estimable: direction only)", np.nan, 0, 0))
    primary = pooled[(pooled["method"] == "REML") & (pooled["k"] > 0)]
    if not primary.empty:
        lines.append(("header", f"Pooled (REML{', Knapp-Hartung' if primary['knha'].any() else ''})",
                      np.nan, np.nan, np.nan))
        for _, r in primary.iterrows():
            lines.append(("pooled", f"{sets[r['set']]['label']} (k={r['k']})", r["mu"],
                          r["ci_low"], r["ci_high"]))
    height = 0.32 * len(lines) + 1.2
    fig, ax = plt.subplots(figsize=(11, height))
    n = len(lines)
    for i, (kind, label, y, lo, hi) in enumerate(lines):
        pos = n - i
        weight = "bold" if kind == "header" else "normal"
        ax.text(-0.02, pos, label, transform=ax.get_yaxis_transform(), ha="right", va="center",
                fontsize=8, fontweight=weight, color="grey" if kind == "na" else "black")
        if kind == "study":
            ax.plot([lo, hi], [pos, pos], color="black", lw=1)
            ax.plot(y, pos, "s", color="black", ms=4)
        elif kind == "pooled":
            ax.fill([lo, y, hi, y], [pos, pos + 0.3, pos, pos - 0.3], color="tab:blue")
    ax.axvline(0, color="grey", lw=0.8, ls="--")
    ax.set_yticks([])
    ax.set_ylim(0.3, n + 0.7)
    ax.set_xlabel(f"Standardised effect (Hedges' g or SMCR) with {level:.0%} CI\n"
                  "positive = improvement with magnesium", fontsize=9)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    fig.subplots_adjust(left=0.55, right=0.97, top=0.98, bottom=0.8 / height)
    return fig
