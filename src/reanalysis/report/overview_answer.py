"""The overview's answer-first section: for each summary-of-findings outcome, the pooling sets
that answer it (:func:`sets_for_outcome`) and, per set, the frequentist estimate, the estimate in
the outcome's own unit, the Bayesian posterior, its range over the named assumptions and why the
two intervals differ, each as one sentence rendered from the result tables (:func:`answer_html`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reanalysis.effects.intervals import ci_label, md_interval
from reanalysis.effects.notes import in_unit
from reanalysis.meta.method_names import interval_name
from reanalysis.report.html import esc, fmt, p_text

__all__ = ["sets_for_outcome", "answer_html", "set_measure", "row_measure", "in_set_unit"]


def _short(label: str) -> str:
    """A set's label up to its first parenthesis or comma-free clause (the reader's name)."""
    return str(label).split(" (")[0].strip()


def set_measure(spec: dict) -> str:
    """The effect measure a pooling set pools (config ``measure``; SMD where it names none)."""
    return str(spec.get("measure") or "SMD")


def row_measure(r: pd.Series, spec: dict) -> str:
    """What a pooled row is called: its own ``measure`` column (SMCR for a standardised change
    within one arm, MC for a mean change), else the set's configured measure."""
    m = r.get("measure")
    return str(m) if isinstance(m, str) and m else set_measure(spec)


def sets_for_outcome(
    spec: dict, pooled: pd.DataFrame, effects: pd.DataFrame, sets: dict, method: str
) -> pd.DataFrame:
    """The primary-method rows of the pooling sets that answer one summary-of-findings outcome:
    a set whose estimands and subgroups are among the outcome's and whose pooled effects
    (``studies``: effect ids) all have one of its outcomes (a set that mixes in another outcome,
    e.g. one study's row on another outcome beside the card's, answers no single card)."""
    rows = pooled[(pooled["method"] == method) & (pooled["k"] > 0)]
    out_of = dict(zip(effects["es_id"], effects["outcome"], strict=False))
    keep = []
    for _, r in rows.iterrows():
        s = sets.get(r["set"], {})
        outcomes = {out_of.get(i) for i in str(r["studies"]).split()}
        keep.append(
            set(s.get("estimands", [])) <= set(spec.get("estimands", []))
            and set(s.get("subgroups", [])) <= set(spec.get("subgroups", []))
            and bool(outcomes)
            and outcomes <= set(spec.get("effect_outcomes", []))
        )
    return rows[np.array(keep, dtype=bool)] if len(rows) else rows


def _width(lo: float, hi: float) -> float:
    return float(hi) - float(lo)


def _why_differ(freq: pd.Series, bayes: pd.Series | None, knha: bool, prior_label: str) -> str:
    """One sentence on why the frequentist and the Bayesian interval differ, from their widths."""
    if bayes is None:
        return ""
    narrower = (
        "narrower"
        if _width(bayes["mu_q025"], bayes["mu_q975"]) < _width(freq["ci_low"], freq["ci_high"])
        else "wider"
    )
    if int(freq["k"]) == 1:
        return (
            f"Why two intervals: the confidence interval is the single study's own (t "
            f"distribution on {fmt(freq['df'], kind='int')} degrees of freedom); the "
            f"credible interval also allows for a spread of true effects between studies "
            f"(prior {prior_label}) and shrinks the estimate towards 0 (the prior on the "
            f"average), so it is {narrower}."
        )
    if not knha:
        return (
            f"Why two intervals: the confidence interval takes the estimated between-study "
            f"spread as known (normal distribution); the credible interval averages over it, "
            f"weighted by its prior ({prior_label}), so it is {narrower}."
        )
    return (
        f"Why two intervals: the Knapp–Hartung confidence interval uses a t distribution on "
        f"{fmt(freq['q_df'], kind='int')} degree{'s' if freq['q_df'] != 1 else ''} of "
        f"freedom (k − 1), very wide with few studies; the credible interval averages over the "
        f"between-study spread weighted by its prior ({prior_label}), so it is {narrower}."
    )


def in_set_unit(value: float, spec: dict, unit: str) -> str:
    """A figure of a pooled set (``fmt``) with its unit: a mean difference (measure MD) is in
    the instrument's unit ('15.11 days'); a standardised or ratio measure has none."""
    return esc(in_unit(fmt(value), unit)) if set_measure(spec) == "MD" else fmt(value)


def _freq_item(r: pd.Series, spec: dict, method_name: str, level: float, unit: str = "") -> str:
    m = row_measure(r, spec)

    def u(v) -> str:
        return in_set_unit(v, spec, unit)

    ci = f"{ci_label(level)} {fmt(r['ci_low'])} to {u(r['ci_high'])}"
    if int(r["k"]) == 1:
        return (
            f"<li><b>Frequentist</b> (one study, not pooled; t interval): {m} {u(r['mu'])} ({ci}).</li>"
        )
    pi = (
        f"; prediction interval for a new study {fmt(r['pi_low'])} to {u(r['pi_high'])}"
        if int(r["k"]) >= 3 and pd.notna(r.get("pi_low"))
        else "; no prediction interval with fewer than 3 studies"
    )
    if int(r["k"]) >= 3 and r.get("tau2") == 0 and pd.notna(r.get("tau2_ci_high")):
        pi += (
            f" (the same as the CI: the between-study variance τ² is estimated as 0, with "
            f"a {ci_label(level)} of 0 to {fmt(r['tau2_ci_high'])}; {int(r['k'])} studies "
            "estimate it poorly)"
        )
    return (
        f"<li><b>Frequentist</b> ({method_name}, {int(r['k'])} studies pooled): {m} "
        f"{u(r['mu'])} ({ci}{pi}; {p_text(r['pval'])}).{_untruncated(r, level, u)}</li>"
    )


def _untruncated(r: pd.Series, level: float, u) -> str:
    """Where the ad hoc rule raised the Knapp–Hartung variance factor to 1, the plain
    Knapp–Hartung interval and p (metafor ``test="knha"``) beside the reported ones."""
    if str(r.get("knha_truncated")) != "True":  # True/False, or empty without Knapp-Hartung
        return ""
    return (
        f" The variance factor Q-based s² = {fmt(r['knha_scale'])} was below 1 and set to 1; "
        f"plain Knapp–Hartung would give {ci_label(level)} {fmt(r['ci_low_knha_raw'])} to "
        f"{u(r['ci_high_knha_raw'])}, {p_text(r['pval_knha_raw'])}."
    )


def _assumption_range_item(r: pd.Series, spec: dict, sensitivity: pd.DataFrame | None, unit: str) -> str:
    """Where the estimate rests on named assumptions, its lowest and highest value as each one
    moves across its range (results/sensitivity.csv, one assumption at a time): a figure is not
    quoted only at its default."""
    if sensitivity is None or sensitivity.empty:
        return ""
    rows = sensitivity[
        (sensitivity["set"] == r["set"])
        & (sensitivity["assumption"] != "default")
        & sensitivity["mu"].notna()
    ]
    if rows.empty:
        return ""
    lo, hi = rows.loc[rows["mu"].idxmin()], rows.loc[rows["mu"].idxmax()]
    if fmt(lo["mu"]) == fmt(hi["mu"]) == fmt(r["mu"]):
        return ""

    def at(row) -> str:
        return f"{esc(str(row['assumption']))} = {esc(str(row['assumption_value']))}"

    return (
        f"<li><b>Across the assumptions' ranges</b> (sensitivity analysis, one assumption at a "
        f"time): {row_measure(r, spec)} from {in_set_unit(lo['mu'], spec, unit)} ({at(lo)}) to "
        f"{in_set_unit(hi['mu'], spec, unit)} ({at(hi)}).</li>"
    )


def _unit_item(r: pd.Series, spec: dict, effects: pd.DataFrame, unit_of, level: float) -> str:
    """The estimate in the outcome's own unit: a pooled mean difference, or the single study's
    mean difference (effect table, t interval)."""
    if set_measure(spec) == "MD":
        return ""  # the pooled estimate above is already in the outcome's unit
    if set_measure(spec) == "ROM":
        return (
            "<li>Pooled as the log ratio of the arms' means (ROM), not in the outcome's own unit.</li>"
        )
    if int(r["k"]) != 1:
        return (
            f"<li>Pooled on the standardised scale only ({row_measure(r, spec)}: differences in "
            "standard deviations), not in the outcome's own unit.</li>"
        )
    e = effects[effects["es_id"].isin(str(r["studies"]).split())]
    if e.empty or pd.isna(e["md"].iloc[0]) or pd.isna(e["md_ci_low"].iloc[0]):
        return ""
    e = e.iloc[0]
    unit = unit_of(e["instrument"])
    # at the configured level (the effect table's md_ci_low/high are 95%), as the summary of findings
    lo, hi = md_interval(e["md"], e["md_var"], e.get("md_df", np.nan), level)
    return (
        f"<li><b>In the outcome's unit</b> ({esc(e['instrument'])}): a difference of "
        f"{fmt(e['md'], 1)}{' ' + esc(unit) if unit else ''} ({ci_label(level)} "
        f"{fmt(lo, 1)} to {fmt(hi, 1)}, t on "
        f"{fmt(e['md_df'], kind='int')} degrees of freedom).</li>"
    )


def _bayes_item(
    b: pd.Series | None, spec: dict, mu_prior_sd: float | None, unit: str, name: str = ""
) -> str:
    if b is None:
        return ""
    m = name or set_measure(spec)
    prior = f"prior {esc(b['prior_label'])}" + (
        f", average effect ~ Normal(0, {fmt(mu_prior_sd, 1)}²)" if mu_prior_sd else ""
    )
    text = (
        f"<li><b>Bayesian</b> (exact posterior, {prior}): {m} {fmt(b['mu_q50'])} (95% "
        f"credible interval {fmt(b['mu_q025'])} to {fmt(b['mu_q975'])}); probability of any "
        f"benefit {fmt(b['p_mu_gt_0'], kind='pct')}"
    )
    if pd.notna(b.get("p_mu_gt_mcid")):
        ends = sorted([b["p_mu_gt_mcid_sd_low"], b["p_mu_gt_mcid_sd_high"]])
        text += (
            f"; probability of a benefit patients notice (at least "
            f"{fmt(b['mcid_natural'], 1)}{' ' + esc(unit) if unit else ''}) "
            f"{fmt(b['p_mu_gt_mcid'], kind='pct')} "
            f"({fmt(ends[0], kind='pct')} to {fmt(ends[1], kind='pct')} as the assumed "
            "reference SD that converts it to the standardised scale moves across its range)"
        )
    return text + ".</li>"


def _set_unit(r: pd.Series, effects: pd.DataFrame, unit_of) -> str:
    """The unit of the set's MCID: that of its effects' instrument when they share one."""
    inst = effects.loc[effects["es_id"].isin(str(r["studies"]).split()), "instrument"].unique()
    return unit_of(inst[0]) if len(inst) == 1 else ""


def answer_html(
    sof: pd.DataFrame,
    specs: list[dict],
    pooled: pd.DataFrame,
    bayes: pd.DataFrame | None,
    effects: pd.DataFrame,
    sets: dict,
    method: str,
    knha: bool,
    level: float,
    mu_prior_sd: float | None = None,
    unit_of=lambda instrument: "",
    title: str = "",
    sensitivity: pd.DataFrame | None = None,
) -> str:
    """The answer first: per summary-of-findings outcome, the GRADE certainty and its plain
    sentence, then for each pooling set that answers it the frequentist estimate (method named,
    CI, prediction interval), the estimate in the outcome's unit where there is one, the
    Bayesian posterior (prior named; P(benefit), P(benefit >= MCID) with its range over the
    reference SD) and why the two intervals differ. Every number from the tables passed in."""
    method_name = f"random effects, {method}, {interval_name(knha)}"
    spec_of = {s["outcome"]: s for s in specs}
    parts = [f"<h2 id='answer'>{esc(title) or 'The answer first'}</h2>"]
    for _, r in sof.iterrows():
        spec = spec_of.get(r["outcome"], {})
        parts.append(
            f"<section class='answer'><h3>{esc(r['label'])}</h3>"
            f"<p><b>Certainty (GRADE): {esc(r['certainty'])}</b> "
            f"<span aria-hidden='true'>{esc(r['symbols'])}</span></p>"
        )
        rows = sets_for_outcome(spec, pooled, effects, sets, method) if spec else pooled.iloc[:0]
        if rows.empty:
            found = [t for t in str(r.get("effect", "")).split(" | ") if t and t != "nan"]
            parts.append(
                "<p class='note'>No pooled or single-study estimate for this outcome. "
                + (
                    "What the studies reported:</p><ul>"
                    + "".join(f"<li>{esc(t)}</li>" for t in found)
                    + "</ul>"
                    if found
                    else "</p>"
                )
            )
        for _, f in rows.iterrows():
            s = sets.get(f["set"], {})
            b = None
            if bayes is not None:
                hit = bayes[bayes["set"] == f["set"]]
                b = hit.iloc[0] if not hit.empty else None
            unit = _set_unit(f, effects, unit_of)
            items = [
                _freq_item(f, s, method_name, level, unit),
                _unit_item(f, s, effects, unit_of, level),
                _bayes_item(b, s, mu_prior_sd, unit, row_measure(f, s)),
                _assumption_range_item(f, s, sensitivity, unit),
            ]
            why = _why_differ(f, b, knha, esc(b["prior_label"]) if b is not None else "")
            parts.append(
                f"<p class='set'>{esc(_short(s.get('label', f['set'])))}:</p>"
                f"<ul>{''.join(items)}</ul>" + (f"<p class='note'>{why}</p>" if why else "")
            )
        parts.append(f"<p>{esc(r['plain'])}</p></section>")
    return "".join(parts)
