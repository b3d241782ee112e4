"""The report's overview page: what was claimed and what the data support, in plain words.

Every sentence that states a fact about the data is rendered from the tables passed in; the page
shows no row ids, config keys or internal notation (those stay in the ledger's ``numbers``
column and the detailed tables).
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from reanalysis.effects.intervals import ci_label, md_interval
from reanalysis.effects.notes import in_unit
from reanalysis.ledger.verdicts import NOT_CHECKABLE, VERDICTS, verdict_definition, verdict_name
from reanalysis.meta.method_names import interval_name
from reanalysis.report.html import fmt, p_text, page

COLOURS = {
    "supported": "#1a7f37",
    "consistent but weak": "#4d7f1a",
    "overstated": "#b35900",
    "never tested against placebo": "#8a4b00",
    "tested against placebo, no difference": "#b31d28",
    "contradicted": "#b31d28",
    "factually wrong": "#82071e",
    "untraceable": "#6e7781",
    "not checkable with trial data": "#57606a",
}


def _e(x) -> str:
    return "" if x is None or (not isinstance(x, str) and pd.isna(x)) else html.escape(str(x))


def _label(studies: pd.DataFrame, study_id: str) -> str:
    hit = studies[studies["study_id"] == study_id]
    if hit.empty:
        return study_id
    label = hit["label"].iloc[0] if "label" in hit.columns else None
    return str(label) if isinstance(label, str) and label else str(hit["citation"].iloc[0])


def impossible_figure_text(flag, summary: pd.DataFrame, studies: pd.DataFrame) -> str:
    """One flagged figure (a row of results/forensics.csv) in plain words: what was reported, why
    it cannot be right (the SD bound and range that forensics computed, as it quotes them), and
    the other reading of the same figure where a source gives one."""
    row_id, check = flag["row_id"], flag["check"]
    r = summary[summary["row_id"] == row_id]
    if r.empty:
        return "A reported figure failed a consistency check."
    r = r.iloc[0]
    who = _label(studies, r["study_id"])
    when = {"baseline": "at the start", "end": "at the end", "change": "for the change"}.get(
        r["timepoint"], str(r["timepoint"])
    )
    what = (
        f"{who}: the {r['arm']} group's {r['instrument']} "
        f"{'standard deviation (SD)' if r['statistic'] == 'sd' else r['statistic']} {when} "
        f"is given as {r['value']:g}."
    )
    same = (
        (summary["study_id"] == r["study_id"])
        & (summary["arm"] == r["arm"])
        & (summary["subgroup"] == r["subgroup"])
        & (summary["outcome"] == r["outcome"])
        & (summary["timepoint"] == r["timepoint"])
    )
    alt = summary[same & (summary["statistic"] == r["statistic"]) & (summary["row_id"] != row_id)]
    if check == "sd_possible" and r["statistic"] == "sd" and pd.notna(flag.get("bound")):
        lo, hi = float(flag["range_low"]), float(flag["range_high"])
        mean = summary[same & (summary["statistic"] == "mean") & (summary["reading"] == r["reading"])]
        avg = f"with its average of {mean['value'].iloc[0]:g}, " if not mean.empty else ""
        what += (
            f" This cannot be right: an SD this large is impossible for scores between "
            f"{lo:g} and {hi:g} ({avg}the largest possible with {int(flag['bound_n'])} or "
            f"more patients is {float(flag['bound']):.2f})."
        )
    else:
        what += " It fails a consistency check, so it cannot be right as printed."
    if not alt.empty:
        a = alt.iloc[0]
        what += f" Probably a typo: {a['source'].split(' (')[0]} gives {a['value']:g}."
    return what


def sample_size_findings_html(sizes: pd.DataFrame | None, studies: pd.DataFrame | None) -> str:
    """The subgroups whose reported p-values do not all fit the one n per arm that every output
    uses (results/sample_sizes.csv verdict flag or inconclusive), with the computed finding."""
    if sizes is None or sizes.empty:
        return ""
    odd = sizes[sizes["verdict"].isin(["flag", "inconclusive"])].drop_duplicates(
        ["study_id", "subgroup"]
    )
    if odd.empty:
        return ""
    items = "".join(
        f"<li>{_e(_label(studies, r['study_id']) if studies is not None else r['study_id'])}"
        f"{'' if r['subgroup'] == 'all' else ', subgroup ' + _e(str(r['subgroup']).replace('_', '/'))}"
        f": {_e(r['finding'])}</li>"
        for _, r in odd.iterrows()
    )
    return (
        "<h3>Results that do not fit one number of patients</h3><p class='note'>No source "
        "reports how many patients these groups had, so one number per group is worked out "
        "from the reported p-values and used everywhere; here the p-values do not all fit it "
        "(r is the assumed correlation between a patient's scores before and after "
        f"treatment).</p><ul>{items}</ul>"
    )


def _lower_better(summary: pd.DataFrame | None) -> str:
    """'(A, B and C) ' for the scored instruments where lower is better, from the data."""
    if summary is None or "lower_is_better" not in summary.columns:
        return ""
    inst = summary[summary["lower_is_better"].astype(bool) & summary["scale_max"].notna()]
    names = list(dict.fromkeys(inst["instrument"]))
    if not names:
        return ""
    return "(" + (names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]) + ") "


def _short(label: str) -> str:
    """A set's label up to its first parenthesis or comma-free clause (the reader's name)."""
    return str(label).split(" (")[0].strip()


def _measure(spec: dict) -> str:
    """The effect measure a pooling set pools (config ``measure``; SMD where it names none)."""
    return str(spec.get("measure") or "SMD")


def _name(r: pd.Series, spec: dict) -> str:
    """What a pooled row is called: its own ``measure`` column (SMCR for a standardised change
    within one arm, MC for a mean change), else the set's configured measure."""
    m = r.get("measure")
    return str(m) if isinstance(m, str) and m else _measure(spec)


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


def _in_set_unit(value: float, spec: dict, unit: str) -> str:
    """A figure of a pooled set (``fmt``) with its unit: a mean difference (measure MD) is in
    the instrument's unit ('15.11 days'); a standardised or ratio measure has none."""
    return _e(in_unit(fmt(value), unit)) if _measure(spec) == "MD" else fmt(value)


def _freq_item(r: pd.Series, spec: dict, method_name: str, level: float, unit: str = "") -> str:
    m = _name(r, spec)

    def u(v) -> str:
        return _in_set_unit(v, spec, unit)

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
        return f"{_e(str(row['assumption']))} = {_e(str(row['assumption_value']))}"

    return (
        f"<li><b>Across the assumptions' ranges</b> (sensitivity analysis, one assumption at a "
        f"time): {_name(r, spec)} from {_in_set_unit(lo['mu'], spec, unit)} ({at(lo)}) to "
        f"{_in_set_unit(hi['mu'], spec, unit)} ({at(hi)}).</li>"
    )


def _unit_item(r: pd.Series, spec: dict, effects: pd.DataFrame, unit_of, level: float) -> str:
    """The estimate in the outcome's own unit: a pooled mean difference, or the single study's
    mean difference (effect table, t interval)."""
    if _measure(spec) == "MD":
        return ""  # the pooled estimate above is already in the outcome's unit
    if _measure(spec) == "ROM":
        return (
            "<li>Pooled as the log ratio of the arms' means (ROM), not in the outcome's own unit.</li>"
        )
    if int(r["k"]) != 1:
        return (
            f"<li>Pooled on the standardised scale only ({_name(r, spec)}: differences in "
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
        f"<li><b>In the outcome's unit</b> ({_e(e['instrument'])}): a difference of "
        f"{fmt(e['md'], 1)}{' ' + _e(unit) if unit else ''} ({ci_label(level)} "
        f"{fmt(lo, 1)} to {fmt(hi, 1)}, t on "
        f"{fmt(e['md_df'], kind='int')} degrees of freedom).</li>"
    )


def _bayes_item(
    b: pd.Series | None, spec: dict, mu_prior_sd: float | None, unit: str, name: str = ""
) -> str:
    if b is None:
        return ""
    m = name or _measure(spec)
    prior = f"prior {_e(b['prior_label'])}" + (
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
            f"{fmt(b['mcid_natural'], 1)}{' ' + _e(unit) if unit else ''}) "
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
    parts = [f"<h2 id='answer'>{_e(title) or 'The answer first'}</h2>"]
    for _, r in sof.iterrows():
        spec = spec_of.get(r["outcome"], {})
        parts.append(
            f"<section class='answer'><h3>{_e(r['label'])}</h3>"
            f"<p><b>Certainty (GRADE): {_e(r['certainty'])}</b> "
            f"<span aria-hidden='true'>{_e(r['symbols'])}</span></p>"
        )
        rows = sets_for_outcome(spec, pooled, effects, sets, method) if spec else pooled.iloc[:0]
        if rows.empty:
            found = [t for t in str(r.get("effect", "")).split(" | ") if t and t != "nan"]
            parts.append(
                "<p class='note'>No pooled or single-study estimate for this outcome. "
                + (
                    "What the studies reported:</p><ul>"
                    + "".join(f"<li>{_e(t)}</li>" for t in found)
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
                _bayes_item(b, s, mu_prior_sd, unit, _name(f, s)),
                _assumption_range_item(f, s, sensitivity, unit),
            ]
            why = _why_differ(f, b, knha, _e(b["prior_label"]) if b is not None else "")
            parts.append(
                f"<p class='set'>{_e(_short(s.get('label', f['set'])))}:</p>"
                f"<ul>{''.join(items)}</ul>" + (f"<p class='note'>{why}</p>" if why else "")
            )
        parts.append(f"<p>{_e(r['plain'])}</p></section>")
    return "".join(parts)


def overview_html(
    ledger: pd.DataFrame,
    pooled: pd.DataFrame,
    forensics: pd.DataFrame,
    sets: dict,
    primary_method: str,
    summary: pd.DataFrame | None = None,
    sizes: pd.DataFrame | None = None,
    studies: pd.DataFrame | None = None,
    answer: str = "",
    unit_of=lambda instrument: "",
    comparator: str | None = None,
    *,
    level: float,
) -> str:
    """One self-contained HTML page; every number on it comes from the tables passed in.
    ``answer`` (:func:`answer_html`) comes first; then the claims grouped by verdict (the
    not-checkable ones folded, verdicts in the case's ``comparator`` words), the pooled sets,
    the figures that cannot be right and the subgroups whose p-values do not fit one n per arm
    (``sizes``: results/sample_sizes.csv). A pooled mean difference is in ``unit_of`` its set's
    instrument; intervals are named at the configured ``level``."""
    counts = ledger["verdict"].value_counts()
    order = [v for v in VERDICTS if v in counts.index]
    name = {v: verdict_name(v, comparator) for v in order}
    summary_line = "; ".join(f"{counts[v]} {name[v]}" for v in order)
    files = ledger["source_file"].nunique() if "source_file" in ledger.columns else 0
    parts = [
        answer,
        "<p class='note'><b>How to read the numbers.</b> "
        + (
            f"For the symptom scores {_e(_lower_better(summary))}lower = better. "
            if _lower_better(summary)
            else ""
        )
        + "Differences between groups are given so that a positive number means the treated "
        "group did better. SMD: standardised mean difference (in standard deviations); SMCR: "
        "standardised change within one group.</p>",
        "<h2 id='claims'>What the articles claim, and what the data support</h2>",
        f"<p class='note'>{len(ledger)} sentences from {files} articles were checked against "
        f"the studies they rest on. Verdicts: {_e(summary_line)}.</p>",
        "<h3>Contents</h3><ul>"
        + "".join(
            f"<li><a href='#v{i}'>{_e(name[v])}</a> ({counts[v]})</li>" for i, v in enumerate(order)
        )
        + "</ul>",
    ]
    for i, verdict in enumerate(order):
        colour = COLOURS.get(verdict, "#000")
        claims = []
        for _, r in ledger[ledger["verdict"] == verdict].iterrows():
            where = (
                f"{_e(r['source_file'])}, line {int(r['line'])}"
                if "line" in r.index and pd.notna(r["line"])
                else _e(r.get("source_file"))
            )
            other = r.get("verdict_other_reading")
            other = (
                f"<br><small>The trial's report can be read another way; read so, the "
                f"verdict would be “{_e(verdict_name(other, comparator))}”.</small>"
                if isinstance(other, str) and other
                else ""
            )
            claims.append(
                f"<div class='claim' style='border-left-color:{colour}'><p>“{_e(r['quote'])}”"
                f"<br><small>{where}</small><br>{_e(r['plain'])}{other}</p></div>"
            )
        definition = verdict_definition(verdict, comparator)
        head = (
            f"<h3 id='v{i}' style='color:{colour}'>{_e(name[verdict])}</h3>"
            f"<p class='note'>{_e(definition)}</p>"
        )
        if verdict == NOT_CHECKABLE:
            parts.append(
                f"<details id='v{i}'><summary><b style='color:{colour}'>"
                f"{_e(name[verdict])}</b> ({counts[verdict]}): show</summary>"
                f"<p class='note'>{_e(definition)}</p>{''.join(claims)}</details>"
            )
        else:
            parts.append(head + "".join(claims))
    rows = pooled[(pooled["method"] == primary_method) & (pooled["k"] > 0)]
    is_ctrl = rows["set"].map(lambda s: bool(sets[s].get("controlled_only")))

    def item(r) -> str:
        what = "one study, not pooled" if r["k"] == 1 else f"{int(r['k'])} studies pooled"
        spec = sets[r["set"]]
        unit = unit_of(r["instrument"]) if isinstance(r.get("instrument"), str) else ""

        def u(v) -> str:
            return _in_set_unit(v, spec, unit)

        return (
            f"<li>{_e(spec['label'])}: {_e(_name(r, spec))} "
            f"{u(r['mu'])} ({ci_label(level)} {fmt(r['ci_low'])} to {u(r['ci_high'])}), "
            f"{what}</li>"
        )

    ctrl, other = rows[is_ctrl], rows[~is_ctrl]
    k_ctrl = int(ctrl["k"].max()) if not ctrl.empty else 0
    smd = any(_measure(sets[s]) == "SMD" for s in ctrl["set"])
    parts.append(
        "<h2 id='sets'>Every pooled set</h2>"
        "<h3>Comparisons with a control group (positive = better with the "
        "treatment)</h3>" + f"<ul>{''.join(item(r) for _, r in ctrl.iterrows())}</ul>"
        f"<p class='note'>The largest of these sets has {k_ctrl} "
        f"stud{'y' if k_ctrl == 1 else 'ies'}."
        + (" As a rough guide, an SMD of 0.2 is a small and 0.5 a moderate difference." if smd else "")
        + "</p>"
    )
    if not other.empty:
        parts.append(
            "<h3>Before-after changes within one group (descriptive)</h3>"
            f"<ul>{''.join(item(r) for _, r in other.iterrows())}</ul>"
            "<p class='note'>These are changes over time within one group, not "
            "differences between groups: they include placebo response and regression "
            "to the mean, so they do not measure an effect of the treatment.</p>"
        )
    flags = forensics[forensics["verdict"] == "flag"]
    if not flags.empty:
        if summary is not None and studies is not None:
            texts = [impossible_figure_text(r, summary, studies) for _, r in flags.iterrows()]
        else:
            texts = ["A reported figure failed a consistency check." for _ in range(len(flags))]
        parts.append(
            "<h3>Figures that cannot be right</h3><ul>"
            + "".join(f"<li>{_e(t)}</li>" for t in texts)
            + "</ul><p class='note'>These are kept with their source but never "
            "pooled.</p>"
        )
    parts.append(sample_size_findings_html(sizes, studies))
    return page(
        "Overview",
        "".join(parts),
        extra_css=".claim{border-left:4px solid #ccc;padding-left:8px;max-width:60em}"
        "section.answer{border:1px solid #d0d7de;border-radius:6px;"
        "padding:2px 12px;margin:0 0 12px}section.answer h3{margin:8px 0 4px}"
        "section.answer ul{padding-left:1.2em}"
        "p.set{margin:6px 0 0;font-weight:600}details{margin:1em 0}"
        "summary{cursor:pointer}",
    )
