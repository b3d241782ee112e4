"""CSV text to typed values, before the schemas check them: the file read as text columns (with
the reason where it cannot be: missing, empty, not UTF-8, not comma-separated, ragged), booleans
parsed as the curator wrote them, numbers that pandas would accept but are not finite, a
best-effort typed copy of a table that failed its schema, and the decimals a figure was written
with.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from reanalysis.data.errors import where
from reanalysis.data.schemas import SUMMARY_SCHEMA
from reanalysis.data.vocabulary import NOT_STATED

__all__ = ["read_raw", "non_finite", "parse_booleans", "coerce", "text_decimals"]


def read_raw(path: str | Path) -> tuple[pd.DataFrame | None, list[str]]:
    """The CSV as text columns, or None and the reason (missing, empty, header only, not UTF-8 —
    with the line —, not parseable)."""
    path = Path(path)
    if not path.exists():
        return None, ["file not found"]
    data = path.read_bytes()
    if not data.strip():
        return None, ["file is empty (expected a header line and data rows)"]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        return None, [
            f"line {line}: not valid UTF-8 (byte 0x{data[err.start]:02x}); save the file as UTF-8"
        ]
    header = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    if "," not in header:
        found = next((d for d in (";", "\t", "|") if d in header), None)
        if found:
            shown = "tab" if found == "\t" else repr(found)
            return None, [
                f"line 1: file is not comma-separated (found {shown}); save it as CSV "
                "with commas between fields"
            ]
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""])
    except pd.errors.ParserError as err:
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(err))
        if m:
            return None, [
                f"line {m[2]}: {m[3]} fields, but the header has {m[1]} (a field "
                "holding a comma needs double quotes)"
            ]
        return None, [f"not a readable CSV: {str(err).splitlines()[0]}"]
    if raw.empty:
        return None, ["header only: the file has no data rows"]
    return raw, []


def non_finite(raw: pd.DataFrame, schema: pa.DataFrameSchema, id_col: str | None) -> list[str]:
    """inf/-inf/nan written into a numeric field (pandas would read them as numbers)."""
    problems = []
    for name, col in schema.columns.items():
        if name not in raw.columns or str(col.dtype) not in ("float64", "int64"):
            continue
        num = pd.to_numeric(raw[name], errors="coerce")
        bad = raw[name].notna() & num.notna() & ~np.isfinite(num.astype(float))
        problems += [
            f"{where(raw, idx, id_col)}, field '{name}': must be a finite number, got "
            f"{raw.at[idx, name]!r}"
            for idx in raw.index[bad]
        ]
        nan_text = raw[name].notna() & raw[name].str.strip().str.lower().isin(["nan", "na", "n/a"])
        hint = (
            "leave the field empty if nothing was reported"
            if col.nullable and not (schema is SUMMARY_SCHEMA and name == "value")
            else "this field needs a number"
        )
        problems += [
            f"{where(raw, idx, id_col)}, field '{name}': {raw.at[idx, name]!r} is not a number ({hint})"
            for idx in raw.index[nan_text]
        ]
    return problems


def parse_booleans(raw: pd.DataFrame, schema: pa.DataFrameSchema, id_col: str | None) -> list[str]:
    """Turn 'true'/'false' text into booleans in place (pandas would read any non-empty text,
    'false' included, as True); in a nullable column 'not stated' (the source is silent) reads as
    missing; anything else is a problem naming line and field."""
    problems = []
    for name, col in schema.columns.items():
        if name not in raw.columns or str(col.dtype) not in ("bool", "boolean"):
            continue
        text = raw[name].str.strip().str.lower()
        allowed = ["true", "false"] + ([NOT_STATED] if col.nullable else [])
        bad = raw[name].notna() & ~text.isin(allowed)
        problems += [
            f"{where(raw, idx, id_col)}, field '{name}': expected "
            f"{' or '.join(allowed)}, got "
            f"{raw.at[idx, name]!r}"
            for idx in raw.index[bad]
        ]
        raw[name] = pd.array(text.map({"true": True, "false": False}), dtype="boolean")
    return problems


def coerce(raw: pd.DataFrame, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """Best-effort typed copy of a table that failed its schema (bad numbers become NaN), so the
    row-level and cross-file checks still run and report their problems too."""
    df = raw.copy()
    for name, col in schema.columns.items():
        if str(col.dtype) in ("float64", "int64"):
            num = pd.to_numeric(df[name], errors="coerce").astype(float)
            df[name] = num.where(np.isfinite(num))
    return df


def text_decimals(text: str) -> int:
    text = str(text).strip()
    return len(text.split(".")[1]) if "." in text and "e" not in text.lower() else 0
