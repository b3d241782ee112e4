"""The mean-difference interval every page shows (reanalysis.effects.intervals.md_interval)."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reanalysis.effects.intervals import md_interval


@pytest.mark.parametrize(("df", "q"), [(1, 12.7062047), (10, 2.2281389), (30, 2.0422725)])
def test_t_quantiles_match_the_textbook_table(df, q):
    lo, hi = md_interval(1.0, 4.0, df)  # SE 2
    assert (lo, hi) == pytest.approx((1.0 - 2 * q, 1.0 + 2 * q), abs=1e-6)


def test_without_df_it_is_the_normal_interval_at_the_level():
    assert md_interval(0.0, 1.0) == pytest.approx((-1.959964, 1.959964), abs=1e-6)
    assert md_interval(0.0, 1.0, math.nan, 0.90) == pytest.approx((-1.644854, 1.644854), abs=1e-6)
    assert md_interval(0.0, 1.0, math.nan, 0.99) == pytest.approx((-2.575829, 2.575829), abs=1e-6)


@given(st.floats(-50, 50), st.floats(1e-4, 100), st.floats(1, 500), st.floats(0.5, 0.999))
def test_t_interval_is_centred_and_wider_than_the_normal_one(md, var, df, level):
    lo, hi = md_interval(md, var, df, level)
    zlo, zhi = md_interval(md, var, math.nan, level)
    assert lo < md < hi
    assert (lo + hi) / 2 == pytest.approx(md, abs=1e-9 * max(1.0, abs(md)))
    assert hi - lo >= zhi - zlo - 1e-12
    # and narrows towards the normal one as df grows
    assert md_interval(md, var, df * 10, level)[1] <= hi + 1e-12
