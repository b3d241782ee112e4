"""Snakemake script: power of the subgroup, interaction and whole-sample tests over effect sizes."""

import pandas as pd

from reanalysis.effects.assumptions import Assumptions
from reanalysis.effects.sample_sizes import with_sizes
from reanalysis.simulation.tables import power_table
from reanalysis.workflow_io import script_log, write_csv

with script_log(snakemake.log[0]):
    cfg = snakemake.params.cfg
    a = with_sizes(Assumptions.from_config(cfg), pd.read_csv(snakemake.input.sizes))
    table = power_table(cfg, a, workers=snakemake.threads)
    write_csv(table, snakemake.output[0])
