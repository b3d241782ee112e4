"""Load the YAML configuration and validate it against the workflow's JSON schema.

Problems are listed all at once, one line each, in the user's words: the file and line where the
YAML cannot be read; for a schema problem the key's path, its value and what is allowed (with the
line in the config file where the key is written), never the schema or the whole config. Also the
config's derived views that the Snakefile reads at parse time (:func:`pooling_outcomes`): this
module imports no pandas."""

from __future__ import annotations

import re
import reprlib
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    import jsonschema

SCHEMA = Path(__file__).resolve().parents[2] / "workflow" / "schemas" / "config.schema.yaml"
# libyaml's parser where PyYAML was built with it (about 8x faster; every Snakemake run reads the
# config and the schema at start-up); a document it rejects is read again by the pure-Python
# parser, whose error messages (line, column, what) are the ones shown.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_short = reprlib.Repr()
_short.maxstring, _short.maxother, _short.maxlist, _short.maxdict, _short.maxlevel = 60, 60, 4, 3, 2


class ConfigError(ValueError):
    """The configuration does not match the schema; the message names the offending key."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(
            f"invalid configuration ({len(problems)} problem(s)):\n  " + "\n  ".join(problems)
        )


def _safe_load(text: str):
    """``yaml.safe_load(text)``, by libyaml where it can."""
    try:
        return yaml.load(text, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        return yaml.safe_load(text)  # the pure-Python parser's error (or its reading)


def _read_yaml(path: str | Path) -> tuple[object, list[str]]:
    """The YAML document at ``path`` and why it cannot be read as a mapping (see yaml_problems)."""
    path = Path(path)
    if not path.is_file():
        return None, [f"{path}: file not found"]
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        line = path.read_bytes()[: err.start].count(b"\n") + 1
        return None, [f"{path} line {line}: not valid UTF-8; save the file as UTF-8"]
    try:
        data = _safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        what = (
            " ".join(x for x in (getattr(err, "context", None), getattr(err, "problem", None)) if x)
            or str(err).splitlines()[0]
        )
        start = getattr(err, "context_mark", None)
        if start is not None and mark is not None and start.line != mark.line:
            what += f" (started on line {start.line + 1})"
        return None, [
            f"{path}{where}: not valid YAML: {what}; check the indentation, brackets and "
            "quotes there and on the line before"
        ]
    if not isinstance(data, dict):
        return data, [
            f"{path}: expected keys and values (a YAML mapping), got "
            f"{type(data).__name__ if data is not None else 'an empty file'}"
        ]
    return data, []


def yaml_problems(path: str | Path) -> list[str]:
    """Why the file at ``path`` cannot be read as a YAML mapping ([] when it can): missing, not
    UTF-8, a YAML syntax error (with its line and column) or not a mapping of keys."""
    return _read_yaml(path)[1]


def _key_lines(path: str | Path | None) -> dict[tuple, int]:
    """(key path) -> line of the key in the YAML file (1-based); {} when unreadable."""
    if path is None or not Path(path).is_file():
        return {}
    try:
        root = yaml.compose(Path(path).read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return {}
    lines: dict[tuple, int] = {}

    def walk(node, prefix):
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                lines[(*prefix, key.value)] = key.start_mark.line + 1
                walk(value, (*prefix, key.value))
        elif isinstance(node, yaml.SequenceNode):
            for i, value in enumerate(node.value):
                lines[(*prefix, i)] = value.start_mark.line + 1
                walk(value, (*prefix, i))

    walk(root, ())
    return lines


def _allowed(schema: dict) -> str:
    """What a schema fragment allows, in a few words."""
    if "enum" in schema:
        return "one of " + ", ".join(map(str, schema["enum"]))
    if "const" in schema:
        return repr(schema["const"])
    kind = schema.get("type")
    if kind:
        if isinstance(kind, str):
            return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"
        return "one of the types " + ", ".join(kind)
    return "see workflow/schemas/config.schema.yaml"


def _describe(err: jsonschema.ValidationError) -> str:
    """One sentence for one schema error: the value and what is allowed."""
    v, val, sch = err.validator, err.instance, err.schema
    got = _short.repr(val)
    if v == "required":
        missing = [k for k in err.validator_value if k not in val]
        return f"missing key {missing[0]!r} (required: {', '.join(err.validator_value)})"
    if v == "additionalProperties":
        extra = [
            k
            for k in val
            if k not in sch.get("properties", {})
            and not any(re.search(p, k) for p in sch.get("patternProperties", {}))
        ]
        allowed = ", ".join(sch.get("properties", {})) or "none"
        if sch.get("additionalProperties") is False:
            return f"unknown key(s) {', '.join(map(repr, extra))} (allowed: {allowed})"
    if v == "propertyNames":
        return f"key name not allowed: {err.message.split(' ')[0]}"
    if v == "enum":
        return f"got {got}; allowed: {', '.join(map(str, err.validator_value))}"
    if v == "type":
        return f"got {got} ({type(val).__name__}); expected {_allowed(sch)}"
    if v == "pattern":
        what = "key name" if "propertyNames" in err.schema_path else "got"
        return (
            f"{what} {got} not allowed; must match {err.validator_value} (letters, digits, "
            "'_', '.', '-')"
        )
    if v in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        word = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}[v]
        return f"got {got}; must be {word} {err.validator_value}"
    if v in ("minItems", "maxItems"):
        word = "at least" if v == "minItems" else "at most"
        return f"got {got}; must list {word} {err.validator_value} item(s)"
    if v == "minLength":
        return f"got {got}; must not be empty"
    if v == "uniqueItems":
        return f"got {got}; items must not repeat"
    if v == "not":
        return f"got {got}; this combination is not allowed ({_short.repr(err.validator_value)})"
    if v in ("oneOf", "anyOf") and err.context:
        from jsonschema.exceptions import best_match

        best = best_match(err.context)
        return _describe(best) if best is not None else f"got {got}; no allowed form matches"
    return f"got {got}: {err.message[:200]}"


def config_problems(
    config: dict, schema_path: str | Path = SCHEMA, config_path: str | Path | None = None
) -> list[str]:
    """Every schema problem of ``config``, one line each: ``path (line N): value and what is
    allowed``; the line is that of the key in ``config_path`` where the file has it."""
    import jsonschema  # here: the jobs that import pooling_outcomes never validate

    schema = _safe_load(Path(schema_path).read_text())
    errors = sorted(
        jsonschema.Draft202012Validator(schema).iter_errors(config),
        key=lambda e: [str(p) for p in e.absolute_path],
    )
    lines = _key_lines(config_path) if errors else {}
    problems = []
    for err in errors:
        path = tuple(err.absolute_path)
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            extra = [k for k in err.instance if k not in err.schema.get("properties", {})]
            if extra:  # point at the first unknown key itself
                path = (*path, extra[0])
        line = next((lines[path[:i]] for i in range(len(path), 0, -1) if path[:i] in lines), None)
        where = "/".join(map(str, err.absolute_path)) or "(top level)"
        at = f" ({config_path} line {line})" if line and config_path else ""
        problems.append(f"{where}{at}: {_describe(err)}")
    return list(dict.fromkeys(problems))


def validate_config(
    config: dict, schema_path: str | Path = SCHEMA, config_path: str | Path | None = None
) -> dict:
    problems = config_problems(config, schema_path, config_path)
    if problems:
        raise ConfigError(problems)
    return config


def load_config(path: str | Path) -> dict:
    config, problems = _read_yaml(path)
    if problems:
        raise ConfigError(problems)
    return validate_config(config, config_path=path)


def pooling_outcomes(config: dict) -> list[str]:
    """Every outcome that some pooling set (config meta_analysis.sets) pools."""
    sets = config["meta_analysis"]["sets"].values()
    return sorted({o for s in sets for o in s["outcomes"]})
