"""Subgroup effects from p-values, the interaction test, and the credibility table on the data."""

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from reanalysis.bayes.priors import TauPrior
from reanalysis.data.load import load_curated
from reanalysis.effects.assumptions import Assumptions
from reanalysis.simulation.credibility import (
    credibility_table,
    g_from_p,
    interaction_test,
    shrinkage_table,
    subgroup_pair,
)


@settings(max_examples=60, deadline=None)
@given(st.floats(1e-4, 0.999), st.integers(3, 60), st.integers(3, 60), st.sampled_from([-1, 1]))
def test_g_from_p_recovers_the_p_value(p, n1, n2, sign):
    g, v = g_from_p(p, n1, n2, sign, exact=True)
    from reanalysis.effects.formulas import hedges_j

    d = g / float(hedges_j(n1 + n2 - 2))
    t = d / np.sqrt(1 / n1 + 1 / n2)
    assert 2 * stats.t.sf(abs(t), n1 + n2 - 2) == pytest.approx(p, rel=1e-8)
    assert np.sign(g) == sign and v > 0


def test_interaction_test_is_the_z_test_of_a_difference():
    z, p = interaction_test(0.8, 0.04, 0.2, 0.05)
    assert z == pytest.approx(0.6 / 0.3)
    assert p == pytest.approx(2 * stats.norm.sf(2.0))
    assert interaction_test(0.2, 0.05, 0.8, 0.04) == pytest.approx((-z, p))


@pytest.fixture(scope="module")
def shipped(root):
    cfg = yaml.safe_load((root / "config/config.yaml").read_text())
    cfg["data"] = {k: str(root / v) for k, v in cfg["data"].items()}
    return cfg, load_curated(cfg)


def test_subgroup_pair_uses_the_reported_p_values_and_assumed_sizes(shipped):
    cfg, data = shipped
    s = cfg["subgroup_simulation"]
    pair = subgroup_pair(data["summary"], s, Assumptions.from_config(cfg), "stress", -1)
    assert (pair.p_sub, pair.p_comp) == (0.003, 0.32)
    assert pair.g_sub > 0 > pair.g_comp  # subgroup favours magnesium (12.3 vs 22.9 at day 28)
    assert (pair.n_sub, pair.n_comp) == (20, 20)  # 40 per arm, 20 in the subgroup (config)


def test_shrinkage_pulls_the_subgroup_towards_the_other(shipped):
    cfg, data = shipped
    pair = subgroup_pair(
        data["summary"], cfg["subgroup_simulation"], Assumptions.from_config(cfg), "stress", -1
    )
    row = shrinkage_table(pair, TauPrior("half_normal", 0.5), 2.0, "x")
    assert pair.g_comp < row["shrunken_sub_mean"] < pair.g_sub
    assert pair.g_comp < row["shrunken_comp_mean"] < pair.g_sub


def _sim(metric_values):
    return pd.DataFrame([{"metric": m, "k": k, "x": 0.66, "value": v} for m, k, v in metric_values])


def test_credibility_table_on_the_shipped_data(shipped):
    cfg, data = shipped
    s = cfg["subgroup_simulation"]
    a = Assumptions.from_config(cfg)
    shrink = pd.DataFrame(
        [
            shrinkage_table(
                subgroup_pair(data["summary"], s, a, "stress", sign),
                TauPrior("half_normal", 0.5),
                2.0,
                f"sign {sign}",
            )
            for sign in (-1, 1)
        ]
    )
    null = _sim([("p_any_benefit", 1, 0.025), ("p_any_benefit", 18, 0.26)])
    only = _sim(
        [
            ("p_interaction_significant", np.nan, 0.17),
            ("p_subgroup_estimate_at_least_reported", np.nan, 0.5),
        ]
    )
    table = credibility_table(data["summary"], s, shrink, null, only).set_index("criterion")
    # data audit: "post hoc" is second-hand commentary only, pre-specification was not found
    assert (
        table.loc["Was the subgroup analysis pre-specified, with its direction?", "answer"]
        == "not reported"
    )
    assert (
        "p = 0.93"
        in table.loc["Is the overall (whole-sample) result consistent with a benefit?", "evidence"]
    )
    assert table.loc["Could multiplicity explain it?", "answer"] == "yes"
    assert table.loc["Could the trial detect the interaction it implies?", "answer"] == "no"
    # the power row judges the claim's own outcome, not another one
    assert s["outcome"] in table.loc["Could the trial detect the interaction it implies?", "evidence"]
    related = table.loc["Is the effect consistent across related outcomes?", "evidence"]
    assert "Pain in the same subgroup: p = 0.029" in related
    assert (table["source"].str.len() > 0).all()


def test_missing_subgroup_p_value_is_a_clear_error(shipped):
    cfg, data = shipped
    summary = data["summary"][data["summary"]["row_id"] != "mac_str_sev_between_p"]
    with pytest.raises(ValueError, match="p-values of both subgroups"):
        subgroup_pair(summary, cfg["subgroup_simulation"], Assumptions.from_config(cfg), "stress", -1)


def test_the_subgroups_own_interval_is_study_level_and_named_so_at_any_pooled_level(shipped):
    """g_sub's interval is the study-level one (effects.assumptions.LEVEL, z from scipy, not a
    typed 1.96), and a reader's table names it at that level even where the pooled intervals of
    the same table are at another configured level (0.90)."""
    from scipy.special import ndtri

    from reanalysis.effects.assumptions import LEVEL
    from reanalysis.report.tables import human_table

    cfg, data = shipped
    pair = subgroup_pair(
        data["summary"], cfg["subgroup_simulation"], Assumptions.from_config(cfg), "stress", -1
    )
    row = shrinkage_table(pair, TauPrior("half_normal", 0.5), 2.0, "x")
    half = ndtri(0.5 + LEVEL / 2) * np.sqrt(pair.v_sub)
    assert row["g_sub_ci_low"] == pytest.approx(pair.g_sub - half, rel=0, abs=1e-12)
    assert row["g_sub_ci_high"] == pytest.approx(pair.g_sub + half, rel=0, abs=1e-12)
    table = pd.DataFrame([row | {"ci_low": -1.0, "ci_high": 1.0}])
    shown = human_table(table, level=0.90).columns
    assert {"Subgroup g 95% CI low", "Subgroup g 95% CI high"} <= set(shown)
    assert {"90% CI low", "90% CI high"} <= set(shown)
