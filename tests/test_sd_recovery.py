"""SD recovery (Cochrane Handbook 6.5.2) checked by round trips through scipy's t-tests."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from reanalysis.effects import sd_recovery as sdr


@settings(max_examples=100, deadline=None)
@given(
    st.floats(-10, 10).filter(lambda x: abs(x) > 0.05),
    st.floats(0.5, 10),
    st.integers(5, 200),
    st.integers(5, 200),
)
def test_sd_from_p_inverts_two_sample_t_test(md, sd, n1, n2):
    t, p = stats.ttest_ind_from_stats(md, sd, n1, 0.0, sd, n2, equal_var=True)
    if not 1e-12 < p < 1:
        return
    assert sdr.sd_from_p_difference(md, p, n1, n2) == pytest.approx(sd, rel=1e-6)
    assert sdr.sd_from_t_difference(md, t, n1, n2) == pytest.approx(sd, rel=1e-9)


@settings(max_examples=100, deadline=None)
@given(st.floats(0.5, 10), st.integers(3, 300))
def test_sd_from_ci_of_mean_inverts_t_interval(sd, n):
    lo, hi = stats.t.interval(0.95, n - 1, loc=0, scale=sd / np.sqrt(n))
    assert sdr.sd_from_ci_mean(lo, hi, n) == pytest.approx(sd, rel=1e-9)


def test_sd_from_ci_of_difference_round_trip():
    sd, n1, n2 = 4.0, 25, 22
    se = sd * np.sqrt(1 / n1 + 1 / n2)
    half = stats.t.ppf(0.975, n1 + n2 - 2) * se
    assert sdr.sd_from_se_difference(
        sdr.se_from_ci_difference(3.8 - half, 3.8 + half, n1, n2), n1, n2
    ) == pytest.approx(sd)


def test_sd_from_se():
    assert sdr.sd_from_se(0.5, 16) == pytest.approx(2.0)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-3, 3), min_size=5, max_size=60).filter(lambda x: np.std(x) > 0.05))
def test_dz_from_paired_p_round_trip(changes):
    changes = np.asarray(changes)
    res = stats.ttest_1samp(changes, 0.0)
    if not 1e-12 < res.pvalue < 1:
        return
    dz = abs(changes.mean()) / changes.std(ddof=1)
    assert sdr.dz_from_p_paired(res.pvalue, len(changes)) == pytest.approx(dz, rel=1e-6)


def test_p_out_of_range_is_rejected():
    with pytest.raises(ValueError):
        sdr.t_from_p(0.0, 10)
