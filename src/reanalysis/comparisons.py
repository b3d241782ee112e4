"""Turn the long summary-statistics table into an effect-size table, one row per comparison.

Arms are known by their role in ``data/arms.csv`` (intervention / comparator / other), never by
name. Estimands (all oriented so that positive = improvement / favours the intervention):

* ``between_change`` - Hedges' g of change scores, intervention vs comparator;
* ``between_post``   - Hedges' g of end-of-treatment scores, intervention vs comparator;
* ``within_change``  - standardised mean change (SMCR) within one arm; from means/SDs, from change
  means/SDs or a paired t, from an exact paired p-value (via d_z and r), or from "significant"
  (p set to an assumed threshold).

Reported figures come first (:mod:`reanalysis.evidence`): a reported between-arm test statistic
fixes the SE of the mean difference, and where n is not reported it is the n at which the reported
means/SDs reproduce that statistic; named assumptions fill only what nothing reported gives. SDs
come from reported SDs, SEs or CIs of a mean (Cochrane Handbook 6.5.2.2). Every row records the
named assumptions it used (``assumptions``), the ``row_id``s it came from, the reported p it
uses (``p_reported``), the p the reanalysis gives from the reported means/SDs (``p_reanalysed``)
and whether they agree (``p_check``). Rows that no effect uses are listed by :func:`estimability`.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math

import numpy as np
import pandas as pd
from scipy import optimize, stats

from . import crossover as cx
from . import effect_sizes as es
from . import evidence as ev
from . import sd_recovery as sdr
from .curated import arm_roles, select_readings  # noqa: F401  (re-exported)
from .data_model import BETWEEN, CROSSOVER, NOT_REPORTED, PARALLEL
from .html_page import fmt


def _p_span(lo: float, hi: float) -> str:
    """'p from 0.0285 to 0.0295' (html_page.fmt kind 'p_sig': '< 0.001' below 0.001)."""
    return f"p from {fmt(lo, kind='p_sig')} to {fmt(hi, kind='p_sig')}"


COLUMNS = [
    "es_id",
    "study_id",
    "subgroup",
    "outcome",
    "instrument",
    "estimand",
    "arm",
    "role",
    "controlled",
    "design",
    "patients",
    "md",
    "md_var",
    "md_ci_low",
    "md_ci_high",
    "md_df",
    "yi",
    "vi",
    "n1",
    "n2",
    "basis",
    "status",
    "assumptions",
    "source_rows",
    "p_reported",
    "p_reanalysed",
    "p_reanalysed_low",
    "p_reanalysed_high",
    "p_check",
    "p_check_detail",
    "p_n_low",
    "p_n_high",
    "forensic_flags",
    "md_vtype",
    "vtype",
    "rom",
    "rom_var",
    "conversion",
]
ESTIMANDS = ("between_change", "between_post", "within_change")
TEST_KINDS = ("se", "ci", "t", "p_value")  # best first: what fixes the SE of a difference
LEVEL = 0.95


@dataclasses.dataclass(frozen=True)
class Assumptions:
    """Values of the named assumptions for one computation (defaults or a sensitivity point).

    ``test_analysis``: which analysis a reported between-arm test at the end of treatment is taken
    to be when both are computable: ``change`` (change scores) or ``end`` (end-of-treatment
    scores)."""

    r: float = 0.5
    p_threshold: float = 0.05
    sample_sizes: tuple[tuple[str, str, str, int], ...] = ()
    exact_j: bool = True
    test_analysis: str = "change"
    size_ranges: tuple[tuple[str, str, str, int, int], ...] = ()
    r_range: tuple[float, float] = (0.5, 0.5)
    crossover_r: float = 0.5
    crossover_r_range: tuple[float, float] = (0.5, 0.5)

    @classmethod
    def from_config(cls, config: dict) -> Assumptions:
        a = config["assumptions"]
        return cls(
            r=float(a["prepost_correlation"]["value"]),
            p_threshold=float(a["p_threshold_significant"]["value"]),
            sample_sizes=tuple(
                (s["study_id"], s["subgroup"], s["arm"], int(s["value"])) for s in a["sample_sizes"]
            ),
            exact_j=config.get("effect_sizes", {}).get("hedges_correction", "exact") == "exact",
            test_analysis=a.get("reported_test_analysis", {}).get("value", "change"),
            size_ranges=tuple(
                (s["study_id"], s["subgroup"], s["arm"], int(s["range"][0]), int(s["range"][1]))
                for s in a["sample_sizes"]
            ),
            r_range=tuple(float(x) for x in a["prepost_correlation"]["range"]),
            crossover_r=float(a["crossover_correlation"]["value"]),
            crossover_r_range=tuple(float(x) for x in a["crossover_correlation"]["range"]),
        )

    def n_for(self, study: str, subgroup: str, arm: str) -> int | None:
        for s, g, a, n in self.sample_sizes:
            if (s, g, a) == (study, subgroup, arm):
                return n
        return None

    def range_for(self, study: str, subgroup: str, arm: str) -> tuple[int, int] | None:
        for s, g, a, lo, hi in self.size_ranges:
            if (s, g, a) == (study, subgroup, arm):
                return lo, hi
        return None

    def subgroup_sizes(self, study: str, subgroup: str) -> tuple[int, int]:
        """Per-arm n inside ``subgroup`` and outside it (= n of 'all' minus n of the subgroup),
        from the first arm that assumptions.sample_sizes gives for both (arms are assumed equal)."""
        for s, g, arm, n_sub in self.sample_sizes:
            n_all = self.n_for(study, "all", arm)
            if (s, g) == (study, subgroup) and n_all is not None and n_all - n_sub >= 2:
                return n_sub, n_all - n_sub
        raise ValueError(
            f"{study}: assumptions.sample_sizes must give n per arm for 'all' and "
            f"{subgroup!r}, with at least 2 patients per arm left outside it"
        )


def study_designs(studies: pd.DataFrame) -> dict[str, str]:
    """study_id -> allocation (studies.csv ``allocation``: parallel, crossover, single group);
    a study without one is analysed as parallel groups."""
    if "allocation" not in studies.columns:
        return {}
    return {
        s: a
        for s, a in zip(studies["study_id"], studies["allocation"], strict=True)
        if isinstance(a, str) and a
    }


def sample_size_range(
    config: dict, study: str, subgroup: str, arm: str | None = None
) -> tuple[int, int] | None:
    """The assumed range of a per-arm sample size (config assumptions.sample_sizes), if any;
    ``arm=None`` takes the first arm listed for the study and subgroup."""
    for s in config["assumptions"]["sample_sizes"]:
        if (s["study_id"], s["subgroup"]) == (study, subgroup) and arm in (None, s["arm"]):
            lo, hi = (int(v) for v in s["range"])
            return lo, hi
    return None


def find_row(summary: pd.DataFrame, **criteria) -> pd.Series | None:
    """The first row of the long summary table whose columns equal ``criteria``, or None."""
    mask = np.ones(len(summary), dtype=bool)
    for column, value in criteria.items():
        mask &= (summary[column] == value).to_numpy()
    hit = summary[mask]
    return None if hit.empty else hit.iloc[0]


# --- one cell: the statistics of one (study, subgroup, outcome) ----------------------------------
class _Cell:
    def __init__(self, rows: pd.DataFrame, roles: dict[tuple[str, str], str]):
        self.rows = rows
        first = rows.iloc[0]
        self.study, self.subgroup = first["study_id"], first["subgroup"]
        self.lower_is_better = bool(first["lower_is_better"])
        self.instrument = first["instrument"]
        self.sign = -1.0 if self.lower_is_better else 1.0
        self.role = {arm: roles.get((self.study, arm), "other") for arm in set(rows["arm"])}
        self.role.pop(BETWEEN, None)
        self._first = {}  # (arm, timepoint, statistic) -> the first such row (find_row's choice)
        self._n_row, self._row_with_n = {}, {}  # arm -> first 'n' row / first row giving an n
        for (_, row), (arm, tp, stat, n) in zip(
            rows.iterrows(),
            zip(rows["arm"], rows["timepoint"], rows["statistic"], rows["n"], strict=True),
            strict=True,
        ):
            self._first.setdefault((arm, tp, stat), row)
            if stat == "n":
                self._n_row.setdefault(arm, row)
            if pd.notna(n):
                self._row_with_n.setdefault(arm, row)
        self._convert_medians()

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
        rows = self.rows[self.rows["arm"] == BETWEEN]
        return {r["statistic"]: r for _, r in rows.iterrows()}


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


def _status(rows: list[pd.Series], used_assumption: bool) -> str:
    statuses = {r["status"] for r in rows}
    if used_assumption:
        return "derived (assumption-dependent)"
    if "inference" in statuses:
        return "derived (from an inferred reading)"
    return "derived (from second-hand figures)" if "second-hand" in statuses else "derived"


def _pooled(s1, n1, s2, n2) -> float:
    return float(es.pooled_sd(s1, n1, s2, n2))


NO_P_CHECK = {
    "p_reported": np.nan,
    "p_reanalysed": np.nan,
    "p_reanalysed_low": np.nan,
    "p_reanalysed_high": np.nan,
    "p_check": "",
    "p_check_detail": "",
    "p_n_low": np.nan,
    "p_n_high": np.nan,
}


def _row(
    cell,
    base,
    estimand,
    arm,
    md,
    md_var,
    yi,
    vi,
    n1,
    n2,
    basis,
    src,
    notes,
    df=np.nan,
    p: dict | None = None,
    md_vtype="",
    rom=(np.nan, np.nan),
):
    """One effect row. ``md_vtype``: how md_var was obtained (metafor's vtype names: ``LS`` =
    sd1²/n1 + sd2²/n2 between arms, SD_change²/n within one; ``reported <statistic>`` = the SE² a
    reported statistic fixes); ``vtype`` of yi/vi is ``LS2`` for Hedges' g and ``LS`` for SMCR.
    Rows that rest on a median/IQR/range conversion name it in ``conversion``."""
    conversion = "; ".join(
        dict.fromkeys(
            r["conversion"] for r in src if "conversion" in r and isinstance(r["conversion"], str)
        )
    )
    if conversion:
        notes = [*notes, "mean/SD converted from median/IQR/range (assumes near-normal data)"]
    lo, hi = (
        ev.t_ci(md, math.sqrt(md_var), df, LEVEL)
        if np.isfinite(md) and np.isfinite(md_var) and np.isfinite(df) and md_var > 0
        else (np.nan, np.nan)
    )
    return (
        base
        | {
            "es_id": f"{base['study_id']}.{base['subgroup']}.{base['outcome']}.{estimand}.{arm}",
            "estimand": estimand,
            "arm": arm,
            "role": BETWEEN if arm not in cell.role else cell.role[arm],
            "md": md,
            "md_var": md_var,
            "md_ci_low": lo,
            "md_ci_high": hi,
            "md_df": df,
            "yi": yi,
            "vi": vi,
            "n1": n1,
            "n2": n2,
            "basis": basis,
            "patients": _patients(base, arm, cell, n1, n2),
            "status": _status(src, bool(notes)) if np.isfinite(yi) else "not estimable",
            "assumptions": "; ".join(dict.fromkeys(notes)),
            "source_rows": " ".join(dict.fromkeys(r["row_id"] for r in src)),
            "md_vtype": md_vtype if np.isfinite(md_var) else "",
            "vtype": ("LS" if estimand == "within_change" else "LS2") if np.isfinite(yi) else "",
            "rom": rom[0],
            "rom_var": rom[1],
            "conversion": conversion,
        }
        | NO_P_CHECK
        | (p or {})
    )


def _patients(base, arm, cell, n1, n2) -> float:
    """Patients behind an effect, each counted once: n1 + n2 between the arms of a parallel
    trial, n1 in a crossover (every patient is in both arms) and within one arm."""
    if arm in cell.role or base.get("design") == CROSSOVER:
        return n1
    return n1 + n2 if pd.notna(n1) and pd.notna(n2) else np.nan


# --- between arms ---------------------------------------------------------------------------------
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


# --- one n per (study, subgroup): solved once, jointly, from every p that bears on it -------------
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
        return str(self.cell.rows.iloc[0]["outcome"])

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


@dataclasses.dataclass(frozen=True)
class Solved:
    """The one per-arm n of a (study, subgroup) whose n no source reports (equal arms).

    ``n``: the integer n minimising the sum over the setting p-values of (t recomputed from the
    means/SDs at n and the default r - t the reported p gives on 2n - 2 df; a paired p within an
    arm on n - 1 df)^2, among the n in the assumed range at which every setting p is reproduced
    within the rounding of its inputs at the default r where there are such n, else over the
    range; None when no p sets it (then n is assumed). ``setting``: the p/t rows that set it
    (every exact between-arm p or t of the subgroup with means/SDs in both arms, none resting on a
    forensically flagged figure, each reproducible somewhere in the assumed range); ``checked``:
    the others, checked at n. ``n_low``-``n_high``: every n at which all setting p-values are
    reproduced together within the rounding of their inputs, for some r in the assumed range.
    ``verdict``: ok / inconclusive (a p is reproduced at n only at an r other than the default) /
    flag (the p-values cannot share one n at any r in the range); ``finding`` says it in words."""

    study: str
    subgroup: str
    pair: tuple[str, str]
    n: int | None
    setting: tuple[str, ...]
    checked: tuple[str, ...]
    n_low: float
    n_high: float
    verdict: str
    finding: str
    note: str
    problems: tuple[tuple[str, str], ...] = ()

    def problem(self, row_id: str) -> str:
        return dict(self.problems).get(row_id, "")


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
        return str(self.cell.rows.iloc[0]["outcome"])

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


def _bearing(rows: pd.DataFrame, roles, a: Assumptions, flagged) -> list[_Bearing]:
    out = []
    for _, cell_rows in rows.groupby("outcome", sort=True):
        cell = _Cell(cell_rows, roles)
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


def _solve_one(study, subgroup, tests: list[_Bearing], a: Assumptions) -> Solved:
    pair = tests[0].pair
    caps = [a.range_for(study, subgroup, arm) for arm in pair]
    top = min((c[1] for c in caps if c), default=ev.N_MAX)
    bottom = max((c[0] for c in caps if c), default=2)
    alone = {t.row_id: t.implied(a, a.r) for t in tests}
    problems, setting = [], []
    for t in tests:
        n, lo, hi = alone[t.row_id]
        if not (np.isfinite(n) and lo <= top and hi >= bottom):
            where = (
                f"n ≈ {n:.0f} per arm (rounding allows {lo:.0f}-{hi:.0f})"
                if np.isfinite(n)
                else "no n from 2 upwards"
            )
            rng = f"the assumed range {bottom}-{top}" if top < ev.N_MAX else "any plausible n"
            problems.append(
                (
                    t.row_id,
                    f"the reported means/SDs reproduce {t.label()} only at {where}, outside {rng}",
                )
            )
        elif not t.flagged:
            setting.append(t)
    checked = [t for t in tests if t not in setting]
    if not setting:
        return Solved(
            study,
            subgroup,
            pair,
            None,
            (),
            tuple(t.row_id for t in checked),
            np.nan,
            np.nan,
            "ok",
            "",
            "",
            tuple(problems),
        )
    pts = [alone[t.row_id][0] for t in setting]
    lo_c = max(bottom, 2, math.floor(min(pts)) - 1)
    hi_c = max(lo_c, min(top, math.ceil(max(pts)) + 1))
    grid = _r_grid(a)

    def interval(t, r):
        _, lo, hi = t.implied(a, r)
        return lo, hi

    joint = []  # (r, lo, hi) where every setting p is reproduced by a common n
    for r in grid:
        iv = [interval(t, r) for t in setting]
        lo, hi = max(x[0] for x in iv), min(x[1] for x in iv)
        if math.ceil(lo - 1e-9) <= math.floor(hi + 1e-9):
            joint.append((r, lo, hi))
    # where n exist that reproduce every setting p at the default r, n is the best fit among them
    at_default = [(lo, hi) for r, lo, hi in joint if r == a.r]
    cands = (
        list(
            range(
                max(bottom, math.ceil(at_default[0][0] - 1e-9)),
                min(top, math.floor(at_default[0][1] + 1e-9)) + 1,
            )
        )
        if at_default
        else []
    )
    k = min(
        cands or range(lo_c, hi_c + 1), key=lambda n: (sum(t.t_gap(n, a.r) ** 2 for t in setting), n)
    )
    n_low = float(max(math.ceil(min(j[1] for j in joint) - 1e-9), 2)) if joint else np.nan
    n_high = float(math.floor(max(j[2] for j in joint) + 1e-9)) if joint else np.nan
    uses_r = any(t.uses_r() for t in tests)
    at_r = f" at r={a.r}" if any(t.uses_r() for t in setting) else ""
    note = f"n per arm {k} implied by reported " + " and ".join(t.label() for t in setting) + at_r
    at_r_txt = f" at r = {a.r:g}" if at_r else ""
    parts, verdict = [], "ok"
    if len(setting) > 1:
        if joint:
            parts.append(
                f"Within the rounding of their inputs they are reproduced together by n "
                f"from {n_low:.0f} to {n_high:.0f}"
                + (f" (r from {joint[0][0]:g} to {joint[-1][0]:g})" if uses_r else "")
            )
        else:
            verdict = "flag"
            parts.append(
                "No n reproduces them together, even within the rounding of their "
                "inputs" + (f", at any r from {a.r_range[0]:g} to {a.r_range[1]:g}" if uses_r else "")
            )
    for t in setting if len(setting) > 1 else ():
        lo, hi = interval(t, a.r)
        if not lo - 1e-9 <= k <= hi + 1e-9:
            verdict = "inconclusive" if verdict == "ok" else verdict
            parts.append(
                f"At n = {k}{at_r_txt} {t.prose()} is not reproduced (alone it needs "
                f"{lo:.0f}-{hi:.0f} within rounding)"
            )
    for t in checked:
        lo, hi = interval(t, a.r)
        if lo - 1e-9 <= k <= hi + 1e-9:
            parts.append(f"{t.prose().capitalize()} is reproduced at n = {k}{at_r_txt}")
            continue
        rs = [r for r in grid if (iv := interval(t, r))[0] - 1e-9 <= k <= iv[1] + 1e-9]
        why = (
            "rests on a figure that failed a forensic check, so it does not set n"
            if t.flagged
            else "is not reproducible in the assumed range, so it does not set n"
        )
        n_alone = alone[t.row_id][0]
        alone_txt = (
            f"alone it needs n ≈ {n_alone:.0f}, {lo:.0f}-{hi:.0f} within rounding{at_r_txt}"
            if np.isfinite(n_alone)
            else "alone no n reproduces it"
        )
        if rs:
            verdict = "inconclusive" if verdict == "ok" else verdict
            where = f"at n = {k} it is reproduced only for r from {min(rs):g} to {max(rs):g}"
        else:
            verdict = "flag"
            where = f"at n = {k} it is not reproduced" + (
                f" at any r from {a.r_range[0]:g} to {a.r_range[1]:g}" if uses_r else ""
            )
        parts.append(f"{t.prose().capitalize()} {why}; {where} ({alone_txt})")
    if len(tests) > 1 and uses_r:
        parts.append(_point_solutions(tests, a, grid))
    finding = (
        (
            f"n = {k} per arm, solved from {_and(t.prose() for t in setting)}{at_r_txt}. "
            + ". ".join(parts)
            + "."
        )
        if parts
        else ""
    )
    return Solved(
        study,
        subgroup,
        pair,
        k,
        tuple(t.row_id for t in setting),
        tuple(t.row_id for t in checked),
        n_low,
        n_high,
        verdict,
        finding.strip(),
        note,
        tuple(problems),
    )


def _point_solutions(tests: list[_Bearing], a: Assumptions, grid: list[float]) -> str:
    """Whether the n each p gives alone (no rounding) coincide for some r in the range."""
    sol = {t.row_id: [t.implied(a, r)[0] for r in grid] for t in tests}
    diffs = np.array(
        [[v - w for v, w in zip(sol[tests[0].row_id], sol[t.row_id], strict=True)] for t in tests[1:]]
    )
    meet = bool(np.all(np.isfinite(diffs))) and all(np.nanmin(d) <= 0 <= np.nanmax(d) for d in diffs)
    each = _and(f"{t.prose()} from {sol[t.row_id][0]:.0f} to {sol[t.row_id][-1]:.0f}" for t in tests)
    return (
        f"Each solved alone (no rounding) for r from {grid[0]:g} to {grid[-1]:g}, n runs: "
        f"{each}; " + ("they coincide at some r" if meet else "they coincide at no r in the range")
    )


def _and(items) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def solve_sizes(
    summary: pd.DataFrame,
    studies: pd.DataFrame,
    a: Assumptions,
    flagged=frozenset(),
    *,
    arms: pd.DataFrame,
) -> dict[tuple[str, str], Solved]:
    """One per-arm n per (study, subgroup) of a parallel, controlled study whose n no source
    reports, solved once from every exact between-arm p or t of that subgroup (:class:`Solved`
    states the rule); every effect, the simulation and the ledger use it."""
    roles = arm_roles(arms)
    controlled = dict(zip(studies["study_id"], studies["controlled"], strict=True))
    designs = study_designs(studies)
    out = {}
    for (study, subgroup), rows in summary.groupby(["study_id", "subgroup"], sort=True):
        if designs.get(study) == CROSSOVER or not controlled.get(study, False):
            continue
        _CELL[0] = rows
        tests = _bearing(rows, roles, a, flagged)
        if tests:
            out[study, subgroup] = _solve_one(study, subgroup, tests, a)
    return out


SIZE_COLUMNS = [
    "study_id",
    "subgroup",
    "arm",
    "role",
    "n",
    "how",
    "n_low",
    "n_high",
    "solved_from",
    "checked",
    "verdict",
    "finding",
]


def sample_sizes(
    summary: pd.DataFrame,
    studies: pd.DataFrame,
    a: Assumptions,
    flagged=frozenset(),
    *,
    arms: pd.DataFrame,
) -> pd.DataFrame:
    """One row per (study, subgroup, arm) whose n no source reports: the n every output uses
    (implied jointly by the subgroup's p-values, :func:`solve_sizes`, else assumed in the config),
    the range of n the p-values allow together, and the forensic verdict on whether they can
    share one n."""
    solved = solve_sizes(summary, studies, a, flagged, arms=arms)
    roles = arm_roles(arms)
    out = []
    keys = sorted(set(solved) | {(s, g) for s, g, _, _ in a.sample_sizes})
    for study, subgroup in keys:
        sol = solved.get((study, subgroup))
        arms_ = (
            sol.pair
            if sol is not None
            else [arm for s, g, arm, _ in a.sample_sizes if (s, g) == (study, subgroup)]
        )
        for arm in arms_:
            assumed = a.n_for(study, subgroup, arm)
            implied = sol is not None and sol.n is not None
            out.append(
                {
                    "study_id": study,
                    "subgroup": subgroup,
                    "arm": arm,
                    "role": roles.get((study, arm), "other"),
                    "n": sol.n if implied else assumed,
                    "how": "implied" if implied else "assumed" if assumed is not None else "unknown",
                    "n_low": sol.n_low if implied else np.nan,
                    "n_high": sol.n_high if implied else np.nan,
                    "solved_from": " ".join(sol.setting) if sol is not None else "",
                    "checked": " ".join(sol.checked) if sol is not None else "",
                    "verdict": sol.verdict if sol is not None else "",
                    "finding": sol.finding if sol is not None else "",
                }
            )
    return pd.DataFrame(out, columns=SIZE_COLUMNS)


def with_sizes(a: Assumptions, sizes: pd.DataFrame) -> Assumptions:
    """Assumptions whose per-arm sample sizes are those of ``sizes`` (results/sample_sizes.csv:
    implied or assumed), so the simulation uses the n of the effect table; ranges unchanged."""
    known = {(r.study_id, r.subgroup, r.arm): int(r.n) for r in sizes.itertuples() if pd.notna(r.n)}
    rest = tuple(s for s in a.sample_sizes if s[:3] not in known)
    return dataclasses.replace(
        a, sample_sizes=tuple((s, g, arm, n) for (s, g, arm), n in known.items()) + rest
    )


def _resolve_n(cell, arms, test, a, notes, estimand, solved: Solved | None = None):
    """Per-arm n: reported > implied by the subgroup's reported p-values (one n per study and
    subgroup, :func:`solve_sizes`) > assumed. Returns (n1, n2, how, problem)."""
    n_rep = [cell.reported_n(arm)[0] for arm in arms]
    if all(n is not None for n in n_rep):
        return n_rep[0], n_rep[1], "reported", ""
    assumed = [a.n_for(cell.study, cell.subgroup, arm) for arm in arms]
    problem = ""
    if all(n is None for n in n_rep) and solved is not None:
        problem = solved.problem(test.rows[0]["row_id"]) if test is not None else ""
        if solved.n is not None and tuple(arms) == solved.pair:
            notes.append(solved.note)
            return solved.n, solved.n, "implied", problem
    n = [n_rep[i] if n_rep[i] is not None else assumed[i] for i in range(2)]
    for arm, ni, nr in zip(arms, n, n_rep, strict=True):
        if nr is None and ni is not None:
            notes.append(f"n[{cell.study}/{cell.subgroup}/{arm}]={ni}")
    if None in n:
        return None, None, "unknown", problem
    return n[0], n[1], "assumed", problem


def _fmt(v) -> str:
    return f"({v[0]:g}, {v[1]:g})" if isinstance(v, tuple) else f"{v:g}"


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
    notes: list[str] = []
    n1, n2, how, problem = _resolve_n(cell, arms, test, a, notes, estimand, solved)
    inputs = _between_inputs(cell, arms, estimand, (n1, n2))
    if inputs is None:
        return _from_reported_test(cell, base, a, arms, label, estimand, test, n1, n2, notes)
    md, sd, src, conv = inputs
    md_of_means = md  # before a reported estimate replaces it
    if n1 is None:
        return _row(
            cell,
            base,
            estimand,
            label,
            np.nan,
            np.nan,
            np.nan,
            np.nan,
            np.nan,
            np.nan,
            "not estimable: n per arm neither reported, implied nor assumed",
            src,
            notes,
        )
    if estimand == "between_change" and _imputed(sd):
        notes.append(f"r={a.r}")
    s_pooled = _pooled_sd_of(estimand, sd, n1, n2, a.r)
    df = n1 + n2 - 2
    if df <= 1:
        return _row(
            cell,
            base,
            estimand,
            label,
            np.nan,
            np.nan,
            np.nan,
            np.nan,
            n1,
            n2,
            "not estimable: Hedges' J needs n1 + n2 - 2 > 1",
            src,
            notes,
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
        notes,
        df=df,
        p=p_info,
        md_vtype=md_vtype,
        rom=rom,
    )


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


def _crossover(cell, base, a, pairs) -> list[dict]:
    """A crossover trial, analysed as paired (:mod:`reanalysis.crossover`): N patients (counted
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
    notes: list[str] = []
    n1, n2, how, _ = _resolve_n(cell, arms, None, a, notes, estimand)
    inputs = _between_inputs(cell, arms, estimand, (n1, n2))
    if inputs is None or _imputed(inputs[1]):
        return []
    md, sd, src, conv = inputs
    if n1 is None:
        return [
            _row(
                cell,
                base,
                estimand,
                BETWEEN,
                np.nan,
                np.nan,
                np.nan,
                np.nan,
                np.nan,
                np.nan,
                "not estimable: n neither reported nor assumed",
                src,
                notes,
            )
        ]
    n = min(n1, n2)  # the same patients in both arms
    df = n - 1
    if df <= 1:
        return [
            _row(
                cell,
                base,
                estimand,
                BETWEEN,
                np.nan,
                np.nan,
                np.nan,
                np.nan,
                n,
                n,
                "not estimable: a paired test needs N >= 3",
                src,
                notes,
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
        notes.append(f"crossover_r={r:g}")
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
            notes,
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


def _from_reported_test(cell, base, a, arms, label, estimand, test, n1, n2, notes):
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
        notes,
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


# --- within one arm -------------------------------------------------------------------------------
def _within(
    cell: _Cell, base: dict, a: Assumptions, n_cell: dict, solved: Solved | None = None
) -> list[dict]:
    out = []
    for arm in cell.arms():
        if cell.role[arm] == "other":
            continue
        notes: list[str] = []
        n_rep, n_row = cell.reported_n(arm)
        n = n_rep
        if n is None and arm in n_cell:
            n = n_cell[arm][0]
            notes += n_cell[arm][1]
        if n is None:
            n = a.n_for(cell.study, cell.subgroup, arm)
            if n is not None:
                notes.append(f"n[{cell.study}/{cell.subgroup}/{arm}]={n}")
        row = _within_one(cell, base, a, arm, n, notes)
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


def _within_one(cell, base, a, arm, n, notes):
    m_pre, m_post = cell.get(arm, "baseline", "mean"), cell.get(arm, "end", "mean")
    if m_pre is not None and m_post is not None and n is not None:
        sd_pre, r_pre, c1 = cell.arm_sd(arm, "baseline", n)
        sd_post, r_post, c2 = cell.arm_sd(arm, "end", n)
        if sd_pre is not None and sd_post is not None:
            if n - 1 <= 1:
                return _row(
                    cell,
                    base,
                    "within_change",
                    arm,
                    np.nan,
                    np.nan,
                    np.nan,
                    np.nan,
                    n,
                    np.nan,
                    "not estimable: Hedges' J needs n - 1 > 1",
                    [m_pre, m_post],
                    notes,
                )
            notes.append(f"r={a.r}")
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
                notes,
                df=n - 1,
                md_vtype="LS",
            )
    m_chg = cell.get(arm, "change", "mean")
    if m_chg is not None and n is not None:
        sd_chg, r_chg, conv = cell.arm_sd(arm, "change", n)
        if sd_chg is not None and n - 1 > 1:
            notes.append(f"r={a.r}")
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
                notes,
                df=n - 1,
                md_vtype="LS",
            )
    t_row, p_row = cell.get(arm, "change", "t"), cell.get(arm, "change", "p_value")
    below = cell.get(arm, "change", "p_below")
    src_row = next((r for r in (t_row, p_row, below) if r is not None), None)
    if src_row is not None:
        n_src = int(src_row["n"]) if pd.notna(src_row["n"]) else n
        if n_src is None or n_src - 1 <= 1:
            return _row(
                cell,
                base,
                "within_change",
                arm,
                np.nan,
                np.nan,
                np.nan,
                np.nan,
                np.nan if n_src is None else n_src,
                np.nan,
                "not estimable: a paired test needs n >= 3",
                [src_row],
                notes,
            )
        if t_row is not None:
            dz, basis = abs(float(t_row["value"])) / math.sqrt(n_src), "paired t and n (d_z)"
        else:
            if p_row is not None:
                p, basis = p_row["value"], "exact paired p-value and n (d_z), converted with r"
            else:
                p, basis = a.p_threshold, "'significant' only: p set to the assumed threshold"
                notes.append(f"p={a.p_threshold}")
            dz = float(sdr.dz_from_p_paired(p, n_src))  # direction: sources report improvement
        notes.append(f"r={a.r}")
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
            notes,
        )
    direction = cell.get(arm, "change", "reported_improvement")
    if direction is not None:
        n_d = direction["n"] if pd.notna(direction["n"]) else np.nan
        return _row(
            cell,
            base,
            "within_change",
            arm,
            np.nan,
            np.nan,
            np.nan,
            np.nan,
            n_d,
            np.nan,
            "not estimable: only the direction of change is reported",
            [direction],
            notes,
        )
    return None


_CELL: list = [None]  # the study x subgroup x outcome rows being computed, for error messages


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
            first = rows.iloc[0]
            figures = ", ".join(f"{r.row_id} ({r.statistic} {r.value:g})" for r in rows.itertuples())
            raise ValueError(
                f"study {first['study_id']!r}, subgroup {first['subgroup']!r}, "
                f"outcome {first['outcome']!r}: {fn.__name__} failed on the figures "
                f"{figures}: {err}"
            ) from err

    return wrapper


@_names_the_figures
def build_effect_sizes(
    summary: pd.DataFrame,
    studies: pd.DataFrame,
    a: Assumptions,
    flagged: frozenset[str] | set[str] = frozenset(),
    *,
    arms: pd.DataFrame,
) -> pd.DataFrame:
    """Compute every estimable effect size; unestimable comparisons get a row with NaN yi.

    ``arms``: data/arms.csv (roles). ``flagged``: row_ids that failed a forensic check; rows
    built from them list them in ``forensic_flags`` and :func:`select_for_pooling` leaves them out.
    """
    roles = arm_roles(arms)
    controlled = dict(zip(studies["study_id"], studies["controlled"], strict=True))
    designs = study_designs(studies)
    solved = solve_sizes(summary, studies, a, flagged, arms=arms)
    out = []
    for (study, subgroup, outcome), rows in summary.groupby(
        ["study_id", "subgroup", "outcome"], sort=True
    ):
        _CELL[0] = rows
        cell = _Cell(rows, roles)
        base = {
            "study_id": study,
            "subgroup": subgroup,
            "outcome": outcome,
            "instrument": cell.instrument,
            "controlled": bool(controlled.get(study, False)),
            "design": designs.get(study, PARALLEL),
        }
        sol = solved.get((study, subgroup))
        out += _between(cell, base, a, sol)
        out += _within(cell, base, a, _cell_n(cell, sol), sol)
    df = pd.DataFrame(out, columns=COLUMNS)
    df["forensic_flags"] = [
        " ".join(r for r in src.split() if r in flagged) for src in df["source_rows"].fillna("")
    ]
    return df.sort_values(["estimand", "study_id", "subgroup", "outcome", "arm"]).reset_index(drop=True)


def _cell_n(cell: _Cell, solved: Solved | None) -> dict[str, tuple[int, list[str]]]:
    """The subgroup's implied n per arm (:func:`solve_sizes`), for the within-arm effects."""
    if solved is None or solved.n is None:
        return {}
    return {arm: (solved.n, [solved.note]) for arm in solved.pair if arm in cell.role}


# --- what the reported figures imply, and what no effect uses --------------------------------------
IMPLIED_COLUMNS = [
    "row_id",
    "study_id",
    "subgroup",
    "outcome",
    "reported",
    "analysis",
    "solve_for",
    "r",
    "n",
    "implied",
    "implied_low",
    "implied_high",
    "assumed_value",
    "assumed_low",
    "assumed_high",
    "in_assumed_range",
]


@_names_the_figures
def implied_assumptions(
    summary: pd.DataFrame, arms: pd.DataFrame, config: dict, studies: pd.DataFrame | None = None
) -> pd.DataFrame:
    """For every reported between-arm p (or t) with means/SDs in both arms: the per-arm n that
    reproduces it at each r (low, default and high end of the r range) and for end-of-treatment
    scores, with the range the rounding of the inputs allows; and the r it needs at each n of the
    assumed n range. Crossover trials (``studies``) are left out: their p is a paired test, and
    the within-patient r it implies is in the effect table's ``p_check_detail``."""
    a = Assumptions.from_config(config)
    crossover = (
        {s for s, d in study_designs(studies).items() if d == CROSSOVER}
        if studies is not None
        else set()
    )
    summary = summary[~summary["study_id"].isin(crossover)]
    rc = config["assumptions"]["prepost_correlation"]
    r_grid = sorted({float(rc["range"][0]), float(rc["value"]), float(rc["range"][1])})
    roles = arm_roles(arms)
    out = []
    for _, rows in summary.groupby(["study_id", "subgroup", "outcome"], sort=True):
        _CELL[0] = rows
        cell = _Cell(rows, roles)
        ints, comps = cell.arms("intervention"), cell.arms("comparator")
        if len(ints) != 1 or len(comps) != 1:
            continue
        pair = (ints[0], comps[0])
        test = _test_for(cell, a, True)
        if test is None or test.kind not in ("p_value", "t"):
            continue
        assumed = a.n_for(cell.study, cell.subgroup, pair[0])
        rng = a.range_for(cell.study, cell.subgroup, pair[0]) or (np.nan, np.nan)
        base = {
            "row_id": test.rows[0]["row_id"],
            "study_id": cell.study,
            "subgroup": cell.subgroup,
            "outcome": rows.iloc[0]["outcome"],
            "reported": f"{test.kind} = {_fmt(test.value)}",
            "assumed_value": assumed,
            "assumed_low": rng[0],
            "assumed_high": rng[1],
        }
        for estimand, grid in (("between_change", r_grid), ("between_post", [np.nan])):
            t = dataclasses.replace(test, estimand=estimand)
            for r in grid:
                implied = implied_n_for(cell, pair, t, a, r if np.isfinite(r) else a.r)
                if implied is None:
                    continue
                n, lo, hi = implied
                out.append(
                    base
                    | {
                        "analysis": "change scores"
                        if estimand == "between_change"
                        else "end-of-treatment scores",
                        "solve_for": "n per arm",
                        "r": r,
                        "n": np.nan,
                        "implied": n,
                        "implied_low": lo,
                        "implied_high": hi,
                        "in_assumed_range": bool(np.isfinite(n) and rng[0] <= n <= rng[1]),
                    }
                )
        inputs = _between_inputs(cell, pair, "between_change", (None, None))
        if inputs is None or test.kind != "p_value" or not np.isfinite(rng[0]):
            continue
        md, sd, _, _ = inputs
        for n in sorted({int(rng[0]), int(assumed), int(rng[1])}):
            r = ev.implied_r(md, (sd[0][0], sd[1][0]), (sd[0][1], sd[1][1]), n, n, test.value)
            out.append(
                base
                | {
                    "analysis": "change scores",
                    "solve_for": "r",
                    "r": np.nan,
                    "n": n,
                    "implied": r,
                    "implied_low": np.nan,
                    "implied_high": np.nan,
                    "in_assumed_range": bool(
                        np.isfinite(r) and float(rc["range"][0]) <= r <= float(rc["range"][1])
                    ),
                }
            )
    return pd.DataFrame(out, columns=IMPLIED_COLUMNS)


MEDIAN_STATISTICS = ("median", "iqr_low", "iqr_high", "range_low", "range_high")
ESTIMABILITY_COLUMNS = [
    "row_id",
    "study_id",
    "arm",
    "subgroup",
    "outcome",
    "timepoint",
    "statistic",
    "value",
    "reading",
    "reason",
]


def estimability(
    summary_all: pd.DataFrame,
    selected: pd.DataFrame,
    effects: pd.DataFrame,
    arms: pd.DataFrame,
    studies: pd.DataFrame,
) -> pd.DataFrame:
    """Every input row that contributes to no estimable effect, with the reason."""
    used = set(
        " ".join(effects.loc[np.isfinite(effects["yi"].astype(float)), "source_rows"].fillna("")).split()
    )
    unestimable = {
        r: b
        for src, b in zip(effects["source_rows"].fillna(""), effects["basis"], strict=True)
        for r in src.split()
        if r not in used
    }
    roles = arm_roles(arms)
    controlled = dict(zip(studies["study_id"], studies["controlled"], strict=True))
    chosen = set(selected["row_id"])
    out = []
    for _, row in summary_all.iterrows():
        rid = row["row_id"]
        if rid in used:
            continue
        role = roles.get((row["study_id"], row["arm"]))
        stat = row["statistic"]
        if rid not in chosen:
            reason = (
                f"alternative reading '{row['reading']}' not selected (config "
                "reading_overrides chooses the reading)"
            )
        elif rid in unestimable:
            reason = unestimable[rid]
        elif stat == NOT_REPORTED:
            reason = (
                "measured (the source says so) but no result reported: no effect; the "
                "outcome counts as measured, not as reported"
            )
        elif role == "other":
            reason = (
                f"arm '{row['arm']}' has role 'other' in arms.csv: not an intervention or comparator arm"
            )
        elif stat in ("count", "proportion"):
            reason = (
                "counts/proportions (binary outcome): this pipeline computes continuous "
                "effect sizes only"
            )
        elif stat == "p_above":
            reason = "'not significant' only: neither size nor direction of an effect"
        elif stat in MEDIAN_STATISTICS:
            reason = (
                "a median, IQR or range gives a mean and SD (Luo et al. 2018, Wan et al. "
                "2014) only with the median, its IQR and/or range and the arm's n, and only "
                "where no mean is reported; this arm and timepoint lack one of them"
            )
        elif row["arm"] == BETWEEN and not controlled.get(row["study_id"], False):
            reason = "between-arm figure of a study not marked controlled in studies.csv"
        elif row["arm"] == BETWEEN and (gap := _between_gap(selected, row)):
            reason = gap
        elif row["arm"] == BETWEEN:
            reason = (
                "between-arm statistic that no computed comparison uses (several "
                "intervention/comparator pairs, or a baseline comparison)"
            )
        elif stat == "n":
            reason = "sample size of an arm with no estimable effect in this subgroup and outcome"
        elif stat in ("se", "ci_low", "ci_high") and pd.isna(row["n"]):
            reason = (
                "an SE or CI of a mean needs the arm's n to give an SD (Handbook 6.5.2.2); "
                "n is neither reported nor assumed (config assumptions.sample_sizes)"
            )
        else:
            reason = (
                f"no estimand is complete for this arm, subgroup and outcome (needs mean "
                f"and SD/SE/CI at baseline and end, or change mean and SD, or a paired "
                f"test with n; this row gives {stat} at {row['timepoint']})"
            )
        out.append({c: row[c] for c in ESTIMABILITY_COLUMNS[:-1]} | {"reason": reason})
    return pd.DataFrame(out, columns=ESTIMABILITY_COLUMNS)


def _between_gap(summary: pd.DataFrame, row: pd.Series) -> str:
    """Why a between-arm statistic gives no effect when its cell lacks a difference or the arms'
    n; '' when neither is missing."""
    cell = summary[
        (summary["study_id"] == row["study_id"])
        & (summary["subgroup"] == row["subgroup"])
        & (summary["outcome"] == row["outcome"])
    ]
    stats_ = set(cell["statistic"])
    if not stats_ & {"mean", "median", "estimate"}:
        return (
            "between-arm statistic without a difference in this subgroup and outcome: "
            "neither the arms' means (or medians) nor a reported estimate of the difference "
            "(statistic 'estimate')"
        )
    arm_n = cell[(cell["arm"] != BETWEEN) & ((cell["statistic"] == "n") | cell["n"].notna())]
    if arm_n["arm"].nunique() < 2:
        return (
            "between-arm statistic whose arms' n is not reported in this subgroup and "
            "outcome: the SE of a difference and its SMD need n per arm (reported, or assumed "
            "in config assumptions.sample_sizes); a difference of proportions (risk "
            "difference) is outside this continuous-outcome pipeline whatever the n"
        )
    return ""


# --- pooling --------------------------------------------------------------------------------------
def has_forensic_flag(effects: pd.DataFrame) -> pd.Series:
    """True where an effect rests on a value that failed a forensic check (column read back from
    CSV is float NaN when empty, text otherwise)."""
    flags = effects["forensic_flags"]
    return flags.notna() & (flags.astype(str).str.strip() != "")


def select_for_pooling(effects: pd.DataFrame, spec: dict) -> pd.DataFrame:
    """Apply one configured pooling set: filters, then one effect per study by priority order.

    Arms are chosen by ``roles`` (intervention / comparator / between) or, in older specs, by
    ``arms`` (names). Change-score and final-value effects are never mixed: a set lists one
    family of estimands (the config schema enforces it), and the per-study priority picks one.
    """
    if {"between_change", "between_post"} <= set(spec["estimands"]):
        raise ValueError(
            "change-score and end-of-treatment SMDs are never pooled together: a "
            "pooling set lists between_change or between_post, not both"
        )
    df = effects[np.isfinite(effects["yi"].astype(float))]
    if "forensic_flags" in df.columns:  # values that failed a forensic check are never pooled
        df = df[~has_forensic_flag(df)]
    df = df[df["estimand"].isin(spec["estimands"]) & df["subgroup"].isin(spec["subgroups"])]
    if "roles" in spec:
        df = df[df["role"].isin(spec["roles"])]
    if "arms" in spec:
        df = df[df["arm"].isin(spec["arms"])]
    df = df[df["outcome"].isin(spec["outcomes"])]
    if spec["controlled_only"]:
        df = df[df["controlled"].astype(bool)]
    rank = {
        "estimand": {e: i for i, e in enumerate(spec["estimands"])},
        "outcome": {o: i for i, o in enumerate(spec["outcomes"])},
        "subgroup": {s: i for i, s in enumerate(spec["subgroups"])},
    }
    keys = pd.DataFrame({c: df[c].map(m) for c, m in rank.items()}, index=df.index)
    order = keys.sort_values(["estimand", "subgroup", "outcome"]).index
    return df.loc[order].drop_duplicates("study_id").sort_values("study_id").reset_index(drop=True)
