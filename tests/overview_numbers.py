"""Every number on an overview page, and where it comes from: a value in a results table (a CSV
under results/) or the configuration of the run (shown in the report's software page), at the
rounding the page shows. Quotations from the source articles are left out (they are the
articles' numbers, kept verbatim)."""

from __future__ import annotations

import html
import math
import re
from pathlib import Path

import pandas as pd
import yaml

# Numbers that are not data: thresholds of the formatting function ("< 0.001", "< 1%",
# "> 99%" are skipped with their sign) and these.
NON_DATA = {"95%"}
NUMBER = re.compile(r"(?<![\w.²])([<>]\s?)?([-+−]?\d+(?:\.\d+)?)(%?)(?![\w²])")


def page_text(path: Path) -> str:
    """The visible text of a page, quotations (“…”) removed."""
    text = re.sub(r"<(style|script)\b.*?</\1>", " ", path.read_text(), flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return re.sub(r"“[^”]*”", " ", text)


def _numbers_of(obj, out: list[float]) -> None:
    if isinstance(obj, dict):
        for v in obj.values():
            _numbers_of(v, out)
    elif isinstance(obj, list):
        for v in obj:
            _numbers_of(v, out)
    elif isinstance(obj, (int, float)) and not isinstance(obj, bool):
        out.append(float(obj))


def _frames(obj):
    if isinstance(obj, pd.DataFrame):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _frames(v)


def source_values(results: Path, config: Path) -> list[float]:
    """Every finite numeric cell of every CSV under ``results`` and of the validated data tables
    (results/data/*.pkl), and every number of the config."""
    values: list[float] = []
    tables = [pd.read_csv(p) for p in sorted(results.rglob("*.csv"))]
    for pkl in sorted((results / "data").glob("*.pkl")):
        tables.extend(_frames(pd.read_pickle(pkl)))
    for df in tables:
        for c in df.columns:
            col = (
                df[c] if pd.api.types.is_numeric_dtype(df[c]) else pd.to_numeric(df[c], errors="coerce")
            )
            if pd.api.types.is_numeric_dtype(col):
                values.extend(float(v) for v in col.dropna() if math.isfinite(float(v)))
    _numbers_of(yaml.safe_load(config.read_text()), values)
    return values


def unmatched_numbers(page: Path, results: Path, config: Path) -> list[str]:
    """The numbers on ``page`` found in no results table or config value at the page's
    rounding (sign ignored: a page says '0.4 better' for a difference of -0.4 on a scale where
    lower is better); a percentage is matched as 100 x a probability or as a value."""
    values = source_values(results, config)
    rounded: dict[int, set[float]] = {}
    for d in range(0, 4):
        rounded[d] = {round(abs(v), d) for v in values} | {round(abs(100 * v), d) for v in values}
    missing = []
    for m in NUMBER.finditer(page_text(page)):
        bound, token, pct = m.groups()
        shown = token.replace("−", "-") + pct
        if bound or shown in NON_DATA:
            continue
        number = abs(float(shown.rstrip("%")))
        d = len(token.split(".")[1]) if "." in token else 0
        pool = rounded[min(d, 3)]
        if round(number, d) not in pool:
            missing.append(shown)
    return missing
