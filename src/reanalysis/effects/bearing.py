"""What each reported figure says about an unreported n: the n implied by a reported between-arm test
(:func:`implied_n_for`) and the between-arm and within-arm "bearings" (a reported test plus the
figures it must reproduce) that :mod:`reanalysis.effects.sample_sizes` solves jointly.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
from scipy import optimize

from reanalysis.effects import formulas as es
from reanalysis.effects import reported as ev
from reanalysis.effects import sd_recovery as sdr
from reanalysis.effects.assumptions import Assumptions
from reanalysis.effects.cells import (
    _between_inputs,
    _Cell,
    _fmt,
    _imputed,
    _pooled_sd_of,
    _rounding,
    _Test,
    _test_for,
)

__all__ = ["implied_n_for", "_n_range_for_test", "_Bearing", "_WithinBearing", "_bearing", "_r_grid"]


def implied_n_for(
    cell: _Cell, arms: tuple[str, str], test: _Test, a: Assumptions, r: float
) -> tuple[float, float, float] | None:
    """(n, n_low, n_high): per-arm n at which the reported means/SDs reproduce the reported p
    (equal arms, at correlation r; low/high over the rounding of every input). None if the cell
    lacks SDs or an exact p/t."""
    if test.kind not in ("p_value", "t"):
        return None
    inputs = _between_inputs(cell, arms, test.estimand, (None, None))
    if inputs is None:
        return None
    md, sd, rows, _ = inputs
    n_mean = 4 if _imputed(sd) else 2

    def sd_of(*x):
        s = [(x[0], x[1]), (x[2], x[3])] if _imputed(sd) else [x[0], x[1]]
        return _pooled_sd_of(test.estimand, s, 10, 10, r)

    flat = [v for pair in sd for v in (pair if isinstance(pair, tuple) else (pair,))]
    if test.kind == "t":  # a t fixes SE = |MD| / |t|: the n at which the SDs give that SE
        se = abs(md) / abs(test.value)
        s = sd_of(*flat)
        n = 2.0 / (se / s) ** 2
        return n, n, n
    p = test.value
    n = ev.implied_n(md, sd_of(*flat), p)
    lo, hi = ev.implied_n_range(
        md, n_mean * _rounding(rows, "mean"), flat, _rounding(rows, "sd"), p, test.decimals, sd_of
    )
    return n, lo, hi


def _n_range_for_test(cell, arms, test, a) -> tuple[float, float]:
    """(n_low, n_high): every per-arm n (equal arms) at which the reported means/SDs can give the
    reported test, over the rounding intervals of every input and, for change SDs imputed from r,
    r anywhere in its assumed range (7 points; n falls monotonically as r rises)."""
    lows, highs = [], []
    for r in np.linspace(a.r_range[0], a.r_range[1], 7):
        implied = implied_n_for(cell, arms, test, a, float(r))
        if implied is not None:
            lows.append(implied[1])
            highs.append(implied[2])
    lows, highs = [x for x in lows if np.isfinite(x)], [x for x in highs if np.isfinite(x)]
    return (
        float(max(math.ceil(min(lows) - 1e-9), 2)) if lows else np.nan,
        float(math.floor(max(highs) + 1e-9)) if highs else np.nan,
    )


@dataclasses.dataclass(frozen=True, eq=False)
class _Bearing:
    """One outcome's exact between-arm p (or t) that bears on the n of its (study, subgroup)."""

    cell: _Cell
    pair: tuple[str, str]
    test: _Test
    flagged: bool  # rests on a figure that failed a forensic check

    @property
    def row_id(self) -> str:
        return self.test.rows[0]["row_id"]

    @property
    def outcome(self) -> str:
        return str(self.cell.outcome)

    def label(self) -> str:
        return f"{self.test.kind} = {_fmt(self.test.value)} ({self.outcome})"

    def prose(self) -> str:
        stat = "p" if self.test.kind == "p_value" else self.test.kind
        return f"the {self.outcome.replace('_', ' ')} {stat} = {_fmt(self.test.value)}"

    def uses_r(self) -> bool:
        inputs = _between_inputs(self.cell, self.pair, self.test.estimand, (None, None))
        return self.test.estimand == "between_change" and _imputed(inputs[1])

    def implied(self, a: Assumptions, r: float) -> tuple[float, float, float]:
        """(n, n_low, n_high) at which this p alone is reproduced (:func:`implied_n_for`)."""
        return implied_n_for(self.cell, self.pair, self.test, a, r)

    def t_gap(self, n: int, r: float) -> float:
        """Recomputed minus reported t at per-arm n (equal arms) and correlation r."""
        md, sd, _, _ = _between_inputs(self.cell, self.pair, self.test.estimand, (None, None))
        s = _pooled_sd_of(self.test.estimand, sd, 10, 10, r)  # equal arms: n-free
        t_re = abs(md) / (s * math.sqrt(2.0 / n))
        t_rep = (
            abs(self.test.value)
            if self.test.kind == "t"
            else float(sdr.t_from_p(self.test.value, 2 * n - 2))
        )
        return t_re - t_rep


@dataclasses.dataclass(frozen=True, eq=False)
class _WithinBearing:
    """An exact paired p (or t) of the change within one arm, with that arm's baseline and end
    means/SDs: it bears on the arm's n (paired t on n - 1 df, change SD from r, 6.5.2.8)."""

    cell: _Cell
    pair: tuple[str, str]
    arm: str
    row: pd.Series
    flagged: bool

    @property
    def row_id(self) -> str:
        return self.row["row_id"]

    @property
    def outcome(self) -> str:
        return str(self.cell.outcome)

    @property
    def kind(self) -> str:
        return str(self.row["statistic"])

    def label(self) -> str:
        return f"{self.kind} = {float(self.row['value']):g} ({self.outcome}, within {self.arm})"

    def prose(self) -> str:
        stat = "p" if self.kind == "p_value" else self.kind
        return (
            f"the {self.outcome.replace('_', ' ')} {stat} = {float(self.row['value']):g} "
            f"within the {self.arm} arm"
        )

    def uses_r(self) -> bool:
        return True

    def _inputs(self, r: float):
        pre, post = (self.cell.get(self.arm, tp, "mean") for tp in ("baseline", "end"))
        s_pre, s_post = (self.cell.get(self.arm, tp, "sd") for tp in ("baseline", "end"))
        md = float(post["value"]) - float(pre["value"])
        return md, [pre, post, s_pre, s_post]

    def _sd(self, r: float, s_pre: float, s_post: float) -> float:
        return float(es.sd_change(s_pre, s_post, r))

    def _t_rep(self, n: float) -> float:
        v = float(self.row["value"])
        return abs(v) if self.kind == "t" else float(sdr.t_from_p(v, n - 1))

    def implied(self, a: Assumptions, r: float) -> tuple[float, float, float]:
        md, rows = self._inputs(r)
        sds = [float(rows[2]["value"]), float(rows[3]["value"])]
        h_md, h_sd = 2 * _rounding(rows, "mean"), _rounding(rows, "sd")
        d = (
            int(self.row["value_decimals"])
            if "value_decimals" in self.row and pd.notna(self.row["value_decimals"])
            else ev.decimals(float(self.row["value"]))
        )
        p_lo, p_hi = (
            (float(self.row["value"]),) * 2
            if self.kind == "t"
            else ev.p_interval(float(self.row["value"]), d)
        )
        corners = [
            self._sd(r, max(x, 1e-9), max(y, 1e-9))
            for x in (sds[0] - h_sd, sds[0] + h_sd)
            for y in (sds[1] - h_sd, sds[1] + h_sd)
        ]
        n = _paired_n(abs(md), self._sd(r, *sds), self.kind, float(self.row["value"]))
        lo = _paired_n(abs(md) + h_md, min(corners), self.kind, min(p_hi, 1 - 1e-12))
        hi = _paired_n(max(abs(md) - h_md, 1e-12), max(corners), self.kind, p_lo)
        return n, lo, hi

    def t_gap(self, n: int, r: float) -> float:
        md, rows = self._inputs(r)
        s = self._sd(r, float(rows[2]["value"]), float(rows[3]["value"]))
        return abs(md) / (s / math.sqrt(n)) - self._t_rep(n)


def _paired_n(md: float, sd: float, kind: str, value: float) -> float:
    """n at which a paired t-test (n - 1 df) of a mean change md with SD sd gives the reported p
    (or t); NaN when none in [2, N_MAX] does."""
    if md <= 0 or sd <= 0:
        return float("nan")
    if kind == "t":
        return (abs(value) * sd / md) ** 2

    def f(log_n):
        n = math.exp(log_n)
        return math.log(2.0) + ev.t_logsf(md * math.sqrt(n) / sd, n - 1) - math.log(value)

    lo, hi = math.log(2.0), math.log(ev.N_MAX)
    if not 0 < value < 1 or f(lo) < 0 or f(hi) > 0:
        return float("nan")
    return float(math.exp(optimize.brentq(f, lo, hi, xtol=1e-10)))


def _within_bearing(cell: _Cell, pair, flagged) -> list[_WithinBearing]:
    out = []
    for arm in pair:
        row = cell.get(arm, "change", "p_value")
        if row is None:
            row = cell.get(arm, "change", "t")
        if (
            row is None
            or pd.notna(row["n"])
            or any(
                cell.get(arm, tp, st_) is None for tp in ("baseline", "end") for st_ in ("mean", "sd")
            )
        ):
            continue
        used = {
            row["row_id"],
            *(cell.get(arm, tp, st_)["row_id"] for tp in ("baseline", "end") for st_ in ("mean", "sd")),
        }
        out.append(_WithinBearing(cell, pair, arm, row, bool(used & set(flagged))))
    return out


def _bearing(cells: list[_Cell], a: Assumptions, flagged) -> list[_Bearing]:
    """The reported tests of one study x subgroup (its cells, in outcome order) that bear on n."""
    out = []
    for cell in cells:
        ints, comps = cell.arms("intervention"), cell.arms("comparator")
        if len(ints) != 1 or len(comps) != 1:
            continue
        pair = (ints[0], comps[0])
        if any(cell.reported_n(arm)[0] is not None for arm in pair):
            continue
        out += _within_bearing(cell, pair, flagged)
        change_ok = _between_inputs(cell, pair, "between_change", (10, 10)) is not None
        test = _test_for(cell, a, change_ok)
        if test is None or test.kind not in ("p_value", "t"):
            continue
        inputs = _between_inputs(cell, pair, test.estimand, (None, None))
        if inputs is None:
            continue
        used = {r["row_id"] for r in [*inputs[2], *test.rows]}
        out.append(_Bearing(cell, pair, test, bool(used & set(flagged))))
    return out


def _r_grid(a: Assumptions) -> list[float]:
    return sorted({float(x) for x in np.linspace(a.r_range[0], a.r_range[1], 7)} | {a.r})
