"""Shared helpers for tests that run the Snakemake workflow in a temporary copy of the project."""

import shutil
import subprocess
import sys
from pathlib import Path

PROJECT_PARTS = ("workflow", "config", "data", "profiles")
SMALL_CONFIG = Path(__file__).with_name("small_config.yaml")


def project_copy(root: Path, dest: Path) -> Path:
    for part in PROJECT_PARTS:
        shutil.copytree(root / part, dest / part)
    shutil.copy(SMALL_CONFIG, dest / SMALL_CONFIG.name)
    return dest


def run_snakemake(workdir: Path, *args: str, timeout: int = 1200, small: bool = True,
                  snakefile: Path | None = None) -> subprocess.CompletedProcess:
    """Run Snakemake in ``workdir`` (a case folder); ``small`` overlays tests/small_config.yaml on
    the shipped config (unless the caller passes its own --configfile)."""
    snakefile = snakefile or workdir / "workflow/Snakefile"
    cmd = [sys.executable, "-m", "snakemake", "--cores", "2", "--directory", str(workdir),
           "--snakefile", str(snakefile), *args]
    if small and "--configfile" not in args:
        cmd += ["--configfile", "config/config.yaml", SMALL_CONFIG.name]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=workdir)
