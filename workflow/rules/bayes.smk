PRIORS = list(config["bayes"]["priors"])
NUTS_SETS = config["bayes"]["nuts"]["sets"]


rule bayes_exact:
    """Exact posterior (grid over tau) for every pooling set under every tau prior, and the prior
    sensitivity table across them. One job: the fits take a fraction of a second each, and every
    one of them reads the whole bayes block, so splitting them by prior would rerun no fewer.
    """
    input:
        effects="results/effect_sizes.csv",
    output:
        summaries=expand("results/bayes/exact_{prior}.csv", prior=PRIORS),
        shrunken=expand("results/bayes/shrunken_{prior}.csv", prior=PRIORS),
        sensitivity="results/bayes/prior_sensitivity.csv",
        html=report(
            "results/tables/bayes_prior_sensitivity.html",
            caption="../report/bayes_prior_sensitivity.rst",
            category=CATEGORY["Meta-analysis (Bayesian)"],
            labels={"item": "prior sensitivity"},
        ),
    log:
        "logs/bayes_exact.log",
    benchmark:
        "logs/benchmarks/bayes_exact.tsv"
    conda:
        "../envs/reanalysis.yaml"
    params:
        cfg=config_subset("bayes", "meta_analysis", "mcid"),
    script:
        "../scripts/bayes_exact.py"


rule bayes_nuts:
    """NUTS fit (PyMC), diagnosed with ArviZ and cross-checked against the exact posterior.

    Fails, naming the check, if R-hat, ESS, divergences or the cross-check fail."""
    input:
        effects="results/effect_sizes.csv",
    output:
        summary="results/bayes/nuts_{set}_{prior}.csv",
        diagnostics=report(
            "results/tables/bayes_diagnostics_{set}_{prior}.html",
            caption="../report/bayes_diagnostics.rst",
            category=CATEGORY["Meta-analysis (Bayesian)"],
            labels={"item": "NUTS diagnostics", "set": "{set}", "prior": "{prior}"},
        ),
        crosscheck=report(
            "results/tables/bayes_crosscheck_{set}_{prior}.html",
            caption="../report/bayes_crosscheck.rst",
            category=CATEGORY["Meta-analysis (Bayesian)"],
            labels={"item": "NUTS vs exact", "set": "{set}", "prior": "{prior}"},
        ),
    log:
        "logs/bayes_nuts_{set}_{prior}.log",
    benchmark:
        "logs/benchmarks/bayes_nuts_{set}_{prior}.tsv"
    wildcard_constraints:
        prior="|".join(PRIORS),
        set="|".join(NUTS_SETS),
    priority: 20
    conda:
        "../envs/reanalysis.yaml"
    # The fit is one process, mostly start-up and numba compilation (single-threaded); sampling
    # this small model takes a second, so one core, and the longest job starts first.
    threads: 1
    params:
        cfg=config_subset("bayes", "meta_analysis", "seed"),
    script:
        "../scripts/bayes_nuts.py"


rule bayes_figures:
    """Forest plot with shrunken effects and prediction interval, posterior densities of mu and
    tau under every tau prior, and a shrinkage plot (exact posterior)."""
    input:
        effects="results/effect_sizes.csv",
    output:
        forest=report(
            "results/figures/bayes_forest.png",
            caption="../report/bayes_forest.rst",
            category=CATEGORY["Meta-analysis (Bayesian)"],
            labels={"item": "Bayesian forest plot"},
        ),
        densities=report(
            "results/figures/bayes_densities.png",
            caption="../report/bayes_densities.rst",
            category=CATEGORY["Meta-analysis (Bayesian)"],
            labels={"item": "posterior densities per prior"},
        ),
        shrinkage=report(
            "results/figures/bayes_shrinkage.png",
            caption="../report/bayes_shrinkage.rst",
            category=CATEGORY["Meta-analysis (Bayesian)"],
            labels={"item": "shrinkage"},
        ),
    log:
        "logs/bayes_figures.log",
    benchmark:
        "logs/benchmarks/bayes_figures.tsv"
    conda:
        "../envs/reanalysis.yaml"
    params:
        cfg=config_subset("bayes", "meta_analysis", "report"),
    script:
        "../scripts/bayes_figures.py"
