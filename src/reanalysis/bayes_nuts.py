"""Bayesian random-effects meta-analysis by NUTS (PyMC 6), with ArviZ 1.x diagnostics.

Model (non-centred): mu ~ N(m0, s0²), tau ~ prior, z_i ~ N(0, 1), theta_i = mu + tau z_i,
y_i ~ N(theta_i, v_i); theta_new = mu + tau z_new is the predictive effect of a new study.
"""

from __future__ import annotations

import dataclasses

import arviz as az
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
    """Sample the posterior; returns the ArviZ DataTree that ``pm.sample`` gives in PyMC 6.

    ``sampler``: "nutpie" (numba-compiled NUTS, about 3x faster here for the same model and
    target_accept, same seed -> same draws) or "pymc" (PyMC's own NUTS)."""
    import pymc as pm

    if sampler not in ("nutpie", "pymc"):
        raise ValueError(f"sampler must be 'nutpie' or 'pymc', got {sampler!r}")
    with build_model(yi, vi, tau_prior, mu_prior_sd, mu_prior_mean):
        return pm.sample(draws=draws, tune=tune, chains=chains, cores=cores,
                         target_accept=target_accept, random_seed=seed, progressbar=False,
                         nuts_sampler=sampler)


def summary_table(tree, var_names=("mu", "tau", "theta_new"), prob: float = 0.95) -> pd.DataFrame:
    """ArviZ summary with equal-tailed intervals at ``prob`` (ArviZ 1.x defaults to 89%)."""
    return az.summary(tree, var_names=list(var_names), ci_prob=prob, ci_kind="eti", round_to="none")


def diagnostics_table(tree, thresholds: DiagnosticThresholds = DiagnosticThresholds(),
                      var_names=("mu", "tau", "theta")) -> pd.DataFrame:
    """One row per scalar parameter: R-hat, bulk/tail ESS, MCSE and whether each passes; plus a
    row for the divergent transitions of the whole fit."""
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
