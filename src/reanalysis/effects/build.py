"""Build the effect-size table: :func:`build_effect_sizes` walks every study x subgroup x outcome cell
of the long summary table, solves the unreported sizes once (:mod:`.sample_sizes`) and writes the
between-arm (:mod:`.between`) and within-arm (:mod:`.within`) rows with the columns of
:data:`COLUMNS`; :func:`implied_assumptions` lists the n and r that reported tests imply.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from reanalysis.data.tables import arm_roles
from reanalysis.data.vocabulary import CROSSOVER, PARALLEL
from reanalysis.effects import reported as ev
from reanalysis.effects.assumptions import Assumptions, study_designs
from reanalysis.effects.bearing import implied_n_for
from reanalysis.effects.between import _between
from reanalysis.effects.cells import (
    _CELL,
    _between_inputs,
    _Cell,
    _fmt,
    _names_the_figures,
    _test_for,
    index_cells,
)
from reanalysis.effects.sample_sizes import Solved, solve_sizes
from reanalysis.effects.within import _within

__all__ = ["COLUMNS", "build_effect_sizes", "IMPLIED_COLUMNS", "implied_assumptions"]


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
    "n_source",
    "n_used",
    "r_used",
    "p_threshold_used",
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


@_names_the_figures
def build_effect_sizes(
    summary: pd.DataFrame,
    studies: pd.DataFrame,
    a: Assumptions,
    flagged: frozenset[str] | set[str] = frozenset(),
    *,
    arms: pd.DataFrame,
    cells: dict[tuple, _Cell] | None = None,
) -> pd.DataFrame:
    """Compute every estimable effect size; unestimable comparisons get a row with NaN yi.

    ``arms``: data/arms.csv (roles). ``flagged``: row_ids that failed a forensic check; rows
    built from them list them in ``forensic_flags`` and :func:`select_for_pooling` leaves them out.
    ``cells``: ``index_cells(summary, arm_roles(arms))`` where the caller builds the table at
    several assumption points (the cells do not depend on the assumptions).
    """
    if cells is None:
        cells = index_cells(summary, arm_roles(arms))
    controlled = dict(zip(studies["study_id"], studies["controlled"], strict=True))
    designs = study_designs(studies)
    solved = solve_sizes(summary, studies, a, flagged, arms=arms, cells=cells)
    out = []
    for (study, subgroup, outcome), cell in cells.items():
        _CELL[0] = cell
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


def _cell_n(cell: _Cell, solved: Solved | None) -> dict[str, tuple[int, str]]:
    """The subgroup's implied n per arm (:func:`solve_sizes`) with its note, for the within-arm
    effects."""
    if solved is None or solved.n is None:
        return {}
    return {arm: (solved.n, solved.note) for arm in solved.pair if arm in cell.role}


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
    out = []
    for cell in index_cells(summary, arm_roles(arms)).values():
        _CELL[0] = cell
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
            "outcome": cell.outcome,
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
