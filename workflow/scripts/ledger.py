"""Snakemake script: the claims ledger — a computed verdict, with its numbers, for every claim."""

import sys

import pandas as pd

from reanalysis.ledger import VERDICTS, Evidence, build_ledger
from reanalysis.pipeline import load_curated, write_csv, write_html_table

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
cfg = snakemake.config  # noqa: F821
inp = snakemake.input  # noqa: F821
tables = load_curated(cfg)
ev = Evidence(
    summary=tables["summary"], studies=tables["studies"], levels=tables["levels"],
    effects=pd.read_csv(inp.effects), pooled=pd.read_csv(inp.pooled),
    bayes=pd.read_csv(inp.bayes), vote=pd.read_csv(inp.vote),
    credibility=pd.read_csv(inp.credibility), shrinkage=pd.read_csv(inp.shrinkage),
    forensics=pd.read_csv(inp.forensics), no_effect=pd.read_csv(inp.no_effect), config=cfg,
)
ledger = build_ledger(tables["claims"], ev)
write_csv(ledger, snakemake.output.csv)  # noqa: F821
definitions = " ".join(f"<b>{k}</b>: {v}" for k, v in VERDICTS.items())
write_html_table(
    ledger[["claim_id", "quote", "verdict", "plain", "numbers", "traced_to", "source_file"]],
    snakemake.output.html, "Claims ledger",  # noqa: F821
    f"Each claim from the source articles with a verdict computed from the data. {definitions}",
)
