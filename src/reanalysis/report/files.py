"""The report-only data files named in config ``report.files`` (GRADE judgements, risk of bias,
adverse events, safety facts), validated together: one error lists every problem of every file."""

from __future__ import annotations

import pandas as pd

from reanalysis.appraisal import grade, risk_of_bias, study_characteristics
from reanalysis.data.errors import DataSetError, DataValidationError


def load_report_data(report_cfg: dict, study_ids) -> dict[str, pd.DataFrame]:
    """Validate and return the report files; raise :class:`DataSetError` with all problems."""
    files = report_cfg["files"]
    outcomes = [s["outcome"] for s in report_cfg["summary_of_findings"]]
    checks = {
        "grade": lambda df, p: grade.validate_grade(df, p, outcomes),
        "rob": lambda df, p: risk_of_bias.validate_rob(df, p, study_ids),
        "adverse_events": lambda df, p: study_characteristics.validate_adverse_events(df, p, study_ids),
        "safety": study_characteristics.validate_safety,
    }
    tables, problems = {}, []
    for key, check in checks.items():
        path = files[key]
        try:
            tables[key] = check(pd.read_csv(path), path)
        except DataValidationError as err:
            problems += [f"{err.path}: {p}" for p in err.problems]
        except (OSError, pd.errors.ParserError, UnicodeDecodeError) as err:
            problems.append(f"{path}: cannot be read ({err})")
    if problems:
        raise DataSetError(problems)
    return tables
