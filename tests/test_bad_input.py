"""Bad input never passes in silence (issue 23): each scenario changes a copy of the shipped case
and checks the user gets a stop (or a warning) naming the file, line and field, in plain words,
without a traceback; interrupted runs resume with one command.

The data scenarios call the validation entry point in-process (``reanalysis.data.load.load_all``,
what the validation job runs); the scenarios that need Snakemake (a deleted file, a failed
validation after a completed run, the config) run it on a copy of the session's workflow run or
with a dry run."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml
from helpers import BROKEN

from reanalysis import config as config_mod
from reanalysis.appraisal import study_characteristics
from reanalysis.config import pooling_outcomes
from reanalysis.data.errors import DataValidationError
from reanalysis.data.load import load_all
from reanalysis.data.tables import curate, unpooled_rows, unpooled_warnings

ROOT = Path(__file__).resolve().parents[1]
CFG = yaml.safe_load((ROOT / "config/config.yaml").read_text())
SMALL = yaml.safe_load((ROOT / "tests/small_config.yaml").read_text())


@pytest.fixture
def case(tmp_path):
    """A copy of the shipped case's data, config and workflow."""
    for part in ("data", "config", "workflow"):
        shutil.copytree(ROOT / part, tmp_path / part)
    return tmp_path


def _table(case, name):
    return pd.read_csv(case / f"data/{name}.csv", dtype=str, keep_default_na=False)


def _save(df, case, name):
    df.to_csv(case / f"data/{name}.csv", index=False)


def _problems(case) -> list[str]:
    """What validation says about the case (every file), [] when it passes."""
    paths = {k: case / v for k, v in CFG["data"].items()}
    try:
        load_all(paths, CFG["assumptions"]["sample_sizes"])
    except DataValidationError as err:
        return err.problems
    return []


def _row(df, row_id):
    return df.index[df["row_id"] == row_id][0]


def _set(name, row_id, field, value):
    def change(case):
        df = _table(case, name)
        df.at[_row(df, row_id) if row_id else 0, field] = value
        _save(df, case, name)

    return change


def _swap_ci(case):
    df = _table(case, "summary_stats")
    lo, hi = _row(df, "choi_rd_lo"), _row(df, "choi_rd_hi")
    df.loc[lo, "value"], df.loc[hi, "value"] = df.at[hi, "value"], df.at[lo, "value"]
    _save(df, case, "summary_stats")


def _edit(name, fn):
    def change(case):
        _save(fn(_table(case, name)), case, name)

    return change


def _write_text(name, text_of):
    def change(case):
        path = case / f"data/{name}.csv"
        path.write_text(text_of(path.read_text()))

    return change


def _bad_field_count(text):
    lines = text.splitlines()
    lines[4] += ",surplus"
    return "\n".join(lines) + "\n"


def _line_of(name: str, row_id: str) -> int:
    """The line of the shipped table on which row ``row_id`` starts (csv's own line count, so a
    quoted field over several lines counts as it does in the validator's messages)."""
    import csv

    with open(ROOT / CFG["data"][name], newline="") as fh:
        reader = csv.reader(fh)
        start = 1
        for row in reader:
            if row and row[0] == row_id:
                return start
            start = reader.line_num + 1
    raise KeyError(row_id)


SCENARIOS = {  # name: (change, file, expected words, line number or the row_id on that line)
    "n 1e308": (
        _set("summary_stats", "mac_str_all_mg_end_mean", "n", "1e308"),
        "summary_stats",
        "a sample size must be a whole number up to 10,000,000",
        "mac_str_all_mg_end_mean",
    ),
    "n statistic 1e9": (
        _edit("summary_stats", lambda d: d.assign(value=d["value"].where(d["statistic"] != "n", "1e9"))),
        "summary_stats",
        "n must be a whole number from 0 to",
        None,
    ),
    "sd 1e308": (
        _set("summary_stats", "mac_str_all_mg_end_sd", "value", "1e308"),
        "summary_stats",
        "sd = 1e+308 is implausibly large",
        None,
    ),
    "se without scale 1e12": (
        _edit(
            "summary_stats",
            lambda d: d.assign(
                scale_min="", scale_max="", value=d["value"].where(d["statistic"] != "sd", "1e12")
            ),
        ),
        "summary_stats",
        "at most 1e+09 (no scale range given)",
        None,
    ),
    "ci low above high": (_swap_ci, "summary_stats", "CI low 0.09 is above CI high -0.23", "choi_rd_lo"),
    "estimate outside its ci": (
        _set("summary_stats", "choi_rd", "value", "0.5"),
        "summary_stats",
        "estimate 0.5 lies outside its CI",
        "choi_rd",
    ),
    "missing column": (
        _edit("summary_stats", lambda d: d.drop(columns="value")),
        "summary_stats",
        "missing column 'value' (required: row_id,",
        None,
    ),
    "unknown column": (
        _edit("summary_stats", lambda d: d.assign(extra_note="x")),
        "summary_stats",
        "unknown column 'extra_note' (allowed: row_id,",
        None,
    ),
    "semicolons": (
        _write_text("arms", lambda t: t.replace(",", ";")),
        "arms",
        "file is not comma-separated (found ';')",
        1,
    ),
    "field count": (
        _write_text("studies", _bad_field_count),
        "studies",
        "fields, but the header has",
        5,
    ),
    "not a number": (
        _set("summary_stats", "mac_str_all_mg_end_mean", "value", "abc"),
        "summary_stats",
        "field 'value': 'abc' is not a number",
        2,
    ),
    "nan where a value is required": (
        _set("summary_stats", "mac_str_all_mg_end_mean", "value", "nan"),
        "summary_stats",
        "'nan' is not a number (this field needs a number)",
        2,
    ),
    "levels n not whole": (
        _set("levels", None, "n_fm", "20.5"),
        "levels",
        "field 'n_fm': a sample size must be a whole number",
        2,
    ),
    "studies n_total 1e12": (
        _set("studies", None, "n_total", "1e12"),
        "studies",
        "field 'n_total': a sample size must be a whole number",
        2,
    ),
    "empty file": (_write_text("studies", lambda t: ""), "studies", "file is empty", None),
    "duplicate id": (
        _set("summary_stats", "mac_str_all_mg_end_sd", "row_id", "mac_str_all_mg_end_mean"),
        "summary_stats",
        "appears on more than one line (must be unique)",
        None,
    ),
}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_bad_value_is_refused_in_plain_words(case, scenario):
    change, name, words, line = SCENARIOS[scenario]
    change(case)
    problems = _problems(case)
    path = str(case / CFG["data"][name])
    hits = [p for p in problems if p.startswith(f"{path}: ") and words in p]
    assert hits, problems
    if line is not None:
        line = _line_of(name, line) if isinstance(line, str) else line
        assert f": line {line}" in hits[0], hits[0]
    text = "\n".join(problems)
    assert "failed (got" not in text and "Traceback" not in text  # no library's words
    assert len(problems) == len(set(problems))  # each problem once


def test_an_empty_studies_file_is_one_problem(case):
    (case / "data/studies.csv").write_text("")
    problems = [p for p in _problems(case) if "file is empty" in p]
    assert len(problems) == 1 and problems[0].startswith(str(case / "data/studies.csv"))


def test_leave_the_field_empty_only_where_it_may_be_empty(case):
    _set("summary_stats", "mac_str_all_mg_end_mean", "scale_min", "n/a")(case)
    _set("summary_stats", "mac_str_all_mg_end_sd", "value", "n/a")(case)
    problems = _problems(case)
    optional = [p for p in problems if "field 'scale_min'" in p]
    required = [p for p in problems if "field 'value'" in p]
    assert "leave the field empty" in optional[0]
    assert "leave the field empty" not in required[0]


def test_a_forensically_impossible_sd_is_accepted(case):
    """Validation bounds are generous: an SD the forensic checks call impossible (larger than
    the Bhatia-Davis maximum for its range) passes validation, to be flagged, not refused."""
    _set("summary_stats", "mac_str_all_mg_end_sd", "value", "60")(case)
    assert _problems(case) == []


def test_optional_study_columns_may_be_absent(case):
    """studies.csv without the descriptive columns the report reads passes validation, and the
    report's study table reads them as not reported (no KeyError)."""
    optional = [
        "population",
        "dose_mg_per_day",
        "form",
        "route",
        "year",
        "label",
        "co_intervention",
        "comparator",
        "note",
        "identifier",
        "primary_outcome",
    ]
    _edit("studies", lambda d: d.drop(columns=optional))(case)
    assert _problems(case) == []
    tables = load_all({k: case / v for k, v in CFG["data"].items()}, CFG["assumptions"]["sample_sizes"])
    studies = tables["studies"]
    assert set(optional) <= set(studies.columns) and studies[optional].isna().all().all()
    table = study_characteristics.characteristics_table(
        studies, tables["summary_stats"], pd.DataFrame(columns=["study_id"]), ["intervention"]
    )
    assert table["Dose and form"].str.contains("not found").all()


def test_an_outcome_no_set_pools_is_a_warning_and_an_estimability_row(case):
    df = _table(case, "summary_stats")
    rows = df.index[(df["study_id"] == "engen2015") & (df["outcome"] == "symptom_severity")]
    assert len(rows) > 0
    df.loc[rows, "outcome"] = "symptom_severty"
    _save(df, case, "summary_stats")
    assert _problems(case) == []  # a warning, not an error
    summary = curate(
        load_all({k: case / v for k, v in CFG["data"].items()}, CFG["assumptions"]["sample_sizes"]),
        CFG,
    )["summary"]
    outcomes = pooling_outcomes(CFG)
    warnings = unpooled_warnings(summary, outcomes, "data/summary_stats.csv")
    typo = [w for w in warnings if "'symptom_severty'" in w]
    assert len(typo) == 1
    assert typo[0].startswith("data/summary_stats.csv: line(s) ")
    assert "did you mean 'symptom_severity'?" in typo[0]
    for idx in rows:
        assert f"{idx + 2}" in typo[0].split("field")[0]
    listed = unpooled_rows(summary, outcomes)
    assert set(df.loc[rows, "row_id"]) <= set(listed["row_id"])
    assert listed["reason"].str.contains("in no pooling set").all()


def test_five_config_mistakes_are_listed_at_once():
    cfg = yaml.safe_load((ROOT / "config/config.yaml").read_text())
    cfg["seed"] = "abc"
    cfg["meta_analysis"]["primary_method"] = "ML"
    cfg["meta_analysis"]["kn_ha"] = True
    cfg["bayes"]["nuts"]["draws"] = -5
    del cfg["mcid"]
    problems = config_mod.config_problems(cfg)
    assert len(problems) == 5, problems
    for words in (
        "seed: got 'abc'",
        "primary_method: got 'ML'; allowed: REML, DL, PM",
        "unknown key(s) 'kn_ha' (allowed: methods,",
        "draws: got -5",
        "missing key 'mcid'",
    ):
        assert any(words in p for p in problems), (words, problems)
    assert all(len(p) < 400 and "\n" not in p for p in problems)  # one line each, no dump


def _dry_run(case):
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "snakemake",
            "--dry-run",
            "--cores",
            "1",
            "--directory",
            str(case),
            "--snakefile",
            str(case / "workflow/Snakefile"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=case,
    )


def test_config_errors_reach_the_console_as_a_list(case):
    path = case / "config/config.yaml"
    text = path.read_text()
    text = text.replace("primary_method: REML", "primary_method: ML", 1)
    text = text.replace("knha: true", "knha: true\n  kn_ha: 1", 1)
    text = text.replace("level: 0.95", "level: [0.95]", 1)
    assert text.count("seed: ") >= 1
    text = text.replace("\nseed: ", "\nseed: -", 1)
    text = text.replace("  methods: [REML, DL, PM]", "  methods: [REML, DL, XX]", 1)
    path.write_text(text)
    proc = _dry_run(case)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    listed = [line for line in out.splitlines() if "(config/config.yaml line " in line]
    assert len(listed) == 5, out[-3000:]
    assert "Traceback" not in out and "$schema" not in out and len(out.splitlines()) < 40


def test_a_yaml_syntax_error_names_file_and_line(case):
    path = case / "config/config.yaml"
    lines = path.read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("  knha:"))
    lines[at] = "  knha: [true"
    path.write_text("\n".join(lines) + "\n")
    problem = config_mod.yaml_problems(path)[0]
    assert problem.startswith(f"{path} line {at + 2}, column ")  # where the parser stopped
    assert f"(started on line {at + 1})" in problem  # and where the bracket was opened
    proc = _dry_run(case)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0 and f"config/config.yaml line {at + 2}" in out
    assert "Traceback" not in out


def _make(*args, timeout=600):
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(ROOT), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.parametrize("cores", ["0", "-1", "two", "1.5"])
def test_bad_cores_are_refused_at_once(cores):
    proc = _make("workflow", f"CORES={cores}", "CASE=/nonexistent")
    assert proc.returncode != 0
    assert f"CORES must be a whole number of at least 1 (or 'all'), got '{cores}'" in proc.stderr


def _small_case_copy(run: Path, dest: Path) -> Path:
    """A copy of a completed workflow run (mtimes and Snakemake's metadata kept) whose
    config/config.yaml is the small configuration, so `make CASE=...` runs it as the tests do."""
    shutil.copytree(run, dest, symlinks=True)
    cfg = yaml.safe_load((dest / "config/config.yaml").read_text())

    def merge(base, over):
        for k, v in over.items():
            base[k] = merge(base.get(k, {}), v) if isinstance(v, dict) else v
        return base

    text = yaml.safe_dump(merge(cfg, SMALL), sort_keys=False)
    stat = (dest / "config/config.yaml").stat()
    (dest / "config/config.yaml").write_text(text)
    os.utime(dest / "config/config.yaml", ns=(stat.st_atime_ns, stat.st_mtime_ns))
    return dest


def _snapshot(results: Path) -> dict[str, tuple[int, bytes]]:
    return {
        str(p.relative_to(results)): (p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(results.rglob("*"))
        if p.is_file()
    }


# "studies" is the default suite's end-to-end case of a missing data file (make report); the same
# path for another file runs with -m slow (the message is built by one function for every file).
@pytest.mark.parametrize("name", [pytest.param("summary_stats", marks=pytest.mark.slow), "studies"])
def test_a_deleted_data_file_stops_make_report(report_html, tmp_path, name):
    work = _small_case_copy(report_html.parents[1], tmp_path / "case")
    (work / f"data/{name}.csv").unlink()
    before = _snapshot(work / "results")
    proc = _make("report", f"CASE={work}")
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert f"data/{name}.csv: file not found (config data.{name})" in out
    assert "Nothing to be done" not in out and "Traceback" not in out
    assert _snapshot(work / "results") == before


def test_failed_validation_leaves_results_and_the_report_refuses(report_html, tmp_path):
    """After a completed run, broken data (five problems in two files): `make report` lists
    every problem once, on the console, no traceback (the gates share one list per run);
    results/ as they were (but the typed tables, which Snakemake removes before rerunning their
    job), so no job past the gates ran; the report is not rebuilt from the earlier run. (The same
    data on a fresh copy, nothing written at all, is the slow
    test_workflow.py::test_broken_data_stops_before_any_result.)"""
    work = _small_case_copy(report_html.parents[1], tmp_path / "case")
    for name in BROKEN:
        shutil.copy(ROOT / "tests/fixtures/broken" / name, work / "data" / name)
    keep = {k: v for k, v in _snapshot(work / "results").items() if not k.startswith("data/")}
    proc = _make("report", f"CASE={work}")
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert out.count("5 problem(s) in 2 file(s)") == 1, out[-4000:]
    for where in (w for ws in BROKEN.values() for w in ws):
        assert out.count(where) == 1, (where, out[-4000:])
    assert out.count("DATA VALIDATION FAILED") == 1
    assert "Traceback" not in out
    after = {k: v for k, v in _snapshot(work / "results").items() if not k.startswith("data/")}
    assert after == keep
    report = subprocess.run(
        [
            sys.executable,
            "-m",
            "snakemake",
            "--cores",
            "1",
            "--directory",
            str(work),
            "--snakefile",
            str(ROOT / "workflow/Snakefile"),
            "--report",
            "results/report.html",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=work,
    )
    assert report.returncode != 0
    assert "REPORT NOT BUILT: the last run did not finish" in report.stderr
    assert _snapshot(work / "results")["report.html"] == keep["report.html"]


def _pids_running(pattern: str) -> list[int]:
    out = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


@pytest.mark.slow
def test_kill_9_then_make_workflow_resumes_byte_identical(pipeline_run, tmp_path):
    """kill -9 of Snakemake while the NUTS job runs: the job stops with it (no outputs written
    afterwards); `make workflow` then clears the stale lock, reruns what was incomplete and
    finishes with results byte-identical to the clean run."""
    work = _small_case_copy(pipeline_run, tmp_path / "case")
    clean = _snapshot(work / "results")
    nuts = next((work / "results/bayes").glob("nuts_*.csv"))
    smk = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "snakemake",
            "--cores",
            "2",
            "--directory",
            str(work),
            "--snakefile",
            str(ROOT / "workflow/Snakefile"),
            "--forcerun",
            "bayes_nuts",
        ],
        cwd=work,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 120
    while time.time() < deadline and not _pids_running(f"{work}/.snakemake/scripts/.*bayes_nuts"):
        time.sleep(0.5)
    assert _pids_running(f"{work}/.snakemake/scripts/.*bayes_nuts"), "the NUTS job never started"
    time.sleep(3)
    os.kill(smk.pid, signal.SIGKILL)
    smk.wait()
    # A job still importing its libraries (arviz, pymc: 20 s on a loaded machine) stops when it
    # reaches `import reanalysis`, before its first line of work; after that its watcher polls
    # the Snakemake run every second.
    gone = time.time() + 120
    while time.time() < gone and _pids_running(f"{work}/.snakemake/scripts/.*bayes_nuts"):
        time.sleep(0.5)
    assert not _pids_running(f"{work}/.snakemake/scripts/.*bayes_nuts")
    assert (work / "logs/run_incomplete.txt").exists()
    written = nuts.stat().st_mtime_ns if nuts.exists() else None
    time.sleep(10)  # nothing is written after the run died
    assert (nuts.stat().st_mtime_ns if nuts.exists() else None) == written
    proc = _make("workflow", f"CASE={work}", timeout=900)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    assert "removing the lock left by an interrupted run" in proc.stderr
    assert not (work / "logs/run_incomplete.txt").exists()
    after = _snapshot(work / "results")
    assert {k: v[1] for k, v in after.items()} == {k: v[1] for k, v in clean.items()}


def test_a_solver_failure_names_the_study_and_the_figure():
    """Past validation (which refuses it), an absurd SD would make a root finder fail: the error
    names the study, subgroup, outcome and figures, not only scipy's words."""
    from reanalysis.effects.build import implied_assumptions

    t = curate(load_all(CFG["data"], CFG["assumptions"]["sample_sizes"]), CFG)
    summary = t["summary"].copy()
    summary.loc[summary["row_id"] == "mac_pain_mm_mg_base_sd", "value"] = 1e308
    with pytest.raises(ValueError) as err:
        implied_assumptions(summary, t["arms"], CFG)
    msg = str(err.value)
    assert "study 'macian2022', subgroup 'mild_moderate', outcome 'pain'" in msg
    assert "mac_pain_mm_mg_base_sd (sd 1e+308)" in msg
