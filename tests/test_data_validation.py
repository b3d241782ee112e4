"""Curated data: the shipped tables are valid and bad input gets a clear, located error."""

import shutil

import pandas as pd
import pytest

from reanalysis.data.errors import DataValidationError
from reanalysis.data.load import load_all, load_table
from reanalysis.data.schemas import SCHEMAS
from reanalysis.data.vocabulary import STATUSES


@pytest.fixture
def summary_copy(root, tmp_path):
    return pd.read_csv(root / "data/summary_stats.csv", dtype=str, keep_default_na=False)


def _write(df, tmp_path, name="summary_stats.csv"):
    path = tmp_path / name
    df.to_csv(path, index=False)
    return path


def test_shipped_data_is_valid(root):
    summary = load_table("summary_stats", root / "data/summary_stats.csv")
    load_table("levels", root / "data/levels.csv")
    load_table("claims", root / "data/claims.csv")
    assert summary["source"].str.len().min() > 0
    assert set(summary["status"]) <= set(STATUSES)


def test_every_number_has_source_and_status(root):
    for name in ("summary_stats", "studies", "levels", "claims"):
        df = pd.read_csv(root / f"data/{name}.csv", dtype=str, keep_default_na=False)
        assert (df["source"] != "").all(), name
        assert df["status"].isin(STATUSES).all(), name


@pytest.mark.parametrize(
    ("line", "field", "value", "expect"),
    [
        (3, "value", "abc", "field 'value'"),
        (5, "value", "-1.5", "sd must be > 0"),
        (2, "value", "55", "outside the scale"),
        (4, "source", "", "field 'source'"),
        (6, "status", "guessed", "field 'status'"),
        (7, "n", "-3", "field 'n'"),
    ],
)
def test_bad_value_is_located(summary_copy, tmp_path, line, field, value, expect):
    df = summary_copy
    idx = line - 2
    if expect == "sd must be > 0":
        assert df.at[idx, "statistic"] == "sd"
    df.at[idx, field] = value
    path = _write(df, tmp_path)
    with pytest.raises(DataValidationError) as err:
        load_table("summary_stats", path)
    msg = str(err.value)
    assert str(path) in msg and f"line {line} (row_id {df.at[idx, 'row_id']})" in msg
    assert expect in msg


def test_all_problems_reported_at_once(summary_copy, tmp_path):
    summary_copy.at[0, "status"] = "x"
    summary_copy.at[5, "status"] = "y"
    with pytest.raises(DataValidationError) as err:
        load_table("summary_stats", _write(summary_copy, tmp_path))
    assert len(err.value.problems) == 2


def test_missing_column_and_unknown_study(summary_copy, root, tmp_path):
    with pytest.raises(DataValidationError, match="source"):
        load_table("summary_stats", _write(summary_copy.drop(columns="source"), tmp_path))
    summary_copy.at[0, "study_id"] = "nosuchstudy"
    (tmp_path / "x").mkdir()
    path = _write(summary_copy, tmp_path, "s.csv")
    with pytest.raises(DataValidationError) as err:
        load_all(_paths(root, tmp_path / "x", summary_stats=path))
    where = f"line 2 (row_id {summary_copy.at[0, 'row_id']}), field 'study_id'"
    assert f"{tmp_path / 'x' / 'summary_stats.csv'}: {where}: unknown study 'nosuchstudy'" in str(
        err.value
    )


def test_missing_file(tmp_path):
    with pytest.raises(DataValidationError, match="file not found"):
        load_table("claims", tmp_path / "nope.csv")


def test_broken_fixture_is_rejected(root, tmp_path):
    shutil.copy(root / "tests/fixtures/broken_summary_stats.csv", tmp_path / "s.csv")
    with pytest.raises(DataValidationError) as err:
        load_table("summary_stats", tmp_path / "s.csv")
    assert "line 3 (row_id mac_str_all_mg_end_sd), field 'value'" in str(err.value)


def test_false_in_a_csv_reads_as_false(root):
    # regression: pandas turns any non-empty text, "false" included, into True
    studies = load_table("studies", root / "data/studies.csv").set_index("study_id")
    assert not studies.loc["bagis2013", "controlled"]
    assert studies.loc["macian2022", "controlled"]
    assert studies.loc["chiu2016", "blinded"] is pd.NA  # empty: not recorded
    summary = load_table("summary_stats", root / "data/summary_stats.csv").set_index("row_id")
    assert not summary.loc["mac_qol_all_between_p", "lower_is_better"]


def test_a_non_boolean_is_located(root, tmp_path):
    text = (root / "data/studies.csv").read_text().splitlines()
    text[2] = text[2].replace(
        ",false,not stated,not stated,active", ",maybe,not stated,not stated,active"
    )
    bad = tmp_path / "studies.csv"
    bad.write_text("\n".join(text) + "\n")
    with pytest.raises(
        DataValidationError,
        match=r"line 3 \(study_id bagis2013\), field 'controlled': expected true or "
        r"false, got 'maybe'",
    ):
        load_table("studies", bad)


@pytest.mark.parametrize("key", ["score_ranges", "instruments"])
def test_range_tables_are_valid_and_reject_min_above_max(root, tmp_path, key):
    name = f"{key}.csv"
    df = load_table(key, root / "data" / name)
    assert (df["min"] < df["max"]).all()
    lines = (root / "data" / name).read_text().splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    # swap min and max of the first row (columns named min and max; no quoted commas before them)
    i, j = header.index("min"), header.index("max")
    assert float(row[i]) < float(row[j])
    row[i], row[j] = row[j], row[i]
    lines[1] = ",".join(row)
    (tmp_path / name).write_text("\n".join(lines) + "\n")
    with pytest.raises(DataValidationError, match="line 2 .*field 'max'"):
        load_table(key, tmp_path / name)


# --- every problem of every file at once ----------------------------------------------------------
def _paths(root, tmp_path, **replace):
    """Config-style paths to a copy of data/ with some files replaced (name -> text or path)."""
    paths = {}
    for key in SCHEMAS:
        dest = tmp_path / f"{key}.csv"
        src = replace.get(key, root / "data" / f"{key}.csv")
        if isinstance(src, str):
            dest.write_text(src)
        elif isinstance(src, bytes):
            dest.write_bytes(src)
        else:
            shutil.copy(src, dest)
        paths[key] = str(dest)
    return paths


def test_shipped_data_set_is_valid(root, tmp_path):
    tables = load_all(_paths(root, tmp_path))
    assert set(tables) == set(SCHEMAS)


def test_five_problems_in_two_files_are_all_listed(root, tmp_path):
    fx = root / "tests/fixtures/broken"
    paths = _paths(root, tmp_path, summary_stats=fx / "summary_stats.csv", arms=fx / "arms.csv")
    with pytest.raises(DataValidationError) as err:
        load_all(paths)
    problems = err.value.problems
    expected = [
        (paths["summary_stats"], "line 3 (row_id mac_str_all_mg_end_sd), field 'value'", "> 0"),
        (paths["summary_stats"], "line 5 (row_id mac_str_all_pl_end_sd), field 'status'", "guessed"),
        (paths["summary_stats"], "line 7 (row_id mac_str_mm_mg_base_mean), field 'value'", "finite"),
        (paths["arms"], "line 4 (study_id bagis2013, arm magnesium), field 'description'", "empty"),
        (paths["arms"], "line 5 (study_id engen2015, arm magnesium), field 'status'", "guessed"),
    ]
    assert len(problems) == 5, problems
    for path, where, what in expected:
        assert any(p.startswith(f"{path}: {where}") and what in p for p in problems), where


@pytest.mark.parametrize(
    ("content", "expect"),
    [
        (b"", "file is empty"),
        (b"study_id,arm,role,description,source,status\n", "header only"),
        (
            "study_id,arm,role,description,source,status\nmacian2022,magnesium,intervention,ok,s,"
            "reported\nmacian2022,placebo,comparator,caf\xe9,s,reported\n".encode("latin-1"),
            "line 3: not valid UTF-8",
        ),
    ],
)
def test_unreadable_files_are_named_with_the_line(root, tmp_path, content, expect):
    with pytest.raises(DataValidationError) as err:
        load_all(_paths(root, tmp_path, arms=content))
    assert any(p.startswith(str(tmp_path / "arms.csv")) and expect in p for p in err.value.problems), (
        err.value.problems
    )


def test_cross_file_references_and_roles(root, tmp_path):
    claims = (root / "data/claims.csv").read_text().splitlines()
    i = next(i for i, line in enumerate(claims) if ",macian2022," in line)
    claims[i] = claims[i].replace(",macian2022,", ",nosuchstudy,", 1)
    summary = (root / "data/summary_stats.csv").read_text().splitlines()
    summary[1] = summary[1].replace(",magnesium,", ",verum,", 1)  # arm without a role
    paths = _paths(
        root, tmp_path, claims="\n".join(claims) + "\n", summary_stats="\n".join(summary) + "\n"
    )
    with pytest.raises(DataValidationError) as err:
        load_all(paths, [{"study_id": "macian2022", "arm": "verum"}])
    text = str(err.value)
    assert f"claims.csv: line {i + 1}" in text and "unknown study 'nosuchstudy'" in text
    assert "line 2 (row_id mac_str_all_mg_end_mean), field 'arm': arm 'verum'" in text
    assert "sample_sizes[0]: arm 'verum'" in text


def test_zero_sd_and_too_small_n_are_rejected(summary_copy, root, tmp_path):
    sd = summary_copy.index[summary_copy["statistic"] == "sd"][0]
    summary_copy.at[sd, "value"] = "0"
    p_row = summary_copy.index[summary_copy["row_id"] == "eng_fiqr_mg_change_p"][0]
    summary_copy.at[p_row, "n"] = "2"
    (tmp_path / "x").mkdir()
    path = _write(summary_copy, tmp_path, "s.csv")
    with pytest.raises(DataValidationError) as err:
        load_all(_paths(root, tmp_path / "x", summary_stats=path))
    text = str(err.value)
    assert f"line {sd + 2}" in text and "sd must be > 0" in text
    assert "eng_fiqr_mg_change_p), field 'n'" in text and "df = n - 1 > 1" in text


def test_a_statistic_an_arm_cannot_carry_is_rejected(summary_copy, root, tmp_path):
    idx = summary_copy.index[summary_copy["row_id"] == "mac_str_all_mg_end_mean"][0]
    summary_copy.at[idx, "statistic"] = "estimate"
    (tmp_path / "x").mkdir()
    path = _write(summary_copy, tmp_path, "s.csv")
    with pytest.raises(DataValidationError, match="cannot carry 'estimate'"):
        load_all(_paths(root, tmp_path / "x", summary_stats=path))


def _not_reported_row(summary_copy, value=""):
    """A copy of the summary with one extra 'not_reported' row (an outcome measured, no result)."""
    row = summary_copy.iloc[[0]].copy()
    row["row_id"], row["outcome"], row["statistic"], row["value"] = "x_nr", "x", "not_reported", value
    return pd.concat([summary_copy, row], ignore_index=True)


def test_a_not_reported_row_has_no_value(summary_copy, tmp_path):
    """'not_reported' (measured, no result) is valid with an empty value and refused with one;
    any other statistic without a value is refused, naming the row."""
    ok = load_table("summary_stats", _write(_not_reported_row(summary_copy), tmp_path))
    assert ok.loc[ok["row_id"] == "x_nr", "value"].isna().all()
    with pytest.raises(
        DataValidationError,
        match=r"row_id x_nr\), field 'value': a "
        "'not_reported' row",
    ):
        load_table("summary_stats", _write(_not_reported_row(summary_copy, "3"), tmp_path))
    summary_copy.at[1, "value"] = ""
    with pytest.raises(DataValidationError) as err:
        load_table("summary_stats", _write(summary_copy, tmp_path))
    assert f"line 3 (row_id {summary_copy.at[1, 'row_id']}), field 'value': required" in str(err.value)


def test_measured_outcomes_without_results_are_rows(root):
    """Bagis 2013 measured pain intensity, pain threshold and Beck anxiety (abstract) without
    reporting a result for the magnesium arm: rows with statistic 'not_reported', with source."""
    summary = load_table("summary_stats", root / "data/summary_stats.csv")
    silent = summary[(summary["study_id"] == "bagis2013") & (summary["statistic"] == "not_reported")]
    assert set(silent["outcome"]) == {"pain", "pain_threshold", "anxiety"}
    assert silent["source"].str.contains("22271372").all()
    assert (silent["status"] == "reported").all()
