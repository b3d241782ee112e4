"""The scenario grid runs unchanged through a cluster executor: Snakemake's cluster-generic
plugin with a local submit script (profiles/local-cluster); and the SLURM profile parses."""

import numpy as np
import pandas as pd
import pytest
import yaml
from helpers import project_copy, run_snakemake

pytestmark = pytest.mark.workflow

SMALL_GRID = {"subgroup_simulation": {"reps": 2000, "chunk": 1000, "power_reps": 500,
                                      "power_grid": [0.0, 1.0]}}


def test_small_scenario_grid_through_the_cluster_generic_executor(root, tmp_path):
    work = project_copy(root, tmp_path)
    (work / "small.yaml").write_text(yaml.safe_dump(SMALL_GRID))
    targets = ["results/simulation/subgroup_no_effect.csv",
               "results/simulation/subgroup_subgroup_only.csv",
               "results/simulation/subgroup_uniform.csv",
               "results/simulation/subgroup_power.csv"]
    proc = run_snakemake(work, *targets, "--profile", "profiles/local-cluster", "--configfile",
                         "config/config.yaml", "small.yaml", timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    submitted = list((work / ".snakemake/local-cluster").glob("*.exit"))
    # three scenarios and the power grid went through submit.sh; the validation gates are
    # localrules and ran on the submitting host
    assert len(submitted) == 4, proc.stderr[-2000:]
    assert all(f.read_text().strip() == "0" for f in submitted)
    null = pd.read_csv(work / targets[0]).set_index("metric")
    p = null.loc["p_primary_significant", "value"]
    assert null.loc["p_primary_significant", "mcse"] == pytest.approx(np.sqrt(p * (1 - p) / 2000))
    assert len(pd.read_csv(work / targets[3])) == 4  # 2 effects x 2 patterns: the small grid


def test_slurm_profile_plans_the_whole_workflow(root, tmp_path):
    pytest.importorskip("snakemake_executor_plugin_slurm")
    work = project_copy(root, tmp_path)
    proc = run_snakemake(work, "--profile", "profiles/slurm", "--dry-run", timeout=300)
    assert proc.returncode == 0, proc.stderr[-4000:]
    out = proc.stdout + proc.stderr
    for rule in ("subgroup_scenario", "bayes_nuts", "vote_count"):
        assert rule in out
