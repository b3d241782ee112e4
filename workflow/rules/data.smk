rule validate_data:
    """Validate every curated table; on any problem the workflow stops before writing results."""
    input:
        DATA_FILES,
    output:
        ok="results/data/validated.ok",
        provenance=report(
            "results/tables/provenance.html",
            caption="../report/provenance.rst",
            category="3. Data and provenance",
        ),
    log:
        "logs/validate_data.log",
    conda:
        "../envs/reanalysis.yaml"
    script:
        "../scripts/validate_data.py"
