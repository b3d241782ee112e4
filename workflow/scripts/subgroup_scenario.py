"""Snakemake script: simulate one subgroup scenario (wildcard) and write its frequencies."""

import sys

import pandas as pd

from reanalysis.comparisons import Assumptions
from reanalysis.pipeline import write_csv
from reanalysis.simulation_tables import reported_effect, scenario_table

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
cfg = snakemake.config  # noqa: F821
reported = reported_effect(pd.read_csv(snakemake.input.effects),  # noqa: F821
                           cfg["subgroup_simulation"]["reported_effect_es_id"])
table = scenario_table(cfg, Assumptions.from_config(cfg), snakemake.wildcards.scenario,  # noqa: F821
                       reported, workers=snakemake.threads)  # noqa: F821
write_csv(table, snakemake.output[0])  # noqa: F821
