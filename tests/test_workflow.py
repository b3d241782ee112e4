"""End-to-end: run the Snakemake workflow on the shipped data in a temporary directory."""

import shutil

import pandas as pd
import pytest
from helpers import BROKEN, BackgroundRun, after_workflow
from helpers import project_copy as _project_copy
from helpers import run_snakemake as _snakemake
from phone_screen import check_first_phone_screen

from reanalysis.meta.pooling import has_forensic_flag

pytestmark = pytest.mark.workflow


def test_workflow_produces_results(pipeline_run):
    res = pipeline_run / "results"
    effects = pd.read_csv(res / "effect_sizes.csv")
    pooled = pd.read_csv(res / "meta_frequentist.csv")
    assert {"yi", "vi", "estimand", "assumptions", "source_rows"} <= set(effects.columns)
    assert set(pooled["set"]) == {
        "controlled_whole_sample",
        "controlled_subgroup_pain",
        "uncontrolled_magnesium_prepost",
    }
    for f in (
        "figures/forest.png",
        "figures/forest.svg",
        "sensitivity.csv",
        "tables/provenance.html",
        "bayes/prior_sensitivity.csv",
        "tables/bayes_prior_sensitivity.html",
        "figures/bayes_forest.png",
        "figures/bayes_densities.png",
        "figures/bayes_shrinkage.png",
        "tables/bayes_diagnostics_uncontrolled_magnesium_prepost_halfnormal_0.5.html",
        "figures/subgroup_false_positives.png",
        "figures/subgroup_power.png",
        "figures/subgroup_estimates.png",
        "figures/vote_count.png",
        "tables/subgroup_credibility.html",
        "tables/forensics.html",
        "tables/ledger.html",
        "overview.html",
    ):
        assert (res / f).stat().st_size > 0, f
    # the flagged SD (11.9 in a 19-25 range) is marked and kept out of every pooled set
    forensics = pd.read_csv(res / "forensics.csv").set_index("row_id")
    assert forensics.loc["mac_str_mm_pl_base_sd", "verdict"] == "flag"
    flagged = effects[has_forensic_flag(effects)]["es_id"]
    assert len(flagged) and not any(e in " ".join(pooled["studies"].fillna("")) for e in flagged)
    ledger = pd.read_csv(res / "ledger.csv").set_index("claim_id")
    claims = pd.read_csv(pipeline_run / "data/claims.csv")
    assert set(ledger.index) == set(claims["claim_id"])
    assert ledger.loc["a001_trial_2024", "verdict"] == "untraceable"
    assert ledger.loc["a004_sleep_fatigue_qol", "verdict"] == "supported"
    assert ledger.loc["a004_epsom", "verdict"] == "factually wrong"


def test_report_is_built(report_html):
    html = report_html.read_text(errors="replace")
    assert "forest" in html and "Effect sizes" in html and "Claims ledger" in html
    assert_sections_without_gaps(report_html)


@pytest.mark.slow
def test_rerun_is_byte_identical(pipeline_run):
    """The whole workflow forced to run again gives the same bytes (slow; the default suite
    reruns the seeded jobs through the cluster executor, tests/test_cluster_profile.py)."""
    res = pipeline_run / "results"
    files = (
        "effect_sizes.csv",
        "meta_frequentist.csv",
        "sensitivity.csv",
        "figures/forest.svg",
        "forensics.csv",
        "ledger.csv",
        "overview.html",
        "bayes/prior_sensitivity.csv",
        "simulation/subgroup_no_effect.csv",
        "simulation/subgroup_power.csv",
        "simulation/subgroup_credibility.csv",
        "vote_count/curve.csv",
        "bayes/nuts_uncontrolled_magnesium_prepost_halfnormal_0.5.csv",
    )
    before = {f: (res / f).read_bytes() for f in files}
    proc = _snakemake(pipeline_run, "--forceall")
    assert proc.returncode == 0, proc.stderr[-4000:]
    for f, content in before.items():
        assert (res / f).read_bytes() == content, f


@pytest.mark.slow
def test_full_scale_run(root, tmp_path):
    """The shipped configuration at full scale (simulation sizes, NUTS draws) runs to the end."""
    work = _project_copy(root, tmp_path)
    proc = _snakemake(work, small=False)
    assert proc.returncode == 0, proc.stderr[-4000:]
    curve = pd.read_csv(work / "results/vote_count/curve.csv")
    assert len(curve) and curve.notna().any().all()
    assert (work / "results/overview.html").stat().st_size > 0


@pytest.mark.slow
def test_broken_data_stops_before_any_result(root, tmp_path):
    """Five problems in two files on a fresh copy: every one is listed on the console, nothing
    is written (slow: the default suite runs the same data through `make report` after a
    completed run, test_bad_input.py::test_failed_validation_leaves_results_and_the_report_refuses,
    each problem counted once and results/ unchanged)."""
    work = _project_copy(root, tmp_path)
    for name in BROKEN:
        shutil.copy(root / "tests/fixtures/broken" / name, work / "data" / name)
    proc = _snakemake(work)
    assert proc.returncode != 0
    out = proc.stdout + proc.stderr
    assert "5 problem(s) in 2 file(s)" in out
    for where in (w for ws in BROKEN.values() for w in ws):
        assert where in out, where
    written = (
        [p for p in (work / "results").rglob("*") if p.is_file()] if (work / "results").exists() else []
    )
    assert written == []


def _planned_jobs(workdir, *args) -> set[str]:
    """The rules a dry run would execute (Snakemake's job stats table)."""
    proc = _snakemake(workdir, "--dry-run", *args)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout + proc.stderr
    if "Nothing to be done" in out:
        return set()
    block = out[out.index("Job stats:") :].split("\n\n")[0].splitlines()[3:]
    return {line.split()[0] for line in block if line.split() and line.split()[0] != "total"}


def test_an_edit_reruns_only_what_reads_it(pipeline_run, tmp_path):
    """A true DAG: a data file or a config value reruns exactly the rules that read it."""
    work = tmp_path / "copy"
    shutil.copytree(pipeline_run, work, symlinks=True)  # keeps mtimes and .snakemake metadata
    assert _planned_jobs(work) == set()
    levels = work / "data/levels.csv"
    levels.write_text(levels.read_text().replace("lower in FM,", "lower in FM ,", 1))
    assert _planned_jobs(work) == {"validate_tables", "ledger", "overview", "all"}
    shutil.copy(pipeline_run / "data/levels.csv", levels)  # back as it was
    cfg = work / "small_config.yaml"
    cfg.write_text(cfg.read_text().replace("vote_count:\n  reps: 4000", "vote_count:\n  reps: 4001"))
    # the software page shows the whole configuration, so it reads every value
    assert _planned_jobs(work) == {"vote_count", "ledger", "overview", "software_page", "all"}


def _overview_text(path) -> str:
    return _overview_text_of(path.read_text())


def _overview_text_of(page: str) -> str:
    import html
    import re

    text = re.sub(r"<style.*?</style>", "", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def _append_row(path, values: dict) -> None:
    """Append one row to a CSV by column name (columns not given are left empty), so a
    fixture does not break when the data contract gains a column; an unknown name is an error."""
    import csv

    with open(path, newline="") as fh:
        header = next(csv.reader(fh))
    unknown = set(values) - set(header)
    assert not unknown, f"{path.name} has no column(s) {sorted(unknown)}"
    with open(path, "a", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerow([values.get(c, "") for c in header])


def _append_a_made_up_study(work) -> None:
    """A made-up placebo-controlled trial (test data only, never shipped) added to the data of
    the case folder ``work``."""
    _append_row(
        work / "data/studies.csv",
        {
            "study_id": "madeup2030",
            "citation": "Madeup A et al. Test J 2030",
            "role": "intervention",
            "design": "randomized double-blind placebo-controlled",
            "allocation": "parallel",
            "allocation_source": "test fixture",
            "allocation_status": "reported",
            "controlled": "true",
            "randomized": "true",
            "blinded": "true",
            "comparator": "placebo",
            "n_total": "60",
            "n_source_status": "reported",
            "dose_mg_per_day": "300",
            "form": "test form",
            "route": "oral",
            "duration_weeks": "8",
            "population": "test population",
            "source": "test fixture",
            "status": "reported",
            "year": "2030",
            "primary_outcome": "pain",
            "label": "Madeup 2030",
        },
    )
    with open(work / "data/arms.csv", "a") as fh:
        fh.write(
            "madeup2030,active,intervention,test arm,test fixture,reported\n"
            "madeup2030,control,comparator,test control,test fixture,reported\n"
        )
    rows = [
        ("a_end_mean", "active", "mean", 4.2),
        ("a_end_sd", "active", "sd", 1.5),
        ("c_end_mean", "control", "mean", 5.0),
        ("c_end_sd", "control", "sd", 1.6),
    ]
    with open(work / "data/summary_stats.csv", "a") as fh:
        for rid, arm, stat, value in rows:
            fh.write(
                f"madeup_{rid},madeup2030,{arm},all,pain,BPI severity,0,10,true,end,{stat},"
                f"{value},30,primary,test fixture,table 2,reported,\n"
            )


def _counted_sentences(case, results) -> tuple[str, pd.DataFrame, pd.DataFrame]:
    """The overview's pooled-sets section for the data of the case folder ``case``, built in
    this process by the functions the jobs call (validation, curation, forensics, effect sizes,
    pooling, overview) from that data; the tables the sentences do not count (the claims
    ledger, the forensic table and the sample sizes) come from the session's run ``results``."""
    from reanalysis.checks.forensics import flagged_rows, run_checks
    from reanalysis.config import load_config
    from reanalysis.data.load import load_all
    from reanalysis.data.tables import curate
    from reanalysis.effects.assumptions import Assumptions
    from reanalysis.effects.build import build_effect_sizes
    from reanalysis.effects.notes import md_unit
    from reanalysis.meta.pooling import pool_sets
    from reanalysis.report.overview import overview_html

    cfg = load_config(case / "config/config.yaml")
    t = curate(
        load_all({k: case / v for k, v in cfg["data"].items()}, cfg["assumptions"]["sample_sizes"]),
        cfg,
    )
    effects = build_effect_sizes(
        t["summary"],
        t["studies"],
        Assumptions.from_config(cfg),
        flagged_rows(run_checks(t, cfg)),
        arms=t["arms"],
    )
    ma = cfg["meta_analysis"]
    pooled = pool_sets(effects, ma)
    page = overview_html(
        pd.read_csv(results / "ledger.csv"),
        pooled,
        pd.read_csv(results / "forensics.csv"),
        ma["sets"],
        ma["primary_method"],
        summary=t["summary_all"],
        sizes=pd.read_csv(results / "sample_sizes.csv"),
        studies=t["studies"],
        unit_of=lambda instrument: md_unit(instrument, t.get("instruments")),
        comparator=cfg["report"]["comparator"],
        level=ma["level"],
    )
    section = page[page.index("<h2 id='sets'>") :]
    end = section.find("<h2", 4)
    return _overview_text_of(section[: end if end > 0 else None]), effects, pooled


def test_a_study_added_to_the_data_is_counted_in_the_overview(pipeline_run, tmp_path):
    """The data-only path of the slow end-to-end test below, in this process: the shipped data
    give the session run's count; with a made-up study added (no code change) the effect sizes,
    the pooled sets and the overview's sentences that count studies follow."""
    before, _, _ = _counted_sentences(pipeline_run, pipeline_run / "results")
    assert "The largest of these sets has 1 study" in before
    assert before in _overview_text(pipeline_run / "results/overview.html")  # as the job wrote it
    case = tmp_path / "case"
    for part in ("config", "data"):
        shutil.copytree(pipeline_run / part, case / part)
    _append_a_made_up_study(case)
    after, effects, pooled = _counted_sentences(case, pipeline_run / "results")
    assert "The largest of these sets has 2 studies" in after
    assert (effects["study_id"] == "madeup2030").any()
    assert "madeup2030" in " ".join(pooled["studies"].fillna(""))


@after_workflow("test_adding_a_study_changes_the_sentences_that_count_studies")
def _add_a_study(work) -> BackgroundRun:
    """The made-up study added to a copy of the session's run; the overview is brought up to
    date in the background."""
    _append_a_made_up_study(work)
    return BackgroundRun(work, "results/overview.html")


@pytest.mark.slow
def test_adding_a_study_changes_the_sentences_that_count_studies(pipeline_run, followed):
    """The study added by _add_a_study: the overview's counts and sentences follow, with no
    code change, through the workflow (slow: 16 jobs rerun; the default suite builds the same
    counts in process, test_a_study_added_to_the_data_is_counted_in_the_overview)."""
    before = _overview_text(pipeline_run / "results/overview.html")
    assert "The largest of these sets has 1 study" in before
    work, run = followed
    proc = run.result()
    assert proc.returncode == 0, proc.stderr[-4000:]
    after = _overview_text(work / "results/overview.html")
    assert "The largest of these sets has 2 studies" in after
    effects = pd.read_csv(work / "results/effect_sizes.csv")
    assert (effects["study_id"] == "madeup2030").any()
    pooled = pd.read_csv(work / "results/meta_frequentist.csv")
    assert "madeup2030" in " ".join(pooled["studies"].fillna(""))


@pytest.mark.slow
def test_second_case_runs_end_to_end_with_its_report(root, tmp_path):
    """cases/mg_leg_cramps through the same engine, as the README runs it (no code change):
    no subgroup simulation or vote count, arm names of its own, and a report."""
    shutil.copytree(root / "workflow", tmp_path / "workflow")
    shutil.copytree(root / "cases", tmp_path / "cases")
    case = tmp_path / "cases/mg_leg_cramps"
    for args in ((), ("--report", "results/report.html")):
        proc = _snakemake(case, *args, small=False, snakefile=tmp_path / "workflow/Snakefile")
        assert proc.returncode == 0, proc.stderr[-4000:]
    pooled = pd.read_csv(case / "results/meta_frequentist.csv")
    assert (pooled["k"] >= 1).all() and not (case / "results/vote_count").exists()
    ledger = pd.read_csv(case / "results/ledger.csv")
    assert set(ledger["claim_id"]) == set(pd.read_csv(case / "data/claims.csv")["claim_id"])
    assert (case / "results/report.html").stat().st_size > 0
    assert_sections_without_gaps(case / "results/report.html")
    check_first_phone_screen(
        case / "results/overview.html", root / "results/screenshots/mg_leg_cramps_overview_390x844.png"
    )


def assert_sections_without_gaps(report):
    """The report's categories are numbered 1..n: a case without the optional analyses has no
    gap where their sections would be."""
    import re

    text = report.read_text(errors="replace")
    numbers = sorted({int(n) for n in re.findall(r'"(\d)\. [A-Z][^"]*": \{', text)})
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 5, numbers
