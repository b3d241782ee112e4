"""Snakemake script: power of the subgroup, interaction and whole-sample tests over effect sizes."""

import sys

import pandas as pd

from reanalysis.comparisons import Assumptions, with_sizes
from reanalysis.pipeline import write_csv
from reanalysis.simulation_tables import power_table

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
cfg = snakemake.params.cfg  # noqa: F821
a = with_sizes(Assumptions.from_config(cfg), pd.read_csv(snakemake.input.sizes))  # noqa: F821
table = power_table(cfg, a, workers=snakemake.threads)  # noqa: F821
write_csv(table, snakemake.output[0])  # noqa: F821
