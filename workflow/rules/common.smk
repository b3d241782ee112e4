DATA_FILES = list(config["data"].values())


def config_subset(*keys):
    """The named top-level config blocks, passed to a script through ``params:`` so that editing
    one of them reruns exactly the rules that read it (Snakemake's params rerun trigger)."""
    return {key: config[key] for key in keys if key in config}
