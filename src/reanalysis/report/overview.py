"""The report's overview page: what was claimed and what the data support, in plain words.

Every sentence that states a fact about the data is rendered from the tables passed in; the page
shows no row ids, config keys or internal notation (those stay in the ledger's ``numbers``
column and the detailed tables). The answer-first section that opens it is
:mod:`reanalysis.report.overview_answer`; this module renders the rest: the claims by verdict, every
pooled set, the figures that cannot be right and the subgroups whose p-values do not fit one n.
"""

from __future__ import annotations

import pandas as pd

from reanalysis.effects.intervals import ci_label
from reanalysis.ledger.verdicts import NOT_CHECKABLE, VERDICTS, verdict_definition, verdict_name
from reanalysis.report.html import esc, fmt, page
from reanalysis.report.overview_answer import in_set_unit, row_measure, set_measure

__all__ = ["COLOURS", "impossible_figure_text", "sample_size_findings_html", "overview_html"]

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
        f"<li>{esc(_label(studies, r['study_id']) if studies is not None else r['study_id'])}"
        f"{'' if r['subgroup'] == 'all' else ', subgroup ' + esc(str(r['subgroup']).replace('_', '/'))}"
        f": {esc(r['finding'])}</li>"
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
            f"For the symptom scores {esc(_lower_better(summary))}lower = better. "
            if _lower_better(summary)
            else ""
        )
        + "Differences between groups are given so that a positive number means the treated "
        "group did better. SMD: standardised mean difference (in standard deviations); SMCR: "
        "standardised change within one group.</p>",
        "<h2 id='claims'>What the articles claim, and what the data support</h2>",
        f"<p class='note'>{len(ledger)} sentences from {files} articles were checked against "
        f"the studies they rest on. Verdicts: {esc(summary_line)}.</p>",
        "<h3>Contents</h3><ul>"
        + "".join(
            f"<li><a href='#v{i}'>{esc(name[v])}</a> ({counts[v]})</li>" for i, v in enumerate(order)
        )
        + "</ul>",
    ]
    for i, verdict in enumerate(order):
        colour = COLOURS.get(verdict, "#000")
        claims = []
        for _, r in ledger[ledger["verdict"] == verdict].iterrows():
            where = (
                f"{esc(r['source_file'])}, line {int(r['line'])}"
                if "line" in r.index and pd.notna(r["line"])
                else esc(r.get("source_file"))
            )
            other = r.get("verdict_other_reading")
            other = (
                f"<br><small>The trial's report can be read another way; read so, the "
                f"verdict would be “{esc(verdict_name(other, comparator))}”.</small>"
                if isinstance(other, str) and other
                else ""
            )
            claims.append(
                f"<div class='claim' style='border-left-color:{colour}'><p>“{esc(r['quote'])}”"
                f"<br><small>{where}</small><br>{esc(r['plain'])}{other}</p></div>"
            )
        definition = verdict_definition(verdict, comparator)
        head = (
            f"<h3 id='v{i}' style='color:{colour}'>{esc(name[verdict])}</h3>"
            f"<p class='note'>{esc(definition)}</p>"
        )
        if verdict == NOT_CHECKABLE:
            parts.append(
                f"<details id='v{i}'><summary><b style='color:{colour}'>"
                f"{esc(name[verdict])}</b> ({counts[verdict]}): show</summary>"
                f"<p class='note'>{esc(definition)}</p>{''.join(claims)}</details>"
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
            return in_set_unit(v, spec, unit)

        return (
            f"<li>{esc(spec['label'])}: {esc(row_measure(r, spec))} "
            f"{u(r['mu'])} ({ci_label(level)} {fmt(r['ci_low'])} to {u(r['ci_high'])}), "
            f"{what}</li>"
        )

    ctrl, other = rows[is_ctrl], rows[~is_ctrl]
    k_ctrl = int(ctrl["k"].max()) if not ctrl.empty else 0
    smd = any(set_measure(sets[s]) == "SMD" for s in ctrl["set"])
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
            + "".join(f"<li>{esc(t)}</li>" for t in texts)
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
