"""One effect-size row: the dict every estimand writes (columns of
:data:`reanalysis.effects.build.COLUMNS`), with its status, the p-reproduction check, the patient
count it rests on and what it assumes (:class:`Used`: the ``assumptions`` notes for readers, the
same facts as typed columns for code).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd

from reanalysis.data.vocabulary import BETWEEN, CROSSOVER
from reanalysis.effects import reported as ev
from reanalysis.effects.assumptions import LEVEL

__all__ = ["NO_P_CHECK", "N_SOURCES", "Used", "_row", "not_estimable"]


N_SOURCES = ("reported", "implied", "assumed")


@dataclasses.dataclass
class Used:
    """What one effect rests on beyond the figures it reads: ``notes`` (the named assumptions in
    words, the ``assumptions`` column) and the same facts typed, for code to read: ``n_source``
    (how its n per arm was obtained: one of :data:`N_SOURCES`, the least-reported of its arms; ''
    where it has no n), ``n_used`` (the per-arm n that no source reports, implied or assumed: the
    first such arm's; NaN where every n is reported), ``r`` (the assumed pre-post or
    within-patient correlation used; NaN if none) and ``p_threshold`` (the assumed p of a result
    reported only as significant; NaN if none)."""

    notes: list[str] = dataclasses.field(default_factory=list)
    n_source: str = ""
    n_used: float = np.nan
    r: float = np.nan
    p_threshold: float = np.nan

    def n(self, source: str, n_used: float = np.nan, note: str = "") -> None:
        """Record how the n was obtained (and the unreported n with its note)."""
        if source not in ("", *N_SOURCES):
            raise ValueError(f"unknown n source {source!r}")
        self.n_source, self.n_used = source, float(n_used)
        if note:
            self.notes.append(note)

    def assume_r(self, r: float, note: str) -> None:
        self.r = float(r)
        self.notes.append(note)

    def assume_p(self, p: float) -> None:
        self.p_threshold = float(p)
        self.notes.append(f"p={p}")


def _status(rows: list[pd.Series], used_assumption: bool) -> str:
    statuses = {r["status"] for r in rows}
    if used_assumption:
        return "derived (assumption-dependent)"
    if "inference" in statuses:
        return "derived (from an inferred reading)"
    return "derived (from second-hand figures)" if "second-hand" in statuses else "derived"


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
    used: Used,
    df=np.nan,
    p: dict | None = None,
    md_vtype="",
    rom=(np.nan, np.nan),
):
    """One effect row. ``md_vtype``: how md_var was obtained (metafor's vtype names: ``LS`` =
    sd1²/n1 + sd2²/n2 between arms, SD_change²/n within one; ``reported <statistic>`` = the SE² a
    reported statistic fixes); ``vtype`` of yi/vi is ``LS2`` for Hedges' g and ``LS`` for SMCR.
    Rows that rest on a median/IQR/range conversion name it in ``conversion``. ``used``: what the
    effect assumes (:class:`Used`), written as the ``assumptions`` notes and the typed columns
    ``n_source``, ``n_used``, ``r_used`` and ``p_threshold_used``."""
    notes = used.notes
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
            "n_source": used.n_source if pd.notna(n1) else "",
            "n_used": used.n_used if pd.notna(n1) else np.nan,
            "r_used": used.r,
            "p_threshold_used": used.p_threshold,
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


def not_estimable(cell, base, estimand, arm, n1, n2, reason: str, src, used: Used) -> dict:
    """The row of a comparison with no effect: :func:`_row` with NaN mean difference, SMD and
    their variances, ``reason`` ('not estimable: ...') as its basis."""
    return _row(cell, base, estimand, arm, np.nan, np.nan, np.nan, np.nan, n1, n2, reason, src, used)
