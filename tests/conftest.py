import shutil
import tempfile
import threading
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = "pipeline_run"  # the fixture of the session's workflow run
_WORKFLOW = {}  # the background run of the session's workflow, once started


def _needs_workflow(item) -> bool:
    return SHARED in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(config, items):
    """The tests that use the session's workflow run go last: the run starts in the background
    once the tests are collected (pytest_collection_finish) and overlaps the other tests; of
    those, the ones that need the report (built after the run) come after the ones that need the
    run alone, and the ones waiting for a run that follows it (helpers.after_workflow) at the end."""
    from helpers import FOLLOWERS

    def order(item) -> int:
        if not _needs_workflow(item):
            return 0
        if getattr(item, "originalname", item.name) in FOLLOWERS:
            return 3
        return 2 if "report_html" in item.fixturenames else 1

    items.sort(key=order)  # stable: the order within each part is kept


def pytest_collection_finish(session):
    """Start the session's workflow run in the background (2 cores: Snakemake runs its jobs
    while the unit tests run) if any selected test needs it."""
    _WORKFLOW["selected"] = {getattr(i, "originalname", i.name) for i in session.items}
    if not session.config.option.collectonly and any(map(_needs_workflow, session.items)):
        _start_workflow()


def _start_workflow():
    from helpers import BackgroundRun, project_copy

    base = Path(tempfile.mkdtemp(prefix="mg-reanalysis-wf-"))
    work = base / "wf"
    work.mkdir()
    run = BackgroundRun(project_copy(ROOT, work))
    chain = threading.Thread(target=_after_the_run, args=(run,), daemon=True)
    _WORKFLOW.update(base=base, run=run, chain=chain)
    chain.start()
    return run


def _after_the_run(run):
    """In a thread: as soon as the session's workflow run has finished (well), start the runs
    that follow it (helpers.after_workflow) in copies of it, then the report in the run itself;
    they overlap the tests that are still running, whether or not those need the workflow."""
    from helpers import FOLLOWERS, BackgroundRun

    try:
        if run.proc.wait() != 0 or _WORKFLOW.get("stopping"):
            return
        followers = _WORKFLOW.setdefault("followers", {})
        for name, start in FOLLOWERS.items():
            if name in _WORKFLOW.get("selected", ()):
                copy = _WORKFLOW["base"] / name
                shutil.copytree(run.workdir, copy, symlinks=True)  # keeps mtimes and metadata
                followers[name] = start(copy)
        # the report is built last: copying the run while it writes results/report.html would race
        _WORKFLOW["report"] = BackgroundRun(
            run.workdir, "--report", "results/report.html", label="report"
        )
    except BaseException as err:  # raised again by pipeline_run, in the test that needs it
        _WORKFLOW["chain_error"] = err


def pytest_sessionfinish(session, exitstatus):
    """Stop what still runs; the workflow copies are removed after a green run and kept (their
    Snakemake output beside them) for a look after a red one."""
    _WORKFLOW["stopping"] = True
    if "run" in _WORKFLOW:
        _WORKFLOW["run"].stop()
        _WORKFLOW["chain"].join(timeout=120)
    for run in [_WORKFLOW.get("report"), *_WORKFLOW.get("followers", {}).values()]:
        if run is not None:
            run.stop()
    if "base" in _WORKFLOW and exitstatus == 0:
        shutil.rmtree(_WORKFLOW["base"], ignore_errors=True)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def pipeline_run():
    """The whole workflow (small configuration) run once per session in a temporary copy of the
    project, started in the background when the tests were collected; the runs that follow it
    and the report start in the background as soon as it has finished (_after_the_run)."""
    run = _WORKFLOW.get("run") or _start_workflow()
    proc = run.result()
    assert proc.returncode == 0, proc.stderr[-4000:]
    _WORKFLOW["chain"].join()
    if "chain_error" in _WORKFLOW:
        raise _WORKFLOW["chain_error"]
    return run.workdir


@pytest.fixture
def followed(request, pipeline_run):
    """(copy, BackgroundRun) of the run registered for this test with helpers.after_workflow."""
    run = _WORKFLOW["followers"][request.node.originalname]
    return run.workdir, run


@pytest.fixture(scope="session")
def report_html(pipeline_run):
    proc = _WORKFLOW["report"].result()
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
