"""Snakemake script: the "k of n studies" vote count — binomial view and simulation curve."""

from reanalysis.data.tables import read_curated
from reanalysis.report.html import fmt
from reanalysis.report.plots import save
from reanalysis.report.tables import write_html_table
from reanalysis.simulation.plots import vote_count_alt, vote_count_plot
from reanalysis.simulation.tables import vote_count_tables
from reanalysis.workflow_io import script_log, write_csv

with script_log(snakemake.log[0]):
    cfg = snakemake.params.cfg
    tables = read_curated(snakemake.input.typed, cfg)
    summary, curve = vote_count_tables(cfg, tables["summary_all"])
    out = snakemake.output
    write_csv(summary, out.summary)
    write_csv(curve, out.curve)
    row = summary.iloc[0]
    shown = summary.T.reset_index().set_axis(["quantity", "value"], axis=1)
    shown["value"] = [
        fmt(v, kind="p" if str(q).startswith("sign_test_p") else "sig")
        for q, v in zip(shown["quantity"], shown["value"], strict=True)
    ]
    write_html_table(
        shown,
        out.html,
        f"Vote count of the claim '{row['positive']} of {row['total']} studies reported improvement' "
        "(the count as the claim states it)",
        "Exact (Clopper-Pearson) interval and sign test for the share of positive studies; Beta "
        "posterior under a uniform prior; and the probability of at least this many positive "
        f"studies when {cfg['report']['intervention']} has no effect, for each meaning of "
        "'improvement' and each level of non-specific improvement (placebo response + regression "
        "to the mean; config vote_count).",
    )
    save(
        vote_count_plot(curve, int(row["positive"]), int(row["total"]), cfg["report"]["intervention"]),
        out.figure,
        vote_count_alt(curve, int(row["positive"]), int(row["total"])),
    )
