"""Snakemake script: one-at-a-time sensitivity analysis over the named assumptions' ranges."""

import sys

import pandas as pd

from reanalysis.forensics import flagged_rows
from reanalysis.pipeline import load_curated, write_csv, write_html_table
from reanalysis.pooling import sensitivity

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
cfg = snakemake.config  # noqa: F821
tables = load_curated(cfg)
table = sensitivity(tables["summary"], tables["studies"], cfg,
                    flagged_rows(pd.read_csv(snakemake.input.forensics)))  # noqa: F821
write_csv(table, snakemake.output.csv)  # noqa: F821
write_html_table(
    table, snakemake.output.html, "Sensitivity to the named assumptions",  # noqa: F821
    "Pooled estimate (primary tau² method) when one assumption is moved to an end of its range "
    "and all others stay at their defaults.",
)
