"""Snakemake script: frequentist random-effects meta-analysis of each configured pooling set."""

import pandas as pd

from reanalysis.meta.pooling import pool_sets
from reanalysis.report.tables import write_html_table
from reanalysis.workflow_io import script_log, write_csv

with script_log(snakemake.log[0]):
    cfg = snakemake.params.cfg
    effects = pd.read_csv(snakemake.input.effects)
    pooled = pool_sets(effects, cfg["meta_analysis"])
    write_csv(pooled, snakemake.output.csv)
    write_html_table(
        pooled,
        snakemake.output.html,
        "Random-effects meta-analyses",
        "One row per pooling set and tau² estimator. Between-arm (controlled) and "
        "within-arm (pre-post) effects are different estimands and are pooled separately. A set "
        "with one study is one row marked 'single study, not pooled': that study's estimate with "
        "a t-based CI on its own degrees of freedom (df); heterogeneity cannot be estimated.",
        level=cfg["meta_analysis"]["level"],
    )
