"""Phrases the ledger's sentences share: a list joined in words, the studies a claim is traced to,
an estimate with its interval, a probability as a chance or a share in words, and a figure that
rests on an assumption with its range beside it. Pure formatting of typed values; the sentences
that use them are :mod:`reanalysis.ledger.effect_wording`'s and :mod:`reanalysis.ledger.wording`'s.
"""

from __future__ import annotations

import numpy as np

from reanalysis.ledger.evidence import StudyRef

__all__ = ["chance", "fmt_ci", "join", "share", "traced", "with_range"]


def join(words: list[str]) -> str:
    """'a', 'a and b', 'a, b and c' (each word once)."""
    words = list(dict.fromkeys(words))
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def traced(refs: tuple[StudyRef, ...]) -> str:
    """The ledger's ``traced_to``: 'citation (design)' per study."""
    return "; ".join(f"{r.citation} ({r.design})" for r in refs)


def fmt_ci(est, lo, hi, digits=2, label="95% CI") -> str:
    """'0.52 (95% CI 0.08 to 0.95)'; ``label`` from ``effects.intervals.ci_label`` for a pooled interval
    (the configured level). Study-level intervals are 95% (``effects.assumptions.LEVEL``)."""
    return f"{est:.{digits}f} ({label} {lo:.{digits}f} to {hi:.{digits}f})"


def chance(p: float) -> str:
    """A probability in words a reader can take: 'less than 1%' rather than 'about 0%'."""
    if not np.isfinite(p):
        return "not known"
    if p < 0.01:
        return "less than 1%"
    if p > 0.99:
        return "more than 99%"
    return f"about {p:.0%}"


def share(p: float) -> str:
    """A probability as a bare percentage, to the precision that keeps it apart from 0 and 1
    ('0.6%', '23%', '99.9%'; 'under 0.1%', 'over 99.9%')."""
    if not np.isfinite(p):
        return "not known"
    if p < 0.001:
        return "under 0.1%"
    if p > 0.999:
        return "over 99.9%"
    return f"{p:.0%}" if 0.01 <= p <= 0.99 else f"{p:.1%}"


def with_range(p: float, low: float, high: float, over: str) -> str:
    """A figure that rests on an assumption, with its range over the assumption's range beside
    it: 'about 95% (23% to 99.9% over ...)' (never the favourable end alone)."""
    main = share(p)
    return f"{main if main[0].isalpha() else 'about ' + main} ({share(low)} to {share(high)} {over})"
