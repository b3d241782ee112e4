"""Config schema, the dependency lists of pyproject.toml/environment.yml, and the Python finder."""

import copy
import re
import subprocess
import tomllib

import pytest
import yaml

from reanalysis.config import ConfigError, load_config, validate_config


def _names(reqs):
    return {re.split(r"[<>=!~ \[]", r, maxsplit=1)[0].lower(): r.replace(" ", "") for r in reqs}


def test_environment_yml_matches_pyproject(root):
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    py = _names(project["dependencies"] + project["optional-dependencies"]["dev"])
    env = yaml.safe_load((root / "environment.yml").read_text())["dependencies"]
    conda = _names([d for d in env if isinstance(d, str) and not d.startswith(("python", "pip"))])
    assert conda == py  # same packages with the same version constraints
    assert "python=3.12" in env and project["requires-python"].startswith(">=3.12")


def test_shipped_config_is_valid(root):
    assert load_config(root / "config/config.yaml")["seed"] >= 0


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("assumptions", "prepost_correlation", "value"), 1.5, "prepost_correlation/value"),
        (("meta_analysis", "primary_method"), "ML", "primary_method"),
        (("seed",), "abc", "seed"),
        # every object is closed: a misspelt key is an error at every level
        (("assumptions", "prepost_corelation"), {"value": 0.5}, "prepost_corelation"),
        (("meta_analysis", "sets", "controlled_subgroup_pain", "arms"), ["x"], "arms"),
        (("bayes", "nuts", "draw"), 10, "draw"),
        (("assumptions", "prepost_correlation", "vlaue"), 1, "vlaue"),
        # names used in file paths are pattern-checked
        (("bayes", "priors", "half normal/1"), {"kind": "half_normal", "scale": 1}, "half normal"),
        (("meta_analysis", "sets", "a set"), {}, "a set"),
        # change-score and end-of-treatment SMDs are never pooled together
        (("meta_analysis", "sets", "controlled_subgroup_pain", "estimands"),
         ["between_change", "between_post"], "estimands"),
    ],
)
def test_bad_config_names_the_key(root, path, value, message):
    cfg = copy.deepcopy(load_config(root / "config/config.yaml"))
    node = cfg
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(ConfigError, match=message):
        validate_config(cfg)


@pytest.mark.parametrize("block", ["assumptions", "effect_sizes", "meta_analysis", "mcid",
                                   "report", "bayes", "reading_overrides"])
def test_every_block_the_code_reads_is_required(root, block):
    cfg = copy.deepcopy(load_config(root / "config/config.yaml"))
    del cfg[block]
    with pytest.raises(ConfigError, match=block):
        validate_config(cfg)


@pytest.mark.parametrize("block", ["subgroup_simulation", "vote_count"])
def test_optional_analyses_may_be_left_out(root, block):
    """A case without subgroup claims or a vote-count claim simply has no such block."""
    cfg = copy.deepcopy(load_config(root / "config/config.yaml"))
    del cfg[block]
    validate_config(cfg)


def test_find_python_returns_a_312_interpreter(root):
    out = subprocess.run(["bash", str(root / "tools/find-python312.sh")], capture_output=True,
                         text=True, check=True).stdout.strip()
    version = subprocess.run([out, "-c", "import sys; print(sys.version_info[:2])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    assert version == "(3, 12)"


def test_rule_conda_env_matches_runtime_dependencies(root):
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((root / "workflow/envs/reanalysis.yaml").read_text())["dependencies"]
    conda = _names([d for d in env if isinstance(d, str) and not d.startswith(("python", "pip"))])
    assert conda == _names(project["dependencies"])
