"""Tables from Bayesian fits: per-set posterior summaries and the NUTS-vs-exact cross-check."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from reanalysis.bayes.exact import ExactPosterior, posterior_exact
from reanalysis.bayes.priors import TauPrior
from reanalysis.meta.pooling import measure_of, set_effects


@dataclasses.dataclass(frozen=True)
class McidMapping:
    """MCID on the natural scale and the SD that maps it to the SMD scale (MCID_smd = MCID / SD)."""

    outcome: str
    value: float
    reference_sd: float
    sd_range: tuple[float, float]

    @classmethod
    def for_set(cls, spec: dict, mcid_cfg: dict) -> McidMapping | None:
        outcome = spec.get("mcid_outcome")
        if outcome is None:
            return None
        try:
            m = mcid_cfg[outcome]
            sd = m["reference_sd"]
        except KeyError as err:
            raise KeyError(
                f"pooling set asks for mcid_outcome {outcome!r} but config mcid has no "
                f"{outcome!r} entry with a reference_sd"
            ) from err
        return cls(
            outcome,
            float(m["value"]),
            float(sd["value"]),
            (float(sd["range"][0]), float(sd["range"][1])),
        )

    def smd(self, sd: float | None = None) -> float:
        return self.value / (self.reference_sd if sd is None else sd)


def fit_sets(
    effects: pd.DataFrame, sets: dict, prior: TauPrior, mu_prior_sd: float
) -> dict[str, tuple[pd.DataFrame, ExactPosterior | None]]:
    """Exact posterior of every SMD pooling set: name -> (pooled effects, posterior or None if
    k = 0). Sets with another measure (MD, ROM) are not fitted: the configured priors (mu's SD,
    tau's scale) are on the standardised scale."""
    out = {}
    for name, spec in sets.items():
        if measure_of(spec) != "SMD":
            continue
        chosen = set_effects(effects, spec, name)
        out[name] = (
            chosen,
            posterior_exact(chosen["yi"], chosen["vi"], prior, mu_prior_sd) if len(chosen) else None,
        )
    return out


def mcid_standardiser(chosen: pd.DataFrame) -> tuple[float | None, str]:
    """The SD that maps a natural-scale MCID onto the pooled SMDs, or None and the reason.

    Only meaningful when every pooled effect is placebo-controlled (between-arm) and on one
    instrument; each SMD's own standardiser is md / yi (the SD, divided by Hedges' J, that turned
    its mean difference into g), so MCID / (md / yi) is on g's scale. Several studies: the
    inverse-variance weighted mean of their standardisers.
    """
    if not len(chosen):
        return None, "no pooled effect"
    if not (
        chosen["controlled"].astype(bool).all()
        and chosen["estimand"].astype(str).str.startswith("between").all()
    ):
        return None, "not computed: the pooled effects are not all placebo-controlled comparisons"
    if chosen["instrument"].nunique() != 1:
        return None, (
            "not computed: the pooled effects use different instruments ("
            + ", ".join(sorted(chosen["instrument"].astype(str).unique()))
            + ")"
        )
    md, yi, vi = (chosen[c].astype(float).to_numpy() for c in ("md", "yi", "vi"))
    if not (np.all(np.isfinite(md)) and np.all(np.abs(yi) > 1e-12)):
        return None, "not computed: an effect has no mean difference in instrument points"
    w = 1.0 / vi
    return float(np.sum(w * md / yi) / w.sum()), "the pooled SMDs' own standardiser (md / yi)"


def _mcid_columns(post: ExactPosterior, chosen: pd.DataFrame, mcid: McidMapping, mq) -> dict:
    """P(mu > MCID) with the MCID mapped by the effects' own standardiser; also at the ends of the
    configured reference-SD range (a named assumption kept as a sensitivity analysis)."""
    sd, why = mcid_standardiser(chosen)
    cols = {"mcid_outcome": mcid.outcome, "mcid_natural": mcid.value, "mcid_note": why}
    if sd is None:
        return cols
    lo, hi = mcid.sd_range
    return cols | {
        "reference_sd": sd,
        "mcid_smd": mcid.smd(sd),
        "p_mu_gt_mcid": post.prob_mu_above(mcid.smd(sd)),
        "p_mu_gt_mcid_sd_low": post.prob_mu_above(mcid.smd(lo)),
        "p_mu_gt_mcid_sd_high": post.prob_mu_above(mcid.smd(hi)),
        "p_new_gt_mcid": post.prob_new_study_above(mcid.smd(sd)),
        "mu_natural_q025": mq[0] * sd,
        "mu_natural_q50": mq[1] * sd,
        "mu_natural_q975": mq[2] * sd,
    }


def exact_summaries(
    effects: pd.DataFrame,
    sets: dict,
    prior_name: str,
    prior: TauPrior,
    mu_prior_sd: float,
    mcid_cfg: dict | None = None,
) -> pd.DataFrame:
    """Posterior of mu, tau and a new study's effect for every pooling set under one tau prior.

    Where a set names an ``mcid_outcome``, adds P(mu > MCID) with MCID_smd = MCID / SD, SD the
    effects' own standardiser (:func:`mcid_standardiser`; also at both ends of the configured
    reference SD's range), and mu on the natural scale (mu_smd × SD); ``mcid_note`` says why not
    where the set mixes instruments or is not placebo-controlled.
    """
    rows = []
    for name, (chosen, post) in fit_sets(effects, sets, prior, mu_prior_sd).items():
        spec = sets[name]
        row = {"set": name, "prior": prior_name, "prior_label": prior.label, "k": len(chosen)}
        if post is not None:
            mq, tq, pq = post.mu_quantiles(), post.tau_quantiles(), post.predictive_quantiles()
            row |= {
                "mu_mean": post.mu_mean(),
                "mu_sd": post.mu_sd(),
                "mu_q025": mq[0],
                "mu_q50": mq[1],
                "mu_q975": mq[2],
                "tau_mean": post.tau_mean(),
                "tau_q025": tq[0],
                "tau_q50": tq[1],
                "tau_q975": tq[2],
                "new_q025": pq[0],
                "new_q50": pq[1],
                "new_q975": pq[2],
                "p_mu_gt_0": post.prob_mu_above(0.0),
                "p_new_gt_0": post.prob_new_study_above(0.0),
            }
            mcid = McidMapping.for_set(spec, mcid_cfg or {})
            if mcid is not None:
                row |= _mcid_columns(post, chosen, mcid, mq)
        rows.append(row)
    return pd.DataFrame(rows)


def shrunken_table(
    effects: pd.DataFrame, sets: dict, prior_name: str, prior: TauPrior, mu_prior_sd: float
) -> pd.DataFrame:
    """Study-level posterior (shrunken) effects theta_i | y per pooling set under one prior."""
    rows = []
    for name, (chosen, post) in fit_sets(effects, sets, prior, mu_prior_sd).items():
        if post is None:
            continue
        for (_, r), s in zip(chosen.iterrows(), post.shrunken(), strict=True):
            rows.append(
                {
                    "set": name,
                    "prior": prior_name,
                    "es_id": r["es_id"],
                    "yi": r["yi"],
                    "vi": r["vi"],
                    "theta_mean": s[0],
                    "theta_q025": s[1],
                    "theta_q50": s[2],
                    "theta_q975": s[3],
                }
            )
    return pd.DataFrame(rows)


def crosscheck(nuts_summary: pd.DataFrame, draws: dict[str, np.ndarray], exact, multiple: float):
    """Compare NUTS quantiles (2.5/50/97.5%) of mu and tau with the exact ones.

    Tolerance: ``multiple`` × the Monte Carlo SE of a quantile, approximated by
    sqrt(p(1-p)/ESS) / f(q) with f the exact posterior density at q (Gelman et al. BDA3 §10.5).
    Returns a table with an ``ok`` column.
    """
    rows = []
    for var, qfun in (("mu", exact.mu_quantiles), ("tau", exact.tau_quantiles)):
        x = np.sort(draws[var])
        ess = float(nuts_summary.loc[var, "ess_tail"])
        for p, q_exact in zip((0.025, 0.5, 0.975), qfun((0.025, 0.5, 0.975)), strict=True):
            q_nuts = float(np.quantile(x, p))
            h = 0.05 * (np.quantile(x, 0.95) - np.quantile(x, 0.05))
            dens = np.mean(np.abs(x - q_exact) < h) / (2 * h)
            mcse = np.sqrt(p * (1 - p) / ess) / max(dens, 1e-12)
            rows.append(
                {
                    "parameter": var,
                    "prob": p,
                    "exact": float(q_exact),
                    "nuts": q_nuts,
                    "mcse": mcse,
                    "ok": abs(q_nuts - q_exact) <= multiple * mcse,
                }
            )
    return pd.DataFrame(rows)
