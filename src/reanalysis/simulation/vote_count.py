"""Vote counting: what "k of n studies reported improvement" can and cannot tell.

* Exact binomial inference on the share of positive studies: Clopper-Pearson interval, the sign
  test (H0: share = 1/2) and the Beta(a, b) posterior (conjugate; Gelman et al. BDA3 §2.4).
* The chance that ``k`` or more of the studies report an improvement when the true effect is
  ``delta``: an uncontrolled pre-post study "improves" when its paired t-test is significant in
  the direction of benefit, and its observed change carries the non-specific response (placebo
  response) and regression to the mean on top of ``delta``; a controlled study subtracts its
  comparator arm, so only ``delta`` counts.
  Per study the probability is an exact noncentral-t power (Cohen 1988, ch. 2); the count of
  positives is Poisson-binomial (computed exactly by convolution) and cross-checked by simulation.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy import stats

DESIGNS = ("uncontrolled", "controlled")
# What a "reported improvement" is: a significant test in the direction of benefit, or any
# observed change in that direction (a review counting studies may mean either).
CRITERIA = ("significant", "direction")


@dataclasses.dataclass(frozen=True)
class VoteStudy:
    label: str
    n: int  # patients analysed (uncontrolled) or in total across two arms (controlled)
    design: str

    def __post_init__(self):
        if self.design not in DESIGNS:
            raise ValueError(f"study {self.label!r}: design must be one of {DESIGNS}")
        if self.n < (2 if self.design == "uncontrolled" else 4):
            raise ValueError(f"study {self.label!r}: n={self.n} is too small for a t-test")


def binomial_summary(
    positive: int, total: int, prior: tuple[float, float] = (1.0, 1.0), level: float = 0.95
) -> dict:
    """Share of positive studies with exact CI, sign test and Beta posterior."""
    if not 0 <= positive <= total or total < 1:
        raise ValueError(f"need 0 <= positive <= total and total >= 1, got {positive}/{total}")
    test = stats.binomtest(positive, total, 0.5, alternative="greater")
    two_sided = stats.binomtest(positive, total, 0.5)
    ci = two_sided.proportion_ci(confidence_level=level, method="exact")
    a, b = prior[0] + positive, prior[1] + total - positive
    post = stats.beta(a, b)
    tail = (1.0 - level) / 2.0
    return {
        "positive": positive,
        "total": total,
        "share": positive / total,
        "ci_low": ci.low,
        "ci_high": ci.high,
        "sign_test_p_one_sided": test.pvalue,
        "sign_test_p_two_sided": two_sided.pvalue,
        "posterior": f"Beta({a:g}, {b:g})",
        "posterior_mean": post.mean(),
        "posterior_low": post.ppf(tail),
        "posterior_high": post.ppf(1.0 - tail),
        "p_share_gt_half": post.sf(0.5),
    }


def _df_nc(study: VoteStudy, delta: float, nonspecific: float) -> tuple[int, float]:
    if study.design == "uncontrolled":
        return study.n - 1, (delta + nonspecific) * np.sqrt(study.n)
    n1 = study.n // 2
    return study.n - 2, delta * np.sqrt(n1 * (study.n - n1) / study.n)


def _critical(df, alpha: float, criterion: str):
    if criterion not in CRITERIA:
        raise ValueError(f"criterion must be one of {CRITERIA}, got {criterion!r}")
    return stats.t.ppf(1.0 - alpha / 2.0, df) if criterion == "significant" else 0.0


def prob_positive(
    study: VoteStudy,
    delta: float,
    nonspecific: float,
    alpha: float = 0.05,
    criterion: str = "significant",
) -> float:
    """P(the study reports an improvement): its t statistic exceeds t_{1-alpha/2} (criterion
    "significant") or 0 (criterion "direction").

    Uncontrolled: paired t-test, noncentrality (delta + nonspecific) sqrt(n), df n - 1, with
    effects as SMDs of the change score. Controlled: two-sample t-test with n/2 per arm,
    noncentrality delta sqrt(n1 n2 / n), df n - 2 (the non-specific response cancels; a crossover would
    have more power, so this errs towards fewer positive controlled studies).
    """
    df, nc = _df_nc(study, delta, nonspecific)
    return float(stats.nct.sf(_critical(df, alpha, criterion), df, nc))


def poisson_binomial_sf(probs, k: int) -> float:
    """P(at least k successes) among independent trials with success probabilities ``probs``."""
    dist = np.array([1.0])
    for p in probs:
        dist = np.convolve(dist, [1.0 - p, p])
    return float(dist[k:].sum())


def prob_at_least(
    studies: list[VoteStudy],
    k: int,
    delta: float,
    nonspecific: float,
    alpha: float = 0.05,
    criterion: str = "significant",
) -> float:
    return poisson_binomial_sf(
        [prob_positive(s, delta, nonspecific, alpha, criterion) for s in studies], k
    )


def simulate_at_least(
    studies: list[VoteStudy],
    k: int,
    delta: float,
    nonspecific: float,
    reps: int,
    seed,
    alpha: float = 0.05,
    criterion: str = "significant",
) -> float:
    """Monte Carlo version of :func:`prob_at_least`: draw each study's t statistic as
    (Z + nc) / sqrt(chi²_df / df), vectorised over replicates."""
    return float(
        simulate_at_least_grid(studies, k, [(delta, nonspecific)], reps, seed, alpha, criterion)[0]
    )


def simulate_at_least_grid(
    studies: list[VoteStudy],
    k: int,
    points,
    reps: int,
    seed,
    alpha: float = 0.05,
    criterion: str = "significant",
) -> np.ndarray:
    """:func:`simulate_at_least` at every (delta, nonspecific) of ``points`` with common random
    numbers: each study's Z and chi² draws (which do not depend on the effect) are shared by all
    points, so the simulated curve is smooth and the draws are made once; each point is still a
    plain Monte Carlo estimate with binomial MCSE."""
    rng = np.random.default_rng(seed)
    draws = [
        (rng.standard_normal(reps), rng.chisquare(_df_nc(s, 0.0, 0.0)[0], reps)) for s in studies
    ]  # df does not depend on the effect
    out = np.empty(len(points))
    for i, (delta, nonspecific) in enumerate(points):
        positive = np.zeros(reps, dtype=np.int64)
        for s, (z, chi2) in zip(studies, draws, strict=True):
            df, nc = _df_nc(s, delta, nonspecific)
            positive += (z + nc) / np.sqrt(chi2 / df) > _critical(df, alpha, criterion)
        out[i] = np.mean(positive >= k)
    return out
