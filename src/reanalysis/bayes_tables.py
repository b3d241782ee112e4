"""Tables from Bayesian fits: per-set posterior summaries and the NUTS-vs-exact cross-check."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .bayes_exact import posterior_exact
from .comparisons import select_for_pooling
from .priors import TauPrior


def exact_summaries(effects: pd.DataFrame, sets: dict, prior_name: str, prior: TauPrior,
                    mu_prior_sd: float, mcid_smd: float | None = None) -> pd.DataFrame:
    """Posterior of mu, tau and a new study's effect for every pooling set under one tau prior."""
    rows = []
    for name, spec in sets.items():
        chosen = select_for_pooling(effects, spec)
        row = {"set": name, "prior": prior_name, "prior_label": prior.label, "k": len(chosen)}
        if len(chosen):
            post = posterior_exact(chosen["yi"], chosen["vi"], prior, mu_prior_sd)
            mq, tq, pq = post.mu_quantiles(), post.tau_quantiles(), post.predictive_quantiles()
            row |= {
                "mu_mean": post.mu_mean(), "mu_sd": post.mu_sd(), "mu_q025": mq[0],
                "mu_q50": mq[1], "mu_q975": mq[2], "tau_mean": post.tau_mean(),
                "tau_q025": tq[0], "tau_q50": tq[1], "tau_q975": tq[2],
                "new_q025": pq[0], "new_q50": pq[1], "new_q975": pq[2],
                "p_mu_gt_0": post.prob_mu_above(0.0),
                "p_new_gt_0": post.prob_new_study_above(0.0),
            }
            if mcid_smd is not None:
                row["p_mu_gt_mcid_smd"] = post.prob_mu_above(mcid_smd)
        rows.append(row)
    return pd.DataFrame(rows)


def crosscheck(nuts_summary: pd.DataFrame, draws: dict[str, np.ndarray], exact, multiple: float):
    """Compare NUTS quantiles (2.5/50/97.5%) of mu and tau with the exact ones.

    Tolerance: ``multiple`` × the Monte Carlo SE of a quantile, approximated by
    sqrt(p(1-p)/ESS) / f(q) with f the exact posterior density at q (Gelman et al. BDA3 §10.5).
    Returns a table with an ``ok`` column.
    """
    rows = []
    for var, qfun in (("mu", exact.mu_quantiles), ("tau", exact.tau_quantiles)):
        x = np.sort(draws[var])
        ess = float(nuts_summary.loc[var, "ess_tail"])
        for p, q_exact in zip((0.025, 0.5, 0.975), qfun((0.025, 0.5, 0.975)), strict=True):
            q_nuts = float(np.quantile(x, p))
            h = 0.05 * (np.quantile(x, 0.95) - np.quantile(x, 0.05))
            dens = np.mean(np.abs(x - q_exact) < h) / (2 * h)
            mcse = np.sqrt(p * (1 - p) / ess) / max(dens, 1e-12)
            rows.append({"parameter": var, "prob": p, "exact": float(q_exact), "nuts": q_nuts,
                         "mcse": mcse, "ok": abs(q_nuts - q_exact) <= multiple * mcse})
    return pd.DataFrame(rows)
