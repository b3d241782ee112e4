"""Snakemake script: RevMan-style forest plot (per-arm columns, weights, pooled diamonds only
where k >= 2, heterogeneity, prediction interval) in every configured format, a phone layout,
pages beyond plots.MAX_ROWS rows (the first page under the declared names, the others in
figures/forest_pages/), each file with its alt text, and its rows as an HTML table."""

from pathlib import Path

import pandas as pd

from reanalysis.data.tables import read_curated
from reanalysis.report.forest_rows import forest_rows_for
from reanalysis.report.pages import forest_table_page
from reanalysis.report.plots import DPI, forest_alt, forest_figures, plt, save
from reanalysis.workflow_io import atomic_write, script_log

with script_log(snakemake.log[0]):
    cfg = snakemake.params.cfg
    inp, out = snakemake.input, snakemake.output
    rep, ma = cfg["report"], cfg["meta_analysis"]
    rows = forest_rows_for(
        cfg, pd.read_csv(inp.effects), pd.read_csv(inp.pooled), read_curated(inp.typed, cfg)
    )
    atomic_write(out.table, forest_table_page(rows, rep["intervention"], rep["comparator"], ma["level"]))
    alt = forest_alt(rows)
    pages_dir = Path(out.pages)
    pages_dir.mkdir(parents=True, exist_ok=True)
    for phone, first in ((False, list(out.figures)), (True, [out.phone])):
        figs = forest_figures(
            rows, rep["intervention"], rep["comparator"], level=ma["level"], phone=phone
        )
        n = len(figs)
        for i, fig in enumerate(figs):
            where = f" (page {i + 1} of {n}; every row: the forest table)" if n > 1 else ""
            for path in first:
                name = Path(path)
                target = name if i == 0 else pages_dir / f"{name.stem}_page{i + 1}{name.suffix}"
                save(fig, target, alt + where, dpi=DPI)
            plt.close(fig)
