"""One effect-size row: the dict every estimand writes (columns of
:data:`reanalysis.effects.build.COLUMNS`), with its status, the p-reproduction check and the
patient count it rests on.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from reanalysis.data_model import BETWEEN, CROSSOVER
from reanalysis.effects import reported as ev
from reanalysis.effects.assumptions import LEVEL

__all__ = ["NO_P_CHECK", "_row"]


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
