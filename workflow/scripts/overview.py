"""Snakemake script: the plain-language overview page of the report (the answer first)."""

import pandas as pd

from reanalysis.data.tables import read_curated
from reanalysis.effects.notes import md_unit
from reanalysis.report.overview import overview_html
from reanalysis.report.overview_answer import answer_html
from reanalysis.workflow_io import atomic_write, script_log

with script_log(snakemake.log[0]):
    cfg = snakemake.params.cfg
    inp = snakemake.input
    tables = read_curated(inp.typed, cfg)
    ma, rep = cfg["meta_analysis"], cfg["report"]
    pooled, effects = pd.read_csv(inp.pooled), pd.read_csv(inp.effects)
    instruments = tables.get("instruments")
    answer = answer_html(
        pd.read_csv(inp.sof),
        cfg["report"]["summary_of_findings"],
        pooled,
        pd.read_csv(inp.bayes),
        effects,
        ma["sets"],
        ma["primary_method"],
        bool(ma.get("knha")),
        ma["level"],
        mu_prior_sd=cfg["bayes"].get("mu_prior_sd"),
        unit_of=lambda instrument: md_unit(instrument, instruments),
        title=f"{rep['intervention'][:1].upper()}{rep['intervention'][1:]} compared with "
        f"{rep['comparator']} for {rep['condition']}: the answer first",
        sensitivity=pd.read_csv(inp.sensitivity),
    )
    page = overview_html(
        pd.read_csv(inp.ledger),
        pooled,
        pd.read_csv(inp.forensics),
        ma["sets"],
        ma["primary_method"],
        summary=tables["summary_all"],
        sizes=pd.read_csv(inp.sizes),
        studies=tables["studies"],
        answer=answer,
        unit_of=lambda instrument: md_unit(instrument, instruments),
        comparator=(cfg.get("report") or {}).get("comparator"),
        level=ma["level"],
    )
    atomic_write(snakemake.output[0], page)
