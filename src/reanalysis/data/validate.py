"""One curated file checked: read, parsed, validated against its schema and its row checks, with
every problem in the curator's words (pandera's failure cases translated: ``must be one of [...],
got 'x'``), at most one per line and field. :func:`check_file` returns the typed table as far as
it could be read and the problems; :mod:`reanalysis.data.load` checks every file at once.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pandera.errors
import pandera.pandas as pa

from reanalysis.data.errors import where
from reanalysis.data.parse import coerce, non_finite, parse_booleans, read_raw, text_decimals
from reanalysis.data.row_checks import ROW_CHECKS, sample_sizes_whole
from reanalysis.data.schemas import ROW_IDS, SCHEMAS, SUMMARY_SCHEMA

__all__ = ["check_file"]


def _in_words(check: str, got) -> str | None:
    """A pandera check's failure in the user's words (None: reported elsewhere, or a follow-on
    of a value that is not a number)."""
    if check in ("column_in_dataframe", "column_in_schema") or "TypeError(" in str(got):
        return None  # columns: :func:`_column_problems`
    arg = check[check.find("(") + 1 : -1] if "(" in check else ""
    if check == "not_nullable":
        return "empty, but a value is required"
    if check.startswith("isin("):
        return f"must be one of {arg}, got {got!r}"
    if check.startswith("coerce_dtype("):
        kind = "a whole number" if "int" in arg else "a number" if "float" in arg else arg
        return f"{got!r} is not {kind}"
    if check == "field_uniqueness":
        return f"{got!r} appears on more than one line (must be unique)"
    if check == "multiple_fields_uniqueness":
        return f"{got!r}: the same key appears on more than one line (must be unique)"
    if check.startswith("str_length("):
        return "empty, but a value is required"
    if check.startswith("str_matches("):
        return f"got {got!r}; must match {arg}"
    words = {
        "greater_than(": ">",
        "greater_than_or_equal_to(": ">=",
        "less_than(": "<",
        "less_than_or_equal_to(": "<=",
    }
    for prefix, word in words.items():
        if check.startswith(prefix):
            return f"must be {word} {arg}, got {got!r}"
    if check.startswith("in_range("):
        return f"must lie in [{arg}], got {got!r}"
    return f"{check} failed (got {got!r})"


def _column_problems(raw: pd.DataFrame, schema: pa.DataFrameSchema) -> list[str]:
    """Missing required columns and, in a closed table, unknown ones, each with the columns the
    file must have / may have."""
    required = [n for n, c in schema.columns.items() if c.required]
    problems = [
        f"missing column {c!r} (required: {', '.join(required)})"
        for c in required
        if c not in raw.columns
    ]
    if schema.strict:
        problems += [
            f"unknown column {c!r} (allowed: {', '.join(schema.columns)})"
            for c in raw.columns
            if c not in schema.columns
        ]
    return problems


def _schema_problems(raw: pd.DataFrame, schema: pa.DataFrameSchema, id_col: str | None) -> list[str]:
    try:
        schema.validate(raw, lazy=True)
    except pandera.errors.SchemaErrors as err:
        problems = []
        for _, fc in err.failure_cases.iterrows():
            col = fc.get("column")
            place = where(raw, fc.get("index"), id_col)
            field = f"field '{col}'" if isinstance(col, str) else "columns"
            text = _in_words(str(fc["check"]), fc["failure_case"])
            if text is not None:
                problems.append(f"{place}, {field}: {text}")
        return sorted(set(problems), key=problems.index)
    return []


def _unique(problems: list[str]) -> list[str]:
    """One problem per line and field (the first found)."""
    seen, out = set(), []
    for p in problems:
        place = p.split(": ", 1)[0]
        if place not in seen or place == "table":
            seen.add(place)
            out.append(p)
    return out


def check_file(key: str, path: str | Path) -> tuple[pd.DataFrame | None, list[str]]:
    """The validated table of the file of config ``data`` key ``key`` at ``path`` (None if
    unusable) and every problem found in it (its schema's, then its row checks')."""
    schema, id_col, extra_checks = SCHEMAS[key], ROW_IDS[key], ROW_CHECKS.get(key)
    raw, problems = read_raw(path)
    if raw is None:
        return None, problems
    text = raw.copy()
    columns = _column_problems(raw, schema)
    problems = parse_booleans(raw, schema, id_col) + non_finite(raw, schema, id_col)
    problems += _schema_problems(raw, schema, id_col)
    required = {name for name, col in schema.columns.items() if col.required}
    if required - set(raw.columns):  # missing columns: no row-level checks possible
        return None, columns + _unique(problems)
    problems = columns + problems
    df = schema.validate(raw) if not problems else coerce(raw, schema)
    for name, col in schema.columns.items():  # absent optional columns: empty (not reported)
        if name not in df.columns:
            df[name] = pd.Series(
                np.nan if str(col.dtype) == "float64" else None,
                index=df.index,
                dtype=float if str(col.dtype) == "float64" else object,
            )
    problems += sample_sizes_whole(df, schema, id_col)
    if "value" in raw.columns and schema is SUMMARY_SCHEMA:  # precision as written ('0.930': 3)
        df["value_decimals"] = text["value"].map(text_decimals)
    problems += extra_checks(df) if extra_checks else []
    return df, _unique(problems)
