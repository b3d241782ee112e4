"""Within-arm effects (``within_change``): the standardised mean change of one arm from means/SDs,
change means/SDs or a paired t, from an exact paired p-value (via d_z and r), or from "significant"
(p set to an assumed threshold), with the p-reproduction check.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from reanalysis.effects import formulas as es
from reanalysis.effects import reported as ev
from reanalysis.effects import sd_recovery as sdr
from reanalysis.effects.assumptions import Assumptions
from reanalysis.effects.bearing import _WithinBearing
from reanalysis.effects.cells import _Cell, _p_span, _rounding
from reanalysis.effects.rows import Used, _row, not_estimable
from reanalysis.effects.sample_sizes import Solved

__all__ = ["_within"]


def _within(
    cell: _Cell, base: dict, a: Assumptions, n_cell: dict, solved: Solved | None = None
) -> list[dict]:
    out = []
    for arm in cell.arms():
        if cell.role[arm] == "other":
            continue
        used = Used()
        n_rep, n_row = cell.reported_n(arm)
        n = n_rep
        if n is not None:
            used.n("reported")
        elif arm in n_cell:
            n = n_cell[arm][0]
            used.n("implied", n, n_cell[arm][1])
        else:
            n = a.n_for(cell.study, cell.subgroup, arm)
            if n is not None:
                used.n("assumed", n, f"n[{cell.study}/{cell.subgroup}/{arm}]={n}")
        row = _within_one(cell, base, a, arm, n, used)
        if row is None:
            continue
        if np.isfinite(row["yi"]) and n_rep is None:
            check = _within_p_check(cell, a, arm, int(row["n1"]), solved)
            if check:
                row["source_rows"] += " " + check.pop("p_row")
                row |= check
        if n_row is not None and row["source_rows"]:
            row["source_rows"] += " " + n_row["row_id"]
        out.append(row)
    return out


def _within_p_check(cell: _Cell, a: Assumptions, arm: str, n: int, solved: Solved | None) -> dict:
    """A reported paired p of the change within ``arm`` (n not reported), recomputed from the
    arm's baseline/end means/SDs at n (paired t, n - 1 df, r) over the inputs' rounding:
    consistent by construction where it set the subgroup's n, else reproduced / not reproduced.
    {} where the arm has no such p or its means/SDs."""
    row = cell.get(arm, "change", "p_value")
    if row is None or pd.notna(row["n"]):
        return {}
    b = _WithinBearing(cell, (arm, arm), arm, row, False)
    if any(cell.get(arm, tp, st_) is None for tp in ("baseline", "end") for st_ in ("mean", "sd")):
        return {}
    md, rows = b._inputs(a.r)
    sds = [float(rows[2]["value"]), float(rows[3]["value"])]
    h_md, h_sd = 2 * _rounding(rows, "mean"), _rounding(rows, "sd")

    def p_at(m, s1, s2):
        t = abs(m) / (b._sd(a.r, max(s1, 1e-9), max(s2, 1e-9)) / math.sqrt(n))
        return float(2 * stats.t.sf(t, n - 1))

    ps = [
        p_at(m, x, y)
        for m in (abs(md) - h_md, abs(md) + h_md)
        for x in (sds[0] - h_sd, sds[0] + h_sd)
        for y in (sds[1] - h_sd, sds[1] + h_sd)
    ]
    p_lo, p_hi = min(ps), max(ps)
    value = float(row["value"])
    d = (
        int(row["value_decimals"])
        if "value_decimals" in row and pd.notna(row["value_decimals"])
        else ev.decimals(value)
    )
    out = {
        "p_reported": value,
        "p_reanalysed": p_at(md, *sds),
        "p_reanalysed_low": p_lo,
        "p_reanalysed_high": p_hi,
        "p_row": row["row_id"],
    }
    if not ev.p_matches("p_value", value, d, p_lo, p_hi):
        return out | {
            "p_check": ev.P_NOT_REPRODUCED,
            "p_check_detail": (
                f"reported paired p = {value:g}, but a paired t-test of the change (df = {n - 1}, "
                f"r = {a.r:g}) of the reported means/SDs gives {_p_span(p_lo, p_hi)} at n = {n}"
            ),
        }
    if solved is not None and row["row_id"] in solved.setting:
        lims = [b.implied(a, float(r))[1:] for r in np.linspace(a.r_range[0], a.r_range[1], 7)]
        lo = max(math.ceil(min(x[0] for x in lims) - 1e-9), 2)
        hi = math.floor(max(x[1] for x in lims) + 1e-9)
        return out | {
            "p_check": ev.P_BY_CONSTRUCTION,
            "p_n_low": float(lo),
            "p_n_high": float(hi),
            "p_check_detail": (
                f"n = {n} was solved from this paired p, so the reported means/SDs give "
                f"it back by construction; every n from {lo} to {hi} reproduces it "
                f"(rounding of the inputs, r from {a.r_range[0]:g} to "
                f"{a.r_range[1]:g})"
            ),
        }
    return out | {
        "p_check": ev.P_REPRODUCED,
        "p_check_detail": (
            f"reported paired p = {value:g} recomputed from the reported means/SDs at n = {n} "
            f"(r = {a.r:g}): {_p_span(p_lo, p_hi)} over the inputs' rounding"
        ),
    }


def _within_one(cell, base, a, arm, n, used):
    m_pre, m_post = cell.get(arm, "baseline", "mean"), cell.get(arm, "end", "mean")
    if m_pre is not None and m_post is not None and n is not None:
        sd_pre, r_pre, c1 = cell.arm_sd(arm, "baseline", n)
        sd_post, r_post, c2 = cell.arm_sd(arm, "end", n)
        if sd_pre is not None and sd_post is not None:
            if n - 1 <= 1:
                return not_estimable(
                    cell,
                    base,
                    "within_change",
                    arm,
                    n,
                    np.nan,
                    "not estimable: Hedges' J needs n - 1 > 1",
                    [m_pre, m_post],
                    used,
                )
            used.assume_r(a.r, f"r={a.r}")
            pre, post = float(m_pre["value"]), float(m_post["value"])
            g, vg = es.smd_change_within(pre, post, sd_pre, n, a.r, exact=a.exact_j)
            md_var = float(es.mean_change_var(es.sd_change(sd_pre, sd_post, a.r), n))
            basis = "means/SDs at baseline and end (SMCR)" + "".join(
                f"; {c}" for c in dict.fromkeys((c1, c2)) if c
            )
            return _row(
                cell,
                base,
                "within_change",
                arm,
                cell.sign * (post - pre),
                md_var,
                cell.sign * float(g),
                float(vg),
                n,
                np.nan,
                basis,
                [m_pre, *r_pre, m_post, *r_post],
                used,
                df=n - 1,
                md_vtype="LS",
            )
    m_chg = cell.get(arm, "change", "mean")
    if m_chg is not None and n is not None:
        sd_chg, r_chg, conv = cell.arm_sd(arm, "change", n)
        if sd_chg is not None and n - 1 > 1:
            used.assume_r(a.r, f"r={a.r}")
            dz = float(m_chg["value"]) / sd_chg
            g, vg = es.smcr_from_dz(dz, n, a.r, exact=a.exact_j)
            basis = "mean and SD of the change, d_z converted with r" + (f"; {conv}" if conv else "")
            return _row(
                cell,
                base,
                "within_change",
                arm,
                cell.sign * float(m_chg["value"]),
                float(es.mean_change_var(sd_chg, n)),
                cell.sign * float(g),
                float(vg),
                n,
                np.nan,
                basis,
                [m_chg, *r_chg],
                used,
                df=n - 1,
                md_vtype="LS",
            )
    t_row, p_row = cell.get(arm, "change", "t"), cell.get(arm, "change", "p_value")
    below = cell.get(arm, "change", "p_below")
    src_row = next((r for r in (t_row, p_row, below) if r is not None), None)
    if src_row is not None:
        n_src = int(src_row["n"]) if pd.notna(src_row["n"]) else n
        if pd.notna(src_row["n"]):  # the test's own n, whatever the arm's n would have been
            used.n("reported")
        if n_src is None or n_src - 1 <= 1:
            return not_estimable(
                cell,
                base,
                "within_change",
                arm,
                np.nan if n_src is None else n_src,
                np.nan,
                "not estimable: a paired test needs n >= 3",
                [src_row],
                used,
            )
        if t_row is not None:
            dz, basis = abs(float(t_row["value"])) / math.sqrt(n_src), "paired t and n (d_z)"
        else:
            if p_row is not None:
                p, basis = p_row["value"], "exact paired p-value and n (d_z), converted with r"
            else:
                p, basis = a.p_threshold, "'significant' only: p set to the assumed threshold"
                used.assume_p(a.p_threshold)
            dz = float(sdr.dz_from_p_paired(p, n_src))  # direction: sources report improvement
        used.assume_r(a.r, f"r={a.r}")
        g, vg = es.smcr_from_dz(dz, n_src, a.r, exact=a.exact_j)
        return _row(
            cell,
            base,
            "within_change",
            arm,
            np.nan,
            np.nan,
            float(g),
            float(vg),
            n_src,
            np.nan,
            basis,
            [src_row],
            used,
        )
    direction = cell.get(arm, "change", "reported_improvement")
    if direction is not None:
        n_d = direction["n"] if pd.notna(direction["n"]) else np.nan
        if pd.notna(n_d):
            used.n("reported")
        return not_estimable(
            cell,
            base,
            "within_change",
            arm,
            n_d,
            np.nan,
            "not estimable: only the direction of change is reported",
            [direction],
            used,
        )
    return None
