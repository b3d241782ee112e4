"""No job outlives its Snakemake run: a Snakemake script stops (with its child processes) when
the Snakemake process that started it dies — killed with -9, Snakemake cannot stop its jobs, and
they would write results after the run is gone. Standard library only (Linux /proc); imported
by the package itself, so a job is guarded from its first ``import reanalysis``."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from pathlib import Path

_started = False


def _stat(pid: int) -> list[str]:
    """/proc/PID/stat after the command name: state, ppid, ... (field 22, start time, at [19])."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _snakemake_ancestor() -> tuple[int, str] | None:
    """(pid, start time) of the Snakemake process above this one, or None."""
    pid = os.getppid()
    for _ in range(12):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            stat = _stat(pid)
        except OSError:
            return None
        if "snakemake" in cmd and ".snakemake/scripts/" not in cmd:
            return pid, stat[19]
        pid = int(stat[1])
        if pid <= 1:
            return None
    return None


def _alive(pid: int, started: str) -> bool:
    """Process ``pid`` runs (not a zombie) and is the one that started at ``started``."""
    try:
        stat = _stat(pid)
    except (OSError, IndexError):
        return False
    return stat[0] not in ("Z", "X") and stat[19] == started


def _children(pid: int) -> list[int]:
    out = []
    for proc in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            if int(_stat(int(proc.name))[1]) == pid:
                out.append(int(proc.name))
    return out


def _kill(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def _stop() -> None:
    """Kill this script's children (e.g. sampler chains) and exit."""
    _kill(_children(os.getpid()))
    os._exit(1)


def is_snakemake_script() -> bool:
    """This process runs a Snakemake ``script:`` (Snakemake copies it to .snakemake/scripts/)."""
    return bool(sys.argv) and "/.snakemake/scripts/" in str(sys.argv[0])


def exit_with_snakemake(interval: float = 1.0) -> None:
    """Stop this process when its Snakemake run dies: at once if it is already gone (a job that
    started under a Snakemake and finds none above it), else from a watcher process
    (:func:`watch`). Once per process; a no-op outside Snakemake or Linux."""
    global _started
    if _started or not Path("/proc").is_dir():
        return
    _started = True
    parent = _snakemake_ancestor()
    if parent is None:
        if is_snakemake_script():
            _stop()
        return
    import subprocess

    pid, started = parent
    me = os.getpid()
    subprocess.Popen(  # detached: no pipes to this job, its own session
        [
            sys.executable,
            "-m",
            "reanalysis.job_guard",
            str(pid),
            started,
            str(me),
            _stat(me)[19],
            str(interval),
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def watch(snakemake: int, snakemake_start: str, job: int, job_start: str, interval: float) -> None:
    """Poll the Snakemake process and the job every ``interval`` seconds; when Snakemake is gone
    and the job still runs, kill the job and its children. A process, not a thread of the job:
    a job holding the GIL for seconds (numba compiling) would starve a thread."""
    import select

    while _alive(snakemake, snakemake_start):
        if not _alive(job, job_start):
            return
        select.select([], [], [], interval)  # a pause that needs no import
    if _alive(job, job_start):
        kids = _children(job)
        _kill([job])
        _kill(kids)


if __name__ == "__main__":  # the watcher: python -m reanalysis.job_guard SMK START JOB START S
    watch(int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4], float(sys.argv[5]))
