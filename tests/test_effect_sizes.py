"""Effect sizes against textbook worked examples, metafor, and their invariants."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reanalysis.effects import formulas as es


def test_borenstein_worked_example():
    # Borenstein et al. 2009, Introduction to Meta-Analysis, ch. 4 (approximate J):
    # d = 0.5970, V_d = 0.0418, J = 0.9923, g = 0.5924, V_g = 0.0411
    d, vd = es.smd_independent(103, 5.5, 50, 100, 4.5, 50, exact=False)
    assert es.hedges_j(98, exact=False) == pytest.approx(0.9923, abs=1e-4)
    assert d == pytest.approx(0.5924, abs=1e-4) and vd == pytest.approx(0.0411, abs=1e-4)
    assert es.pooled_sd(5.5, 50, 4.5, 50) == pytest.approx(5.0249, abs=1e-4)


def test_smd_matches_metafor_ls2():
    g, v = es.smd_independent(103, 5.5, 50, 100, 4.5, 50)  # exact J, as metafor
    assert (g, v) == pytest.approx((0.592440, 0.041143), abs=1e-6)


def test_smcr_matches_metafor():
    # escalc("SMCR", m1i=5.1, m2i=5.7, sd1i=1.3, ni=12, ri=0.5)
    g, v = es.smd_change_within(5.7, 5.1, 1.3, 12, 0.5)
    assert (g, v) == pytest.approx((-0.429212, 0.091009), abs=1e-6)


def test_sd_change_cochrane_formula():
    # r = 0.5 and equal SDs: SD_change = SD
    assert es.sd_change(2.0, 2.0, 0.5) == pytest.approx(2.0)
    assert es.sd_change(3.0, 4.0, 0.0) == pytest.approx(5.0)
    with pytest.raises(ValueError):
        es.sd_change(1, 1, 1.5)


def test_exact_and_approximate_j_agree_to_second_order():
    # the approximation's error shrinks like df^-2 (Hedges 1981)
    df = np.arange(3, 2000, dtype=float)
    err = np.abs(es.hedges_j(df) - es.hedges_j(df, exact=False))
    assert np.all(err * df**2 < 0.05)
    assert np.all(es.hedges_j(df) < 1) and np.all(np.diff(es.hedges_j(df)) > 0)


def test_smcr_from_dz_equals_smcr_when_sds_equal():
    # equal pre/post SDs, correlation r: d_z = diff / (sd sqrt(2(1-r)))
    sd, r, n, diff = 2.0, 0.6, 30, 1.1
    dz = diff / (sd * np.sqrt(2 * (1 - r)))
    assert es.smcr_from_dz(dz, n, r) == pytest.approx(es.smd_change_within(0, diff, sd, n, r))


means = st.floats(-50, 50)
sds = st.floats(0.1, 20)
ns = st.integers(3, 500)


@settings(max_examples=100, deadline=None)
@given(means, sds, ns, means, sds, ns)
def test_smd_properties(m1, s1, n1, m2, s2, n2):
    g, v = es.smd_independent(m1, s1, n1, m2, s2, n2)
    g_swap, v_swap = es.smd_independent(m2, s2, n2, m1, s1, n1)
    assert g == pytest.approx(-g_swap, abs=1e-9) and v == pytest.approx(v_swap)
    assert v > 0
    d = (m1 - m2) / es.pooled_sd(s1, n1, s2, n2)
    assert abs(g) <= abs(d) + 1e-12  # J < 1 shrinks towards zero


@settings(max_examples=50, deadline=None)
@given(means, sds, means, sds)
def test_g_tends_to_d_as_n_grows(m1, s1, m2, s2):
    d = (m1 - m2) / es.pooled_sd(s1, 10**6, s2, 10**6)
    g, v = es.smd_independent(m1, s1, 10**6, m2, s2, 10**6)
    assert g == pytest.approx(d, rel=1e-5, abs=1e-9)
    assert v == pytest.approx(2 / 10**6 + d**2 / (4 * 10**6), rel=1e-4)


@settings(max_examples=100, deadline=None)
@given(sds, sds, st.floats(-1, 1))
def test_sd_change_bounds(s1, s2, r):
    sc = es.sd_change(s1, s2, r)
    assert abs(s1 - s2) - 1e-9 <= sc <= s1 + s2 + 1e-9


def test_orient_benefit():
    assert list(es.orient_benefit([1.0, -2.0], [True, False])) == [-1.0, -2.0]
