import os as _os
import sys as _sys
import time as _time
from pathlib import Path as _Path

from reanalysis.config import pooling_outcomes  # (no pandas at parse time)

REPORT_FILES = list(
    config["report"]["files"].values()
)  # report-only data (GRADE, RoB, ...)


# A configured data file that is missing stops every run at once with its name (Snakemake itself
# would say "Nothing to be done" and keep the results built from it).
def _missing_data_files():
    named = {
        **{f"data.{k}": v for k, v in config["data"].items()},
        **{f"report.files.{k}": v for k, v in config["report"]["files"].items()},
    }
    return [
        f"{path}: file not found (config {key})"
        for key, path in named.items()
        if not _Path(path).is_file()
    ]


if _missing_data_files():
    print(
        "DATA FILE MISSING - nothing run:",
        *_missing_data_files(),
        sep="\n  ",
        file=_sys.stderr,
    )
    _sys.exit(1)

# One id per Snakemake run, inherited by its local jobs: the validation gates print the list of
# problems once per run (the first gate to fail), not once per gate.
_os.environ.setdefault("REANALYSIS_RUN_ID", f"{_os.getpid()}-{_time.time_ns()}")

# results/ from a run that did not finish (a job failed, validation failed, or the run was
# interrupted) are a mix of new and old files: the marker is written when a run starts and removed
# when it succeeds, and the report refuses to build while it is there.
INCOMPLETE = _Path("logs/run_incomplete.txt")
if "--report" in _sys.argv and INCOMPLETE.exists():
    print(
        f"REPORT NOT BUILT: the last run did not finish, so results/ mixes new and old files "
        f"({INCOMPLETE}: {INCOMPLETE.read_text().strip()}). Run the workflow to the end first "
        "(make workflow).",
        file=_sys.stderr,
    )
    _sys.exit(1)
# Validation gates. Each gate validates every file (so on bad input every gate fails listing every
# problem, and nothing is written to results/) and writes its group of tables as typed tables
# (results/data/{group}.pkl) that the later jobs read instead of parsing and validating the CSVs
# again. A gate reruns only when its own tables (or the tables they refer to) change, so editing one
# data file reruns only the jobs that read it. Tables share a gate where every job that reads one
# reads the other (or reruns anyway), which loses no rerun precision and saves jobs.
CORE_TABLES = ("summary_stats", "studies", "arms")
TABLE_GROUPS = (
    {  # gate -> its tables ("report": the report-only files, config report.files)
        "core": CORE_TABLES,
        "claims": ("levels", "claims"),  # read by the claims ledger only
        "checks": (
            "score_ranges",
            "instruments",
        ),  # forensic checks; instruments' units for the texts
        "report": ("report",),
    }
)
GROUP_REFERS = {
    "claims": ("studies",),
    "report": ("studies",),
}  # tables a group's rows refer to


def has_table(table):
    """The case has the table (optional data tables may be absent; "report" is always there)."""
    return table in config["data"] or table == "report"


def group_of(table):
    return next(g for g, tables in TABLE_GROUPS.items() if table in tables)


def group_tables(group):
    """A group's tables that the case has."""
    return [t for t in TABLE_GROUPS[group] if has_table(t)]


def typed_tables(*tables):
    """The typed-table files holding the named tables (each group once)."""
    groups = dict.fromkeys(group_of(t) for t in tables if has_table(t))
    return [f"results/data/{g}.pkl" for g in groups]


def gate_data_tables(group):
    """The data tables a gate's output depends on: its own and those its rows refer to."""
    own = [t for t in group_tables(group) if t != "report"]
    return [*own, *GROUP_REFERS.get(group, ())]


def gate_params(wildcards):
    """The config values a group's typed tables depend on (its params: editing one reruns the
    gate). The gate validates the other groups too, with the whole config, only to list every
    problem; like their files, their config values do not rerun it."""
    group = wildcards.group
    values = {"data": {t: config["data"][t] for t in gate_data_tables(group)}}
    if group == "core":  # arm names in the sample-size assumptions; the readings chosen
        values["sample_sizes"] = config["assumptions"]["sample_sizes"]
        values["reading_overrides"] = config.get("reading_overrides") or {}
    if group == "report":
        values["report"] = {
            k: config["report"][k] for k in ("files", "summary_of_findings")
        }
    return values


def gate_inputs(wildcards):
    """The data files whose change reruns a gate: its own tables' and those they refer to."""
    files = data_files(*gate_data_tables(wildcards.group))
    return files + (REPORT_FILES if wildcards.group == "report" else [])


def data_files(*tables):
    """The configured paths of the named data tables (config data), for a rule's input."""
    return [config["data"][t] for t in tables if t in config["data"]]


def config_subset(*keys):
    """The named top-level config blocks, passed to a script through ``params:`` so that editing
    one of them reruns exactly the rules that read it (Snakemake's params rerun trigger).
    """
    return {key: config[key] for key in keys if key in config}


def ledger_inputs(wildcards):
    """The results every verdict may read; the optional analyses' only where the case runs them."""
    inputs = {
        "typed": typed_tables(*CORE_TABLES, "levels", "claims", "instruments"),
        "effects": "results/effect_sizes.csv",
        "pooled": "results/meta_frequentist.csv",
        "bayes": f"results/bayes/exact_{config['bayes']['primary_prior']}.csv",
        "forensics": "results/forensics.csv",
    }
    if VOTE_COUNT:
        inputs["vote"] = "results/vote_count/summary.csv"
    if SIMULATION:
        inputs |= {
            "credibility": "results/simulation/subgroup_credibility.csv",
            "shrinkage": "results/simulation/subgroup_shrinkage.csv",
            "no_effect": "results/simulation/subgroup_no_effect.csv",
        }
    return inputs
