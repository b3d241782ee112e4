"""End-to-end: run the Snakemake workflow on the shipped data in a temporary directory."""

import shutil

import pandas as pd
import pytest
from helpers import project_copy as _project_copy
from helpers import run_snakemake as _snakemake

pytestmark = pytest.mark.workflow


@pytest.fixture(scope="module")
def pipeline_run(root, tmp_path_factory):
    work = _project_copy(root, tmp_path_factory.mktemp("wf"))
    proc = _snakemake(work)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return work


def test_workflow_produces_results(pipeline_run):
    res = pipeline_run / "results"
    effects = pd.read_csv(res / "effect_sizes.csv")
    pooled = pd.read_csv(res / "meta_frequentist.csv")
    assert {"yi", "vi", "estimand", "assumptions", "source_rows"} <= set(effects.columns)
    assert set(pooled["set"]) == {"controlled_whole_sample", "controlled_subgroup_pain",
                                  "uncontrolled_magnesium_prepost"}
    for f in ("figures/forest.png", "figures/forest.svg", "sensitivity.csv",
              "tables/provenance.html", "bayes/prior_sensitivity.csv",
              "tables/bayes_prior_sensitivity.html"):
        assert (res / f).stat().st_size > 0, f


def test_report_is_built(pipeline_run):
    proc = _snakemake(pipeline_run, "--report", "results/report.html")
    assert proc.returncode == 0, proc.stderr[-4000:]
    html = (pipeline_run / "results/report.html").read_text(errors="replace")
    assert "forest" in html and "Effect sizes" in html


def test_rerun_is_byte_identical(pipeline_run):
    res = pipeline_run / "results"
    before = {f: (res / f).read_bytes() for f in ("effect_sizes.csv", "meta_frequentist.csv",
                                                  "sensitivity.csv", "figures/forest.svg")}
    proc = _snakemake(pipeline_run, "--forceall")
    assert proc.returncode == 0, proc.stderr[-4000:]
    for f, content in before.items():
        assert (res / f).read_bytes() == content, f


def test_broken_data_stops_before_any_result(root, tmp_path):
    work = _project_copy(root, tmp_path)
    shutil.copy(root / "tests/fixtures/broken_summary_stats.csv", work / "data/summary_stats.csv")
    proc = _snakemake(work)
    assert proc.returncode != 0
    out = proc.stdout + proc.stderr
    assert "data/summary_stats.csv" in out
    assert "line 3 (row_id mac_str_all_mg_end_sd), field 'value'" in out
    written = [p for p in (work / "results").rglob("*") if p.is_file()] if (
        work / "results").exists() else []
    assert written == []
