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
    started under a Snakemake and finds none above it), else from a watcher process polling it.
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
    _watch_from_outside(pid, started, interval)


# A watcher process, not a thread: a job that holds the GIL for seconds (numba compiling the NUTS
# model) would starve a thread, and the job would outlive its run. The shell polls the Snakemake
# process (same pid and start time) and this job; when Snakemake is gone it kills the job's
# children and the job; when the job ends it ends too.
_WATCHER = r"""
alive() { [ "$(sed 's/.*) //' /proc/$1/stat 2>/dev/null | cut -d' ' -f20)" = "$2" ]; }
start_of() { sed 's/.*) //' /proc/$1/stat 2>/dev/null | cut -d' ' -f20; }
job_start=$(start_of "$JOB")
while alive "$SMK" "$SMK_START"; do
  alive "$JOB" "$job_start" || exit 0
  sleep "$INTERVAL"
done
alive "$JOB" "$job_start" || exit 0
kids=$(pgrep -P "$JOB" | grep -vx "$$")
kill -KILL "$JOB"
[ -z "$kids" ] || kill -KILL $kids
"""


def _watch_from_outside(pid: int, started: str, interval: float) -> None:
    """Start the watcher (``sh``, detached from this job's stdin/stdout) for Snakemake ``pid``."""
    import subprocess

    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "SMK": str(pid),
           "SMK_START": started, "JOB": str(os.getpid()), "INTERVAL": str(interval)}
    subprocess.Popen(["sh", "-c", _WATCHER], env=env, stdin=subprocess.DEVNULL,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
