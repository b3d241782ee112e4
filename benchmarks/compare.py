# ruff: noqa: E501
"""Whole-process comparisons, paired (not a test): each case is run as a fresh process by every
implementation in turn (ours, ``--before REV``: the package as it was at a git revision, and a
reference implementation through Rscript where it is installed), alternating, after one warm-up
each; a machine's load then weighs on every implementation alike. Writes a CSV with the median
wall and CPU seconds of each and their ratios to ours (on a shared machine the CPU seconds, user
plus system of the process and its children, vary far less than the wall time).

Cases (BCG log risk ratios, 13 trials, metafor's dat.bcg):
* ``nuts``: the NUTS fit, 4 chains x 2000 draws after 1000 tuning steps, half-normal(1) tau,
  N(0, 2²) mu, target_accept 0.99, import and compilation included; reference brms (Stan), the
  same model (adapt_delta 0.99);
* ``exact``: the exact (grid) posterior and its quantiles; reference none;
* ``reml``: REML with Knapp-Hartung; reference metafor ``rma(method="REML", test="knha")``;
* ``dry_run`` / ``noop``: ``snakemake --dry-run`` and an up-to-date run of the workflow on the
  tests' small configuration (after a clean run in a temporary copy; ``--before`` only when the
  revision's workflow runs with this environment);
* ``clean`` / ``clean_full``: a clean run of the whole workflow in a fresh temporary copy, on the
  tests' small configuration / at full scale (the shipped configuration).

Run: python benchmarks/compare.py [--repeats 3] [--before 3b33b07] [--cases nuts,exact,clean]
     [--out results/benchmarks/comparison.csv]
A reference that is not installed is skipped with a message (its rows say why).
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BCG = """
import numpy as np
tpos=np.array([4,6,3,62,33,180,8,505,29,17,186,5,27]); tneg=np.array([119,300,228,13536,5036,1361,2537,87886,7470,1699,50448,2493,16886])
cpos=np.array([11,29,11,248,47,372,10,499,45,65,141,3,29]); cneg=np.array([128,274,209,12619,5761,1079,619,87892,7232,1600,27197,2338,17825])
yi=np.log((tpos/(tpos+tneg))/(cpos/(cpos+cneg))); vi=1/tpos-1/(tpos+tneg)+1/cpos-1/(cpos+cneg)
"""
PYTHON_CASES = {
    "nuts": BCG
    + """
from reanalysis.bayes.priors import TauPrior
from reanalysis.bayes.nuts import posterior_nuts
tree = posterior_nuts(yi, vi, TauPrior("half_normal", 1.0), 2.0, draws=2000, tune=1000, chains=4, cores=2, target_accept=0.99, seed=1)
print(float(tree["posterior"]["mu"].mean()))
""",
    "exact": BCG
    + """
from reanalysis.bayes.priors import TauPrior
from reanalysis.bayes.exact import posterior_exact
p = posterior_exact(yi, vi, TauPrior("half_normal", 1.0), 2.0); p.mu_quantiles(); p.tau_quantiles()
""",
    "reml": BCG
    + """
from reanalysis.meta.frequentist import fit_random_effects
print(fit_random_effects(yi, vi, method="REML", knha=True).mu)
""",
}
R_BCG = """
suppressMessages(library(metafor)); dat <- escalc(measure="RR", ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg)
"""
R_CASES = {  # case -> (reference name, R packages, script)
    "nuts": (
        "brms",
        ("metafor", "brms"),
        R_BCG
        + """
suppressMessages(library(brms)); dat$sei <- sqrt(dat$vi)
fit <- brm(yi | se(sei) ~ 1 + (1 | trial), data = dat, prior = c(prior(normal(0, 2), class = Intercept), prior(normal(0, 1), class = sd)),
           chains = 4, cores = 2, iter = 3000, warmup = 1000, control = list(adapt_delta = 0.99), seed = 1, refresh = 0, silent = 2)
""",
    ),
    "reml": (
        "metafor",
        ("metafor",),
        R_BCG
        + """
r <- rma(yi, vi, data = dat, method = "REML", test = "knha"); cat(r$b, "\\n")
""",
    ),
}
WORKFLOW_CASES = ("dry_run", "noop")
CLEAN_CASES = ("clean", "clean_full")


def timed(cmd: list[str], env: dict, cwd: Path | None = None) -> tuple[float, float]:
    """(wall, CPU) seconds of one process, CPU = user + system of it and its children."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])}... failed:\n{proc.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def r_missing(packages) -> str:
    """Why the R reference cannot run here ('' when it can)."""
    if shutil.which("Rscript") is None:
        return "Rscript not installed"
    names = ",".join(f'"{p}"' for p in packages)
    check = f"cat(all(sapply(c({names}), requireNamespace, quietly=TRUE)))"
    out = subprocess.run(["Rscript", "-e", check], capture_output=True, text=True).stdout
    return "" if out.strip() == "TRUE" else f"R package(s) {', '.join(packages)} not all installed"


PARTS = ("src", "workflow", "config", "data", "profiles", "tests/small_config.yaml")


def export_revision(rev: str, dest: Path) -> Path:
    """The package, workflow, configuration and data of a git revision (its workflow runs on its
    own data: the data contract changes with the code)."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, *PARTS], check=True, capture_output=True
    ).stdout
    dest.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest


def workflow_copy(dest: Path, root: Path) -> Path:
    """A case folder with the workflow, configuration and data of ``root`` (ours or a revision)."""
    for part in ("workflow", "config", "data", "profiles"):
        shutil.copytree(root / part, dest / part)
    shutil.copy(root / "tests/small_config.yaml", dest / "small_config.yaml")
    return dest


def snakemake_cmd(*args: str, small: bool = True) -> list[str]:
    configs = ["--configfile", "config/config.yaml", "small_config.yaml"] if small else []
    return [sys.executable, "-m", "snakemake", "--cores", "2", "--quiet", *args, *configs]


def clean_run(src_root: Path, env: dict, folder: Path, small: bool) -> tuple[float, float]:
    """A clean run of the workflow in a fresh copy (removed afterwards)."""
    work = workflow_copy(folder, src_root)
    try:
        return timed(snakemake_cmd(small=small), env, cwd=work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--before", help="git revision to compare with (its src/ and workflow/)")
    ap.add_argument("--cases", default="nuts,exact,reml,dry_run,noop")
    ap.add_argument("--out", default=str(ROOT / "results/benchmarks/comparison.csv"))
    args = ap.parse_args()
    cases = args.cases.split(",")
    tmp = Path(tempfile.mkdtemp(prefix="mg-bench-"))
    base_env = {
        **os.environ,
        "MPLBACKEND": "Agg",
        "PYTENSOR_FLAGS": f"compiledir={ROOT / '.cache/pytensor'}",
        "NUMBA_CACHE_DIR": str(ROOT / ".cache/numba"),
    }
    impls = {"ours": (ROOT, {**base_env, "PYTHONPATH": str(ROOT / "src")})}
    if args.before:
        before = export_revision(args.before, tmp / "before")
        impls[f"before ({args.before})"] = (before, {**base_env, "PYTHONPATH": str(before / "src")})
    rows = []
    for case in cases:
        runners, skipped = {}, {}
        if case in PYTHON_CASES:
            for name, (_, env) in impls.items():
                runners[name] = lambda env=env, code=PYTHON_CASES[case]: timed(
                    [sys.executable, "-c", code], env
                )
            if case in R_CASES:
                ref, packages, script = R_CASES[case]
                why = r_missing(packages)
                if why:
                    skipped[ref] = why
                else:
                    runners[ref] = lambda script=script: timed(["Rscript", "-e", script], base_env)
        elif case in WORKFLOW_CASES:
            for name, (src_root, env) in impls.items():
                work = workflow_copy(tmp / f"wf-{case}-{len(runners)}", src_root)
                timed(snakemake_cmd(), env, cwd=work)  # the clean run the up-to-date runs follow
                extra = ("--dry-run",) if case == "dry_run" else ()
                runners[name] = lambda env=env, work=work, extra=extra: timed(
                    snakemake_cmd(*extra), env, cwd=work
                )
        elif case in CLEAN_CASES:
            for i, (name, (src_root, env)) in enumerate(impls.items()):
                runners[name] = lambda src_root=src_root, env=env, i=i, small=case == "clean": clean_run(
                    src_root, env, tmp / f"clean-{i}", small=small
                )
        else:
            raise SystemExit(f"unknown case {case!r}")
        for name, why in skipped.items():
            print(f"{case}: {name} skipped ({why})", file=sys.stderr)
        times = {name: [] for name in runners}
        if case not in CLEAN_CASES:  # warm-up: caches (numba, pytensor, R) filled
            for run in runners.values():  # (a clean run is long: the other cases warm it)
                run()
        for _ in range(args.repeats):  # paired: every implementation once per round
            for name, run in runners.items():
                times[name].append(run())
        ours = statistics.median(w for w, _ in times["ours"])
        ours_cpu = statistics.median(c for _, c in times["ours"])
        for name, values in times.items():
            wall = statistics.median(w for w, _ in values)
            cpu = statistics.median(c for _, c in values)
            rows.append(
                {
                    "case": case,
                    "implementation": name,
                    "runs": len(values),
                    "median_wall_s": f"{wall:.2f}",
                    "median_cpu_s": f"{cpu:.2f}",
                    "wall_ratio_to_ours": f"{wall / ours:.2f}",
                    "cpu_ratio_to_ours": f"{cpu / ours_cpu:.2f}",
                    "note": "",
                }
            )
            print(
                f"{case:8s} {name:22s} wall {wall:7.2f} s  cpu {cpu:7.2f} s  "
                f"x{wall / ours:5.2f} (cpu x{cpu / ours_cpu:5.2f})"
            )
        rows += [
            {
                "case": case,
                "implementation": name,
                "runs": 0,
                "median_wall_s": "",
                "median_cpu_s": "",
                "wall_ratio_to_ours": "",
                "cpu_ratio_to_ours": "",
                "note": f"skipped: {why}",
            }
            for name, why in skipped.items()
        ]
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(
        f"written: {out} (load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
