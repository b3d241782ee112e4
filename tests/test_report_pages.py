"""The report pages of a workflow run agree with the CSVs they are rendered from."""

import html

import numpy as np
import pandas as pd
import pytest
import yaml

from reanalysis.appraisal import grade

pytestmark = pytest.mark.workflow


@pytest.fixture(scope="module")
def run(pipeline_run):
    res = pipeline_run / "results"
    cfg = yaml.safe_load((pipeline_run / "config/config.yaml").read_text())
    return {
        "res": res,
        "cfg": cfg,
        "sof": pd.read_csv(res / "report/summary_of_findings.csv"),
        "effects": pd.read_csv(res / "effect_sizes.csv"),
        "grade": pd.read_csv(pipeline_run / cfg["report"]["files"]["grade"]),
    }


def test_certainty_follows_the_rule_from_the_judgements(run):
    specs = {s["outcome"]: s for s in run["cfg"]["report"]["summary_of_findings"]}
    for _, r in run["sof"].iterrows():
        downs = run["grade"].loc[run["grade"]["outcome"] == r["outcome"], "downgrade"]
        assert r["certainty_level"] == grade.certainty(specs[r["outcome"]]["evidence"], downs)
        assert r["certainty"] == grade.LEVELS[r["certainty_level"]]


def test_effects_in_points_come_from_effect_sizes(run):
    specs = {s["outcome"]: s for s in run["cfg"]["report"]["summary_of_findings"]}
    page = html.unescape((run["res"] / "tables/summary_of_findings.html").read_text())
    for _, r in run["sof"][run["sof"]["md"].notna()].iterrows():
        e = run["effects"][run["effects"]["outcome"].isin(specs[r["outcome"]]["effect_outcomes"])]
        match = e[np.isclose(e["md"], r["md"])]
        assert not match.empty, r["outcome"]
        m = match.iloc[0]
        # the same interval as the effect table's (t on md_df where the effect has df)
        lo, hi = (
            (m["md_ci_low"], m["md_ci_high"])
            if np.isfinite(m["md_df"])
            else (r["md"] - 1.959964 * np.sqrt(m["md_var"]), r["md"] + 1.959964 * np.sqrt(m["md_var"]))
        )
        assert f"{abs(r['md']):.1f} points" in page
        assert f"95% CI {lo:+.1f} to {hi:+.1f}" in page


def test_bottom_line_repeats_every_plain_statement(run):
    page = html.unescape((run["res"] / "tables/bottom_line.html").read_text())
    for plain in run["sof"]["plain"]:
        assert plain in page
    safety = pd.read_csv(run["res"].parent / run["cfg"]["report"]["files"]["safety"])
    for statement in safety["statement"]:
        assert statement in page


def test_adverse_event_patients_are_counted_once_per_arm():
    from reanalysis.report.summary_of_findings import adverse_patients

    rows = pd.DataFrame(
        {"arm": ["active", "control", "active", "all"], "total": [48, 46, 48, float("nan")]}
    )
    assert adverse_patients(rows) == 94  # the two arms, each once (two rows of one arm)
    assert adverse_patients(pd.DataFrame({"arm": ["all"], "total": [45]})) == 45
    both = pd.DataFrame({"arm": ["active", "all"], "total": [20, 45]})
    assert adverse_patients(both) == 45


def test_forest_table_notice_follows_the_rows():
    """The notice above the forest table is computed: a pooled randomised set (as in the
    leg-cramp case, k = 2) is not called 'no pooled estimate (one study)'."""
    from reanalysis.report.pages import forest_notice

    pooled = pd.DataFrame(
        {
            "panel": ["between", "between", "between"],
            "kind": ["study", "result", "pooled"],
            "label": ["A 2020", "pain", "Pooled: placebo trials"],  # the facts are typed
            "results": [1, np.nan, np.nan],
            "k": [np.nan, np.nan, 2],
        }
    )
    text = forest_notice(pooled)
    assert "pooled estimate rests on 2 studies" in text and "no pooled estimate" not in text
    assert "descriptive" not in text and "not independent" not in text
    single = pooled.iloc[:2].assign(results=[2, np.nan])
    text = forest_notice(
        pd.concat([single, pd.DataFrame({"panel": ["within"], "kind": ["study"], "label": ["B 2019"]})])
    )
    assert "no pooled estimate" in text and "not independent" in text and "descriptive" in text


def test_wide_tables_fold_all_but_the_key_columns():
    from reanalysis.report.html import KEY_COLUMNS, table

    df = pd.DataFrame([{f"c{i}": f"v{i}" for i in range(12)}])
    html_text = table(df)
    head = html_text[html_text.index("<thead>") : html_text.index("</thead>")]
    assert head.count("<th ") == KEY_COLUMNS + 1 and "More" in head
    assert "<details><summary>6 more</summary>" in html_text
    assert "<dt>c11</dt><dd>v11</dd>" in html_text  # nothing dropped
    narrow = table(df.iloc[:, :5])
    assert "<details>" not in narrow and narrow.count("<th ") == 5
