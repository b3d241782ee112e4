"""Bayesian outputs beyond the fit: densities, MCID probabilities, figures, and simulation-based
calibration (Talts et al. 2018) on synthetic data with known truth."""

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

from reanalysis.bayes.exact import posterior_exact
from reanalysis.bayes.priors import TauPrior
from reanalysis.bayes.tables import McidMapping, exact_summaries

HN = TauPrior("half_normal", 0.5)


def test_mu_density_is_the_derivative_of_the_cdf(bcg):
    post = posterior_exact(*bcg, HN, 2.0)
    x = np.linspace(-1.5, 0.2, 7)
    h = 1e-5
    deriv = np.array([(post.prob_mu_above(v - h) - post.prob_mu_above(v + h)) / (2 * h) for v in x])
    assert post.mu_density(x) == pytest.approx(deriv, rel=1e-4, abs=1e-6)
    total = integrate.quad(lambda v: post.mu_density(v)[0], -10, 10, limit=200)[0]
    assert total == pytest.approx(1.0, abs=1e-6)


def test_log_tau_density_integrates_to_the_mass_above_tau_min(bcg):
    post = posterior_exact(*bcg, HN, 2.0)
    tau, dens = post.log_tau_density()
    mass = np.sum(dens * np.diff(np.log(post.tau_edges[1:])))
    assert mass == pytest.approx(1.0 - post.weights[0], abs=1e-12)
    # the mode of p(log tau) is where p(tau) * tau peaks; it must sit inside the 95% interval
    lo, hi = post.tau_quantiles((0.025, 0.975))
    assert lo < tau[np.argmax(dens)] < hi


def test_mcid_probability_matches_the_normal_formula_when_tau_is_zero_and_prior_flat():
    # tau prior squeezed onto 0, mu prior very wide: mu | y ~ N(y, v) exactly
    yi, vi = np.array([0.9]), np.array([0.16])
    post = posterior_exact(yi, vi, TauPrior("half_normal", 1e-9), 1e6)
    mcid = McidMapping("pain", 2.0, 1.5, (1.0, 2.5))
    expected = stats.norm.sf(mcid.smd(), loc=0.9, scale=0.4)
    assert post.prob_mu_above(mcid.smd()) == pytest.approx(expected, abs=1e-6)


def _effects(**over):
    """Three placebo-controlled SMDs on one instrument; md / yi = 1.2, 1.4, 1.6 points."""
    return pd.DataFrame(
        {
            "es_id": ["a", "b", "c"],
            "study_id": ["s1", "s2", "s3"],
            "yi": [0.4, 0.7, 0.2],
            "vi": [0.05, 0.08, 0.1],
            "md": [0.48, 0.98, 0.32],
            "estimand": "between_change",
            "subgroup": "all",
            "arm": "between",
            "outcome": "pain",
            "instrument": "NRS 0-10",
            "controlled": True,
        }
        | over
    )


SET = {
    "demo": {
        "label": "demo",
        "controlled_only": False,
        "estimands": ["between_change"],
        "subgroups": ["all"],
        "arms": ["between"],
        "outcomes": ["pain"],
        "mcid_outcome": "pain",
    }
}
MCID = {
    "pain": {
        "value": 2.0,
        "source": "x",
        "reference_sd": {"value": 1.5, "range": [1.0, 2.5], "why": "x"},
    }
}


def test_mcid_uses_the_effects_own_standardiser():
    row = exact_summaries(_effects(), SET, "hn", HN, 2.0, MCID).iloc[0]
    sd = (1.2 / 0.05 + 1.4 / 0.08 + 1.6 / 0.1) / (1 / 0.05 + 1 / 0.08 + 1 / 0.1)
    assert row["reference_sd"] == pytest.approx(sd)
    assert row["mcid_smd"] == pytest.approx(2.0 / sd)
    # a larger SD makes the same 2 points a smaller SMD, so the probability can only grow
    assert row["p_mu_gt_mcid_sd_low"] <= row["p_mu_gt_mcid"] <= row["p_mu_gt_mcid_sd_high"]
    assert row["mu_natural_q50"] == pytest.approx(row["mu_q50"] * sd)


@pytest.mark.parametrize(
    "over, reason",
    [
        ({"controlled": False}, "not all placebo-controlled"),
        ({"instrument": ["NRS 0-10", "VAS 0-100", "NRS 0-10"]}, "different instruments"),
        ({"md": [0.48, np.nan, 0.32]}, "no mean difference"),
    ],
)
def test_mcid_is_not_computed_for_mixed_or_uncontrolled_sets(over, reason):
    row = exact_summaries(_effects(**over), SET, "hn", HN, 2.0, MCID).iloc[0]
    assert reason in row["mcid_note"]
    assert "p_mu_gt_mcid" not in row or pd.isna(row["p_mu_gt_mcid"])


def test_set_asking_for_an_unknown_mcid_outcome_fails_clearly():
    bad = {"demo": SET["demo"] | {"mcid_outcome": "sleep"}}
    with pytest.raises(KeyError, match="mcid_outcome 'sleep'"):
        exact_summaries(_effects(), bad, "hn", HN, 2.0, MCID)


def test_bayes_figures_have_one_panel_row_per_estimable_set():
    from reanalysis.bayes.plots import bayes_forest_plot, posterior_density_plot, shrinkage_plot
    from reanalysis.bayes.tables import fit_sets

    sets = SET | {"empty": SET["demo"] | {"outcomes": ["sleep"], "label": "empty"}}
    fits = {
        "hn": fit_sets(_effects(), sets, HN, 2.0),
        "hc": fit_sets(_effects(), sets, TauPrior("half_cauchy", 0.5), 2.0),
    }
    dens = posterior_density_plot(fits, sets, {"hn": "HN", "hc": "HC"})
    assert len(dens.axes) == 2  # the empty set has no posterior and no row
    assert len(dens.axes[0].lines) == 3  # two priors + the zero line
    assert len(shrinkage_plot(fits["hn"], sets).axes) == 1
    forest = bayes_forest_plot(fits["hn"], sets, "HN")
    texts = [t.get_text() for t in forest.axes[0].texts]
    assert sum("s1 ·" in t or "s2 ·" in t or "s3 ·" in t for t in texts) == 3


def _simulate(rng, prior, k, s0):
    mu = rng.normal(0, s0)
    tau = float(prior.quantile(rng.uniform()))
    vi = rng.uniform(0.02, 0.3, size=k)
    yi = rng.normal(mu + tau * rng.normal(size=k), np.sqrt(vi))
    return mu, tau, yi, vi


@pytest.mark.parametrize(
    "prior", [HN, TauPrior("logt_tau2", 2.5, location=-3.16, df=5)], ids=["half_normal", "rhodes_logt"]
)
def test_exact_posterior_is_calibrated(prior):
    """SBC with the exact posterior: the posterior CDF at the true value is Uniform(0, 1)."""
    rng = np.random.default_rng(20221022)
    u_mu, u_tau = [], []
    for _ in range(400):
        mu, tau, yi, vi = _simulate(rng, prior, 4, 1.0)
        post = posterior_exact(yi, vi, prior, 1.0, n_grid=800)
        u_mu.append(1.0 - post.prob_mu_above(mu))
        cdf = np.concatenate([[0.0], np.cumsum(post.weights)])
        u_tau.append(np.interp(tau, post.tau_edges, cdf))
    assert stats.kstest(u_mu, "uniform").pvalue > 0.001
    assert stats.kstest(u_tau, "uniform").pvalue > 0.001


def test_calibration_check_detects_a_wrong_posterior():
    """The SBC check above can fail: fitting with the wrong prior on mu breaks uniformity."""
    rng = np.random.default_rng(7)
    u = []
    for _ in range(400):
        mu, _, yi, vi = _simulate(rng, HN, 4, 1.0)
        u.append(1.0 - posterior_exact(yi, vi, HN, 0.1, n_grid=800).prob_mu_above(mu))
    assert stats.kstest(u, "uniform").pvalue < 0.001


@pytest.mark.slow
def test_nuts_is_calibrated():
    """SBC for the PyMC model (Talts et al. 2018): rank of the true mu and tau among thinned draws."""
    from reanalysis.bayes.nuts import posterior_nuts

    rng = np.random.default_rng(11)
    ranks = {"mu": [], "tau": []}
    for rep in range(40):
        mu, tau, yi, vi = _simulate(rng, HN, 4, 1.0)
        tree = posterior_nuts(
            yi, vi, HN, 1.0, draws=250, tune=500, chains=4, target_accept=0.95, seed=rep
        )
        for name, truth in (("mu", mu), ("tau", tau)):
            draws = tree["posterior"][name].values.ravel()[::10]  # 100 draws, thinned
            ranks[name].append((np.sum(draws < truth) + rng.uniform()) / (len(draws) + 1))
    for name, u in ranks.items():
        assert stats.kstest(u, "uniform").pvalue > 0.001, name


def test_shrunken_table_has_one_row_per_pooled_study_between_data_and_mean():
    from reanalysis.bayes.tables import shrunken_table

    table = shrunken_table(_effects(), SET, "hn", HN, 2.0)
    assert list(table["es_id"]) == ["a", "b", "c"]
    assert (table["theta_q025"] < table["theta_mean"]).all()
    assert (table["theta_mean"] < table["theta_q975"]).all()
    row = exact_summaries(_effects(), SET, "hn", HN, 2.0, MCID).iloc[0]
    lo = np.minimum(table["yi"], row["mu_mean"])
    hi = np.maximum(table["yi"], row["mu_mean"])
    assert ((table["theta_mean"] >= lo - 1e-9) & (table["theta_mean"] <= hi + 1e-9)).all()
