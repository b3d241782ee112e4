"""Priors for the between-study SD tau, usable both on a grid (log-density) and in PyMC.

Kinds:
* ``half_normal(scale)`` and ``half_cauchy(scale)`` on tau;
* ``lognormal_tau2(location, scale)``: log tau² ~ Normal (Turner et al. 2015 form);
* ``logt_tau2(location, scale, df)``: log tau² ~ Student-t (Rhodes et al. 2015, J Clin Epidemiol
  68:52, Table 3; e.g. its fourth outcome type, "general physical health and adverse event and
  ... quality of life / functioning" (the full name is in bayesmeta's ``RhodesEtAlPrior``),
  pharmacological vs placebo / control: location -3.16, scale 2.50, df 5, as tabulated there;
  not the "various subjectively measured outcomes" row, location -2.76, scale 2.58).
Densities on tau² are carried to tau with the Jacobian 2 tau.
"""

from __future__ import annotations

import dataclasses

import numpy as np

KINDS = ("half_normal", "half_cauchy", "lognormal_tau2", "logt_tau2")


@dataclasses.dataclass(frozen=True)
class TauPrior:
    kind: str
    scale: float
    location: float = 0.0
    df: float = 5.0
    label: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown tau prior kind {self.kind!r}; choose from {KINDS}")
        if not self.scale > 0:
            raise ValueError("tau prior scale must be > 0")

    @classmethod
    def from_config(cls, spec: dict) -> TauPrior:
        return cls(
            kind=spec["kind"],
            scale=float(spec["scale"]),
            location=float(spec.get("location", 0.0)),
            df=float(spec.get("df", 5.0)),
            label=spec.get("label", ""),
        )

    def logpdf(self, tau) -> np.ndarray:
        """log p(tau) for tau > 0 (-inf elsewhere)."""
        from scipy import stats  # here: the NUTS fit needs no scipy.stats

        tau = np.asarray(tau, dtype=float)
        out = np.full(tau.shape, -np.inf)
        pos = tau > 0
        t = tau[pos]
        if self.kind == "half_normal":
            out[pos] = np.log(2.0) + stats.norm.logpdf(t, scale=self.scale)
        elif self.kind == "half_cauchy":
            out[pos] = np.log(2.0) + stats.cauchy.logpdf(t, scale=self.scale)
        else:
            z = 2.0 * np.log(t)  # log tau²; p(tau) = p_logtau2(z) |dz/dtau| = p_z(z) 2 / tau
            if self.kind == "lognormal_tau2":
                lz = stats.norm.logpdf(z, loc=self.location, scale=self.scale)
            else:
                lz = stats.t.logpdf(z, self.df, loc=self.location, scale=self.scale)
            out[pos] = lz + np.log(2.0) - np.log(t)
        if tau.ndim == 0:
            return out.reshape(())
        return out

    def cdf(self, tau) -> np.ndarray:
        from scipy import stats  # here: the NUTS fit needs no scipy.stats

        tau = np.maximum(np.asarray(tau, dtype=float), 0.0)
        if self.kind == "half_normal":
            return stats.halfnorm.cdf(tau, scale=self.scale)
        if self.kind == "half_cauchy":
            return stats.halfcauchy.cdf(tau, scale=self.scale)
        with np.errstate(divide="ignore"):
            z = 2.0 * np.log(tau)
        if self.kind == "lognormal_tau2":
            return stats.norm.cdf(z, loc=self.location, scale=self.scale)
        return stats.t.cdf(z, self.df, loc=self.location, scale=self.scale)

    def quantile(self, q) -> np.ndarray:
        from scipy import stats  # here: the NUTS fit needs no scipy.stats

        q = np.asarray(q, dtype=float)
        if self.kind == "half_normal":
            return stats.halfnorm.ppf(q, scale=self.scale)
        if self.kind == "half_cauchy":
            return stats.halfcauchy.ppf(q, scale=self.scale)
        if self.kind == "lognormal_tau2":
            return np.exp(0.5 * stats.norm.ppf(q, loc=self.location, scale=self.scale))
        return np.exp(0.5 * stats.t.ppf(q, self.df, loc=self.location, scale=self.scale))

    def pymc_tau(self, name: str = "tau"):
        """The prior as a PyMC random variable (inside a model context)."""
        import pymc as pm

        if self.kind == "half_normal":
            return pm.HalfNormal(name, sigma=self.scale)
        if self.kind == "half_cauchy":
            return pm.HalfCauchy(name, beta=self.scale)
        if self.kind == "lognormal_tau2":
            z = pm.Normal(f"log_{name}2", mu=self.location, sigma=self.scale)
        else:
            z = pm.StudentT(f"log_{name}2", nu=self.df, mu=self.location, sigma=self.scale)
        return pm.Deterministic(name, pm.math.exp(0.5 * z))
