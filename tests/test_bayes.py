"""Bayesian random-effects meta-analysis: exact grid vs brute force, references, NUTS agreement."""

import math

import numpy as np
import pytest
from scipy import integrate, stats

from reanalysis.bayes.exact import posterior_exact
from reanalysis.bayes.priors import TauPrior

HN1 = TauPrior("half_normal", 1.0)
SQRT_2PI = math.sqrt(2 * math.pi)


def test_bcg_reference_values(bcg):
    # issue #3: half-normal(1) on tau, N(0, 2²) on mu -> E[mu] about -0.70, E[tau] about 0.62
    post = posterior_exact(*bcg, HN1, 2.0)
    assert post.mu_mean() == pytest.approx(-0.70, abs=0.015)
    assert post.tau_mean() == pytest.approx(0.62, abs=0.01)


def test_exact_matches_bruteforce_2d_quadrature():
    yi, vi = (0.3, 0.8, -0.1), (0.05, 0.1, 0.08)
    scale, mu_sd = 0.5, 2.0

    def joint(mu, tau):
        """Half-Cauchy(0.5) on tau, N(0, 2²) on mu, y_i ~ N(mu, v_i + tau²): textbook densities in
        plain floats (scipy.stats' per-call overhead made dblquad take half a minute)."""
        dens = 2.0 / (math.pi * scale * (1.0 + (tau / scale) ** 2))
        dens *= math.exp(-0.5 * (mu / mu_sd) ** 2) / (mu_sd * SQRT_2PI)
        for y, v in zip(yi, vi, strict=True):
            s2 = v + tau * tau
            dens *= math.exp(-0.5 * (y - mu) ** 2 / s2) / math.sqrt(s2) / SQRT_2PI
        return dens

    def integral(f):
        return integrate.dblquad(
            lambda mu, tau: f(mu, tau) * joint(mu, tau), 0, 50, -5, 5, epsabs=1e-11, epsrel=1e-9
        )[0]

    z = integral(lambda m, t: 1.0)
    post = posterior_exact(np.array(yi), np.array(vi), TauPrior("half_cauchy", scale), mu_sd)
    assert post.mu_mean() == pytest.approx(integral(lambda m, t: m) / z, abs=1e-4)
    assert post.tau_mean() == pytest.approx(integral(lambda m, t: t) / z, abs=1e-3)
    assert post.prob_mu_above(0.0) == pytest.approx(integral(lambda m, t: float(m > 0)) / z, abs=1e-3)


def test_grid_is_converged(bcg):
    a = posterior_exact(*bcg, HN1, 2.0, n_grid=3000)
    b = posterior_exact(*bcg, HN1, 2.0, n_grid=9000)
    assert np.allclose(a.mu_quantiles(), b.mu_quantiles(), atol=1e-4)
    assert np.allclose(a.tau_quantiles(), b.tau_quantiles(), atol=1e-3)


@pytest.mark.parametrize(
    "prior",
    [
        TauPrior("half_normal", 0.5),
        TauPrior("half_cauchy", 0.5),
        TauPrior("lognormal_tau2", 1.5, -2.0),
        TauPrior("logt_tau2", 2.5, -3.16),
    ],
)
def test_prior_density_integrates_to_one_and_matches_cdf(prior):
    total = integrate.quad(lambda t: np.exp(prior.logpdf(t)), 0, np.inf, limit=500)[0]
    assert total == pytest.approx(1.0, abs=1e-5)
    part = integrate.quad(lambda t: np.exp(prior.logpdf(t)), 0, 0.3, limit=500)[0]
    assert part == pytest.approx(float(prior.cdf(0.3)), abs=1e-6)
    assert float(prior.cdf(prior.quantile(0.7))) == pytest.approx(0.7)


def test_single_study_posterior_shrinks_and_is_proper():
    post = posterior_exact([0.6], [0.2], TauPrior("half_normal", 0.5), 2.0)
    lo, med, hi = post.mu_quantiles()
    assert lo < med < hi and 0 < med < 0.6  # shrunk towards the prior mean 0
    plo, _, phi = post.predictive_quantiles()
    assert plo < lo and phi > hi  # a new study is less certain than mu


def test_shrunken_effects_lie_between_study_and_pooled(bcg):
    post = posterior_exact(*bcg, HN1, 2.0)
    means = post.shrunken()[:, 0]
    yi = bcg[0]
    m = post.mu_mean()
    assert np.all((means - yi) * (means - m) <= 1e-9)
    # the figures' shortcut (means only) is the same number as the table's first column
    np.testing.assert_array_equal(post.shrunken_means(), means)


def test_mixture_cdf_is_the_normal_cdf_mixed_over_the_grid(bcg):
    from scipy import stats

    post = posterior_exact(*bcg, HN1, 2.0)
    x = np.array([-1.5, -0.7, 0.0, 0.4])
    sd = np.sqrt(post.mu_var_given_tau)
    by_scipy = stats.norm.cdf((x[:, None] - post.mu_mean_given_tau) / sd) @ post.weights
    np.testing.assert_array_equal(
        post._mix_cdf(x, post.mu_mean_given_tau, post.mu_var_given_tau), by_scipy
    )


def test_nuts_agrees_with_exact_and_passes_diagnostics(bcg):
    from reanalysis.bayes.nuts import check_diagnostics, posterior_nuts, summary_table
    from reanalysis.bayes.tables import crosscheck

    # the shipped configuration's 2000 draws: at 1000, R-hat of mu straddles 1.01 for any sampler
    tree = posterior_nuts(*bcg, HN1, 2.0, draws=2000, tune=1000, target_accept=0.99, seed=3)
    diag = check_diagnostics(tree)
    assert diag["pass"].all() and diag["parameter"].iloc[-1] == "divergent transitions: 0"
    assert {"mu", "tau", "theta[0]"} <= set(diag["parameter"])
    summ = summary_table(tree)
    assert "eti95_lb" in summ.columns
    post = tree["posterior"]
    table = crosscheck(
        summ,
        {v: post[v].values.ravel() for v in ("mu", "tau")},
        posterior_exact(*bcg, HN1, 2.0),
        multiple=4,
    )
    assert table["ok"].all(), table


def test_failed_diagnostics_name_the_check(bcg):
    from reanalysis.bayes.nuts import DiagnosticsError, check_diagnostics, posterior_nuts

    tree = posterior_nuts(*bcg, HN1, 2.0, draws=30, tune=30, chains=2, seed=1)
    with pytest.raises(DiagnosticsError, match="ess_bulk|R-hat|divergent"):
        check_diagnostics(tree)


def test_unknown_sampler_is_refused(bcg):
    from reanalysis.bayes.nuts import posterior_nuts

    with pytest.raises(ValueError, match="sampler must be"):
        posterior_nuts(*bcg, HN1, 2.0, sampler="stan")


@pytest.mark.parametrize(
    "prior",
    [TauPrior("half_cauchy", 0.5), TauPrior("logt_tau2", 2.5, -3.16), TauPrior("half_normal", 0.5)],
)
def test_single_study_tau_mean_matches_quadrature(prior):
    # k = 1: p(y | tau) = N(y; m0, s0² + v + tau²). A heavy-tailed prior's far tail must be on the
    # grid (its 99.999% quantile), or E[tau | y] is biased (~1e-3 when the grid stopped at 1000).
    y, v, s0 = 0.6, 0.2, 2.0

    def integral(f):  # over u = log tau, in pieces: the log-t prior spans dozens of decades
        def g(u):
            t = np.exp(u)
            return f(t) * np.exp(prior.logpdf(t)) * stats.norm.pdf(y, 0.0, np.sqrt(s0**2 + v + t**2)) * t

        cuts = np.linspace(-60.0, 120.0, 37)
        return sum(
            integrate.quad(g, a, b, epsabs=1e-14, epsrel=1e-12)[0]
            for a, b in zip(cuts[:-1], cuts[1:], strict=True)
        )

    expected = integral(lambda t: t) / integral(lambda t: 1.0)
    assert posterior_exact([y], [v], prior, s0).tau_mean() == pytest.approx(expected, abs=2e-4)


DENSITY_PRIORS = [
    TauPrior("half_normal", 0.5),
    TauPrior("half_cauchy", 0.5),
    TauPrior("lognormal_tau2", 1.5, -2.0),
    TauPrior("logt_tau2", 2.5, -3.16, 5.0),
]


def _scipy_log_density(x, yi, vi, prior, s0, m0):
    """The NUTS model's log density in its unconstrained coordinates, from scipy's densities."""
    k = len(yi)
    mu, u, z, z_new = x[0], x[1], x[2 : 2 + k], x[2 + k]
    if prior.kind in ("half_normal", "half_cauchy"):
        tau = np.exp(u)
        dist = stats.halfnorm if prior.kind == "half_normal" else stats.halfcauchy
        lp_u = dist.logpdf(tau, scale=prior.scale) + u  # Jacobian of tau = exp(u)
    else:
        tau = np.exp(0.5 * u)
        lp_u = (
            stats.norm.logpdf(u, prior.location, prior.scale)
            if prior.kind == "lognormal_tau2"
            else stats.t.logpdf(u, prior.df, prior.location, prior.scale)
        )
    return (
        stats.norm.logpdf(mu, m0, s0)
        + lp_u
        + stats.norm.logpdf(z).sum()
        + stats.norm.logpdf(yi, mu + tau * z, np.sqrt(vi)).sum()
        + stats.norm.logpdf(z_new)
    )


@pytest.mark.parametrize("prior", DENSITY_PRIORS, ids=lambda p: p.kind)
def test_hand_written_density_and_gradient_match_scipy(bcg, prior):
    """bayes_density (what nutpie samples) against scipy's densities, and its gradient against
    central differences, at random points."""
    from reanalysis.bayes import density as bd

    yi, vi = bcg
    data = bd.model_data(yi, vi, prior.kind, prior.scale, prior.location, prior.df, 2.0, 0.3)
    rng = np.random.default_rng(7)
    for _ in range(5):
        x = rng.normal(0.0, 1.0, yi.size + 3)
        grad = np.empty_like(x)
        value = bd.log_density(x, data, grad)
        assert value == pytest.approx(_scipy_log_density(x, yi, vi, prior, 2.0, 0.3), rel=1e-12)
        h, spare = 1e-6, np.empty_like(x)
        numeric = [
            (bd.log_density(x + h * e, data, spare) - bd.log_density(x - h * e, data, spare)) / (2 * h)
            for e in np.eye(x.size)
        ]
        np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-6)
        out = np.empty(2 * yi.size + 4)
        bd.expand(x, data, out)
        tau = out[1]
        np.testing.assert_allclose(out[3 + yi.size : 3 + 2 * yi.size], x[0] + tau * x[2 : 2 + yi.size])


def test_nuts_draws_are_nutpie_sample_draws(bcg):
    """The fit drives nutpie's core as nutpie.sample does: the same draws and statistics."""
    import nutpie

    from reanalysis.bayes import density as bd
    from reanalysis.bayes.nuts import DensityModel, initial_point, posterior_nuts

    yi, vi = bcg
    ours = posterior_nuts(
        yi, vi, HN1, 2.0, draws=60, tune=60, chains=2, cores=1, seed=4, target_accept=0.9
    )
    data = bd.model_data(yi, vi, "half_normal", 1.0, 0.0, 5.0, 2.0)
    model = DensityModel(yi.size, data, lambda s: initial_point(HN1, yi.size, 0.0, s))
    theirs = nutpie.sample(
        model,
        draws=60,
        tune=60,
        chains=2,
        cores=1,
        seed=4,
        save_warmup=False,
        progress_bar=False,
        target_accept=0.9,
    )
    for var in ("mu", "tau", "theta", "theta_new"):
        np.testing.assert_array_equal(ours["posterior"][var].values, theirs["posterior"][var].values)
    for stat in ("diverging", "n_steps", "step_size"):
        np.testing.assert_array_equal(
            ours["sample_stats"][stat].values, theirs["sample_stats"][stat].values
        )


def test_nuts_draws_are_the_same_for_the_same_seed(bcg):
    from reanalysis.bayes.nuts import posterior_nuts

    fits = [posterior_nuts(*bcg, HN1, 2.0, draws=50, tune=50, chains=2, seed=s) for s in (5, 5, 6)]
    same, other = (f["posterior"]["theta_new"].values for f in fits[1:])
    np.testing.assert_array_equal(fits[0]["posterior"]["theta_new"].values, same)
    assert not np.array_equal(same, other)


@pytest.mark.slow
@pytest.mark.parametrize("prior", DENSITY_PRIORS, ids=lambda p: p.kind)
def test_hand_written_density_is_pymc_model_density(bcg, prior):
    """The density nutpie samples is the PyMC model's (the "pymc" sampler's), Jacobian included."""
    from reanalysis.bayes import density as bd
    from reanalysis.bayes.nuts import build_model

    yi, vi = bcg
    model = build_model(yi, vi, prior, 2.0, 0.3)
    logp = model.compile_logp(jacobian=True)
    u_name = "tau_log__" if prior.kind in ("half_normal", "half_cauchy") else "log_tau2"
    data = bd.model_data(yi, vi, prior.kind, prior.scale, prior.location, prior.df, 2.0, 0.3)
    x = np.random.default_rng(8).normal(0.0, 1.0, yi.size + 3)
    point = {"mu": x[0], u_name: x[1], "z": x[2:-1], "z_new": x[-1]}
    assert bd.log_density(x, data, np.empty_like(x)) == pytest.approx(float(logp(point)), rel=1e-10)
