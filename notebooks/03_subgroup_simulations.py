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
# # 3. Could the subgroup claim and the "k of n studies" count arise without a real effect?
#
# Reads `results/simulation/` and `results/vote_count/` (`RESULTS_DIR` overrides the location).

# %%
import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

RESULTS = Path(os.environ.get("RESULTS_DIR", "../results"))
SIM = RESULTS / "simulation"
scenarios = pd.concat(
    [
        pd.read_csv(f)
        for f in sorted(SIM.glob("subgroup_*.csv"))
        if f.stem.removeprefix("subgroup_") not in ("power", "credibility", "shrinkage")
    ],
    ignore_index=True,
)
power = pd.read_csv(SIM / "subgroup_power.csv")
credibility = pd.read_csv(SIM / "subgroup_credibility.csv")
vote = pd.read_csv(RESULTS / "vote_count" / "summary.csv").iloc[0]
curve = pd.read_csv(RESULTS / "vote_count" / "curve.csv")
print(sorted(scenarios["scenario"].unique()))

# %% [markdown]
# ## False positives grow with the number of tests examined

# %%
null = scenarios[(scenarios["scenario"] == "no_effect")]
fwer = null[null["metric"] == "p_any_benefit"].set_index("k")["value"]
print(f"one test: {fwer.iloc[0]:.3f}; all {int(fwer.index.max())} tests: {fwer.iloc[-1]:.3f}")
# with no effect the first (primary) test is significant about 5% of the time
primary = null[null["metric"] == "p_primary_significant"].iloc[0]
assert abs(primary["value"] - 0.05) < 5 * primary["mcse"], primary
fwer.plot(marker="o", figsize=(6, 3), ylabel="P(>= 1 'benefit')", xlabel="tests examined")
# %% [markdown]
# ## Power: the trial could rarely have shown an interaction

# %%
power.pivot(index="effect", columns="pattern", values=["power_subgroup", "power_interaction"])

# %%
# simulated subgroup power agrees with the exact noncentral-t power (two-sided vs benefit-only
# differ only by the negligible wrong-direction tail for positive effects)
check = power[power["effect"] >= 0.5]
se = np.sqrt(check["power_subgroup"] * (1 - check["power_subgroup"]) / check["reps"])
assert (abs(check["power_subgroup"] - check["exact_power_subgroup_two_sided"]) < 5 * se + 0.01).all()

# %% [markdown]
# ## Credibility of the subgroup claim

# %%
pd.set_option("display.max_colwidth", 120)
credibility[["criterion", "answer", "evidence"]]

# %% [markdown]
# ## The "k of n studies improved" vote count

# %%
print(
    f"{vote['positive']:.0f}/{vote['total']:.0f}; sign test p = {vote['sign_test_p_one_sided']:.3f};"
    f" {vote['uncontrolled_studies']:.0f} uncontrolled"
)
fig, ax = plt.subplots(figsize=(6, 3.5))
for (criterion, level), part in curve.groupby(["criterion", "nonspecific_improvement"]):
    ax.plot(part["delta"], part["p_at_least_k_exact"], label=f"{criterion}, non-specific {level}")
ax.axvline(0, color="grey", lw=0.6)
ax.set_xlabel("true effect (SMD)")
ax.set_ylabel(f"P(>= {vote['positive']:.0f} of {vote['total']:.0f})")
ax.legend(fontsize=6)
