"""Figures of the subgroup simulations and the vote count (each returns a matplotlib Figure)."""

from __future__ import annotations

import pandas as pd

from reanalysis.report.html import fmt
from reanalysis.report.plots import plt

STYLE = {"no_effect": "tab:grey", "uniform": "tab:green", "subgroup_only": "tab:blue"}


def false_positive_plot(
    scenarios: pd.DataFrame, n_outcomes: int, intervention: str = "the intervention"
):
    """P(at least one of the first k tests 'finds' something) vs k, under no effect."""
    null = scenarios[scenarios["scenario"] == "no_effect"]
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    for metric, label, style in (
        ("p_any_significant", "any test p < 0.05 (either direction)", "-o"),
        ("p_any_benefit", f"any test p < 0.05 favouring {intervention}", "-s"),
        ("independent_tests_reference", "1 - 0.95^k (independent tests)", ":"),
    ):
        part = null[null["metric"] == metric]
        ax.plot(part["k"], part["value"], style, ms=3, label=label)
    for boundary, name in ((n_outcomes, "whole sample"), (2 * n_outcomes, "+ subgroup")):
        ax.axvline(boundary + 0.5, color="grey", lw=0.6, ls="--")
        ax.text(boundary + 0.3, 0.02, name, rotation=90, fontsize=7, ha="right", va="bottom")
    ax.set_xlabel("number of tests examined (outcomes in whole sample, then subgroups)", fontsize=9)
    ax.set_ylabel("probability with no true effect", fontsize=9)
    ax.set_ylim(0, 1)
    ax.legend(fontsize=7, frameon=False, loc="upper left")
    fig.tight_layout()
    return fig


def power_plot(power: pd.DataFrame, reported: float):
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
    titles = {"subgroup_only": "effect only in the subgroup", "uniform": "same effect in everyone"}
    for ax, (pattern, part) in zip(axes, power.groupby("pattern", sort=False), strict=True):
        ax.plot(
            part["effect"],
            part["power_subgroup"],
            "-o",
            ms=3,
            label="subgroup test (two-sided p < 0.05)",
        )
        ax.plot(part["effect"], part["power_interaction"], "-s", ms=3, label="interaction test")
        ax.plot(part["effect"], part["power_whole_sample"], "-^", ms=3, label="whole-sample test")
        ax.axvline(reported, color="grey", ls="--", lw=0.8)
        ax.text(reported, 0.98, " reported", fontsize=7, va="top")
        ax.axhline(0.8, color="grey", lw=0.5, ls=":")
        ax.set_title(titles.get(pattern, pattern), fontsize=9)
        ax.set_xlabel("true SMD of change in the subgroup", fontsize=9)
    axes[0].set_ylabel("power", fontsize=9)
    axes[0].set_ylim(0, 1)
    axes[0].legend(fontsize=7, frameon=False, loc="center right")
    fig.tight_layout()
    return fig


def subgroup_estimate_plot(scenarios: pd.DataFrame, labels: dict[str, str], reported: float):
    fig, ax = plt.subplots(figsize=(7.5, 4))
    for name, part in scenarios[scenarios["metric"] == "subgroup_estimate_density"].groupby(
        "scenario", sort=False
    ):
        width = float(part["x"].diff().iloc[1])
        ax.step(
            part["x"] + width / 2,
            part["value"],
            where="mid",
            color=STYLE.get(name),
            label=labels.get(name, name),
        )
        p = scenarios[
            (scenarios["scenario"] == name)
            & (scenarios["metric"] == "p_subgroup_estimate_at_least_reported")
        ]
        if name == "no_effect" and not p.empty:
            ax.text(
                reported + 0.05,
                0.5,
                f"P(estimate >= reported | no effect) = {float(p['value'].iloc[0]):.3f}",
                fontsize=7,
                transform=ax.get_xaxis_transform(),
            )
    ax.axvline(reported, color="black", ls="--", lw=0.8)
    ax.set_xlabel("estimated subgroup Hedges' g (first outcome)", fontsize=9)
    ax.set_ylabel("density over simulated trials", fontsize=9)
    ax.legend(fontsize=7, frameon=False, loc="upper left")
    fig.tight_layout()
    return fig


def vote_count_plot(
    curve: pd.DataFrame, positive: int, total: int, intervention: str = "the intervention"
):
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
    titles = {
        "significant": "'improvement' = significant (p < 0.05)",
        "direction": "'improvement' = any change in the right direction",
    }
    for ax, (criterion, part) in zip(axes, curve.groupby("criterion", sort=False), strict=True):
        for level, sub in part.groupby("nonspecific_improvement"):
            ax.plot(
                sub["delta"],
                sub["p_at_least_k_exact"],
                "-o",
                ms=3,
                label=f"non-specific improvement = {level:g} SD",
            )
        ax.axvline(0, color="grey", lw=0.6)
        ax.set_title(titles.get(criterion, criterion), fontsize=9)
        ax.set_xlabel(f"true effect of {intervention} (SMD of change)", fontsize=9)
    axes[0].set_ylabel(f"P(at least {positive} of {total} studies report improvement)", fontsize=9)
    axes[0].set_ylim(0, 1.02)
    axes[0].legend(fontsize=7, frameon=False, loc="lower right")
    fig.tight_layout()
    return fig


def false_positive_alt(scenarios: pd.DataFrame) -> str:
    """'false positives vs number of tests, no true effect: P(any p < 0.05) 5% with 1 test, 60%
    with 18'."""
    part = scenarios[
        (scenarios["scenario"] == "no_effect") & (scenarios["metric"] == "p_any_significant")
    ].sort_values("k")
    if part.empty:
        return "false positives vs number of tests"
    a, b = part.iloc[0], part.iloc[-1]
    return (
        f"false positives vs number of tests, no true effect: P(any test p < 0.05) "
        f"{fmt(a['value'], kind='pct')} with {int(a['k'])} test, "
        f"{fmt(b['value'], kind='pct')} with {int(b['k'])}"
    )


def power_alt(power: pd.DataFrame, reported: float) -> str:
    """Power of the subgroup, interaction and whole-sample tests over true effects."""
    parts = []
    for pattern, part in power.groupby("pattern", sort=False):
        i = (part["effect"] - reported).abs().idxmin()
        r = part.loc[i]
        parts.append(
            f"{pattern.replace('_', ' ')}: at a true SMD of {fmt(r['effect'])}, power "
            f"{fmt(r['power_subgroup'], kind='pct')} (subgroup test), "
            f"{fmt(r['power_interaction'], kind='pct')} (interaction test)"
        )
    return "power curves; " + "; ".join(parts)


def subgroup_estimate_alt(scenarios: pd.DataFrame, reported: float) -> str:
    p = scenarios[
        (scenarios["scenario"] == "no_effect")
        & (scenarios["metric"] == "p_subgroup_estimate_at_least_reported")
    ]
    tail = (
        f"; with no effect an estimate at least the reported {fmt(reported)} in "
        f"{fmt(float(p['value'].iloc[0]), kind='pct')} of simulated trials"
        if not p.empty
        else ""
    )
    n = scenarios.loc[scenarios["metric"] == "subgroup_estimate_density", "scenario"].nunique()
    return f"distribution of the subgroup estimate in {n} simulated scenarios{tail}"


def vote_count_alt(curve: pd.DataFrame, positive: int, total: int) -> str:
    """'P(at least k of n report improvement) with no true effect: from X% to Y% (significant), ...'"""
    parts = []
    for criterion, part in curve.groupby("criterion", sort=False):
        at0 = part[part["delta"].abs() < 1e-12]["p_at_least_k_exact"]
        if not at0.empty:
            parts.append(f"{criterion}: {fmt(at0.min(), kind='pct')} to {fmt(at0.max(), kind='pct')}")
    return (
        f"vote count: probability that at least {positive} of {total} studies report "
        f"improvement vs the true effect; with no effect, over the assumed non-specific "
        f"improvement, " + "; ".join(parts)
    )
