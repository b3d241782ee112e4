"""Glue used by the Snakemake scripts: load all curated data and write tables atomically."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import traceback
from pathlib import Path

import pandas as pd

from . import data_io
from .comparisons import select_readings


def load_curated(config: dict) -> dict[str, pd.DataFrame]:
    """Load and validate every table named in ``config['data']``; every problem of every file is
    listed in one :class:`~reanalysis.data_io.DataSetError`. The summary tables gain a ``role``
    column (intervention / comparator / other, from arms.csv; empty for 'between' rows)."""
    t = data_io.load_all(config["data"], config["assumptions"]["sample_sizes"])
    roles = data_io.arm_roles(t["arms"])
    summary = t["summary_stats"].assign(role=lambda d: [  # arm role from arms.csv; 'between' rows: None
        roles.get(key) for key in zip(d["study_id"], d["arm"], strict=True)])
    return {
        "summary_all": summary,
        "summary": select_readings(summary, config.get("reading_overrides") or {}),
        "studies": t["studies"],
        "arms": t["arms"],
        "levels": t["levels"],
        "claims": t["claims"],
        "score_ranges": t["score_ranges"],
        "instruments": t["instruments"],
    }


def atomic_write(path: str | Path, text: str) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def write_csv(df: pd.DataFrame, path: str | Path) -> None:
    """CSV with fixed float formatting so identical inputs give byte-identical files."""
    atomic_write(path, df.to_csv(index=False, float_format="%.10g", lineterminator="\n"))


TABLE_CSS = """<style>
body{font-family:system-ui,sans-serif;font-size:13px;margin:1em}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 6px;text-align:left}
th{background:#f0f0f0}p.note{max-width:60em;color:#333}
</style>"""


def write_html_table(df: pd.DataFrame, path: str | Path, title: str, note: str = "") -> None:
    """A standalone HTML page holding one table (for the Snakemake report)."""
    body = df.to_html(index=False, float_format=lambda x: f"{x:.3f}", na_rep="", border=0)
    text = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>"
            f"{TABLE_CSS}</head><body><h2>{title}</h2><p class='note'>{note}</p>{body}</body></html>")
    atomic_write(path, text)


@contextlib.contextmanager
def script_log(path: str | Path):
    """Send a Snakemake script's stderr to its log; an error's message also goes to the console
    (Snakemake itself only names the log), then the error propagates."""
    with open(path, "w") as log:
        saved, sys.stderr = sys.stderr, log
        try:
            yield log
        except Exception as err:
            log.write(traceback.format_exc())
            log.flush()
            sys.__stderr__.write(f"\nERROR ({Path(path).name}): {err}\n")
            raise
        finally:
            sys.stderr = saved
