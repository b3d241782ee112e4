"""Read the typed assumption columns of results/effect_sizes.csv (``n_source``,
``p_threshold_used``, ``forensic_flags``, written by ``reanalysis.effects``): which effects rest on
an unreported sample size, which only on a reported p-value threshold and which on a flagged
figure; and the unit a mean difference is counted in."""

from __future__ import annotations

import pandas as pd

__all__ = ["assumed_n", "p_threshold_only", "forensically_flagged", "md_unit", "in_unit"]


def assumed_n(row) -> bool:
    """True when a per-arm n behind the effect was not reported: assumed in the config or implied
    by the reported p-values (``n_source``)."""
    return row["n_source"] in ("implied", "assumed")


def p_threshold_only(row) -> bool:
    """True when the effect was derived from 'significant' alone: p set to the assumed
    threshold (``p_threshold_used``)."""
    return bool(pd.notna(row["p_threshold_used"]))


def forensically_flagged(flags) -> bool:
    """True when ``forensic_flags`` (the space-separated row ids of the figures behind an effect
    that failed a forensic check; empty, or missing once read back from CSV, for none) names one."""
    return bool(pd.notna(flags)) and str(flags).strip() != ""


def md_unit(instrument, instruments=None) -> str:
    """What a mean difference on ``instrument`` is counted in: the ``unit`` of its row in
    instruments.csv where given, 'points' for a listed scale without one, '' (no unit word) for an
    instrument the case does not describe (a count or rate: 'points' would be wrong). Without an
    instruments table (``None``) every difference is in points."""
    if instruments is None:
        return "points"
    hit = instruments.loc[instruments["instrument"] == instrument]
    if hit.empty:
        return ""
    unit = hit["unit"].iloc[0] if "unit" in hit.columns else None
    return unit if isinstance(unit, str) and unit.strip() else "points"


def in_unit(value: str, unit: str) -> str:
    """'0.9 points', or '0.9' when the unit is not known."""
    return f"{value} {unit}" if unit else value
