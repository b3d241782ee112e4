"""Bayesian random-effects meta-analysis by NUTS, with ArviZ 1.x diagnostics.

Model (non-centred): mu ~ N(m0, s0²), tau ~ prior, z_i ~ N(0, 1), theta_i = mu + tau z_i,
y_i ~ N(theta_i, v_i); theta_new = mu + tau z_new is the predictive effect of a new study.
Sampler "nutpie" (the default): nutpie's NUTS on the hand-written log density of
:mod:`reanalysis.bayes_density` (numba, cached on disk: no PyMC import, no compilation after the
first run); "pymc": the same model in PyMC (:func:`build_model`) sampled by PyMC's own NUTS.
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pandas as pd

from .priors import TauPrior


class DiagnosticsError(RuntimeError):
    """A NUTS fit failed a convergence check; the message names each failed check."""


@dataclasses.dataclass(frozen=True)
class DiagnosticThresholds:
    max_rhat: float = 1.01
    min_ess: float = 400.0
    max_divergences: int = 0


def build_model(yi, vi, tau_prior: TauPrior, mu_prior_sd: float, mu_prior_mean: float = 0.0):
    import pymc as pm

    yi = np.asarray(yi, dtype=float)
    coords = {"study": np.arange(yi.size)}
    with pm.Model(coords=coords) as model:
        mu = pm.Normal("mu", mu=mu_prior_mean, sigma=mu_prior_sd)
        tau = tau_prior.pymc_tau("tau")
        z = pm.Normal("z", 0.0, 1.0, dims="study")
        theta = pm.Deterministic("theta", mu + tau * z, dims="study")
        pm.Normal("y", mu=theta, sigma=np.sqrt(np.asarray(vi, dtype=float)), observed=yi,
                  dims="study")
        z_new = pm.Normal("z_new", 0.0, 1.0)
        pm.Deterministic("theta_new", mu + tau * z_new)
    return model


def posterior_nuts(
    yi, vi, tau_prior: TauPrior, mu_prior_sd: float, mu_prior_mean: float = 0.0, *,
    draws: int = 2000, tune: int = 1000, chains: int = 4, cores: int = 2,
    target_accept: float = 0.95, seed: int = 0, sampler: str = "nutpie",
):
    """Sample the posterior; returns an ArviZ DataTree (groups posterior and sample_stats; mu,
    tau, theta, theta_new among the posterior's variables). The same seed gives the same draws.

    ``sampler``: "nutpie" (the hand-written density, module docstring) or "pymc"."""
    if sampler not in ("nutpie", "pymc"):
        raise ValueError(f"sampler must be 'nutpie' or 'pymc', got {sampler!r}")
    if sampler == "nutpie":
        return _sample_nutpie(yi, vi, tau_prior, mu_prior_sd, mu_prior_mean, draws=draws,
                              tune=tune, chains=chains, cores=cores,
                              target_accept=target_accept, seed=seed)
    import pymc as pm

    with build_model(yi, vi, tau_prior, mu_prior_sd, mu_prior_mean):
        return pm.sample(draws=draws, tune=tune, chains=chains, cores=cores,
                         target_accept=target_accept, random_seed=seed, progressbar=False,
                         nuts_sampler=sampler)


def initial_point(tau_prior: TauPrior, k: int, mu_prior_mean: float, seed) -> np.ndarray:
    """A chain's starting point in the unconstrained coordinates of :mod:`bayes_density`:
    mu at its prior mean, tau at the prior's scale (log tau² at its location), z = 0, each
    jittered by U(-1, 1) drawn from ``seed`` (as PyMC's default initialisation)."""
    half = tau_prior.kind in ("half_normal", "half_cauchy")
    base = np.zeros(k + 3)
    base[0] = mu_prior_mean
    base[1] = np.log(tau_prior.scale) if half else tau_prior.location
    return base + np.random.default_rng(seed).uniform(-1.0, 1.0, k + 3)


def _sample_nutpie(yi, vi, tau_prior, mu_prior_sd, mu_prior_mean, *, draws, tune, chains, cores,
                   target_accept, seed):
    import nutpie

    from . import bayes_density as bd

    yi = np.asarray(yi, dtype=float)
    data = bd.model_data(yi, vi, tau_prior.kind, tau_prior.scale, tau_prior.location,
                         tau_prior.df, mu_prior_sd, mu_prior_mean)
    model = _nutpie_model_class()(dims={"z": ("study",), "theta": ("study",)}, k=yi.size,
                                  data=data, init=lambda s: initial_point(tau_prior, yi.size,
                                                                          mu_prior_mean, s))
    return nutpie.sample(model, draws=draws, tune=tune, chains=chains, cores=cores, seed=seed,
                         save_warmup=False, progress_bar=False, target_accept=target_accept)


@functools.cache
def _nutpie_model_class():
    """nutpie's model interface over the compiled callbacks of :mod:`bayes_density` (defined on
    first use: importing nutpie imports ArviZ). Built as nutpie builds a PyMC model
    (``nutpie.compile_pymc.CompiledPyMCModel``), with our functions' addresses."""
    from nutpie import _lib
    from nutpie.sample import CompiledModel

    from . import bayes_density as bd

    @dataclasses.dataclass(frozen=True)
    class DensityModel(CompiledModel):
        k: int = 0
        data: np.ndarray = None
        init: object = None

        @property
        def n_dim(self):
            return self.k + 3

        @property
        def coords(self):
            return {"study": np.arange(self.k)}

        @property
        def shapes(self):
            return dict(zip(*bd.expanded_layout(self.k), strict=True))

        def _make_sampler(self, settings, init_mean, cores, progress_type, extra_callback,
                          extra_callback_rate, store):
            return _lib.PySampler.from_pymc(settings, cores, self._make_model(init_mean),
                                            progress_type, extra_callback, extra_callback_rate,
                                            store)

        def _make_model(self, init_mean):
            names, shapes = bd.expanded_layout(self.k)
            address = self.data.ctypes.data
            logp = _lib.LogpFunc(bd.logp_callback.address, address, self)
            expand = _lib.ExpandFunc(self.n_dim, 2 * self.k + 4, bd.expand_callback.address,
                                     address, self)
            variables = _lib.PyVariable.new_variables(names, ["float64"] * len(names), shapes,
                                                      {"study": self.k}, self.dims)
            return _lib.PyMcModel(logp, expand, variables, self.n_dim, {"study": self.k},
                                  self.coords, self.init, None)

    return DensityModel


def summary_table(tree, var_names=("mu", "tau", "theta_new"), prob: float = 0.95) -> pd.DataFrame:
    """ArviZ summary with equal-tailed intervals at ``prob`` (ArviZ 1.x defaults to 89%)."""
    import arviz as az

    return az.summary(tree, var_names=list(var_names), ci_prob=prob, ci_kind="eti", round_to="none")


def diagnostics_table(tree, thresholds: DiagnosticThresholds = DiagnosticThresholds(),
                      var_names=("mu", "tau", "theta")) -> pd.DataFrame:
    """One row per scalar parameter: R-hat, bulk/tail ESS, MCSE and whether each passes; plus a
    row for the divergent transitions of the whole fit."""
    import arviz as az

    summ = az.summary(tree, var_names=list(var_names), kind="diagnostics", round_to="none")
    table = summ[["r_hat", "ess_bulk", "ess_tail", "mcse_mean"]].reset_index(names="parameter")
    table["pass"] = ((table["r_hat"] < thresholds.max_rhat)
                     & (table[["ess_bulk", "ess_tail"]].min(axis=1) >= thresholds.min_ess))
    div = int(tree["sample_stats"]["diverging"].sum())
    table.loc[len(table)] = {"parameter": f"divergent transitions: {div}",
                             "pass": div <= thresholds.max_divergences}
    return table


def check_diagnostics(tree, thresholds: DiagnosticThresholds = DiagnosticThresholds(),
                      var_names=("mu", "tau", "theta")) -> pd.DataFrame:
    """Raise :class:`DiagnosticsError` naming every failed check; return the diagnostics table."""
    table = diagnostics_table(tree, thresholds, var_names)
    params = table.iloc[:-1].set_index("parameter")
    failures = []
    worst_rhat = float(params["r_hat"].max())
    if not worst_rhat < thresholds.max_rhat:
        failures.append(f"R-hat {worst_rhat:.4f} >= {thresholds.max_rhat} "
                        f"({params['r_hat'].idxmax()})")
    for col in ("ess_bulk", "ess_tail"):
        worst = float(params[col].min())
        if worst < thresholds.min_ess:
            failures.append(f"{col} {worst:.0f} < {thresholds.min_ess:.0f} ({params[col].idxmin()})")
    div = int(tree["sample_stats"]["diverging"].sum())
    if div > thresholds.max_divergences:
        failures.append(f"{div} divergent transitions (allowed {thresholds.max_divergences}); "
                        "raise target_accept or reparameterise")
    if failures:
        raise DiagnosticsError("NUTS diagnostics failed: " + "; ".join(failures))
    return table
