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
# # 1. The reported figures and the effect sizes they allow
#
# Reads the pipeline's `results/` (run `make report` first; set `RESULTS_DIR` to read another
# run). Every number below comes from the workflow; this notebook only looks at it.

# %%
import os
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from reanalysis.meta.pooling import has_forensic_flag

RESULTS = Path(os.environ.get("RESULTS_DIR", "../results"))
effects = pd.read_csv(RESULTS / "effect_sizes.csv")
forensics = pd.read_csv(RESULTS / "forensics.csv")
pooled = pd.read_csv(RESULTS / "meta_frequentist.csv")
sensitivity = pd.read_csv(RESULTS / "sensitivity.csv")
print(f"{len(effects)} comparisons, {effects['yi'].notna().sum()} estimable")

# %% [markdown]
# ## Which comparisons can be computed, and from what?
# `basis` says how each effect was derived and `assumptions` which named assumptions it uses.

# %%
effects[["es_id", "estimand", "yi", "vi", "basis", "assumptions", "forensic_flags"]]

# %% [markdown]
# ## Forensics: values that cannot be right
# A flagged value is kept with its source but never pooled.

# %%
flagged = forensics[forensics["verdict"] == "flag"]
print(flagged[["row_id", "detail"]].to_string(index=False))
used = effects[has_forensic_flag(effects)]
for _, r in used.iterrows():
    # the rule: an effect built on a flagged value is never in a pooled set
    assert r["es_id"] not in " ".join(pooled["studies"].fillna("")), r["es_id"]
print(f"{len(used)} effect(s) rest on a flagged value; none is pooled")

# %% [markdown]
# ## Pooled estimates and how much they move with the assumptions

# %%
primary = pooled[pooled["method"] == "REML"][["set", "k", "mu", "ci_low", "ci_high", "pval"]]
primary

# %%
fig, ax = plt.subplots(figsize=(8, 4))
for i, (_name, part) in enumerate(sensitivity.groupby("set")):
    ax.scatter(part["mu"], [i] * len(part), alpha=0.6)
    default = part[part["assumption"] == "default"]["mu"].iloc[0]
    ax.plot(default, i, "k|", ms=20)
ax.set_yticks(range(sensitivity["set"].nunique()), sorted(sensitivity["set"].unique()))
ax.axvline(0, color="grey", lw=0.8)
ax.set_xlabel("pooled effect at each sensitivity point (| = default)")
fig.tight_layout()

# %%
spread = sensitivity.groupby("set")["mu"].agg(["min", "max"])
spread["range"] = spread["max"] - spread["min"]
spread
