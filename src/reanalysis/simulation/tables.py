"""Tables from the subgroup simulator and the vote count, built from the configuration."""

from __future__ import annotations

import dataclasses
import zlib

import numpy as np
import pandas as pd

from reanalysis.effects.assumptions import Assumptions, sample_size_range
from reanalysis.simulation import subgroup as sim
from reanalysis.simulation import vote_count as vc
from reanalysis.simulation.credibility import subgroup_effect


def stable_seed(seed: int, *names: str) -> list[int]:
    """Seed material for one named job: the config seed plus CRC32s of its names (stable across
    runs and Python versions, unlike hash())."""
    return [seed, *(zlib.crc32(n.encode()) for n in names)]


def design_from_config(
    cfg: dict, a: Assumptions, outcome_correlation: float | None = None
) -> sim.TrialDesign:
    s = cfg["subgroup_simulation"]
    n_sub, n_comp = a.subgroup_sizes(s["study_id"], s["subgroup"])
    rho = s["outcome_correlation"]["value"] if outcome_correlation is None else outcome_correlation
    return sim.TrialDesign(
        n_sub=n_sub,
        n_comp=n_comp,
        n_outcomes=int(s["outcomes_examined"]["value"]),
        outcome_correlation=float(rho),
        alpha=float(s["alpha"]),
    )


def reported_effect(summary: pd.DataFrame, cfg: dict, a: Assumptions) -> float:
    """The subgroup effect the scenarios call "reported": Hedges' g of the claim's outcome
    (``subgroup_simulation.outcome``) in the subgroup, from its reported between-arm p-value at the
    assumed subgroup sizes (:func:`subgroup_credibility.subgroup_effect`)."""
    return subgroup_effect(summary, cfg["subgroup_simulation"], a)[0]


def scenario_from_config(spec: dict, reported: float) -> sim.Scenario:
    def value(v):
        return reported if v == "reported" else float(v)

    return sim.Scenario(value(spec["effect_sub"]), value(spec["effect_comp"]))


MC_NOTES = {
    "analytic": "analytic (exact formula): no Monte Carlo error",
    "binned": "from the binned estimates (bin width 0.1): no Monte Carlo error computed",
    "input": "an input of the simulation (results/sample_sizes.csv), not an estimate",
}


def scenario_table(
    cfg: dict, a: Assumptions, name: str, reported: float, workers: int = 1
) -> pd.DataFrame:
    """Long table (metric, k, x, value, mcse, mcse_note) of one scenario's simulated frequencies.

    ``mcse`` = sqrt(p(1 - p)/reps) for simulated frequencies; analytic rows, binned quantiles and
    inputs carry none (NaN) and ``mcse_note`` says why. The subgroup estimate is Hedges' g, as
    the reported effect it is compared with. ``workers`` threads (the rule's threads) do not
    change the result, only the speed."""
    s = cfg["subgroup_simulation"]
    scenario = scenario_from_config(s["scenarios"][name], reported)
    design = design_from_config(cfg, a)
    res = sim.simulate(
        design,
        scenario,
        int(s["reps"]),
        stable_seed(cfg["seed"], name),
        chunk=int(s["chunk"]),
        reported_g_sub=reported,
        workers=workers,
    )
    rows = []

    def add(metric, value, k=np.nan, x=np.nan, reps=res.reps, note=""):
        simulated = not note and 0 <= value <= 1
        rows.append(
            {
                "metric": metric,
                "k": k,
                "x": x,
                "value": value,
                "mcse": float(np.sqrt(value * (1 - value) / reps)) if simulated else np.nan,
                "mcse_note": MC_NOTES[note] if note else "",
            }
        )

    add("n_per_arm_subgroup", design.n_sub, note="input")
    add("n_per_arm_complement", design.n_comp, note="input")
    for k in range(1, design.n_tests + 1):
        add("p_any_significant", res.p_any_significant_by_k[k - 1], k=k)
        add("p_any_benefit", res.p_any_benefit_by_k[k - 1], k=k)
        add(
            "independent_tests_reference",
            sim.familywise_error_independent(k, design.alpha),
            k=k,
            note="analytic",
        )
    add("p_primary_significant", res.p_primary_significant)
    add("p_subgroup_significant", res.p_subgroup_significant)
    add("p_subgroup_benefit", res.p_subgroup_benefit)
    add("p_interaction_significant", res.p_interaction_significant)
    add("p_subgroup_estimate_at_least_reported", res.p_subgroup_at_least, x=reported)
    for q, v in zip((0.025, 0.25, 0.5, 0.75, 0.975), res.g_sub_quantiles, strict=True):
        add("subgroup_estimate_quantile", v, x=q, note="binned")
    counts, edges = res.g_sub_histogram
    for left, c in zip(edges[:-1], counts, strict=True):
        add("subgroup_estimate_density", c / res.reps / np.diff(edges)[0], x=left, note="binned")

    def rerun(changed: sim.TrialDesign, label: str):
        """The scenario again on a changed design, power_reps replicates, its own seed."""
        return sim.simulate(
            changed,
            scenario,
            int(s["power_reps"]),
            stable_seed(cfg["seed"], name, label),
            chunk=int(s["chunk"]),
            workers=workers,
        )

    for rho in s["outcome_correlation"]["range"]:
        other = rerun(design_from_config(cfg, a, rho), f"rho={rho}")
        add(
            f"p_any_benefit_at_outcome_correlation_{rho:g}",
            other.p_any_benefit_by_k[-1],
            k=design.n_tests,
            reps=other.reps,
        )
    # the other named assumptions at the ends of their ranges (power_reps replicates each)
    for n_out in s["outcomes_examined"]["range"]:
        fewer = dataclasses.replace(design, n_outcomes=int(n_out))
        other = rerun(fewer, f"outcomes={n_out}")
        add(
            f"p_any_benefit_with_{int(n_out)}_outcomes",
            other.p_any_benefit_by_k[-1],
            k=fewer.n_tests,
            reps=other.reps,
        )
    for n_sub in sample_size_range(cfg, s["study_id"], s["subgroup"]) or ():
        sized = dataclasses.replace(design, n_sub=n_sub, n_comp=n_sub, n_outcomes=1)
        other = rerun(sized, f"n_sub={n_sub}")
        add(
            f"p_interaction_significant_at_{n_sub}_per_cell",
            other.p_interaction_significant,
            x=n_sub,
            reps=other.reps,
        )
    out = pd.DataFrame(rows)
    out.insert(0, "scenario", name)
    return out


def power_table(cfg: dict, a: Assumptions, workers: int = 1) -> pd.DataFrame:
    """Power of the subgroup, interaction and whole-sample tests (first outcome, all two-sided at
    ``alpha``) over a grid of true subgroup effects (SMD), for an effect in the subgroup only and
    for a uniform effect; ``power_subgroup_benefit`` also requires the estimate to favour the
    intervention. ``exact_power_subgroup_two_sided`` is the noncentral-t value (analytic, no
    Monte Carlo error); the n per arm are those of results/sample_sizes.csv."""
    s = cfg["subgroup_simulation"]
    design = dataclasses.replace(design_from_config(cfg, a), n_outcomes=1)
    rows = []
    for pattern in ("subgroup_only", "uniform"):
        for effect in s["power_grid"]:
            scenario = sim.Scenario(float(effect), float(effect) if pattern == "uniform" else 0.0)
            res = sim.simulate(
                design,
                scenario,
                int(s["power_reps"]),
                stable_seed(cfg["seed"], "power", pattern, str(effect)),
                chunk=int(s["chunk"]),
                workers=workers,
            )
            rows.append(
                {
                    "pattern": pattern,
                    "effect": float(effect),
                    "n_per_arm_subgroup": design.n_sub,
                    "n_per_arm_complement": design.n_comp,
                    "power_subgroup": res.p_subgroup_significant,
                    "power_subgroup_benefit": res.p_subgroup_benefit,
                    "power_interaction": res.p_interaction_significant,
                    "power_whole_sample": res.p_primary_significant,
                    "exact_power_subgroup_two_sided": sim.power_two_sample(
                        float(effect), design.n_sub, design.n_sub, design.alpha
                    ),
                    "reps": res.reps,
                }
            )
    return pd.DataFrame(rows)


def vote_studies(cfg: dict) -> list[vc.VoteStudy]:
    return [
        vc.VoteStudy(s["label"], int(s["n"]), s["design"]) for s in cfg["vote_count"]["studies"]["list"]
    ]


def vote_count_tables(cfg: dict, summary_all: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(summary, curve): the binomial view of k of n, and P(>= k positive | delta) per level of
    non-specific improvement, exact and simulated."""
    v = cfg["vote_count"]
    ids = v["claim_row_ids"]

    def figure(row_id):
        hit = summary_all.loc[summary_all["row_id"] == row_id, "value"]
        if hit.empty:
            raise ValueError(f"vote_count.claim_row_ids: no data row {row_id!r}")
        return int(hit.iloc[0])

    positive, total = figure(ids["positive"]), figure(ids["total"])
    studies = vote_studies(cfg)
    if len(studies) != total:
        raise ValueError(f"vote_count.studies lists {len(studies)} studies but the claim counts {total}")
    summary = vc.binomial_summary(positive, total, tuple(v["beta_prior"]))
    ns = v["nonspecific_improvement"]
    summary["uncontrolled_studies"] = sum(s.design == "uncontrolled" for s in studies)
    lo, hi = (float(x) for x in ns["range"])
    for criterion in vc.CRITERIA:
        for tag, level in (("", ns["value"]), ("_low_nonspecific", lo), ("_high_nonspecific", hi)):
            summary[f"p_at_least_k_if_no_effect_{criterion}{tag}"] = vc.prob_at_least(
                studies, positive, 0.0, float(level), v["alpha"], criterion
            )
    rows = []
    levels = sorted({float(ns["value"]), lo, hi})
    reps = int(v["reps"])
    for criterion in vc.CRITERIA:  # one set of draws per criterion, shared by the grid
        points = [(float(delta), level) for level in levels for delta in v["delta_grid"]]
        simulated = vc.simulate_at_least_grid(
            studies,
            positive,
            points,
            reps,
            stable_seed(cfg["seed"], "vote", criterion),
            v["alpha"],
            criterion,
        )
        for (delta, level), p_sim in zip(points, simulated, strict=True):
            exact = vc.prob_at_least(studies, positive, delta, level, v["alpha"], criterion)
            rows.append(
                {
                    "criterion": criterion,
                    "nonspecific_improvement": level,
                    "delta": delta,
                    "p_at_least_k_exact": exact,
                    "p_at_least_k_simulated": float(p_sim),
                    "mcse": float(np.sqrt(exact * (1 - exact) / reps)),
                }
            )
    return pd.DataFrame([summary]), pd.DataFrame(rows)
