PRIORS = list(config["bayes"]["priors"])
NUTS_SETS = config["bayes"]["nuts"]["sets"]


rule bayes_exact:
    """Exact posterior (grid over tau) for every pooling set under one tau prior."""
    input:
        effects="results/effect_sizes.csv",
    output:
        "results/bayes/exact_{prior}.csv",
    log:
        "logs/bayes_exact_{prior}.log",
    wildcard_constraints:
        prior="|".join(PRIORS),
    conda:
        "../envs/reanalysis.yaml"
    script:
        "../scripts/bayes_exact.py"


rule bayes_prior_sensitivity:
    input:
        expand("results/bayes/exact_{prior}.csv", prior=PRIORS),
    output:
        csv="results/bayes/prior_sensitivity.csv",
        html=report(
            "results/tables/bayes_prior_sensitivity.html",
            caption="../report/bayes_prior_sensitivity.rst",
            category="6. Meta-analysis (Bayesian)",
        ),
    log:
        "logs/bayes_prior_sensitivity.log",
    conda:
        "../envs/reanalysis.yaml"
    script:
        "../scripts/bayes_prior_sensitivity.py"


rule bayes_nuts:
    """NUTS fit (PyMC), diagnosed with ArviZ and cross-checked against the exact posterior.

    Fails, naming the check, if R-hat, ESS, divergences or the cross-check fail."""
    input:
        effects="results/effect_sizes.csv",
    output:
        summary="results/bayes/nuts_{set}_{prior}.csv",
        crosscheck=report(
            "results/tables/bayes_crosscheck_{set}_{prior}.html",
            caption="../report/bayes_crosscheck.rst",
            category="6. Meta-analysis (Bayesian)",
            labels={"set": "{set}", "prior": "{prior}"},
        ),
    log:
        "logs/bayes_nuts_{set}_{prior}.log",
    wildcard_constraints:
        prior="|".join(PRIORS),
    threads: 2
    conda:
        "../envs/reanalysis.yaml"
    script:
        "../scripts/bayes_nuts.py"
