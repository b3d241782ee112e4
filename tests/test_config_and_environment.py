"""Config schema, the dependency lists of pyproject.toml/environment.yml, and the Python finder."""

import copy
import importlib.metadata
import importlib.util
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

from reanalysis import config as config_mod
from reanalysis.config import ConfigError, load_config, validate_config

ROOT = Path(__file__).resolve().parent.parent


def _environment_tool():
    spec = importlib.util.spec_from_file_location("environment_yml", ROOT / "tools/environment_yml.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_lock_pins_every_dependency_within_its_range(root):
    """requirements.lock pins each pyproject dependency to one version inside the declared range,
    with hashes (pip --require-hashes and uv install from it)."""
    tool = _environment_tool()
    runtime, dev = tool.direct_dependencies(root / "pyproject.toml")
    pins = tool.locked_versions(root / "requirements.lock")
    for spec in runtime + dev:
        requirement = Requirement(spec)
        name = tool.requirement_name(spec)
        assert name in pins, f"{name} is not in requirements.lock: run make lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (spec, pins[name])
    lock = (root / "requirements.lock").read_text()
    pinned_lines = [ln for ln in lock.splitlines() if re.match(r"^[A-Za-z0-9].*==", ln)]
    assert len(pinned_lines) == len(pins) > len(runtime + dev)  # transitive dependencies too
    assert lock.count("--hash=sha256:") >= len(pins)


def test_slurm_lock_adds_only_the_slurm_extra(root):
    """requirements-slurm.lock (make env-slurm) holds every pin of requirements.lock at the same
    version and hash, and the slurm extra within its range; requirements.lock (make env) does not
    hold the slurm extra."""
    tool = _environment_tool()
    pins = tool.locked_versions(root / "requirements.lock")
    slurm_pins = tool.locked_versions(root / "requirements-slurm.lock")
    assert {name: slurm_pins.get(name) for name in pins} == pins
    for spec in tool.slurm_dependencies(root / "pyproject.toml"):
        name = tool.requirement_name(spec)
        assert name not in pins, f"{name} is in requirements.lock: make env would install it"
        assert Requirement(spec).specifier.contains(slurm_pins[name], prereleases=True)

    def hashes(lock):  # name -> the sha256 hashes of its entry
        entries = re.split(r"\n(?=[A-Za-z0-9])", lock.read_text())
        return {
            tool.requirement_name(e.split("==")[0]): sorted(re.findall(r"sha256:\w+", e))
            for e in entries
        }

    slurm_hashes = hashes(root / "requirements-slurm.lock")
    assert all(slurm_hashes[n] == h != [] for n, h in hashes(root / "requirements.lock").items())


@pytest.mark.parametrize("target", ["environment.yml", "workflow/envs/reanalysis.yaml"])
def test_conda_files_are_generated_from_the_lock(root, target):
    tool = _environment_tool()
    text = (root / target).read_text()
    assert text == tool.render(root / "pyproject.toml", root / "requirements.lock", target), (
        f"{target} is stale: run make lock"
    )
    env = yaml.safe_load(text)["dependencies"]
    pins = tool.locked_versions(root / "requirements.lock")
    runtime, dev = tool.direct_dependencies(root / "pyproject.toml")
    listed = {
        dep.split("=")[0]: dep.split("=")[1]
        for dep in env
        if isinstance(dep, str) and "=" in dep and not dep.startswith("python=")
    }
    expected = runtime + (dev if target == "environment.yml" else [])
    assert set(listed) == {tool.requirement_name(r) for r in expected}
    assert all(pins[name] == version for name, version in listed.items())
    assert "python=3.12" in env


def test_installed_versions_are_the_locked_ones(root):
    """The environment the tests run in was installed from the lock (make env)."""
    tool = _environment_tool()
    pins = tool.locked_versions(root / "requirements.lock")
    runtime, dev = tool.direct_dependencies(root / "pyproject.toml")
    for spec in runtime + dev:
        name = tool.requirement_name(spec)
        assert importlib.metadata.version(name) == pins[name], name


def test_shipped_config_is_valid(root):
    assert load_config(root / "config/config.yaml")["seed"] >= 0


def _defaults(node, path=(), names=False):
    """Key paths of the `default` keywords of a JSON schema (not of properties named default)."""
    if isinstance(node, dict):
        if not names and "default" in node:
            yield path
        for key, value in node.items():
            subschemas = not names and key in ("properties", "patternProperties", "$defs")
            yield from _defaults(value, (*path, key), names=subschemas)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _defaults(value, (*path, i))


def test_schema_sets_no_defaults(root):
    """The Snakefile validates the config with reanalysis.config only; snakemake.utils.validate would
    also fill in a schema's defaults, so a default added to the schema needs it back."""
    schema = yaml.safe_load((root / "workflow/schemas/config.schema.yaml").read_text())
    assert list(_defaults({"properties": {"default": {"type": "string"}}})) == []
    assert list(_defaults({"$defs": {"x": {"oneOf": [{"default": 1}]}}})) == [("$defs", "x", "oneOf", 0)]
    assert list(_defaults(schema)) == []


def test_fast_yaml_reading_is_yaml_safe_load(root):
    """The config and schema are read by libyaml where PyYAML has it: the same values as
    yaml.safe_load, for every shipped config and the schema."""
    files = [
        root / "workflow/schemas/config.schema.yaml",
        *root.glob("config/*.yaml"),
        *root.glob("cases/*/config/*.yaml"),
        *root.glob("templates/case/config/*.yaml"),
    ]
    assert len(files) >= 3
    for path in files:
        text = path.read_text()
        assert config_mod._safe_load(text) == yaml.safe_load(text), path


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
        (
            ("meta_analysis", "sets", "controlled_subgroup_pain", "estimands"),
            ["between_change", "between_post"],
            "estimands",
        ),
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


@pytest.mark.parametrize(
    "block",
    ["assumptions", "effect_sizes", "meta_analysis", "mcid", "report", "bayes", "reading_overrides"],
)
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
    out = subprocess.run(
        ["bash", str(root / "tools/find-python312.sh")], capture_output=True, text=True, check=True
    ).stdout.strip()
    version = subprocess.run(
        [out, "-c", "import sys; print(sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert version == "(3, 12)"


def test_installed_packages_carry_bytecode():
    """make env byte-compiles the environment: with PYTHONDONTWRITEBYTECODE set, a module without
    bytecode is compiled again in every process that imports it (3x the start-up of each job)."""
    import pandas
    import snakemake

    for module in (pandas, snakemake):
        cached = Path(importlib.util.cache_from_source(module.__file__))
        assert cached.is_file(), f"{module.__name__} has no bytecode: run make env"
