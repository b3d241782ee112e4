"""Reported figures first: what a reported test statistic determines and what it implies.

The hierarchy for a between-arm mean difference (README, "Evidence hierarchy"):

1. the difference: a reported estimate of it, else the difference of the arms' means (a change is
   end minus baseline);
2. its SE: a reported SE of the difference > its CI > a t statistic > an exact two-sided p
   (Cochrane Handbook 6.5.2.3: SE = |MD| / t_{1-p/2, n1+n2-2}; from a CI, width / 2 t) > the arms'
   SDs and n (change SDs imputed with a pre-post correlation r, Handbook 6.5.2.8);
3. n per arm: reported > implied by the reported statistic together with the reported SDs (the n at
   which they reproduce it, :func:`implied_n`) > a named assumption;
4. r: a named assumption; :func:`implied_r` shows what the reported figures imply for it.

A reported p is *reproduced* when the p recomputed from the reported means and SDs, with every
input anywhere inside its rounding interval, can equal the reported p to its reported precision
and no input was solved from that p; when the n was solved from it the p is *consistent by
construction* (the check cannot fail: what it shows is the range of n that gives it back); else
it is *not reproduced*.
All functions are pure and work on floats.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize, special, stats

from reanalysis.effects import sd_recovery as sdr

# What a p check can say (effect_sizes.csv ``p_check``): the p recomputed from inputs that are all
# independent of it equals it to its precision; n (or an SD) was solved from this p, so the check
# cannot fail and only the range of n that reproduces it is informative; the recomputed p
# disagrees (``p_check_detail`` names the figure).
P_REPRODUCED = "reproduced"
P_BY_CONSTRUCTION = "consistent by construction"
P_NOT_REPRODUCED = "not reproduced"
P_CHECKS = (P_REPRODUCED, P_BY_CONSTRUCTION, P_NOT_REPRODUCED)

N_MAX = 100_000  # largest per-arm n searched when solving for the n a statistic implies


def decimals(x: float | str) -> int:
    """Decimals as reported: from the text when given ('0.930' -> 3), else the float's repr."""
    text = str(x).strip() if isinstance(x, str) else repr(float(x))
    if "e" in text.lower() or "." not in text:
        return 0
    frac = text.split(".")[1]
    return 0 if isinstance(x, float) and frac == "0" else len(frac)


def half_unit(d: int) -> float:
    """Half a unit in the last reported decimal: the rounding half-width 0.5 · 10^-d."""
    return 0.5 * 10.0**-d


def p_two_sample(md, sd, n1, n2) -> float:
    """Two-sided p of the pooled-variance two-sample t-test from the difference and pooled SD."""
    se = sd * math.sqrt(1.0 / n1 + 1.0 / n2)
    return float(2.0 * stats.t.sf(abs(md) / se, n1 + n2 - 2))


def se_from_reported(
    kind: str, value: float | tuple[float, float], md: float, df: float, level: float = 0.95
) -> float:
    """SE of a difference from a reported statistic (Cochrane Handbook 6.5.2.3).

    kind ``se``: the SE itself; ``ci``: (low, high), SE = (high - low) / (2 t_{1-α/2, df});
    ``t``: SE = |MD| / |t|; ``p_value``: SE = |MD| / t_{1-p/2, df}.
    """
    if kind == "se":
        return float(value)
    if kind == "ci":
        lo, hi = value
        return float((hi - lo) / (2.0 * stats.t.ppf(0.5 + level / 2.0, df)))
    if kind == "t":
        return abs(md) / abs(float(value))
    if kind == "p_value":
        return abs(md) / float(sdr.t_from_p(value, df))
    raise ValueError(f"no SE can be derived from a reported {kind!r}")


def p_from_se(md: float, se: float, df: float) -> float:
    """Two-sided p of MD / SE on a t distribution with df degrees of freedom."""
    return float(2.0 * stats.t.sf(abs(md) / se, df))


def t_ci(estimate: float, se: float, df: float, level: float = 0.95) -> tuple[float, float]:
    """estimate ± t_{1-α/2, df} · SE: the CI of a single difference (df = n1 + n2 - 2, or n - 1)."""
    q = float(stats.t.ppf(0.5 + level / 2.0, df))
    return estimate - q * se, estimate + q * se


def p_interval(p: float, d: int) -> tuple[float, float]:
    """Values that round to the reported p (d decimals), clipped to (0, 1)."""
    h = half_unit(d)
    return max(p - h, 1e-300), min(p + h, 1.0)


def t_logsf(x: float, df: float) -> float:
    """log P(T_df > x), the value ``scipy.stats.t.logsf(x, df)`` returns, computed as it computes
    it above the median 0 (log of scipy.special.stdtr(df, -x), on one-element arrays) without its
    per-call argument handling: the root finders below evaluate it tens of thousands of times per
    job (tests/test_effects_reported.py checks it is the same float). Other x and df go to
    scipy.stats."""
    if 0.0 < x < math.inf and 0.0 < df < math.inf:
        with np.errstate(divide="ignore"):  # log 0 = -inf, as scipy.stats
            return float(np.log(special.stdtr(np.array([df]), -np.array([x])))[0])
    return float(stats.t.logsf(x, df))


def implied_n(md: float, sd: float, p: float, n_max: float = N_MAX) -> float:
    """Per-arm n (equal arms, continuous) at which a two-sample t-test of MD with pooled SD gives
    two-sided p. NaN when no n in [2, n_max] does (MD = 0, or p attainable only below n = 2)."""
    if md == 0 or sd <= 0 or not 0 < p < 1:
        return float("nan")

    def f(log_n):  # log p(n) - log p, decreasing in n
        n = math.exp(log_n)
        t = abs(md) / (sd * math.sqrt(2.0 / n))
        return math.log(2.0) + t_logsf(t, 2.0 * n - 2.0) - math.log(p)

    lo, hi = math.log(2.0), math.log(n_max)
    if f(lo) < 0 or f(hi) > 0:
        return float("nan")
    return float(math.exp(optimize.brentq(f, lo, hi, xtol=1e-10)))


def implied_n_range(
    md: float, h_md: float, sds: list[tuple[float, float]], h_sd: float, p: float, d_p: int, sd_of=None
) -> tuple[float, float]:
    """Range of :func:`implied_n` when MD, the SDs and p move within their rounding intervals.

    ``sds`` are the inputs of ``sd_of`` (a function returning the pooled SD, monotone or not: all
    corners of the SD box are tried); the smallest n comes with the largest |MD|, smallest SD and
    largest p, the largest n with the opposite.
    """
    corners = np.array(np.meshgrid(*[[s - h_sd, s + h_sd] for s in sds])).reshape(len(sds), -1).T
    pooled = [sd_of(*c) for c in np.clip(corners, 1e-9, None)]
    p_lo, p_hi = p_interval(p, d_p)
    n_lo = implied_n(abs(md) + h_md, min(pooled), min(p_hi, 1 - 1e-12))
    n_hi = implied_n(max(abs(md) - h_md, 1e-12), max(pooled), p_lo)
    return n_lo, n_hi


def implied_r(
    md: float, sd_pre: tuple[float, float], sd_post: tuple[float, float], n1: float, n2: float, p: float
) -> float:
    """Pre-post correlation r (same in both arms) at which the change-score t-test of MD gives p.

    Change SDs by Handbook 6.5.2.8; p falls as r rises. NaN when no r in [-1, 1) reproduces p.
    """
    from reanalysis.effects.formulas import pooled_sd, sd_change

    def p_at(r):
        s1 = float(sd_change(sd_pre[0], sd_post[0], r))
        s2 = float(sd_change(sd_pre[1], sd_post[1], r))
        sp = float(pooled_sd(s1, n1, s2, n2))
        return p_two_sample(md, max(sp, 1e-12), n1, n2) if sp > 0 else 0.0

    lo, hi = -1.0, 1.0 - 1e-9
    if md == 0 or p_at(lo) < p or p_at(hi) > p:
        return float("nan")
    return float(optimize.brentq(lambda r: p_at(r) - p, lo, hi, xtol=1e-10))


def p_check_phrase(effect) -> str:
    """What the p check of one effect row (effect_sizes.csv) says, in words for the ledger and the
    overview; '' when no reported p was checked. A check by construction is never a confirmation."""
    check = effect.get("p_check")
    if check == P_REPRODUCED:
        return "the reported p is reproduced from the reported means/SDs"
    if check == P_BY_CONSTRUCTION:
        return (
            f"the reported p is consistent with the figures by construction (the n per arm "
            f"was solved from it; every n from {effect['p_n_low']:.0f} to "
            f"{effect['p_n_high']:.0f} per arm gives it back), so it confirms nothing"
        )
    if check == P_NOT_REPRODUCED:
        return f"the reported p is not reproduced: {effect['p_check_detail']}"
    return ""


def p_matches(kind: str, reported: float, d: int, p_low: float, p_high: float) -> bool:
    """Whether recomputed p-values spanning [p_low, p_high] (the inputs' rounding) can give the
    reported one: ``p_value`` to its d decimals, ``p_below``: p < x, ``p_above``: p > x."""
    if kind == "p_value":
        lo, hi = p_interval(reported, d)
        return p_low <= hi and p_high >= lo
    if kind == "p_below":
        return p_low < reported
    if kind == "p_above":
        return p_high > reported
    raise ValueError(f"not a p-value kind: {kind!r}")
