"""The typed tables between the validation job and the other jobs, and the analyses' view of them."""

import subprocess
import sys

import pandas as pd
import pytest
import yaml

from reanalysis.data.load import load_all, load_curated
from reanalysis.data.schemas import LEVELS_SCHEMA
from reanalysis.data.tables import arm_roles, curate, read_curated, read_typed, write_typed


@pytest.fixture(scope="module")
def cfg(root):
    config = yaml.safe_load((root / "config/config.yaml").read_text())
    config["data"] = {k: str(root / v) for k, v in config["data"].items()}
    return config


@pytest.fixture(scope="module")
def validated(cfg):
    return load_all(cfg["data"], cfg["assumptions"]["sample_sizes"])


def _write_groups(validated, tmp_path):
    """The tables in two typed-table files, as two gates write them."""
    names = list(validated)
    groups = {"a": names[: len(names) // 2], "b": names[len(names) // 2 :]}
    paths = [tmp_path / f"{g}.pkl" for g in groups]
    for path, members in zip(paths, groups.values(), strict=True):
        write_typed({n: validated[n] for n in members}, path)
    return paths


def test_typed_tables_round_trip_with_their_dtypes(validated, tmp_path):
    back = read_typed(_write_groups(validated, tmp_path))
    assert set(back) == set(validated)
    for name, table in validated.items():
        pd.testing.assert_frame_equal(back[name], table, check_exact=True)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left


def test_jobs_see_the_same_tables_as_a_direct_load(cfg, validated, tmp_path):
    direct = load_curated(cfg)
    via_typed = read_curated(_write_groups(validated, tmp_path), cfg)
    assert set(via_typed) == set(direct)
    for name in direct:
        pd.testing.assert_frame_equal(via_typed[name], direct[name], check_exact=True)


def test_summary_gains_roles_and_the_chosen_reading(cfg, validated):
    t = curate(validated, cfg)
    roles = arm_roles(validated["arms"])
    for row in t["summary_all"].itertuples():
        expected = roles.get((row.study_id, row.arm))
        assert row.role == expected if expected else pd.isna(row.role)
    assert t["summary_all"]["role"].notna().any()
    overrides = cfg.get("reading_overrides") or {}
    assert len(t["summary"]) == (t["summary_all"]["reading"] == "primary").sum()
    for row_id, reading in overrides.items():
        assert row_id not in set(t["summary"]["row_id"])
        key = t["summary_all"].set_index("row_id").loc[row_id, ["study_id", "arm", "statistic"]]
        chosen = t["summary"][
            (t["summary"][["study_id", "arm", "statistic"]] == key.values).all(axis=1)
            & (t["summary"]["reading"] == reading)
        ]
        assert len(chosen) >= 1


def test_only_the_tables_passed_are_there_and_absent_optional_tables_are_empty(cfg, validated):
    """A job that did not declare a table cannot read it by accident; an optional table the case
    leaves out is empty with the schema's columns."""
    subset = {k: validated[k] for k in ("studies", "arms")}
    t = curate(subset, cfg)
    assert "claims" not in t and "summary" not in t
    assert "levels" not in t  # the case has levels: not passed, so not there
    without = {**cfg, "data": {k: v for k, v in cfg["data"].items() if k != "levels"}}
    t = curate(subset, without)
    assert t["levels"].empty
    assert list(t["levels"].columns) == list(LEVELS_SCHEMA.columns)


def test_summary_without_arms_is_an_error(cfg, validated):
    with pytest.raises(KeyError, match="arms"):
        curate({"summary_stats": validated["summary_stats"]}, cfg)


def test_reading_the_typed_tables_imports_no_pandera(root):
    """The jobs after validation neither import pandera nor validate again (they start faster)."""
    code = (
        "import sys; import reanalysis.data.tables, reanalysis.effects.build, "
        "reanalysis.checks.forensics, reanalysis.report.pages, reanalysis.ledger.build, "
        "reanalysis.report.summary_of_findings; "
        "print('pandera' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    assert out.stdout.strip() == "False"
