"""How credible is a subgroup claim? Subgroup effects from reported p-values, the interaction
test, Bayesian shrinkage of the subgroups, and a credibility table after Sun et al. 2010 (BMJ
340:c117) and ICEMAN (Schandelmaier et al. 2020, CMAJ 192:E901)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import ndtri

from reanalysis.bayes.exact import posterior_exact
from reanalysis.bayes.priors import TauPrior
from reanalysis.effects.assumptions import LEVEL, Assumptions
from reanalysis.effects.cells import find_row
from reanalysis.effects.formulas import hedges_j
from reanalysis.effects.sd_recovery import t_from_p

# Criteria the ledger quotes by name
PRESPECIFIED = "Was the subgroup analysis pre-specified, with its direction?"
MULTIPLICITY = "Could multiplicity explain it?"
INTERACTION_POWER = "Could the trial detect the interaction it implies?"


def g_from_p(p: float, n1: int, n2: int, sign: float, exact: bool = True) -> tuple[float, float]:
    """Hedges' g from a two-sided two-sample t-test p-value: d = t_{1-p/2, df} sqrt(1/n1 + 1/n2)
    (Cochrane Handbook 6.5.2.3 via t), variance as Borenstein 2009 eqs. 4.20-4.24."""
    d = float(np.sign(sign) * t_from_p(p, n1 + n2 - 2) * np.sqrt(1.0 / n1 + 1.0 / n2))
    j = float(hedges_j(n1 + n2 - 2, exact=exact))
    return j * d, j**2 * ((n1 + n2) / (n1 * n2) + d**2 / (2.0 * (n1 + n2)))


def interaction_test(g1: float, v1: float, g2: float, v2: float) -> tuple[float, float]:
    """z and two-sided p for the difference of two independent subgroup effects
    (Altman & Bland 2003, BMJ 326:219)."""
    z = (g1 - g2) / np.sqrt(v1 + v2)
    return float(z), float(2.0 * stats.norm.sf(abs(z)))


@dataclasses.dataclass(frozen=True)
class SubgroupPair:
    """Effects (Hedges' g, + = benefit) of one outcome in a subgroup and its complement."""

    g_sub: float
    v_sub: float
    g_comp: float
    v_comp: float
    p_sub: float
    p_comp: float
    n_sub: int  # per arm
    n_comp: int


def _row(
    summary: pd.DataFrame,
    study: str,
    subgroup: str,
    outcome: str,
    arm: str,
    timepoint: str,
    statistic: str,
):
    return find_row(
        summary,
        study_id=study,
        subgroup=subgroup,
        outcome=outcome,
        arm=arm,
        timepoint=timepoint,
        statistic=statistic,
    )


def _arm_with_role(
    summary: pd.DataFrame, study: str, subgroup: str, outcome: str, role: str
) -> pd.Series | None:
    """The end-of-treatment mean row of the study's arm with ``role`` (column ``role``, added from
    data/arms.csv by :func:`reanalysis.data.load.load_curated`)."""
    rows = summary[
        (summary["study_id"] == study)
        & (summary["subgroup"] == subgroup)
        & (summary["outcome"] == outcome)
        & (summary["timepoint"] == "end")
        & (summary["statistic"] == "mean")
        & (summary["role"] == role)
    ]
    return None if rows.empty else rows.iloc[0]


def subgroup_direction(summary: pd.DataFrame, study: str, subgroup: str, outcome: str) -> float:
    """+1 if the end-of-treatment means favour the intervention arm, -1 if the comparator (arm
    roles from data/arms.csv); needs both means."""
    mg = _arm_with_role(summary, study, subgroup, outcome, "intervention")
    pl = _arm_with_role(summary, study, subgroup, outcome, "comparator")
    if mg is None or pl is None:
        raise ValueError(
            f"{study}/{subgroup}/{outcome}: end-of-treatment means of both arms are "
            "needed to give the subgroup p-value a direction"
        )
    diff = float(mg["value"]) - float(pl["value"])
    return float(np.sign(-diff if bool(mg["lower_is_better"]) else diff))


def subgroup_effect(summary: pd.DataFrame, cfg: dict, a: Assumptions) -> tuple[float, float]:
    """(g, var) of the claim's outcome (``cfg["outcome"]``) in the subgroup, from its reported
    between-arm p-value at the assumed per-arm subgroup size, signed by the end-of-treatment means."""
    study, sub, outcome = cfg["study_id"], cfg["subgroup"], cfg["outcome"]
    p_sub = _row(summary, study, sub, outcome, "between", "end", "p_value")
    if p_sub is None:
        raise ValueError(
            f"{study}/{sub}/{outcome}: the subgroup claim's between-arm p-value "
            "(statistic p_value, arm between) is needed"
        )
    n_sub, _ = a.subgroup_sizes(study, sub)
    return g_from_p(
        float(p_sub["value"]), n_sub, n_sub, subgroup_direction(summary, study, sub, outcome)
    )


def subgroup_pair(
    summary: pd.DataFrame, cfg: dict, a: Assumptions, outcome: str, comp_sign: float
) -> SubgroupPair:
    """Subgroup and complement g from their reported between-arm p-values and assumed sizes."""
    study, sub, comp = cfg["study_id"], cfg["subgroup"], cfg["complement"]
    p_sub = _row(summary, study, sub, outcome, "between", "end", "p_value")
    p_comp = _row(summary, study, comp, outcome, "between", "end", "p_value")
    if p_sub is None or p_comp is None:
        raise ValueError(f"{study}/{outcome}: p-values of both subgroups ({sub}, {comp}) needed")
    n_sub, n_comp = a.subgroup_sizes(study, sub)
    g1, v1 = g_from_p(
        float(p_sub["value"]), n_sub, n_sub, subgroup_direction(summary, study, sub, outcome)
    )
    g2, v2 = g_from_p(float(p_comp["value"]), n_comp, n_comp, comp_sign)
    return SubgroupPair(g1, v1, g2, v2, float(p_sub["value"]), float(p_comp["value"]), n_sub, n_comp)


def shrinkage_table(pair: SubgroupPair, prior: TauPrior, mu_prior_sd: float, label: str) -> dict:
    """Exchangeable subgroups (Dixon & Simon 1991): theta_sub, theta_comp ~ N(mu, tau²)."""
    post = posterior_exact([pair.g_sub, pair.g_comp], [pair.v_sub, pair.v_comp], prior, mu_prior_sd)
    s = post.shrunken()
    z, p = interaction_test(pair.g_sub, pair.v_sub, pair.g_comp, pair.v_comp)
    # the subgroup's own g with its study-level interval (LEVEL, 95%; report.tables names the level)
    half = float(ndtri(0.5 + LEVEL / 2)) * np.sqrt(pair.v_sub)
    return {
        "scenario": label,
        "n_per_arm_sub": pair.n_sub,
        "n_per_arm_comp": pair.n_comp,
        "g_sub": pair.g_sub,
        "g_sub_ci_low": pair.g_sub - half,
        "g_sub_ci_high": pair.g_sub + half,
        "g_comp": pair.g_comp,
        "interaction_z": z,
        "interaction_p": p,
        "shrunken_sub_mean": s[0, 0],
        "shrunken_sub_q025": s[0, 1],
        "shrunken_sub_q975": s[0, 3],
        "p_shrunken_sub_gt_0": post.prob_shrunken_above(0, 0.0),
        "shrunken_comp_mean": s[1, 0],
        "tau_q50": post.tau_quantiles((0.5,))[0],
    }


def credibility_table(
    summary: pd.DataFrame,
    cfg: dict,
    shrink: pd.DataFrame,
    null_sim: pd.DataFrame,
    subgroup_only_sim: pd.DataFrame,
) -> pd.DataFrame:
    """One row per criterion: the question, the answer, the evidence with numbers, its source."""
    study, sub, outcome = cfg["study_id"], cfg["subgroup"], cfg["outcome"]
    p_row = _row(summary, study, sub, outcome, "between", "end", "p_value")
    note = str(p_row["note"]) if p_row is not None and pd.notna(p_row["note"]) else ""
    post_hoc = "post hoc" in note.lower()
    whole = _row(summary, study, "all", outcome, "between", "end", "p_value")
    in_study = summary[(summary["study_id"] == study) & (summary["arm"] == "between")]
    related = in_study[
        (in_study["subgroup"] == sub)
        & (in_study["outcome"] != outcome)
        & (in_study["statistic"] == "p_value")
    ]
    others = in_study[in_study["statistic"] == "p_above"]
    k_max = int(null_sim["k"].max())

    def metric(sim, name, k=None):
        rows = sim[sim["metric"] == name]
        return float((rows[rows["k"] == k] if k is not None else rows)["value"].iloc[0])

    fwer = metric(null_sim, "p_any_benefit", k_max)
    power = metric(subgroup_only_sim, "p_interaction_significant")
    at_n = subgroup_only_sim[
        subgroup_only_sim["metric"].str.startswith("p_interaction_significant_at_")
    ].sort_values("x")
    power_range = (
        ""
        if at_n.empty
        else "; "
        + ", ".join(
            f"{v:.0%} with {int(n)} per arm in each subgroup"
            for n, v in zip(at_n["x"], at_n["value"], strict=True)
        )
    )
    effect_x = float(
        subgroup_only_sim.loc[
            subgroup_only_sim["metric"] == "p_subgroup_estimate_at_least_reported", "x"
        ].iloc[0]
    )
    default = shrink.iloc[0]
    rows = [
        (
            "Is the subgroup variable a baseline characteristic?",
            "yes",
            cfg["subgroup_variable"],
            "config subgroup_simulation.subgroup_variable",
        ),
        (
            PRESPECIFIED,
            "no" if post_hoc else "not reported",
            f"The source describes the subgroup as: '{note}'."
            if note
            else "No statement of pre-specification in the sources.",
            f"data/summary_stats.csv row {p_row['row_id'] if p_row is not None else '-'}",
        ),
        (
            "Is the treatment x subgroup interaction significant?",
            "no"
            if shrink["interaction_p"].min() >= 0.05
            else ("yes" if shrink["interaction_p"].max() < 0.05 else "depends on assumptions"),
            "Not reported by the trial. Recomputed from the subgroup p-values: "
            + "; ".join(
                f"{r['scenario']}: z = {r['interaction_z']:.2f}, p = {r['interaction_p']:.3f}"
                for _, r in shrink.iterrows()
            ),
            "results/simulation/subgroup_shrinkage.csv",
        ),
        (
            "Is the overall (whole-sample) result consistent with a benefit?",
            "no" if whole is not None and float(whole["value"]) >= 0.05 else "yes",
            f"Primary outcome, whole sample: p = {float(whole['value']):.2f}."
            if whole is not None
            else "not reported",
            f"data row {whole['row_id'] if whole is not None else '-'}",
        ),
        (
            "Is the effect consistent across related outcomes?",
            "partly",
            "".join(
                f"{r['outcome'].replace('_', ' ').capitalize()} in the same subgroup: "
                f"p = {float(r['value']):.3f}. "
                for _, r in related.iterrows()
            )
            + f"{len(others)} other outcomes "
            f"({', '.join(others['outcome'])}) 'not significantly different' in the whole sample; "
            "their subgroup results are not reported.",
            "data/summary_stats.csv",
        ),
        (
            MULTIPLICITY,
            "yes" if fwer > 0.2 else "unlikely",
            f"With {k_max} tests (outcomes x whole sample and two subgroups) and no true effect, at "
            f"least one 'benefit' at p < 0.05 occurs in {fwer:.0%} of simulated trials.",
            "results/simulation/subgroup_no_effect.csv",
        ),
        (
            INTERACTION_POWER,
            "no" if power < 0.8 else "yes",
            f"Power of the interaction test when the reported effect (Hedges' g {effect_x:.2f}, "
            f"{outcome.replace('_', ' ')}, from the subgroup's p-value) exists only in the subgroup: "
            f"{power:.0%} "
            f"(assumed sizes){power_range}.",
            "results/simulation/subgroup_subgroup_only.csv",
        ),
        (
            "Does the subgroup effect survive shrinkage?",
            "weakened" if default["shrunken_sub_mean"] < 0.8 * default["g_sub"] else "yes",
            "; ".join(
                f"{r['scenario']}: g = {r['g_sub']:.2f} shrinks to {r['shrunken_sub_mean']:.2f} "
                f"(95% CrI {r['shrunken_sub_q025']:.2f} to {r['shrunken_sub_q975']:.2f}), "
                f"P(> 0) = {r['p_shrunken_sub_gt_0']:.2f}"
                for _, r in shrink.iterrows()
            ),
            "results/simulation/subgroup_shrinkage.csv",
        ),
        (
            "Is there a prior biological rationale for this subgroup?",
            "no",
            cfg["plausibility"],
            "config subgroup_simulation.plausibility",
        ),
    ]
    return pd.DataFrame(rows, columns=["criterion", "answer", "evidence", "source"])
