rule effect_sizes:
    """Effect sizes (Hedges' g / SMCR, benefit-positive) at the assumptions' default values."""
    input:
        ok="results/data/validated.ok",
        data=DATA_FILES,
        forensics="results/forensics.csv",
    output:
        csv="results/effect_sizes.csv",
        html=report(
            "results/tables/effect_sizes.html",
            caption="../report/effect_sizes.rst",
            category="3. Effect sizes",
            labels={"item": "effect sizes"},
        ),
    log:
        "logs/effect_sizes.log",
    conda:
        "../envs/reanalysis.yaml"
    script:
        "../scripts/effect_sizes.py"
