"""Snakemake script: the software versions and the whole configuration of this run."""

from importlib import metadata
from platform import python_version

from reanalysis.report.pages import software_page
from reanalysis.workflow_io import atomic_write, script_log

with script_log(snakemake.log[0]):
    cfg = snakemake.params.cfg
    versions = {"python": python_version()}
    for pkg in cfg["report"]["packages"]:
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = "not installed"
    atomic_write(snakemake.output[0], software_page(versions, dict(cfg)))
