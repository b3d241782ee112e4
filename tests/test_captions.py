"""Captions (workflow/report/*.rst) state no facts about a case's data: rendered with each
shipped case's configuration, none of them says what is false for that case (the facts are
rendered from results by the scripts)."""

from pathlib import Path

import jinja2
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CASES = [ROOT, ROOT / "cases/mg_leg_cramps"]
# Sentences that were once in captions and are facts of one case's data.
FACTS = (
    "no pooled estimate (one study)",
    "no control group to subtract",
    "the selection of the reported subgroup",
    "high risk in the selection",
    "sample sizes of the trial are",
    "other studies had no placebo group",
    "how few studies have a control arm",
)


class _Wildcards:
    set = "a_set"
    prior = "a_prior"


def _rendered(case: Path) -> dict[str, str]:
    config = yaml.safe_load((case / "config/config.yaml").read_text())
    out = {}
    for rst in sorted((ROOT / "workflow/report").glob("*.rst")):
        text = rst.read_text()
        blocks = ("subgroup_simulation", "vote_count")
        if any(f'config["{b}"]' in text for b in blocks if b not in config):
            continue  # the rule of this caption is not included for this case
        snakemake = type("S", (), {"config": config, "wildcards": _Wildcards})
        out[rst.name] = jinja2.Template(text, undefined=jinja2.StrictUndefined).render(
            snakemake=snakemake
        )
    return out


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_captions_render_and_state_no_case_facts(case):
    rendered = _rendered(case)
    assert len(rendered) >= 20
    for name, text in rendered.items():
        for fact in FACTS:
            assert fact not in text, (name, fact)
