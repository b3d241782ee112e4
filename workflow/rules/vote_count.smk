rule vote_count:
    input:
        typed=typed_tables(*CORE_TABLES),
    output:
        summary="results/vote_count/summary.csv",
        curve="results/vote_count/curve.csv",
        html=report(
            "results/tables/vote_count.html",
            caption="../report/vote_count.rst",
            category=CATEGORY["Vote count"],
            labels={"item": "vote count"},
        ),
        figure=report(
            "results/figures/vote_count.png",
            caption="../report/vote_count_curve.rst",
            category=CATEGORY["Vote count"],
            labels={"item": "P(at least k positive) vs true effect"},
        ),
    log:
        "logs/vote_count.log",
    benchmark:
        "logs/benchmarks/vote_count.tsv"
    priority: 5  # the ledger waits for it
    conda:
        "../envs/reanalysis.yaml"
    params:
        cfg=config_subset(
            "vote_count", "seed", "data", "reading_overrides", "report", "assumptions"
        ),
    script:
        "../scripts/vote_count.py"
