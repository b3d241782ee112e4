"""The notebooks (jupytext .py sources) execute against a fresh pipeline run."""

import pytest

from reanalysis.report.notebooks import execute

pytestmark = pytest.mark.workflow


@pytest.mark.parametrize(
    "name,expected",
    [
        ("01_data_and_effect_sizes.py", "none is pooled"),
        ("02_bayesian_fits.py", "E[mu] NUTS"),
        ("03_subgroup_simulations.py", "sign test p = 0.227"),
    ],
)
def test_notebook_executes(root, pipeline_run, name, expected):
    nb = execute(
        root / "notebooks" / name, pipeline_run / "results", pipeline_run / "config/config.yaml"
    )
    text = "".join(
        o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
    )
    assert expected in text
    assert not any(
        o.get("output_type") == "error"
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    )
