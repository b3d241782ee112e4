"""Random-effects meta-analysis against metafor 3.8.1 (tools/metafor_reference.R) and invariants."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize

from reanalysis.meta_frequentist import (
    _neg_restricted_loglik,
    fit_random_effects,
    generalized_q,
    tau2_reml,
)

TOL = 1e-5


def test_dl_matches_metafor(bcg):
    r = fit_random_effects(*bcg, method="DL")
    assert r.mu == pytest.approx(-0.714117, abs=TOL)
    assert r.tau2 == pytest.approx(0.308760, abs=TOL)


def test_reml_matches_metafor(bcg):
    r = fit_random_effects(*bcg, method="REML")
    assert r.mu == pytest.approx(-0.714532, abs=TOL)
    assert r.se == pytest.approx(0.179782, abs=TOL)
    assert r.tau2 == pytest.approx(0.313243, abs=TOL)
    assert r.i2 == pytest.approx(92.2214, abs=1e-4)
    assert (r.pi_low, r.pi_high) == pytest.approx((-1.8667, 0.4376), abs=1e-4)
    assert r.h2 == pytest.approx(12.85576080, abs=1e-5)


def test_qprofile_ci_matches_metafor(bcg):
    # confint(rma(..., "REML"), control=list(tol=1e-12)); metafor's default root-finding
    # tolerance (~1e-4) prints 0.11969531 / 81.91772 instead.
    r = fit_random_effects(*bcg, method="REML")
    assert (r.tau2_ci_low, r.tau2_ci_high) == pytest.approx((0.11971836, 1.11147908), abs=1e-7)
    assert (r.i2_ci_low, r.i2_ci_high) == pytest.approx((81.92057456, 97.67807496), abs=1e-6)
    assert r.tau2_ci_low == pytest.approx(0.11969531, abs=1e-4)


def test_reml_knha_matches_metafor(bcg):
    r = fit_random_effects(*bcg, method="REML", knha=True)
    assert (r.ci_low, r.ci_high) == pytest.approx((-1.108444, -0.320621), abs=TOL)
    assert (r.pi_low, r.pi_high) == pytest.approx((-1.9960, 0.5670), abs=1e-4)


def test_pm_matches_metafor_at_tight_tolerance(bcg):
    # metafor's default PM (tol 1e-5) prints 0.318094; at control=list(tol=1e-12) it gives
    # 0.31806845, the exact root of Q(tau²) = k - 1, which is what we compute.
    yi, vi = bcg
    r = fit_random_effects(yi, vi, method="PM")
    assert r.tau2 == pytest.approx(0.31806845, abs=1e-7)
    assert r.tau2 == pytest.approx(0.318094, abs=5e-5)
    assert generalized_q(yi, vi, r.tau2) == pytest.approx(len(yi) - 1, abs=1e-6)


def test_pm_is_order_independent_where_statsmodels_overshoots():
    # statsmodels 0.15's PM Newton step overshoots on this ordering and returns tau² = 0
    yi, vi = np.array([0.0, 0.0, 0.0, 0.0, 2.0, 2.5]), np.array([1.0, 1.0, 1.0, 1.0, 1.0, 2.0])
    fits = [fit_random_effects(yi[p], vi[p], method="PM") for p in ([0, 1, 2, 3, 4, 5],
                                                                     [5, 4, 3, 2, 1, 0])]
    assert fits[0].tau2 == pytest.approx(fits[1].tau2, abs=1e-10) and fits[0].tau2 > 0
    assert generalized_q(yi, vi, fits[0].tau2) == pytest.approx(5.0, abs=1e-8)


def test_reml_maximises_restricted_likelihood(bcg):
    yi, vi = bcg
    opt = optimize.minimize_scalar(_neg_restricted_loglik, bounds=(0, 10), args=(yi, vi),
                                   method="bounded", options={"xatol": 1e-10})
    assert tau2_reml(yi, vi) == pytest.approx(opt.x, abs=1e-6)


def test_reml_on_the_boundary_converges():
    # hypothesis counterexample: Fisher scoring crept along tau² = 0 without converging
    yi, vi = np.array([0.0, 1.0, 1.0, 1.0, 1.0]), np.array([0.125, 1.0, 1.0, 1.0, 1.0])
    t2 = tau2_reml(yi, vi)
    grid = np.linspace(0, 2, 20001)
    assert _neg_restricted_loglik(t2, yi, vi) <= min(_neg_restricted_loglik(g, yi, vi)
                                                     for g in grid) + 1e-9


def test_single_study_returns_the_study():
    r = fit_random_effects([0.5], [0.04], knha=False)
    assert r.mu == 0.5 and r.tau2 == 0.0 and r.se == pytest.approx(0.2)
    assert np.isnan(r.pi_low) and np.isnan(r.i2)


def test_homogeneous_studies_give_zero_tau2():
    r = fit_random_effects([0.3, 0.3, 0.3, 0.3], [0.1, 0.2, 0.05, 0.1])
    assert r.tau2 == 0.0 and r.i2 == 0.0 and r.mu == pytest.approx(0.3)


@pytest.mark.parametrize("bad", [([0.1, 0.2], [0.1, -0.1]), ([0.1], [0.1, 0.2]), ([], [])])
def test_invalid_input_is_rejected(bad):
    with pytest.raises(ValueError):
        fit_random_effects(*bad)


studies = st.integers(2, 12).flatmap(
    lambda k: st.tuples(
        st.lists(st.floats(-3, 3), min_size=k, max_size=k),
        st.lists(st.floats(0.01, 2), min_size=k, max_size=k),
    )
)


@settings(max_examples=60, deadline=None)
@given(studies, st.sampled_from(["REML", "DL", "PM"]), st.floats(-5, 5))
def test_invariants(data, method, shift):
    yi, vi = map(np.array, data)
    r = fit_random_effects(yi, vi, method=method)
    assert r.tau2 >= 0 and r.se > 0
    assert r.ci_low <= r.mu <= r.ci_high
    assert r.pi_low <= r.ci_low + 1e-12 and r.pi_high >= r.ci_high - 1e-12
    assert min(yi) - 1e-9 <= r.mu <= max(yi) + 1e-9
    perm = np.random.default_rng(0).permutation(len(yi))
    rp = fit_random_effects(yi[perm], vi[perm], method=method)
    assert rp.mu == pytest.approx(r.mu, abs=1e-8) and rp.tau2 == pytest.approx(r.tau2, abs=1e-8)
    rs = fit_random_effects(yi + shift, vi, method=method)  # location equivariance
    assert rs.mu == pytest.approx(r.mu + shift, abs=1e-7)
    assert rs.tau2 == pytest.approx(r.tau2, abs=1e-7)
    if r.tau2_ci_high > 0:
        assert r.tau2_ci_low <= r.tau2_ci_high
