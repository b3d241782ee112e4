rule report_pages:
    """Summary of findings (GRADE), risk of bias, study characteristics, the provenance of every
    figure and the reader's bottom line, from results and the sourced report data."""
    input:
        typed=typed_tables(*CORE_TABLES, "instruments", "report"),  # instruments: units
        effects="results/effect_sizes.csv",
    output:
        sof_csv="results/report/summary_of_findings.csv",
        bottom_line=report(
            "results/tables/bottom_line.html",
            caption="../report/bottom_line.rst",
            category=CATEGORY["Overview"],
            labels={"item": "2. bottom line"},
        ),
        sof=report(
            "results/tables/summary_of_findings.html",
            caption="../report/summary_of_findings.rst",
            category=CATEGORY["Overview"],
            labels={"item": "3. summary of findings"},
        ),
        studies=report(
            "results/tables/study_characteristics.html",
            caption="../report/study_characteristics.rst",
            category=CATEGORY["Data and provenance"],
            labels={"item": "studies"},
        ),
        rob=report(
            "results/tables/risk_of_bias.html",
            caption="../report/risk_of_bias.rst",
            category=CATEGORY["Data and provenance"],
            labels={"item": "risk of bias"},
        ),
        provenance=report(
            "results/tables/provenance.html",
            caption="../report/provenance.rst",
            category=CATEGORY["Data and provenance"],
            labels={"item": "provenance"},
        ),
    log:
        "logs/report_pages.log",
    benchmark:
        "logs/benchmarks/report_pages.tsv"
    conda:
        "../envs/reanalysis.yaml"
    params:
        cfg=config_subset(
            "data",
            "reading_overrides",
            "assumptions",
            "report",
            "mcid",
            "meta_analysis",
        ),
    script:
        "../scripts/report_pages.py"


rule software_page:
    """The software versions and the whole configuration of this run (reproducibility); it reads
    every config value, so any config edit reruns it (and only it, of the report pages).
    """
    input:
        typed=typed_tables("studies"),  # reads no data; waits for valid data
    output:
        report(
            "results/tables/software.html",
            caption="../report/software.rst",
            category=CATEGORY["Data and provenance"],
            labels={"item": "software and config"},
        ),
    log:
        "logs/software_page.log",
    benchmark:
        "logs/benchmarks/software_page.tsv"
    conda:
        "../envs/reanalysis.yaml"
    params:
        cfg=config,
    script:
        "../scripts/software_page.py"


rule forest_plot:
    """RevMan-style forest plot: per-arm n and mean (SD), effect [CI], weight, pooled diamonds
    only where k >= 2, heterogeneity and prediction interval; the pre-post set descriptive. Every
    configured format from one drawing, and the same rows as an HTML table (cards on a phone).
    """
    input:
        typed=typed_tables(*CORE_TABLES),
        effects="results/effect_sizes.csv",
        pooled="results/meta_frequentist.csv",
    output:
        figures=[
            report(
                f"results/figures/forest.{ext}",
                caption="../report/forest.rst",
                category=CATEGORY["Overview"],
                labels={"item": "4. forest plot", "format": ext},
            )
            for ext in config["report"]["forest_plot_formats"]
        ],
        phone=report(
            "results/figures/forest_phone.png",
            caption="../report/forest.rst",
            category=CATEGORY["Overview"],
            labels={"item": "4. forest plot", "format": "narrow (phone)"},
        ),
        pages=directory("results/figures/forest_pages"),
        table=report(
            "results/tables/forest.html",
            caption="../report/forest_table.rst",
            category=CATEGORY["Overview"],
            labels={"item": "5. forest plot as a table"},
        ),
    log:
        "logs/forest_plot.log",
    benchmark:
        "logs/benchmarks/forest_plot.tsv"
    conda:
        "../envs/reanalysis.yaml"
    params:
        cfg=config_subset(
            "data", "reading_overrides", "assumptions", "meta_analysis", "report"
        ),
    script:
        "../scripts/forest_plot.py"
