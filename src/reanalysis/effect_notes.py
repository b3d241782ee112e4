"""Read the ``assumptions`` column of results/effect_sizes.csv (notes such as
``n[study/subgroup/arm]=10; p=0.05; r=0.5``, written by ``comparisons``): which effects rest on an
assumed sample size, and which only on a reported p-value threshold."""

from __future__ import annotations


def assumed_n(assumptions) -> bool:
    """True when a per-arm n behind the effect was not reported: a named assumption (``n[...]=``)
    or the n at which the reported figures reproduce a reported p (``n per arm K implied by``)."""
    return isinstance(assumptions, str) and ("n[" in assumptions or "implied by" in assumptions)


def p_threshold_only(assumptions) -> bool:
    """True when the effect was derived from 'significant' alone: p set to the assumed
    threshold (``p=``)."""
    return isinstance(assumptions, str) and any(
        part.strip().startswith("p=") for part in assumptions.split(";"))
