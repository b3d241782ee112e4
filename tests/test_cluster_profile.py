"""Jobs run unchanged through a cluster executor (Snakemake's cluster-generic plugin with a local
submit script, profiles/local-cluster) and give the same bytes; the SLURM profile plans the
whole workflow."""

import hashlib
import json

import numpy as np
import pandas as pd
import pytest
import yaml
from helpers import BackgroundRun, after_workflow, project_copy, run_snakemake

pytestmark = pytest.mark.workflow

# One output of each kind of job that draws random numbers (a subgroup scenario, the power grid,
# the vote count, the NUTS fit); none of them feeds another. The software page is a localrule: it
# runs on the submitting host and is not submitted.
FORCED = (
    "simulation/subgroup_no_effect.csv",
    "simulation/subgroup_power.csv",
    "vote_count/curve.csv",
    "bayes/nuts_uncontrolled_magnesium_prepost_halfnormal_0.5.csv",
)
LOCAL = ("tables/software.html",)
TARGETS = [f"results/{f}" for f in FORCED + LOCAL]
# The NUTS fit is submitted as a job of its own, as the profile submits every job; the three
# simulations go as one group job (one job script, one Snakemake process for the three instead of
# three, each of which costs its start-up): both kinds of job script a scheduler receives.
GROUPED = ("subgroup_scenario", "subgroup_power", "vote_count")
GROUPING = ("--groups", *(f"{rule}=seeded" for rule in GROUPED), "--group-components", "seeded=3")
SUBMITTED = 2  # job scripts: the NUTS fit and the group


def _results(work) -> dict:
    return {p.relative_to(work): p for p in sorted((work / "results").rglob("*")) if p.is_file()}


@after_workflow("test_seeded_jobs_rerun_identically_through_the_cluster_generic_executor")
def _force_seeded_jobs_through_the_cluster_profile(work) -> BackgroundRun:
    (work / "before.json").write_text(
        json.dumps(
            {
                str(rel): [hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns]
                for rel, path in _results(work).items()
            }
        )
    )
    return BackgroundRun(
        work, "--force", *TARGETS, "--profile", "profiles/local-cluster", *GROUPING, label="cluster"
    )


def test_seeded_jobs_rerun_identically_through_the_cluster_generic_executor(followed):
    """Determinism and the cluster executor at once: in a copy of the session's workflow run the
    seeded jobs are forced to run again, handed to profiles/local-cluster's submit script as job
    scripts exactly as a scheduler would receive them (one job alone, three as a group job), and
    every result file comes out byte-identical. (The whole workflow forced to rerun locally is the slow
    test_rerun_is_byte_identical.)"""
    work, run = followed
    proc = run.result(timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    before = json.loads((work / "before.json").read_text())
    after = _results(work)
    assert {str(rel) for rel in after} == set(before)
    for rel, path in after.items():
        assert hashlib.sha256(path.read_bytes()).hexdigest() == before[str(rel)][0], rel
    for rel in TARGETS:  # they were written again, not left alone
        assert (work / rel).stat().st_mtime_ns > before[rel][1], rel
    submitted = list((work / ".snakemake/local-cluster").glob("*.exit"))
    assert len(submitted) == SUBMITTED, proc.stderr[-2000:]  # the localrule was not submitted
    assert all(f.read_text().strip() == "0" for f in submitted)
    scripts = "".join(f.with_suffix(".out").read_text() for f in submitted)
    for rule in ("bayes_nuts", *GROUPED):  # each forced job ran in a submitted job script
        assert f"rule {rule}:" in scripts, (rule, scripts[-3000:])
    assert "rule software_page:" not in scripts
    null = pd.read_csv(work / "results" / FORCED[0]).set_index("metric")
    p = null.loc["p_primary_significant", "value"]
    reps = yaml.safe_load((work / "small_config.yaml").read_text())["subgroup_simulation"]["reps"]
    assert null.loc["p_primary_significant", "mcse"] == pytest.approx(np.sqrt(p * (1 - p) / reps))


def test_slurm_profile_plans_the_whole_workflow(root, tmp_path):
    pytest.importorskip("snakemake_executor_plugin_slurm")
    work = project_copy(root, tmp_path)
    proc = run_snakemake(work, "--profile", "profiles/slurm", "--dry-run", timeout=300)
    assert proc.returncode == 0, proc.stderr[-4000:]
    out = proc.stdout + proc.stderr
    for rule in ("subgroup_scenario", "bayes_nuts", "vote_count"):
        assert rule in out
