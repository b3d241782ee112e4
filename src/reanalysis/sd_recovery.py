"""Recover standard deviations from what a source reports (Cochrane Handbook v6.4, 6.5.2.2-6.5.2.3).

All functions are vectorised. Two-sided p-values and t-based intervals throughout; the large-sample
normal versions (the Handbook's 3.92 divisor) are the limit of these as n grows.
"""

from __future__ import annotations

import numpy as np
from scipy import stats


def _f(*arrays):
    return tuple(np.asarray(a, dtype=float) for a in arrays)


def sd_from_se(se, n) -> np.ndarray:
    """SD = SE · sqrt(n) for a single group mean (Handbook 6.5.2.2)."""
    se, n = _f(se, n)
    return se * np.sqrt(n)


def sd_from_ci_mean(lower, upper, n, level: float = 0.95) -> np.ndarray:
    """SD of one group from a CI of its mean: sqrt(n) (upper - lower) / (2 t_{1-α/2, n-1}) (6.5.2.2)."""
    lower, upper, n = _f(lower, upper, n)
    t = stats.t.ppf(0.5 + level / 2.0, n - 1)
    return np.sqrt(n) * (upper - lower) / (2.0 * t)


def se_from_ci_difference(lower, upper, n1, n2, level: float = 0.95) -> np.ndarray:
    """SE of a difference in means from its CI: (upper - lower) / (2 t_{1-α/2, n1+n2-2}) (6.5.2.3)."""
    lower, upper, n1, n2 = _f(lower, upper, n1, n2)
    return (upper - lower) / (2.0 * stats.t.ppf(0.5 + level / 2.0, n1 + n2 - 2))


def sd_from_se_difference(se, n1, n2) -> np.ndarray:
    """Common within-group SD from the SE of a difference: SD = SE / sqrt(1/n1 + 1/n2) (6.5.2.3)."""
    se, n1, n2 = _f(se, n1, n2)
    return se / np.sqrt(1.0 / n1 + 1.0 / n2)


def t_from_p(p, df) -> np.ndarray:
    """|t| for a two-sided p-value on df degrees of freedom: t_{1-p/2, df} (6.5.2.3)."""
    p, df = _f(p, df)
    if np.any((p <= 0) | (p >= 1)):
        raise ValueError("p-value must lie strictly between 0 and 1")
    return stats.t.isf(p / 2.0, df)


def sd_from_t_difference(md, t, n1, n2) -> np.ndarray:
    """Common SD from a two-sample t statistic: SE = |MD| / |t|, then :func:`sd_from_se_difference`."""
    md, t, n1, n2 = _f(md, t, n1, n2)
    return sd_from_se_difference(np.abs(md) / np.abs(t), n1, n2)


def sd_from_p_difference(md, p, n1, n2) -> np.ndarray:
    """Common SD from an exact two-sided p of a two-sample t-test (6.5.2.3)."""
    n1, n2 = _f(n1, n2)
    return sd_from_t_difference(md, t_from_p(p, n1 + n2 - 2), n1, n2)


def dz_from_p_paired(p, n) -> np.ndarray:
    """Change-score standardised mean change d_z = t / sqrt(n) from an exact paired-test p.

    The sign is lost in a p-value: the result is |d_z|; the caller supplies the direction.
    """
    p, n = _f(p, n)
    return t_from_p(p, n - 1) / np.sqrt(n)
