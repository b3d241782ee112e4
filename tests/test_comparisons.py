"""Effect-size table built from the long data: hand-computed values and pooling rules."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from reanalysis import data_io
from reanalysis.comparisons import (
    Assumptions,
    build_effect_sizes,
    select_for_pooling,
    select_readings,
)
from reanalysis.config import load_config


@pytest.fixture(scope="module")
def curated(root):
    cfg = load_config(root / "config/config.yaml")
    summary = data_io.load_summary_stats(root / "data/summary_stats.csv")
    studies = data_io.load_studies(root / "data/studies.csv")
    return cfg, summary, studies


@pytest.fixture(scope="module")
def effects(curated):
    cfg, summary, studies = curated
    return build_effect_sizes(select_readings(summary, {}), studies, Assumptions.from_config(cfg))


def _one(effects, es_id):
    hit = effects[effects["es_id"] == es_id]
    assert len(hit) == 1, es_id
    return hit.iloc[0]


def test_macian_pain_change_by_hand(effects):
    # Mg 5.7±1.3 -> 5.1±1.7, placebo 5.3±0.7 -> 5.6±1.2, n = 10 per arm (assumed), r = 0.5
    row = _one(effects, "macian2022.mild_moderate.pain.between_change.between")
    sd1 = np.sqrt(1.3**2 + 1.7**2 - 2 * 0.5 * 1.3 * 1.7)
    sd2 = np.sqrt(0.7**2 + 1.2**2 - 2 * 0.5 * 0.7 * 1.2)
    sp = np.sqrt((9 * sd1**2 + 9 * sd2**2) / 18)
    d = (0.6 + 0.3) / sp  # benefit-positive: Mg fell 0.6, placebo rose 0.3
    j = 1 - 3 / (4 * 18 - 1)
    assert row["md"] == pytest.approx(0.9)
    assert row["yi"] == pytest.approx(j * d, abs=2e-3)  # exact vs approximate J
    assert row["vi"] == pytest.approx(j**2 * (20 / 100 + d**2 / 40), abs=2e-3)
    assert "r=0.5" in row["assumptions"] and "n[macian2022/mild_moderate/magnesium]=10" in row[
        "assumptions"]


def test_whole_sample_stress_post_by_hand(effects):
    row = _one(effects, "macian2022.all.stress.between_post.between")
    assert row["md"] == pytest.approx(-0.2)  # 21.8 vs 21.6, lower is better
    assert row["yi"] < 0 and row["status"] == "derived (assumption-dependent)"


def test_engen_from_p_value(effects):
    from scipy import stats
    row = _one(effects, "engen2015.all.symptom_severity.within_change.magnesium")
    dz = stats.t.isf(0.0005, 23) / np.sqrt(24)
    assert row["yi"] == pytest.approx(dz * np.sqrt(2 * 0.5), rel=0.04)  # J(23) ~ 0.967
    assert row["n1"] == 24


def test_direction_only_rows_are_not_estimable(effects):
    direction_only = effects[effects["study_id"] == "abraham1992"]  # improvement, no p or n
    assert len(direction_only) == 1 and direction_only["yi"].isna().all()
    assert (direction_only["status"] == "not estimable").all()


def test_significant_only_rows_use_the_assumed_threshold(effects):
    turan = effects[effects["study_id"] == "turan"]  # "significant improvement", n = 25
    assert len(turan) == 3 and turan["yi"].notna().all()
    assert turan["basis"].str.contains("assumed threshold").all()


def test_pooling_sets_never_mix_estimands(curated, effects):
    cfg = curated[0]
    for spec in cfg["meta_analysis"]["sets"].values():
        chosen = select_for_pooling(effects, spec)
        assert chosen["study_id"].is_unique
        assert set(chosen["estimand"]) <= set(spec["estimands"])
        if spec["controlled_only"]:
            assert chosen["controlled"].all()


def test_uncontrolled_set_has_one_effect_per_study(curated, effects):
    chosen = select_for_pooling(effects, curated[0]["meta_analysis"]["sets"][
        "uncontrolled_magnesium_prepost"])
    assert sorted(chosen["study_id"]) == ["bagis2013", "engen2015", "macian2022", "turan"]
    assert chosen.set_index("study_id").at["macian2022", "outcome"] == "pain"


def test_reading_override_swaps_in_alternative(curated):
    cfg, summary, studies = curated
    chosen = select_readings(summary, {"mac_str_mm_pl_base_sd": "summary_site"})
    sd = chosen[(chosen["study_id"] == "macian2022") & (chosen["arm"] == "placebo")
                & (chosen["subgroup"] == "mild_moderate") & (chosen["outcome"] == "stress")
                & (chosen["timepoint"] == "baseline") & (chosen["statistic"] == "sd")]
    assert sd["value"].tolist() == [2.3]
    with pytest.raises(KeyError):
        select_readings(summary, {"mac_str_mm_pl_base_sd": "nope"})


def test_larger_assumed_n_narrows_the_interval(curated):
    cfg, summary, studies = curated
    base = Assumptions.from_config(cfg)
    bigger = dataclasses.replace(base, sample_sizes=tuple(
        (s, g, a, n * 2) for s, g, a, n in base.sample_sizes))
    e1 = build_effect_sizes(summary[summary["reading"] == "primary"], studies, base)
    e2 = build_effect_sizes(summary[summary["reading"] == "primary"], studies, bigger)
    key = "macian2022.all.stress.between_post.between"
    v1 = e1.set_index("es_id").at[key, "vi"]
    v2 = e2.set_index("es_id").at[key, "vi"]
    assert v2 < v1


def test_build_is_deterministic(curated):
    cfg, summary, studies = curated
    a = Assumptions.from_config(cfg)
    pd.testing.assert_frame_equal(build_effect_sizes(summary, studies, a),
                                  build_effect_sizes(summary, studies, a))


def test_effects_built_on_a_flagged_value_are_marked_and_never_pooled(curated):
    cfg, summary, studies = curated
    a = Assumptions.from_config(cfg)
    flagged = build_effect_sizes(select_readings(summary, {}), studies, a,
                                 {"mac_pain_mm_mg_base_sd"})
    marked = flagged[flagged["forensic_flags"] == "mac_pain_mm_mg_base_sd"]["es_id"]
    assert set(marked) == {"macian2022.mild_moderate.pain.between_change.between",
                           "macian2022.mild_moderate.pain.within_change.magnesium"}
    spec = cfg["meta_analysis"]["sets"]["controlled_subgroup_pain"]
    assert len(select_for_pooling(flagged, spec)) == 0
    unflagged = build_effect_sizes(select_readings(summary, {}), studies, a)
    assert len(select_for_pooling(unflagged, spec)) == 1
    # read back from CSV, an all-empty flag column is float NaN: still "no flag"
    assert len(select_for_pooling(unflagged.assign(forensic_flags=np.nan), spec)) == 1
