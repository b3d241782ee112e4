"""Bayesian random-effects meta-analysis by NUTS, with ArviZ 1.x diagnostics.

Model (non-centred): mu ~ N(m0, s0²), tau ~ prior, z_i ~ N(0, 1), theta_i = mu + tau z_i,
y_i ~ N(theta_i, v_i); theta_new = mu + tau z_new is the predictive effect of a new study.
Sampler "nutpie" (the default): nutpie's NUTS on the hand-written log density of
:mod:`reanalysis.bayes.density` (numba, cached on disk: no PyMC import, no compilation after the
first run); "pymc": the same model in PyMC (:func:`build_model`) sampled by PyMC's own NUTS.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from reanalysis.bayes.priors import TauPrior


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
        pm.Normal("y", mu=theta, sigma=np.sqrt(np.asarray(vi, dtype=float)), observed=yi, dims="study")
        z_new = pm.Normal("z_new", 0.0, 1.0)
        pm.Deterministic("theta_new", mu + tau * z_new)
    return model


def posterior_nuts(
    yi,
    vi,
    tau_prior: TauPrior,
    mu_prior_sd: float,
    mu_prior_mean: float = 0.0,
    *,
    draws: int = 2000,
    tune: int = 1000,
    chains: int = 4,
    cores: int = 2,
    target_accept: float = 0.95,
    seed: int = 0,
    sampler: str = "nutpie",
):
    """Sample the posterior; returns an ArviZ DataTree (groups posterior and sample_stats; mu,
    tau, theta, theta_new among the posterior's variables). The same seed gives the same draws.

    ``sampler``: "nutpie" (the hand-written density, module docstring) or "pymc"."""
    if sampler not in ("nutpie", "pymc"):
        raise ValueError(f"sampler must be 'nutpie' or 'pymc', got {sampler!r}")
    if sampler == "nutpie":
        return _sample_nutpie(
            yi,
            vi,
            tau_prior,
            mu_prior_sd,
            mu_prior_mean,
            draws=draws,
            tune=tune,
            chains=chains,
            cores=cores,
            target_accept=target_accept,
            seed=seed,
        )
    import pymc as pm

    with build_model(yi, vi, tau_prior, mu_prior_sd, mu_prior_mean):
        return pm.sample(
            draws=draws,
            tune=tune,
            chains=chains,
            cores=cores,
            target_accept=target_accept,
            random_seed=seed,
            progressbar=False,
            nuts_sampler=sampler,
        )


def initial_point(tau_prior: TauPrior, k: int, mu_prior_mean: float, seed) -> np.ndarray:
    """A chain's starting point in the unconstrained coordinates of :mod:`bayes_density`:
    mu at its prior mean, tau at the prior's scale (log tau² at its location), z = 0, each
    jittered by U(-1, 1) drawn from ``seed`` (as PyMC's default initialisation)."""
    half = tau_prior.kind in ("half_normal", "half_cauchy")
    base = np.zeros(k + 3)
    base[0] = mu_prior_mean
    base[1] = np.log(tau_prior.scale) if half else tau_prior.location
    return base + np.random.default_rng(seed).uniform(-1.0, 1.0, k + 3)


def _sample_nutpie(
    yi, vi, tau_prior, mu_prior_sd, mu_prior_mean, *, draws, tune, chains, cores, target_accept, seed
):
    """nutpie's NUTS (diagonal mass-matrix adaptation, its default) on :class:`DensityModel`,
    driven as ``nutpie.sample`` drives it (same settings, so the same draws:
    tests/test_bayes.py), through nutpie's compiled core: importing the ``nutpie`` package
    imports ArviZ with its plotting (matplotlib), a second or more of a fit that plots nothing."""
    from arviz_base import from_dict

    from reanalysis.bayes import density as bd

    lib = nutpie_core()
    yi = np.asarray(yi, dtype=float)
    data = bd.model_data(
        yi,
        vi,
        tau_prior.kind,
        tau_prior.scale,
        tau_prior.location,
        tau_prior.df,
        mu_prior_sd,
        mu_prior_mean,
    )
    model = DensityModel(yi.size, data, lambda s: initial_point(tau_prior, yi.size, mu_prior_mean, s))
    settings = lib.PyNutsSettings.Diag(seed)
    settings.update(
        {"target_accept": target_accept, "num_tune": tune, "num_draws": draws, "num_chains": chains}
    )
    sampler = model._make_sampler(
        settings, np.zeros(model.n_dim), cores, lib.ProgressType.none(), None, 100, lib.PyStorage.arrow()
    )
    sampler.wait(None)
    draw_batches, stat_batches = sampler.take_results().get_arrow_trace()
    posterior, stats = _after_tuning(draw_batches, stat_batches)
    return from_dict(
        {"posterior": posterior, "sample_stats": stats}, dims=model.dims, coords=model.coords
    )


def nutpie_core():
    """nutpie's compiled extension (``nutpie._lib``), loaded without the package's
    ``__init__`` (which imports ArviZ, its plots and matplotlib); ``import nutpie`` later in the
    same process finds and uses this same module."""
    import importlib.machinery
    import importlib.util
    import sys
    from pathlib import Path

    if "nutpie._lib" in sys.modules:
        return sys.modules["nutpie._lib"]
    folder = Path(importlib.util.find_spec("nutpie").submodule_search_locations[0])
    path = next(
        folder / f"_lib{s}"
        for s in importlib.machinery.EXTENSION_SUFFIXES
        if (folder / f"_lib{s}").exists()
    )
    spec = importlib.util.spec_from_file_location("nutpie._lib", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules["nutpie._lib"] = module
    return module


def _after_tuning(draw_batches, stat_batches) -> tuple[dict, dict]:
    """The post-tuning draws and sample statistics of every chain as arrays (chain, draw, ...)
    from nutpie's Arrow trace (as ``nutpie.sample`` converts it; statistics that hold missing
    values, such as divergence locations, are left out)."""
    import pyarrow

    def arrays(batches, tuning):
        out = {}
        for batch, n_tune in zip(batches, tuning, strict=True):
            for name in batch.column_names:
                raw = batch.column(name)
                meta = raw.field.metadata or {}
                col = pyarrow.array(raw)
                if col.null_count:
                    continue
                shape = [int(s) for s in meta.get(b"shape", b"").decode().split(",") if s]
                if hasattr(col, "flatten"):
                    col = col.flatten()
                values = col.to_numpy(zero_copy_only=False).reshape(batch.num_rows, *shape)
                out.setdefault(name, []).append(values[n_tune:])
        return {name: np.stack(chains) for name, chains in out.items() if len(chains) == len(batches)}

    tuning = [
        int(pyarrow.array(s.column("tuning")).to_numpy(zero_copy_only=False).sum()) for s in stat_batches
    ]
    return arrays(draw_batches, tuning), arrays(stat_batches, tuning)


class DensityModel:
    """The model of :mod:`reanalysis.bayes.density` in nutpie's model interface (what
    ``nutpie.compile_pymc`` builds for a PyMC model, here with our callbacks' addresses);
    ``nutpie.sample`` accepts it too."""

    reparameterized_names = None

    def __init__(self, k: int, data: np.ndarray, init):
        self.k, self.data, self.init = k, data, init
        self.n_dim = k + 3
        self.dims = {"z": ("study",), "theta": ("study",)}
        self.coords = {"study": np.arange(k)}

    def _make_sampler(
        self, settings, init_mean, cores, progress_type, extra_callback, extra_callback_rate, store
    ):
        return nutpie_core().PySampler.from_pymc(
            settings,
            cores,
            self._make_model(init_mean),
            progress_type,
            extra_callback,
            extra_callback_rate,
            store,
        )

    def _make_model(self, init_mean):
        from reanalysis.bayes import density as bd

        lib = nutpie_core()
        names, shapes = bd.expanded_layout(self.k)
        address = self.data.ctypes.data
        logp = lib.LogpFunc(bd.logp_callback.address, address, self)
        expand = lib.ExpandFunc(self.n_dim, 2 * self.k + 4, bd.expand_callback.address, address, self)
        variables = lib.PyVariable.new_variables(
            names, ["float64"] * len(names), shapes, {"study": self.k}, self.dims
        )
        return lib.PyMcModel(
            logp, expand, variables, self.n_dim, {"study": self.k}, self.coords, self.init, None
        )


def summary_table(tree, var_names=("mu", "tau", "theta_new"), prob: float = 0.95) -> pd.DataFrame:
    """ArviZ summary with equal-tailed intervals at ``prob`` (ArviZ 1.x defaults to 89%)."""
    from arviz_stats import summary  # arviz.summary (without ArviZ's plotting)

    return summary(tree, var_names=list(var_names), ci_prob=prob, ci_kind="eti", round_to="none")


def diagnostics_table(
    tree, thresholds: DiagnosticThresholds = DiagnosticThresholds(), var_names=("mu", "tau", "theta")
) -> pd.DataFrame:
    """One row per scalar parameter: R-hat, bulk/tail ESS, MCSE and whether each passes; plus a
    row for the divergent transitions of the whole fit."""
    from arviz_stats import summary

    summ = summary(tree, var_names=list(var_names), kind="diagnostics", round_to="none")
    table = summ[["r_hat", "ess_bulk", "ess_tail", "mcse_mean"]].reset_index(names="parameter")
    table["pass"] = (table["r_hat"] < thresholds.max_rhat) & (
        table[["ess_bulk", "ess_tail"]].min(axis=1) >= thresholds.min_ess
    )
    div = int(tree["sample_stats"]["diverging"].sum())
    table.loc[len(table)] = {
        "parameter": f"divergent transitions: {div}",
        "pass": div <= thresholds.max_divergences,
    }
    return table


def check_diagnostics(
    tree, thresholds: DiagnosticThresholds = DiagnosticThresholds(), var_names=("mu", "tau", "theta")
) -> pd.DataFrame:
    """Raise :class:`DiagnosticsError` naming every failed check; return the diagnostics table."""
    table = diagnostics_table(tree, thresholds, var_names)
    params = table.iloc[:-1].set_index("parameter")
    failures = []
    worst_rhat = float(params["r_hat"].max())
    if not worst_rhat < thresholds.max_rhat:
        failures.append(f"R-hat {worst_rhat:.4f} >= {thresholds.max_rhat} ({params['r_hat'].idxmax()})")
    for col in ("ess_bulk", "ess_tail"):
        worst = float(params[col].min())
        if worst < thresholds.min_ess:
            failures.append(f"{col} {worst:.0f} < {thresholds.min_ess:.0f} ({params[col].idxmin()})")
    div = int(tree["sample_stats"]["diverging"].sum())
    if div > thresholds.max_divergences:
        failures.append(
            f"{div} divergent transitions (allowed {thresholds.max_divergences}); "
            "raise target_accept or reparameterise"
        )
    if failures:
        raise DiagnosticsError("NUTS diagnostics failed: " + "; ".join(failures))
    return table
