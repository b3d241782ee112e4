"""Snakemake script: the software versions and the whole configuration of this run."""

import sys
from importlib import metadata
from platform import python_version

from reanalysis.pipeline import atomic_write
from reanalysis.report_pages import software_page

sys.stderr = open(snakemake.log[0], "w")  # noqa: F821
cfg = snakemake.params.cfg  # noqa: F821
versions = {"python": python_version()}
for pkg in cfg["report"]["packages"]:
    try:
        versions[pkg] = metadata.version(pkg)
    except metadata.PackageNotFoundError:
        versions[pkg] = "not installed"
atomic_write(snakemake.output[0], software_page(versions, dict(cfg)))  # noqa: F821
