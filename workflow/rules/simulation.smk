SCENARIOS = list(config["subgroup_simulation"]["scenarios"])
SIM = "results/simulation"


rule subgroup_scenario:
    """Simulate replicate trials under one scenario (wildcard); vectorised, chunked, seeded."""
    input:
        typed=typed_tables(*CORE_TABLES),
        sizes="results/sample_sizes.csv",  # the effect table's n per subgroup and arm
    output:
        f"{SIM}/subgroup_{{scenario}}.csv",
    log:
        "logs/subgroup_scenario_{scenario}.log",
    benchmark:
        "logs/benchmarks/subgroup_scenario_{scenario}.tsv"
    wildcard_constraints:
        scenario="|".join(SCENARIOS),
    priority: 5  # the ledger waits for it: start it before the figures and tables
    conda:
        "../envs/reanalysis.yaml"
    # One thread: a job is mostly start-up, and two jobs side by side finish sooner than one on
    # two threads (full scale, 2 cores: 5.1 s on one thread, 4.4 s on two). Chunks run on the
    # threads a job gets: `--set-threads subgroup_scenario=8` on a cluster node.
    threads: 1
    resources:
        mem_mb=1000,
        runtime=30,
    params:
        cfg=config_subset(
            "subgroup_simulation", "assumptions", "seed", "data", "reading_overrides"
        ),
    script:
        "../scripts/subgroup_scenario.py"


rule subgroup_power:
    """Power over a grid of true effects (needs only the config, but waits for valid data so a
    failed validation leaves results/ empty)."""
    input:
        typed=typed_tables("arms"),  # its sample sizes name arms; it reads no data
        sizes="results/sample_sizes.csv",
    output:
        f"{SIM}/subgroup_power.csv",
    log:
        "logs/subgroup_power.log",
    benchmark:
        "logs/benchmarks/subgroup_power.tsv"
    conda:
        "../envs/reanalysis.yaml"
    threads: 1  # as subgroup_scenario
    resources:
        mem_mb=1000,
        runtime=30,
    params:
        cfg=config_subset("subgroup_simulation", "assumptions", "seed"),
    script:
        "../scripts/subgroup_power.py"


rule subgroup_credibility:
    input:
        typed=typed_tables(*CORE_TABLES),
        sizes="results/sample_sizes.csv",
        no_effect=f"{SIM}/subgroup_no_effect.csv",
        subgroup_only=f"{SIM}/subgroup_subgroup_only.csv",
    output:
        shrinkage=f"{SIM}/subgroup_shrinkage.csv",
        credibility=f"{SIM}/subgroup_credibility.csv",
        shrinkage_html=report(
            "results/tables/subgroup_shrinkage.html",
            caption="../report/subgroup_shrinkage.rst",
            category=CATEGORY["Subgroup simulations"],
            labels={"item": "interaction and shrinkage"},
        ),
        credibility_html=report(
            "results/tables/subgroup_credibility.html",
            caption="../report/subgroup_credibility.rst",
            category=CATEGORY["Subgroup simulations"],
            labels={"item": "credibility of the subgroup claim"},
        ),
    log:
        "logs/subgroup_credibility.log",
    benchmark:
        "logs/benchmarks/subgroup_credibility.tsv"
    conda:
        "../envs/reanalysis.yaml"
    params:
        cfg=config_subset(
            "subgroup_simulation", "assumptions", "bayes", "data", "reading_overrides"
        ),
    script:
        "../scripts/subgroup_credibility.py"


rule subgroup_figures:
    input:
        typed=typed_tables(*CORE_TABLES),
        sizes="results/sample_sizes.csv",
        scenarios=expand(f"{SIM}/subgroup_{{scenario}}.csv", scenario=SCENARIOS),
        power=f"{SIM}/subgroup_power.csv",
    output:
        fpr=report(
            "results/figures/subgroup_false_positives.png",
            caption="../report/subgroup_false_positives.rst",
            category=CATEGORY["Subgroup simulations"],
            labels={"item": "false positives vs number of tests"},
        ),
        power=report(
            "results/figures/subgroup_power.png",
            caption="../report/subgroup_power.rst",
            category=CATEGORY["Subgroup simulations"],
            labels={"item": "power curves"},
        ),
        estimates=report(
            "results/figures/subgroup_estimates.png",
            caption="../report/subgroup_estimates.rst",
            category=CATEGORY["Subgroup simulations"],
            labels={"item": "subgroup estimate by scenario"},
        ),
    log:
        "logs/subgroup_figures.log",
    benchmark:
        "logs/benchmarks/subgroup_figures.tsv"
    conda:
        "../envs/reanalysis.yaml"
    params:
        cfg=config_subset(
            "subgroup_simulation", "assumptions", "data", "reading_overrides", "report"
        ),
    script:
        "../scripts/subgroup_figures.py"
