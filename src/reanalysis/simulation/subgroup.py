"""Simulated two-arm trials with a baseline-defined subgroup, vectorised over replicate trials.

Each replicate is a trial of individual patients: per arm, ``n_sub`` patients in the subgroup and
``n_comp`` outside it, each with change scores on ``n_outcomes`` outcomes. Change scores are in
units of their SD (so a scenario's effects are SMDs of change, the ``between_change`` estimand),
equicorrelated across outcomes with correlation ``outcome_correlation`` (one shared factor per
patient). The analysis mirrors what a trial report does with change scores, per outcome:

* whole-sample, subgroup and complement comparisons: pooled-variance two-sample t-tests, two-sided
  (``p_subgroup_significant``; ``p_subgroup_benefit`` adds that the estimate favours the
  intervention);
* the subgroup estimate: Hedges' g = J(df) d with exact J (Hedges 1981), the scale of the effect
  table, so it is compared like with like with a reported g;
* the treatment × subgroup interaction: (d_sub − d_comp) / sqrt(MSE Σ 1/n_cell), MSE pooled
  over the four arm × subgroup cells, df = N − 4 (the interaction t-test of a two-way ANOVA).

The simulation draws each cell's sufficient statistics (per outcome, the mean and the sum of
squared deviations over its patients) from their exact joint sampling distribution
(:func:`_cell_moments`) instead of drawing every patient: the same trials in distribution, with
about 50 random numbers per replicate instead of about 500. ``analyse_cells`` computes the same
statistics from patient-level data (the reference the tests compare with).

All arrays are (replicates, ...); no Python loop runs per patient or per trial, only per chunk of
replicates, which bounds memory for 10⁶ replicates.
"""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy import stats

from reanalysis.effects.formulas import hedges_j

ANALYSES = ("whole", "subgroup", "complement")


@dataclasses.dataclass(frozen=True)
class TrialDesign:
    n_sub: int  # patients per arm inside the subgroup
    n_comp: int  # patients per arm outside it
    n_outcomes: int = 1
    outcome_correlation: float = 0.0
    alpha: float = 0.05

    def __post_init__(self):
        if self.n_sub < 2 or self.n_comp < 2:
            raise ValueError("each arm needs at least 2 patients in and outside the subgroup")
        if self.n_outcomes < 1:
            raise ValueError("n_outcomes must be >= 1")
        if not 0.0 <= self.outcome_correlation < 1.0:
            raise ValueError("outcome_correlation must be in [0, 1)")

    @property
    def n_tests(self) -> int:
        """Tests a trial report can draw a claim from: every outcome in every analysis."""
        return len(ANALYSES) * self.n_outcomes


@dataclasses.dataclass(frozen=True)
class Scenario:
    effect_sub: float  # true SMD of change (intervention − comparator, + = benefit) inside the subgroup
    effect_comp: float  # ... outside it


@dataclasses.dataclass
class ChunkStats:
    """Per-replicate statistics of one chunk. Test arrays are (reps, n_tests) ordered as
    [whole × outcomes, subgroup × outcomes, complement × outcomes]."""

    t: np.ndarray
    df: np.ndarray  # (n_tests,)
    g_sub: np.ndarray  # (reps,) subgroup Hedges' g on the first outcome
    t_interaction: np.ndarray  # (reps,) first outcome
    df_interaction: int


def _cells(rng: np.random.Generator, reps: int, n: int, k: int, rho: float, shift: float):
    """Change scores of one arm × subgroup cell: (reps, n, k), mean ``shift``, SD 1, equicorrelated."""
    x = rng.standard_normal((reps, n, k), dtype=np.float32)
    if rho > 0:
        x *= np.float32(np.sqrt(1.0 - rho))
        x += np.float32(np.sqrt(rho)) * rng.standard_normal((reps, n, 1), dtype=np.float32)
    x += np.float32(shift)
    return x


def _cell_moments(rng: np.random.Generator, reps: int, n: int, k: int, rho: float, shift: float):
    """Mean and sum of squared deviations, (reps, k) each, of a cell of ``n`` patients whose change
    scores are x_jk = shift + sqrt(1 − rho) z_jk + sqrt(rho) f_j (z, f independent N(0, 1)), drawn
    from their exact joint distribution without drawing the patients.

    Normal theory: the means are independent of the deviations, mean_k = shift + (sqrt(1 − rho)
    z̄_k + sqrt(rho) f̄) with z̄_k, f̄ ~ N(0, 1/n). Rotating the deviations onto n − 1 orthonormal
    contrasts (Helmert) gives SS_k = |sqrt(1 − rho) z'_k + sqrt(rho) f'|² with z'_k, f' independent
    N(0, I_{n−1}). Splitting z'_k along f' and orthogonal to it: SS_k = (sqrt(1 − rho) a_k +
    sqrt(rho F))² + (1 − rho) C_k, with F = |f'|² ~ χ²(n − 1), a_k ~ N(0, 1) and C_k ~ χ²(n − 2),
    all independent (the rotation invariance of z'_k)."""
    s1, s0 = np.sqrt(1.0 - rho), np.sqrt(rho)
    mean = shift + (s1 * rng.standard_normal((reps, k)) + s0 * rng.standard_normal((reps, 1))) / (
        np.sqrt(n)
    )
    a = rng.standard_normal((reps, k))
    f = 2.0 * rng.standard_gamma((n - 1) / 2.0, (reps, 1))  # χ²(n − 1)
    c = 2.0 * rng.standard_gamma((n - 2) / 2.0, (reps, k)) if n > 2 else np.zeros((reps, k))
    return mean, (s1 * a + np.sqrt(rho * f)) ** 2 + (1.0 - rho) * c


def _moments(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and sum of squared deviations over patients (axis 1), in float64."""
    n = x.shape[1]
    centred = x - x[:, :1, :]  # shift by the first patient: keeps float32 sums accurate
    s = centred.sum(axis=1, dtype=np.float64)
    ss = np.einsum("ijk,ijk->ik", centred, centred, dtype=np.float64) - s * s / n
    return x[:, 0, :].astype(np.float64) + s / n, ss


def _combine(m1, ss1, n1, m2, ss2, n2):
    """Pool two groups' mean and sum of squares (Chan et al. parallel-variance formula)."""
    n = n1 + n2
    m = (n1 * m1 + n2 * m2) / n
    return m, ss1 + ss2 + (m1 - m2) ** 2 * n1 * n2 / n, n


def _t_two_sample(ma, ssa, na, mb, ssb, nb):
    df = na + nb - 2
    sp2 = (ssa + ssb) / df
    return (ma - mb) / np.sqrt(sp2 * (1.0 / na + 1.0 / nb)), df, np.sqrt(sp2)


def analyse_cells(
    mg_sub: np.ndarray, mg_comp: np.ndarray, pl_sub: np.ndarray, pl_comp: np.ndarray
) -> ChunkStats:
    """Tests of one chunk from its four arm × subgroup cells, each (reps, n_cell, n_outcomes)."""
    return analyse_moments(*((*_moments(x), x.shape[1]) for x in (mg_sub, mg_comp, pl_sub, pl_comp)))


Moments = tuple[np.ndarray, np.ndarray, int]  # mean (reps, k), sum of squares (reps, k), n


def analyse_moments(mg_sub: Moments, mg_comp: Moments, pl_sub: Moments, pl_comp: Moments) -> ChunkStats:
    """Tests of one chunk from its four cells' (mean, sum of squared deviations, n)."""
    (mg_s, ss_mg_s, n_ms), (mg_c, ss_mg_c, n_mc) = mg_sub, mg_comp
    (pl_s, ss_pl_s, n_ps), (pl_c, ss_pl_c, n_pc) = pl_sub, pl_comp
    k = mg_s.shape[1]
    mg_w, ss_mg_w, n_mw = _combine(mg_s, ss_mg_s, n_ms, mg_c, ss_mg_c, n_mc)
    pl_w, ss_pl_w, n_pw = _combine(pl_s, ss_pl_s, n_ps, pl_c, ss_pl_c, n_pc)
    t_w, df_w, _ = _t_two_sample(mg_w, ss_mg_w, n_mw, pl_w, ss_pl_w, n_pw)
    t_s, df_s, sd_s = _t_two_sample(mg_s, ss_mg_s, n_ms, pl_s, ss_pl_s, n_ps)
    t_c, df_c, _ = _t_two_sample(mg_c, ss_mg_c, n_mc, pl_c, ss_pl_c, n_pc)
    df_i = n_ms + n_mc + n_ps + n_pc - 4
    mse = (ss_mg_s + ss_pl_s + ss_mg_c + ss_pl_c)[:, 0] / df_i
    contrast = (mg_s - pl_s)[:, 0] - (mg_c - pl_c)[:, 0]
    t_i = contrast / np.sqrt(mse * (1.0 / n_ms + 1.0 / n_ps + 1.0 / n_mc + 1.0 / n_pc))
    return ChunkStats(
        t=np.concatenate([t_w, t_s, t_c], axis=1),
        df=np.repeat([df_w, df_s, df_c], k),
        g_sub=float(hedges_j(n_ms + n_ps - 2)) * ((mg_s - pl_s) / sd_s)[:, 0],
        t_interaction=t_i,
        df_interaction=df_i,
    )


def simulate_chunk(
    rng: np.random.Generator, design: TrialDesign, scenario: Scenario, reps: int
) -> ChunkStats:
    k, rho = design.n_outcomes, design.outcome_correlation
    ns, nc = design.n_sub, design.n_comp
    return analyse_moments(
        (*_cell_moments(rng, reps, ns, k, rho, scenario.effect_sub), ns),
        (*_cell_moments(rng, reps, nc, k, rho, scenario.effect_comp), nc),
        (*_cell_moments(rng, reps, ns, k, rho, 0.0), ns),
        (*_cell_moments(rng, reps, nc, k, rho, 0.0), nc),
    )


@dataclasses.dataclass
class SimulationSummary:
    reps: int
    p_any_significant_by_k: np.ndarray  # P(at least one of the first k tests has p < alpha)
    p_any_benefit_by_k: np.ndarray  # ... with p < alpha and the estimate favouring the intervention
    p_primary_significant: float  # whole sample, first outcome
    p_subgroup_significant: float  # subgroup, first outcome, two-sided p < alpha
    p_subgroup_benefit: float  # ... and the estimate favours the intervention
    p_interaction_significant: float
    p_subgroup_at_least: float  # P(subgroup Hedges' g >= the reported g)
    g_sub_quantiles: np.ndarray  # 2.5, 25, 50, 75, 97.5 % of the subgroup Hedges' g
    g_sub_histogram: tuple[np.ndarray, np.ndarray]  # counts, edges


HIST_EDGES = np.linspace(-3.0, 3.0, 61)


def simulate(
    design: TrialDesign,
    scenario: Scenario,
    reps: int,
    seed: int,
    chunk: int = 20_000,
    reported_g_sub: float = np.inf,
    workers: int = 2,
) -> SimulationSummary:
    """Run ``reps`` replicate trials in chunks; return frequencies of the claims of interest.

    Chunks run on ``workers`` threads (NumPy's generators release the GIL); each chunk has its own
    generator spawned from ``seed``, so the same (design, scenario, reps, seed, chunk) gives an
    identical result whatever the number of workers. Quantiles of the subgroup
    estimate come from a fixed histogram (bin width 0.1, clipped to ±3) so memory stays bounded.
    """
    n_tests = design.n_tests
    any_sig = np.zeros(n_tests)
    any_ben = np.zeros(n_tests)
    counts = np.zeros(5, dtype=np.int64)  # primary, subgroup (two-sided, benefit), interaction,
    # estimate at least the reported one
    hist = np.zeros(len(HIST_EDGES) - 1)
    sizes = [min(chunk, reps - start) for start in range(0, reps, chunk)]
    seeds = np.random.SeedSequence(seed).spawn(len(sizes))
    k = design.n_outcomes

    def run(i: int):
        cs = simulate_chunk(np.random.default_rng(seeds[i]), design, scenario, sizes[i])
        crit = stats.t.ppf(1.0 - design.alpha / 2.0, cs.df)
        sig = np.abs(cs.t) > crit
        ben = cs.t > crit
        crit_i = stats.t.ppf(1.0 - design.alpha / 2.0, cs.df_interaction)
        return (
            np.logical_or.accumulate(sig, axis=1).sum(axis=0),
            np.logical_or.accumulate(ben, axis=1).sum(axis=0),
            np.array(
                [
                    sig[:, 0].sum(),
                    sig[:, k].sum(),
                    ben[:, k].sum(),
                    (np.abs(cs.t_interaction) > crit_i).sum(),
                    (cs.g_sub >= reported_g_sub).sum(),
                ]
            ),
            np.histogram(np.clip(cs.g_sub, -2.9999, 2.9999), HIST_EDGES)[0],
        )

    # chunk i always uses seeds[i], and counts add up in any order: threads do not change results
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for a_sig, a_ben, c, h in pool.map(run, range(len(sizes))):
            any_sig += a_sig
            any_ben += a_ben
            counts += c
            hist += h
    primary, subgroup, benefit, interaction, at_least = (int(c) for c in counts)
    cdf = np.concatenate([[0.0], np.cumsum(hist) / reps])
    quantiles = np.interp([0.025, 0.25, 0.5, 0.75, 0.975], cdf, HIST_EDGES)
    return SimulationSummary(
        reps=reps,
        p_any_significant_by_k=any_sig / reps,
        p_any_benefit_by_k=any_ben / reps,
        p_primary_significant=primary / reps,
        p_subgroup_significant=subgroup / reps,
        p_subgroup_benefit=benefit / reps,
        p_interaction_significant=interaction / reps,
        p_subgroup_at_least=at_least / reps,
        g_sub_quantiles=quantiles,
        g_sub_histogram=(hist, HIST_EDGES),
    )


def familywise_error_independent(k: int, alpha: float = 0.05) -> float:
    """1 − (1 − alpha)^k: P(at least one of k independent null tests is significant)."""
    return 1.0 - (1.0 - alpha) ** k


def power_two_sample(effect: float, n1: int, n2: int, alpha: float = 0.05) -> float:
    """Exact power of the two-sided pooled t-test via the noncentral t (Cohen 1988, ch. 2)."""
    df = n1 + n2 - 2
    nc = effect * np.sqrt(n1 * n2 / (n1 + n2))
    crit = stats.t.ppf(1.0 - alpha / 2.0, df)
    return float(stats.nct.sf(crit, df, nc) + stats.nct.cdf(-crit, df, nc))
