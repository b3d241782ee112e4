"""What every Snakemake script uses: atomic writes (nothing half-written in ``results/``), CSVs with
fixed float formatting, and one way to log (:func:`script_log`). A leaf: it imports nothing else
from the package but :mod:`reanalysis.job_guard`."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from reanalysis.job_guard import exit_with_snakemake

if TYPE_CHECKING:  # pandas is not imported here: the Snakefile reads SHOWN_ON_CONSOLE at parse time
    import pandas as pd


def atomic_write(path: str | Path, content: str | bytes) -> None:
    """Write ``content`` (text, or bytes) to ``path`` through a temporary file in the same folder,
    so a reader never sees a half-written file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "wb" if isinstance(content, bytes) else "w") as fh:
        fh.write(content)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def write_csv(df: pd.DataFrame, path: str | Path) -> None:
    """CSV with fixed float formatting so identical inputs give byte-identical files."""
    atomic_write(path, df.to_csv(index=False, float_format="%.10g", lineterminator="\n"))


SHOWN_ON_CONSOLE = "(this error's message was shown on the console)"


@contextlib.contextmanager
def script_log(path: str | Path):
    """Send a Snakemake script's stderr to its log; an error's message goes to the console
    (Snakemake itself only names the log) and its traceback to the log only, and the script
    exits with status 1. The script stops when its Snakemake run dies (:func:`exit_with_snakemake`)."""
    exit_with_snakemake()
    with open(path, "w") as log:
        saved, sys.stderr = sys.stderr, log
        try:
            yield log
        except Exception as err:
            log.write(traceback.format_exc())
            log.write(f"{SHOWN_ON_CONSOLE}\n")
            log.flush()
            sys.__stderr__.write(f"\nERROR ({Path(path).name}): {err}\n")
            raise SystemExit(1) from None
        finally:
            sys.stderr = saved
