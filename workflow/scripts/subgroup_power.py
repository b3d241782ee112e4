"""Snakemake script: power of the subgroup, interaction and whole-sample tests over effect sizes."""

import sys

from reanalysis.comparisons import Assumptions
from reanalysis.pipeline import write_csv
from reanalysis.simulation_tables import power_table

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
cfg = snakemake.params.cfg  # noqa: F821
table = power_table(cfg, Assumptions.from_config(cfg), workers=snakemake.threads)  # noqa: F821
write_csv(table, snakemake.output[0])  # noqa: F821
