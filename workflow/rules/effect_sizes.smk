rule effect_sizes:
    """Effect sizes (Hedges' g / SMCR, benefit-positive) at the assumptions' default values, the n
    and r the reported figures imply, and every input row that gives no effect (with the reason).
    """
    input:
        typed=typed_tables(*CORE_TABLES),
        forensics="results/forensics.csv",
    output:
        csv="results/effect_sizes.csv",
        implied="results/implied_assumptions.csv",
        sizes="results/sample_sizes.csv",
        estimability="results/estimability.csv",
        html=report(
            "results/tables/effect_sizes.html",
            caption="../report/effect_sizes.rst",
            category=CATEGORY["Effect sizes"],
            labels={"item": "effect sizes"},
        ),
        implied_html=report(
            "results/tables/implied_assumptions.html",
            caption="../report/implied_assumptions.rst",
            category=CATEGORY["Effect sizes"],
            labels={"item": "what reported p-values imply for n and r"},
        ),
        sizes_html=report(
            "results/tables/sample_sizes.html",
            caption="../report/sample_sizes.rst",
            category=CATEGORY["Data forensics"],
            labels={"item": "one n per subgroup and arm"},
        ),
        estimability_html=report(
            "results/tables/estimability.html",
            caption="../report/estimability.rst",
            category=CATEGORY["Effect sizes"],
            labels={"item": "rows that give no effect size"},
        ),
    log:
        "logs/effect_sizes.log",
    benchmark:
        "logs/benchmarks/effect_sizes.tsv"
    priority: 10  # on the path to the NUTS fit, the longest job
    conda:
        "../envs/reanalysis.yaml"
    params:
        cfg=config_subset("data", "reading_overrides", "assumptions", "effect_sizes"),
        pooled_outcomes=pooling_outcomes(config),  # rows of other outcomes: in estimability.csv
    script:
        "../scripts/effect_sizes.py"
