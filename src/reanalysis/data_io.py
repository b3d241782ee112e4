"""Load and validate the curated tables in ``data/``.

Every failure is reported as ``file: line N (row_id X), field 'F': problem`` — line numbers are the
CSV's own (header = line 1) — and all failures of all files are collected before raising
(:func:`load_all`), so one run shows everything that is wrong. Type/range/vocabulary checks are
pandera schemas; cross-field and cross-file checks (means inside the scale, unique keys, study and
arm references, which statistic an arm role may carry) are plain pandas.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.errors
import pandera.pandas as pa

from reanalysis.curated import arm_roles, select_readings  # noqa: F401  (re-exported)
from reanalysis.data_model import (  # noqa: F401  (the vocabulary and errors, re-exported)
    ALLOCATIONS,
    ARM_STATISTICS,
    BETWEEN,
    BETWEEN_STATISTICS,
    DOSE_BASES,
    KEY,
    NOT_REPORTED,
    NOT_STATED,
    ROLES,
    STATISTICS,
    STATUSES,
    TESTS,
    TIMEPOINTS,
    DataSetError,
    DataValidationError,
    blank_fields,
    require_columns,
)


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
        # empty exactly in a 'not_reported' row (checked in _summary_checks)
        "value": pa.Column(float, nullable=True),
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
        "role": pa.Column(str, pa.Check.str_matches(r"^[a-z][a-z_]*$")),  # the case's own categories
        "design": _text(),
        "allocation": pa.Column(str, pa.Check.isin(ALLOCATIONS), nullable=True, required=False),
        "controlled": pa.Column(bool),
        "randomized": pa.Column("boolean", nullable=True),
        "blinded": pa.Column("boolean", nullable=True),
        "n_total": pa.Column(float, pa.Check.gt(0), nullable=True),
        "duration_weeks": pa.Column(float, pa.Check.gt(0), nullable=True),
        **_SOURCE,
        # read by the report and the ledger, optional: an absent column reads as not reported
        **{
            c: pa.Column(str, nullable=True, required=False)
            for c in (
                "identifier",
                "comparator",
                "n_source_status",
                "form",
                "route",
                "population",
                "note",
                "primary_outcome",
                "co_intervention",
                "label",
            )
        },
        "dose_mg_per_day": pa.Column(str, nullable=True, required=False),
        "dose_basis": pa.Column(str, pa.Check.isin(list(DOSE_BASES)), nullable=True, required=False),
        "year": pa.Column(float, pa.Check.in_range(1000, 3000), nullable=True, required=False),
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

ARMS_SCHEMA = pa.DataFrameSchema(
    {
        "study_id": _text(),
        "arm": pa.Column(
            str,
            checks=[
                pa.Check.str_length(min_value=1),
                pa.Check.ne(BETWEEN, error=f"'{BETWEEN}' is reserved"),
            ],
        ),
        "role": pa.Column(str, pa.Check.isin(ROLES)),
        "description": _text(),
        **_SOURCE,
    },
    strict=True,
    coerce=True,
    unique=["study_id", "arm"],
)

CLAIM_TYPES = [
    "effect",
    "within_arm_change",
    "subgroup_effect",
    "vote_count",
    "uncontrolled_proportion",
    "untraceable_citation",
    "levels",
    "level_study",
    "association",
    "design",
    "first_of_kind",
    "fact",
    "not_checkable",
]

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
        "scope": pa.Column(str, pa.Check.isin(["general", "subgroup", "some", "mixed"]), nullable=True),
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
        # optional: the year the sentence was published (evidence from later years is shown as
        # later evidence and does not decide the verdict); empty or absent: not known
        "claim_year": pa.Column(float, pa.Check.in_range(1000, 3000), nullable=True, required=False),
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
        # what a difference on the instrument is counted in ("points", "cramps per week");
        # optional: a listed instrument without it is a scale counted in points
        "unit": pa.Column(str, pa.Check.str_length(min_value=1), nullable=True, required=False),
        **_SOURCE,
    },
    strict=True,
    coerce=True,
)


def _min_below_max(id_col: str):
    def check(df: pd.DataFrame) -> list[str]:
        return [
            f"{_where(df, idx, id_col)}, field 'max': max {r['max']} must exceed min {r['min']}"
            for idx, r in df.iterrows()
            if pd.notna(r["min"]) and pd.notna(r["max"]) and not r["min"] < r["max"]
        ]

    return check


def _where(df: pd.DataFrame, idx, id_col: str | None) -> str:
    if idx is None or pd.isna(idx) or idx not in df.index:
        return "table"
    cols = [c for c in ([id_col] if isinstance(id_col, str) else id_col or []) if c in df.columns]
    rid = f" ({', '.join(f'{c} {df.at[idx, c]}' for c in cols)})" if cols else ""
    return f"line {int(idx) + 2}{rid}"


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
            where = _where(raw, fc.get("index"), id_col)
            field = f"field '{col}'" if isinstance(col, str) else "columns"
            text = _in_words(str(fc["check"]), fc["failure_case"])
            if text is not None:
                problems.append(f"{where}, {field}: {text}")
        return sorted(set(problems), key=problems.index)
    return []


def _read(path: str | Path) -> tuple[pd.DataFrame | None, list[str]]:
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


def _non_finite(raw: pd.DataFrame, schema: pa.DataFrameSchema, id_col: str | None) -> list[str]:
    """inf/-inf/nan written into a numeric field (pandas would read them as numbers)."""
    problems = []
    for name, col in schema.columns.items():
        if name not in raw.columns or str(col.dtype) not in ("float64", "int64"):
            continue
        num = pd.to_numeric(raw[name], errors="coerce")
        bad = raw[name].notna() & num.notna() & ~np.isfinite(num.astype(float))
        problems += [
            f"{_where(raw, idx, id_col)}, field '{name}': must be a finite number, got "
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
            f"{_where(raw, idx, id_col)}, field '{name}': {raw.at[idx, name]!r} is not a number ({hint})"
            for idx in raw.index[nan_text]
        ]
    return problems


def _parse_booleans(raw: pd.DataFrame, schema: pa.DataFrameSchema, id_col: str | None) -> list[str]:
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
            f"{_where(raw, idx, id_col)}, field '{name}': expected "
            f"{' or '.join(allowed)}, got "
            f"{raw.at[idx, name]!r}"
            for idx in raw.index[bad]
        ]
        raw[name] = pd.array(text.map({"true": True, "false": False}), dtype="boolean")
    return problems


def _check(path, schema, id_col, extra_checks=None) -> tuple[pd.DataFrame | None, list[str]]:
    """The validated table (None if unusable) and every problem found in it."""
    raw, problems = _read(path)
    if raw is None:
        return None, problems
    text = raw.copy()
    columns = _column_problems(raw, schema)
    problems = _parse_booleans(raw, schema, id_col) + _non_finite(raw, schema, id_col)
    problems += _schema_problems(raw, schema, id_col)
    required = {name for name, col in schema.columns.items() if col.required}
    if required - set(raw.columns):  # missing columns: no row-level checks possible
        return None, columns + _unique(problems)
    problems = columns + problems
    df = schema.validate(raw) if not problems else _coerce(raw, schema)
    for name, col in schema.columns.items():  # absent optional columns: empty (not reported)
        if name not in df.columns:
            df[name] = pd.Series(
                np.nan if str(col.dtype) == "float64" else None,
                index=df.index,
                dtype=float if str(col.dtype) == "float64" else object,
            )
    problems += _plausible(df, schema, id_col)
    if "value" in raw.columns and schema is SUMMARY_SCHEMA:  # precision as written ('0.930': 3)
        df["value_decimals"] = text["value"].map(_text_decimals)
    problems += extra_checks(df) if extra_checks else []
    return df, _unique(problems)


N_MAX = 10**7  # the largest sample size accepted (any larger n is a typing error)
VALUE_CAP = 1e9  # the largest |figure| accepted where the scale's range is not given
RANGE_FACTOR = 1e6  # with a scale range R: an SD, SE, CI bound or estimate at most 1e6 x R


def _plausible(df: pd.DataFrame, schema: pa.DataFrameSchema, id_col) -> list[str]:
    """Sample-size columns (n, n_*) hold whole numbers up to :data:`N_MAX`."""
    problems = []
    for name in schema.columns:
        if not (name == "n" or name.startswith("n_")) or df[name].dtype != float:
            continue
        for idx, v in df[name].items():
            if pd.notna(v) and (v != int(v) or v > N_MAX):
                problems.append(
                    f"{_where(df, idx, id_col)}, field '{name}': a sample size must "
                    f"be a whole number up to {N_MAX:,}, got {v:g}"
                )
    return problems


def _unique(problems: list[str]) -> list[str]:
    """One problem per line and field (the first found)."""
    seen, out = set(), []
    for p in problems:
        where = p.split(": ", 1)[0]
        if where not in seen or where == "table":
            seen.add(where)
            out.append(p)
    return out


def _coerce(raw: pd.DataFrame, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """Best-effort typed copy of a table that failed its schema (bad numbers become NaN), so the
    row-level and cross-file checks still run and report their problems too."""
    df = raw.copy()
    for name, col in schema.columns.items():
        if str(col.dtype) in ("float64", "int64"):
            num = pd.to_numeric(df[name], errors="coerce").astype(float)
            df[name] = num.where(np.isfinite(num))
    return df


def _text_decimals(text: str) -> int:
    text = str(text).strip()
    return len(text.split(".")[1]) if "." in text and "e" not in text.lower() else 0


def _load(path, schema, id_col, extra_checks=None) -> pd.DataFrame:
    df, problems = _check(path, schema, id_col, extra_checks)
    if problems:
        raise DataValidationError(path, problems)
    return df


def _summary_checks(df: pd.DataFrame) -> list[str]:
    problems = []

    def add(idx, field, msg):
        problems.append(f"{_where(df, idx, 'row_id')}, field '{field}': {msg}")

    for idx, row in df.iterrows():
        stat, v = row["statistic"], row["value"]
        lo, hi = row["scale_min"], row["scale_max"]
        if stat == NOT_REPORTED and pd.notna(v):
            add(
                idx,
                "value",
                f"a '{NOT_REPORTED}' row (measured, no result reported) has no "
                f"value: leave the field empty, got {v:g}",
            )
        if pd.isna(v):  # a figure that failed the schema (e.g. 'abc') was reported there
            if stat != NOT_REPORTED:
                add(
                    idx,
                    "value",
                    f"required: the figure of this {stat} (empty only in a '{NOT_REPORTED}' row)",
                )
            continue
        if pd.notna(lo) and pd.notna(hi) and lo >= hi:
            add(idx, "scale_max", f"scale_max {hi} must exceed scale_min {lo}")
        if stat == "mean" and pd.notna(lo) and pd.notna(hi) and not lo <= v <= hi:
            add(idx, "value", f"mean {v} lies outside the scale [{lo}, {hi}]")
        if stat in ("sd", "se") and not v > 0:
            add(
                idx,
                "value",
                f"{stat} must be > 0 (an SD or SE of 0 gives an infinite effect size), got {v}",
            )
        if stat in ("p_value", "p_below", "p_above", "proportion") and not 0 <= v <= 1:
            add(idx, "value", f"{stat} must lie in [0, 1], got {v}")
        if stat in ("n", "count") and np.isfinite(v) and (v < 0 or v != int(v) or v > N_MAX):
            add(idx, "value", f"{stat} must be a whole number from 0 to {N_MAX:,}, got {v:g}")
        width = hi - lo if pd.notna(lo) and pd.notna(hi) and hi > lo else None
        cap = RANGE_FACTOR * width if width else VALUE_CAP
        if stat in ("sd", "se", "ci_low", "ci_high", "estimate", "mean", "t") and abs(v) > cap:
            basis = (
                f"{RANGE_FACTOR:g} x the scale's range {width:g}"
                if width
                else f"{VALUE_CAP:g} (no scale range given)"
            )
            add(idx, "value", f"{stat} = {v:g} is implausibly large: at most {basis}")
    dup = df.duplicated(KEY, keep=False)
    for idx in df.index[dup]:
        add(idx, "reading", "duplicate of another row on " + "/".join(KEY))
    return problems + _interval_order(df)


def _interval_order(df: pd.DataFrame) -> list[str]:
    """Each CI ordered: low <= high, and low <= the estimate (or mean) it belongs to <= high (the
    same study, arm, subgroup, outcome, timepoint and reading)."""
    problems = []
    figure = ["study_id", "arm", "subgroup", "outcome", "timepoint", "reading"]
    for _, group in df.loc[df["value"].notna()].groupby(figure, sort=False):
        by = {
            stat: (idx, v)
            for idx, stat, v in zip(group.index, group["statistic"], group["value"], strict=True)
        }
        if "ci_low" not in by or "ci_high" not in by:
            continue
        (i_lo, lo), (i_hi, hi) = by["ci_low"], by["ci_high"]
        if lo > hi:
            problems.append(
                f"{_where(df, i_lo, 'row_id')}, field 'value': CI low {lo:g} is above "
                f"CI high {hi:g} (line {int(i_hi) + 2}); swap them"
            )
            continue
        for stat in ("estimate", "mean"):
            if stat in by and not lo <= by[stat][1] <= hi:
                i_est, est = by[stat]
                problems.append(
                    f"{_where(df, i_est, 'row_id')}, field 'value': {stat} {est:g} "
                    f"lies outside its CI [{lo:g}, {hi:g}] (lines {int(i_lo) + 2}, "
                    f"{int(i_hi) + 2})"
                )
    return problems


def _summary_row_checks(summary: pd.DataFrame, roles: dict[tuple[str, str], str]) -> list[str]:
    """Which statistic each arm role may carry; n large enough for every computation."""
    problems = []

    def add(idx, field, msg):
        problems.append(f"{_where(summary, idx, 'row_id')}, field '{field}': {msg}")

    for idx, row in summary.iterrows():
        arm, stat = row["arm"], row["statistic"]
        if arm == BETWEEN:
            if stat not in BETWEEN_STATISTICS:
                add(
                    idx,
                    "statistic",
                    f"a '{BETWEEN}' row (intervention minus comparator) cannot "
                    f"carry {stat!r}; allowed: {', '.join(BETWEEN_STATISTICS)}",
                )
            continue
        role = roles.get((row["study_id"], arm))
        if role is None:
            add(idx, "arm", f"arm {arm!r} of study {row['study_id']!r} has no role in arms.csv")
            continue
        if role == "other":
            continue
        if stat not in ARM_STATISTICS:
            add(
                idx,
                "statistic",
                f"an {role} arm cannot carry {stat!r}; allowed: {', '.join(ARM_STATISTICS)}",
            )
        elif stat in TESTS and row["timepoint"] != "change":
            add(
                idx,
                "timepoint",
                f"a {stat} on one arm must test its change (timepoint 'change'), "
                f"got {row['timepoint']!r}; a test between arms belongs on arm '{BETWEEN}'",
            )
        n = row["n"] if stat != "n" else row["value"]
        if pd.notna(n) and n < 3:
            add(
                idx,
                "n" if stat != "n" else "value",
                f"n = {n:g} is too small: a within-arm "
                "effect needs n >= 3 (Hedges' J needs df = n - 1 > 1)",
            )
    return problems


def _between_has_arms(summary: pd.DataFrame, roles: dict[tuple[str, str], str]) -> list[str]:
    declared = {}
    for (study, _), role in roles.items():
        declared.setdefault(study, set()).add(role)
    return [
        f"{_where(summary, idx, 'row_id')}, field 'arm': a '{BETWEEN}' row needs study "
        f"{sid!r} to declare an intervention and a comparator arm in arms.csv"
        for idx, sid in summary.loc[summary["arm"] == BETWEEN, "study_id"].items()
        if not {"intervention", "comparator"} <= declared.get(sid, set())
    ]


def _references(
    df: pd.DataFrame, column: str, known: set, id_col: str, what: str, sep: str | None = None
) -> list[str]:
    """Every value of ``column`` (each ``sep``-separated item, if ``sep``) must be in ``known``."""
    out = []
    for idx, v in df[column].items():
        if pd.isna(v):
            continue
        items = [x.strip() for x in str(v).split(sep)] if sep else [v]
        out += [
            f"{_where(df, idx, id_col)}, field '{column}': unknown {what} {x!r}"
            for x in items
            if x and x not in known
        ]
    return out


FILES = {  # config data key -> (schema, id column, extra checks)
    "summary_stats": (SUMMARY_SCHEMA, "row_id", _summary_checks),
    "studies": (STUDIES_SCHEMA, "study_id", None),
    "arms": (ARMS_SCHEMA, ("study_id", "arm"), None),
    "levels": (LEVELS_SCHEMA, "level_id", None),
    "claims": (CLAIMS_SCHEMA, "claim_id", None),
    "score_ranges": (SCORE_RANGES_SCHEMA, "range_id", _min_below_max("range_id")),
    "instruments": (INSTRUMENTS_SCHEMA, "instrument", _min_below_max("instrument")),
}


def load_all(paths: dict[str, str | Path], sample_sizes: list[dict] = ()) -> dict[str, pd.DataFrame]:
    """Validate every file in ``paths`` (config ``data``) and the references between them; raise
    :class:`DataSetError` listing every problem of every file, or return the tables.

    ``sample_sizes`` (config assumptions.sample_sizes) must name declared arms.
    """
    tables, problems = {}, []
    for key, path in paths.items():
        schema, id_col, extra = FILES[key]
        df, found = _check(path, schema, id_col, extra)
        tables[key] = df
        problems += [f"{path}: {p}" for p in found]
    summary, studies, arms = (tables.get(k) for k in ("summary_stats", "studies", "arms"))
    if studies is not None:
        known = set(studies["study_id"])
        for key, id_col in (("summary_stats", "row_id"), ("arms", ("study_id", "arm"))):
            df = tables.get(key)
            if df is not None:
                problems += [
                    f"{paths[key]}: {p}" for p in _references(df, "study_id", known, id_col, "study")
                ]
        claims, levels = tables.get("claims"), tables.get("levels")
        if claims is not None:  # a claim may rest on several studies (';'-separated), or on a
            # levels study
            cited = known | (set(levels["study_id"]) if levels is not None else set())
            problems += [
                f"{paths['claims']}: {p}"
                for p in _references(claims, "study_id", cited, "claim_id", "study", sep=";")
            ]
    if summary is not None and arms is not None:
        roles = arm_roles(arms)
        path = paths["summary_stats"]
        problems += [
            f"{path}: {p}"
            for p in _summary_row_checks(summary, roles) + _between_has_arms(summary, roles)
        ]
        for i, s in enumerate(sample_sizes):
            if (s["study_id"], s["arm"]) not in roles:
                problems.append(
                    f"config assumptions.sample_sizes[{i}]: arm {s['arm']!r} of study "
                    f"{s['study_id']!r} is not declared in {paths['arms']}"
                )
    if problems:
        err = DataSetError(problems)
        err.tables = tables  # as far as they could be read (None where unusable)
        raise err
    return tables


def load_arms(path: str | Path) -> pd.DataFrame:
    """Arm roles: which arm of each study is the intervention, which the comparator."""
    return _load(path, ARMS_SCHEMA, ("study_id", "arm"))


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
