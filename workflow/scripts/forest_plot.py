"""Snakemake script: RevMan-style forest plot (per-arm columns, weights, pooled diamonds only
where k >= 2, heterogeneity, prediction interval) in every configured format, and its rows as an
HTML table (readable on a phone)."""

import sys

import pandas as pd

from reanalysis.curated import read_curated
from reanalysis.forest_rows import forest_rows_for
from reanalysis.pipeline import atomic_write
from reanalysis.plots import forest_plot
from reanalysis.report_pages import forest_table_page

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
cfg = snakemake.params.cfg  # noqa: F821
inp, out = snakemake.input, snakemake.output  # noqa: F821
rep, ma = cfg["report"], cfg["meta_analysis"]
rows = forest_rows_for(cfg, pd.read_csv(inp.effects), pd.read_csv(inp.pooled),
                       read_curated(inp.typed, cfg))
atomic_write(out.table, forest_table_page(rows, rep["intervention"], rep["comparator"], ma["level"]))
fig = forest_plot(rows, rep["intervention"], rep["comparator"], level=ma["level"])
for path in out.figures:
    # no date in an SVG, so the same inputs give the same bytes
    fig.savefig(path, dpi=150, metadata={"Date": None} if str(path).endswith(".svg") else None)
