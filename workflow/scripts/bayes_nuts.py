"""Snakemake script: NUTS fit with diagnostics and a cross-check against the exact posterior."""

from importlib.metadata import version

import pandas as pd

from reanalysis.bayes.exact import posterior_exact
from reanalysis.bayes.nuts import (
    DiagnosticThresholds,
    check_diagnostics,
    diagnostics_table,
    posterior_nuts,
    summary_table,
)
from reanalysis.bayes.priors import TauPrior
from reanalysis.bayes.tables import crosscheck
from reanalysis.meta.pooling import set_effects
from reanalysis.report.tables import write_html_table
from reanalysis.workflow_io import script_log, write_csv

with script_log(snakemake.log[0]):
    cfg = snakemake.params.cfg
    bcfg, wc = cfg["bayes"], snakemake.wildcards
    chosen = set_effects(
        pd.read_csv(snakemake.input.effects), cfg["meta_analysis"]["sets"][wc.set], wc.set
    )
    prior = TauPrior.from_config(bcfg["priors"][wc.prior])
    nuts = bcfg["nuts"]
    tree = posterior_nuts(
        chosen["yi"],
        chosen["vi"],
        prior,
        bcfg["mu_prior_sd"],
        draws=nuts["draws"],
        tune=nuts["tune"],
        chains=nuts["chains"],
        cores=snakemake.threads,
        target_accept=nuts["target_accept"],
        seed=cfg["seed"],
        sampler=nuts.get("sampler", "nutpie"),
    )
    thresholds = DiagnosticThresholds(nuts["max_rhat"], nuts["min_ess"], 0)
    write_html_table(
        diagnostics_table(tree, thresholds),
        snakemake.output.diagnostics,
        f"NUTS diagnostics: {wc.set}, {wc.prior}",
        f"ArviZ {version('arviz')}: rank-normalised split R-hat (must be < {thresholds.max_rhat}), "
        f"bulk and tail ESS (must be >= {thresholds.min_ess}) per parameter; zero divergent "
        f"transitions allowed. Sampler {nuts.get('sampler', 'nutpie')}, {nuts['chains']} chains x "
        f"{nuts['draws']} draws after {nuts['tune']} "
        f"tuning steps, target_accept {nuts['target_accept']}, seed {cfg['seed']}.",
        level=cfg["meta_analysis"]["level"],
    )
    try:
        check_diagnostics(tree, thresholds)
    except Exception as err:  # script_log shows the message on the console, once
        raise RuntimeError(f"{wc.set}/{wc.prior}: {err}") from err
    summ = summary_table(tree)
    post = tree["posterior"]
    draws = {v: post[v].values.ravel() for v in ("mu", "tau")}
    exact = posterior_exact(chosen["yi"], chosen["vi"], prior, bcfg["mu_prior_sd"])
    check = crosscheck(summ, draws, exact, bcfg["crosscheck_mcse_multiple"])
    write_csv(summ.reset_index(names="parameter"), snakemake.output.summary)
    write_html_table(
        check,
        snakemake.output.crosscheck,
        f"NUTS vs exact posterior: {wc.set}, {wc.prior}",
        "Quantiles of mu and tau from NUTS and from numerical integration; 'ok' when they "
        "agree within the configured multiple of the quantile's Monte Carlo SE.",
        level=cfg["meta_analysis"]["level"],
    )
    if not check["ok"].all():
        bad = check[~check["ok"]]
        raise RuntimeError(f"{wc.set}/{wc.prior}: NUTS and exact posterior disagree:\n{bad.to_string()}")
