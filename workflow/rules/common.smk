DATA_FILES = list(config["data"].values())
