"""A synthetic case of k two-arm trials for the scaling benchmark (issue #18: k = 1000).

Built from cases/normand1999 (its config, instrument and claim): every file's rows of that case's
first trial are repeated k times under ids s0001..sK with arm means, SDs and n drawn from a seeded
generator. The numbers are synthetic, for timing and figure sizes only: every row says so in its
`source` and carries status `assumption`. Never a shipped case.

Usage: python benchmarks/large_case.py K DEST   (writes DEST/config and DEST/data)
"""

import csv
import shutil
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "cases" / "normand1999"
SOURCE = "synthetic benchmark data (benchmarks/large_case.py), not a study figure"


def _read(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, fields: list[str], rows: list[dict]) -> None:
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _synthetic(row: dict) -> dict:
    out = dict(row)
    for key in ("source", "citation", "location", "identifier"):
        if key in out:
            out[key] = SOURCE
    if "status" in out and out["status"] not in ("not found",):
        out["status"] = "assumption"
    return out


def build(k: int, dest: Path, seed: int = 20261203) -> list[str]:
    """Write a k-trial case to dest; return the study ids."""
    rng = np.random.default_rng(seed)
    shutil.copytree(TEMPLATE / "config", dest / "config", dirs_exist_ok=True)
    (dest / "data").mkdir(parents=True, exist_ok=True)
    ids = [f"s{i + 1:04d}" for i in range(k)]
    first = None
    for path in sorted((TEMPLATE / "data").glob("*.csv")):
        fields, rows = _read(path)
        if "study_id" not in fields or path.name == "claims.csv":
            if path.name == "claims.csv":
                rows = [dict(r, study_id=";".join(ids)) for r in rows]
            _write(dest / "data" / path.name, fields, rows)
            continue
        first = first or rows[0]["study_id"]
        template = [r for r in rows if r["study_id"] == first]
        out = []
        for j, sid in enumerate(ids):
            n = {arm: int(rng.integers(15, 300)) for arm in {r.get("arm") for r in template}}
            mean = {arm: float(rng.normal(40, 10)) for arm in n}
            sd = {arm: float(rng.uniform(8, 30)) for arm in n}
            for r in template:
                r = _synthetic(r) | {"study_id": sid}
                if "row_id" in r:
                    r["row_id"] = f"{sid}_{r['row_id']}"
                if "label" in r:
                    r["label"] = f"Synthetic {j + 1}"
                if path.name == "summary_stats.csv":
                    arm, stat = r["arm"], r["statistic"]
                    r["value"] = {"mean": f"{mean[arm]:.1f}", "sd": f"{sd[arm]:.1f}"}.get(
                        stat, str(n[arm])
                    )
                    r["n"] = "" if stat == "n" else str(n[arm])
                if path.name == "studies.csv":
                    r["n_total"] = str(sum(n.values()))
                    r["note"] = "synthetic"
                out.append(r)
        _write(dest / "data" / path.name, fields, out)
    return ids


if __name__ == "__main__":
    build(int(sys.argv[1]), Path(sys.argv[2]))
