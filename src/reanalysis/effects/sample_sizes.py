"""One n per fact: :func:`solve_sizes` finds, for every study x subgroup, the arm sizes (and
correlation r) that all reported tests reproduce at once (:class:`Solved`), :func:`sample_sizes`
writes them as a table and :func:`with_sizes` feeds a table back as assumptions; :func:`_resolve_n`
picks the n one effect uses.
"""

from __future__ import annotations

import dataclasses
import functools
import math

import numpy as np
import pandas as pd

from reanalysis.data.tables import arm_roles
from reanalysis.data.vocabulary import CROSSOVER
from reanalysis.effects import reported as ev
from reanalysis.effects.assumptions import Assumptions, study_designs
from reanalysis.effects.bearing import _Bearing, _bearing, _r_grid
from reanalysis.effects.cells import _CELL, _Cell, index_cells

__all__ = ["Solved", "solve_sizes", "SIZE_COLUMNS", "sample_sizes", "with_sizes", "_resolve_n"]


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
    cells: dict[tuple, _Cell] | None = None,
) -> dict[tuple[str, str], Solved]:
    """One per-arm n per (study, subgroup) of a parallel, controlled study whose n no source
    reports, solved once from every exact between-arm p or t of that subgroup (:class:`Solved`
    states the rule); every effect, the simulation and the ledger use it. ``cells``: the table's
    :func:`~reanalysis.effects.cells.index_cells`, where the caller has it."""
    if cells is None:
        cells = index_cells(summary, arm_roles(arms))
    controlled = dict(zip(studies["study_id"], studies["controlled"], strict=True))
    designs = study_designs(studies)
    by_subgroup: dict[tuple[str, str], list[_Cell]] = {}
    for (study, subgroup, _), cell in cells.items():  # in (study, subgroup, outcome) order
        by_subgroup.setdefault((study, subgroup), []).append(cell)
    out = {}
    for (study, subgroup), group in by_subgroup.items():
        if designs.get(study) == CROSSOVER or not controlled.get(study, False):
            continue
        _CELL[0] = functools.partial(_rows_of, summary, group)
        tests = _bearing(group, a, flagged)
        if tests:
            out[study, subgroup] = _solve_one(study, subgroup, tests, a)
    return out


def _rows_of(summary: pd.DataFrame, cells: list[_Cell]) -> pd.DataFrame:
    """The rows of ``cells`` in the order of the long table (for an error message)."""
    return summary.iloc[np.sort(np.concatenate([c.positions for c in cells]))]


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


def _resolve_n(cell, arms, test, a, used, estimand, solved: Solved | None = None):
    """Per-arm n: reported > implied by the subgroup's reported p-values (one n per study and
    subgroup, :func:`solve_sizes`) > assumed, recorded in ``used`` (:class:`.rows.Used`). Returns
    (n1, n2, how, problem)."""
    n_rep = [cell.reported_n(arm)[0] for arm in arms]
    if all(n is not None for n in n_rep):
        used.n("reported")
        return n_rep[0], n_rep[1], "reported", ""
    assumed = [a.n_for(cell.study, cell.subgroup, arm) for arm in arms]
    problem = ""
    if all(n is None for n in n_rep) and solved is not None:
        problem = solved.problem(test.rows[0]["row_id"]) if test is not None else ""
        if solved.n is not None and tuple(arms) == solved.pair:
            used.n("implied", solved.n, solved.note)
            return solved.n, solved.n, "implied", problem
    n = [n_rep[i] if n_rep[i] is not None else assumed[i] for i in range(2)]
    first = None
    for arm, ni, nr in zip(arms, n, n_rep, strict=True):
        if nr is None and ni is not None:
            used.notes.append(f"n[{cell.study}/{cell.subgroup}/{arm}]={ni}")
            first = ni if first is None else first
    if None in n:
        return None, None, "unknown", problem
    used.n("assumed", first)
    return n[0], n[1], "assumed", problem
