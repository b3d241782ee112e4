"""The confidence interval shown for an effect's mean difference: one rule for every page (the
effect table, the summary of findings, the bottom line and the claims ledger), and the wording of
its level (:func:`ci_label`)."""

from __future__ import annotations

import math
from statistics import NormalDist


def md_interval(
    md: float, md_var: float, md_df: float = math.nan, level: float = 0.95
) -> tuple[float, float]:
    """md ± q·√md_var with q the t quantile t_{(1+level)/2, md_df} when the effect has degrees of
    freedom (a single difference of means: df = n1 + n2 − 2, or n − 1 within an arm; the effect
    table's ``md_ci_low``/``md_ci_high``), else the normal quantile z_{(1+level)/2}."""
    p = 0.5 + level / 2.0
    if md_df is not None and math.isfinite(md_df) and md_df > 0:
        from scipy.special import stdtrit  # the t quantile (Student's t inverse CDF)

        q = float(stdtrit(md_df, p))
    else:
        q = NormalDist().inv_cdf(p)
    se = math.sqrt(md_var)
    return md - q * se, md + q * se


def ci_label(level: float, kind: str = "CI") -> str:
    """The configured interval level in words: ``ci_label(0.95)`` is '95% CI', ``ci_label(0.9,
    'CrI')`` '90% CrI', ``ci_label(0.975)`` '97.5% CI' (the one wording of a level)."""
    return f"{round(100 * level, 6):g}% {kind}"
