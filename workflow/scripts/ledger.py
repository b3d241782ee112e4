"""Snakemake script: the claims ledger — a computed verdict, with its numbers, for every claim."""

import pandas as pd

from reanalysis.checks.forensics import flagged_rows
from reanalysis.data.tables import read_curated
from reanalysis.ledger import readings
from reanalysis.ledger.build import build_ledger
from reanalysis.ledger.evidence import Evidence, comparator_word
from reanalysis.ledger.verdicts import VERDICTS, verdict_definition, verdict_name
from reanalysis.report.tables import write_html_table
from reanalysis.workflow_io import script_log, write_csv

with script_log(snakemake.log[0]):
    cfg = snakemake.params.cfg
    inp = snakemake.input
    tables = read_curated(inp.typed, cfg)
    # results of the optional analyses (vote count, subgroup simulation) where the case runs them
    optional = {
        key: pd.read_csv(inp[key])
        for key in ("vote", "credibility", "shrinkage", "no_effect")
        if key in inp.keys()
    }
    ev = Evidence(
        summary=tables["summary"],
        studies=tables["studies"],
        levels=tables["levels"],
        effects=pd.read_csv(inp.effects),
        pooled=pd.read_csv(inp.pooled),
        bayes=pd.read_csv(inp.bayes),
        forensics=pd.read_csv(inp.forensics),
        config=cfg,
        arms=tables["arms"],
        instruments=tables["instruments"],
        **optional,
    )
    ledger = build_ledger(tables["claims"], ev)
    # the verdict of every claim under each other reading of an ambiguous report (config
    # ambiguous_readings); effects, pooled sets and posterior recomputed, the simulations kept
    flagged = flagged_rows(ev.forensics)
    others = {}
    for row_id, reading in readings.alternatives(cfg):
        alt = readings.reanalyse(
            tables["summary_all"], tables["studies"], tables["arms"], cfg, flagged, {row_id: reading}
        )
        others[readings.name(row_id, reading)] = build_ledger(
            tables["claims"], readings.with_results(ev, alt)
        )["verdict"]
    ledger = readings.add_other_verdicts(ledger, others)
    write_csv(ledger, snakemake.output.csv)
    comparator = comparator_word(ev)
    definitions = " ".join(
        f"{verdict_name(k, comparator).capitalize()}: {verdict_definition(k, comparator)}"
        for k in VERDICTS
    )
    shown = ledger.assign(
        **{
            c: ledger[c].map(lambda v: verdict_name(v, comparator) if isinstance(v, str) else v)
            for c in ("verdict", "verdict_other_reading")
        }
    )
    write_html_table(
        shown[
            [
                "claim_id",
                "source_file",
                "line",
                "quote",
                "verdict",
                "verdict_other_reading",
                "other_reading",
                "plain",
                "numbers",
                "traced_to",
            ]
        ],
        snakemake.output.html,
        "Claims ledger",
        f"Each checkable sentence of the source articles (file and line) with a verdict computed "
        f"from the data. {definitions} verdict_other_reading: the verdict under the other reading "
        "(other_reading: row_id:reading) of an ambiguous report, where it differs.",
        level=cfg["meta_analysis"]["level"],
    )
