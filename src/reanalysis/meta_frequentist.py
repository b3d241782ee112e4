"""Frequentist random-effects meta-analysis (normal-normal model), validated against metafor 3.8.

tau² estimators: DerSimonian-Laird and Paule-Mandel from statsmodels' ``combine_effects``
(truncated at 0 as in metafor); REML by Fisher scoring (Viechtbauer 2005, as in metafor).
Pooling, Knapp-Hartung (HKSJ) adjustment, prediction interval, Q, I² and the Q-profile CI for tau²
follow metafor's ``rma.uni``/``confint``/``predict`` definitions.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
from scipy import optimize, stats
from statsmodels.stats.meta_analysis import combine_effects

METHODS = ("REML", "DL", "PM")


@dataclasses.dataclass(frozen=True)
class RandomEffectsResult:
    """Pooled random-effects estimate; *_low/*_high are (level)-intervals."""

    method: str
    knha: bool
    k: int
    mu: float
    se: float
    stat: float
    pval: float
    ci_low: float
    ci_high: float
    pi_low: float
    pi_high: float
    tau2: float
    tau2_ci_low: float
    tau2_ci_high: float
    i2: float
    i2_ci_low: float
    i2_ci_high: float
    h2: float
    q: float
    q_df: int
    q_pval: float
    level: float

    @property
    def tau(self) -> float:
        return float(np.sqrt(self.tau2))

    def as_dict(self) -> dict:
        return dataclasses.asdict(self) | {"tau": self.tau}


def _check(yi, vi) -> tuple[np.ndarray, np.ndarray]:
    yi = np.asarray(yi, dtype=float).ravel()
    vi = np.asarray(vi, dtype=float).ravel()
    if yi.shape != vi.shape or yi.size == 0:
        raise ValueError("yi and vi must be non-empty and of equal length")
    if not (np.all(np.isfinite(yi)) and np.all(np.isfinite(vi))):
        raise ValueError("yi and vi must be finite")
    if np.any(vi <= 0):
        raise ValueError("sampling variances vi must be > 0")
    return yi, vi


def q_statistic(yi, vi) -> float:
    """Cochran's Q = Σ w (y - ȳ_w)², w = 1/v."""
    yi, vi = _check(yi, vi)
    w = 1.0 / vi
    return float(np.sum(w * (yi - np.sum(w * yi) / np.sum(w)) ** 2))


def tau2_dl(yi, vi) -> float:
    """DerSimonian-Laird tau² (statsmodels ``combine_effects(method_re="dl")``), truncated at 0."""
    yi, vi = _check(yi, vi)
    if yi.size < 2:
        return 0.0
    with np.errstate(invalid="ignore"):  # statsmodels takes sqrt of its untruncated tau²
        return max(0.0, float(combine_effects(yi, vi, method_re="dl").tau2))


def tau2_pm(yi, vi) -> float:
    """Paule-Mandel tau²: the root of Q(tau²) = k - 1 (Paule & Mandel 1982), 0 if Q(0) < k - 1.

    statsmodels' ``combine_effects(method_re="pm")`` is used first; its Newton iteration returns 0
    when a step overshoots the root (seen with statsmodels 0.15), so its answer is checked against
    the estimating equation and, if it fails, the root is bracketed instead.
    """
    yi, vi = _check(yi, vi)
    k = yi.size
    if k < 2 or generalized_q(yi, vi, 0.0) <= k - 1:
        return 0.0
    with np.errstate(invalid="ignore"):
        fit = combine_effects(yi, vi, method_re="pm", atol=1e-12, maxiter=1000)
    tau2 = max(0.0, float(fit.tau2))
    if abs(generalized_q(yi, vi, tau2) - (k - 1)) < 1e-8:
        return tau2
    return _solve_generalized_q(yi, vi, k - 1, xtol=1e-14)


def tau2_reml(yi, vi, tol: float = 1e-12, maxiter: int = 1000) -> float:
    """REML tau² by Fisher scoring with step halving (Viechtbauer 2005 eq. 12; metafor's algorithm).

    Update: tau² += (y'PPy - tr P) / tr(PP), with P = W - W11'W / Σw, W = diag(1/(v + tau²)).
    """
    yi, vi = _check(yi, vi)
    if yi.size < 2:
        return 0.0
    tau2 = tau2_dl(yi, vi)
    for _ in range(maxiter):
        w = 1.0 / (vi + tau2)
        sw, sw2, sw3 = w.sum(), (w**2).sum(), (w**3).sum()
        resid = yi - np.sum(w * yi) / sw
        ypy = np.sum(w**2 * resid**2)
        tr_p = sw - sw2 / sw
        tr_pp = sw2 - 2.0 * sw3 / sw + sw2**2 / sw**2
        step = (ypy - tr_p) / tr_pp
        while tau2 + step < 0:
            step /= 2.0
            if abs(step) < tol:
                step = -tau2
                break
        tau2 += step
        if abs(step) < tol:
            return float(max(tau2, 0.0))
    # Fisher scoring can creep along the tau² = 0 boundary; maximise the restricted likelihood
    # directly instead (bounded Brent search).
    upper = max(10.0 * float(np.var(yi)), 10.0 * float(vi.max()))
    opt = optimize.minimize_scalar(_neg_restricted_loglik, bounds=(0.0, upper), args=(yi, vi),
                                   method="bounded", options={"xatol": 1e-12})
    if _neg_restricted_loglik(0.0, yi, vi) <= opt.fun:
        return 0.0

    def score(t2):  # d/dtau² of the REML log-likelihood x 2: y'PPy - tr P
        w = 1.0 / (vi + t2)
        r = yi - np.sum(w * yi) / w.sum()
        return np.sum(w**2 * r**2) - (w.sum() - (w**2).sum() / w.sum())

    lo, hi = max(0.0, opt.x * 0.9 - 1e-6), opt.x * 1.1 + 1e-6
    if score(lo) > 0 > score(hi):  # polish Brent's ~1e-8 answer to the score's root
        return float(optimize.brentq(score, lo, hi, xtol=1e-15))
    return float(opt.x)


def _neg_restricted_loglik(tau2, yi, vi) -> float:
    """-2 x REML log-likelihood / 2, up to a constant (Viechtbauer 2005 eq. 10)."""
    w = 1.0 / (vi + tau2)
    mu = np.sum(w * yi) / w.sum()
    return 0.5 * float(np.sum(np.log(vi + tau2)) + np.log(w.sum()) + np.sum(w * (yi - mu) ** 2))


_TAU2 = {"REML": tau2_reml, "DL": tau2_dl, "PM": tau2_pm}


def typical_within_variance(vi) -> float:
    """s² = (k-1) Σw / ((Σw)² - Σw²), Higgins & Thompson 2002 eq. 9 (metafor's I² denominator)."""
    w = 1.0 / np.asarray(vi, dtype=float)
    return float((w.size - 1) * w.sum() / (w.sum() ** 2 - (w**2).sum()))


def generalized_q(yi, vi, tau2: float) -> float:
    """Q(tau²) = Σ (y - μ̂(tau²))² / (v + tau²); Q-profile pivot (Viechtbauer 2007)."""
    w = 1.0 / (vi + tau2)
    return float(np.sum(w * (yi - np.sum(w * yi) / w.sum()) ** 2))


def _solve_generalized_q(yi, vi, target: float, xtol: float = 1e-12) -> float:
    """The tau² > 0 where Q(tau²) = target (Q decreases in tau²; needs Q(0) >= target)."""
    hi = max(1.0, 10.0 * np.var(yi))
    while generalized_q(yi, vi, hi) > target:
        hi *= 10.0
    return float(optimize.brentq(lambda t2: generalized_q(yi, vi, t2) - target, 0.0, hi, xtol=xtol))


def tau2_qprofile_ci(yi, vi, level: float = 0.95) -> tuple[float, float]:
    """Q-profile CI for tau²: the tau² where Q(tau²) hits the χ²_{k-1} quantiles (Viechtbauer 2007)."""
    yi, vi = _check(yi, vi)
    k = yi.size
    if k < 2:
        return (np.nan, np.nan)
    alpha = 1.0 - level
    crit_for_low = stats.chi2.ppf(1.0 - alpha / 2.0, k - 1)
    crit_for_high = stats.chi2.ppf(alpha / 2.0, k - 1)

    def solve(crit: float) -> float:
        return 0.0 if generalized_q(yi, vi, 0.0) < crit else _solve_generalized_q(yi, vi, crit)

    return solve(crit_for_low), solve(crit_for_high)


def fit_random_effects(
    yi, vi, method: str = "REML", knha: bool = False, level: float = 0.95, pi_method: str = "metafor"
) -> RandomEffectsResult:
    """Random-effects meta-analysis of effects ``yi`` with sampling variances ``vi``.

    mu = Σ w y / Σ w, w = 1/(v + tau²), se = 1/sqrt(Σ w); with ``knha`` the se is rescaled by
    Σ w (y - mu)² / (k - 1) and t_{k-1} quantiles are used (Knapp & Hartung 2003; no truncation,
    as metafor 3.8). Prediction interval (metafor ``predict``): mu ± crit sqrt(se² + tau²) with the
    test's critical value; ``pi_method="higgins"`` uses t_{k-2} with the unadjusted se
    (Higgins, Thompson & Spiegelhalter 2009). I² = tau² / (tau² + s²) (metafor).
    """
    yi, vi = _check(yi, vi)
    method = method.upper()
    if method not in _TAU2:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    k = yi.size
    if knha and k < 2:
        warnings.warn("Knapp-Hartung needs k >= 2; using the normal approximation", stacklevel=2)
        knha = False
    tau2 = _TAU2[method](yi, vi)
    w = 1.0 / (vi + tau2)
    mu = float(np.sum(w * yi) / w.sum())
    se_plain = float(np.sqrt(1.0 / w.sum()))
    alpha = 1.0 - level
    if knha:
        se = float(np.sqrt(np.sum(w * (yi - mu) ** 2) / ((k - 1) * w.sum())))
        crit = stats.t.ppf(1.0 - alpha / 2.0, k - 1)
        stat = mu / se
        pval = float(2.0 * stats.t.sf(abs(stat), k - 1))
    else:
        se = se_plain
        crit = stats.norm.ppf(1.0 - alpha / 2.0)
        stat = mu / se
        pval = float(2.0 * stats.norm.sf(abs(stat)))
    if k < 2:
        pi_low = pi_high = np.nan
    elif pi_method == "metafor":
        half = crit * np.sqrt(se**2 + tau2)
        pi_low, pi_high = mu - half, mu + half
    elif pi_method == "higgins":
        if k < 3:
            pi_low = pi_high = np.nan
        else:
            half = stats.t.ppf(1.0 - alpha / 2.0, k - 2) * np.sqrt(se_plain**2 + tau2)
            pi_low, pi_high = mu - half, mu + half
    else:
        raise ValueError("pi_method must be 'metafor' or 'higgins'")
    q = q_statistic(yi, vi)
    if k >= 2:
        s2 = typical_within_variance(vi)
        t2_lo, t2_hi = tau2_qprofile_ci(yi, vi, level)

        def i2_of(t2):
            return 100.0 * t2 / (t2 + s2)

        i2, i2_lo, i2_hi, h2 = i2_of(tau2), i2_of(t2_lo), i2_of(t2_hi), (tau2 + s2) / s2
        q_p = float(stats.chi2.sf(q, k - 1))
    else:
        t2_lo = t2_hi = i2 = i2_lo = i2_hi = h2 = q_p = np.nan
    return RandomEffectsResult(
        method=method, knha=knha, k=k, mu=mu, se=se, stat=float(stat), pval=pval,
        ci_low=mu - crit * se, ci_high=mu + crit * se, pi_low=float(pi_low), pi_high=float(pi_high),
        tau2=float(tau2), tau2_ci_low=float(t2_lo), tau2_ci_high=float(t2_hi),
        i2=float(i2), i2_ci_low=float(i2_lo), i2_ci_high=float(i2_hi), h2=float(h2),
        q=q, q_df=k - 1, q_pval=q_p, level=level,
    )
