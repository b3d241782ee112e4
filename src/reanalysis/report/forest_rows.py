"""The forest plot as a table: one row per drawn line (study headings, results with per-arm
mean (SD) and n, pooled diamonds, notes), from which ``plots.forest_plot`` draws the figure and
``report_pages.forest_table_page`` writes the phone-ready table (RevMan 5 / metafor ``forest.rma``
conventions; see :mod:`reanalysis.report.plots`). No plotting library is imported here."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pandas as pd

from reanalysis.effects.notes import assumed_n, forensically_flagged, p_threshold_only
from reanalysis.meta.method_names import interval_name
from reanalysis.report.html import p_text

MARK_P = "†"  # effect derived only from a p-value threshold (hollow square)
MARK_FLAG = "‡"  # input failed a forensic check (grey, not pooled)
MARK_N = "ᵃ"  # per-arm n assumed
MARK_SD = "ᶜ"  # SD of change imputed from r
ESTIMAND_LABELS = {"between_change": "change", "between_post": "at end", "within_change": "change"}


def _fmt(x: float, digits: int = 1, sign: bool = False) -> str:
    return "" if x is None or not np.isfinite(x) else f"{x:{'+' if sign else ''}.{digits}f}"


def arm_summary(rows: pd.DataFrame, r: float) -> tuple[str, bool]:
    """'mean (SD)' for one arm from its source rows: end values, or the change from baseline with
    the SD of change imputed as sqrt(sb² + se² - 2 r sb se) (Cochrane Handbook 6.5.2.8).
    Returns the text and whether the SD was imputed."""
    v = {
        (t, s): val
        for t, s, val in zip(rows["timepoint"], rows["statistic"], rows["value"], strict=True)
    }
    if {("baseline", "mean"), ("end", "mean"), ("baseline", "sd"), ("end", "sd")} <= v.keys():
        sb, se = v[("baseline", "sd")], v[("end", "sd")]
        change = v[("end", "mean")] - v[("baseline", "mean")]
        return f"{_fmt(change, sign=True)} ({_fmt(np.sqrt(sb**2 + se**2 - 2 * r * sb * se))})", True
    if {("end", "mean"), ("end", "sd")} <= v.keys():
        return f"{_fmt(v[('end', 'mean')])} ({_fmt(v[('end', 'sd')])})", False
    return "not reported", False


def forest_rows_for(
    cfg: dict, effects: pd.DataFrame, pooled: pd.DataFrame, curated: dict
) -> pd.DataFrame:
    """:func:`forest_rows` with its settings taken from the configuration and curated tables."""
    from reanalysis.appraisal.study_characteristics import labels

    ma, rep = cfg["meta_analysis"], cfg.get("report", {})
    role_names = {role: rep[role] for role in ("intervention", "comparator") if role in rep}
    return forest_rows(
        effects,
        pooled,
        curated["summary"],
        curated["arms"],
        labels(curated["studies"]),
        ma["sets"],
        ma["primary_method"],
        cfg["assumptions"]["prepost_correlation"]["value"],
        level=ma["level"],
        role_names=role_names,
    )


def forest_rows(
    effects: pd.DataFrame,
    pooled: pd.DataFrame,
    summary: pd.DataFrame,
    arms: pd.DataFrame,
    names: dict,
    sets: dict,
    method: str,
    r: float,
    level: float = 0.95,
    role_names: dict | None = None,
) -> pd.DataFrame:
    """The forest plot as a table: one row per drawn line, in order, with a ``panel``
    ('between' or 'within'), a ``kind`` (study, result, pooled, note), texts per column and the
    numbers to draw. Pure: the figure is drawn from this table by ``forest_plot``. The facts the
    labels state are typed too: ``results`` (a study row: how many results sit under it) and ``k``
    (a pooled row: studies pooled).

    The within panel holds the arms whose role a within-arm set pools (intervention by default);
    where it holds more than one role, each result names its arm (``role_names``: role -> word)
    and each pooled row its set."""
    z = NormalDist().inv_cdf(0.5 + level / 2)
    roles = {
        (s, a): role for s, a, role in zip(arms["study_id"], arms["arm"], arms["role"], strict=True)
    }
    by_id = summary.set_index("row_id")
    primary = pooled[(pooled["method"] == method) & (pooled["k"] > 0)]
    weight = {}
    for _, p in primary[primary["k"] >= 2].iterrows():
        ids = str(p["studies"]).split()
        part = effects[effects["es_id"].isin(ids)]
        w = 1.0 / (part["vi"] + p["tau2"])
        for es_id, wi in zip(part["es_id"], w / w.sum(), strict=True):
            weight[es_id] = wi
    out = []
    within_sets = [
        s for s in sets.values() if not all(e.startswith("between") for e in s.get("estimands", []))
    ]
    within_roles = {role for s in within_sets for role in s.get("roles", ["intervention"])}
    within_roles = within_roles or {"intervention"}
    role_names = role_names or {}
    panels = {
        "between": effects["estimand"].str.startswith("between"),
        "within": ~effects["estimand"].str.startswith("between")
        & np.array(
            [
                roles.get((s, a)) in within_roles
                for s, a in zip(effects["study_id"], effects["arm"], strict=True)
            ],
            dtype=bool,
        ),
    }
    for panel, mask in panels.items():
        part = effects[mask]
        for study, g in part.groupby("study_id", sort=False):
            several = len(g) > 1
            out.append(
                {
                    "panel": panel,
                    "kind": "study",
                    "label": names.get(study, study)
                    + (f"  ({len(g)} results of one study: not independent)" if several else ""),
                    "results": len(g),
                }
            )
            for _, e in g.iterrows():
                src = by_id.loc[[i for i in str(e["source_rows"]).split() if i in by_id.index]]
                texts, imputed = {}, False
                for side, n_col in (("intervention", "n1"), ("comparator", "n2")):
                    arm_rows = src[
                        np.array([roles.get((e["study_id"], a)) == side for a in src["arm"]], dtype=bool)
                    ]
                    mean_sd, imp = arm_summary(arm_rows, r) if not arm_rows.empty else ("", False)
                    imputed |= imp
                    own = roles.get((e["study_id"], e["arm"]))  # a within-arm effect's arm
                    n = e[n_col] if panel == "between" else e["n1"] if side == own else np.nan
                    assumed = assumed_n(e)
                    texts[side] = (
                        (mean_sd + (MARK_SD if imp else "")) if mean_sd else "",
                        "" if pd.isna(n) else f"{int(n)}{MARK_N if assumed else ''}",
                    )
                p_only = p_threshold_only(e)
                flagged = forensically_flagged(e["forensic_flags"])
                est = np.isfinite(e["yi"])
                se = np.sqrt(e["vi"]) if est else np.nan
                sub = "" if e["subgroup"] == "all" else f", {e['subgroup'].replace('_', '/')}"
                role = roles.get((e["study_id"], e["arm"]))
                arm_word = (
                    f", {role_names.get(role, role)} arm"
                    if panel == "within" and len(within_roles) > 1
                    else ""
                )
                effect = (
                    f"{e['yi']:.2f} [{e['yi'] - z * se:.2f}, {e['yi'] + z * se:.2f}]"
                    if est
                    else "direction only"
                )
                out.append(
                    {
                        "panel": panel,
                        "kind": "result",
                        "label": f"{str(e['outcome']).replace('_', ' ')} ({e['instrument']}{sub})"
                        + (
                            f", {ESTIMAND_LABELS.get(e['estimand'], e['estimand'])}"
                            if panel == "between"
                            else ""
                        )
                        + arm_word,
                        "i_mean": texts["intervention"][0],
                        "i_n": texts["intervention"][1],
                        "c_mean": texts["comparator"][0],
                        "c_n": texts["comparator"][1],
                        "effect": effect
                        + (f" {MARK_P}" if p_only else "")
                        + (f" {MARK_FLAG}" if flagged else ""),
                        "weight": f"{weight[e['es_id']]:.0%}" if e["es_id"] in weight else "",
                        "yi": e["yi"],
                        "lo": e["yi"] - z * se,
                        "hi": e["yi"] + z * se,
                        "w": 1.0 / e["vi"] if est else np.nan,
                        "p_only": p_only,
                        "flagged": flagged,
                        "imputed": imputed,
                    }
                )
        in_panel = [
            p
            for _, p in primary.iterrows()
            if (panel == "between") == all(s.startswith("between") for s in sets[p["set"]]["estimands"])
        ]
        for p in in_panel:
            ids = str(p["studies"]).split()
            instruments = sorted(effects.loc[effects["es_id"].isin(ids), "instrument"].unique())
            label = sets[p["set"]]["label"]
            if p["k"] < 2:
                out.append(
                    {
                        "panel": panel,
                        "kind": "note",
                        "label": f"{label.split(' (')[0]}: one study, no pooled estimate",
                    }
                )
                continue
            measure = str(sets[p["set"]].get("measure") or "SMD")
            if measure != "SMD":  # the study rows are SMDs: another measure is not drawn on them
                out.append(
                    {
                        "panel": panel,
                        "kind": "note",
                        "label": f"{label.split(' (')[0]}: pooled {measure} "
                        f"{p['mu']:.2f} [{p['ci_low']:.2f}, {p['ci_high']:.2f}], "
                        f"k = {int(p['k'])} (not drawn: the rows above are SMDs; "
                        "results/meta_frequentist.csv)",
                    }
                )
                continue
            mixed = f", different instruments ({', '.join(instruments)})" if len(instruments) > 1 else ""
            which = f": {label.split(' (')[0]}" if len(in_panel) > 1 else ""
            out.append(
                {
                    "panel": panel,
                    "kind": "pooled",
                    "label": f"Pooled, k = {int(p['k'])}{which}{mixed}",
                    "k": int(p["k"]),
                    "effect": f"{p['mu']:.2f} [{p['ci_low']:.2f}, {p['ci_high']:.2f}]",
                    "weight": "100%",
                    "yi": p["mu"],
                    "lo": p["ci_low"],
                    "hi": p["ci_high"],
                    "pi_lo": p["pi_low"] if p["k"] >= 3 else np.nan,
                    "pi_hi": p["pi_high"] if p["k"] >= 3 else np.nan,
                }
            )
            out.append(
                {
                    "panel": panel,
                    "kind": "note",
                    "label": f"Random effects, {method}; CI: {interval_name(p['knha'])}",
                }
            )
            out.append(
                {
                    "panel": panel,
                    "kind": "note",
                    "label": f"Heterogeneity: τ² = {p['tau2']:.2f}; Q = {p['q']:.2f}, "
                    f"df = {int(p['q_df'])} ({p_text(p['q_pval'])}); "
                    f"I² = {p['i2']:.0f}%",
                }
            )
            line = f"Test for overall effect: {p_text(p['pval'])}"
            if p["k"] >= 3:
                line += f";  prediction interval [{p['pi_low']:.2f}, {p['pi_high']:.2f}]"
            out.append({"panel": panel, "kind": "note", "label": line})
    return pd.DataFrame(out)


def forest_pages(
    rows: pd.DataFrame, max_rows: float = 40, sizes: list[float] | None = None
) -> list[pd.DataFrame]:
    """``rows`` cut into pages of at most ``max_rows`` lines (``sizes``: each row's height in
    lines, 1 by default), in order: a page breaks before a study heading or a new panel (a
    study's results stay together unless they alone exceed a page); a panel's pooled rows and
    notes stay with its last study."""
    size = list(sizes) if sizes is not None else [1.0] * len(rows)

    def height(idx: list[int]) -> float:
        return sum(size[i] for i in idx)

    pages, current = [], []
    blocks, block = [], []
    for i, r in rows.reset_index(drop=True).iterrows():
        starts = r["kind"] == "study" or (block and rows.iloc[block[0]]["panel"] != r["panel"])
        if starts and block:
            blocks.append(block)
            block = []
        block.append(i)
    if block:
        blocks.append(block)
    for b in blocks:  # a panel's pooled rows and notes follow its last study: one block
        if current and height(current) + height(b) > max_rows:
            pages.append(current)
            current = []
        while height(b) > max_rows and len(b) > 1:
            cut = max(
                1,
                max(j for j in range(1, len(b) + 1) if height(b[:j]) <= max_rows)
                if height(b[:1]) <= max_rows
                else 1,
            )
            pages.append(b[:cut])
            b = b[cut:]
        current = current + b
    if current:
        pages.append(current)
    flat = rows.reset_index(drop=True)
    return [flat.iloc[p].reset_index(drop=True) for p in pages] or [flat]
