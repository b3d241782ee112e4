"""Snakemake script: effect-size table at the default values of the named assumptions."""

import sys

import pandas as pd

from reanalysis.comparisons import Assumptions, build_effect_sizes
from reanalysis.forensics import flagged_rows
from reanalysis.pipeline import load_curated, write_csv, write_html_table

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
cfg = snakemake.config  # noqa: F821
tables = load_curated(cfg)
flagged = flagged_rows(pd.read_csv(snakemake.input.forensics))  # noqa: F821
effects = build_effect_sizes(tables["summary"], tables["studies"], Assumptions.from_config(cfg),
                             flagged)
write_csv(effects, snakemake.output.csv)  # noqa: F821
write_html_table(
    effects, snakemake.output.html, "Effect sizes",  # noqa: F821
    "yi: Hedges' g (between arms) or SMCR (within arm), positive = improvement; md: mean "
    "difference in instrument points (benefit-positive). 'assumptions' lists every named "
    "assumption a row depends on (config/config.yaml). 'forensic_flags' lists source rows that "
    "failed a consistency check (see Data forensics): such rows are shown but never pooled.",
)
