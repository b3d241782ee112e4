"""Snakemake script: effect-size table at the default values of the named assumptions."""

import sys

from reanalysis.comparisons import Assumptions, build_effect_sizes
from reanalysis.pipeline import load_curated, write_csv, write_html_table

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
cfg = snakemake.config  # noqa: F821
tables = load_curated(cfg)
effects = build_effect_sizes(tables["summary"], tables["studies"], Assumptions.from_config(cfg))
write_csv(effects, snakemake.output.csv)  # noqa: F821
write_html_table(
    effects, snakemake.output.html, "Effect sizes",  # noqa: F821
    "yi: Hedges' g (between arms) or SMCR (within arm), positive = improvement; md: mean "
    "difference in instrument points (benefit-positive). 'assumptions' lists every named "
    "assumption a row depends on (config/config.yaml).",
)
