"""Snakemake script: the claims ledger — a computed verdict, with its numbers, for every claim."""

import sys

import pandas as pd

from reanalysis.curated import read_curated
from reanalysis.ledger import VERDICTS, Evidence, build_ledger
from reanalysis.pipeline import write_csv, write_html_table

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
cfg = snakemake.params.cfg  # noqa: F821
inp = snakemake.input  # noqa: F821
tables = read_curated(inp.typed, cfg)
# results of the optional analyses (vote count, subgroup simulation) where the case runs them
optional = {key: pd.read_csv(inp[key]) for key in ("vote", "credibility", "shrinkage", "no_effect")
            if key in inp.keys()}
ev = Evidence(
    summary=tables["summary"], studies=tables["studies"], levels=tables["levels"],
    effects=pd.read_csv(inp.effects), pooled=pd.read_csv(inp.pooled),
    bayes=pd.read_csv(inp.bayes), forensics=pd.read_csv(inp.forensics), config=cfg,
    arms=tables["arms"], instruments=tables["instruments"], **optional,
)
ledger = build_ledger(tables["claims"], ev)
write_csv(ledger, snakemake.output.csv)  # noqa: F821
definitions = " ".join(f"{k.capitalize()}: {v}" for k, v in VERDICTS.items())
write_html_table(
    ledger[["claim_id", "source_file", "line", "quote", "verdict", "plain", "numbers",
            "traced_to"]],
    snakemake.output.html, "Claims ledger",  # noqa: F821
    f"Each checkable sentence of the source articles (file and line) with a verdict computed "
    f"from the data. {definitions}",
)
