# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 2. Bayesian fits: priors, diagnostics, exact vs NUTS
#
# Reads `results/bayes/` from the pipeline (`RESULTS_DIR` overrides the location).

# %%
import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from reanalysis.bayes.priors import TauPrior
from reanalysis.bayes.tables import fit_sets
from reanalysis.config import load_config

RESULTS = Path(os.environ.get("RESULTS_DIR", "../results"))
CONFIG = Path(os.environ.get("CONFIG", "../config/config.yaml"))
cfg = load_config(CONFIG)
prior_table = pd.read_csv(RESULTS / "bayes" / "prior_sensitivity.csv")
effects = pd.read_csv(RESULTS / "effect_sizes.csv")

# %% [markdown]
# ## How much does the prior on tau matter?
# With one or three studies, tau is mostly prior: compare the predictive intervals.

# %%
cols = [
    "set",
    "prior",
    "k",
    "mu_q50",
    "mu_q025",
    "mu_q975",
    "tau_q50",
    "new_q025",
    "new_q975",
    "p_mu_gt_0",
]
prior_table[cols].round(3)

# %% [markdown]
# ## Clinically important? P(mu > MCID) and its dependence on the reference SD

# %%
mcid_cols = [
    "set",
    "prior",
    "mcid_smd",
    "p_mu_gt_mcid",
    "p_mu_gt_mcid_sd_low",
    "p_mu_gt_mcid_sd_high",
    "mu_natural_q50",
]
prior_table.dropna(subset=["mcid_smd"])[mcid_cols].round(3)

# %% [markdown]
# ## NUTS against the exact posterior
# The workflow fails a NUTS fit whose quantiles disagree with the exact grid beyond Monte Carlo
# error; here the posterior means are compared with the NUTS summary's own MCSE.

# %%
sets = cfg["meta_analysis"]["sets"]
for path in sorted((RESULTS / "bayes").glob("nuts_*.csv")):
    nuts = pd.read_csv(path).set_index("parameter")
    for prior_name in cfg["bayes"]["priors"]:
        if path.stem.endswith(prior_name):
            set_name = path.stem[len("nuts_") : -len(prior_name) - 1]
            break
    prior = TauPrior.from_config(cfg["bayes"]["priors"][prior_name])
    _, exact = fit_sets(effects, {set_name: sets[set_name]}, prior, cfg["bayes"]["mu_prior_sd"])[
        set_name
    ]
    diff = abs(nuts.loc["mu", "mean"] - exact.mu_mean())
    print(
        f"{set_name} / {prior_name}: E[mu] NUTS {nuts.loc['mu', 'mean']:.4f} vs exact "
        f"{exact.mu_mean():.4f} (|diff| = {diff:.4f}, MCSE {nuts.loc['mu', 'mcse_mean']:.4f}); "
        f"R-hat max {nuts['r_hat'].max():.4f}, min bulk ESS {nuts['ess_bulk'].min():.0f}"
    )
    assert diff < 4 * nuts.loc["mu", "mcse_mean"] + 1e-3

# %% [markdown]
# ## Posterior of mu under each prior, per pooling set

# %%
priors = {n: TauPrior.from_config(s) for n, s in cfg["bayes"]["priors"].items()}
fits = {n: fit_sets(effects, sets, p, cfg["bayes"]["mu_prior_sd"]) for n, p in priors.items()}
names = [s for s in sets if fits[cfg["bayes"]["primary_prior"]][s][1] is not None]
fig, axes = plt.subplots(1, len(names), figsize=(4 * len(names), 3))
for ax, name in zip(np.atleast_1d(axes), names, strict=True):
    x = np.linspace(-2, 2.5, 300)
    for prior_name, f in fits.items():
        ax.plot(x, f[name][1].mu_density(x), label=prior_name)
    ax.set_title(name, fontsize=8)
    ax.axvline(0, color="grey", lw=0.6)
np.atleast_1d(axes)[0].legend(fontsize=7)
fig.tight_layout()
