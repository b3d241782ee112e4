"""Snakemake script: RevMan-style forest plot (per-arm columns, weights, pooled diamonds only
where k >= 2, heterogeneity, prediction interval)."""

import sys

import pandas as pd

from reanalysis.curated import read_curated
from reanalysis.forest_rows import forest_rows_for
from reanalysis.plots import forest_plot

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
cfg = snakemake.params.cfg  # noqa: F821
inp = snakemake.input  # noqa: F821
rep, ma = cfg["report"], cfg["meta_analysis"]
rows = forest_rows_for(cfg, pd.read_csv(inp.effects), pd.read_csv(inp.pooled),
                       read_curated(inp.typed, cfg))
fig = forest_plot(rows, rep["intervention"], rep["comparator"], level=ma["level"])
for path in snakemake.output:  # noqa: F821
    # no date in an SVG, so the same inputs give the same bytes
    fig.savefig(path, dpi=150, metadata={"Date": None} if str(path).endswith(".svg") else None)
