"""Reanalysis engine: reported summary statistics -> effect sizes, meta-analyses, simulations, a
claims ledger and a report. It knows no study, arm or outcome: a case (data/ and config/) supplies
them; the repository ships one case in data/ and config/, and cases/ holds others."""

from importlib.metadata import PackageNotFoundError, version

try:  # the one version source is pyproject.toml
    __version__ = version("mg-fibro-reanalysis")
except PackageNotFoundError:  # run from a source tree without installing
    __version__ = "unknown"

from reanalysis import job_guard as _job_guard

if _job_guard.is_snakemake_script():  # a workflow job: it stops when its Snakemake dies
    _job_guard.exit_with_snakemake()
