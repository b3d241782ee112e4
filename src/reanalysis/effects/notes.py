"""Read the ``assumptions`` column of results/effect_sizes.csv (notes such as
``n[study/subgroup/arm]=10; p=0.05; r=0.5``, written by ``reanalysis.effects``): which effects
rest on an assumed sample size, and which only on a reported p-value threshold."""

from __future__ import annotations


def assumed_n(assumptions) -> bool:
    """True when a per-arm n behind the effect was not reported: a named assumption (``n[...]=``)
    or the n at which the reported figures reproduce a reported p (``n per arm K implied by``)."""
    return isinstance(assumptions, str) and ("n[" in assumptions or "implied by" in assumptions)


def p_threshold_only(assumptions) -> bool:
    """True when the effect was derived from 'significant' alone: p set to the assumed
    threshold (``p=``)."""
    return isinstance(assumptions, str) and any(
        part.strip().startswith("p=") for part in assumptions.split(";")
    )


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
