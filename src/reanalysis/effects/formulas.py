"""Effect sizes for continuous outcomes, vectorised over NumPy arrays.

Conventions: differences are *group 1 minus group 2* (or *post minus pre*), exactly as in
metafor's ``escalc``; orienting them so that "positive = benefit" is the caller's job
(see :func:`orient_benefit`).
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaln

ArrayLike = np.typing.ArrayLike


def hedges_j(df: ArrayLike, exact: bool = True) -> np.ndarray:
    """Small-sample correction factor J for Cohen's d.

    Exact: J = Γ(df/2) / (sqrt(df/2) Γ((df-1)/2))  (Hedges 1981; metafor ``.cmicalc``).
    Approximate: J = 1 - 3 / (4 df - 1)  (Borenstein 2009 eq. 4.22).
    """
    df = np.asarray(df, dtype=float)
    if np.any(df <= 1):
        raise ValueError("Hedges' correction needs df > 1")
    if not exact:
        return 1.0 - 3.0 / (4.0 * df - 1.0)
    return np.exp(gammaln(df / 2.0) - 0.5 * np.log(df / 2.0) - gammaln((df - 1.0) / 2.0))


def pooled_sd(sd1: ArrayLike, n1: ArrayLike, sd2: ArrayLike, n2: ArrayLike) -> np.ndarray:
    """Pooled within-group SD, Borenstein 2009 eq. 4.19."""
    sd1, n1, sd2, n2 = (np.asarray(a, dtype=float) for a in (sd1, n1, sd2, n2))
    return np.sqrt(((n1 - 1) * sd1**2 + (n2 - 1) * sd2**2) / (n1 + n2 - 2))


def mean_difference(m1, sd1, n1, m2, sd2, n2) -> tuple[np.ndarray, np.ndarray]:
    """Raw mean difference m1 - m2 and its variance sd1²/n1 + sd2²/n2 (Borenstein 2009 eq. 4.5):
    unequal variances, metafor ``escalc("MD")``'s default ``vtype="LS"``."""
    m1, sd1, n1, m2, sd2, n2 = (np.asarray(a, dtype=float) for a in (m1, sd1, n1, m2, sd2, n2))
    return m1 - m2, sd1**2 / n1 + sd2**2 / n2


def hedges_g(md, sd, n1, n2, exact: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Hedges' g of a mean difference ``md`` standardised by a within-group SD ``sd``.

    d = md / sd (eq. 4.18), V_d = (n1+n2)/(n1 n2) + d² / (2 (n1+n2)) (eq. 4.20), g = J d,
    V_g = J² V_d with J on n1 + n2 - 2 df (eqs. 4.22-4.24), Borenstein et al. 2009; metafor
    ``escalc("SMD", vtype="LS2")``. ``sd`` is the pooled SD of the arms, or the SD that a reported
    SE of the difference implies (SE / sqrt(1/n1 + 1/n2), Cochrane Handbook 6.5.2.3).
    """
    md, sd, n1, n2 = (np.asarray(a, dtype=float) for a in (md, sd, n1, n2))
    d = md / sd
    vd = (n1 + n2) / (n1 * n2) + d**2 / (2.0 * (n1 + n2))
    j = hedges_j(n1 + n2 - 2, exact=exact)
    return j * d, j**2 * vd


def smd_independent(m1, sd1, n1, m2, sd2, n2, exact: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Hedges' g for two independent groups and its variance: :func:`hedges_g` of m1 - m2 with the
    pooled SD (Borenstein et al. 2009 eqs. 4.18-4.24); identical to metafor
    ``escalc("SMD", vtype="LS2")``.
    """
    m1, sd1, n1, m2, sd2, n2 = (np.asarray(a, dtype=float) for a in (m1, sd1, n1, m2, sd2, n2))
    return hedges_g(m1 - m2, pooled_sd(sd1, n1, sd2, n2), n1, n2, exact=exact)


def ratio_of_means(m1, sd1, n1, m2, sd2, n2) -> tuple[np.ndarray, np.ndarray]:
    """Log ratio of means log(m1 / m2) and its variance sd1²/(n1 m1²) + sd2²/(n2 m2²)
    (Hedges, Gurevitch & Curtis 1999, Ecology 80:1150, eq. 9; metafor ``escalc("ROM")``). Means
    must be positive (a ratio scale); NaN otherwise."""
    m1, sd1, n1, m2, sd2, n2 = (np.asarray(a, dtype=float) for a in (m1, sd1, n1, m2, sd2, n2))
    ok = (m1 > 0) & (m2 > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.where(ok, np.log(np.where(ok, m1 / m2, 1.0)), np.nan)
        v = np.where(ok, sd1**2 / (n1 * m1**2) + sd2**2 / (n2 * m2**2), np.nan)
    return y, v


def sd_change(sd_pre: ArrayLike, sd_post: ArrayLike, r: ArrayLike) -> np.ndarray:
    """SD of change scores from baseline/final SDs and their correlation r.

    SD_change = sqrt(SD_pre² + SD_post² - 2 r SD_pre SD_post), Cochrane Handbook 6.5.2.8.
    """
    sd_pre, sd_post, r = (np.asarray(a, dtype=float) for a in (sd_pre, sd_post, r))
    if np.any((r < -1) | (r > 1)):
        raise ValueError("correlation r must lie in [-1, 1]")
    return np.sqrt(sd_pre**2 + sd_post**2 - 2.0 * r * sd_pre * sd_post)


def smd_change_between(
    pre1, post1, sdpre1, sdpost1, n1, pre2, post2, sdpre2, sdpost2, n2, r, exact: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Hedges' g of change scores between two arms (change = post - pre).

    Change SDs imputed with :func:`sd_change` (Cochrane Handbook 6.5.2.8), then
    :func:`smd_independent` on the changes.
    """
    c1 = np.asarray(post1, dtype=float) - np.asarray(pre1, dtype=float)
    c2 = np.asarray(post2, dtype=float) - np.asarray(pre2, dtype=float)
    return smd_independent(
        c1, sd_change(sdpre1, sdpost1, r), n1, c2, sd_change(sdpre2, sdpost2, r), n2, exact=exact
    )


def mean_change_var(sd_change_, n) -> np.ndarray:
    """Variance of a mean change within one arm: SD_change² / n (metafor ``escalc("MC")``)."""
    sd_change_, n = (np.asarray(a, dtype=float) for a in (sd_change_, n))
    return sd_change_**2 / n


def smd_change_within(pre, post, sd_pre, n, r, exact: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Standardised mean change with raw-score standardisation (Becker 1988).

    g = J (post - pre) / SD_pre with J on df = n - 1, V = 2 (1 - r) / n + g² / (2 n);
    metafor ``escalc("SMCR")``. Comparable in scale to a between-group SMD (Morris & DeShon 2002).
    """
    pre, post, sd_pre, n, r = (np.asarray(a, dtype=float) for a in (pre, post, sd_pre, n, r))
    g = hedges_j(n - 1, exact=exact) * (post - pre) / sd_pre
    return g, 2.0 * (1.0 - r) / n + g**2 / (2.0 * n)


def smcr_from_dz(dz, n, r, exact: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Convert a change-score-standardised effect d_z = mean_change / SD_change to the SMCR scale.

    d_raw = d_z sqrt(2 (1 - r)) assuming equal pre/post SDs (Morris & DeShon 2002 eq. 11),
    then J and the SMCR variance of :func:`smd_change_within`.
    """
    dz, n, r = (np.asarray(a, dtype=float) for a in (dz, n, r))
    g = hedges_j(n - 1, exact=exact) * dz * np.sqrt(2.0 * (1.0 - r))
    return g, 2.0 * (1.0 - r) / n + g**2 / (2.0 * n)


def orient_benefit(effect: ArrayLike, lower_is_better: ArrayLike) -> np.ndarray:
    """Flip the sign where a lower score is better, so that positive = improvement."""
    effect = np.asarray(effect, dtype=float)
    return np.where(np.asarray(lower_is_better, dtype=bool), -effect, effect)
