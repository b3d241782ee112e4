"""Snakemake script: one table of posterior summaries across tau priors (prior sensitivity)."""

import sys

import pandas as pd

from reanalysis.pipeline import write_csv, write_html_table

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
table = pd.concat([pd.read_csv(f) for f in snakemake.input], ignore_index=True)  # noqa: F821
table = table.sort_values(["set", "prior"]).reset_index(drop=True)
write_csv(table, snakemake.output.csv)  # noqa: F821
write_html_table(
    table, snakemake.output.html, "Bayesian random-effects meta-analysis: prior sensitivity",  # noqa: F821
    "Exact posterior (numerical integration over tau) of the pooled effect mu, the between-study "
    "SD tau and the effect in a new study, per pooling set and tau prior; mu ~ N(0, "
    f"{snakemake.params.mu_prior_sd}²). p_mu_gt_0 = P(mu > 0 | data).",  # noqa: F821
)
