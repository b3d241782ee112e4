"""Snakemake script: summary of findings (GRADE), risk of bias, study characteristics, provenance
and the reader's bottom line pages of the report."""

import pandas as pd

from reanalysis.appraisal import grade, study_characteristics
from reanalysis.data.tables import read_curated
from reanalysis.report.pages import bottom_line_page, rob_page, sof_page, studies_page
from reanalysis.report.summary_of_findings import summary_of_findings
from reanalysis.report.tables import write_html_table
from reanalysis.workflow_io import atomic_write, script_log, write_csv

with script_log(snakemake.log[0]):
    cfg = snakemake.params.cfg
    inp, out = snakemake.input, snakemake.output
    rep = cfg["report"]

    curated = read_curated(inp.typed, cfg)
    studies, summary = curated["studies"], curated["summary"]
    names = study_characteristics.labels(studies)
    specs = rep["summary_of_findings"]
    report_data = curated["report"]
    grade_df, rob = report_data["grade"], report_data["rob"]
    adverse, safety = report_data["adverse_events"], report_data["safety"]
    arms = curated["arms"]
    effects = pd.read_csv(inp.effects)
    level = cfg["meta_analysis"]["level"]

    certainty = grade.certainty_table(grade_df, {s["outcome"]: s["evidence"] for s in specs})
    sof = summary_of_findings(
        specs,
        effects,
        summary,
        adverse,
        certainty,
        arms,
        names,
        cfg["mcid"],
        level,
        rep["intervention"],
        rep["comparator"],
        rep["subgroup_labels"],
        curated["instruments"],
    )
    write_csv(sof, out.sof_csv)
    atomic_write(out.sof, sof_page(sof, rep["intervention"], rep["comparator"], rep["condition"], level))
    atomic_write(out.rob, rob_page(rob, names))
    atomic_write(
        out.studies,
        studies_page(
            study_characteristics.characteristics_table(studies, summary, adverse, rep["study_roles"])
        ),
    )
    atomic_write(
        out.bottom_line,
        bottom_line_page(
            sof,
            effects,
            studies,
            adverse,
            safety,
            names,
            rep["study_roles"],
            rep["intervention"],
            rep["comparator"],
            rep["condition"],
        ),
    )
    cols = [
        "row_id",
        "study_id",
        "arm",
        "subgroup",
        "outcome",
        "timepoint",
        "statistic",
        "value",
        "n",
        "reading",
        "status",
        "source",
        "location",
        "note",
    ]
    write_html_table(
        curated["summary_all"][cols],
        out.provenance,
        "Reported figures and their provenance",
        "Every number used by the pipeline, with its source, where in it, and its status "
        "(reported / second-hand / derived / assumption). Figures not listed here were not found.",
        level=level,
    )
