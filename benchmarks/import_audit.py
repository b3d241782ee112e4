"""Which heavy packages every job of the workflow imports, and whether it uses scipy.stats (not a
test). Runs the workflow on the tests' small configuration in a temporary copy with a
``sitecustomize`` that loads scipy.stats lazily (importlib.util.LazyLoader: the module executes
only when an attribute is used) and, at each job's exit, records its script, whether scipy.stats
was used and which of HEAVY it imported. Prints one line per script.

Run: python benchmarks/import_audit.py
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = (
    "matplotlib",
    "pymc",
    "pytensor",
    "nutpie",
    "arviz",
    "arviz_plots",
    "arviz_stats",
    "statsmodels",
    "pandera",
    "numba",
    "xarray",
)
SITECUSTOMIZE = f"""
import atexit, importlib.util, os, sys
if os.environ.get("IMPORT_AUDIT") and ".snakemake/scripts" in " ".join(sys.argv):
    spec = importlib.util.find_spec("scipy.stats")
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules["scipy.stats"] = module
    spec.loader.exec_module(module)

    def _record():
        script = next(a for a in sys.argv if a.endswith(".py")).split(".")[-2]
        used = type(sys.modules.get("scipy.stats")).__name__ != "_LazyModule"
        heavy = [m for m in {HEAVY!r} if m in sys.modules]
        with open(os.environ["IMPORT_AUDIT"], "a") as fh:
            fh.write(f"{{script}}\\t{{used}}\\t{{','.join(heavy)}}\\n")

    atexit.register(_record)
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for part in ("workflow", "config", "data"):
            shutil.copytree(ROOT / part, tmp / part)
        shutil.copy(ROOT / "tests/small_config.yaml", tmp)
        (tmp / "site").mkdir()
        (tmp / "site/sitecustomize.py").write_text(SITECUSTOMIZE)
        record = tmp / "audit.tsv"
        env = {
            **os.environ,
            "IMPORT_AUDIT": str(record),
            "MPLBACKEND": "Agg",
            "PYTHONPATH": os.pathsep.join([str(tmp / "site"), str(ROOT / "src")]),
        }
        subprocess.run(
            [
                sys.executable,
                "-m",
                "snakemake",
                "--cores",
                "2",
                "--quiet",
                "--configfile",
                "config/config.yaml",
                "small_config.yaml",
            ],
            cwd=tmp,
            env=env,
            check=True,
            capture_output=True,
        )
        lines = sorted(set(record.read_text().splitlines()))
    print(f"{'script':24s} {'scipy.stats used':17s} heavy imports")
    for line in lines:
        script, used, heavy = line.split("\t")
        print(f"{script:24s} {used:17s} {heavy or '-'}")


if __name__ == "__main__":
    main()
