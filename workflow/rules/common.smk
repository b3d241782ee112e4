DATA_FILES = [config["data"][k] for k in ("summary_stats", "studies", "levels", "claims")]
