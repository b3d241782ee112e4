rule ledger:
    """Every claim from the source articles with a verdict computed from the results."""
    input:
        ok="results/data/validated.ok",
        data=DATA_FILES,
        effects="results/effect_sizes.csv",
        pooled="results/meta_frequentist.csv",
        bayes=f"results/bayes/exact_{config['bayes']['primary_prior']}.csv",
        vote="results/vote_count/summary.csv",
        credibility="results/simulation/subgroup_credibility.csv",
        shrinkage="results/simulation/subgroup_shrinkage.csv",
        no_effect="results/simulation/subgroup_no_effect.csv",
        forensics="results/forensics.csv",
    output:
        csv="results/ledger.csv",
        html=report(
            "results/tables/ledger.html",
            caption="../report/ledger.rst",
            category="9. Claims ledger",
            labels={"item": "claims ledger"},
        ),
    log:
        "logs/ledger.log",
    conda:
        "../envs/reanalysis.yaml"
    script:
        "../scripts/ledger.py"


rule overview:
    """Plain-language overview: each claim, its verdict and the numbers, for non-statisticians."""
    input:
        ok="results/data/validated.ok",
        data=DATA_FILES,
        ledger="results/ledger.csv",
        pooled="results/meta_frequentist.csv",
        forensics="results/forensics.csv",
    output:
        report(
            "results/overview.html",
            caption="../report/overview.rst",
            category="1. Overview",
            labels={"item": "1. what the figures support"},
        ),
    log:
        "logs/overview.log",
    conda:
        "../envs/reanalysis.yaml"
    script:
        "../scripts/overview.py"
