rule meta_frequentist:
    """Random-effects meta-analysis (REML/DL/PM, Knapp-Hartung) of each configured pooling set."""
    input:
        effects="results/effect_sizes.csv",
    output:
        csv="results/meta_frequentist.csv",
        html=report(
            "results/tables/meta_frequentist.html",
            caption="../report/meta_frequentist.rst",
            category=CATEGORY["Meta-analysis (frequentist)"],
            labels={"item": "random-effects meta-analysis"},
        ),
    log:
        "logs/meta_frequentist.log",
    benchmark:
        "logs/benchmarks/meta_frequentist.tsv"
    conda:
        "../envs/reanalysis.yaml"
    params:
        cfg=config_subset("meta_analysis"),
    script:
        "../scripts/meta_frequentist.py"


rule sensitivity:
    """Primary-method pooled results with each named assumption moved to the ends of its range."""
    input:
        typed=typed_tables(*CORE_TABLES),
        forensics="results/forensics.csv",
    output:
        csv="results/sensitivity.csv",
        html=report(
            "results/tables/sensitivity.html",
            caption="../report/sensitivity.rst",
            category=CATEGORY["Meta-analysis (frequentist)"],
            labels={"item": "sensitivity"},
        ),
    log:
        "logs/sensitivity.log",
    benchmark:
        "logs/benchmarks/sensitivity.tsv"
    conda:
        "../envs/reanalysis.yaml"
    params:
        cfg=config_subset(
            "data",
            "reading_overrides",
            "ambiguous_readings",
            "assumptions",
            "effect_sizes",
            "meta_analysis",
        ),
    script:
        "../scripts/sensitivity.py"
