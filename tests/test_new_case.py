"""`make case NEW=...` writes the smallest valid case; it passes validation here and runs end to end
(the whole workflow and report on it is marked slow)."""

import subprocess

import pytest
import yaml
from helpers import run_snakemake

from reanalysis.config import load_config


def _make_case(root, tmp_path):
    proc = subprocess.run(
        ["make", "-s", "-C", str(root), "case", f"NEW={tmp_path / 'q'}"], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    return tmp_path / "q", proc.stdout


def test_make_case_writes_a_valid_case(root, tmp_path):
    case, message = _make_case(root, tmp_path)
    assert "make report CASE=" in message
    cfg = load_config(case / "config/config.yaml")  # schema-valid
    for path in list(cfg["data"].values()) + list(cfg["report"]["files"].values()):
        assert (case / path).is_file(), path
    # One validation gate: every gate validates every configured file and the report files
    # (workflow/scripts/validate_tables.py); the other three only write other typed tables.
    proc = run_snakemake(
        case, "results/data/core.pkl", small=False, snakefile=root / "workflow/Snakefile"
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert ": valid" in (case / "logs/validate_tables_core.log").read_text()


def test_make_case_refuses_an_existing_folder(root, tmp_path):
    (tmp_path / "q").mkdir()
    proc = subprocess.run(
        ["make", "-s", "-C", str(root), "case", f"NEW={tmp_path / 'q'}"], capture_output=True, text=True
    )
    assert proc.returncode != 0 and "already exists" in proc.stderr
    assert list((tmp_path / "q").iterdir()) == []


def test_template_marks_its_example_rows(root):
    """Every row of the template that a user must replace says so, and its figures are sourced."""
    data = root / "templates/case/data"
    stats = (data / "summary_stats.csv").read_text()
    assert "dat.normand1999" in stats and "second-hand" in stats
    assert "EXAMPLE" in (data / "studies.csv").read_text()
    for name in ("grade.csv", "rob.csv"):
        rows = (data / name).read_text().splitlines()[1:]
        assert rows and all("NOT JUDGED" in r for r in rows), name
    cfg = yaml.safe_load((root / "templates/case/config/config.yaml").read_text())
    assert cfg["report"]["comparator"] != "placebo"  # the engine has no placebo default


@pytest.mark.slow
def test_new_case_runs_end_to_end_with_its_report(root, tmp_path):
    case, _ = _make_case(root, tmp_path)
    for args in ([], ["--report", "results/report.html"]):
        proc = run_snakemake(case, *args, small=False, snakefile=root / "workflow/Snakefile")
        assert proc.returncode == 0, proc.stderr
    assert (case / "results/report.html").stat().st_size > 10_000
    assert (case / "results/effect_sizes.csv").read_text().count("edinburgh") >= 1
