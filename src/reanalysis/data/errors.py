"""The error types of bad curated data, and how a problem names its place.

Every problem reads ``line N (row_id X), field 'F': what is wrong`` (line numbers are the CSV's
own, header = line 1); :class:`DataValidationError` carries the problems of one file,
:class:`DataSetError` those of several (each problem then starts with its file). Needs pandas
only: the report-only tables (GRADE, risk of bias, adverse events) raise the same errors without
the validation's schemas.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

__all__ = ["DataValidationError", "DataSetError", "require_columns", "blank_fields", "where"]


class DataValidationError(ValueError):
    """Invalid curated data; the message lists every problem with file, line and field."""

    def __init__(self, path: str | Path, problems: list[str]):
        self.path = str(path)
        self.problems = problems
        super().__init__(f"{path}: {len(problems)} problem(s)\n  " + "\n  ".join(problems))


def require_columns(df: pd.DataFrame, path: str | Path, columns) -> None:
    """Raise :class:`DataValidationError` naming the columns ``df`` lacks (a whole-file problem
    that stops row checks)."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataValidationError(path, [f"missing column(s) {missing}"])


def blank_fields(row: pd.Series, fields, where: str) -> list[str]:
    """One "required" problem for each of ``fields`` that is empty in ``row``."""
    return [
        f"{where}, field '{f}': required" for f in fields if pd.isna(row[f]) or not str(row[f]).strip()
    ]


class DataSetError(DataValidationError):
    """Problems in several files; each problem starts with its file."""

    def __init__(self, problems: list[str]):
        self.path = "data"
        self.problems = problems
        files = len({p.split(": ", 1)[0] for p in problems})
        ValueError.__init__(
            self, f"{len(problems)} problem(s) in {files} file(s)\n  " + "\n  ".join(problems)
        )


def where(df: pd.DataFrame, idx, id_col: str | None) -> str:
    """Where row ``idx`` of ``df`` is: ``line N`` (the CSV's line: header = 1, first row = 2)
    with the value(s) of ``id_col`` that name the row, or ``table`` for a whole-table problem."""
    if idx is None or pd.isna(idx) or idx not in df.index:
        return "table"
    cols = [c for c in ([id_col] if isinstance(id_col, str) else id_col or []) if c in df.columns]
    rid = f" ({', '.join(f'{c} {df.at[idx, c]}' for c in cols)})" if cols else ""
    return f"line {int(idx) + 2}{rid}"
