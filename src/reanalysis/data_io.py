"""Load and validate the curated tables in ``data/``.

Every failure is reported as ``file, line N (row_id X), field 'F': problem`` — line numbers are the
CSV's own (header = line 1) — and all failures are collected before raising, so one run shows
everything that is wrong. Type/range/vocabulary checks are pandera schemas; cross-field checks
(means inside the scale, unique keys) are plain pandas.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.errors
import pandera.pandas as pa

STATUSES = ["reported", "second-hand", "derived", "assumption"]
STATISTICS = [
    "mean", "sd", "se", "n", "p_value", "p_below", "p_above", "t", "ci_low", "ci_high",
    "count", "proportion", "estimate", "r", "reported_improvement",
]
TIMEPOINTS = ["baseline", "end", "change"]
NOT_STATED = "not stated"  # tri-state design flags (studies.csv): the source does not say
KEY = ["study_id", "arm", "subgroup", "outcome", "timepoint", "statistic", "reading"]


class DataValidationError(ValueError):
    """Invalid curated data; the message lists every problem with file, line and field."""

    def __init__(self, path: str | Path, problems: list[str]):
        self.path = str(path)
        self.problems = problems
        super().__init__(f"{path}: {len(problems)} problem(s)\n  " + "\n  ".join(problems))


def _text(**kw) -> pa.Column:
    return pa.Column(str, checks=pa.Check.str_length(min_value=1), **kw)


_SOURCE = {
    "source": _text(nullable=False),
    "status": pa.Column(str, pa.Check.isin(STATUSES), nullable=False),
}

SUMMARY_SCHEMA = pa.DataFrameSchema(
    {
        "row_id": _text(unique=True),
        "study_id": _text(),
        "arm": _text(),
        "subgroup": _text(),
        "outcome": _text(),
        "instrument": _text(),
        "scale_min": pa.Column(float, nullable=True),
        "scale_max": pa.Column(float, nullable=True),
        "lower_is_better": pa.Column(bool),
        "timepoint": pa.Column(str, pa.Check.isin(TIMEPOINTS)),
        "statistic": pa.Column(str, pa.Check.isin(STATISTICS)),
        "value": pa.Column(float, nullable=False),
        "n": pa.Column(float, pa.Check.gt(0), nullable=True),
        "reading": _text(),
        "location": _text(),
        "note": pa.Column(str, nullable=True),
        **_SOURCE,
    },
    checks=[],
    strict=True,
    coerce=True,
)

STUDIES_SCHEMA = pa.DataFrameSchema(
    {
        "study_id": _text(unique=True),
        "citation": _text(),
        "role": pa.Column(str, pa.Check.isin(["intervention", "review", "migraine", "levels"])),
        "design": _text(),
        "controlled": pa.Column(bool),
        "randomized": pa.Column("boolean", nullable=True),
        "blinded": pa.Column("boolean", nullable=True),
        "n_total": pa.Column(float, pa.Check.gt(0), nullable=True),
        "duration_weeks": pa.Column(float, pa.Check.gt(0), nullable=True),
        **_SOURCE,
    },
    strict=False,
    coerce=True,
)

LEVELS_SCHEMA = pa.DataFrameSchema(
    {
        "level_id": _text(unique=True),
        "study_id": _text(),
        "n_fm": pa.Column(float, pa.Check.gt(0)),
        "n_control": pa.Column(float, pa.Check.gt(0)),
        "sample": _text(),
        "mean_fm": pa.Column(float, nullable=True),
        "sd_fm": pa.Column(float, pa.Check.ge(0), nullable=True),
        "mean_control": pa.Column(float, nullable=True),
        "sd_control": pa.Column(float, pa.Check.ge(0), nullable=True),
        "p_value": pa.Column(float, pa.Check.in_range(0, 1), nullable=True),
        "finding": _text(),
        **_SOURCE,
    },
    strict=False,
    coerce=True,
)

CLAIM_TYPES = ["effect", "within_arm_change", "subgroup_effect", "vote_count",
               "uncontrolled_proportion", "untraceable_citation", "levels", "level_study",
               "association", "design", "first_of_kind", "fact", "not_checkable"]

CLAIMS_SCHEMA = pa.DataFrameSchema(
    {
        "claim_id": _text(unique=True),
        "source_file": _text(),
        "line": pa.Column(int, pa.Check.ge(1)),
        "line_end": pa.Column(int, pa.Check.ge(1)),
        "quote": _text(),
        "figure_asserted": _text(),
        "verify_with": _text(),
        "study_id": pa.Column(str, nullable=True),
        "outcome": pa.Column(str, nullable=True),
        "claim_type": pa.Column(str, pa.Check.isin(CLAIM_TYPES)),
        "scope": pa.Column(str, pa.Check.isin(["general", "subgroup", "some", "mixed"]),
                           nullable=True),
        "direction": pa.Column(str, nullable=True),
        "asserted_value": pa.Column(str, nullable=True),
        "asserted_year": pa.Column(float, nullable=True),
        "asserts_placebo": pa.Column(bool),
        "asserts_meaningful": pa.Column(bool),
        "reference_value": pa.Column(str, nullable=True),
        "reason": pa.Column(str, nullable=True),
        "outcome_label": pa.Column(str, nullable=True),
        "subgroup_label": pa.Column(str, nullable=True),
        **_SOURCE,
    },
    strict=True,
    coerce=True,
)


SCORE_RANGES_SCHEMA = pa.DataFrameSchema(
    {
        "range_id": _text(unique=True),
        "study_id": _text(),
        "subgroup": _text(),
        "outcome": _text(),
        "timepoint": pa.Column(str, pa.Check.isin(TIMEPOINTS)),
        "min": pa.Column(float),
        "max": pa.Column(float),
        "basis": _text(),
        **_SOURCE,
    },
    strict=True,
    coerce=True,
)

INSTRUMENTS_SCHEMA = pa.DataFrameSchema(
    {
        "instrument": _text(unique=True),
        "min": pa.Column(float),
        "max": pa.Column(float),
        "granularity": pa.Column(float, pa.Check.gt(0), nullable=True),
        "items": pa.Column(float, pa.Check.gt(0), nullable=True),
        "scoring": _text(),
        **_SOURCE,
    },
    strict=True,
    coerce=True,
)


def _min_below_max(id_col: str):
    def check(df: pd.DataFrame) -> list[str]:
        return [f"{_where(df, idx, id_col)}, field 'max': max {r['max']} must exceed min {r['min']}"
                for idx, r in df.iterrows() if not r["min"] < r["max"]]
    return check


def _where(df: pd.DataFrame, idx, id_col: str | None) -> str:
    if idx is None or pd.isna(idx) or idx not in df.index:
        return "table"
    rid = f" ({id_col} {df.at[idx, id_col]})" if id_col and id_col in df.columns else ""
    return f"line {int(idx) + 2}{rid}"


def _schema_problems(raw: pd.DataFrame, schema: pa.DataFrameSchema, id_col: str | None) -> list[str]:
    try:
        schema.validate(raw, lazy=True)
    except pandera.errors.SchemaErrors as err:
        problems = []
        for _, fc in err.failure_cases.iterrows():
            col = fc.get("column")
            where = _where(raw, fc.get("index"), id_col)
            field = f"field '{col}'" if isinstance(col, str) else "columns"
            problems.append(f"{where}, {field}: {fc['check']} failed (got {fc['failure_case']!r})")
        return sorted(set(problems), key=problems.index)
    return []


def _read(path: str | Path) -> pd.DataFrame:
    path = Path(path)
    if not path.exists():
        raise DataValidationError(path, ["file not found"])
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, UnicodeDecodeError) as err:
        raise DataValidationError(path, [f"not a readable CSV: {err}"]) from err


def _parse_booleans(raw: pd.DataFrame, schema: pa.DataFrameSchema, id_col: str | None
                    ) -> list[str]:
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
        problems += [f"{_where(raw, idx, id_col)}, field '{name}': expected "
                     f"{' or '.join(allowed)}, got "
                     f"{raw.at[idx, name]!r}" for idx in raw.index[bad]]
        raw[name] = pd.array(text.map({"true": True, "false": False}), dtype="boolean")
    return problems


def _load(path, schema, id_col, extra_checks=None) -> pd.DataFrame:
    raw = _read(path)
    problems = _parse_booleans(raw, schema, id_col)
    if problems:
        raise DataValidationError(path, problems)
    problems = _schema_problems(raw, schema, id_col)
    if not problems:
        df = schema.validate(raw)
        if extra_checks:
            problems = extra_checks(df)
        if not problems:
            return df
    raise DataValidationError(path, problems)


def _summary_checks(df: pd.DataFrame) -> list[str]:
    problems = []

    def add(idx, field, msg):
        problems.append(f"{_where(df, idx, 'row_id')}, field '{field}': {msg}")

    for idx, row in df.iterrows():
        stat, v = row["statistic"], row["value"]
        lo, hi = row["scale_min"], row["scale_max"]
        if pd.notna(lo) and pd.notna(hi) and lo >= hi:
            add(idx, "scale_max", f"scale_max {hi} must exceed scale_min {lo}")
        if stat == "mean" and pd.notna(lo) and pd.notna(hi) and not lo <= v <= hi:
            add(idx, "value", f"mean {v} lies outside the scale [{lo}, {hi}]")
        if stat in ("sd", "se") and v < 0:
            add(idx, "value", f"{stat} must be >= 0, got {v}")
        if stat in ("p_value", "p_below", "p_above", "proportion") and not 0 <= v <= 1:
            add(idx, "value", f"{stat} must lie in [0, 1], got {v}")
        if stat in ("n", "count") and (v < 0 or v != int(v)):
            add(idx, "value", f"{stat} must be a non-negative integer, got {v}")
        if pd.notna(row["n"]) and row["n"] != int(row["n"]):
            add(idx, "n", f"n must be an integer, got {row['n']}")
    dup = df.duplicated(KEY, keep=False)
    for idx in df.index[dup]:
        add(idx, "reading", "duplicate of another row on " + "/".join(KEY))
    return problems


def load_summary_stats(path: str | Path) -> pd.DataFrame:
    """Long table: one row per study × arm × subgroup × outcome × timepoint × statistic × reading."""
    return _load(path, SUMMARY_SCHEMA, "row_id", _summary_checks)


def load_studies(path: str | Path) -> pd.DataFrame:
    return _load(path, STUDIES_SCHEMA, "study_id")


def load_levels(path: str | Path) -> pd.DataFrame:
    return _load(path, LEVELS_SCHEMA, "level_id")


def load_claims(path: str | Path) -> pd.DataFrame:
    return _load(path, CLAIMS_SCHEMA, "claim_id")


def load_score_ranges(path: str | Path) -> pd.DataFrame:
    """Ranges narrower than the instrument's, implied by inclusion criteria or subgroup cut-offs."""
    return _load(path, SCORE_RANGES_SCHEMA, "range_id", _min_below_max("range_id"))


def load_instruments(path: str | Path) -> pd.DataFrame:
    """Instrument ranges and score granularity (for SD-bound and GRIM checks)."""
    return _load(path, INSTRUMENTS_SCHEMA, "instrument", _min_below_max("instrument"))


def check_references(summary: pd.DataFrame, studies: pd.DataFrame, path: str | Path) -> None:
    """Every study_id in the summary table must exist in the study table."""
    known = set(studies["study_id"])
    problems = [
        f"{_where(summary, idx, 'row_id')}, field 'study_id': unknown study {sid!r}"
        for idx, sid in summary["study_id"].items()
        if sid not in known
    ]
    if problems:
        raise DataValidationError(path, problems)
