from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def pipeline_run(root, tmp_path_factory):
    """The whole workflow run once per session in a temporary copy of the project."""
    from helpers import project_copy, run_snakemake

    work = project_copy(root, tmp_path_factory.mktemp("wf"))
    proc = run_snakemake(work)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return work


@pytest.fixture(scope="session")
def report_html(pipeline_run):
    from helpers import run_snakemake

    proc = run_snakemake(pipeline_run, "--report", "results/report.html")
    assert proc.returncode == 0, proc.stderr[-4000:]
    return pipeline_run / "results/report.html"


@pytest.fixture(scope="session")
def bcg():
    """metafor's dat.bcg as log risk ratios (escalc measure="RR"), 13 trials."""
    tpos = np.array([4, 6, 3, 62, 33, 180, 8, 505, 29, 17, 186, 5, 27])
    tneg = np.array([119, 300, 228, 13536, 5036, 1361, 2537, 87886, 7470, 1699, 50448, 2493, 16886])
    cpos = np.array([11, 29, 11, 248, 47, 372, 10, 499, 45, 65, 141, 3, 29])
    cneg = np.array([128, 274, 209, 12619, 5761, 1079, 619, 87892, 7232, 1600, 27197, 2338, 17825])
    yi = np.log((tpos / (tpos + tneg)) / (cpos / (cpos + cneg)))
    vi = 1 / tpos - 1 / (tpos + tneg) + 1 / cpos - 1 / (cpos + cneg)
    return yi, vi
