"""The pandera schemas of the curated tables: the columns each file must or may have, their types,
ranges and allowed values (the vocabulary of :mod:`reanalysis.data.vocabulary`). :data:`SCHEMAS`
names the schema of each file by its config ``data`` key and :data:`ROW_IDS` the column(s) that
name a row in a problem. Importing this module imports pandera; the jobs that read the typed
tables never do.
"""

from __future__ import annotations

import pandera.pandas as pa

from reanalysis.data.vocabulary import (
    ALLOCATIONS,
    BETWEEN,
    CLAIM_TYPES,
    DOSE_BASES,
    ROLES,
    STATISTICS,
    STATUSES,
    TIMEPOINTS,
    TRENDS,
)

__all__ = [
    "SUMMARY_SCHEMA",
    "STUDIES_SCHEMA",
    "LEVELS_SCHEMA",
    "ARMS_SCHEMA",
    "CLAIMS_SCHEMA",
    "SCORE_RANGES_SCHEMA",
    "INSTRUMENTS_SCHEMA",
    "SCHEMAS",
    "ROW_IDS",
]


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
        # empty exactly in a 'not_reported' row (checked in row_checks.summary_checks)
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
        # optional: the direction of a non-significant trend the sentence asserts (checked against
        # the point estimate); empty or absent: the sentence asserts none
        "trend": pa.Column(str, pa.Check.isin(TRENDS), nullable=True, required=False),
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


SCHEMAS = {  # config data key -> the schema of its file
    "summary_stats": SUMMARY_SCHEMA,
    "studies": STUDIES_SCHEMA,
    "arms": ARMS_SCHEMA,
    "levels": LEVELS_SCHEMA,
    "claims": CLAIMS_SCHEMA,
    "score_ranges": SCORE_RANGES_SCHEMA,
    "instruments": INSTRUMENTS_SCHEMA,
}
ROW_IDS = {  # config data key -> the column(s) whose values name a row in a problem
    "summary_stats": "row_id",
    "studies": "study_id",
    "arms": ("study_id", "arm"),
    "levels": "level_id",
    "claims": "claim_id",
    "score_ranges": "range_id",
    "instruments": "instrument",
}
