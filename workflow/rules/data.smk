rule validate_data:
    """Validate every curated table; on any problem the workflow stops before writing results."""
    input:
        DATA_FILES,
    output:
        ok="results/data/validated.ok",
        provenance=report(
            "results/tables/provenance.html",
            caption="../report/provenance.rst",
            category="2. Data and provenance",
            labels={"item": "provenance"},
        ),
    log:
        "logs/validate_data.log",
    conda:
        "../envs/reanalysis.yaml"
    script:
        "../scripts/validate_data.py"


rule forensics:
    """SD bounds, GRIM and recomputed p-values for every reported figure."""
    input:
        ok="results/data/validated.ok",
        data=DATA_FILES,
    output:
        csv="results/forensics.csv",
        html=report(
            "results/tables/forensics.html",
            caption="../report/forensics.rst",
            category="8. Data forensics",
            labels={"item": "consistency checks"},
        ),
    log:
        "logs/forensics.log",
    conda:
        "../envs/reanalysis.yaml"
    script:
        "../scripts/forensics.py"
