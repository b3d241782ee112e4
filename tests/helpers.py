"""Shared helpers for tests that run the Snakemake workflow in a temporary copy of the project."""

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

PROJECT_PARTS = ("workflow", "config", "data", "profiles")
SMALL_CONFIG = Path(__file__).with_name("small_config.yaml")

# tests/fixtures/broken, copied over a case's data/: five problems in two files, each named by
# file, line, row id and field (test_bad_input's in-process scenarios take each kind one by one).
BROKEN = {  # file: where each of its problems is
    "summary_stats.csv": (
        "data/summary_stats.csv: line 3 (row_id mac_str_all_mg_end_sd), field 'value'",
        "data/summary_stats.csv: line 5 (row_id mac_str_all_pl_end_sd), field 'status'",
        "data/summary_stats.csv: line 7 (row_id mac_str_mm_mg_base_mean), field 'value'",
    ),
    "arms.csv": (
        "data/arms.csv: line 4 (study_id bagis2013, arm magnesium), field 'description'",
        "data/arms.csv: line 5 (study_id engen2015, arm magnesium), field 'status'",
    ),
}


def project_copy(root: Path, dest: Path) -> Path:
    for part in PROJECT_PARTS:
        shutil.copytree(root / part, dest / part)
    shutil.copy(SMALL_CONFIG, dest / SMALL_CONFIG.name)
    return dest


def snakemake_command(
    workdir: Path, *args: str, small: bool = True, snakefile: Path | None = None
) -> list[str]:
    """The Snakemake command line for ``workdir`` (a case folder); ``small`` overlays
    tests/small_config.yaml on the shipped config (unless the caller passes its own
    --configfile)."""
    snakefile = snakefile or workdir / "workflow/Snakefile"
    cmd = [
        sys.executable,
        "-m",
        "snakemake",
        "--cores",
        "2",
        "--directory",
        str(workdir),
        "--snakefile",
        str(snakefile),
        *args,
    ]
    if small and "--configfile" not in args:
        cmd += ["--configfile", "config/config.yaml", SMALL_CONFIG.name]
    return cmd


def run_snakemake(
    workdir: Path, *args: str, timeout: int = 1200, small: bool = True, snakefile: Path | None = None
) -> subprocess.CompletedProcess:
    """Run Snakemake in ``workdir`` and wait for it (see :func:`snakemake_command`)."""
    return subprocess.run(
        snakemake_command(workdir, *args, small=small, snakefile=snakefile),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=workdir,
    )


class BackgroundRun:
    """Snakemake started in ``workdir`` without waiting, its output kept in files beside the
    case (a pipe nobody reads would block it); :meth:`result` waits and returns what
    :func:`run_snakemake` would have."""

    def __init__(self, workdir: Path, *args: str, label: str = "snakemake", **kwargs):
        self.cmd = snakemake_command(workdir, *args, **kwargs)
        self.workdir = workdir
        self.out = workdir.parent / f"{workdir.name}.{label}.out"
        self.err = workdir.parent / f"{workdir.name}.{label}.err"
        with open(self.out, "w") as out, open(self.err, "w") as err:
            self.proc = subprocess.Popen(self.cmd, stdout=out, stderr=err, cwd=workdir)

    def result(self, timeout: int = 1200) -> subprocess.CompletedProcess:
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise
        return subprocess.CompletedProcess(
            self.cmd, self.proc.returncode, self.out.read_text(), self.err.read_text()
        )

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=60)


# Runs that start from a copy of the session's workflow run as soon as it has finished, in the
# background, each for one test (by name): conftest.pipeline_run starts them, the test gets its
# copy and run from the ``followed`` fixture. They overlap the report and browser tests.
FOLLOWERS: dict[str, Callable[[Path], BackgroundRun]] = {}


def after_workflow(test_name: str):
    """Register ``start(copy) -> BackgroundRun`` for the test named ``test_name``."""

    def register(start: Callable[[Path], BackgroundRun]):
        FOLLOWERS[test_name] = start
        return start

    return register
