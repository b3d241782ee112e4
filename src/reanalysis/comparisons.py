"""Turn the long summary-statistics table into an effect-size table, one row per comparison.

Estimands (all oriented so that positive = improvement / favours magnesium):

* ``between_change`` - Hedges' g of change scores, magnesium vs placebo (needs baseline and end
  means/SDs in both arms; change SDs imputed with the pre-post correlation r).
* ``between_post``   - Hedges' g of end-of-treatment scores, magnesium vs placebo.
* ``within_change``  - standardised mean change (SMCR) within one arm; from means/SDs, from an
  exact paired p-value (via d_z and r), or from "significant" (p set to an assumed threshold).

Every row records which named assumptions it used (``assumptions``) and the ``row_id``s it came from.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from . import effect_sizes as es
from . import sd_recovery as sdr

COLUMNS = [
    "es_id", "study_id", "subgroup", "outcome", "instrument", "estimand", "arm", "controlled",
    "md", "md_var", "yi", "vi", "n1", "n2", "basis", "status", "assumptions", "source_rows",
    "forensic_flags",
]


@dataclasses.dataclass(frozen=True)
class Assumptions:
    """Values of the named assumptions for one computation (defaults or a sensitivity point)."""

    r: float = 0.5
    p_threshold: float = 0.05
    sample_sizes: tuple[tuple[str, str, str, int], ...] = ()
    exact_j: bool = True

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
        )

    def n_for(self, study: str, subgroup: str, arm: str) -> int | None:
        for s, g, a, n in self.sample_sizes:
            if (s, g, a) == (study, subgroup, arm):
                return n
        return None

    def subgroup_sizes(self, study: str, subgroup: str) -> tuple[int, int]:
        """Per-arm n inside ``subgroup`` and outside it (= n of 'all' minus n of the subgroup)."""
        n_sub, n_all = self.n_for(study, subgroup, "magnesium"), self.n_for(study, "all",
                                                                             "magnesium")
        if n_sub is None or n_all is None or n_all - n_sub < 2:
            raise ValueError(f"{study}: assumptions.sample_sizes must give n per arm for 'all' and "
                             f"{subgroup!r}, with at least 2 patients per arm left outside it")
        return n_sub, n_all - n_sub


def sample_size_range(config: dict, study: str, subgroup: str, arm: str) -> tuple[int, int] | None:
    """The assumed range of a per-arm sample size (config assumptions.sample_sizes), if any."""
    for s in config["assumptions"]["sample_sizes"]:
        if (s["study_id"], s["subgroup"], s["arm"]) == (study, subgroup, arm):
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


def select_readings(summary: pd.DataFrame, overrides: dict[str, str]) -> pd.DataFrame:
    """Keep the primary reading of each figure, or the alternative named in ``overrides``.

    ``overrides`` maps the row_id of a primary row to the ``reading`` to use instead.
    """
    key = ["study_id", "arm", "subgroup", "outcome", "timepoint", "statistic"]
    keep = summary["reading"] == "primary"
    for row_id, reading in overrides.items():
        primary = summary.loc[summary["row_id"] == row_id]
        if primary.empty:
            raise KeyError(f"reading_overrides: no row with row_id {row_id!r}")
        same = (summary[key] == primary[key].iloc[0]).all(axis=1)
        alt = same & (summary["reading"] == reading)
        if not alt.any():
            raise KeyError(f"reading_overrides: {row_id!r} has no reading {reading!r}")
        keep &= ~same
        keep |= alt
    return summary.loc[keep]


class _Cell:
    """The statistics of one (study, subgroup, outcome): arm -> timepoint -> statistic -> row."""

    def __init__(self, rows: pd.DataFrame):
        self.rows = rows
        first = rows.iloc[0]
        self.lower_is_better = bool(first["lower_is_better"])
        self.instrument = first["instrument"]

    def get(self, arm: str, timepoint: str, stat: str):
        return find_row(self.rows, arm=arm, timepoint=timepoint, statistic=stat)

    def has(self, arm: str, *pairs: tuple[str, str]) -> bool:
        return all(self.get(arm, t, s) is not None for t, s in pairs)

    def arms(self) -> list[str]:
        return sorted(set(self.rows["arm"]) - {"between"})


def _status(rows: list[pd.Series], used_assumption: bool) -> str:
    statuses = {r["status"] for r in rows}
    if used_assumption:
        return "derived (assumption-dependent)"
    return "derived (from second-hand figures)" if "second-hand" in statuses else "derived"


def _arm_n(cell: _Cell, study: str, subgroup: str, arm: str, a: Assumptions, notes: list[str]):
    for t in ("end", "baseline", "change"):
        for s in ("mean", "sd", "p_value", "p_below", "reported_improvement"):
            row = cell.get(arm, t, s)
            if row is not None and pd.notna(row["n"]):
                return int(row["n"])
    n = a.n_for(study, subgroup, arm)
    if n is not None:
        notes.append(f"n[{study}/{subgroup}/{arm}]={n}")
    return n


def build_effect_sizes(summary: pd.DataFrame, studies: pd.DataFrame, a: Assumptions,
                       flagged: frozenset[str] | set[str] = frozenset()) -> pd.DataFrame:
    """Compute every estimable effect size; unestimable comparisons get a row with NaN yi.

    ``flagged``: row_ids that failed a forensic check; rows built from them list them in
    ``forensic_flags`` and :func:`select_for_pooling` leaves them out.
    """
    controlled = dict(zip(studies["study_id"], studies["controlled"], strict=True))
    out = []
    for (study, subgroup, outcome), rows in summary.groupby(
        ["study_id", "subgroup", "outcome"], sort=True
    ):
        cell = _Cell(rows)
        base = {"study_id": study, "subgroup": subgroup, "outcome": outcome,
                "instrument": cell.instrument, "controlled": bool(controlled.get(study, False))}
        out += _between(cell, base, a)
        out += _within(cell, base, a)
    df = pd.DataFrame(out, columns=COLUMNS)
    df["forensic_flags"] = [" ".join(r for r in src.split() if r in flagged)
                            for src in df["source_rows"].fillna("")]
    return df.sort_values(["estimand", "study_id", "subgroup", "outcome", "arm"]).reset_index(
        drop=True
    )


def _row(base, estimand, arm, md, md_var, yi, vi, n1, n2, basis, src, notes):
    return base | {
        "es_id": f"{base['study_id']}.{base['subgroup']}.{base['outcome']}.{estimand}.{arm}",
        "estimand": estimand, "arm": arm, "md": md, "md_var": md_var, "yi": yi, "vi": vi,
        "n1": n1, "n2": n2, "basis": basis,
        "status": _status(src, bool(notes)) if np.isfinite(yi) else "not estimable",
        "assumptions": "; ".join(notes), "source_rows": " ".join(r["row_id"] for r in src),
    }


def _between(cell: _Cell, base: dict, a: Assumptions) -> list[dict]:
    if not base["controlled"] or {"magnesium", "placebo"} - set(cell.arms()):
        return []
    study, sub = base["study_id"], base["subgroup"]
    out = []
    sign = -1.0 if cell.lower_is_better else 1.0
    for estimand, tps in (("between_change", ("baseline", "end")), ("between_post", ("end",))):
        need = [(t, s) for t in tps for s in ("mean", "sd")]
        if not (cell.has("magnesium", *need) and cell.has("placebo", *need)):
            continue
        notes: list[str] = []
        n1 = _arm_n(cell, study, sub, "magnesium", a, notes)
        n2 = _arm_n(cell, study, sub, "placebo", a, notes)
        if n1 is None or n2 is None:
            continue
        v = {(arm, t, s): cell.get(arm, t, s) for arm in ("magnesium", "placebo") for t, s in need}
        src = list(v.values())
        x = {k: r["value"] for k, r in v.items()}
        if estimand == "between_change":
            notes.append(f"r={a.r}")
            c1 = x["magnesium", "end", "mean"] - x["magnesium", "baseline", "mean"]
            c2 = x["placebo", "end", "mean"] - x["placebo", "baseline", "mean"]
            s1 = es.sd_change(x["magnesium", "baseline", "sd"], x["magnesium", "end", "sd"], a.r)
            s2 = es.sd_change(x["placebo", "baseline", "sd"], x["placebo", "end", "sd"], a.r)
            basis = "means/SDs at baseline and end; change SDs imputed from r"
        else:
            c1, s1 = x["magnesium", "end", "mean"], x["magnesium", "end", "sd"]
            c2, s2 = x["placebo", "end", "mean"], x["placebo", "end", "sd"]
            basis = "end-of-treatment means/SDs"
        md, md_var = es.mean_difference(c1, s1, n1, c2, s2, n2)
        g, vg = es.smd_independent(c1, s1, n1, c2, s2, n2, exact=a.exact_j)
        out.append(_row(base, estimand, "between", sign * float(md), float(md_var),
                        sign * float(g), float(vg), n1, n2, basis, src, notes))
    return out


def _within(cell: _Cell, base: dict, a: Assumptions) -> list[dict]:
    study, sub = base["study_id"], base["subgroup"]
    sign = -1.0 if cell.lower_is_better else 1.0
    out = []
    for arm in cell.arms():
        notes: list[str] = []
        need = [(t, s) for t in ("baseline", "end") for s in ("mean", "sd")]
        if cell.has(arm, *need):
            n = _arm_n(cell, study, sub, arm, a, notes)
            if n is None:
                continue
            notes.append(f"r={a.r}")
            x = {k: cell.get(arm, *k) for k in need}
            pre, post = x["baseline", "mean"]["value"], x["end", "mean"]["value"]
            sd_pre, sd_post = x["baseline", "sd"]["value"], x["end", "sd"]["value"]
            g, vg = es.smd_change_within(pre, post, sd_pre, n, a.r, exact=a.exact_j)
            md_var = float(es.sd_change(sd_pre, sd_post, a.r)) ** 2 / n
            out.append(_row(base, "within_change", arm, sign * (post - pre), md_var,
                            sign * float(g), float(vg), n, np.nan,
                            "means/SDs at baseline and end (SMCR)", list(x.values()), notes))
            continue
        p_row = cell.get(arm, "change", "p_value")
        below = cell.get(arm, "change", "p_below")
        direction = cell.get(arm, "change", "reported_improvement")
        src_row = p_row if p_row is not None else below
        if src_row is not None and pd.notna(src_row["n"]):
            n = int(src_row["n"])
            if p_row is not None:
                p, basis = p_row["value"], "exact paired p-value and n (d_z), converted with r"
            else:
                p, basis = a.p_threshold, "'significant' only: p set to the assumed threshold"
                notes.append(f"p={a.p_threshold}")
            notes.append(f"r={a.r}")
            dz = sdr.dz_from_p_paired(p, n)  # direction: sources report improvement
            g, vg = es.smcr_from_dz(dz, n, a.r, exact=a.exact_j)
            out.append(_row(base, "within_change", arm, np.nan, np.nan, float(g), float(vg),
                            n, np.nan, basis, [src_row], notes))
        elif direction is not None:
            n = direction["n"] if pd.notna(direction["n"]) else np.nan
            out.append(_row(base, "within_change", arm, np.nan, np.nan, np.nan, np.nan, n,
                            np.nan, "not estimable: only the direction of change is reported",
                            [direction], notes))
    return out


def has_forensic_flag(effects: pd.DataFrame) -> pd.Series:
    """True where an effect rests on a value that failed a forensic check (column read back from
    CSV is float NaN when empty, text otherwise)."""
    flags = effects["forensic_flags"]
    return flags.notna() & (flags.astype(str).str.strip() != "")


def select_for_pooling(effects: pd.DataFrame, spec: dict) -> pd.DataFrame:
    """Apply one configured pooling set: filters, then one effect per study by priority order."""
    df = effects[np.isfinite(effects["yi"].astype(float))]
    if "forensic_flags" in df.columns:  # values that failed a forensic check are never pooled
        df = df[~has_forensic_flag(df)]
    df = df[df["estimand"].isin(spec["estimands"]) & df["subgroup"].isin(spec["subgroups"])]
    df = df[df["arm"].isin(spec["arms"]) & df["outcome"].isin(spec["outcomes"])]
    if spec["controlled_only"]:
        df = df[df["controlled"]]
    rank = {
        "estimand": {e: i for i, e in enumerate(spec["estimands"])},
        "outcome": {o: i for i, o in enumerate(spec["outcomes"])},
        "subgroup": {s: i for i, s in enumerate(spec["subgroups"])},
    }
    keys = pd.DataFrame({c: df[c].map(m) for c, m in rank.items()}, index=df.index)
    order = keys.sort_values(["estimand", "subgroup", "outcome"]).index
    return df.loc[order].drop_duplicates("study_id").sort_values("study_id").reset_index(drop=True)
