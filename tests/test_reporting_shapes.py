"""Reporting shapes of a two-arm continuous outcome that reach an effect: medians with IQR/range
(Wan et al. 2014 SD, Luo et al. 2018 mean) against independent references, their round trip
through the effect table, and proof that the pipeline calls the tested formulas. (MD + CI / SE /
t, SE-only arms and means + p round-trip in tests/reference/test_normand1999_metafor.py.)"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from reanalysis.data.load import load_table
from reanalysis.effects import formulas as es
from reanalysis.effects import sd_recovery as sdr
from reanalysis.effects.assumptions import Assumptions
from reanalysis.effects.build import build_effect_sizes
from reanalysis.effects.estimability import estimability
from reanalysis.meta.pooling import pool_sets, without_converted


@pytest.mark.parametrize("n", [10, 25, 50, 100, 400])
def test_wan_xi_is_the_expected_range_of_n_normals(n):
    # E[range of n standard normals] = ∫ 1 - Φ(x)^n - (1 - Φ(x))^n dx (Tippett 1925); Wan 2014's
    # ξ(n) is Blom's approximation of it (within about 0.5% from n = 10)
    exact = integrate.quad(
        lambda x: 1 - stats.norm.cdf(x) ** n - stats.norm.sf(x) ** n, -np.inf, np.inf
    )[0]
    assert sdr.sd_from_range(0.0, exact, n) == pytest.approx(1.0, rel=6e-3)


def test_estimators_recover_a_normal_mean_and_sd_by_simulation():
    # independent check: sample quartiles/ranges of simulated normal samples, converted, average
    # to the true mean and SD (Wan 2014 and Luo 2018 are built to be nearly unbiased here)
    rng = np.random.default_rng(20140101)
    n, mu, sigma = 60, 10.0, 3.0
    x = rng.normal(mu, sigma, size=(4000, n))
    q1, m, q3 = np.percentile(x, [25, 50, 75], axis=1)
    lo, hi = x.min(axis=1), x.max(axis=1)
    assert np.mean(sdr.mean_from_median_iqr(m, q1, q3, n)) == pytest.approx(mu, abs=0.02)
    assert np.mean(sdr.mean_from_median_range(m, lo, hi, n)) == pytest.approx(mu, abs=0.02)
    assert np.mean(sdr.mean_from_median_iqr_range(m, q1, q3, lo, hi, n)) == pytest.approx(mu, abs=0.02)
    assert np.mean(sdr.sd_from_iqr(q1, q3, n)) == pytest.approx(sigma, rel=0.02)
    assert np.mean(sdr.sd_from_range(lo, hi, n)) == pytest.approx(sigma, rel=0.02)
    assert np.mean(sdr.sd_from_iqr_range(q1, q3, lo, hi, n)) == pytest.approx(sigma, rel=0.02)


def test_luo_weights_as_published():
    # Luo 2018: S1 weight 4 / (4 + n^0.75); S3: (0.7 + 0.39/n) on the quartiles' midpoint
    assert sdr.mean_from_median_range(0.0, 0.0, 2.0, 16) == pytest.approx(4 / (4 + 8))
    assert sdr.mean_from_median_iqr(0.0, 0.0, 2.0, 39) == pytest.approx(0.71)
    w1, w2 = 2.2 / (2.2 + 16**0.75), 0.7 - 0.72 / 16**0.55
    assert sdr.mean_from_median_iqr_range(0.0, 0.0, 2.0, 0.0, 2.0, 16) == pytest.approx(w1 + w2)
    # and the IQR of a standard normal at large n: η(n) -> 2 z_0.75 = 1.349
    assert sdr.sd_from_iqr(-0.6744897501960817, 0.6744897501960817, 10**7) == pytest.approx(
        1.0, rel=1e-6
    )


@settings(max_examples=60, deadline=None)
@given(
    st.floats(-100, 100),
    st.floats(0.1, 10),
    st.floats(0.1, 5),
    st.floats(0.1, 5),
    st.floats(0.1, 5),
    st.floats(0.1, 5),
    st.integers(5, 2000),
)
def test_conversions_are_location_scale_equivariant(a, b, d1, d2, d3, d4, n):
    q1, m, q3 = 0.0, d1, d1 + d2
    lo, hi = -d3, q3 + d4
    mean = sdr.mean_from_median_iqr_range(m, q1, q3, lo, hi, n)
    sd = sdr.sd_from_iqr_range(q1, q3, lo, hi, n)
    shifted = [a + b * v for v in (m, q1, q3, lo, hi)]
    assert sdr.mean_from_median_iqr_range(*shifted, n) == pytest.approx(a + b * mean, abs=1e-9)
    assert sdr.sd_from_iqr_range(*shifted[1:], n) == pytest.approx(b * sd, rel=1e-9)
    # a symmetric five-number summary has mean = median
    assert sdr.mean_from_median_iqr_range(0, -d1, d1, -d1 - d3, d1 + d3, n) == pytest.approx(0, abs=1e-9)


_HEAD = (
    "row_id,study_id,arm,subgroup,outcome,instrument,scale_min,scale_max,lower_is_better,"
    "timepoint,statistic,value,n,reading,source,location,status,note\n"
)


def _tables(tmp_path, rows):
    (tmp_path / "s.csv").write_text(
        _HEAD
        + "".join(
            f"{r},{s},{a},all,stay,days,0,,true,end,{st_},{v},{n},primary,fixture,table,reported,\n"
            for r, s, a, st_, v, n in rows
        )
    )
    studies = {r[1] for r in rows}
    (tmp_path / "studies.csv").write_text(
        "study_id,citation,role,design,controlled,randomized,blinded,n_total,duration_weeks,"
        "source,status\n"
        + "".join(
            f"{s},Fixture,intervention,two groups,true,true,true,80,8,fixture,reported\n"
            for s in sorted(studies)
        )
    )
    (tmp_path / "arms.csv").write_text(
        "study_id,arm,role,description,source,status\n"
        + "".join(
            f"{s},care,intervention,x,fixture,reported\n{s},usual,comparator,y,fixture,reported\n"
            for s in sorted(studies)
        )
    )
    return (
        load_table("summary_stats", tmp_path / "s.csv"),
        load_table("studies", tmp_path / "studies.csv"),
        load_table("arms", tmp_path / "arms.csv"),
    )


MEDIAN_ROWS = [  # trial m: medians with IQR (care) and with IQR and range (usual); trial s: means/SDs
    ("m1", "trial_m", "care", "median", "12", "40"),
    ("m2", "trial_m", "care", "iqr_low", "8", "40"),
    ("m3", "trial_m", "care", "iqr_high", "19", "40"),
    ("m4", "trial_m", "care", "n", "40", ""),
    ("m5", "trial_m", "usual", "median", "15", "38"),
    ("m6", "trial_m", "usual", "iqr_low", "10", "38"),
    ("m7", "trial_m", "usual", "iqr_high", "24", "38"),
    ("m8", "trial_m", "usual", "range_low", "3", "38"),
    ("m9", "trial_m", "usual", "range_high", "60", "38"),
    ("m10", "trial_m", "usual", "n", "38", ""),
    ("s1", "trial_s", "care", "mean", "14", "50"),
    ("s2", "trial_s", "care", "sd", "9", "50"),
    ("s3", "trial_s", "usual", "mean", "18", "50"),
    ("s4", "trial_s", "usual", "sd", "11", "50"),
    ("m11", "trial_m", "care", "range_low", "2", ""),  # no range_high: a range needs both ends
]


def test_median_shapes_round_trip_into_the_effect_table(tmp_path):
    summary, studies, arms = _tables(tmp_path, MEDIAN_ROWS[:-1])
    e = build_effect_sizes(summary, studies, Assumptions(), arms=arms).set_index("es_id")
    row = e.loc["trial_m.all.stay.between_post.between"]
    m_c, sd_c = sdr.mean_from_median_iqr(12, 8, 19, 40), sdr.sd_from_iqr(8, 19, 40)
    m_u = sdr.mean_from_median_iqr_range(15, 10, 24, 3, 60, 38)
    sd_u = sdr.sd_from_iqr_range(10, 24, 3, 60, 38)
    md, var = es.mean_difference(m_c, sd_c, 40, m_u, sd_u, 38)
    assert row["md"] == pytest.approx(-md) and row["md_var"] == pytest.approx(var)  # lower = better
    g, vg = es.smd_independent(m_c, sd_c, 40, m_u, sd_u, 38)
    assert (row["yi"], row["vi"]) == pytest.approx((-g, vg))
    assert "Luo et al. 2018" in row["conversion"] and "Wan et al. 2014" in row["conversion"]
    assert "IQR and range" in row["conversion"] and row["status"] == "derived (assumption-dependent)"
    assert {"m1", "m2", "m3", "m5", "m9", "m10"} <= set(row["source_rows"].split())
    assert e.loc["trial_s.all.stay.between_post.between", "conversion"] == ""


def test_converted_effects_are_explored_in_sensitivity_and_a_half_summary_is_listed(tmp_path):
    summary, studies, arms = _tables(tmp_path, MEDIAN_ROWS)
    e = build_effect_sizes(summary, studies, Assumptions(), arms=arms)
    spec = {
        "label": "x",
        "controlled_only": True,
        "estimands": ["between_post"],
        "subgroups": ["all"],
        "roles": ["between"],
        "outcomes": ["stay"],
        "measure": "MD",
    }
    meta = {
        "methods": ["REML"],
        "primary_method": "REML",
        "knha": True,
        "level": 0.95,
        "sets": {"md": spec},
    }
    assert pool_sets(e, meta).iloc[0]["k"] == 2
    alone = without_converted(e, meta).iloc[0]
    assert alone["k"] == 1 and alone["studies"] == "trial_s.all.stay.between_post.between"
    table = estimability(summary, summary, e, arms, studies).set_index("row_id")
    assert list(table.index) == ["m11"] and "median" in table.loc["m11", "reason"]


def test_the_pipeline_calls_the_tested_formulas(tmp_path, monkeypatch):
    summary, studies, arms = _tables(tmp_path, MEDIAN_ROWS[10:14])
    key = "trial_s.all.stay.between_post.between"
    before = build_effect_sizes(summary, studies, Assumptions(), arms=arms).set_index("es_id").loc[key]
    monkeypatch.setattr(
        es, "hedges_g", lambda md, sd, n1, n2, exact=True: (np.asarray(7.0), np.asarray(0.5))
    )
    monkeypatch.setattr(es, "mean_difference", lambda *a: (np.asarray(0.0), np.asarray(3.0)))
    monkeypatch.setattr(es, "ratio_of_means", lambda *a: (np.asarray(0.25), np.asarray(0.125)))
    after = build_effect_sizes(summary, studies, Assumptions(), arms=arms).set_index("es_id").loc[key]
    assert (before["yi"], before["md_var"]) != (7.0, 3.0)
    assert (abs(after["yi"]), after["vi"], after["md_var"]) == (7.0, 0.5, 3.0)
    assert (abs(after["rom"]), after["rom_var"]) == (0.25, 0.125)


def test_md_set_on_two_instruments_is_an_error_naming_it(tmp_path):
    summary, studies, arms = _tables(tmp_path, MEDIAN_ROWS[10:14])
    other = summary.copy()
    other["study_id"], other["instrument"] = "trial_t", "hours"
    other["row_id"] = other["row_id"] + "t"
    both = pd.concat([summary, other], ignore_index=True)
    studies = pd.concat([studies, studies.assign(study_id="trial_t")], ignore_index=True)
    arms = pd.concat([arms, arms.assign(study_id="trial_t")], ignore_index=True)
    e = build_effect_sizes(both, studies, Assumptions(), arms=arms)
    spec = {
        "label": "x",
        "controlled_only": True,
        "estimands": ["between_post"],
        "subgroups": ["all"],
        "roles": ["between"],
        "outcomes": ["stay"],
        "measure": "MD",
    }
    meta = {"methods": ["REML"], "primary_method": "REML", "knha": True, "level": 0.95}
    with pytest.raises(ValueError, match=r"'two'.*measure MD.*days, hours"):
        pool_sets(e, meta | {"sets": {"two": spec}})
    assert pool_sets(e, meta | {"sets": {"two": spec | {"measure": "SMD"}}}).iloc[0]["k"] == 2
