"""Snakemake script: Bayesian forest (with shrinkage and prediction), posterior densities per tau
prior, and shrinkage plot, all from the exact posterior, each with its alt text."""

import pandas as pd

from reanalysis.bayes.plots import (
    bayes_forest_alt,
    bayes_forest_plot,
    density_alt,
    posterior_density_plot,
    shrinkage_alt,
    shrinkage_plot,
)
from reanalysis.bayes.priors import TauPrior
from reanalysis.bayes.tables import fit_sets
from reanalysis.report.plots import save
from reanalysis.workflow_io import script_log

with script_log(snakemake.log[0]):
    cfg = snakemake.params.cfg
    bcfg, sets = cfg["bayes"], cfg["meta_analysis"]["sets"]
    effects = pd.read_csv(snakemake.input.effects)
    priors = {name: TauPrior.from_config(spec) for name, spec in bcfg["priors"].items()}
    fits = {name: fit_sets(effects, sets, p, bcfg["mu_prior_sd"]) for name, p in priors.items()}
    primary = bcfg["primary_prior"]
    out = snakemake.output
    who = cfg["report"]["intervention"]
    label = priors[primary].label or primary
    save(
        bayes_forest_plot(fits[primary], sets, label, who),
        out.forest,
        bayes_forest_alt(fits[primary], sets, label),
    )
    save(
        posterior_density_plot(fits, sets, {n: p.label or n for n, p in priors.items()}),
        out.densities,
        density_alt(fits, sets),
    )
    save(shrinkage_plot(fits[primary], sets, who), out.shrinkage, shrinkage_alt(fits[primary], sets))
