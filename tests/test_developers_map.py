"""DEVELOPERS.md's map names every module (by its dotted name under ``reanalysis``) and rule that
exists, and nothing that does not."""

import re


def _map_table(root):
    text = (root / "DEVELOPERS.md").read_text()
    section = text[text.index("## Map") :]
    section = section[: section.index("\n\n", section.index("| stage"))]
    rows = [line.split("|")[2:4] for line in section.splitlines() if line.startswith("| ")][1:]
    modules = {m for cell, _ in rows for m in re.findall(r"`([a-z_]+(?:\.[a-z_]+)*)`", cell)}
    rules = {r for _, cell in rows for r in re.findall(r"`([a-z_]+)`", cell)}
    return modules, rules


def test_map_names_every_module(root):
    modules, _ = _map_table(root)
    package = root / "src/reanalysis"
    existing = {
        ".".join(p.relative_to(package).with_suffix("").parts)
        for p in package.rglob("*.py")
        if p.stem != "__init__"
    }
    assert existing - modules == set(), "modules missing from DEVELOPERS.md's map"
    assert modules - existing == set(), "DEVELOPERS.md's map names modules that do not exist"


def test_map_names_every_rule(root):
    _, rules = _map_table(root)
    smk = "".join(
        p.read_text()
        for p in [root / "workflow/Snakefile", *sorted((root / "workflow/rules").glob("*.smk"))]
    )
    existing = set(re.findall(r"^(?:rule|checkpoint) (\w+):", smk, flags=re.M))
    assert existing - rules == set(), "rules missing from DEVELOPERS.md's map"
    assert rules - existing == set(), "DEVELOPERS.md's map names rules that do not exist"
