"""Snakemake script: the forest plot as an HTML table (readable on a phone)."""

import sys

import pandas as pd

from reanalysis.pipeline import atomic_write, load_curated
from reanalysis.plots import forest_rows
from reanalysis.report_pages import forest_table_page
from reanalysis.study_characteristics import labels

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
cfg = snakemake.params.cfg  # noqa: F821
inp = snakemake.input  # noqa: F821
rep, ma = cfg["report"], cfg["meta_analysis"]
curated = load_curated(cfg)
rows = forest_rows(
    pd.read_csv(inp.effects), pd.read_csv(inp.pooled), curated["summary"],
    curated["arms"], labels(curated["studies"]), ma["sets"],
    ma["primary_method"], cfg["assumptions"]["prepost_correlation"]["value"], level=ma["level"])
atomic_write(snakemake.output[0], forest_table_page(  # noqa: F821
    rows, rep["intervention"], rep["comparator"], ma["level"]))
