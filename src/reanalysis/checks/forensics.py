"""Consistency checks on every reported mean and SD, and p-value recomputation.

* SD bound: for values confined to [a, b] with mean m, the sample SD cannot exceed
  sqrt((b - m)(m - a) n / (n - 1)) (Bhatia & Davis 2000, Amer Math Monthly 107:353, with the
  n/(n-1) of the sample variance). Ranges come from the instrument or, tighter, from inclusion
  criteria and subgroup cut-offs (data/score_ranges.csv). One bound per cell, at the smallest n
  the cell may have (reported n, else the low end of the assumed n range, else n = 2, the largest
  bound any sample allows): columns ``bound`` (at ``bound_n``) and ``range_low``/``range_high``,
  which every output that quotes it reads. A mean outside the range is flagged too.
* GRIM (Brown & Heathers 2017, Soc Psychol Personal Sci 8:363): a mean of n scores on a grid of
  step g, reported to d decimals, must equal k g / n rounded to d decimals for some integer k;
  exact rational arithmetic, and a tie may have been rounded up or to even (12.25 -> 12.3 is
  possible, so 12.3 at n = 8 passes). Informative only when the possible means, g / n apart,
  are further apart than the reporting step 10^-d, i.e. n < g * 10^d; with n unknown, every n in
  the assumed range is tried.
* p recomputation: the pooled two-sample t-test from reported means/SDs (end-of-treatment scores,
  or change scores with SDs imputed from a pre-post correlation), over the assumption ranges of n
  and r; for a crossover, the paired t-test on N - 1 df over the within-patient correlation range
  (the analysis its effect size uses); a reported p outside the attainable range is flagged.

Verdicts: ``ok``, ``flag`` (impossible or unattainable under every assumption), ``inconclusive``.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
from scipy import stats

from reanalysis.data.tables import arm_roles
from reanalysis.data.vocabulary import BETWEEN, CROSSOVER
from reanalysis.effects import crossover as cx
from reanalysis.effects.assumptions import sample_size_range, study_designs
from reanalysis.effects.cells import find_row
from reanalysis.effects.formulas import sd_change
from reanalysis.report.html import fmt

COLUMNS = [
    "check",
    "row_id",
    "value",
    "verdict",
    "detail",
    "bound",
    "bound_n",
    "range_low",
    "range_high",
]


def max_sd(mean: float, lo: float, hi: float, n: float = math.inf) -> float:
    """Largest possible sample SD of n values in [lo, hi] with this mean (Bhatia-Davis)."""
    if not lo <= mean <= hi:
        return float("nan")
    factor = n / (n - 1) if math.isfinite(n) else 1.0
    return math.sqrt((hi - mean) * (mean - lo) * factor)


def decimals(x: float) -> int:
    """Decimals as reported (from the shortest repr of the float: 21.80 reads as 21.8)."""
    text = repr(float(x))
    return 0 if text.endswith(".0") else len(text.split(".")[1])


def grim_consistent(mean: float, n: int, granularity: float = 1.0, d: int | None = None) -> bool:
    """True if some integer total k gives k * granularity / n == mean after rounding to d decimals,
    a tie rounded either up (round half up, the usual reporting rule) or to even."""
    d = decimals(mean) if d is None else d
    m, g, scale = Fraction(str(mean)), Fraction(str(granularity)), 10**d
    half = Fraction(1, 2 * scale)
    k_lo = math.floor((m - half) * n / g) - 1
    k_hi = math.ceil((m + half) * n / g) + 1
    even = (m * scale) % 2 == 0
    for k in range(k_lo, k_hi + 1):
        gap = k * g / n - m
        if abs(gap) < half or gap == -half or (gap == half and even):  # half up; half to even
            return True
    return False


def grim_informative(mean: float, n: int, granularity: float = 1.0) -> bool:
    """True if GRIM can fail: n < g * 10^d (d = decimals of the mean, g = granularity)."""
    return n * 10.0 ** -decimals(mean) < granularity


def t_test_p(m1, sd1, n1, m2, sd2, n2) -> float:
    """Two-sided p of the pooled-variance two-sample t-test from summary statistics."""
    sp = math.sqrt(((n1 - 1) * sd1**2 + (n2 - 1) * sd2**2) / (n1 + n2 - 2))
    t = (m1 - m2) / (sp * math.sqrt(1 / n1 + 1 / n2))
    return float(2 * stats.t.sf(abs(t), n1 + n2 - 2))


# --- helpers over the long summary table ---------------------------------------------------------
def _ranges_for(row: pd.Series, ranges: pd.DataFrame):
    """The tightest known range for a row: (lo, hi, basis)."""
    out = []
    if pd.notna(row["scale_min"]) and pd.notna(row["scale_max"]):
        out.append((row["scale_min"], row["scale_max"], f"{row['instrument']} scale"))
    hit = ranges[
        (ranges["study_id"] == row["study_id"])
        & (ranges["subgroup"] == row["subgroup"])
        & (ranges["outcome"] == row["outcome"])
        & (ranges["timepoint"] == row["timepoint"])
    ]
    for _, r in hit.iterrows():
        out.append((r["min"], r["max"], f"{r['basis']} ({r['range_id']})"))
    return min(out, key=lambda t: t[1] - t[0]) if out else None


def _n_candidates(row: pd.Series, config: dict) -> tuple[list[int], str]:
    if pd.notna(row["n"]):
        return [int(row["n"])], "reported n"
    rng = sample_size_range(config, row["study_id"], row["subgroup"], row["arm"])
    if rng is None:
        return [], "n unknown"
    return list(range(rng[0], rng[1] + 1)), f"n not reported; assumed range {rng[0]}-{rng[1]}"


def _partner(summary: pd.DataFrame, row: pd.Series, statistic: str):
    """The row with ``statistic`` for the same cell and reading (else the primary reading)."""
    cell = {c: row[c] for c in ("study_id", "arm", "subgroup", "outcome", "timepoint")}
    for reading in (row["reading"], "primary"):
        hit = find_row(summary, **cell, statistic=statistic, reading=reading)
        if hit is not None:
            return hit
    return None


def sd_checks(summary: pd.DataFrame, ranges: pd.DataFrame, config: dict) -> list[dict]:
    rows = []
    for _, sd_row in summary[summary["statistic"] == "sd"].iterrows():
        mean_row = _partner(summary, sd_row, "mean")
        rng = _ranges_for(sd_row, ranges)
        if mean_row is None or rng is None:
            continue
        lo, hi, basis = rng
        m, sd = float(mean_row["value"]), float(sd_row["value"])
        if not lo <= m <= hi:
            rows.append(
                {
                    "check": "mean_in_range",
                    "row_id": mean_row["row_id"],
                    "value": m,
                    "verdict": "flag",
                    "detail": f"mean {m} outside [{lo:g}, {hi:g}] ({basis})",
                }
            )
            continue
        ns, n_note = _n_candidates(sd_row, config)
        n_min = min(ns) if ns else 2
        bound = max_sd(m, lo, hi, n_min)
        verdict = "flag" if sd > bound else "ok"
        detail = (
            f"SD {sd:g} {'exceeds' if sd > bound else '<='} the maximum {bound:.2f} "
            f"possible for mean {m:g} in [{lo:g}, {hi:g}] at n >= {n_min} ({basis}; "
            f"{n_note if ns else 'n unknown: the bound at n = 2, the largest of any n'})"
        )
        rows.append(
            {
                "check": "sd_possible",
                "row_id": sd_row["row_id"],
                "value": sd,
                "verdict": verdict,
                "detail": detail,
                "bound": bound,
                "bound_n": n_min,
                "range_low": lo,
                "range_high": hi,
            }
        )
    return rows


def grim_checks(summary: pd.DataFrame, instruments: pd.DataFrame, config: dict) -> list[dict]:
    rows = []
    grid = dict(zip(instruments["instrument"], instruments["granularity"], strict=True))
    for _, r in summary[summary["statistic"] == "mean"].iterrows():
        g = grid.get(r["instrument"])
        if g is None or pd.isna(g):
            continue
        ns, n_note = _n_candidates(r, config)
        if not ns:
            continue
        m = float(r["value"])
        informative = [n for n in ns if grim_informative(m, n, g)]
        if not informative:
            verdict, detail = (
                "inconclusive",
                (
                    f"GRIM cannot test a mean with {decimals(m)} decimal(s) on a grid of {g:g} at "
                    f"n >= {min(ns)} ({n_note})"
                ),
            )
        else:
            bad = [n for n in informative if not grim_consistent(m, n, g)]
            good = [n for n in ns if n not in bad]
            if not good:
                verdict, detail = "flag", f"mean {m:g} is impossible for every n in {ns} ({n_note})"
            elif bad:
                verdict, detail = (
                    "ok",
                    (f"mean {m:g} is impossible for n in {bad} but possible for the other n ({n_note})"),
                )
            else:
                verdict, detail = "ok", f"mean {m:g} possible for every n tested ({n_note})"
        rows.append(
            {"check": "grim", "row_id": r["row_id"], "value": m, "verdict": verdict, "detail": detail}
        )
    return rows


def p_value_checks(
    summary: pd.DataFrame, config: dict, arms: pd.DataFrame, studies: pd.DataFrame | None = None
) -> list[dict]:
    """Recompute between-arm p-values from means/SDs over the n (and r) assumption ranges, with
    the study's design: a crossover (studies.csv ``allocation``) by the paired t-test on N - 1 df
    over the within-patient correlation range (:mod:`reanalysis.effects.crossover`), as its effect is."""
    rows = []
    r_range = [float(x) for x in config["assumptions"]["prepost_correlation"]["range"]]
    cx_range = [float(x) for x in config["assumptions"]["crossover_correlation"]["range"]]
    designs = study_designs(studies) if studies is not None else {}
    roles = arm_roles(arms)
    for _, p_row in summary[
        (summary["arm"] == BETWEEN) & (summary["statistic"] == "p_value")
    ].iterrows():
        study = p_row["study_id"]
        ints = [a for (s, a), r in roles.items() if s == study and r == "intervention"]
        comps = [a for (s, a), r in roles.items() if s == study and r == "comparator"]
        if len(ints) != 1 or len(comps) != 1:
            continue
        pair = (ints[0], comps[0])
        key = (
            (summary["study_id"] == p_row["study_id"])
            & (summary["subgroup"] == p_row["subgroup"])
            & (summary["outcome"] == p_row["outcome"])
        )
        cell = summary[key]

        def get(arm, tp, stat, cell=cell):
            hit = find_row(cell, arm=arm, timepoint=tp, statistic=stat)
            return None if hit is None else float(hit["value"])

        mg_row = find_row(cell, arm=pair[0])
        n_mg = [] if mg_row is None else _n_candidates(mg_row, config)[0]
        if not n_mg:
            continue
        analyses = []
        end = [get(arm, "end", s) for arm in pair for s in ("mean", "sd")]
        if designs.get(study) == CROSSOVER:
            if None not in end:
                analyses.append(
                    (
                        f"paired t-test (crossover, df = N - 1), within-patient r in "
                        f"[{cx_range[0]:g}, {cx_range[1]:g}]",
                        [
                            cx.p_paired(end[0] - end[2], end[1], end[3], n, float(r))
                            for n in n_mg
                            for r in np.linspace(cx_range[0], cx_range[1], 7)
                        ],
                    )
                )
        elif None not in end:
            analyses.append(
                (
                    "end-of-treatment scores",
                    [t_test_p(end[0], end[1], n, end[2], end[3], n) for n in n_mg],
                )
            )
        base = [get(arm, "baseline", s) for arm in pair for s in ("mean", "sd")]
        if None not in base and None not in end and designs.get(study) != CROSSOVER:
            ps = []
            for n in n_mg:
                for r in np.linspace(r_range[0], r_range[1], 7):
                    sd1 = float(sd_change(base[1], end[1], r))
                    sd2 = float(sd_change(base[3], end[3], r))
                    ps.append(t_test_p(end[0] - base[0], sd1, n, end[2] - base[2], sd2, n))
            analyses.append((f"change scores, r in [{r_range[0]:g}, {r_range[1]:g}]", ps))
        if not analyses:
            continue
        reported = float(p_row["value"])
        parts, attainable = [], False
        for name, ps in analyses:
            lo, hi = min(ps), max(ps)
            ok = lo * 0.95 <= reported <= hi * 1.05 + 5e-4  # allow for rounding of inputs and p
            attainable |= ok
            parts.append(f"{name}: p from {fmt(lo, kind='p')} to {fmt(hi, kind='p')}")
        rows.append(
            {
                "check": "p_recomputed",
                "row_id": p_row["row_id"],
                "value": reported,
                "verdict": "ok" if attainable else "flag",
                "detail": (
                    f"reported p = {reported:g}; t-test over n per arm {min(n_mg)}-{max(n_mg)}: "
                    + "; ".join(parts)
                    + (
                        ""
                        if attainable
                        else " — reported p not attainable (the trial may "
                        "have used another analysis, e.g. ANCOVA)"
                    )
                ),
            }
        )
    return rows


def run_checks(tables: dict, config: dict) -> pd.DataFrame:
    """All checks on every reading (primary and alternative) of the summary table."""
    summary = tables["summary_all"]
    rows = (
        sd_checks(summary, tables["score_ranges"], config)
        + grim_checks(summary, tables["instruments"], config)
        + p_value_checks(
            summary[summary["reading"] == "primary"], config, tables["arms"], tables.get("studies")
        )
    )
    return pd.DataFrame(rows, columns=COLUMNS)


def flagged_rows(forensics: pd.DataFrame) -> set[str]:
    return set(forensics.loc[forensics["verdict"] == "flag", "row_id"])
