"""Structural consistency of every case's curated tables (data/ and cases/*/data/), without the engine.

Each figure must carry its source, location and status; ids must be unique; every study and arm a
figure names must be declared in studies.csv / arms.csv; the case's config must name only studies,
arms and outcomes that its data contain.
"""

from pathlib import Path

import pandas as pd
import pytest
import yaml

from reanalysis.data.vocabulary import STATUSES

ROOT = Path(__file__).resolve().parents[1]
CASE_DATA = [ROOT / "data", *sorted(p / "data" for p in (ROOT / "cases").glob("*") if p.is_dir())]
CASE_IDS = [str(p.relative_to(ROOT)) for p in CASE_DATA]
# table -> its id column(s); every table carries `source` and `status`
TABLES = {
    "summary_stats": ["row_id"],
    "studies": ["study_id"],
    "arms": ["study_id", "arm"],
    "claims": ["claim_id"],
    "levels": ["level_id"],
    "instruments": ["instrument"],
    "score_ranges": ["range_id"],
}
ARM_ROLES = {"intervention", "comparator", "other"}


OPTIONAL = {"levels", "score_ranges"}  # a case without such data leaves them out


def _read(folder: Path, table: str) -> pd.DataFrame:
    path = folder / f"{table}.csv"
    if table in OPTIONAL and not path.exists():
        pytest.skip(f"{folder.parent.name} has no {table}.csv (optional)")
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _config(folder: Path) -> dict | None:
    path = folder.parent / "config/config.yaml"  # a case is a folder with config/ and data/
    return yaml.safe_load(path.read_text()) if path.exists() else None


def _lines(df: pd.DataFrame, mask: pd.Series) -> list[int]:
    return [int(i) + 2 for i in df.index[mask]]  # CSV line numbers (header = line 1)


def test_cases_are_found():
    assert ROOT / "data" in CASE_DATA
    assert len(CASE_DATA) >= 2, "expected the shipped case and at least one case under cases/"


@pytest.mark.parametrize("folder", CASE_DATA, ids=CASE_IDS)
@pytest.mark.parametrize("table", list(TABLES))
def test_every_row_has_source_and_allowed_status(folder, table):
    df = _read(folder, table)
    assert {"source", "status"} <= set(df.columns), f"{table}.csv lacks source/status columns"
    assert not _lines(df, df["source"].str.strip() == ""), f"{table}.csv: rows without a source"
    bad = ~df["status"].isin(STATUSES)
    assert not bad.any(), f"{table}.csv lines {_lines(df, bad)}: status not in {STATUSES}"


@pytest.mark.parametrize("folder", CASE_DATA, ids=CASE_IDS)
@pytest.mark.parametrize("table", list(TABLES))
def test_ids_are_unique(folder, table):
    df = _read(folder, table)
    dup = df.duplicated(TABLES[table], keep=False)
    assert not dup.any(), f"{table}.csv lines {_lines(df, dup)}: duplicate {TABLES[table]}"


@pytest.mark.parametrize("folder", CASE_DATA, ids=CASE_IDS)
def test_summary_rows_are_located_and_declared(folder):
    summary, studies, arms = (_read(folder, t) for t in ("summary_stats", "studies", "arms"))
    assert not _lines(summary, summary["location"].str.strip() == ""), "rows without a location"
    unknown = ~summary["study_id"].isin(studies["study_id"])
    assert not unknown.any(), f"summary_stats.csv lines {_lines(summary, unknown)}: unknown study"
    declared = set(zip(arms["study_id"], arms["arm"], strict=True))
    undeclared = summary.apply(
        lambda r: r["arm"] != "between" and (r["study_id"], r["arm"]) not in declared, axis=1
    )
    assert not undeclared.any(), (
        f"summary_stats.csv lines {_lines(summary, undeclared)}: arm not in arms.csv"
    )


@pytest.mark.parametrize("folder", CASE_DATA, ids=CASE_IDS)
def test_arms_have_roles_and_known_studies(folder):
    arms, studies = _read(folder, "arms"), _read(folder, "studies")
    assert arms["role"].isin(ARM_ROLES).all(), set(arms["role"]) - ARM_ROLES
    assert arms["study_id"].isin(studies["study_id"]).all()
    assert "between" not in set(arms["arm"]), "'between' is reserved for between-arm statistics"
    per_study = arms.groupby("study_id")["role"]
    assert (per_study.apply(lambda r: (r == "intervention").sum()) <= 1).all()
    assert (per_study.apply(lambda r: (r == "comparator").sum()) <= 1).all()


@pytest.mark.parametrize("folder", CASE_DATA, ids=CASE_IDS)
def test_claims_name_known_studies(folder):
    claims, studies = _read(folder, "claims"), _read(folder, "studies")
    assert not _lines(claims, claims["quote"].str.strip() == ""), "claims without a quote"
    known = set(studies["study_id"])
    levels = (
        _read(folder, "levels")
        if (folder / "levels.csv").exists()
        else pd.DataFrame(columns=["study_id"])
    )
    if "study_id" in levels.columns:
        known |= set(levels["study_id"])
    ids = claims["study_id"].str.split(";").apply(lambda xs: {x.strip() for x in xs} - {""})
    unknown = ids.apply(lambda xs: bool(xs - known))
    assert not unknown.any(), f"claims.csv lines {_lines(claims, unknown)}: unknown study"
    if "line" in claims.columns:
        given = claims["line"] != ""
        bad = given & ~claims["line"].str.fullmatch(r"[1-9][0-9]*")
        assert not bad.any(), f"claims.csv lines {_lines(claims, bad)}: line must be a number"


@pytest.mark.parametrize("folder", CASE_DATA[1:], ids=CASE_IDS[1:])
def test_extra_case_quotes_occur_at_their_line(folder):
    """A case whose claims cite local excerpt notes (source_file relative to the case folder, e.g.
    sources/page.txt): each quote occurs verbatim on the lines it cites."""
    claims = _read(folder, "claims")
    local = claims[claims["source_file"].map(lambda f: (folder.parent / f).is_file())]
    if local.empty:
        pytest.skip(f"no claims in {folder} cite a file inside the case folder")
    problems = []
    for _, c in local.iterrows():
        lines = (folder.parent / c["source_file"]).read_text(encoding="utf-8").splitlines()
        first, last = int(c["line"]), int(c["line_end"] or c["line"])
        if c["quote"] not in " ".join(lines[first - 1 : last]):
            problems.append(f"{c['claim_id']}: quote not on lines {first}-{last} of {c['source_file']}")
    assert not problems, problems


@pytest.mark.parametrize("folder", CASE_DATA, ids=CASE_IDS)
def test_config_names_only_what_the_data_contain(folder):
    config = _config(folder)
    if config is None:
        pytest.skip(f"no config for {folder}")
    summary, arms = _read(folder, "summary_stats"), _read(folder, "arms")
    for table, path in config.get("data", {}).items():
        assert (folder.parent / path).exists(), f"config data.{table}: {path} not found"
    declared = set(zip(arms["study_id"], arms["arm"], strict=True))
    for s in config["assumptions"].get("sample_sizes", []):
        assert (s["study_id"], s["arm"]) in declared, f"sample_sizes: {s['study_id']}/{s['arm']}"
        assert ((summary["study_id"] == s["study_id"]) & (summary["subgroup"] == s["subgroup"])).any(), s
        lo, hi = s["range"]
        assert lo <= s["value"] <= hi, s
    outcomes = set(summary["outcome"])
    # 'between' selects the computed intervention-vs-comparator effects: reported between-arm
    # statistics, or arms of both roles whose own figures give the difference
    compared = (summary["arm"] == "between").any() or {"intervention", "comparator"} <= set(arms["role"])
    roles = set(arms["role"]) | ({"between"} if compared else set())
    for name, spec in config["meta_analysis"]["sets"].items():
        assert set(spec["outcomes"]) <= outcomes, f"set {name}: {set(spec['outcomes']) - outcomes}"
        assert set(spec["roles"]) <= roles, f"set {name}: {set(spec['roles']) - roles}"
        if "mcid_outcome" in spec:
            assert spec["mcid_outcome"] in config["mcid"], f"set {name}: no mcid entry"


SHAPES_CASE = [p for p in CASE_DATA if p.parent.name == "mg_leg_cramps"]


@pytest.mark.parametrize("folder", SHAPES_CASE, ids=[p.parent.name for p in SHAPES_CASE])
def test_extra_case_has_two_controlled_trials_reported_differently(folder):
    """Issue #10 item 4: at least two placebo-controlled trials whose figures are reported in
    different ways (e.g. means/SDs per arm vs a p-value or CI only). The second case; the third
    (cases/normand1999) is a published dataset kept as published, its trials re-shaped in
    tests/reference/test_normand1999_metafor.py."""
    summary, studies = _read(folder, "summary_stats"), _read(folder, "studies")
    controlled = studies.loc[
        (studies["role"] == "intervention") & (studies["controlled"] == "true"), "study_id"
    ]
    signatures = {}
    for sid in controlled:
        rows = summary[summary["study_id"] == sid]
        if not rows.empty:
            signatures[sid] = frozenset(zip(rows["arm"] == "between", rows["statistic"], strict=True))
    assert len(signatures) >= 2, f"controlled trials with figures: {sorted(signatures)}"
    assert len(set(signatures.values())) >= 2, "all controlled trials report the same statistics"
