"""Between-arm effects of crossover trials: the paired analysis (within-patient difference,
correlation r) of :mod:`reanalysis.effects.crossover` turned into effect-size rows, with its
p-reproduction check.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from reanalysis.data.vocabulary import BETWEEN
from reanalysis.effects import crossover as cx
from reanalysis.effects import formulas as es
from reanalysis.effects import reported as ev
from reanalysis.effects.assumptions import LEVEL
from reanalysis.effects.cells import _between_inputs, _imputed, _p_span, _rounding, _test_for
from reanalysis.effects.rows import Used, _row, not_estimable
from reanalysis.effects.sample_sizes import _resolve_n
from reanalysis.report.html import fmt

__all__ = ["_crossover"]


def _crossover(cell, base, a, pairs) -> list[dict]:
    """A crossover trial, analysed as paired (:mod:`reanalysis.effects.crossover`): N patients (counted
    once), df = N - 1; SE of the difference from a reported paired test, else from the period
    SDs and the assumed within-patient correlation; SMD standardised by the SD of the
    measurements. Only a single intervention/comparator pair of period (end) or change values."""
    if len(pairs) != 1:
        return []
    arms = pairs[0]
    tp = next((r["timepoint"] for r in cell.between().values() if r["statistic"] != "n"), None)
    estimand = "between_change" if tp == "change" else "between_post"
    test = _test_for(cell, a, False)
    if test is not None:
        test = dataclasses.replace(test, estimand=estimand)
    used = Used()
    n1, n2, how, _ = _resolve_n(cell, arms, None, a, used, estimand)
    inputs = _between_inputs(cell, arms, estimand, (n1, n2))
    if inputs is None or _imputed(inputs[1]):
        return []
    md, sd, src, conv = inputs
    if n1 is None:
        return [
            not_estimable(
                cell,
                base,
                estimand,
                BETWEEN,
                np.nan,
                np.nan,
                "not estimable: n neither reported nor assumed",
                src,
                used,
            )
        ]
    n = min(n1, n2)  # the same patients in both arms
    df = n - 1
    if df <= 1:
        return [
            not_estimable(
                cell,
                base,
                estimand,
                BETWEEN,
                n,
                n,
                "not estimable: a paired test needs N >= 3",
                src,
                used,
            )
        ]
    sd_e, sd_c = float(sd[0]), float(sd[1])
    est = cell.between().get("estimate")
    md_means = md
    if test is not None and est is not None:
        md, src = float(est["value"]), [*src, est]
    if test is not None and test.exact:
        se = ev.se_from_reported(test.kind, test.value, md, df, LEVEL)
        r = cx.r_from_se(se, sd_e, sd_c, n)
        basis = (
            f"crossover analysed as paired: SE from the reported {test.kind} (paired t, "
            f"df = {df}; Handbook 23.2.7.2), within-patient r = {r:.2f} implied by it"
        )
        src = [*src, *test.rows]
    else:
        r = a.crossover_r
        se = cx.se_paired(sd_e, sd_c, n, r)
        used.assume_r(r, f"crossover_r={r:g}")
        basis = (
            "crossover analysed as paired: SE from the period SDs with the assumed "
            "within-patient r (Handbook 23.2.7.2)"
        )
        if test is not None:
            src = [*src, *test.rows]
    if conv:
        basis += "; " + "; ".join(dict.fromkeys(conv))
    d, vd = cx.smd_paired(md, sd_e, sd_c, n, min(max(r, -1.0), 1.0))
    if not -1.0 < r < 1.0:  # the SE and SDs cannot belong together: var from the SE itself
        vd = (se**2) / ((sd_e**2 + sd_c**2) / 2.0) + d**2 / (2.0 * n)
        basis += "; the SE and the SDs imply no r in (-1, 1): var(d) from the SE"
    j = float(es.hedges_j(df, exact=a.exact_j))
    p_info = None
    if test is not None:
        p_info = _crossover_p_check(cell, a, test, md_means, sd_e, sd_c, n, se, r, src)
    return [
        _row(
            cell,
            base,
            estimand,
            BETWEEN,
            cell.sign * md,
            se**2,
            cell.sign * j * d,
            j**2 * vd,
            n,
            n,
            basis,
            src,
            used,
            df=df,
            p=p_info,
        )
    ]


def _crossover_p_check(cell, a, test, md, sd_e, sd_c, n, se, r_implied, src) -> dict:
    """The reported paired p recomputed from the period means/SDs over their rounding and the
    assumed within-patient r range (none of them solved from the p)."""
    rows = [x for x in src if x["arm"] != BETWEEN]
    h_md, h_sd = 2 * _rounding(rows, "mean"), _rounding(rows, "sd")
    rs = np.linspace(a.crossover_r_range[0], a.crossover_r_range[1], 7)
    big, small = abs(md) + h_md, max(abs(md) - h_md, 0.0)
    ps = [
        cx.p_paired(m, max(e, 1e-9), max(c, 1e-9), n, float(r))
        for r in rs
        for e in (sd_e - h_sd, sd_e + h_sd)
        for c in (sd_c - h_sd, sd_c + h_sd)
        for m in (big, small)
    ]
    p_lo, p_hi = min(ps), max(ps)
    p_mid = cx.p_paired(md, sd_e, sd_c, n, a.crossover_r)
    if test.kind in ("p_value", "p_below", "p_above"):
        ok = ev.p_matches(test.kind, test.value, test.decimals, p_lo, p_hi)
        shown = {"p_value": "p = ", "p_below": "p < ", "p_above": "p > "}[test.kind] + f"{test.value:g}"
    else:
        p_rep = ev.p_from_se(md, se, n - 1)
        ok = p_lo <= p_rep * 1.0001 and p_hi >= p_rep * 0.9999
        shown = f"p = {fmt(p_rep, kind='p_sig')} (from the reported {test.kind})"
    rng = f"r from {a.crossover_r_range[0]:g} to {a.crossover_r_range[1]:g}"
    implied = f"the reported statistic implies r = {r_implied:.2f}" if np.isfinite(r_implied) else ""
    out = {
        "p_reported": test.value if test.kind != "ci" else np.nan,
        "p_reanalysed": p_mid,
        "p_reanalysed_low": p_lo,
        "p_reanalysed_high": p_hi,
    }
    if ok:
        return out | {
            "p_check": ev.P_REPRODUCED,
            "p_check_detail": (
                f"reported {shown} recomputed by a paired t-test (df = {n - 1}) of the reported "
                f"period means/SDs: {_p_span(p_lo, p_hi)} over their rounding and {rng}; "
                f"{implied}"
            ),
        }
    return out | {
        "p_check": ev.P_NOT_REPRODUCED,
        "p_check_detail": (
            f"reported {shown}, but a paired t-test (df = {n - 1}) of the reported period means/SDs "
            f"gives {_p_span(p_lo, p_hi)} over their rounding and {rng}; {implied}"
        ),
    }
