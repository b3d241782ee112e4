"""Crossover trials are analysed as paired (Cochrane Handbook 23.2.6-23.2.7; Elbourne et al. 2002):
the formulas against the Handbook's worked example and scipy's paired t-test, and the shipped
crossover (Frusso 1999, cases/mg_leg_cramps) through effects, forensics and patient totals."""

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.special import gammaln

from reanalysis.checks.forensics import p_value_checks
from reanalysis.config import load_config
from reanalysis.data.errors import DataValidationError
from reanalysis.data.load import load_table
from reanalysis.data.tables import select_readings
from reanalysis.effects import crossover as cx
from reanalysis.effects.assumptions import Assumptions
from reanalysis.effects.build import build_effect_sizes
from reanalysis.report.summary_of_findings import _n


def test_handbook_worked_example():
    # Handbook 5.1 §16.4.6.4 (= 6.x 23.2.7): E 7.0 (SD 2.38), C 6.5 (SD 2.21), N = 10, Corr 0.68
    # gives SE(MD) 0.583, SMD 0.218 and SE(SMD) 0.256; computed here from the printed formulas
    sd_diff = np.sqrt(2.38**2 + 2.21**2 - 2 * 0.68 * 2.38 * 2.21)
    assert sd_diff / np.sqrt(10) == pytest.approx(0.583, abs=5e-4)
    assert cx.se_paired(2.38, 2.21, 10, 0.68) == pytest.approx(sd_diff / np.sqrt(10), rel=1e-12)
    d, vd = cx.smd_paired(0.5, 2.38, 2.21, 10, 0.68)
    assert d == pytest.approx(0.218, abs=5e-4)
    assert np.sqrt(vd) == pytest.approx(0.256, abs=5e-4)
    # the correlation a reported SE implies inverts SD_diff^2 = SD_E^2 + SD_C^2 - 2 r SD_E SD_C
    assert cx.r_from_se(sd_diff / np.sqrt(10), 2.38, 2.21, 10) == pytest.approx(0.68, rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.integers(5, 60), st.floats(-0.8, 0.9), st.integers(0, 10_000))
def test_paired_p_equals_scipys_paired_t_test(n, rho, seed):
    rng = np.random.default_rng(seed)
    x = rng.multivariate_normal([0.3, 0.0], [[1.0, rho], [rho, 1.0]], size=n)
    e, c = x[:, 0], x[:, 1]
    r = np.corrcoef(e, c)[0, 1]
    p = cx.p_paired(e.mean() - c.mean(), e.std(ddof=1), c.std(ddof=1), n, r)
    assert p == pytest.approx(stats.ttest_rel(e, c).pvalue, rel=1e-7, abs=1e-12)


@pytest.fixture(scope="module")
def cramps(root):
    d = root / "cases/mg_leg_cramps"
    cfg = load_config(d / "config/config.yaml")
    summary = load_table("summary_stats", d / "data/summary_stats.csv")
    studies = load_table("studies", d / "data/studies.csv")
    arms = load_table("arms", d / "data/arms.csv")
    return cfg, select_readings(summary, {}), studies, arms


def test_frusso_is_paired_with_df_41_and_its_se_from_the_reported_p(cramps):
    cfg, summary, studies, arms = cramps
    assert studies.set_index("study_id").at["frusso1999", "allocation"] == "crossover"
    e = build_effect_sizes(summary, studies, Assumptions.from_config(cfg), arms=arms)
    row = e.set_index("es_id").loc["frusso1999.all.cramp_frequency.between_post.between"]
    # 11.8 (7.6) on magnesium vs 11.1 (7.3) on placebo, P = .59, 42 completers in both periods
    assert row["design"] == "crossover" and row["md_df"] == 41 and row["patients"] == 42
    se = 0.7 / stats.t.isf(0.59 / 2, 41)  # Handbook: SE of the paired MD from p, df = N - 1
    assert np.sqrt(row["md_var"]) == pytest.approx(se, rel=1e-9)
    assert row["md"] == pytest.approx(-0.7)  # fewer cramps is better: magnesium slightly worse
    r = (7.6**2 + 7.3**2 - 42 * se**2) / (2 * 7.6 * 7.3)  # the r that SE implies
    d = -0.7 / np.sqrt((7.6**2 + 7.3**2) / 2)
    j = np.exp(gammaln(20.5) - 0.5 * np.log(20.5) - gammaln(20))  # exact Hedges J, df = 41
    assert row["yi"] == pytest.approx(j * d, rel=1e-9)
    assert row["vi"] == pytest.approx(j**2 * (1 / 42 + d**2 / 84) * 2 * (1 - r), rel=1e-9)
    assert row["p_check"] == "reproduced"  # a paired test at some r in the assumed range
    assert f"r = {r:.2f}" in row["p_check_detail"]


def test_frusso_is_attainable_in_forensics(cramps):
    cfg, summary, studies, arms = cramps
    rows = {r["row_id"]: r for r in p_value_checks(summary, cfg, arms, studies)}
    assert rows["fr_cf_between_end_p"]["verdict"] == "ok"
    assert "paired" in rows["fr_cf_between_end_p"]["detail"]
    # analysed as parallel groups (the old analysis) it was flagged
    parallel = studies.assign(allocation="parallel")
    old = {r["row_id"]: r for r in p_value_checks(summary, cfg, arms, parallel)}
    assert old["fr_cf_between_end_p"]["verdict"] == "flag"


def test_crossover_patients_are_counted_once(cramps):
    cfg, summary, studies, arms = cramps
    e = build_effect_sizes(summary, studies, Assumptions.from_config(cfg), arms=arms)
    between = e[(e["arm"] == "between") & (e["outcome"] == "cramp_frequency")]
    first = between.drop_duplicates("study_id")
    total = sum(_n(r)[0] for _, r in first.iterrows())
    assert total == 175 + 94 + 42  # Barna, Roguin Maor, Frusso once (not 42 + 42)


def test_without_a_paired_test_the_assumed_correlation_is_used_and_named(cramps):
    cfg, summary, studies, arms = cramps
    no_p = summary[summary["row_id"] != "fr_cf_between_end_p"]
    a = Assumptions.from_config(cfg)
    for r in a.crossover_r_range:
        e = build_effect_sizes(
            no_p, studies, dataclasses.replace(a, crossover_r=r), arms=arms
        ).set_index("es_id")
        row = e.loc["frusso1999.all.cramp_frequency.between_post.between"]
        sd_diff = np.sqrt(7.6**2 + 7.3**2 - 2 * r * 7.6 * 7.3)  # Handbook 23.2.7.2
        assert np.sqrt(row["md_var"]) == pytest.approx(sd_diff / np.sqrt(42), rel=1e-12)
        assert f"crossover_r={r:g}" in row["assumptions"] and row["r_used"] == r


def test_an_allocation_outside_the_vocabulary_is_rejected(tmp_path, root):
    text = (root / "cases/mg_leg_cramps/data/studies.csv").read_text()
    (tmp_path / "studies.csv").write_text(text.replace(",crossover,", ",cross-over,", 1))
    with pytest.raises(DataValidationError, match="allocation"):
        load_table("studies", tmp_path / "studies.csv")
    assert isinstance(pd.read_csv(tmp_path / "studies.csv"), pd.DataFrame)
