"""Vote count: binomial inference against textbook formulas, exact vs simulated P(>= k)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from reanalysis.simulation import vote_count as vc


def test_binomial_summary_matches_textbook_formulas():
    s = vc.binomial_summary(5, 7)
    # Clopper-Pearson: Beta(a/2; k, n-k+1) and Beta(1-a/2; k+1, n-k) quantiles
    assert s["ci_low"] == pytest.approx(stats.beta.ppf(0.025, 5, 3), abs=1e-10)
    assert s["ci_high"] == pytest.approx(stats.beta.ppf(0.975, 6, 2), abs=1e-10)
    # R binom.test(5, 7): 95% CI 0.2904209 - 0.9633074, p = 0.4531
    assert (s["ci_low"], s["ci_high"]) == pytest.approx((0.2904209, 0.9633074), abs=1e-7)
    assert s["sign_test_p_one_sided"] == pytest.approx(29 / 128)  # (21 + 7 + 1) / 2^7
    assert s["sign_test_p_two_sided"] == pytest.approx(58 / 128)
    assert s["posterior"] == "Beta(6, 3)" and s["posterior_mean"] == pytest.approx(2 / 3)
    assert s["p_share_gt_half"] == pytest.approx(stats.beta.sf(0.5, 6, 3))


@pytest.mark.parametrize("bad", [(8, 7), (-1, 7), (0, 0)])
def test_binomial_summary_refuses_impossible_counts(bad):
    with pytest.raises(ValueError):
        vc.binomial_summary(*bad)


@settings(max_examples=50, deadline=None)
@given(st.floats(0.0, 1.0), st.integers(1, 12), st.data())
def test_poisson_binomial_with_equal_probabilities_is_binomial(p, n, data):
    k = data.draw(st.integers(0, n))
    assert vc.poisson_binomial_sf([p] * n, k) == pytest.approx(stats.binom.sf(k - 1, n, p), abs=1e-12)


def test_no_effect_and_no_nonspecific_improvement_gives_alpha_over_two():
    for design in ("uncontrolled", "controlled"):
        study = vc.VoteStudy("s", 20, design)
        assert vc.prob_positive(study, 0.0, 0.0) == pytest.approx(0.025, abs=1e-12)
        assert vc.prob_positive(study, 0.0, 0.0, criterion="direction") == pytest.approx(0.5)
    # placebo response inflates uncontrolled studies only
    assert vc.prob_positive(vc.VoteStudy("u", 20, "uncontrolled"), 0.0, 0.4) > 0.3
    assert vc.prob_positive(vc.VoteStudy("c", 20, "controlled"), 0.0, 0.4) == pytest.approx(0.025)


@pytest.mark.parametrize("criterion", vc.CRITERIA)
def test_simulation_agrees_with_the_exact_probability(criterion):
    studies = [
        vc.VoteStudy(f"s{i}", n, d)
        for i, (n, d) in enumerate(
            [
                (24, "controlled"),
                (20, "uncontrolled"),
                (15, "uncontrolled"),
                (30, "uncontrolled"),
                (12, "uncontrolled"),
            ]
        )
    ]
    exact = vc.prob_at_least(studies, 3, 0.2, 0.2, criterion=criterion)
    reps = 100_000
    simulated = vc.simulate_at_least(studies, 3, 0.2, 0.2, reps, seed=1, criterion=criterion)
    assert abs(simulated - exact) < 4 * np.sqrt(exact * (1 - exact) / reps) + 1e-9


@pytest.mark.parametrize("criterion", vc.CRITERIA)
def test_simulated_grid_agrees_with_the_exact_curve_and_rises_with_the_effect(criterion):
    """Common random numbers over the grid: every point within 4 MCSE of the exact probability,
    and, as each replicate's t statistics rise with the effect, the curve never falls."""
    studies = [
        vc.VoteStudy(f"s{i}", n, d)
        for i, (n, d) in enumerate(
            [(24, "controlled"), (20, "uncontrolled"), (15, "uncontrolled"), (30, "uncontrolled")]
        )
    ]
    deltas, reps = [-0.2, 0.0, 0.1, 0.3, 0.6], 50_000
    for level in (0.0, 0.3):
        sim = vc.simulate_at_least_grid(
            studies, 2, [(d, level) for d in deltas], reps, seed=7, criterion=criterion
        )
        exact = np.array([vc.prob_at_least(studies, 2, d, level, criterion=criterion) for d in deltas])
        assert np.all(np.abs(sim - exact) < 4 * np.sqrt(exact * (1 - exact) / reps) + 1e-9)
        assert np.all(np.diff(sim) >= 0)


def test_bad_study_specs_are_refused():
    with pytest.raises(ValueError, match="design"):
        vc.VoteStudy("x", 20, "open")
    with pytest.raises(ValueError, match="too small"):
        vc.VoteStudy("x", 1, "uncontrolled")
    with pytest.raises(ValueError, match="criterion"):
        vc.prob_positive(vc.VoteStudy("x", 20, "uncontrolled"), 0, 0, criterion="vibes")
