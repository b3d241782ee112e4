"""Snakemake script: the plain-language overview page of the report."""

import sys

import pandas as pd

from reanalysis.curated import read_curated
from reanalysis.overview import overview_html
from reanalysis.pipeline import atomic_write

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
cfg = snakemake.params.cfg  # noqa: F821
inp = snakemake.input  # noqa: F821
tables = read_curated(inp.typed, cfg)
page = overview_html(pd.read_csv(inp.ledger), pd.read_csv(inp.pooled), pd.read_csv(inp.forensics),
                     cfg["meta_analysis"]["sets"], cfg["meta_analysis"]["primary_method"],
                     summary=tables["summary_all"], score_ranges=tables["score_ranges"],
                     studies=tables["studies"])
atomic_write(snakemake.output[0], page)  # noqa: F821
