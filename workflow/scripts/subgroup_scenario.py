"""Snakemake script: simulate one subgroup scenario (wildcard) and write its frequencies."""

import sys

import pandas as pd

from reanalysis.comparisons import Assumptions, with_sizes
from reanalysis.curated import read_curated
from reanalysis.pipeline import write_csv
from reanalysis.simulation_tables import reported_effect, scenario_table

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
cfg = snakemake.params.cfg  # noqa: F821
a = with_sizes(Assumptions.from_config(cfg), pd.read_csv(snakemake.input.sizes))  # noqa: F821
tables = read_curated(snakemake.input.typed, cfg)  # noqa: F821
reported = reported_effect(tables["summary"], cfg, a)
table = scenario_table(cfg, a, snakemake.wildcards.scenario,  # noqa: F821
                       reported, workers=snakemake.threads)  # noqa: F821
write_csv(table, snakemake.output[0])  # noqa: F821
