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
    knha_scale: float = np.nan
    knha_truncated: bool = False
    ci_low_knha_raw: float = np.nan
    ci_high_knha_raw: float = np.nan
    pval_knha_raw: float = np.nan

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
    # statsmodels goes on to derive weights, I² and more from its untruncated tau², which can be
    # negative (sqrt of it) or make v_i + tau² exactly 0 (identical yi, equal vi); only tau² is used
    with np.errstate(invalid="ignore", divide="ignore"):
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
    """REML tau²: the global maximiser of the restricted log-likelihood over [0, inf).

    The REML log-likelihood (Viechtbauer 2005 eq. 10) can have an interior local maximum below
    its value at the boundary tau² = 0, where Fisher scoring (metafor's algorithm, eq. 12) may stop.
    So every candidate is compared: the Fisher-scoring answer, every local maximum bracketed by a
    sign change of the score y'PPy - tr P on a dense grid over [0, U], and tau² = 0. U is beyond
    every mode: for tau² >> max v the likelihood is that of equal variances, maximal at
    tau² + v = S/(k-1) (S = Σ(y - ȳ)²), and the score is checked to be negative from U on.
    """
    yi, vi = _check(yi, vi)
    if yi.size < 2:
        return 0.0
    candidates = [0.0, *_reml_local_maxima(yi, vi)]
    fisher = _tau2_reml_fisher(yi, vi, tol, maxiter)
    if fisher is not None:
        candidates.append(fisher)
    loglik = [-_neg_restricted_loglik(t2, yi, vi) for t2 in candidates]
    return float(candidates[int(np.argmax(loglik))])


def _reml_score(tau2, yi, vi):
    """d/dtau² of the REML log-likelihood, times 2: y'PPy - tr P (vectorised over tau²)."""
    t2 = np.atleast_1d(np.asarray(tau2, dtype=float))
    w = 1.0 / (vi[:, None] + t2[None, :])
    sw, sw2 = w.sum(axis=0), (w**2).sum(axis=0)
    resid = yi[:, None] - (w * yi[:, None]).sum(axis=0) / sw
    return (w**2 * resid**2).sum(axis=0) - (sw - sw2 / sw)


def _reml_local_maxima(yi, vi, points: int = 2000) -> list[float]:
    """Every interior local maximum of the REML log-likelihood: roots of the score where it
    turns from positive to negative, bracketed on a grid (0, log-spaced 1e-8 U .. U, linear)."""
    k = yi.size
    spread = float(np.sum((yi - yi.mean()) ** 2)) / (k - 1)
    upper = 4.0 * (spread + float(vi.max())) + 1e-8
    while _reml_score(upper, yi, vi)[0] > 0:  # never taken in theory; a guard, not a search
        upper *= 4.0
    grid = np.unique(
        np.concatenate(
            [[0.0], np.geomspace(1e-8 * upper, upper, points), np.linspace(0.0, upper, points)]
        )
    )
    score = _reml_score(grid, yi, vi)
    turns = np.flatnonzero((score[:-1] > 0) & (score[1:] <= 0))
    return [
        float(
            optimize.brentq(
                lambda t2: _reml_score(t2, yi, vi)[0],
                grid[i],
                grid[i + 1],
                xtol=1e-15,
                rtol=4 * np.finfo(float).eps,
            )
        )
        for i in turns
    ]


def _tau2_reml_fisher(yi, vi, tol: float, maxiter: int) -> float | None:
    """Fisher scoring with step halving (Viechtbauer 2005 eq. 12; metafor's algorithm), started at
    the DL estimate: tau² += (y'PPy - tr P) / tr(PP), P = W - W11'W / Σw, W = diag(1/(v + tau²)).
    None if it does not converge (it can creep along the boundary tau² = 0)."""
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
    return None


def restricted_loglik(tau2, yi, vi) -> float:
    """REML log-likelihood up to a constant (Viechtbauer 2005 eq. 10)."""
    yi, vi = _check(yi, vi)
    return -_neg_restricted_loglik(tau2, yi, vi)


def _neg_restricted_loglik(tau2, yi, vi) -> float:
    """-(REML log-likelihood) up to a constant: ½[Σ log(v + tau²) + log Σw + Σ w (y - μ̂)²]."""
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
    yi,
    vi,
    method: str = "REML",
    knha: bool = False,
    level: float = 0.95,
    pi_method: str = "metafor",
    knha_adhoc: bool = True,
) -> RandomEffectsResult:
    """Random-effects meta-analysis of effects ``yi`` with sampling variances ``vi``.

    mu = Σ w y / Σ w, w = 1/(v + tau²), se = 1/sqrt(Σ w). With ``knha`` the variance is multiplied
    by s² = Σ w (y - mu)² / (k - 1) and t_{k-1} quantiles are used (Knapp & Hartung 2003; metafor
    ``test="knha"``). With ``knha_adhoc`` (default) s² is truncated at 1 (Knapp & Hartung 2003 ad hoc
    improvement, Röver, Knapp & Friede 2015; metafor ``test="adhoc"``), so the interval is never
    narrower than the unadjusted one when Q/(k - 1) < 1; the untruncated interval and p are kept in
    ``ci_*_knha_raw``/``pval_knha_raw``. Prediction interval (metafor ``predict``): mu ± crit
    sqrt(se² + tau²) with the test's critical value; ``pi_method="higgins"`` uses t_{k-2} with the
    unadjusted se (Higgins, Thompson & Spiegelhalter 2009). I² = tau² / (tau² + s²) (metafor).
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
    knha_fields = {}
    if knha:
        scale = float(np.sum(w * (yi - mu) ** 2) / (k - 1))
        crit = stats.t.ppf(1.0 - alpha / 2.0, k - 1)
        se_raw = se_plain * np.sqrt(scale)
        truncated = knha_adhoc and scale < 1.0
        se = se_plain if truncated else float(se_raw)
        stat, pval = _t_test(mu, se, k - 1)
        knha_fields = {
            "knha_scale": scale,
            "knha_truncated": bool(truncated),
            "ci_low_knha_raw": float(mu - crit * se_raw),
            "ci_high_knha_raw": float(mu + crit * se_raw),
            "pval_knha_raw": _t_test(mu, se_raw, k - 1)[1],
        }
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
        method=method,
        knha=knha,
        k=k,
        mu=mu,
        se=se,
        stat=float(stat),
        pval=pval,
        ci_low=mu - crit * se,
        ci_high=mu + crit * se,
        pi_low=float(pi_low),
        pi_high=float(pi_high),
        tau2=float(tau2),
        tau2_ci_low=float(t2_lo),
        tau2_ci_high=float(t2_hi),
        i2=float(i2),
        i2_ci_low=float(i2_lo),
        i2_ci_high=float(i2_hi),
        h2=float(h2),
        q=q,
        q_df=k - 1,
        q_pval=q_p,
        level=level,
        **knha_fields,
    )


def _t_test(mu: float, se: float, df: int) -> tuple[float, float]:
    """z = mu/se and its two-sided t_df p-value; se = 0 (identical effects under Knapp-Hartung)
    gives z = ±inf and p = 0, or z = nan and p = 1 when mu = 0 too, as metafor does."""
    if se > 0:
        stat = mu / se
    else:
        stat = np.copysign(np.inf, mu) if mu != 0 else np.nan
    pval = 1.0 if np.isnan(stat) else float(2.0 * stats.t.sf(abs(stat), df))
    return float(stat), pval
