"""Shared helpers for tests that run the Snakemake workflow in a temporary copy of the project."""

import shutil
import subprocess
import sys
from pathlib import Path

PROJECT_PARTS = ("workflow", "config", "data", "profiles")


def project_copy(root: Path, dest: Path) -> Path:
    for part in PROJECT_PARTS:
        shutil.copytree(root / part, dest / part)
    return dest


def run_snakemake(workdir: Path, *args: str, timeout: int = 1200) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "snakemake", "--cores", "2", "--directory", str(workdir),
           "--snakefile", str(workdir / "workflow/Snakefile"), *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=workdir)
