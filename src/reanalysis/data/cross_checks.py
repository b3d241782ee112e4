"""Checks across the curated files: every study a table names is in studies.csv (a claim may also
name a study of levels.csv), every summary row's arm has a role in arms.csv and carries only what
that role may carry, a ``between`` row's study declares both arms, and every sample size the config
assumes names a declared arm. Runs on the tables :func:`reanalysis.data.validate.check_file` could
read; each problem starts with its file.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from reanalysis.data.errors import where
from reanalysis.data.tables import arm_roles
from reanalysis.data.vocabulary import ARM_STATISTICS, BETWEEN, BETWEEN_STATISTICS, TESTS

__all__ = ["cross_file_problems", "arm_statistics", "between_has_arms", "references"]


def arm_statistics(summary: pd.DataFrame, roles: dict[tuple[str, str], str]) -> list[str]:
    """Each summary row's arm has a role in arms.csv (``roles``), carries only what its role may
    carry (a test on one arm tests its change), and its n is large enough for every computation."""
    problems = []

    def add(idx, field, msg):
        problems.append(f"{where(summary, idx, 'row_id')}, field '{field}': {msg}")

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


def between_has_arms(summary: pd.DataFrame, roles: dict[tuple[str, str], str]) -> list[str]:
    declared = {}
    for (study, _), role in roles.items():
        declared.setdefault(study, set()).add(role)
    return [
        f"{where(summary, idx, 'row_id')}, field 'arm': a '{BETWEEN}' row needs study "
        f"{sid!r} to declare an intervention and a comparator arm in arms.csv"
        for idx, sid in summary.loc[summary["arm"] == BETWEEN, "study_id"].items()
        if not {"intervention", "comparator"} <= declared.get(sid, set())
    ]


def references(
    df: pd.DataFrame, column: str, known: set, id_col: str, what: str, sep: str | None = None
) -> list[str]:
    """Every value of ``column`` (each ``sep``-separated item, if ``sep``) must be in ``known``."""
    out = []
    for idx, v in df[column].items():
        if pd.isna(v):
            continue
        items = [x.strip() for x in str(v).split(sep)] if sep else [v]
        out += [
            f"{where(df, idx, id_col)}, field '{column}': unknown {what} {x!r}"
            for x in items
            if x and x not in known
        ]
    return out


def cross_file_problems(
    tables: Mapping[str, pd.DataFrame | None],
    paths: Mapping[str, str | Path],
    sample_sizes: list[dict] = (),
) -> list[str]:
    """Every problem between the files of ``tables`` (None: a file that could not be read), each
    starting with its file's path from ``paths``; ``sample_sizes`` (config
    assumptions.sample_sizes) must name declared arms."""
    problems = []
    summary, studies, arms = (tables.get(k) for k in ("summary_stats", "studies", "arms"))
    if studies is not None:
        known = set(studies["study_id"])
        for key, id_col in (("summary_stats", "row_id"), ("arms", ("study_id", "arm"))):
            df = tables.get(key)
            if df is not None:
                problems += [
                    f"{paths[key]}: {p}" for p in references(df, "study_id", known, id_col, "study")
                ]
        claims, levels = tables.get("claims"), tables.get("levels")
        if claims is not None:  # a claim may rest on several studies (';'-separated), or on a
            # levels study
            cited = known | (set(levels["study_id"]) if levels is not None else set())
            problems += [
                f"{paths['claims']}: {p}"
                for p in references(claims, "study_id", cited, "claim_id", "study", sep=";")
            ]
    if summary is not None and arms is not None:
        roles = arm_roles(arms)
        path = paths["summary_stats"]
        problems += [
            f"{path}: {p}" for p in arm_statistics(summary, roles) + between_has_arms(summary, roles)
        ]
        for i, s in enumerate(sample_sizes):
            if (s["study_id"], s["arm"]) not in roles:
                problems.append(
                    f"config assumptions.sample_sizes[{i}]: arm {s['arm']!r} of study "
                    f"{s['study_id']!r} is not declared in {paths['arms']}"
                )
    return problems
