"""GRIM (Brown & Heathers 2017) as :mod:`reanalysis.checks.forensics` applies it: means rounded
half up, and the rule saying when a mean reported to d decimals can be inconsistent at n (checked by
brute force over one unit of the scale)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from reanalysis.checks.forensics import decimals, grim_consistent, grim_informative


def test_grim_rounds_half_up():
    # 98 / 8 = 12.25: reported to one decimal it is 12.3 (half up) or 12.2 (half to even)
    assert grim_consistent(12.3, 8) and grim_consistent(12.2, 8)
    assert grim_consistent(5.67, 3) and not grim_consistent(5.65, 3)  # 17/3 = 5.667; none near
    assert not grim_consistent(5.19, 10)  # k / 10 has one decimal
    assert grim_consistent(5.2, 10)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 400), st.sampled_from([1.0, 0.5, 0.25]), st.integers(1, 2), st.integers(0, 5000))
def test_grim_is_informative_exactly_when_n_is_below_g_times_10_to_the_d(n, g, d, start):
    """The docstring's rule n < g * 10^d: below it some mean reported to d decimals is GRIM
    inconsistent at n; at or above it every mean on that grid is consistent (brute force over
    one unit of the scale)."""
    step = 10**-d
    means = [round(start * step + i * step, d) for i in range(int(round(1 / step)) + 1)]
    means = [m for m in means if decimals(m) == d]  # 0.10 reads as 0.1: one decimal
    any_bad = any(not grim_consistent(m, n, g, d) for m in means)
    assert any_bad == (n < g * 10**d)
    assert all(grim_informative(m, n, g) == (n < g * 10**d) for m in means)
