rule ledger:
    """Every claim from the source articles with a verdict computed from the results."""
    input:
        unpack(ledger_inputs),
    output:
        csv="results/ledger.csv",
        html=report(
            "results/tables/ledger.html",
            caption="../report/ledger.rst",
            category=CATEGORY["Claims ledger"],
            labels={"item": "claims ledger"},
        ),
    log:
        "logs/ledger.log",
    benchmark:
        "logs/benchmarks/ledger.tsv"
    conda:
        "../envs/reanalysis.yaml"
    params:
        cfg=config_subset(
            "data",
            "assumptions",
            "reading_overrides",
            "ambiguous_readings",
            "meta_analysis",
            "mcid",
            "vote_count",
            "subgroup_simulation",
            "ledger",
            "bayes",
            "effect_sizes",
            "report",
        ),
    script:
        "../scripts/ledger.py"


rule overview:
    """Plain-language overview: each claim, its verdict and the numbers, for non-statisticians."""
    input:
        typed=typed_tables(*CORE_TABLES, "score_ranges", "instruments"),
        ledger="results/ledger.csv",
        pooled="results/meta_frequentist.csv",
        forensics="results/forensics.csv",
        effects="results/effect_sizes.csv",
        sizes="results/sample_sizes.csv",
        sensitivity="results/sensitivity.csv",
        sof="results/report/summary_of_findings.csv",
        bayes=f"results/bayes/exact_{config['bayes']['primary_prior']}.csv",
    output:
        report(
            "results/overview.html",
            caption="../report/overview.rst",
            category=CATEGORY["Overview"],
            labels={"item": "1. what the figures support"},
        ),
    log:
        "logs/overview.log",
    benchmark:
        "logs/benchmarks/overview.tsv"
    conda:
        "../envs/reanalysis.yaml"
    params:
        cfg=config_subset(
            "data",
            "assumptions",
            "reading_overrides",
            "meta_analysis",
            "report",
            "bayes",
        ),
    script:
        "../scripts/overview.py"
