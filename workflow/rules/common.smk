DATA_FILES = list(config["data"].values())
REPORT_FILES = list(config["report"]["files"].values())  # report-only data (GRADE, RoB, ...)
# Per-table validation gates (results/data/{table}.ok). A rule waits for the gates of the tables it
# reads, so editing one data file reruns only the rules that read it (and the tables that refer to
# it). Every gate validates all files, so on bad input every gate fails listing every problem, and
# nothing is written to results/.
CORE_TABLES = ("summary_stats", "studies", "arms")
TABLE_DEPENDS = {  # a table's validation reads these files (its own and those it refers to)
    "summary_stats": ("summary_stats", "studies", "arms"),
    "arms": ("arms", "studies"),
    "claims": ("claims", "studies", "levels"),
}


def gates(*tables):
    """The validation gate files of the named data tables ("report": the report-only files)."""
    return [f"results/data/{t}.ok" for t in tables if t in config["data"] or t == "report"]


def data_files(*tables):
    """The configured paths of the named data tables (config data), for a rule's input."""
    return [config["data"][t] for t in tables if t in config["data"]]


def config_subset(*keys):
    """The named top-level config blocks, passed to a script through ``params:`` so that editing
    one of them reruns exactly the rules that read it (Snakemake's params rerun trigger)."""
    return {key: config[key] for key in keys if key in config}


def ledger_inputs(wildcards):
    """The results every verdict may read; the optional analyses' only where the case runs them."""
    inputs = {
        "ok": gates(*CORE_TABLES, "levels", "claims"),
        "data": data_files(*CORE_TABLES, "levels", "claims"),
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
