"""Snakemake script: forest plot of all effect sizes with pooled REML diamonds."""

import sys

import pandas as pd

from reanalysis.plots import forest_plot

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
cfg = snakemake.config  # noqa: F821
fig = forest_plot(
    pd.read_csv(snakemake.input.effects),  # noqa: F821
    pd.read_csv(snakemake.input.pooled),  # noqa: F821
    cfg["meta_analysis"]["sets"],
    level=cfg["meta_analysis"]["level"],
)
fig.savefig(snakemake.output[0], dpi=150, metadata={"Date": None} if snakemake.wildcards.ext == "svg" else None)  # noqa: F821,E501
