"""Crossover trials analysed as paired (Cochrane Handbook 23.2.6-23.2.7; Elbourne et al. 2002,
Int J Epidemiol 31:140).

Every patient receives both treatments, so the N patients give N paired differences:

* the SE of the mean difference comes from a paired test on df = N - 1: from a reported p,
  SE = |MD| / t_{1-p/2, N-1}; from a t, SE = |MD| / |t|;
* or from the period means/SDs with a within-patient correlation r (a named assumption):
  SD_diff^2 = SD_E^2 + SD_C^2 - 2 r SD_E SD_C and SE = SD_diff / sqrt(N);
* a reported SE and the period SDs imply r = (SD_E^2 + SD_C^2 - N SE^2) / (2 SD_E SD_C);
* the SMD is standardised by the SD of the measurements (not of the differences), so that it is
  on the scale of a parallel-group SMD: d = MD / sqrt((SD_E^2 + SD_C^2) / 2), with
  SE(d) = sqrt(1/N + d^2 / (2N)) sqrt(2 (1 - r)) (Handbook 23.2.7.3; 5.1 §16.4.6.4 example:
  7.0 (2.38) vs 6.5 (2.21), N = 10, r = 0.68: SE(MD) = 0.583, d = 0.218, SE(d) = 0.256).

Patients are counted once: N, not 2N. All functions are pure and work on floats.
"""

from __future__ import annotations

import math

from scipy import stats


def sd_difference(sd_e: float, sd_c: float, r: float) -> float:
    """SD of the within-patient differences: sqrt(SD_E^2 + SD_C^2 - 2 r SD_E SD_C)."""
    return math.sqrt(max(sd_e**2 + sd_c**2 - 2.0 * r * sd_e * sd_c, 0.0))


def se_paired(sd_e: float, sd_c: float, n: float, r: float) -> float:
    """SE of the paired mean difference from the period SDs and r: SD_diff / sqrt(N)."""
    return sd_difference(sd_e, sd_c, r) / math.sqrt(n)


def p_paired(md: float, sd_e: float, sd_c: float, n: float, r: float) -> float:
    """Two-sided p of the paired t-test of MD on N - 1 df, SE from the period SDs and r."""
    se = se_paired(sd_e, sd_c, n, r)
    if se <= 0:
        return 0.0 if md != 0 else 1.0
    return float(2.0 * stats.t.sf(abs(md) / se, n - 1))


def r_from_se(se: float, sd_e: float, sd_c: float, n: float) -> float:
    """Within-patient correlation that a paired SE implies:
    r = (SD_E^2 + SD_C^2 - N SE^2) / (2 SD_E SD_C) (Handbook 23.2.7.2). May lie outside [-1, 1]
    when the SE and the SDs cannot belong together."""
    return (sd_e**2 + sd_c**2 - n * se**2) / (2.0 * sd_e * sd_c)


def smd_paired(md: float, sd_e: float, sd_c: float, n: float, r: float) -> tuple[float, float]:
    """(d, var d): d = MD / sqrt((SD_E^2 + SD_C^2) / 2) and
    var d = (1/N + d^2 / (2N)) * 2 (1 - r) (Handbook 23.2.7.3)."""
    d = md / math.sqrt((sd_e**2 + sd_c**2) / 2.0)
    return d, (1.0 / n + d**2 / (2.0 * n)) * 2.0 * (1.0 - r)
