"""No job outlives its Snakemake run: a Snakemake script stops (with its child processes) when
the Snakemake process that started it dies — killed with -9, Snakemake cannot stop its jobs, and
they would write results after the run is gone. Standard library only (Linux /proc); imported
by the package itself, so a job is guarded from its first ``import reanalysis``."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
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


def _stop() -> None:
    me = os.getpid()
    for proc in Path("/proc").glob("[0-9]*"):  # this script's children (e.g. sampler chains)
        with contextlib.suppress(OSError, ValueError, IndexError):
            if int(_stat(int(proc.name))[1]) == me:
                os.kill(int(proc.name), signal.SIGKILL)
    os._exit(1)


def is_snakemake_script() -> bool:
    """This process runs a Snakemake ``script:`` (Snakemake copies it to .snakemake/scripts/)."""
    return bool(sys.argv) and "/.snakemake/scripts/" in str(sys.argv[0])


def exit_with_snakemake(interval: float = 1.0) -> None:
    """Stop this process when its Snakemake run dies: at once if it is already gone (a job that
    started under a Snakemake and finds none above it), else from a daemon thread polling it.
    Once per process; a no-op outside Snakemake or Linux."""
    global _started
    if _started or not Path("/proc").is_dir():
        return
    _started = True
    parent = _snakemake_ancestor()
    if parent is None:
        if is_snakemake_script():
            _stop()
        return
    pid, started = parent

    def alive() -> bool:
        try:
            stat = _stat(pid)
        except OSError:
            return False
        return stat[0] not in ("Z", "X") and stat[19] == started

    def watch():
        tick = threading.Event()  # never set: a wait of ``interval`` seconds per poll
        while alive():
            tick.wait(interval)
        _stop()

    threading.Thread(target=watch, daemon=True, name="exit-with-snakemake").start()
