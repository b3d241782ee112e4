"""Effect-size table built from the long data: hand-computed values, the evidence hierarchy (a
reported p fixes the SE; n implied by the reported figures), arm roles as data, pooling rules."""

import dataclasses

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats

from reanalysis.checks import forensics
from reanalysis.config import load_config
from reanalysis.data.load import load_table
from reanalysis.data.tables import select_readings
from reanalysis.effects.assumptions import Assumptions
from reanalysis.effects.build import build_effect_sizes, implied_assumptions
from reanalysis.effects.estimability import estimability
from reanalysis.meta.pooling import SINGLE, EmptyPoolingSetError, pool_sets, select_for_pooling


@pytest.fixture(scope="module")
def curated(root):
    cfg = load_config(root / "config/config.yaml")
    summary = load_table("summary_stats", root / "data/summary_stats.csv")
    studies = load_table("studies", root / "data/studies.csv")
    arms = load_table("arms", root / "data/arms.csv")
    return cfg, summary, studies, arms


@pytest.fixture(scope="module")
def flagged(root, curated):
    """Rows the forensic SD check flags (as the workflow passes them from forensics.csv)."""
    cfg, summary, _, _ = curated
    ranges = load_table("score_ranges", root / "data/score_ranges.csv")
    return frozenset(
        r["row_id"] for r in forensics.sd_checks(summary, ranges, cfg) if r["verdict"] == "flag"
    )


@pytest.fixture(scope="module")
def effects(curated, flagged):
    cfg, summary, studies, arms = curated
    return build_effect_sizes(
        select_readings(summary, {}), studies, Assumptions.from_config(cfg), flagged, arms=arms
    )


def _one(effects, es_id):
    hit = effects[effects["es_id"] == es_id]
    assert len(hit) == 1, es_id
    return hit.iloc[0]


def _n_reproducing(md, sd, p):
    """Reference: the per-arm n at which scipy's two-sample t-test gives p (independent solver)."""
    return optimize.brentq(lambda n: stats.ttest_ind_from_stats(md, sd, n, 0, sd, n)[1] - p, 2.5, 1e4)


PAIN = "macian2022.mild_moderate.pain.between_change.between"


def test_macian_pain_reproduces_the_reported_p(curated, effects):
    # Mg 5.7±1.3 -> 5.1±1.7, placebo 5.3±0.7 -> 5.6±1.2, p = 0.029 reported, r = 0.5 assumed
    row = _one(effects, PAIN)
    sd1 = np.sqrt(1.3**2 + 1.7**2 - 2 * 0.5 * 1.3 * 1.7)
    sd2 = np.sqrt(0.7**2 + 1.2**2 - 2 * 0.5 * 0.7 * 1.2)
    n = round(_n_reproducing(0.9, np.sqrt((sd1**2 + sd2**2) / 2), 0.029))
    assert n == 22  # the "about 22 per arm at r = 0.5"
    assert row["n1"] == row["n2"] == n and "implied by reported p_value = 0.029" in row["assumptions"]
    # the same facts, typed: n implied by the p, the configured r imputes the change SDs
    assert row["n_source"] == "implied" and row["n_used"] == n
    assert row["r_used"] == curated[0]["assumptions"]["prepost_correlation"]["value"]
    assert np.isnan(row["p_threshold_used"])
    assert row["md"] == pytest.approx(0.9)
    # the difference and its t-based CI give back p = 0.029 (Handbook 6.5.2.3)
    se = np.sqrt(row["md_var"])
    assert 2 * stats.t.sf(row["md"] / se, 2 * n - 2) == pytest.approx(0.029, rel=1e-9)
    q = stats.t.ppf(0.975, 2 * n - 2)
    assert (row["md_ci_low"], row["md_ci_high"]) == pytest.approx((0.9 - q * se, 0.9 + q * se))
    assert row["md_ci_low"] > 0
    # n was solved from this p: the means/SDs give it back by construction (a check that cannot
    # fail is not called 'reproduced'); the range of n that gives it back is what it shows
    assert row["p_check"] == "consistent by construction"
    assert row["p_reanalysed"] == pytest.approx(0.029, abs=1e-3)
    assert row["p_n_low"] <= 15 and row["p_n_high"] >= 37  # the 15-37 at r = 0.5 alone
    # SMD: J * MD / SD implied by the SE (SD = SE / sqrt(2/n))
    j = 1 - 3 / (4 * (2 * n - 2) - 1)  # Hedges' J, approximate form
    assert row["yi"] == pytest.approx(j * 0.9 / (se / np.sqrt(2 / n)), rel=2e-3)


def test_assumed_n_that_contradicts_the_p_is_flagged_with_the_reason(curated):
    cfg, summary, studies, arms = curated
    base = Assumptions.from_config(cfg)
    small = dataclasses.replace(
        base,
        size_ranges=tuple(
            (s, g, a, 5, 10) for s, g, a, _, _ in base.size_ranges if g == "mild_moderate"
        ),
        sample_sizes=tuple((s, g, a, 10) for s, g, a, _ in base.sample_sizes),
    )
    e = build_effect_sizes(select_readings(summary, {}), studies, small, arms=arms)
    pain = _one(e, PAIN)
    assert pain["n1"] == 10 and pain["p_check"] == "not reproduced"
    assert pain["n_source"] == "assumed" and pain["n_used"] == 10
    assert "n ≈ 22 per arm" in pain["p_check_detail"] and "r ≈ 0.83" in pain["p_check_detail"]
    assert pain["p_reanalysed_low"] > 0.029 + 0.0005  # the figure that disagrees, typed
    stress = _one(e, "macian2022.mild_moderate.stress.between_change.between")
    assert stress["p_check"] == "not reproduced" and "n ≈ 16 per arm" in stress["p_check_detail"]
    # inverting p = 0.003 at 10 per arm gives the g = 1.47
    assert stress["yi"] == pytest.approx(1.47, abs=0.01)


def test_whole_sample_stress_post(effects):
    row = _one(effects, "macian2022.all.stress.between_post.between")
    assert row["md"] == pytest.approx(-0.2)  # 21.8 vs 21.6, lower is better
    assert row["yi"] < 0 and row["p_check"] == "consistent by construction"  # n solved from it
    assert round(2 * stats.t.sf(0.2 / np.sqrt(row["md_var"]), row["n1"] + row["n2"] - 2), 3) == 0.930


def test_engen_from_p_value(effects):
    row = _one(effects, "engen2015.all.symptom_severity.within_change.magnesium")
    dz = stats.t.isf(0.0005, 23) / np.sqrt(24)
    assert row["yi"] == pytest.approx(dz * np.sqrt(2 * 0.5), rel=0.04)  # J(23) ~ 0.967
    assert row["n1"] == 24


def test_direction_only_rows_are_not_estimable(effects):
    direction_only = effects[effects["study_id"] == "abraham1992"]  # improvement, no p or n
    assert len(direction_only) == 1 and direction_only["yi"].isna().all()
    assert (direction_only["status"] == "not estimable").all()


def test_significant_only_rows_use_the_assumed_threshold(curated, effects):
    turan = effects[effects["study_id"] == "turan"]  # "significant improvement", n = 25
    assert len(turan) == 3 and turan["yi"].notna().all()
    assert turan["basis"].str.contains("assumed threshold").all()
    threshold = curated[0]["assumptions"]["p_threshold_significant"]["value"]
    assert (turan["p_threshold_used"] == threshold).all() and (turan["n_source"] == "reported").all()
    # set exactly where the p was set to the threshold (no other row has one)
    assert (
        effects["p_threshold_used"].notna().eq(effects["basis"].str.contains("assumed threshold")).all()
    )


def test_implied_table_matches_an_independent_solver(curated):
    cfg, summary, _, arms = curated
    table = implied_assumptions(select_readings(summary, {}), arms, cfg)
    pain = table[(table["row_id"] == "mac_pain_mm_between_p") & (table["solve_for"] == "n per arm")]
    for r, expect in ((0.2, 33), (0.5, 22), (0.8, 11)):
        got = pain.loc[pain["r"] == r, "implied"].iloc[0]
        sd1 = np.sqrt(1.3**2 + 1.7**2 - 2 * r * 1.3 * 1.7)
        sd2 = np.sqrt(0.7**2 + 1.2**2 - 2 * r * 0.7 * 1.2)
        assert got == pytest.approx(_n_reproducing(0.9, np.sqrt((sd1**2 + sd2**2) / 2), 0.029), rel=1e-6)
        assert round(got) == expect
    end = pain[pain["analysis"] == "end-of-treatment scores"].iloc[0]
    assert round(end["implied"]) == 84 and not end["in_assumed_range"]
    r10 = table[
        (table["row_id"] == "mac_pain_mm_between_p") & (table["solve_for"] == "r") & (table["n"] == 10)
    ]["implied"].iloc[0]
    assert r10 == pytest.approx(0.83, abs=0.01)  # the "r ≈ 0.83 at 10 per arm"
    stress_end = table[
        (table["row_id"] == "mac_str_mm_between_p") & (table["analysis"] == "end-of-treatment scores")
    ].iloc[0]
    assert 17 <= stress_end["implied"] <= 18  # "17-18 per arm"


def test_pooling_sets_never_mix_estimands(curated, effects):
    cfg = curated[0]
    for spec in cfg["meta_analysis"]["sets"].values():
        chosen = select_for_pooling(effects, spec)
        assert chosen["study_id"].is_unique
        assert set(chosen["estimand"]) <= set(spec["estimands"])
        assert not {"between_change", "between_post"} <= set(chosen["estimand"])
        if spec["controlled_only"]:
            assert chosen["controlled"].all()


def test_change_and_final_value_smds_are_never_pooled_together(effects):
    spec = {
        "estimands": ["between_change", "between_post"],
        "subgroups": ["all"],
        "roles": ["between"],
        "outcomes": ["stress"],
        "controlled_only": True,
    }
    with pytest.raises(ValueError, match="never pooled together"):
        select_for_pooling(effects, spec)


def test_uncontrolled_set_has_one_effect_per_study(curated, effects):
    chosen = select_for_pooling(
        effects, curated[0]["meta_analysis"]["sets"]["uncontrolled_magnesium_prepost"]
    )
    # whole samples of arms without a control group; the trial's subgroup arm is not among them
    assert sorted(chosen["study_id"]) == ["bagis2013", "engen2015", "turan"]
    assert (chosen["subgroup"] == "all").all()


def test_reading_override_swaps_in_alternative(curated):
    cfg, summary, studies, arms = curated
    chosen = select_readings(summary, {"mac_str_mm_pl_base_sd": "summary_site"})
    sd = chosen[
        (chosen["study_id"] == "macian2022")
        & (chosen["arm"] == "placebo")
        & (chosen["subgroup"] == "mild_moderate")
        & (chosen["outcome"] == "stress")
        & (chosen["timepoint"] == "baseline")
        & (chosen["statistic"] == "sd")
    ]
    assert sd["value"].tolist() == [2.3]
    with pytest.raises(KeyError):
        select_readings(summary, {"mac_str_mm_pl_base_sd": "nope"})


def test_larger_assumed_n_narrows_the_interval_where_no_p_is_reported(curated):
    cfg, summary, studies, arms = curated
    base = Assumptions.from_config(cfg)
    bigger = dataclasses.replace(
        base, sample_sizes=tuple((s, g, a, n * 2) for s, g, a, n in base.sample_sizes)
    )
    primary = summary[(summary["reading"] == "primary") & (summary["statistic"] != "p_value")]
    e1 = build_effect_sizes(primary, studies, base, arms=arms)
    e2 = build_effect_sizes(primary, studies, bigger, arms=arms)
    key = "macian2022.all.stress.between_post.between"
    assert e2.set_index("es_id").at[key, "vi"] < e1.set_index("es_id").at[key, "vi"]


def test_build_is_deterministic(curated):
    cfg, summary, studies, arms = curated
    a = Assumptions.from_config(cfg)
    pd.testing.assert_frame_equal(
        build_effect_sizes(summary, studies, a, arms=arms),
        build_effect_sizes(summary, studies, a, arms=arms),
    )


def test_effects_built_on_a_flagged_value_are_marked_and_never_pooled(curated):
    cfg, summary, studies, arms = curated
    a = Assumptions.from_config(cfg)
    flagged = build_effect_sizes(
        select_readings(summary, {}), studies, a, {"mac_pain_mm_mg_base_sd"}, arms=arms
    )
    marked = flagged[flagged["forensic_flags"] == "mac_pain_mm_mg_base_sd"]["es_id"]
    assert set(marked) == {PAIN, "macian2022.mild_moderate.pain.within_change.magnesium"}
    spec = cfg["meta_analysis"]["sets"]["controlled_subgroup_pain"]
    assert len(select_for_pooling(flagged, spec)) == 0
    unflagged = build_effect_sizes(select_readings(summary, {}), studies, a, arms=arms)
    assert len(select_for_pooling(unflagged, spec)) == 1
    # read back from CSV, an all-empty flag column is float NaN: still "no flag"
    assert len(select_for_pooling(unflagged.assign(forensic_flags=np.nan), spec)) == 1


# --- arm roles are data: another study, other arm names, SEs instead of SDs ------------------------
@pytest.fixture(scope="module")
def fixture_tables(root):
    d = root / "tests/fixtures/roles"
    return (
        load_table("summary_stats", d / "summary_stats.csv"),
        load_table("studies", d / "studies.csv"),
        load_table("arms", d / "arms.csv"),
    )


def test_other_arm_names_and_se_only_study_flow_into_effects_and_pooling(fixture_tables):
    summary, studies, arms = fixture_tables
    e = build_effect_sizes(summary, studies, Assumptions(), arms=arms).set_index("es_id")
    # trial_a reports SEs only: SD = SE sqrt(n) (Handbook 6.5.2.2); comparator named 'control'
    a = e.loc["trial_a.all.pain.between_post.between"]
    sd1, sd2 = 0.5 * np.sqrt(15), 0.45 * np.sqrt(15)
    sp = np.sqrt((sd1**2 + sd2**2) / 2)
    j = 1 - 3 / (4 * 28 - 1)
    assert a["yi"] == pytest.approx(j * 1.0 / sp, rel=1e-3)  # 4.5 vs 5.5, lower is better
    assert "SD from SE" in a["basis"]
    assert e.loc["trial_a.all.pain.within_change.mgcit", "yi"] > 0
    # trial_b: intervention named 'active'; its reported p is reproduced by its means/SDs/n
    b = e.loc["trial_b.all.pain.between_post.between"]
    assert b["p_check"] == "reproduced"
    spec = {
        "label": "x",
        "controlled_only": True,
        "estimands": ["between_post"],
        "subgroups": ["all"],
        "roles": ["between"],
        "outcomes": ["pain"],
    }
    meta = {
        "methods": ["REML"],
        "primary_method": "REML",
        "knha": True,
        "level": 0.95,
        "sets": {
            "controlled": spec,
            "prepost": spec
            | {"controlled_only": False, "estimands": ["within_change"], "roles": ["intervention"]},
        },
    }
    pooled = pool_sets(e.reset_index(), meta).set_index("set")
    assert pooled.loc["controlled", "k"] == 2 and pooled.loc["controlled", "status"] == "pooled"
    assert pooled.loc["prepost", "k"] == 1 and pooled.loc["prepost", "status"] == SINGLE


def test_a_row_that_cannot_be_used_is_listed_with_its_reason(fixture_tables):
    summary, studies, arms = fixture_tables
    e = build_effect_sizes(summary, studies, Assumptions(), arms=arms)
    table = estimability(summary, summary, e, arms, studies).set_index("row_id")
    assert list(table.index) == ["c_int_end_mean"]
    assert "no estimand is complete" in table.loc["c_int_end_mean", "reason"]


def test_every_shipped_row_is_used_or_listed(curated, effects):
    cfg, summary, studies, arms = curated
    table = estimability(summary, select_readings(summary, {}), effects, arms, studies)
    used = set(" ".join(effects.loc[effects["yi"].notna(), "source_rows"]).split())
    assert set(summary["row_id"]) == used | set(table["row_id"])
    assert not used & set(table["row_id"])
    assert table["reason"].str.len().min() > 10


def test_single_study_set_is_one_row_with_a_t_interval(effects):
    spec = {
        "label": "x",
        "controlled_only": True,
        "estimands": ["between_change"],
        "subgroups": ["mild_moderate"],
        "roles": ["between"],
        "outcomes": ["pain"],
    }
    pooled = pool_sets(
        effects,
        {
            "methods": ["REML", "DL"],
            "primary_method": "REML",
            "knha": True,
            "level": 0.95,
            "sets": {"one": spec},
        },
    )
    assert len(pooled) == 1 and pooled.iloc[0]["status"] == SINGLE
    assert pooled.iloc[0]["method"] == "REML"  # the primary method's name, for lookups only
    assert np.isnan(pooled.iloc[0]["tau2"])
    row, eff = pooled.iloc[0], _one(effects, PAIN)
    q = stats.t.ppf(0.975, eff["n1"] + eff["n2"] - 2)
    assert row["ci_low"] == pytest.approx(eff["yi"] - q * np.sqrt(eff["vi"]))


def test_empty_pooling_set_is_an_error_naming_it(effects):
    spec = {
        "label": "x",
        "controlled_only": True,
        "estimands": ["between_change"],
        "subgroups": ["all"],
        "roles": ["between"],
        "outcomes": ["no_such_outcome"],
    }
    with pytest.raises(EmptyPoolingSetError, match="'nothing_here'"):
        pool_sets(
            effects,
            {
                "methods": ["REML"],
                "primary_method": "REML",
                "knha": True,
                "level": 0.95,
                "sets": {"nothing_here": spec},
            },
        )


@pytest.mark.parametrize(
    ("kind", "rows"),
    [
        ("t", [("t", -1.2247449)]),  # 4.0 vs 5.0, SD 2, n 12 per arm: t = -1 / (2 sqrt(2/12))
        ("ci", [("ci_low", -2.6935), ("ci_high", 0.6935)]),
        ("se", [("se", 0.8164966)]),
    ],
)
def test_every_reported_between_statistic_fixes_the_se(fixture_tables, kind, rows):
    summary, studies, arms = fixture_tables
    p_row = summary[summary["row_id"] == "b_between_p"].iloc[0]
    new = [p_row.copy() for _ in rows]
    for r, (stat, value) in zip(new, rows, strict=True):
        r["statistic"], r["value"], r["row_id"] = stat, value, f"b_{stat}"
        r["value_decimals"] = len(str(value).split(".")[1])
    data = pd.concat([summary[summary["row_id"] != "b_between_p"], pd.DataFrame(new)], ignore_index=True)
    e = build_effect_sizes(data, studies, Assumptions(), arms=arms).set_index("es_id")
    b = e.loc["trial_b.all.pain.between_post.between"]
    se = 2.0 * np.sqrt(2 / 12)  # what the means/SDs/n give; every statistic above encodes it
    assert np.sqrt(b["md_var"]) == pytest.approx(se, rel=1e-3)
    assert f"SE from the reported {kind}" in b["basis"]
    assert b["p_check"] == "reproduced"
    assert all(r["row_id"] in b["source_rows"] for r in new)


# --- reported change scores come first; means with a reported test but no SDs -------------------
_HEAD = (
    "row_id,study_id,arm,subgroup,outcome,instrument,scale_min,scale_max,lower_is_better,"
    "timepoint,statistic,value,n,reading,source,location,status,note\n"
)


def _change_fixture(tmp_path):
    rows = [  # trial_d: change means and SDs per arm + a between-arm p; trial_e: change means + p
        ("d1", "trial_d", "active", "change", "mean", "-3.41", "48"),
        ("d2", "trial_d", "active", "change", "sd", "4.05", "48"),
        ("d3", "trial_d", "active", "baseline", "mean", "7.84", "48"),
        ("d4", "trial_d", "active", "baseline", "sd", "5.68", "48"),
        ("d5", "trial_d", "active", "end", "mean", "4.44", "48"),
        ("d6", "trial_d", "active", "end", "sd", "5.66", "48"),
        ("d7", "trial_d", "control", "change", "mean", "-3.03", "46"),
        ("d8", "trial_d", "control", "change", "sd", "4.53", "46"),
        ("d9", "trial_d", "control", "baseline", "mean", "8.51", "46"),
        ("d10", "trial_d", "control", "baseline", "sd", "5.20", "46"),
        ("d11", "trial_d", "control", "end", "mean", "5.48", "46"),
        ("d12", "trial_d", "control", "end", "sd", "4.93", "46"),
        ("d13", "trial_d", "between", "change", "p_value", "0.67", ""),
        ("e1", "trial_e", "active", "change", "mean", "-3.4", "87"),
        ("e2", "trial_e", "control", "change", "mean", "-2.6", "88"),
        ("e3", "trial_e", "between", "change", "p_value", "0.01", ""),
    ]
    (tmp_path / "s.csv").write_text(
        _HEAD
        + "".join(
            f"{r},{s},{a},all,cramps,count,0,,true,{tp},{st},{v},{n},primary,fixture,abstract,"
            "reported,\n"
            for r, s, a, tp, st, v, n in rows
        )
    )
    (tmp_path / "studies.csv").write_text(
        "study_id,citation,role,design,controlled,randomized,blinded,n_total,duration_weeks,"
        "source,status\n"
        + "".join(
            f"{s},Fixture,intervention,randomized placebo-controlled,"
            "true,true,true,94,8,fixture,reported\n"
            for s in ("trial_d", "trial_e")
        )
    )
    (tmp_path / "arms.csv").write_text(
        "study_id,arm,role,description,source,status\n"
        + "".join(
            f"{s},active,intervention,x,fixture,reported\n{s},control,comparator,y,fixture,reported\n"
            for s in ("trial_d", "trial_e")
        )
    )
    return (
        load_table("summary_stats", tmp_path / "s.csv"),
        load_table("studies", tmp_path / "studies.csv"),
        load_table("arms", tmp_path / "arms.csv"),
    )


def test_reported_change_sds_are_used_before_imputing_from_r(tmp_path):
    summary, studies, arms = _change_fixture(tmp_path)
    e = build_effect_sizes(summary, studies, Assumptions(r=0.5), arms=arms).set_index("es_id")
    d = e.loc["trial_d.all.cramps.between_change.between"]
    # the reported change SDs reproduce the reported p (pooled t-test, df 92); with baseline/end
    # SDs and r = 0.5 they would not
    sp = np.sqrt((47 * 4.05**2 + 45 * 4.53**2) / 92)
    p = 2 * stats.t.sf(0.38 / (sp * np.sqrt(1 / 48 + 1 / 46)), 92)
    assert p == pytest.approx(0.67, abs=0.005)
    assert d["p_check"] == "reproduced" and "r=" not in str(d["assumptions"])
    assert np.isnan(d["r_used"]) and d["n_source"] == "reported" and np.isnan(d["n_used"])


def test_means_without_sds_use_the_reported_p_for_the_se(tmp_path):
    summary, studies, arms = _change_fixture(tmp_path)
    e = build_effect_sizes(summary, studies, Assumptions(), arms=arms).set_index("es_id")
    row = e.loc["trial_e.all.cramps.between_change.between"]
    # Handbook 6.5.2.3: SE = MD / t(1 - p/2, df), SD = SE / sqrt(1/n1 + 1/n2), g = J MD / SD
    se = 0.8 / stats.t.isf(0.005, 173)
    j = 1 - 3 / (4 * 173 - 1)
    assert row["md"] == pytest.approx(0.8) and row["md_var"] == pytest.approx(se**2, rel=1e-9)
    assert row["yi"] == pytest.approx(j * 0.8 / (se / np.sqrt(1 / 87 + 1 / 88)), rel=1e-3)
    assert row["p_check"] == "" and row["p_check_detail"].startswith("not checkable")


# --- a p check says what it tests: reproduced / consistent by construction / not reproduced ------
def _p_fixture(tmp_path, p, with_n):
    """Two arms, end means 4.0 vs 5.0 (SD 2.0 each, lower is better) and a between-arm p; n = 12
    per arm reported on every row, or not reported (then solved from the p)."""
    n = "12" if with_n else ""
    rows = [
        ("m1", "active", "end", "mean", "4.0", n),
        ("s1", "active", "end", "sd", "2.0", n),
        ("m2", "control", "end", "mean", "5.0", n),
        ("s2", "control", "end", "sd", "2.0", n),
        ("p", "between", "end", "p_value", p, ""),
    ]
    (tmp_path / "s.csv").write_text(
        _HEAD
        + "".join(
            f"{r},trial_p,{a},all,pain,nrs,0,10,true,{tp},{st},{v},{nn},primary,fixture,abstract,"
            "reported,\n"
            for r, a, tp, st, v, nn in rows
        )
    )
    (tmp_path / "studies.csv").write_text(
        "study_id,citation,role,design,controlled,randomized,blinded,n_total,duration_weeks,"
        "source,status\ntrial_p,Fixture,intervention,randomized placebo-controlled,true,true,"
        "true,24,8,fixture,reported\n"
    )
    (tmp_path / "arms.csv").write_text(
        "study_id,arm,role,description,source,status\ntrial_p,active,intervention,x,fixture,"
        "reported\ntrial_p,control,comparator,y,fixture,reported\n"
    )
    summary = load_table("summary_stats", tmp_path / "s.csv")
    e = build_effect_sizes(
        summary,
        load_table("studies", tmp_path / "studies.csv"),
        Assumptions(),
        arms=load_table("arms", tmp_path / "arms.csv"),
    )
    return e.set_index("es_id").loc["trial_p.all.pain.between_post.between"]


def test_p_that_the_reported_figures_cannot_give_is_not_reproduced(tmp_path):
    # at n = 12 per arm, MD 1.0 with SD 2.0 gives p = 0.23 (scipy); MD 0.95-1.05 and SD 1.95-2.05
    # give 0.19-0.26: a reported p = 0.01 is not reproduced, and the figure that disagrees is typed
    p_true = stats.ttest_ind_from_stats(4.0, 2.0, 12, 5.0, 2.0, 12)[1]
    assert 0.2 < p_true < 0.26
    row = _p_fixture(tmp_path, "0.01", with_n=True)
    assert row["p_check"] == "not reproduced"
    assert row["p_reanalysed_low"] > 0.015 and "p = 0.01" in row["p_check_detail"]
    assert row["p_reanalysed"] == pytest.approx(p_true, rel=1e-9)


def test_p_from_independent_inputs_is_reproduced(tmp_path):
    p_true = stats.ttest_ind_from_stats(4.0, 2.0, 12, 5.0, 2.0, 12)[1]
    row = _p_fixture(tmp_path, f"{p_true:.2f}", with_n=True)
    assert row["p_check"] == "reproduced" and np.isnan(row["p_n_low"])


def test_p_whose_n_was_solved_from_it_is_consistent_by_construction(tmp_path):
    row = _p_fixture(tmp_path, "0.01", with_n=False)  # the same p, n now solved from it
    n = _n_reproducing(1.0, 2.0, 0.01)
    assert row["n1"] == round(n) and row["p_check"] == "consistent by construction"
    # the range of n that gives p = 0.01 back: each mean ± 0.05 (MD 0.9-1.1), SD 1.95-2.05,
    # p 0.005-0.015
    lo, hi = _n_reproducing(1.1, 1.95, 0.015), _n_reproducing(0.9, 2.05, 0.005)
    assert row["p_n_low"] == np.ceil(lo) and row["p_n_high"] == np.floor(hi)
    assert "by construction" in row["p_check_detail"]


def test_measured_but_not_reported_rows_give_no_effect_and_say_why(curated, effects):
    """Bagis 2013's pain, pain threshold and anxiety (measured, no result reported) give no
    effect, and estimability.csv lists each with its own reason (not the generic one)."""
    cfg, summary, studies, arms = curated
    silent = summary[summary["statistic"] == "not_reported"]
    assert len(silent) == 3
    assert not set(silent["row_id"]) & set(" ".join(effects["source_rows"].fillna("")).split())
    table = estimability(summary, select_readings(summary, {}), effects, arms, studies)
    reasons = table.set_index("row_id").loc[list(silent["row_id"]), "reason"]
    assert reasons.str.startswith("measured (the source says so) but no result reported").all()
