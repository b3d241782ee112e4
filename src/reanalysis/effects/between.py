"""Between-arm effects (``between_change``, ``between_post``): Hedges' g intervention vs comparator
from reported means/SDs, or from a reported test statistic that fixes the SE of the mean
difference, with the p-reproduction check and the reason an effect is not estimable.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from reanalysis.data.vocabulary import BETWEEN, CROSSOVER
from reanalysis.effects import formulas as es
from reanalysis.effects import reported as ev
from reanalysis.effects.assumptions import LEVEL, Assumptions
from reanalysis.effects.bearing import _n_range_for_test
from reanalysis.effects.cells import (
    _arm_sds,
    _between_inputs,
    _Cell,
    _imputed,
    _means_only,
    _n_rows,
    _p_range,
    _p_span,
    _pooled_sd_of,
    _rom,
    _rounding,
    _test_for,
)
from reanalysis.effects.paired import _crossover
from reanalysis.effects.rows import Used, _row, not_estimable
from reanalysis.effects.sample_sizes import Solved, _resolve_n
from reanalysis.report.html import fmt

__all__ = ["_between"]


def _between(cell: _Cell, base: dict, a: Assumptions, solved: Solved | None = None) -> list[dict]:
    ints, comps = cell.arms("intervention"), cell.arms("comparator")
    if not base["controlled"] or not ints or not comps:
        return []
    pairs = list(itertools.product(ints, comps))
    out = []
    if base["design"] == CROSSOVER:
        return _crossover(cell, base, a, pairs)
    change_ok = any(_between_inputs(cell, p, "between_change", (10, 10)) for p in pairs)
    test = _test_for(cell, a, change_ok) if len(pairs) == 1 else None
    for arms in pairs:
        label = BETWEEN if len(pairs) == 1 else f"{arms[0]}-vs-{arms[1]}"
        for estimand in ("between_change", "between_post"):
            row = _between_one(cell, base, a, arms, label, estimand, test, solved)
            if row is not None:
                out.append(row)
    return out


def _between_one(cell, base, a, arms, label, estimand, test, solved=None):
    used = Used()
    n1, n2, how, problem = _resolve_n(cell, arms, test, a, used, estimand, solved)
    inputs = _between_inputs(cell, arms, estimand, (n1, n2))
    if inputs is None:
        return _from_reported_test(cell, base, a, arms, label, estimand, test, n1, n2, used)
    md, sd, src, conv = inputs
    md_of_means = md  # before a reported estimate replaces it
    if n1 is None:
        return not_estimable(
            cell,
            base,
            estimand,
            label,
            np.nan,
            np.nan,
            "not estimable: n per arm neither reported, implied nor assumed",
            src,
            used,
        )
    if estimand == "between_change" and _imputed(sd):
        used.assume_r(a.r, f"r={a.r}")
    s_pooled = _pooled_sd_of(estimand, sd, n1, n2, a.r)
    df = n1 + n2 - 2
    if df <= 1:
        return not_estimable(
            cell,
            base,
            estimand,
            label,
            n1,
            n2,
            "not estimable: Hedges' J needs n1 + n2 - 2 > 1",
            src,
            used,
        )
    applies = test is not None and test.estimand == estimand
    est = cell.between().get("estimate")
    if applies and est is not None:
        md, src = float(est["value"]), [*src, est]
    p_info = None
    if applies and test.exact:
        se = ev.se_from_reported(test.kind, test.value, md, df, LEVEL)
        md_var, md_vtype = se**2, f"reported {test.kind}"
        s_used = se / math.sqrt(1 / n1 + 1 / n2)  # the SD the reported statistic implies (6.5.2.3)
        basis = (
            f"difference of means; SE from the reported {test.kind} (t, df = {df}); SMD "
            "standardised by the SD that SE implies (Handbook 6.5.2.3)"
        )
        src = [*src, *test.rows]
    else:
        s_arm = _arm_sds(estimand, sd, a.r)
        md_var, md_vtype = float(es.mean_difference(md, s_arm[0], n1, 0.0, s_arm[1], n2)[1]), "LS"
        se, s_used = s_pooled * math.sqrt(1 / n1 + 1 / n2), s_pooled
        basis = (
            "end-of-treatment means/SDs"
            if estimand == "between_post"
            else "means/SDs at baseline and end; change SDs imputed from r"
            if _imputed(sd)
            else "reported change means/SDs"
        )
        if applies:
            src = [*src, *test.rows]
    if conv:
        basis += "; " + "; ".join(dict.fromkeys(conv))
    g, vg = (float(x) for x in es.hedges_g(md, s_used, n1, n2, exact=a.exact_j))
    src = [*src, *_n_rows(cell, arms, how)]
    rom = _rom(cell, arms, estimand, sd, n1, n2) if md == md_of_means else (np.nan, np.nan)
    if applies:
        rows = [r for r in src if r["arm"] != BETWEEN]
        p_lo, p_hi = _p_range(
            md,
            sd,
            estimand,
            n1,
            n2,
            a.r,
            (4 if _imputed(sd) else 2) * _rounding(rows, "mean"),
            _rounding(rows, "sd"),
        )
        p_mid = ev.p_two_sample(md, s_pooled, n1, n2)
        if test.kind in ("p_value", "p_below", "p_above"):
            ok = ev.p_matches(test.kind, test.value, test.decimals, p_lo, p_hi)
            shown = {"p_value": "", "p_below": "<", "p_above": ">"}[test.kind] + f"{test.value:g}"
        else:
            p_rep = ev.p_from_se(md, se, df)
            ok = p_lo <= p_rep * 1.0001 and p_hi >= p_rep * 0.9999
            shown = f"{fmt(p_rep, kind='p_sig')} (from the reported {test.kind})"
        p_info = {
            "p_reported": test.value if test.kind != "ci" else np.nan,
            "p_reanalysed": p_mid,
            "p_reanalysed_low": p_lo,
            "p_reanalysed_high": p_hi,
        }
        if not ok:
            p_info |= {
                "p_check": ev.P_NOT_REPRODUCED,
                "p_check_detail": _why(
                    shown, p_lo, p_hi, n1, n2, how, estimand, a, problem, md_of_means, sd, test
                ),
            }
        elif how == "implied" and test.rows[0]["row_id"] in solved.setting:
            # n was solved from this very statistic (with the subgroup's others): it cannot disagree
            lo, hi = _n_range_for_test(cell, arms, test, a)
            r_part = (
                f", r from {a.r_range[0]:g} to {a.r_range[1]:g}"
                if estimand == "between_change" and _imputed(sd)
                else ""
            )
            p_info |= {
                "p_check": ev.P_BY_CONSTRUCTION,
                "p_n_low": lo,
                "p_n_high": hi,
                "p_check_detail": (
                    f"n = {n1} per arm was solved from this {test.kind}, so the reported "
                    f"means/SDs give it back by construction; every n from {lo:.0f} to "
                    f"{hi:.0f} per arm reproduces it (rounding of the inputs{r_part})"
                ),
            }
        else:
            whence = (
                f"implied by {', '.join(solved.setting)}, not by this p" if how == "implied" else how
            )
            p_info |= {
                "p_check": ev.P_REPRODUCED,
                "p_check_detail": (
                    f"reported {shown} recomputed from the reported means/SDs at n = {n1}/{n2} "
                    f"per arm ({whence}): {_p_span(p_lo, p_hi)} over the inputs' rounding"
                ),
            }
    yi, vi = cell.sign * g, vg
    return _row(
        cell,
        base,
        estimand,
        label,
        cell.sign * md,
        md_var,
        yi,
        vi,
        n1,
        n2,
        basis,
        src,
        used,
        df=df,
        p=p_info,
        md_vtype=md_vtype,
        rom=rom,
    )


def _from_reported_test(cell, base, a, arms, label, estimand, test, n1, n2, used):
    """Means but no SDs: a reported exact test (p, t, CI or SE of the difference) still fixes the
    SE of the mean difference (Cochrane Handbook 6.5.2.3), and the SD it implies standardises the
    SMD. None unless the test is of this estimand and the means and n are there."""
    if test is None or test.estimand != estimand or not test.exact or n1 is None:
        return None
    found = _means_only(cell, arms, estimand)
    est = cell.between().get("estimate")
    if found is None and est is None:
        return None
    md, src = found if found is not None else (np.nan, [])
    what = "difference of means"
    if est is not None:
        md, src = float(est["value"]), [*src, est]
        what = "reported difference" if found is None else what
    df = n1 + n2 - 2
    if df <= 1:
        return None
    se = ev.se_from_reported(test.kind, test.value, md, df, LEVEL)
    g, vg = (float(x) for x in es.hedges_g(md, se / math.sqrt(1 / n1 + 1 / n2), n1, n2, exact=a.exact_j))
    basis = (
        f"{what}; SE from the reported {test.kind} (t, df = {df}); no SDs "
        "reported: SMD standardised by the SD that SE implies (Handbook 6.5.2.3)"
    )
    check = "not checkable: no SDs reported (the reported test fixes the SE)"
    n_src = _n_rows(
        cell, arms, "reported" if all(cell.reported_n(arm)[0] is not None for arm in arms) else ""
    )
    return _row(
        cell,
        base,
        estimand,
        label,
        cell.sign * md,
        se**2,
        cell.sign * g,
        vg,
        n1,
        n2,
        basis,
        [*src, *test.rows, *n_src],
        used,
        df=df,
        p={"p_reported": test.value if test.kind != "ci" else np.nan, "p_check_detail": check},
        md_vtype=f"reported {test.kind}",
    )


def _why(shown, p_lo, p_hi, n1, n2, how, estimand, a, problem, md, sd, test) -> str:
    """Why a reported p is not reproduced, from the means' difference ``md`` and the SDs ``sd``
    that :func:`_between_inputs` gave (for imputed change SDs: the r the reported p needs)."""
    what = "change scores" if estimand == "between_change" else "end-of-treatment scores"
    imputed = estimand == "between_change" and _imputed(sd)
    r_part = f", r = {a.r:g}" if imputed else ""
    text = (
        f"reported p = {shown}, but a t-test of the reported means/SDs ({what}) gives "
        f"{_p_span(p_lo, p_hi)} at n = {n1}/{n2} per arm ({how}){r_part}"
    )
    if problem:
        text += f"; {problem}"
    if imputed and test.kind == "p_value":
        r = ev.implied_r(md, (sd[0][0], sd[1][0]), (sd[0][1], sd[1][1]), n1, n2, test.value)
        text += (
            f"; at n = {n1} per arm it needs r ≈ {r:.2f}"
            if np.isfinite(r)
            else f"; no r in [-1, 1] reproduces it at n = {n1} per arm"
        )
    return text
