def ledger_inputs(wildcards):
    """The results every verdict may read; the optional analyses' only where the case runs them."""
    inputs = {
        "ok": gates(*CORE_TABLES, "levels", "claims"),
        "data": data_files(*CORE_TABLES, "levels", "claims"),
        "effects": "results/effect_sizes.csv",
        "pooled": "results/meta_frequentist.csv",
        "bayes": f"results/bayes/exact_{config['bayes']['primary_prior']}.csv",
        "forensics": "results/forensics.csv",
    }
    if VOTE_COUNT:
        inputs["vote"] = "results/vote_count/summary.csv"
    if SIMULATION:
        inputs |= {
            "credibility": "results/simulation/subgroup_credibility.csv",
            "shrinkage": "results/simulation/subgroup_shrinkage.csv",
            "no_effect": "results/simulation/subgroup_no_effect.csv",
        }
    return inputs


rule ledger:
    """Every claim from the source articles with a verdict computed from the results."""
    input:
        unpack(ledger_inputs),
    params:
        cfg=config_subset(
            "data", "assumptions", "reading_overrides", "meta_analysis", "mcid", "vote_count",
            "subgroup_simulation", "ledger",
        ),
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
        ok=gates(*CORE_TABLES, "score_ranges"),
        data=data_files(*CORE_TABLES, "score_ranges"),
        ledger="results/ledger.csv",
        pooled="results/meta_frequentist.csv",
        forensics="results/forensics.csv",
    params:
        cfg=config_subset("data", "assumptions", "reading_overrides", "meta_analysis", "report"),
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
