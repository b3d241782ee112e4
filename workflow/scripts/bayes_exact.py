"""Snakemake script: exact posterior summaries of every pooling set under one tau prior."""

import sys

import pandas as pd

from reanalysis.bayes_tables import exact_summaries, shrunken_table
from reanalysis.pipeline import write_csv
from reanalysis.priors import TauPrior

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
cfg = snakemake.params.cfg  # noqa: F821
name = snakemake.wildcards.prior  # noqa: F821
effects = pd.read_csv(snakemake.input.effects)  # noqa: F821
sets, prior = cfg["meta_analysis"]["sets"], TauPrior.from_config(cfg["bayes"]["priors"][name])
table = exact_summaries(effects, sets, name, prior, cfg["bayes"]["mu_prior_sd"], cfg.get("mcid"))
write_csv(table, snakemake.output.summary)  # noqa: F821
write_csv(shrunken_table(effects, sets, name, prior, cfg["bayes"]["mu_prior_sd"]),
          snakemake.output.shrunken)  # noqa: F821
