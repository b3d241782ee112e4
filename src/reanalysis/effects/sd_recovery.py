"""Recover standard deviations from what a source reports (Cochrane Handbook v6.4, 6.5.2.2-6.5.2.3),
and means/SDs from medians, quartiles and ranges (Wan et al. 2014; Luo et al. 2018).

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


# --- medians, quartiles and ranges (skewed outcomes reported as five-number summaries) ------------
def _xi(n):
    """ξ(n) = 2 Φ⁻¹((n - 0.375) / (n + 0.25)): expected range of n standard normals (Wan 2014)."""
    return 2.0 * stats.norm.ppf((n - 0.375) / (n + 0.25))


def _eta(n):
    """η(n) = 2 Φ⁻¹((0.75 n - 0.125) / (n + 0.25)): expected IQR of n standard normals (Wan 2014)."""
    return 2.0 * stats.norm.ppf((0.75 * n - 0.125) / (n + 0.25))


def mean_from_median_range(median, low, high, n) -> np.ndarray:
    """Mean from median and range (scenario S1): w (a + b)/2 + (1 - w) m, w = 4 / (4 + n^0.75)
    (Luo et al. 2018, Stat Methods Med Res 27:1785, eq. 7)."""
    median, low, high, n = _f(median, low, high, n)
    w = 4.0 / (4.0 + n**0.75)
    return w * (low + high) / 2.0 + (1.0 - w) * median


def mean_from_median_iqr(median, q1, q3, n) -> np.ndarray:
    """Mean from median and quartiles (scenario S3): (0.7 + 0.39/n)(q1 + q3)/2 + (0.3 - 0.39/n) m
    (Luo et al. 2018, eq. 11)."""
    median, q1, q3, n = _f(median, q1, q3, n)
    return (0.7 + 0.39 / n) * (q1 + q3) / 2.0 + (0.3 - 0.39 / n) * median


def mean_from_median_iqr_range(median, q1, q3, low, high, n) -> np.ndarray:
    """Mean from all five numbers (scenario S2): w1 (a + b)/2 + w2 (q1 + q3)/2 + (1 - w1 - w2) m,
    w1 = 2.2 / (2.2 + n^0.75), w2 = 0.7 - 0.72 / n^0.55 (Luo et al. 2018, eq. 15)."""
    median, q1, q3, low, high, n = _f(median, q1, q3, low, high, n)
    w1 = 2.2 / (2.2 + n**0.75)
    w2 = 0.7 - 0.72 / n**0.55
    return w1 * (low + high) / 2.0 + w2 * (q1 + q3) / 2.0 + (1.0 - w1 - w2) * median


def sd_from_range(low, high, n) -> np.ndarray:
    """SD from the range (S1): (b - a) / ξ(n) (Wan et al. 2014, BMC Med Res Methodol 14:135, eq. 7)."""
    low, high, n = _f(low, high, n)
    return (high - low) / _xi(n)


def sd_from_iqr(q1, q3, n) -> np.ndarray:
    """SD from the interquartile range (S3): (q3 - q1) / η(n) (Wan et al. 2014, eq. 16)."""
    q1, q3, n = _f(q1, q3, n)
    return (q3 - q1) / _eta(n)


def sd_from_iqr_range(q1, q3, low, high, n) -> np.ndarray:
    """SD from range and IQR (S2): (b - a) / (2 ξ(n)) + (q3 - q1) / (2 η(n)) (Wan et al. 2014,
    eq. 12)."""
    q1, q3, low, high, n = _f(q1, q3, low, high, n)
    return (high - low) / (2.0 * _xi(n)) + (q3 - q1) / (2.0 * _eta(n))
