"""Config -> simulation tables: design from the named assumptions, seeds, and clear errors."""

import copy

import numpy as np
import pandas as pd
import pytest

from reanalysis.config import load_config
from reanalysis.data.load import load_curated
from reanalysis.effects.assumptions import Assumptions
from reanalysis.simulation import tables as st


@pytest.fixture(scope="module")
def cfg(root):
    c = load_config(root / "config/config.yaml")
    c["data"] = {k: str(root / v) for k, v in c["data"].items()}
    return c


def test_design_comes_from_the_named_sample_size_assumptions(cfg):
    d = st.design_from_config(cfg, Assumptions.from_config(cfg))
    sizes = {(s["subgroup"], s["arm"]): s["value"] for s in cfg["assumptions"]["sample_sizes"]}
    assert d.n_sub == sizes[("mild_moderate", "magnesium")]
    assert d.n_comp == sizes[("all", "magnesium")] - d.n_sub
    assert d.n_outcomes == cfg["subgroup_simulation"]["outcomes_examined"]["value"]


def test_scenarios_take_reported_from_the_claims_outcome_p_value(cfg):
    spec = cfg["subgroup_simulation"]["scenarios"]["subgroup_only"]
    sc = st.scenario_from_config(spec, 0.66)
    assert (sc.effect_sub, sc.effect_comp) == (0.66, 0.0)
    a = Assumptions.from_config(cfg)
    s = cfg["subgroup_simulation"]
    summary = pd.DataFrame(
        [
            {
                "study_id": s["study_id"],
                "subgroup": s["subgroup"],
                "outcome": s["outcome"],
                "arm": arm,
                "timepoint": "end",
                "statistic": stat,
                "value": v,
                "lower_is_better": True,
                "role": role,
            }
            for arm, role, stat, v in (
                ("between", None, "p_value", 0.01),
                ("active", "intervention", "mean", 10.0),
                ("control", "comparator", "mean", 14.0),
            )
        ]
    )
    n, _ = a.subgroup_sizes(s["study_id"], s["subgroup"])
    # Cochrane Handbook 6.5.2.3: t from the two-sided p with 2n - 2 df, d = t sqrt(2/n), g = J d
    from scipy import stats as sps

    from reanalysis.effects.formulas import hedges_j

    d = sps.t.isf(0.005, 2 * n - 2) * np.sqrt(2.0 / n)
    assert st.reported_effect(summary, cfg, a) == pytest.approx(float(hedges_j(2 * n - 2)) * d)
    with pytest.raises(ValueError, match="p-value"):
        st.reported_effect(summary[summary["statistic"] != "p_value"], cfg, a)


def test_seeds_are_stable_and_distinct():
    assert st.stable_seed(1, "no_effect") == st.stable_seed(1, "no_effect")
    assert st.stable_seed(1, "no_effect") != st.stable_seed(1, "uniform")


def test_small_scenario_table_is_deterministic(cfg):
    small = copy.deepcopy(cfg)
    small["subgroup_simulation"] |= {"reps": 3000, "chunk": 1000, "power_reps": 500}
    a = Assumptions.from_config(small)
    t1 = st.scenario_table(small, a, "no_effect", 0.66, workers=1)
    t2 = st.scenario_table(small, a, "no_effect", 0.66, workers=2)
    pd.testing.assert_frame_equal(t1, t2)
    k = t1[t1["metric"] == "p_any_benefit"]["k"]
    assert list(k) == list(range(1, 19))
    # the assumption ranges are explored: fewer outcomes examined -> fewer false positives
    m = t1.set_index("metric")["value"]
    assert m["p_any_benefit_with_2_outcomes"] < m["p_any_benefit_with_6_outcomes"]
    assert {
        "p_interaction_significant_at_10_per_cell",
        "p_interaction_significant_at_35_per_cell",
    } <= set(m.index)


def test_vote_count_study_list_must_match_the_claim(cfg):
    bad = copy.deepcopy(cfg)
    bad["vote_count"]["studies"]["list"] = bad["vote_count"]["studies"]["list"][:6]
    summary_all = load_curated(cfg)["summary_all"]
    with pytest.raises(ValueError, match="lists 6 studies but the claim counts 7"):
        st.vote_count_tables(bad, summary_all)


def test_analytic_rows_carry_no_monte_carlo_error_and_power_is_two_sided(cfg):
    small = copy.deepcopy(cfg)
    small["subgroup_simulation"] |= {
        "reps": 2000,
        "chunk": 1000,
        "power_reps": 2000,
        "power_grid": [0.0, 1.0],
    }
    a = Assumptions.from_config(small)
    t = st.scenario_table(small, a, "no_effect", 0.66)
    analytic = t[t["metric"] == "independent_tests_reference"]
    assert analytic["mcse"].isna().all() and (analytic["mcse_note"].str.len() > 0).all()
    binned = t[t["metric"].str.startswith("subgroup_estimate_")]
    assert binned["mcse"].isna().all() and (binned["mcse_note"] != "").all()
    sim_rows = t[t["metric"] == "p_any_benefit"]
    reps = small["subgroup_simulation"]["reps"]
    np.testing.assert_allclose(
        sim_rows["mcse"], np.sqrt(sim_rows["value"] * (1 - sim_rows["value"]) / reps)
    )
    assert (sim_rows["mcse_note"] == "").all()
    power = st.power_table(small, a)
    null = power[power["effect"] == 0.0]
    # with no effect a two-sided test at alpha rejects about alpha of the time; the one-sided
    # 'benefit' column about half of that
    alpha = small["subgroup_simulation"]["alpha"]
    se = np.sqrt(alpha * (1 - alpha) / 2000)
    assert (abs(null["power_subgroup"] - alpha) < 4 * se).all()
    assert (abs(null["power_subgroup_benefit"] - alpha / 2) < 4 * se).all()
    assert (
        abs(power["power_subgroup"] - power["exact_power_subgroup_two_sided"]) < 4 * np.sqrt(0.25 / 2000)
    ).all()
