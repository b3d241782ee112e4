"""Reported figures first: SE from reported statistics (Cochrane Handbook 6.5.2.3), the n and r a
reported p implies, reproduction of a p to its reported precision (:mod:`reanalysis.effects.reported`).
References: scipy's t-tests, hand arithmetic."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from reanalysis.effects import reported as ev


@settings(max_examples=60, deadline=None)
@given(st.floats(0.1, 5), st.floats(0.5, 5), st.floats(3, 300))
def test_implied_n_inverts_the_two_sample_t_test(md, sd, n):
    p = stats.ttest_ind_from_stats(md, sd, n, 0, sd, n)[1]
    if not 1e-12 < p < 0.999:
        return
    assert ev.implied_n(md, sd, p) == pytest.approx(n, rel=1e-6)


@settings(max_examples=60, deadline=None)
@given(st.floats(-5, 5).filter(lambda x: abs(x) > 0.05), st.floats(0.05, 3), st.integers(3, 200))
def test_se_from_every_reported_statistic_round_trips(md, se, df):
    t = md / se
    p = 2 * stats.t.sf(abs(t), df)
    lo, hi = stats.t.interval(0.95, df, loc=md, scale=se)
    assert ev.se_from_reported("se", se, md, df) == se
    assert ev.se_from_reported("t", t, md, df) == pytest.approx(se, rel=1e-12)
    assert ev.se_from_reported("ci", (lo, hi), md, df) == pytest.approx(se, rel=1e-9)
    if 1e-12 < p < 1:
        assert ev.se_from_reported("p_value", p, md, df) == pytest.approx(se, rel=1e-6)
        assert ev.p_from_se(md, se, df) == pytest.approx(p, rel=1e-9)


def test_t_ci_uses_the_studys_degrees_of_freedom():
    lo, hi = ev.t_ci(0.9, 0.4, 18)
    assert hi - 0.9 == pytest.approx(0.4 * 2.100922, rel=1e-6)  # t_{0.975, 18}
    assert lo == pytest.approx(0.9 - 0.4 * 2.100922, rel=1e-6)


def test_implied_r_reproduces_the_p():
    r = ev.implied_r(0.9, (1.3, 0.7), (1.7, 1.2), 10, 10, 0.029)
    s1 = np.sqrt(1.3**2 + 1.7**2 - 2 * r * 1.3 * 1.7)
    s2 = np.sqrt(0.7**2 + 1.2**2 - 2 * r * 0.7 * 1.2)
    assert stats.ttest_ind_from_stats(0.9, s1, 10, 0, s2, 10)[1] == pytest.approx(0.029, rel=1e-6)
    assert np.isnan(ev.implied_r(0.01, (1.3, 0.7), (1.7, 1.2), 10, 10, 1e-6))


def test_p_is_reproduced_to_its_reported_precision():
    assert ev.p_matches("p_value", 0.029, 3, 0.0284, 0.0300)  # overlaps [0.0285, 0.0295]
    assert not ev.p_matches("p_value", 0.029, 3, 0.068, 0.265)
    assert ev.p_matches("p_value", 0.93, 2, 0.9349, 0.99)  # 0.93 reported to 2 decimals
    assert not ev.p_matches("p_value", 0.930, 3, 0.9349, 0.99)
    assert ev.p_matches("p_below", 0.05, 2, 0.01, 0.2) and not ev.p_matches(
        "p_below", 0.05, 2, 0.06, 0.2
    )
    assert ev.decimals("0.930") == 3 and ev.decimals(0.93) == 2 and ev.decimals("12") == 0


@settings(max_examples=40, deadline=None)
@given(st.floats(0.2, 5), st.floats(0.5, 5), st.floats(0.5, 5), st.integers(4, 200))
def test_rounding_range_of_the_implied_n_contains_it(md, sd1, sd2, n):
    def sd_of(a, b):
        return float(np.sqrt((a**2 + b**2) / 2))

    p = stats.ttest_ind_from_stats(md, sd1, n, 0, sd2, n)[1]
    if not 1e-8 < p < 0.99:
        return
    point = ev.implied_n(md, sd_of(sd1, sd2), p)
    lo, hi = ev.implied_n_range(md, 0.05, [sd1, sd2], 0.05, p, 3, sd_of)
    assert lo <= point <= hi or np.isnan(lo) or np.isnan(hi)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(st.floats(1e-12, 1e6), st.floats(0.0, 1e-3), st.just(0.0), st.just(1e300)),
    st.floats(0.05, 1e5),
)
def test_t_logsf_is_scipys_value(x, df):
    """The root finders' fast log survival function gives scipy.stats' float exactly."""
    got, want = ev.t_logsf(x, df), float(stats.t.logsf(x, df))
    assert got == want or (np.isnan(got) and np.isnan(want))
