"""The overview's answer-first section (from synthetic result tables) and the check that every
number on an overview page is in a results table (the detector itself; the shipped cases'
pages are checked in test_overview_numbers_*)."""

import shutil
from pathlib import Path

import pandas as pd
import pytest
from overview_numbers import unmatched_numbers

from reanalysis.ledger.verdicts import NOT_CHECKABLE, SUPPORTED
from reanalysis.report.html import fmt
from reanalysis.report.overview import overview_html
from reanalysis.report.overview_answer import answer_html, sets_for_outcome

SETS = {
    "ctrl": {
        "label": "Controlled trials (SMD)",
        "controlled_only": True,
        "estimands": ["between_post"],
        "subgroups": ["all"],
    },
    "one": {
        "label": "One trial, change",
        "controlled_only": True,
        "estimands": ["between_change"],
        "subgroups": ["all"],
    },
    "other": {
        "label": "Other outcome",
        "controlled_only": True,
        "estimands": ["between_post"],
        "subgroups": ["all"],
    },
}
SPEC = {
    "outcome": "pain",
    "label": "Pain (0-10)",
    "effect_outcomes": ["pain"],
    "estimands": ["between_post", "between_change"],
    "subgroups": ["all"],
}


def _with_md_var(effects: pd.DataFrame) -> pd.DataFrame:
    """The effect table's md_var, from each row's 95% t interval (as the pipeline writes both)."""
    from scipy import stats

    half = (effects["md_ci_high"] - effects["md_ci_low"]) / 2
    return effects.assign(md_var=(half / stats.t.ppf(0.975, effects["md_df"])) ** 2)


def _tables():
    effects = pd.DataFrame(
        [
            dict(
                es_id=f"s{i}.pain",
                outcome="pain",
                instrument="VAS",
                md=0.5,
                md_ci_low=-0.1,
                md_ci_high=1.1,
                md_df=40,
            )
            for i in range(3)
        ]
        + [
            dict(
                es_id="s9.pain",
                outcome="pain",
                instrument="VAS",
                md=0.94,
                md_ci_low=0.12,
                md_ci_high=1.76,
                md_df=42,
            ),
            dict(
                es_id="s1.sleep",
                outcome="sleep",
                instrument="PSQI",
                md=1.0,
                md_ci_low=0.0,
                md_ci_high=2.0,
                md_df=40,
            ),
        ]
    )
    effects = _with_md_var(effects)
    pooled = pd.DataFrame(
        [
            dict(
                set="ctrl",
                method="REML",
                k=3,
                mu=0.4123,
                ci_low=-0.0351,
                ci_high=0.861,
                pi_low=-0.5,
                pi_high=1.32,
                pval=0.0004,
                q_df=2.0,
                df=float("nan"),
                studies="s0.pain s1.pain s2.pain",
            ),
            dict(
                set="ctrl",
                method="DL",
                k=3,
                mu=9.0,
                ci_low=8.0,
                ci_high=10.0,
                pi_low=7.0,
                pi_high=11.0,
                pval=0.5,
                q_df=2.0,
                df=float("nan"),
                studies="s0.pain s1.pain s2.pain",
            ),
            dict(
                set="one",
                method="REML",
                k=1,
                mu=0.66,
                ci_low=0.05,
                ci_high=1.28,
                pi_low=float("nan"),
                pi_high=float("nan"),
                pval=0.03,
                q_df=float("nan"),
                df=42.0,
                studies="s9.pain",
            ),
            dict(
                set="other",
                method="REML",
                k=2,
                mu=0.3,
                ci_low=0.1,
                ci_high=0.5,
                pi_low=float("nan"),
                pi_high=float("nan"),
                pval=0.01,
                q_df=1.0,
                df=float("nan"),
                studies="s1.sleep",
            ),
        ]
    )
    bayes = pd.DataFrame(
        [
            dict(
                set="ctrl",
                prior_label="half-normal(0.5) on tau",
                mu_q025=0.01,
                mu_q50=0.40,
                mu_q975=0.79,
                p_mu_gt_0=0.978,
                p_mu_gt_mcid=0.05,
                p_mu_gt_mcid_sd_low=0.011,
                p_mu_gt_mcid_sd_high=0.351,
                mcid_natural=2.0,
            ),
            dict(
                set="one",
                prior_label="half-normal(0.5) on tau",
                mu_q025=-0.52,
                mu_q50=0.63,
                mu_q975=1.68,
                p_mu_gt_0=0.9,
                p_mu_gt_mcid=float("nan"),
                p_mu_gt_mcid_sd_low=float("nan"),
                p_mu_gt_mcid_sd_high=float("nan"),
                mcid_natural=float("nan"),
            ),
        ]
    )
    sof = pd.DataFrame(
        [
            dict(
                outcome="pain",
                label="Pain (0-10)",
                certainty="low",
                symbols="⊕⊕◯◯",
                plain="Magnesium may improve pain.",
                effect="S 2020: 0.5 points better",
            ),
            dict(
                outcome="ae",
                label="Adverse events",
                certainty="very low",
                symbols="⊕◯◯◯",
                plain="Very uncertain.",
                effect="S 2020: 2 of 20 had diarrhoea",
            ),
        ]
    )
    return effects, pooled, bayes, sof


def _answer():
    effects, pooled, bayes, sof = _tables()
    specs = [
        SPEC,
        {
            "outcome": "ae",
            "label": "Adverse events",
            "effect_outcomes": [],
            "estimands": [],
            "subgroups": [],
        },
    ]
    return answer_html(
        sof,
        specs,
        pooled,
        bayes,
        effects,
        SETS,
        "REML",
        True,
        0.95,
        mu_prior_sd=2.0,
        unit_of=lambda i: "points",
        title="M vs P: the answer",
    )


def test_sets_for_outcome_match_estimand_subgroup_and_pooled_outcome():
    effects, pooled, _, _ = _tables()
    rows = sets_for_outcome(SPEC, pooled, effects, SETS, "REML")
    assert list(rows["set"]) == ["ctrl", "one"]  # not 'other' (sleep), not the DL row


def test_sets_for_outcome_drops_a_set_that_mixes_in_another_outcome():
    """A set pooling one study's sleep row beside pain rows answers neither card."""
    effects, pooled, _, _ = _tables()
    pooled = pooled.copy()
    first = pooled.index[(pooled["set"] == "ctrl") & (pooled["method"] == "REML")][0]
    pooled.loc[first, "studies"] = str(pooled.loc[first, "studies"]) + " s1.sleep"
    rows = sets_for_outcome(SPEC, pooled, effects, SETS, "REML")
    assert "ctrl" not in set(rows["set"]) and "one" in set(rows["set"])
    sleep = dict(SPEC, outcome="sleep", effect_outcomes=["sleep"])
    assert "ctrl" not in set(sets_for_outcome(sleep, pooled, effects, SETS, "REML")["set"])


def test_answer_names_methods_intervals_and_ranges():
    html = _answer()
    assert html.index("M vs P: the answer") < html.index("Certainty (GRADE): low")
    # frequentist: method, CI, prediction interval, p through the one formatting function
    assert (
        "REML, ad hoc Knapp–Hartung (t on k − 1 df, variance factor at least 1), 3 studies "
        "pooled): SMD 0.41 (95% CI -0.04 to 0.86"
    ) in html
    assert "prediction interval for a new study -0.50 to 1.32" in html and "p = < 0.001" not in html
    assert "p = 0.000" not in html and "; p < 0.001)" in html
    # Bayesian: prior named, P(benefit), P(>= MCID) with its range over the reference SD
    assert "exact posterior, prior half-normal(0.5) on tau" in html
    assert "probability of any benefit 98%" in html
    assert "(at least 2.0 points) 5% (1% to 35% as the assumed reference SD" in html
    # two intervals, one sentence why; narrower/wider from the widths
    assert "Knapp–Hartung confidence interval uses a t distribution on 2 degrees" in html
    assert "so it is narrower" in html  # 0.78 < 0.90
    # the single study: its own unit (t interval on its df) and why the Bayesian one is wider
    assert "a difference of 0.9 points (95% CI 0.1 to 1.8, t on 42 degrees of freedom)" in html
    assert "single study's own (t distribution on 42 degrees of freedom)" in html
    assert "so it is wider" in html
    # an outcome with no set: the summary of findings' entries, certainty and sentence
    assert "S 2020: 2 of 20 had diarrhoea" in html and "Very uncertain." in html
    assert "Other outcome" not in html


def test_one_formatting_function():
    assert fmt(0.7142857142857143) == "0.71" and fmt(-0.0001) == "0.00"
    assert fmt(1.9662475585937648e-07, kind="p") == "< 0.001" and fmt(0.0456, kind="p") == "0.046"
    assert fmt(0.004, kind="pct") == "< 1%" and fmt(0.9991, kind="pct") == "> 99%"
    assert fmt(0.05, kind="pct") == "5%" and fmt(float("nan")) == ""
    assert fmt(1.9662475585937648e-07, kind="sig") == "1.97e-07" and fmt(7.0, kind="sig") == "7"


def test_not_checkable_claims_are_folded():
    ledger = pd.DataFrame(
        [
            dict(source_file="a.txt", line=1, quote="Q", verdict=v, plain="P")
            for v in (SUPPORTED, NOT_CHECKABLE)
        ]
    )
    pooled = pd.DataFrame([dict(set="one", method="REML", k=1, mu=0.1, ci_low=-0.2, ci_high=0.4)])
    page = overview_html(
        ledger,
        pooled,
        pd.DataFrame(columns=["verdict"]),
        SETS,
        "REML",
        answer="<h2>ANSWER</h2>",
        level=0.95,
    )
    assert page.index("ANSWER") < page.index("What the articles claim")
    start = page.index("<details")
    assert NOT_CHECKABLE in page[start : page.index("</details>")]
    assert SUPPORTED not in page[start:]


def test_number_check_finds_a_number_no_table_holds(tmp_path):
    res = tmp_path / "results"
    (res / "data").mkdir(parents=True)
    pd.DataFrame({"mu": [0.4123], "p": [0.978], "k": [3]}).to_csv(res / "t.csv", index=False)
    cfg = tmp_path / "config.yaml"
    cfg.write_text("level: 0.95\nmcid: {value: 2.0}\n")
    page = tmp_path / "o.html"
    page.write_text(
        "<p>SMD 0.41 (3 studies), 98%, at least 2.0, p &lt; 0.001, 95% CI;"
        " “quoted 7.77” file_2017.txt</p><p>made up 0.43 and 12%</p>"
    )
    assert unmatched_numbers(page, res, cfg) == ["0.43", "12%"]


def _check_case(case: Path):
    missing = unmatched_numbers(
        case / "results/overview.html", case / "results", case / "config/config.yaml"
    )
    assert missing == [], missing


@pytest.mark.workflow
def test_overview_numbers_shipped_case(pipeline_run):
    _check_case(pipeline_run)


@pytest.mark.slow
def test_overview_numbers_second_case(root, tmp_path):
    from helpers import run_snakemake

    shutil.copytree(root / "workflow", tmp_path / "workflow")
    shutil.copytree(
        root / "cases",
        tmp_path / "cases",  # a fresh run, not a local one's results
        ignore=shutil.ignore_patterns("results", ".snakemake", "logs"),
    )
    case = tmp_path / "cases/mg_leg_cramps"
    proc = run_snakemake(
        case, "results/overview.html", small=False, snakefile=tmp_path / "workflow/Snakefile"
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    _check_case(case)


def test_a_pooled_mean_difference_is_in_its_instruments_unit():
    """An MD set (cases/normand1999: 'MD 15.11' was printed without 'days') shows every figure
    in the unit of its instrument, in the answer and in the list of sets; an SMD set shows none."""
    md_sets = {
        "los": {
            "label": "Length of stay (MD)",
            "controlled_only": True,
            "measure": "MD",
            "estimands": ["between_post"],
            "subgroups": ["all"],
        }
    }
    spec = {
        "outcome": "los",
        "label": "Length of stay",
        "effect_outcomes": ["los"],
        "estimands": ["between_post"],
        "subgroups": ["all"],
    }
    effects = pd.DataFrame(
        [
            dict(
                es_id=f"t{i}.los",
                outcome="los",
                instrument="stay",
                md=10.0,
                md_ci_low=1.0,
                md_ci_high=19.0,
                md_df=100,
            )
            for i in range(3)
        ]
    )
    effects = _with_md_var(effects)
    pooled = pd.DataFrame(
        [
            dict(
                set="los",
                method="REML",
                k=3,
                mu=15.114,
                ci_low=4.2,
                instrument="stay",
                ci_high=26.0,
                pi_low=-3.0,
                pi_high=33.0,
                pval=0.01,
                q_df=2.0,
                df=float("nan"),
                studies="t0.los t1.los t2.los",
            )
        ]
    )
    sof = pd.DataFrame(
        [
            dict(
                outcome="los",
                label="Length of stay",
                certainty="low",
                symbols="⊕⊕◯◯",
                plain="Shorter stay.",
                effect="",
            )
        ]
    )
    days = {"stay": "days"}.get
    answer = answer_html(sof, [spec], pooled, None, effects, md_sets, "REML", True, 0.95, unit_of=days)
    assert (
        "MD 15.11 days (95% CI 4.20 to 26.00 days; prediction interval for a new "
        "study -3.00 to 33.00 days"
    ) in answer
    page = overview_html(
        pd.DataFrame(columns=["verdict", "quote", "plain", "source_file"]),
        pooled,
        pd.DataFrame(columns=["verdict"]),
        md_sets,
        "REML",
        unit_of=days,
        level=0.95,
    )
    assert "MD 15.11 days (95% CI 4.20 to 26.00 days), 3 studies pooled" in page
    # the same numbers at a configured level of 0.90 are named so, nowhere 95%
    answer90 = answer_html(sof, [spec], pooled, None, effects, md_sets, "REML", True, 0.90, unit_of=days)
    page90 = overview_html(
        pd.DataFrame(columns=["verdict", "quote", "plain", "source_file"]),
        pooled,
        pd.DataFrame(columns=["verdict"]),
        md_sets,
        "REML",
        unit_of=days,
        level=0.90,
    )
    for text in (answer90, page90):
        assert "(90% CI 4.20 to 26.00 days" in text and "95%" not in text
    smd = _answer()
    assert "SMD 0.41 (95% CI -0.04 to 0.86" in smd and "SMD 0.41 points" not in smd


def test_a_raised_knapp_hartung_factor_shows_the_plain_interval_beside():
    """Where Q/(k − 1) < 1 the ad hoc rule raises s² to 1 (metafor test="adhoc"); the answer
    then also gives the plain Knapp–Hartung interval and p (metafor test="knha"), computed here
    by the fit without the ad hoc rule."""
    from reanalysis.meta.frequentist import fit_random_effects
    from reanalysis.meta.pooling import RESULT_COLUMNS

    yi, vi = [0.1, 0.2, 0.15], [0.04, 0.05, 0.03]  # Q far below k - 1
    adhoc = fit_random_effects(yi, vi, knha=True)
    plain = fit_random_effects(yi, vi, knha=True, knha_adhoc=False)
    assert adhoc.knha_truncated and adhoc.knha_scale < 1
    assert {"knha_scale", "knha_truncated", "ci_low_knha_raw", "pval_knha_raw"} <= set(RESULT_COLUMNS)
    effects, pooled, bayes, sof = _tables()
    row = pooled["set"] == "ctrl"
    for col, v in adhoc.as_dict().items():
        if col in ("mu", "ci_low", "ci_high", "pval") or "knha" in col:
            pooled.loc[row, col] = v
    html = answer_html(sof, [SPEC], pooled, bayes, effects, SETS, "REML", True, 0.95)
    assert f"s² = {adhoc.knha_scale:.2f} was below 1 and set to 1" in html
    assert f"plain Knapp–Hartung would give 95% CI {plain.ci_low:.2f} to {plain.ci_high:.2f}" in html
    assert plain.ci_high - plain.ci_low < adhoc.ci_high - adhoc.ci_low
    pooled.loc[row, "knha_truncated"] = False
    html = answer_html(sof, [SPEC], pooled, bayes, effects, SETS, "REML", True, 0.95)
    assert "plain Knapp–Hartung" not in html
    pooled.loc[row, "knha_truncated"] = float("nan")  # a fit without Knapp-Hartung (CSV: empty)
    html = answer_html(sof, [SPEC], pooled, bayes, effects, SETS, "REML", False, 0.95)
    assert "plain Knapp–Hartung" not in html


def test_a_zero_tau2_says_why_the_prediction_interval_is_the_ci():
    effects, pooled, bayes, sof = _tables()
    row = pooled["set"] == "ctrl"
    pooled.loc[row, "tau2"], pooled.loc[row, "tau2_ci_high"] = 0.0, 1.31
    html = answer_html(sof, [SPEC], pooled, bayes, effects, SETS, "REML", True, 0.95)
    assert "the between-study variance τ² is estimated as 0, with a 95% CI of 0 to 1.31" in html
    pooled.loc[row, "tau2"] = 0.02
    html = answer_html(sof, [SPEC], pooled, bayes, effects, SETS, "REML", True, 0.95)
    assert "estimated as 0" not in html


def test_a_pooled_row_is_called_by_its_own_measure():
    """A within-arm set pooled as SMCR is not called SMD (its meta_frequentist row's measure)."""
    effects, pooled, bayes, sof = _tables()
    pooled["measure"] = "SMCR"
    html = answer_html(sof, [SPEC], pooled, bayes, effects, SETS, "REML", True, 0.95)
    assert "studies pooled): SMCR 0.41" in html and "SMD 0.41" not in html
    assert "exact posterior, prior half-normal(0.5) on tau): SMCR" in html


def test_an_estimate_resting_on_assumptions_is_quoted_with_its_range():
    """The lowest and highest pooled value of the sensitivity table beside the default, named
    with the assumption that gives each; nothing where the assumptions move nothing."""
    effects, pooled, bayes, sof = _tables()
    sens = pd.DataFrame(
        [
            dict(assumption="default", assumption_value=None, set="ctrl", mu=0.41),
            dict(assumption="prepost_correlation", assumption_value=0.2, set="ctrl", mu=0.33),
            dict(assumption="prepost_correlation", assumption_value=0.8, set="ctrl", mu=0.76),
            dict(assumption="p_threshold_significant", assumption_value=0.001, set="ctrl", mu=0.5),
            dict(assumption="prepost_correlation", assumption_value=0.2, set="one", mu=0.66),
        ]
    )
    html = answer_html(sof, [SPEC], pooled, bayes, effects, SETS, "REML", True, 0.95, sensitivity=sens)
    assert "SMD from 0.33 (prepost_correlation = 0.2) to 0.76 (prepost_correlation = 0.8)" in html
    assert html.count("Across the assumptions' ranges") == 1  # not for 'one' (0.66 throughout)


def test_a_single_studys_difference_in_its_unit_is_given_at_the_configured_level():
    """The effect table's md_ci_low/high are 95%; at another level the overview computes the
    interval at that level (intervals.md_interval, t on md_df) instead of relabelling them."""
    from scipy import stats

    from reanalysis.report.overview_answer import _unit_item

    effects = pd.DataFrame(
        [
            {
                "es_id": "s.all.pain.between_post.between",
                "instrument": "VAS",
                "md": 2.0,
                "md_var": 1.0,
                "md_df": 20.0,
                "md_ci_low": 2.0 - stats.t.ppf(0.975, 20),
                "md_ci_high": 2.0 + stats.t.ppf(0.975, 20),
            }
        ]
    )
    r = pd.Series({"k": 1, "studies": "s.all.pain.between_post.between"})
    q = stats.t.ppf(0.95, 20)  # a 90% interval
    text = _unit_item(r, {"measure": "SMD"}, effects, lambda _: "cm", 0.9)
    assert f"90% CI {fmt(2.0 - q, 1)} to {fmt(2.0 + q, 1)}" in text, text
    assert fmt(2.0 + stats.t.ppf(0.975, 20), 1) not in text
