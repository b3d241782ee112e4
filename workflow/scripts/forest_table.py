"""Snakemake script: the forest plot as an HTML table (readable on a phone)."""

import sys

import pandas as pd

from reanalysis.curated import read_curated
from reanalysis.forest_rows import forest_rows_for
from reanalysis.pipeline import atomic_write
from reanalysis.report_pages import forest_table_page

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
cfg = snakemake.params.cfg  # noqa: F821
inp = snakemake.input  # noqa: F821
rep, ma = cfg["report"], cfg["meta_analysis"]
rows = forest_rows_for(cfg, pd.read_csv(inp.effects), pd.read_csv(inp.pooled),
                       read_curated(inp.typed, cfg))
atomic_write(snakemake.output[0], forest_table_page(  # noqa: F821
    rows, rep["intervention"], rep["comparator"], ma["level"]))
