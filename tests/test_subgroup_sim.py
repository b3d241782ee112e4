"""Subgroup simulator: each statistic against a reference implementation (scipy, statsmodels OLS),
simulated frequencies against exact noncentral-t power, and determinism."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.special import gammaln

from reanalysis.simulation import subgroup as sim


def _mcse(p, reps):
    return np.sqrt(p * (1 - p) / reps)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(2, 12),
    st.integers(2, 12),
    st.integers(2, 12),
    st.integers(2, 12),
    st.integers(0, 2**32 - 1),
)
def test_cell_statistics_match_scipy_and_ols(n_ms, n_mc, n_ps, n_pc, seed):
    rng = np.random.default_rng(seed)
    cells = [
        rng.normal(loc, 1.0, size=(1, n, 2)).astype(np.float32)
        for loc, n in ((0.5, n_ms), (0.0, n_mc), (0.0, n_ps), (0.2, n_pc))
    ]
    out = sim.analyse_cells(*cells)
    mg_s, mg_c, pl_s, pl_c = (c[0].astype(float) for c in cells)
    # whole sample, subgroup, complement: pooled-variance t-tests (scipy reference)
    for j, (a, b) in enumerate(
        ((np.vstack([mg_s, mg_c]), np.vstack([pl_s, pl_c])), (mg_s, pl_s), (mg_c, pl_c))
    ):
        ref = stats.ttest_ind(a, b, axis=0)  # equal_var=True
        assert out.t[0, 2 * j : 2 * j + 2] == pytest.approx(ref.statistic, rel=1e-4, abs=1e-5)
    # interaction: the arm x subgroup term of a two-way linear model (statsmodels reference)
    y = np.concatenate([c[:, 0] for c in (mg_s, mg_c, pl_s, pl_c)])
    df = pd.DataFrame(
        {
            "y": y,
            "mg": np.repeat([1, 1, 0, 0], [n_ms, n_mc, n_ps, n_pc]),
            "sub": np.repeat([1, 0, 1, 0], [n_ms, n_mc, n_ps, n_pc]),
        }
    )
    fit = smf.ols("y ~ mg * sub", df).fit()
    assert out.t_interaction[0] == pytest.approx(fit.tvalues["mg:sub"], rel=1e-4, abs=1e-5)
    assert out.df_interaction == fit.df_resid


@pytest.mark.parametrize("n, k, rho", [(2, 2, 0.5), (6, 3, 0.0), (9, 4, 0.6)])
def test_sufficient_statistics_have_the_distribution_of_simulated_patients(n, k, rho):
    """The drawn (mean, SS) of a cell against normal theory and against drawing the patients."""
    reps, shift = 60_000, 0.3
    mean, ss = sim._cell_moments(np.random.default_rng(1), reps, n, k, rho, shift)
    ref_mean, ref_ss = sim._moments(sim._cells(np.random.default_rng(2), reps, n, k, rho, shift))
    # exact moments: mean ~ N(shift, 1/n), SS ~ chi2(n - 1), corr(mean_1, mean_2) = rho,
    # corr(SS_1, SS_2) = rho^2 (Wishart with equicorrelation rho)
    se = 4 / np.sqrt(reps)
    assert mean.mean() == pytest.approx(shift, abs=se)
    assert (mean.var(axis=0) * n) == pytest.approx(np.ones(k), abs=6 * se)
    assert ss.mean(axis=0) / (n - 1) == pytest.approx(np.ones(k), abs=6 * se)
    assert ss.var(axis=0) / (2 * (n - 1)) == pytest.approx(np.ones(k), abs=20 * se)
    assert np.corrcoef(mean[:, 0], mean[:, 1])[0, 1] == pytest.approx(rho, abs=se)
    assert np.corrcoef(ss[:, 0], ss[:, 1])[0, 1] == pytest.approx(rho**2, abs=2 * se)
    for drawn, patients in ((mean[:, 0], ref_mean[:, 0]), (ss[:, 1], ref_ss[:, 1])):
        assert stats.ks_2samp(drawn, patients).pvalue > 1e-3
    # the statistic that couples the outcomes: the smallest SS across them
    assert stats.ks_2samp(ss.min(axis=1), ref_ss.min(axis=1)).pvalue > 1e-3


def test_one_test_has_size_alpha_and_independent_outcomes_give_the_textbook_fwer():
    design = sim.TrialDesign(n_sub=10, n_comp=10, n_outcomes=5, outcome_correlation=0.0)
    res = sim.simulate(design, sim.Scenario(0.0, 0.0), reps=100_000, seed=1)
    assert abs(res.p_primary_significant - 0.05) < 4 * _mcse(0.05, res.reps)
    # the first 5 tests are 5 independent outcomes in the whole sample
    ref = sim.familywise_error_independent(5)
    assert abs(res.p_any_significant_by_k[4] - ref) < 4 * _mcse(ref, res.reps)
    # later tests reuse the same patients: the family-wise rate grows, but below independence
    assert res.p_any_significant_by_k[-1] > res.p_any_significant_by_k[4]
    assert res.p_any_significant_by_k[-1] < sim.familywise_error_independent(design.n_tests)


def test_simulated_power_matches_the_noncentral_t():
    design = sim.TrialDesign(n_sub=8, n_comp=12, n_outcomes=1)
    effect = 1.1
    res = sim.simulate(design, sim.Scenario(effect, 0.0), reps=60_000, seed=5)
    df = 2 * 8 - 2
    crit = stats.t.ppf(0.975, df)
    ref_sub = stats.nct.sf(crit, df, effect * np.sqrt(8 * 8 / 16))
    assert abs(res.p_subgroup_benefit - ref_sub) < 4 * _mcse(ref_sub, res.reps)
    ref_two = ref_sub + stats.nct.cdf(-crit, df, effect * np.sqrt(8 * 8 / 16))  # two-sided
    assert abs(res.p_subgroup_significant - ref_two) < 4 * _mcse(ref_two, res.reps)
    df_i = 2 * 8 + 2 * 12 - 4
    nc_i = effect / np.sqrt(2 / 8 + 2 / 12)
    crit_i = stats.t.ppf(0.975, df_i)
    ref_i = stats.nct.sf(crit_i, df_i, nc_i) + stats.nct.cdf(-crit_i, df_i, nc_i)
    assert abs(res.p_interaction_significant - ref_i) < 4 * _mcse(ref_i, res.reps)
    assert sim.power_two_sample(effect, 8, 8) == pytest.approx(
        ref_sub + stats.nct.cdf(-crit, df, effect * 2), abs=1e-12
    )


def test_correlated_outcomes_make_fewer_false_positives():
    base = dict(n_sub=10, n_comp=10, n_outcomes=6)
    low = sim.simulate(
        sim.TrialDesign(**base, outcome_correlation=0.0), sim.Scenario(0, 0), 40_000, seed=2
    )
    high = sim.simulate(
        sim.TrialDesign(**base, outcome_correlation=0.8), sim.Scenario(0, 0), 40_000, seed=2
    )
    assert high.p_any_significant_by_k[-1] < low.p_any_significant_by_k[-1] - 0.05


def test_same_seed_same_result_whatever_the_number_of_threads():
    design = sim.TrialDesign(n_sub=5, n_comp=7, n_outcomes=3, outcome_correlation=0.3)
    a = sim.simulate(design, sim.Scenario(0.5, 0.0), 25_000, seed=9, chunk=4_000, workers=1)
    b = sim.simulate(design, sim.Scenario(0.5, 0.0), 25_000, seed=9, chunk=4_000, workers=3)
    np.testing.assert_array_equal(a.p_any_benefit_by_k, b.p_any_benefit_by_k)
    np.testing.assert_array_equal(a.g_sub_histogram[0], b.g_sub_histogram[0])
    assert a.p_interaction_significant == b.p_interaction_significant
    c = sim.simulate(design, sim.Scenario(0.5, 0.0), 25_000, seed=10, chunk=4_000)
    assert c.p_interaction_significant != a.p_interaction_significant


def test_subgroup_estimate_distribution_is_centred_on_the_truth():
    design = sim.TrialDesign(n_sub=20, n_comp=20)
    res = sim.simulate(design, sim.Scenario(0.8, 0.0), 40_000, seed=4, reported_g_sub=0.8)
    # the estimate is Hedges' g = J d, d = sqrt(2/n) T with T ~ noncentral t(df, delta sqrt(n/2))
    df, scale = 38, np.sqrt(2 / 20)
    j = np.exp(gammaln(df / 2) - gammaln((df - 1) / 2)) * np.sqrt(2 / df)  # Hedges 1981
    nct = stats.nct(df, 0.8 / scale)
    assert res.g_sub_quantiles[2] == pytest.approx(j * scale * nct.median(), abs=0.02)
    at_least = nct.sf(0.8 / (j * scale))  # P(g >= 0.8): the reported g on its own scale
    assert abs(res.p_subgroup_at_least - at_least) < 4 * _mcse(at_least, res.reps)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(n_sub=1, n_comp=5),
        dict(n_sub=5, n_comp=5, n_outcomes=0),
        dict(n_sub=5, n_comp=5, outcome_correlation=1.0),
    ],
)
def test_impossible_designs_are_refused(kwargs):
    with pytest.raises(ValueError):
        sim.TrialDesign(**kwargs)
