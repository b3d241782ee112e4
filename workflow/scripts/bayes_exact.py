"""Snakemake script: exact posterior summaries of every pooling set under every tau prior, and one
table of them across priors (prior sensitivity)."""

import pandas as pd

from reanalysis.bayes.priors import TauPrior
from reanalysis.bayes.tables import exact_summaries, shrunken_table
from reanalysis.report.tables import write_html_table
from reanalysis.workflow_io import script_log, write_csv

with script_log(snakemake.log[0]):
    cfg, out = snakemake.params.cfg, snakemake.output
    effects = pd.read_csv(snakemake.input.effects)
    sets, mu_sd = cfg["meta_analysis"]["sets"], cfg["bayes"]["mu_prior_sd"]
    for name, summary_path, shrunken_path in zip(
        cfg["bayes"]["priors"], out.summaries, out.shrunken, strict=True
    ):
        prior = TauPrior.from_config(cfg["bayes"]["priors"][name])
        write_csv(exact_summaries(effects, sets, name, prior, mu_sd, cfg.get("mcid")), summary_path)
        write_csv(shrunken_table(effects, sets, name, prior, mu_sd), shrunken_path)
    # each prior's table as written and read back, so the sensitivity table has the same digits
    table = pd.concat([pd.read_csv(f) for f in out.summaries], ignore_index=True)
    table = table.sort_values(["set", "prior"]).reset_index(drop=True)
    write_csv(table, out.sensitivity)
    write_html_table(
        table,
        out.html,
        "Bayesian random-effects meta-analysis: prior sensitivity",
        "Exact posterior (numerical integration over tau) of the pooled effect mu, the between-study "
        f"SD tau and the effect in a new study, per pooling set and tau prior; mu ~ N(0, {mu_sd}²). "
        "p_mu_gt_0 = P(mu > 0 | data).",
        level=cfg["meta_analysis"]["level"],
    )
