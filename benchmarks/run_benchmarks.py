# ruff: noqa: E501
"""Benchmarks (not tests).

1. Whole-process timings on the BCG data (issue #3 targets: exact <= 1 s, NUTS <= 10 s on 2 cores;
   issue #20: NUTS <= 2.5 s). Paired comparisons with an earlier revision and with brms/metafor:
   benchmarks/compare.py.
2. Subgroup simulator throughput on the Macian design (10 + 10 per arm, 6 outcomes, 18 tests;
   issue #4 target >= 1e5 trials/s on 2 cores) and peak memory for 1e6 replicates in chunks.
3. A clean run of the whole workflow on the shipped case in a temporary copy, whole process
   (issue #10 target <= 45 s on 2 cores at full scale), and at the tests' small configuration.

Run: make bench   (or python benchmarks/run_benchmarks.py [repeats]; --pipeline for part 3 only).
Prints a table; not a test.
"""

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SETUP = """
import numpy as np
tpos=np.array([4,6,3,62,33,180,8,505,29,17,186,5,27]); tneg=np.array([119,300,228,13536,5036,1361,2537,87886,7470,1699,50448,2493,16886])
cpos=np.array([11,29,11,248,47,372,10,499,45,65,141,3,29]); cneg=np.array([128,274,209,12619,5761,1079,619,87892,7232,1600,27197,2338,17825])
yi=np.log((tpos/(tpos+tneg))/(cpos/(cpos+cneg))); vi=1/tpos-1/(tpos+tneg)+1/cpos-1/(cpos+cneg)
from reanalysis.bayes.priors import TauPrior
"""
CASES = {
    "exact posterior (grid)": SETUP
    + """
from reanalysis.bayes.exact import posterior_exact
p = posterior_exact(yi, vi, TauPrior("half_normal", 1.0), 2.0); p.mu_quantiles(); p.tau_quantiles()
""",
    "NUTS 4x2000 incl. import+compile": SETUP
    + """
from reanalysis.bayes.nuts import posterior_nuts
posterior_nuts(yi, vi, TauPrior("half_normal", 1.0), 2.0, target_accept=0.99, seed=1)
""",
}


SIMULATOR = """
import json, resource, time
from reanalysis.simulation.subgroup import Scenario, TrialDesign, simulate
design = TrialDesign(n_sub=10, n_comp=10, n_outcomes=6, outcome_correlation=0.3)
simulate(design, Scenario(0, 0), 20_000, seed=0)  # warm-up
t = time.perf_counter()
simulate(design, Scenario(0, 0), {reps}, seed=1, chunk=20_000, workers={workers})
el = time.perf_counter() - t
print(json.dumps({{"rate": {reps} / el, "seconds": el,
                   "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def simulator(reps: int, workers: int) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", SIMULATOR.format(reps=reps, workers=workers)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(repeats: int = 3) -> None:
    print(f"{'case':40s} {'best s':>8s} {'median s':>9s}")
    for name, code in CASES.items():
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
            times.append(time.perf_counter() - t)
        times.sort()
        print(f"{name:40s} {times[0]:8.2f} {times[len(times) // 2]:9.2f}")
    print()
    print(
        f"{'subgroup simulator (Macian design)':40s} {'trials/s':>10s} {'seconds':>8s} {'peak RSS MB':>12s}"
    )
    for reps, workers in ((200_000, 1), (200_000, 2), (1_000_000, 2)):
        r = simulator(reps, workers)
        name = f"{reps:,} trials, {workers} thread(s)"
        print(f"{name:40s} {r['rate']:10,.0f} {r['seconds']:8.2f} {r['peak_rss_mb']:12.0f}")


def pipeline(small: bool) -> float:
    """Seconds for a clean `snakemake --cores 2` of the shipped case in a fresh temporary copy."""
    with tempfile.TemporaryDirectory() as tmp:
        for part in ("workflow", "config", "data"):
            shutil.copytree(ROOT / part, Path(tmp) / part)
        extra = (
            ["--configfile", "config/config.yaml", str(ROOT / "tests/small_config.yaml")]
            if small
            else []
        )
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "snakemake", "--cores", "2", "--quiet", *extra],
            cwd=tmp,
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - t


def main_pipeline() -> None:
    print()
    for small in (False, True):
        name = "whole workflow, clean run" + (" (tests' small config)" if small else " (full scale)")
        print(f"{name:40s} {pipeline(small):8.1f} s")


if __name__ == "__main__":
    if "--pipeline" in sys.argv:
        main_pipeline()
        sys.exit()
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
    main_pipeline()
