"""Figures of the exact Bayesian posteriors: forest with shrinkage and prediction, densities per
prior, and a shrinkage plot. Each function returns a matplotlib Figure; saving is the caller's job."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from scipy.special import ndtri

from reanalysis.bayes.exact import ExactPosterior
from reanalysis.effects.assumptions import LEVEL
from reanalysis.effects.intervals import ci_label
from reanalysis.report.html import fmt
from reanalysis.report.plots import plt

Fits = dict[str, tuple[pd.DataFrame, ExactPosterior | None]]
MAX_STUDIES = 40  # per set in the Bayesian forest plot; more are summarised
PRIOR_COLOURS = ("tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown")


def _study_label(r: pd.Series) -> str:
    label = " · ".join(str(r[c]).replace("_", " ") for c in ("study_id", "outcome", "subgroup"))
    return label if r["arm"] == "between" else label + f" · {r['arm']} arm"


def bayes_forest_plot(fits: Fits, sets: dict, prior_label: str, intervention: str = "the intervention"):
    """Per pooling set: observed effects (each study's own interval, at the study level
    :data:`~reanalysis.effects.assumptions.LEVEL`, 95%: black), posterior shrunken study effects
    (95% CrI, blue), the pooled mu (diamond, 95% CrI) and the 95% predictive interval of a new
    study (red). A set with one study gets no diamond and no predictive interval: with k = 1 both
    would be the tau prior's, not the data's."""
    lines = []
    z = float(ndtri(0.5 + LEVEL / 2))  # a study's observed interval is study-level (95%)
    for name, (chosen, post) in fits.items():
        if post is None:
            continue
        title = textwrap.fill(f"{sets[name]['label']} (k={len(chosen)})", 70)
        lines.append(("header", title, None))
        drawn = len(chosen) <= MAX_STUDIES  # else summarised: the rows are in shrunken_{prior}.csv
        if not drawn:
            lines.append(
                (
                    "note",
                    f"{len(chosen)} studies: rows not drawn (more than "
                    f"{MAX_STUDIES}); see the shrunken-effects table",
                    None,
                )
            )
        for (_, r), s in zip(
            chosen.iterrows() if drawn else [], post.shrunken() if drawn else [], strict=True
        ):
            se = np.sqrt(r["vi"])
            lines.append(
                (
                    "study",
                    _study_label(r),
                    (r["yi"], r["yi"] - z * se, r["yi"] + z * se, s[2], s[1], s[3]),
                )
            )
        if len(chosen) < 2:
            lines.append(("note", "single study: no pooled estimate", None))
            continue
        mq, pq = post.mu_quantiles(), post.predictive_quantiles()
        lines.append(("pooled", "pooled effect (posterior median, 95% CrI)", tuple(mq)))
        lines.append(("predict", "new study (95% predictive interval)", tuple(pq)))
    height = 0.34 * len(lines) + 1.4
    fig, ax = plt.subplots(figsize=(11, height))
    n = len(lines)
    for i, (kind, label, v) in enumerate(lines):
        pos = n - i
        ax.text(
            -0.02,
            pos,
            label,
            transform=ax.get_yaxis_transform(),
            ha="right",
            va="center",
            fontsize=8,
            fontweight="bold" if kind == "header" else "normal",
            style="italic" if kind == "note" else "normal",
        )
        if kind == "study":
            y, lo, hi, sm, slo, shi = v
            ax.plot([lo, hi], [pos + 0.12] * 2, color="black", lw=1)
            ax.plot(y, pos + 0.12, "s", color="black", ms=4)
            ax.plot([slo, shi], [pos - 0.12] * 2, color="tab:blue", lw=1)
            ax.plot(sm, pos - 0.12, "o", color="tab:blue", ms=4)
        elif kind == "pooled":
            lo, med, hi = v
            ax.fill([lo, med, hi, med], [pos, pos + 0.3, pos, pos - 0.3], color="tab:blue")
        elif kind == "predict":
            lo, med, hi = v
            ax.plot([lo, hi], [pos, pos], color="tab:red", lw=2.5)
            ax.plot(med, pos, "|", color="tab:red", ms=10)
    ax.axvline(0, color="grey", lw=0.8, ls="--")
    ax.plot([], [], "s", color="black", label=f"observed ({ci_label(LEVEL)})")
    ax.plot([], [], "o", color="tab:blue", label="shrunken by the model (95% CrI)")
    fig.legend(loc="lower left", fontsize=7, frameon=False)
    ax.set_yticks([])
    ax.set_ylim(0.3, n + 0.7)
    ax.set_xlabel(
        f"Standardised effect, positive = improvement with {intervention}\nprior on tau: {prior_label}",
        fontsize=9,
    )
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    fig.subplots_adjust(left=0.5, right=0.97, top=0.98, bottom=0.9 / height)
    return fig


def posterior_density_plot(fits_by_prior: dict[str, Fits], sets: dict, labels: dict[str, str]):
    """Rows: pooling sets with k > 0; columns: p(mu | y) and p(tau | y); one line per tau prior."""
    names = [s for s in sets if any(s in f and f[s][1] is not None for f in fits_by_prior.values())]
    fig, axes = plt.subplots(len(names), 2, figsize=(10, 2.6 * len(names) + 0.6), squeeze=False)
    for row, name in enumerate(names):
        ax_mu, ax_tau = axes[row]
        posts = {p: f[name][1] for p, f in fits_by_prior.items()}
        lo = min(p.mu_quantiles((0.005,))[0] for p in posts.values())
        hi = max(p.mu_quantiles((0.995,))[0] for p in posts.values())
        x = np.linspace(lo, hi, 400)
        tau_lo = max(min(p.tau_quantiles((0.01,))[0] for p in posts.values()), 1e-3)
        tau_hi = max(p.tau_quantiles((0.995,))[0] for p in posts.values())
        for (prior, post), colour in zip(posts.items(), PRIOR_COLOURS, strict=False):
            ax_mu.plot(x, post.mu_density(x), color=colour, label=labels[prior])
            t, d = post.log_tau_density()
            keep = (t >= tau_lo) & (t <= tau_hi)
            ax_tau.plot(t[keep], d[keep], color=colour)
        ax_tau.set_xscale("log")
        ax_mu.axvline(0, color="grey", lw=0.8, ls="--")
        ax_mu.set_title(f"{name}: pooled effect mu", fontsize=9)
        ax_tau.set_title(f"{name}: between-study SD tau (density of log tau)", fontsize=9)
        for ax in (ax_mu, ax_tau):
            ax.set_yticks([])
            ax.tick_params(labelsize=8)
    axes[0, 0].legend(fontsize=7, frameon=False, loc="upper left")
    axes[-1, 0].set_xlabel("mu (standardised, + = improvement)", fontsize=9)
    axes[-1, 1].set_xlabel("tau (log scale)", fontsize=9)
    fig.tight_layout()
    return fig


def shrinkage_plot(fits: Fits, sets: dict, intervention: str = "the intervention"):
    """Observed effect (top) joined to its posterior mean (bottom) for every study in each set;
    the dashed line is the posterior mean of mu. Panels share one x-axis."""
    names = [s for s in sets if s in fits and fits[s][1] is not None]
    values = [0.0]
    shrunken_means = {name: fits[name][1].shrunken_means() for name in names}
    for name in names:
        chosen, post = fits[name]
        values += [*chosen["yi"], *shrunken_means[name], post.mu_mean()]
    lo, hi = min(values), max(values)
    pad = 0.12 * (hi - lo or 1.0)
    fig, axes = plt.subplots(
        len(names), 1, figsize=(9, 1.9 * len(names) + 0.5), squeeze=False, sharex=True
    )
    for ax, name in zip(axes[:, 0], names, strict=True):
        chosen, post = fits[name]
        shrunk = shrunken_means[name]
        order = np.argsort(chosen["yi"].to_numpy())
        for rank, i in enumerate(order):
            y, s = chosen["yi"].iloc[i], shrunk[i]
            ax.annotate(
                "", xy=(s, 0), xytext=(y, 1), arrowprops={"arrowstyle": "->", "color": "tab:blue"}
            )
            ax.plot([y], [1], "s", color="black", ms=4)
            ax.plot([s], [0], "o", color="tab:blue", ms=4)
            ax.text(y, 1.12 + 0.16 * (rank % 2), chosen["study_id"].iloc[i], ha="center", fontsize=7)
        ax.axvline(post.mu_mean(), color="tab:blue", ls="--", lw=0.8)
        ax.axvline(0, color="grey", lw=0.6)
        ax.set_yticks([0, 1], ["posterior", "observed"], fontsize=8)
        ax.set_ylim(-0.3, 1.5)
        ax.set_xlim(lo - pad, hi + pad)
        ax.set_title(sets[name]["label"], fontsize=9)
        ax.tick_params(axis="x", labelsize=8)
    axes[-1, 0].set_xlabel(f"Standardised effect, + = improvement with {intervention}", fontsize=9)
    fig.tight_layout()
    return fig


def bayes_forest_alt(fits: Fits, sets: dict, prior_label: str) -> str:
    """'Bayesian forest plot, prior X: <set>: k = 3, pooled median 0.52 [0.08, 0.95]; ...'"""
    parts = []
    for name, (chosen, post) in fits.items():
        if post is None:
            continue
        text = f"{str(sets[name]['label']).split(' (')[0]}: k = {len(chosen)}"
        if len(chosen) >= 2:
            lo, med, hi = post.mu_quantiles()
            text += f", pooled median {fmt(med)} [{fmt(lo)}, {fmt(hi)}]"
        parts.append(text)
    return f"Bayesian forest plot, prior {prior_label}: " + "; ".join(parts)


def density_alt(fits_by_prior: dict[str, Fits], sets: dict) -> str:
    names = [s for s in sets if any(s in f and f[s][1] is not None for f in fits_by_prior.values())]
    return (
        f"posterior densities of the pooled effect and of tau for {len(names)} pooling "
        f"set{'s' * (len(names) != 1)} under {len(fits_by_prior)} priors on tau"
    )


def shrinkage_alt(fits: Fits, sets: dict) -> str:
    parts = [
        f"{str(sets[s]['label']).split(' (')[0]}: {len(fits[s][0])} "
        f"stud{'y' if len(fits[s][0]) == 1 else 'ies'}"
        for s in sets
        if s in fits and fits[s][1] is not None
    ]
    return "shrinkage plot: observed effects and their posterior means; " + "; ".join(parts)
