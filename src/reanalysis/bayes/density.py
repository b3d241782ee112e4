"""The NUTS model's log density and gradient, written by hand and compiled by numba as C callbacks
that nutpie samples (``numba.cfunc(cache=True)``: compiled once, then loaded from the on-disk
cache, ``NUMBA_CACHE_DIR`` or ``__pycache__``, by every later process; one compilation serves
every set size, prior and data set, which travel in a data array).

The model of :mod:`reanalysis.bayes.nuts` (non-centred), in unconstrained coordinates
x = (mu, u, z_1..z_k, z_new):

* u = log tau for the half-normal(s) and half-Cauchy(s) priors on tau (log p gains the Jacobian
  log tau = u); u = log tau² for the lognormal and log-t priors, where u itself is Normal(l, s²)
  or Student-t(df, l, s) (Rhodes et al. 2015);
* theta_i = mu + tau z_i, theta_new = mu + tau z_new;
* log p(x) = log N(mu; m0, s0²) + log p(u) + sum_i [log N(z_i; 0, 1) + log N(y_i; theta_i, v_i)]
  + log N(z_new; 0, 1), with every normalising constant (PyMC's model log density with its
  Jacobian; tests/test_bayes.py checks value and gradient against it).

Gradient: with r_i = y_i - theta_i, d/dmu = -(mu - m0)/s0² + sum r_i/v_i,
d/dz_i = -z_i + tau r_i/v_i, d/du = d log p(u)/du + (dtau/du) sum z_i r_i/v_i, with
dtau/du = tau (u = log tau) or tau/2 (u = log tau²); d/dz_new = -z_new.
"""

from __future__ import annotations

import math

import numba
import numpy as np
from numba import types

# data array: kind code, m0, s0, prior scale, prior location, prior df, then y_1..y_k, v_1..v_k
KIND_CODES = {"half_normal": 0, "half_cauchy": 1, "lognormal_tau2": 2, "logt_tau2": 3}
HEAD = 6
_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)
_LOG_2 = math.log(2.0)
_LOG_PI = math.log(math.pi)


def model_data(
    yi,
    vi,
    kind: str,
    scale: float,
    location: float,
    df: float,
    mu_prior_sd: float,
    mu_prior_mean: float = 0.0,
) -> np.ndarray:
    """The flat float64 array the compiled functions read (layout above)."""
    yi, vi = np.asarray(yi, dtype=float), np.asarray(vi, dtype=float)
    head = [KIND_CODES[kind], mu_prior_mean, mu_prior_sd, scale, location, df]
    return np.ascontiguousarray(np.concatenate([head, yi, vi]), dtype=np.float64)


@numba.njit(cache=True)
def tau_of(u: float, kind: int) -> float:
    """tau from the unconstrained coordinate u (log tau, or log tau² for kinds 2 and 3)."""
    return math.exp(u) if kind <= 1 else math.exp(0.5 * u)


@numba.njit(cache=True)
def log_density(x, data, grad) -> float:
    """log p(x) (module docstring); writes d log p / dx into ``grad``."""
    k = x.size - 3
    kind = int(data[0])
    m0, s0, scale, loc, df = data[1], data[2], data[3], data[4], data[5]
    mu, u = x[0], x[1]
    tau = tau_of(u, kind)
    dtau_du = tau if kind <= 1 else 0.5 * tau
    r = (mu - m0) / s0
    lp = -0.5 * r * r - math.log(s0) - _HALF_LOG_2PI
    grad[0] = -r / s0
    if kind == 0:  # half-normal(scale) on tau, u = log tau
        w = tau / scale
        lp += _LOG_2 - _HALF_LOG_2PI - math.log(scale) - 0.5 * w * w + u
        grad[1] = 1.0 - w * w
    elif kind == 1:  # half-Cauchy(scale) on tau, u = log tau
        w = (tau / scale) ** 2
        lp += _LOG_2 - _LOG_PI - math.log(scale) - math.log1p(w) + u
        grad[1] = 1.0 - 2.0 * w / (1.0 + w)
    elif kind == 2:  # u = log tau² ~ Normal(loc, scale²)
        r = (u - loc) / scale
        lp += -0.5 * r * r - math.log(scale) - _HALF_LOG_2PI
        grad[1] = -r / scale
    else:  # u = log tau² ~ Student-t(df, loc, scale)
        r = (u - loc) / scale
        lp += (
            math.lgamma(0.5 * (df + 1.0))
            - math.lgamma(0.5 * df)
            - 0.5 * math.log(df)
            - 0.5 * _LOG_PI
            - math.log(scale)
            - 0.5 * (df + 1.0) * math.log1p(r * r / df)
        )
        grad[1] = -(df + 1.0) * r / (scale * (df + r * r))
    dtau = 0.0
    for i in range(k):
        z = x[2 + i]
        y, v = data[HEAD + i], data[HEAD + k + i]
        res = y - mu - tau * z
        lp += -0.5 * z * z - 0.5 * res * res / v - 0.5 * math.log(v) - 2.0 * _HALF_LOG_2PI
        grad[0] += res / v
        grad[2 + i] = tau * res / v - z
        dtau += z * res / v
    grad[1] += dtau * dtau_du
    z_new = x[k + 2]
    lp += -0.5 * z_new * z_new - _HALF_LOG_2PI
    grad[k + 2] = -z_new
    return lp


@numba.njit(cache=True)
def expand(x, data, out) -> None:
    """The stored values of a draw: mu, tau, z (k), z_new, theta (k), theta_new."""
    k = x.size - 3
    mu, tau = x[0], tau_of(x[1], int(data[0]))
    out[0], out[1] = mu, tau
    for i in range(k):
        out[2 + i] = x[2 + i]
        out[3 + k + i] = mu + tau * x[2 + i]
    out[2 + k] = x[k + 2]
    out[3 + 2 * k] = mu + tau * x[k + 2]


def expanded_layout(k: int) -> tuple[list[str], list[tuple[int, ...]]]:
    """Names and shapes of what :func:`expand` writes, in its order."""
    return (["mu", "tau", "z", "z_new", "theta", "theta_new"], [(), (), (k,), (), (k,), ()])


# The C signatures nutpie calls (those of nutpie.compile_pymc): logp(dim, x, grad, logp, data)
# and expand(dim, n_expanded, x, out, data); non-zero return codes as nutpie's own (3: gradient
# not finite, 4: log density not finite).
_DOUBLE_P = types.CPointer(types.double)
LOGP_SIGNATURE = types.int64(types.uint64, _DOUBLE_P, _DOUBLE_P, _DOUBLE_P, types.voidptr)
EXPAND_SIGNATURE = types.int64(types.uint64, types.uint64, _DOUBLE_P, _DOUBLE_P, types.voidptr)


@numba.cfunc(LOGP_SIGNATURE, cache=True)
def logp_callback(dim, x_, grad_, logp_, data_):
    n = np.int64(dim)
    x = numba.carray(x_, (n,))
    grad = numba.carray(grad_, (n,))
    data = numba.carray(data_, (HEAD + 2 * (n - 3),), np.float64)
    logp = numba.carray(logp_, (1,))
    value = log_density(x, data, grad)
    logp[0] = value
    for i in range(n):
        if not math.isfinite(grad[i]):
            return 3
    if not math.isfinite(value):
        return 4
    return 0


@numba.cfunc(EXPAND_SIGNATURE, cache=True)
def expand_callback(dim, n_expanded, x_, out_, data_):
    n = np.int64(dim)
    if np.int64(n_expanded) != 2 * n - 2:
        return -1
    x = numba.carray(x_, (n,))
    out = numba.carray(out_, (2 * n - 2,))
    data = numba.carray(data_, (HEAD + 2 * (n - 3),), np.float64)
    expand(x, data, out)
    return 0
