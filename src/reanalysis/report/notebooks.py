"""Execute the jupytext (.py percent) notebooks against a results directory."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient


def execute(
    path: str | Path,
    results_dir: str | Path,
    config: str | Path | None = None,
    timeout: int = 600,
    out: str | Path | None = None,
) -> nbformat.NotebookNode:
    """Run one notebook with RESULTS_DIR (and CONFIG) set; raise on the first failing cell.

    Writes the executed .ipynb to ``out`` when given."""
    path = Path(path)
    nb = jupytext.read(path)
    env = {"RESULTS_DIR": str(Path(results_dir).resolve())}
    if config is not None:
        env["CONFIG"] = str(Path(config).resolve())
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)  # the kernel inherits this process's environment
    try:
        NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent.resolve())}},
        ).execute()
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    if out is not None:
        nbformat.write(nb, str(out))
    return nb


def main() -> None:
    """``python -m reanalysis.report.notebooks [results_dir]``: execute every notebook, writing the
    executed .ipynb next to its .py source (the .ipynb files are not committed)."""
    results = sys.argv[1] if len(sys.argv) > 1 else "results"
    for nb_path in sorted(Path("notebooks").glob("*.py")):
        execute(nb_path, results, "config/config.yaml", out=nb_path.with_suffix(".ipynb"))
        print(f"executed {nb_path} -> {nb_path.with_suffix('.ipynb')}")


if __name__ == "__main__":
    main()
