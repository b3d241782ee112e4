"""Cell accessors: one study x subgroup x outcome cell of the long summary table (:class:`_Cell`), the
reported test that fixes the SE of a difference (:class:`_Test`), the arm figures an estimand needs
(means, SDs, n) and the small numeric helpers (pooled SD, rounding of reported figures, p ranges)
that the between-arm, within-arm and sample-size modules share.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools

import numpy as np
import pandas as pd

from reanalysis.data.vocabulary import BETWEEN
from reanalysis.effects import formulas as es
from reanalysis.effects import reported as ev
from reanalysis.effects import sd_recovery as sdr
from reanalysis.effects.assumptions import TEST_KINDS, Assumptions
from reanalysis.report.html import fmt

__all__ = [
    "_p_span",
    "find_row",
    "_Cell",
    "index_cells",
    "_Test",
    "_test_for",
    "_imputed",
    "_means_only",
    "_between_inputs",
    "_pooled_sd_of",
    "_p_range",
    "_rounding",
    "_fmt",
    "_arm_sds",
    "_n_rows",
    "_rom",
    "_CELL",
    "_names_the_figures",
]


def _p_span(lo: float, hi: float) -> str:
    """'p from 0.0285 to 0.0295' (html_page.fmt kind 'p_sig': '< 0.001' below 0.001)."""
    return f"p from {fmt(lo, kind='p_sig')} to {fmt(hi, kind='p_sig')}"


def find_row(summary: pd.DataFrame, **criteria) -> pd.Series | None:
    """The first row of the long summary table whose columns equal ``criteria``, or None."""
    mask = np.ones(len(summary), dtype=bool)
    for column, value in criteria.items():
        mask &= (summary[column] == value).to_numpy()
    hit = summary[mask]
    return None if hit.empty else hit.iloc[0]


class _Cell:
    """One study x subgroup x outcome cell. ``rows``: its rows of the long table (a DataFrame, or a
    function returning it, called only when the frame is needed); ``records``: the same rows as
    Series (as ``rows.iterrows()`` gives them), when the caller has them (:func:`index_cells`)."""

    def __init__(
        self,
        rows,
        roles: dict[tuple[str, str], str],
        records: list[pd.Series] | None = None,
        positions: np.ndarray | None = None,
    ):
        self._rows = rows
        self.positions = positions  # the rows' positions in the long table (index_cells)
        if records is None:
            records = [row for _, row in rows.iterrows()]
        self.records = records
        first = records[0]
        self.study, self.subgroup = first["study_id"], first["subgroup"]
        self.outcome = first["outcome"]
        self.lower_is_better = bool(first["lower_is_better"])
        self.instrument = first["instrument"]
        self.sign = -1.0 if self.lower_is_better else 1.0
        self.role = {arm: roles.get((self.study, arm), "other") for arm in {r["arm"] for r in records}}
        self.role.pop(BETWEEN, None)
        self._first = {}  # (arm, timepoint, statistic) -> the first such row (find_row's choice)
        self._n_row, self._row_with_n = {}, {}  # arm -> first 'n' row / first row giving an n
        for row in records:
            arm, tp, stat, n = row["arm"], row["timepoint"], row["statistic"], row["n"]
            self._first.setdefault((arm, tp, stat), row)
            if stat == "n":
                self._n_row.setdefault(arm, row)
            if pd.notna(n):
                self._row_with_n.setdefault(arm, row)
        self._convert_medians()

    @property
    def rows(self) -> pd.DataFrame:
        """The cell's rows of the long table."""
        if callable(self._rows):
            self._rows = self._rows()
        return self._rows

    def _convert_medians(self) -> None:
        """Where an arm gives a median with its IQR and/or range instead of a mean (and SD), add a
        derived mean and SD row: mean by Luo et al. 2018, SD by Wan et al. 2014, at the arm's n.
        Each derived row's ``row_id`` lists the rows it came from; ``conversion`` names the
        method (an assumption of near-normal data, explored in the sensitivity analysis)."""
        for (arm, tp, stat), med in list(self._first.items()):
            if stat != "median" or (arm, tp, "mean") in self._first:
                continue
            n = self.reported_n(arm)[0]
            if n is None and pd.notna(med["n"]):
                n = int(med["n"])
            q = [self._first.get((arm, tp, k)) for k in ("iqr_low", "iqr_high")]
            rg = [self._first.get((arm, tp, k)) for k in ("range_low", "range_high")]
            has_q, has_r = all(x is not None for x in q), all(x is not None for x in rg)
            if n is None or not (has_q or has_r):
                continue
            m = float(med["value"])
            if has_q and has_r:
                a, b, q1, q3 = (float(r["value"]) for r in (*rg, *q))
                mean = sdr.mean_from_median_iqr_range(m, q1, q3, a, b, n)
                sd = sdr.sd_from_iqr_range(q1, q3, a, b, n)
                how, used = "median, IQR and range", [med, *q, *rg]
            elif has_q:
                q1, q3 = (float(r["value"]) for r in q)
                mean, sd = sdr.mean_from_median_iqr(m, q1, q3, n), sdr.sd_from_iqr(q1, q3, n)
                how, used = "median and IQR", [med, *q]
            else:
                a, b = (float(r["value"]) for r in rg)
                mean, sd = sdr.mean_from_median_range(m, a, b, n), sdr.sd_from_range(a, b, n)
                how, used = "median and range", [med, *rg]
            conversion = f"mean (Luo et al. 2018) and SD (Wan et al. 2014) from the {how}, n = {n}"
            rid = " ".join(r["row_id"] for r in used)
            for k, v in (("mean", mean), ("sd", sd)):
                if k == "sd" and any((arm, tp, x) in self._first for x in ("sd", "se", "ci_low")):
                    continue
                row = med.copy()
                row["statistic"], row["value"], row["row_id"] = k, float(v), rid
                row["status"], row["conversion"] = "derived", conversion
                if "value_decimals" in row:
                    row["value_decimals"] = np.nan
                self._first[arm, tp, k] = row

    def get(self, arm: str, timepoint: str, stat: str) -> pd.Series | None:
        """The cell's row for one arm, timepoint and statistic, or None."""
        return self._first.get((arm, timepoint, stat))

    def arms(self, role: str | None = None) -> list[str]:
        return sorted(a for a, r in self.role.items() if role is None or r == role)

    def reported_n(self, arm: str) -> tuple[int | None, pd.Series | None]:
        """(n, its 'n' row) for an arm: a row reporting n, else the n column of its first row
        that has one (then no row), else (None, None)."""
        if arm in self._n_row:
            return int(self._n_row[arm]["value"]), self._n_row[arm]
        with_n = self._row_with_n.get(arm)
        return (int(with_n["n"]), None) if with_n is not None else (None, None)

    def arm_sd(self, arm: str, tp: str, n: float | None):
        """(SD, row, note): a reported SD, else from the SE (SD = SE sqrt(n)) or the CI of the
        mean (Handbook 6.5.2.2); (None, None, reason) when neither is there or n is unknown."""
        row = self.get(arm, tp, "sd")
        if row is not None:
            return float(row["value"]), [row], ""
        se, lo, hi = (self.get(arm, tp, s) for s in ("se", "ci_low", "ci_high"))
        if (se is not None or (lo is not None and hi is not None)) and n is None:
            return None, None, "n unknown: an SE or CI cannot be turned into an SD"
        if se is not None:
            return float(sdr.sd_from_se(se["value"], n)), [se], "SD from SE (Handbook 6.5.2.2)"
        if lo is not None and hi is not None:
            return (
                float(sdr.sd_from_ci_mean(lo["value"], hi["value"], n)),
                [lo, hi],
                "SD from the 95% CI of the mean (Handbook 6.5.2.2)",
            )
        return None, None, f"no SD, SE or CI at {tp}"

    def between(self) -> dict[str, pd.Series]:
        return {r["statistic"]: r for r in self.records if r["arm"] == BETWEEN}


def index_cells(summary: pd.DataFrame, roles: dict[tuple[str, str], str]) -> dict[tuple, _Cell]:
    """Every study x subgroup x outcome cell of the long table, keyed and ordered as
    ``summary.groupby(["study_id", "subgroup", "outcome"], sort=True)``: the table is split once
    (one ``iterrows`` of the whole table, no per-cell boolean filters), so a caller that computes
    the effect sizes at several assumption points builds the cells once. Each cell's
    ``positions`` are its rows' positions in ``summary``."""
    if summary.empty:
        return {}
    grouped = summary.groupby(["study_id", "subgroup", "outcome"], sort=True)
    codes = grouped.ngroup().fillna(-1).to_numpy(dtype=np.int64)
    keys = list(grouped.size().index)
    records = [row for _, row in summary.iterrows()]
    order = np.argsort(codes, kind="stable")
    bounds = np.cumsum(np.bincount(codes[codes >= 0], minlength=len(keys)))
    out = {}
    start = int((codes < 0).sum())  # rows with a missing key (groupby drops them) sort first
    for key, stop in zip(keys, bounds + start, strict=True):
        pos = order[start:stop]
        out[tuple(key)] = _Cell(lambda pos=pos: summary.iloc[pos], roles, [records[i] for i in pos], pos)
        start = stop
    return out


@dataclasses.dataclass
class _Test:
    """The best reported between-arm statistic of a cell and the estimand it is taken to test."""

    kind: str  # se | ci | t | p_value | p_below | p_above
    value: float | tuple[float, float]
    rows: list
    estimand: str
    decimals: int = 3

    @property
    def exact(self) -> bool:
        return self.kind in TEST_KINDS


def _test_for(cell: _Cell, a: Assumptions, change_ok: bool) -> _Test | None:
    b = cell.between()
    tp = next((r["timepoint"] for r in b.values() if r["statistic"] != "n"), None)
    if tp is None or tp == "baseline":
        return None
    if tp == "change":
        estimand = "between_change"
    else:
        estimand = "between_change" if change_ok and a.test_analysis == "change" else "between_post"
    if "se" in b:
        return _Test("se", float(b["se"]["value"]), [b["se"]], estimand)
    if "ci_low" in b and "ci_high" in b:
        return _Test(
            "ci",
            (float(b["ci_low"]["value"]), float(b["ci_high"]["value"])),
            [b["ci_low"], b["ci_high"]],
            estimand,
        )
    for kind in ("t", "p_value", "p_below", "p_above"):
        if kind in b:
            row = b[kind]
            d = (
                int(row["value_decimals"])
                if "value_decimals" in row and pd.notna(row["value_decimals"])
                else ev.decimals(float(row["value"]))
            )
            return _Test(kind, float(row["value"]), [row], estimand, d)
    return None


def _pooled(s1, n1, s2, n2) -> float:
    return float(es.pooled_sd(s1, n1, s2, n2))


def _change_inputs(cell: _Cell, arms: tuple[str, str], n: tuple):
    """Reported change means and change SDs (or their SE/CI) of both arms: reported figures first,
    so no pre-post correlation is imputed. (md, [sd_change per arm], rows, conversions) or None."""
    rows, notes, means, sds = [], [], [], []
    for arm, n_arm in zip(arms, n, strict=True):
        m = cell.get(arm, "change", "mean")
        sd, sd_rows, note = cell.arm_sd(arm, "change", n_arm)
        if m is None or sd is None:
            return None
        means.append(float(m["value"]))
        sds.append(sd)
        rows += [m, *sd_rows]
        if note:
            notes.append(note)
    return means[0] - means[1], sds, rows, notes


def _imputed(sd) -> bool:
    """True where the change SDs are to be imputed from baseline/end SDs and r."""
    return isinstance(sd[0], tuple)


def _means_only(cell: _Cell, arms: tuple[str, str], estimand: str):
    """(md, rows) from the arms' means alone (change means, or baseline and end means, or end
    means), for a comparison whose SE comes from a reported test; None if a mean is missing."""
    i, c = arms
    if estimand == "between_change":
        chg = [cell.get(arm, "change", "mean") for arm in arms]
        if all(x is not None for x in chg):
            return float(chg[0]["value"]) - float(chg[1]["value"]), chg
        tps = ("baseline", "end")
    else:
        tps = ("end",)
    m = {(arm, tp): cell.get(arm, tp, "mean") for arm in arms for tp in tps}
    if any(v is None for v in m.values()):
        return None
    x = {k: float(v["value"]) for k, v in m.items()}
    md = (
        x[i, "end"] - x[c, "end"]
        if estimand == "between_post"
        else (x[i, "end"] - x[i, "baseline"]) - (x[c, "end"] - x[c, "baseline"])
    )
    return md, list(m.values())


def _between_inputs(cell: _Cell, arms: tuple[str, str], estimand: str, n: tuple):
    """Means and SDs of both arms for an estimand, at the given (possibly None) n per arm.

    Returns (md, [(sd_pre, sd_post) or sd_end or sd_change per arm], rows, conversions) or None.
    For change scores, reported change means/SDs come first; otherwise the change SDs are imputed
    from baseline and end SDs (the tuples) with r."""
    if estimand == "between_change":
        reported = _change_inputs(cell, arms, n)
        if reported is not None:
            return reported
    tps = ("baseline", "end") if estimand == "between_change" else ("end",)
    rows, notes, means, sds = [], [], {}, {}
    for arm, n_arm in zip(arms, n, strict=True):
        for tp in tps:
            m = cell.get(arm, tp, "mean")
            sd, sd_rows, note = cell.arm_sd(arm, tp, n_arm)
            if m is None or sd is None:
                return None
            means[arm, tp], sds[arm, tp] = float(m["value"]), sd
            rows += [m, *sd_rows]
            if note:
                notes.append(note)
    i, c = arms
    if estimand == "between_change":
        md = (means[i, "end"] - means[i, "baseline"]) - (means[c, "end"] - means[c, "baseline"])
        sd = [(sds[i, "baseline"], sds[i, "end"]), (sds[c, "baseline"], sds[c, "end"])]
    else:
        md = means[i, "end"] - means[c, "end"]
        sd = [sds[i, "end"], sds[c, "end"]]
    return md, sd, rows, notes


def _pooled_sd_of(estimand: str, sd, n1, n2, r) -> float:
    if estimand == "between_change" and _imputed(sd):
        s1 = float(es.sd_change(sd[0][0], sd[0][1], r))
        s2 = float(es.sd_change(sd[1][0], sd[1][1], r))
        return _pooled(s1, n1, s2, n2)
    return _pooled(sd[0], n1, sd[1], n2)


def _p_range(md, sd, estimand, n1, n2, r, h_md, h_sd) -> tuple[float, float]:
    """Recomputed p over the rounding intervals of MD and the SDs (largest effect -> smallest p)."""
    flat = [x for pair in sd for x in (pair if isinstance(pair, tuple) else (pair,))]
    pools = []
    for corner in itertools.product(*[(x - h_sd, x + h_sd) for x in flat]):
        it = iter(max(v, 1e-9) for v in corner)
        s = [(next(it), next(it)), (next(it), next(it))] if _imputed(sd) else [next(it), next(it)]
        pools.append(_pooled_sd_of(estimand, s, n1, n2, r))
    big, small = abs(md) + h_md, max(abs(md) - h_md, 0.0)
    return (
        ev.p_two_sample(big, min(pools), n1, n2),
        ev.p_two_sample(small, max(pools), n1, n2) if small > 0 else 1.0,
    )


def _rounding(rows: list[pd.Series], stat: str) -> float:
    d = [
        int(r["value_decimals"])
        if "value_decimals" in r and pd.notna(r["value_decimals"])
        else ev.decimals(float(r["value"]))
        for r in rows
        if r["statistic"] == stat
    ]
    return ev.half_unit(min(d)) if d else 0.0


def _fmt(v) -> str:
    return f"({v[0]:g}, {v[1]:g})" if isinstance(v, tuple) else f"{v:g}"


def _arm_sds(estimand: str, sd, r: float) -> tuple[float, float]:
    """Each arm's SD of the compared scores (change SDs imputed with r where needed, 6.5.2.8)."""
    if estimand == "between_change" and _imputed(sd):
        return (float(es.sd_change(sd[0][0], sd[0][1], r)), float(es.sd_change(sd[1][0], sd[1][1], r)))
    return float(sd[0]), float(sd[1])


def _n_rows(cell: _Cell, arms: tuple[str, str], how: str) -> list[pd.Series]:
    """The 'n' rows of both arms when the comparison uses their reported n."""
    if how != "reported":
        return []
    return [row for arm in arms if (row := cell.reported_n(arm)[1]) is not None]


def _rom(cell: _Cell, arms: tuple[str, str], estimand: str, sd, n1, n2) -> tuple[float, float]:
    """Log ratio of the arms' end-of-treatment means (intervention / comparator, oriented so that
    + = benefit) and its variance (:func:`effect_sizes.ratio_of_means`); NaN for change scores
    (a ratio of changes is not a ratio scale) and where a mean is not positive."""
    if estimand != "between_post":
        return np.nan, np.nan
    m = [cell.get(arm, "end", "mean") for arm in arms]
    if any(x is None for x in m):
        return np.nan, np.nan
    y, v = es.ratio_of_means(float(m[0]["value"]), sd[0], n1, float(m[1]["value"]), sd[1], n2)
    return cell.sign * float(y), float(v)


_CELL: list = [None]  # the cell being computed (a _Cell, or a function giving its rows), for errors


def _names_the_figures(fn):
    """A numeric failure (e.g. a root finder given an absurd figure) raised as a ValueError
    naming the study, subgroup, outcome and the figures of the cell being computed."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        _CELL[0] = None
        try:
            return fn(*args, **kwargs)
        except (ValueError, ArithmeticError, RuntimeError) as err:
            rows = _CELL[0]
            if rows is None:
                raise
            rows = rows.rows if isinstance(rows, _Cell) else rows()  # a cell, or its rows on demand
            first = rows.iloc[0]
            figures = ", ".join(f"{r.row_id} ({r.statistic} {r.value:g})" for r in rows.itertuples())
            raise ValueError(
                f"study {first['study_id']!r}, subgroup {first['subgroup']!r}, "
                f"outcome {first['outcome']!r}: {fn.__name__} failed on the figures "
                f"{figures}: {err}"
            ) from err

    return wrapper
