"""The claims ledger: each checkable sentence of the source articles gets a verdict computed from
the pipeline's results, with the numbers behind it.

Verdict rules are code, not prose (see :data:`VERDICTS` for the definitions shown in the report).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from scipy import stats

from .comparisons import find_row, has_forensic_flag
from .subgroup_credibility import INTERACTION_POWER, MULTIPLICITY, PRESPECIFIED

VERDICTS = {
    "supported": "The figure is traceable and placebo-controlled evidence supports it: the "
                 "interval excludes no effect, and the claim does not go beyond that.",
    "overstated": "The figure is traceable and roughly as reported, but the claim implies more "
                  "than the data support (a within-arm change presented as an effect, a post hoc "
                  "subgroup presented as a finding, a difference below the MCID, mixed results "
                  "presented as consistent).",
    "not supported by controlled evidence": "The claim rests on studies without a placebo "
                                            "group, or the placebo-controlled evidence shows no "
                                            "effect.",
    "untraceable": "No study matching the claim was found in the sources.",
}
COLUMNS = ["claim_id", "quote", "source_file", "claim_type", "traced_to", "verdict", "plain",
           "numbers", "estimate", "ci_low", "ci_high", "p_exceeds_mcid"]


@dataclasses.dataclass
class Evidence:
    """Everything the verdicts read: curated tables and pipeline results."""

    summary: pd.DataFrame
    studies: pd.DataFrame
    levels: pd.DataFrame
    effects: pd.DataFrame
    pooled: pd.DataFrame  # meta_frequentist.csv
    bayes: pd.DataFrame  # exact posterior summaries under the primary prior
    vote: pd.DataFrame  # vote_count/summary.csv
    credibility: pd.DataFrame
    shrinkage: pd.DataFrame
    forensics: pd.DataFrame
    no_effect: pd.DataFrame  # simulation/subgroup_no_effect.csv
    config: dict

    def effect(self, es_id: str) -> pd.Series | None:
        hit = self.effects[self.effects["es_id"] == es_id]
        return None if hit.empty else hit.iloc[0]

    def study(self, study_id: str) -> pd.Series | None:
        hit = self.studies[self.studies["study_id"] == study_id]
        return None if hit.empty else hit.iloc[0]

    def pooled_set(self, name: str) -> pd.Series:
        primary = self.config["meta_analysis"]["primary_method"]
        return self.pooled[(self.pooled["set"] == name) & (self.pooled["method"] == primary)].iloc[0]


def _fmt_ci(est, lo, hi, digits=2) -> str:
    return f"{est:.{digits}f} (95% CI {lo:.{digits}f} to {hi:.{digits}f})"


def _result(claim, traced_to, verdict, numbers, plain, estimate=np.nan, lo=np.nan, hi=np.nan,
            p_mcid=np.nan) -> dict:
    """One ledger row; ``plain`` says the same as ``numbers`` for a reader without statistics."""
    if verdict not in VERDICTS:
        raise ValueError(f"unknown verdict {verdict!r}")
    return {"claim_id": claim["claim_id"], "quote": claim["quote"],
            "source_file": claim["source_file"], "claim_type": claim["claim_type"],
            "traced_to": traced_to, "verdict": verdict, "plain": plain, "numbers": numbers,
            "estimate": estimate,
            "ci_low": lo, "ci_high": hi, "p_exceeds_mcid": p_mcid}


def _citation(ev: Evidence, study_id) -> str:
    s = ev.study(study_id) if isinstance(study_id, str) else None
    return "" if s is None else f"{s['citation']} ({s['design']})"


def within_arm_change(claim, ev: Evidence) -> dict:
    study = ev.study(claim["study_id"])
    traced = _citation(ev, claim["study_id"])
    if study is None or not bool(study["controlled"]):
        rows = ev.effects[(ev.effects["study_id"] == claim["study_id"])
                          & (ev.effects["estimand"] == "within_change")
                          & (ev.effects["outcome"] == claim["outcome"])
                          & np.isfinite(ev.effects["yi"])]
        parts = ["no placebo group: the change includes placebo response and regression to the "
                 "mean"]
        est = lo = hi = np.nan
        if not rows.empty:
            r = rows.iloc[0]
            se = np.sqrt(r["vi"])
            est, lo, hi = r["yi"], r["yi"] - 1.96 * se, r["yi"] + 1.96 * se
            parts.append(f"within-arm SMCR for {r['outcome']} {_fmt_ci(est, lo, hi)} "
                         f"({r['basis']}; {r['assumptions']})")
        plain = ("This study had no placebo group, so its improvement cannot be told apart from "
                 "the improvement people show with any treatment, or with time alone.")
        return _result(claim, traced, "not supported by controlled evidence", "; ".join(parts),
                       plain, est, lo, hi)
    sub = ev.effects[(ev.effects["study_id"] == claim["study_id"])
                     & (ev.effects["estimand"] == "between_change")
                     & ~has_forensic_flag(ev.effects)
                     & ev.effects["md"].notna()]
    outcome = claim["outcome"]
    r = sub[sub["outcome"] == outcome].iloc[0]
    within = {arm: ev.effect(f"{r['study_id']}.{r['subgroup']}.{outcome}.within_change.{arm}")
              for arm in ("magnesium", "placebo")}
    se = np.sqrt(r["md_var"])
    lo, hi = r["md"] - 1.96 * se, r["md"] + 1.96 * se
    mcid = ev.config["mcid"].get(outcome, {}).get("value", np.nan)
    p_mcid = float(stats.norm.sf(mcid, loc=r["md"], scale=se)) if np.isfinite(mcid) else np.nan
    bayes = ev.bayes[ev.bayes["set"].map(
        lambda s: ev.config["meta_analysis"]["sets"][s].get("mcid_outcome") == outcome
        and ev.config["meta_analysis"]["sets"][s]["controlled_only"])]
    parts = [f"within the magnesium arm the score improved by {within['magnesium']['md']:.1f} "
             f"points; the placebo arm changed by {-within['placebo']['md']:+.1f} "
             "(negative = improved)" if within["magnesium"] is not None
             and within["placebo"] is not None else "",
             f"between-group difference in change {_fmt_ci(r['md'], lo, hi, 1)} points "
             f"({r['subgroup']} subgroup; {r['assumptions']})",
             f"MCID {mcid:g} points: P(difference > MCID) = {p_mcid:.2f} (flat prior)"]
    if not bayes.empty:
        b = bayes.iloc[0]
        parts.append(f"Bayesian (prior {b['prior']}): P(effect > MCID) = {b['p_mu_gt_mcid']:.2f} "
                     f"({b['p_mu_gt_mcid_sd_low']:.2f} to {b['p_mu_gt_mcid_sd_high']:.2f} over the "
                     "reference-SD range)")
    if r["subgroup"] != "all":
        parts.append(f"the comparison exists only in a post hoc {r['subgroup']} subgroup")
    supported = lo > 0 and p_mcid >= 0.5 and r["subgroup"] == "all"
    plain = (f"Compared with placebo, the difference was {r['md']:.1f} points (the data allow "
             f"anything from {lo:.1f} to {hi:.1f}). A change patients notice is about {mcid:g} "
             f"points; the chance the true difference is that large is about {p_mcid:.0%}.")
    if within["placebo"] is not None and within["placebo"]["md"] < 0:
        plain += " Patients on placebo got slightly worse, which makes magnesium look better."
    if r["subgroup"] != "all":
        plain += " The comparison exists only in a group of patients picked after the trial."
    return _result(claim, traced, "supported" if supported else "overstated",
                   "; ".join(p for p in parts if p), plain, r["md"], lo, hi, p_mcid)


def subgroup_effect(claim, ev: Evidence) -> dict:
    cred = ev.credibility.set_index("criterion")["answer"]
    cfg = ev.config["subgroup_simulation"]
    whole = find_row(ev.summary, study_id=claim["study_id"], subgroup="all", arm="between",
                     statistic="p_value")
    p_whole = np.nan if whole is None else float(whole["value"])
    sh = ev.shrinkage.iloc[0]
    flags = ev.forensics[(ev.forensics["verdict"] == "flag")
                         & ev.forensics["row_id"].str.startswith("mac_")]
    evidence = ev.credibility.set_index("criterion")["evidence"]
    evidence = evidence.str.rstrip(".")
    parts = [f"primary outcome in the whole sample: p = {p_whole:.2f}",
             f"benefit only in the {cfg['subgroup']} subgroup "
             f"(pre-specified: {cred[PRESPECIFIED]})",
             evidence[MULTIPLICITY],
             f"subgroup g {sh['g_sub']:.2f} shrinks to {sh['shrunken_sub_mean']:.2f} "
             f"(95% CrI {sh['shrunken_sub_q025']:.2f} to {sh['shrunken_sub_q975']:.2f})",
             evidence[INTERACTION_POWER]]
    if not flags.empty:
        parts.append("forensics: " + "; ".join(flags["detail"]))
    weak = (p_whole >= 0.05) or cred[PRESPECIFIED] != "yes"
    benefit = ev.no_effect[ev.no_effect["metric"] == "p_any_benefit"]
    null_rate = f"{float(benefit.loc[benefit['k'].idxmax(), 'value']):.0%}"
    plain = (f"On the question it was designed to answer, the trial found no difference "
             f"(p = {p_whole:.2f}). The benefit appears only in a subgroup chosen after the "
             f"results were in; with as many comparisons as this trial made, a chance 'finding' "
             f"like it turns up in about {null_rate} of trials of a treatment that does nothing.")
    if not flags.empty:
        plain += " One of the subgroup's reported numbers is impossible."
    return _result(claim, _citation(ev, claim["study_id"]), "overstated" if weak else "supported",
                   "; ".join(parts), plain, sh["g_sub"], sh["g_sub_ci_low"], sh["g_sub_ci_high"])


def vote_count(claim, ev: Evidence) -> dict:
    v = ev.vote.iloc[0]
    controlled = ev.pooled_set("controlled_whole_sample")
    ns = ev.config["vote_count"]["nonspecific_improvement"]
    parts = [f"{v['positive']:.0f} of {v['total']:.0f} = {v['share']:.0%} "
             f"(95% CI {v['ci_low']:.0%} to {v['ci_high']:.0%}); sign test p = "
             f"{v['sign_test_p_one_sided']:.2f} (one-sided)",
             f"{v['uncontrolled_studies']:.0f} of the {v['total']:.0f} studies (as assumed; the "
             "review's list was not found) had no placebo group",
             f"with no effect of magnesium, at least {v['positive']:.0f} of {v['total']:.0f} show "
             f"an improvement in {v['p_at_least_k_if_no_effect_direction']:.0%} of simulated "
             f"reviews, or a significant improvement in "
             f"{v['p_at_least_k_if_no_effect_significant_low_nonspecific']:.1%} to "
             f"{v['p_at_least_k_if_no_effect_significant_high_nonspecific']:.0%} (placebo response "
             f"+ regression to the mean {ns['range'][0]}-{ns['range'][1]} SD)",
             f"the placebo-controlled whole-sample estimate: g = "
             f"{_fmt_ci(controlled['mu'], controlled['ci_low'], controlled['ci_high'])}, "
             f"k = {controlled['k']:.0f}"]
    uncontrolled_majority = v["uncontrolled_studies"] > v["total"] / 2
    controlled_null = controlled["ci_low"] <= 0
    verdict = ("not supported by controlled evidence" if uncontrolled_majority or controlled_null
               else "supported")
    plain = (f"Counting studies does not measure an effect. {v['uncontrolled_studies']:.0f} of "
             f"the {v['total']:.0f} studies had no placebo group; even if magnesium did nothing, "
             f"at least {v['positive']:.0f} of {v['total']:.0f} would report some improvement "
             f"about {v['p_at_least_k_if_no_effect_direction']:.0%} of the time if patients "
             f"improve by {ns['value']:g} SD without treatment, as assumed "
             f"({v['p_at_least_k_if_no_effect_direction_low_nonspecific']:.0%} if they do not "
             "improve at all). The only placebo-controlled numbers show no difference.")
    return _result(claim, _citation(ev, claim["study_id"]), verdict, "; ".join(parts), plain,
                   v["share"], v["ci_low"], v["ci_high"])


def uncontrolled_proportion(claim, ev: Evidence) -> dict:
    sid = claim["study_id"]
    count = ev.summary[(ev.summary["study_id"] == sid) & (ev.summary["statistic"] == "count")]
    r = count.iloc[0]
    k, n = int(r["value"]), int(r["n"])
    ci = stats.binomtest(k, n).proportion_ci(method="exact")
    study = ev.study(sid)
    parts = [f"{k}/{n} = {k / n:.0%} (95% CI {ci.low:.0%} to {ci.high:.0%}) in an "
             f"{study['design']} ({study['population']})"]
    # the controlled evidence on the same question: studies with the same role that are controlled
    ctrl = ev.studies[(ev.studies["role"] == study["role"]) & ev.studies["controlled"]]
    controlled_null = False
    for _, c in ctrl.iterrows():
        rows = ev.summary[ev.summary["study_id"] == c["study_id"]].set_index("statistic")["value"]
        if {"estimate", "ci_low", "ci_high"} <= set(rows.index):
            parts.append(f"placebo-controlled: {c['citation']}: risk difference "
                         f"{_fmt_ci(rows['estimate'], rows['ci_low'], rows['ci_high'])}")
            controlled_null |= rows["ci_low"] <= 0
    verdict = ("not supported by controlled evidence" if not bool(study["controlled"])
               or controlled_null else "supported")
    plain = (f"The {k / n:.0%} comes from {n} patients in a study without a placebo group "
             f"({study['population']}). Where a placebo group was used, no clear benefit was "
             "found." if controlled_null else
             f"The {k / n:.0%} comes from {n} patients in a study without a placebo group.")
    return _result(claim, _citation(ev, sid), verdict, "; ".join(parts), plain, k / n, ci.low,
                   ci.high)


def untraceable_citation(claim, ev: Evidence) -> dict:
    same_year = ev.studies[ev.studies["citation"].str.contains("2024")]
    note = "; ".join(f"closest: {r['citation']} — {r['design']}" for _, r in same_year.iterrows())
    return _result(claim, "", "untraceable",
                   "no matching study in data/studies.csv or the evidence dossier"
                   + (f"; {note}" if note else ""),
                   "We could not find this trial in any of the sources.")


def levels(claim, ev: Evidence) -> dict:
    def kind(finding: str) -> str:
        f = finding.lower()
        if f.startswith("lower"):
            return "lower in fibromyalgia"
        if f.startswith("higher"):
            return "higher in fibromyalgia"
        if f.startswith("no"):
            return "no difference"
        return "direction not in our sources"

    counts = ev.levels["finding"].map(kind).value_counts()
    parts = [f"{n} {label}" for label, n in counts.items()]
    lower = counts.get("lower in fibromyalgia", 0)
    known = counts.drop("direction not in our sources", errors="ignore").sum()
    verdict = "supported" if known and lower == known else "overstated"
    plain = (f"The studies disagree: of {known} with a clear result, {lower} found lower levels "
             "in fibromyalgia and the rest did not. And lower levels alone would not show that "
             "taking magnesium helps.")
    return _result(claim, f"{len(ev.levels)} case-control comparisons (data/levels.csv)", verdict,
                   f"of {len(ev.levels)} studies: " + ", ".join(parts)
                   + "; levels are cross-sectional and say nothing about supplementation", plain,
                   lower / known if known else np.nan)


RULES = {
    "within_arm_change": within_arm_change,
    "subgroup_effect": subgroup_effect,
    "vote_count": vote_count,
    "uncontrolled_proportion": uncontrolled_proportion,
    "untraceable_citation": untraceable_citation,
    "levels": levels,
}


def build_ledger(claims: pd.DataFrame, ev: Evidence) -> pd.DataFrame:
    rows = []
    for _, claim in claims.iterrows():
        try:
            rows.append(RULES[claim["claim_type"]](claim, ev))
        except (KeyError, IndexError) as err:
            raise ValueError(f"claim {claim['claim_id']!r} ({claim['claim_type']}): the evidence "
                             f"it needs is missing: {err!r}") from err
    return pd.DataFrame(rows, columns=COLUMNS)
