"""Random-effects meta-analysis against metafor 3.8.1 (tools/metafor_reference.R) and invariants."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize

from reanalysis.meta.frequentist import (
    _neg_restricted_loglik,
    fit_random_effects,
    generalized_q,
    restricted_loglik,
    tau2_qprofile_ci,
    tau2_reml,
    typical_within_variance,
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
    fits = [
        fit_random_effects(yi[p], vi[p], method="PM") for p in ([0, 1, 2, 3, 4, 5], [5, 4, 3, 2, 1, 0])
    ]
    assert fits[0].tau2 == pytest.approx(fits[1].tau2, abs=1e-10) and fits[0].tau2 > 0
    assert generalized_q(yi, vi, fits[0].tau2) == pytest.approx(5.0, abs=1e-8)


def test_reml_maximises_restricted_likelihood(bcg):
    yi, vi = bcg
    opt = optimize.minimize_scalar(
        _neg_restricted_loglik, bounds=(0, 10), args=(yi, vi), method="bounded", options={"xatol": 1e-10}
    )
    assert tau2_reml(yi, vi) == pytest.approx(opt.x, abs=1e-6)


def test_reml_on_the_boundary_converges():
    # hypothesis counterexample: Fisher scoring crept along tau² = 0 without converging
    yi, vi = np.array([0.0, 1.0, 1.0, 1.0, 1.0]), np.array([0.125, 1.0, 1.0, 1.0, 1.0])
    t2 = tau2_reml(yi, vi)
    grid = np.linspace(0, 2, 20001)
    assert (
        _neg_restricted_loglik(t2, yi, vi) <= min(_neg_restricted_loglik(g, yi, vi) for g in grid) + 1e-9
    )


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


# Issue #13: the REML log-likelihood of these 14 studies has an interior local maximum at
# tau² ≈ 0.056665 (log-lik -1.740814) below its global maximum on the boundary tau² = 0
# (-1.738925). metafor 3.8.1 (tools/metafor_reference.R, control=list(tol=1e-12)) returns tau² = 0.
ISSUE13_YI = np.array(
    [
        -0.48729595247571339,
        1.602753722019564,
        0.20928005844822212,
        -0.36977052426115081,
        0.76805712101046764,
        0.89517493536555071,
        -0.46701856598634511,
        1.4373369947520254,
        0.056283677314104469,
        0.12790681748073671,
        0.39677643825035747,
        0.93226086263020957,
        1.0555472789766607,
        0.28426038401444936,
    ]
)
ISSUE13_VI = np.array(
    [
        0.34937241348205134,
        0.36515274713980034,
        0.23729515974642709,
        0.43835592302726584,
        0.14882966799894348,
        0.46651447150623426,
        0.16331483303569258,
        0.30447102996520697,
        0.19462196021340789,
        0.10888486308977008,
        0.010367432064376772,
        0.44533006775425749,
        0.43513936466770248,
        0.1795180044323206,
    ]
)


def test_reml_returns_the_global_maximum_not_an_interior_local_one():
    yi, vi = ISSUE13_YI, ISSUE13_VI
    assert restricted_loglik(0.056665, yi, vi) == pytest.approx(-1.740814, abs=1e-6)
    assert restricted_loglik(0.0, yi, vi) == pytest.approx(-1.738925, abs=1e-6)
    r = fit_random_effects(yi, vi, method="REML")
    assert r.tau2 == 0.0
    assert (r.mu, r.se) == pytest.approx((0.3822030691, 0.0813092423), abs=1e-9)
    assert (r.ci_low, r.ci_high) == pytest.approx((0.2228398826, 0.5415662557), abs=1e-9)
    assert (r.pi_low, r.pi_high) == pytest.approx((0.2228398826, 0.5415662557), abs=1e-9)
    assert r.q == pytest.approx(20.2315190238, abs=1e-9)
    assert (r.tau2_ci_low, r.tau2_ci_high) == pytest.approx((0.0, 0.86561751), abs=1e-7)
    assert r.i2_ci_high == pytest.approx(85.39922999, abs=1e-6)
    k = fit_random_effects(yi, vi, method="REML", knha=True)
    assert (k.se, k.pval) == pytest.approx((0.1014337505, 0.0023457259), abs=1e-9)
    assert (k.ci_low, k.ci_high) == pytest.approx((0.1630687738, 0.6013373644), abs=1e-9)
    assert (k.pi_low, k.pi_high) == pytest.approx((0.1630687738, 0.6013373644), abs=1e-9)


@settings(max_examples=80, deadline=None)
@given(studies)
def test_reml_is_the_global_maximiser(data):
    yi, vi = map(np.array, data)
    r = fit_random_effects(yi, vi, method="REML")
    best = restricted_loglik(r.tau2, yi, vi)
    assert best >= restricted_loglik(0.0, yi, vi) - 1e-12
    bound = 50.0 * (np.var(yi, ddof=1) + vi.max())
    grid = np.concatenate([np.linspace(0.0, bound, 4001), np.geomspace(1e-6, bound, 2001)])
    # Viechtbauer 2005 eq. 10 on the whole grid at once (independent of the module's own code)
    v = vi[None, :] + grid[:, None]
    w = 1.0 / v
    mu = (w * yi).sum(axis=1, keepdims=True) / w.sum(axis=1, keepdims=True)
    ll = -0.5 * (np.log(v).sum(axis=1) + np.log(w.sum(axis=1)) + (w * (yi - mu) ** 2).sum(axis=1))
    assert best >= ll.max() - 1e-9
    # the Q-profile CI and I² follow from the returned tau²
    lo, hi = tau2_qprofile_ci(yi, vi)
    assert (r.tau2_ci_low, r.tau2_ci_high) == (lo, hi)
    s2 = typical_within_variance(vi)
    assert r.i2 == pytest.approx(100.0 * r.tau2 / (r.tau2 + s2), abs=1e-10)


# Knapp-Hartung with the ad hoc truncation (metafor test="adhoc"; Knapp & Hartung 2003,
# Röver, Knapp & Friede 2015): Q/(k-1) < 1 here (QE = 0.530), so the untruncated interval would be
# narrower than the plain normal one. metafor 3.8.1 values, tools/metafor_reference.R.
ADHOC_YI, ADHOC_VI = np.array([0.10, 0.20, 0.15, 0.30, 0.25]), np.array([0.04, 0.05, 0.03, 0.06, 0.05])


def test_knha_adhoc_truncation_matches_metafor():
    a = fit_random_effects(ADHOC_YI, ADHOC_VI, method="REML", knha=True)
    assert a.knha_truncated and a.knha_scale < 1
    assert (a.mu, a.se, a.pval) == pytest.approx((0.1869565217, 0.0932504808, 0.1154707868), abs=1e-9)
    assert (a.ci_low, a.ci_high) == pytest.approx((-0.0719483193, 0.4458613628), abs=1e-9)
    assert (a.pi_low, a.pi_high) == pytest.approx((-0.0719483193, 0.4458613628), abs=1e-9)
    # metafor test="knha" (untruncated), kept beside the headline
    assert (a.ci_low_knha_raw, a.ci_high_knha_raw) == pytest.approx(
        (0.0926750892, 0.2812379543), abs=1e-9
    )
    assert a.pval_knha_raw == pytest.approx(0.0053086446, abs=1e-9)
    raw = fit_random_effects(ADHOC_YI, ADHOC_VI, method="REML", knha=True, knha_adhoc=False)
    assert (raw.se, raw.ci_low, raw.ci_high) == pytest.approx(
        (0.0339576073, 0.0926750892, 0.2812379543), abs=1e-9
    )


def test_knha_with_identical_effects_matches_metafor():
    # metafor 3.8.1: test="knha" gives se 0, zval Inf, p 0, CI (0.3, 0.3); test="adhoc" se 0.149071
    yi, vi = [0.3, 0.3, 0.3, 0.3], [0.1, 0.2, 0.05, 0.1]
    raw = fit_random_effects(yi, vi, knha=True, knha_adhoc=False)
    assert raw.se == 0.0 and raw.stat == np.inf and raw.pval == 0.0
    assert (raw.ci_low, raw.ci_high) == (0.3, 0.3)
    a = fit_random_effects(yi, vi, knha=True)
    assert (a.se, a.stat, a.pval) == pytest.approx((0.1490711985, 2.0124611797, 0.1376553888), abs=1e-9)
    assert (a.ci_low, a.ci_high) == pytest.approx((-0.1744110849, 0.7744110849), abs=1e-9)
