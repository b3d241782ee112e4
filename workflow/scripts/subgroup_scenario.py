"""Snakemake script: simulate one subgroup scenario (wildcard) and write its frequencies."""

import pandas as pd

from reanalysis.data.tables import read_curated
from reanalysis.effects.assumptions import Assumptions
from reanalysis.effects.sample_sizes import with_sizes
from reanalysis.simulation.tables import reported_effect, scenario_table
from reanalysis.workflow_io import script_log, write_csv

with script_log(snakemake.log[0]):
    cfg = snakemake.params.cfg
    a = with_sizes(Assumptions.from_config(cfg), pd.read_csv(snakemake.input.sizes))
    tables = read_curated(snakemake.input.typed, cfg)
    reported = reported_effect(tables["summary"], cfg, a)
    table = scenario_table(cfg, a, snakemake.wildcards.scenario, reported, workers=snakemake.threads)
    write_csv(table, snakemake.output[0])
