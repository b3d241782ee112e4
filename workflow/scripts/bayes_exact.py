"""Snakemake script: exact posterior summaries of every pooling set under one tau prior."""

import sys

import pandas as pd

from reanalysis.bayes_tables import exact_summaries
from reanalysis.pipeline import write_csv
from reanalysis.priors import TauPrior

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
cfg = snakemake.config  # noqa: F821
name = snakemake.wildcards.prior  # noqa: F821
table = exact_summaries(pd.read_csv(snakemake.input.effects), cfg["meta_analysis"]["sets"],  # noqa: F821
                        name, TauPrior.from_config(cfg["bayes"]["priors"][name]),
                        cfg["bayes"]["mu_prior_sd"], cfg.get("mcid"))
write_csv(table, snakemake.output[0])  # noqa: F821
