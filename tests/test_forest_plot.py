"""Forest plot rows (RevMan conventions) on a small synthetic data set."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reanalysis.bayes.exact import posterior_exact
from reanalysis.bayes.plots import bayes_forest_alt, bayes_forest_plot
from reanalysis.bayes.priors import TauPrior
from reanalysis.report.forest_rows import MARK_P, arm_summary, forest_pages, forest_rows
from reanalysis.report.plots import (
    DPI,
    MAX_ROWS,
    PHONE_MAX_ROWS,
    _row_heights,
    forest_alt,
    forest_figures,
    forest_plot,
    plt,
    save,
)


def _summary():
    rows = []
    for arm, base, end in (("active", 5.7, 5.1), ("control", 5.3, 5.6)):
        for tp, mean, sd in (("baseline", base, 1.3), ("end", end, 1.7)):
            rows += [
                {
                    "row_id": f"{arm}_{tp}_mean",
                    "study_id": "s1",
                    "arm": arm,
                    "timepoint": tp,
                    "statistic": "mean",
                    "value": mean,
                },
                {
                    "row_id": f"{arm}_{tp}_sd",
                    "study_id": "s1",
                    "arm": arm,
                    "timepoint": tp,
                    "statistic": "sd",
                    "value": sd,
                },
            ]
    return pd.DataFrame(rows)


ARMS = pd.DataFrame(
    {
        "study_id": ["s1", "s1", "s2", "s3", "s4"],
        "arm": ["active", "control", "active", "active", "active"],
        "role": ["intervention", "comparator", "intervention", "intervention", "intervention"],
    }
)
SRC = " ".join(
    f"{a}_{t}_{s}" for a in ("active", "control") for t in ("baseline", "end") for s in ("mean", "sd")
)


def _effects():
    base = {
        "subgroup": "all",
        "md": np.nan,
        "md_var": np.nan,
        "n2": np.nan,
        "forensic_flags": "",
        "assumptions": "r=0.5",
        "n_source": "reported",
        "n_used": np.nan,
        "r_used": 0.5,
        "p_threshold_used": np.nan,
        "source_rows": "",
    }
    rows = [
        {
            "es_id": "a",
            "study_id": "s1",
            "outcome": "pain",
            "instrument": "BPI",
            "estimand": "between_change",
            "arm": "between",
            "yi": 0.6,
            "vi": 0.2,
            "n1": 10,
            "n2": 10,
            "assumptions": "n[s1]=10; r=0.5",
            "n_source": "assumed",
            "n_used": 10,
            "source_rows": SRC,
        },
        {
            "es_id": "b",
            "study_id": "s1",
            "outcome": "stress",
            "instrument": "DASS",
            "estimand": "between_post",
            "arm": "between",
            "yi": 0.0,
            "vi": 0.1,
            "n1": 20,
            "n2": 20,
        },
        {
            "es_id": "c",
            "study_id": "s2",
            "outcome": "impact",
            "instrument": "FIQ",
            "estimand": "within_change",
            "arm": "active",
            "yi": 0.45,
            "vi": 0.055,
            "n1": 20,
            "assumptions": "p=0.05; r=0.5",
            "p_threshold_used": 0.05,
        },
        {
            "es_id": "d",
            "study_id": "s3",
            "outcome": "impact",
            "instrument": "FIQR",
            "estimand": "within_change",
            "arm": "active",
            "yi": 0.74,
            "vi": 0.053,
            "n1": 24,
        },
        {
            "es_id": "e",
            "study_id": "s4",
            "outcome": "pain",
            "instrument": "BPI",
            "estimand": "within_change",
            "arm": "active",
            "yi": 0.42,
            "vi": 0.109,
            "n1": 10,
        },
    ]
    return pd.DataFrame([{**base, **r} for r in rows])


POOLED = pd.DataFrame(
    [
        {
            "set": "one",
            "method": "REML",
            "knha": False,
            "k": 1,
            "mu": 0.6,
            "ci_low": -0.3,
            "ci_high": 1.5,
            "pi_low": np.nan,
            "pi_high": np.nan,
            "pval": 0.2,
            "tau2": 0.0,
            "i2": np.nan,
            "q": 0.0,
            "q_df": 0,
            "q_pval": np.nan,
            "studies": "a",
        },
        {
            "set": "pp",
            "method": "REML",
            "knha": True,
            "k": 3,
            "mu": 0.56,
            "ci_low": 0.11,
            "ci_high": 1.02,
            "pi_low": 0.0,
            "pi_high": 1.2,
            "pval": 0.033,
            "tau2": 0.0,
            "i2": 0.0,
            "q": 1.03,
            "q_df": 2,
            "q_pval": 0.6,
            "studies": "c d e",
        },
    ]
)
SETS = {
    "one": {"label": "Controlled (SMD)", "estimands": ["between_change"]},
    "pp": {"label": "Pre-post (SMCR)", "estimands": ["within_change"]},
}
NAMES = {"s1": "Alpha 2020", "s2": "Beta 2013", "s3": "Gamma 2015", "s4": "Delta 2022"}


@pytest.fixture
def rows():
    return forest_rows(_effects(), POOLED, _summary(), ARMS, NAMES, SETS, "REML", 0.5)


def test_change_sd_imputation_cochrane_6_5_2_8():
    text, imputed = arm_summary(_summary()[lambda d: d["arm"] == "active"], 0.5)
    # sqrt(1.3² + 1.7² - 2·0.5·1.3·1.7) = sqrt(2.37) = 1.539
    assert imputed and text == "-0.6 (1.5)"


def test_one_study_is_never_a_diamond(rows):
    between = rows[rows["panel"] == "between"]
    assert "pooled" not in set(between["kind"])
    assert between["label"].str.contains("one study, no pooled estimate").any()


def test_several_outcomes_of_one_study_sit_under_one_heading(rows):
    studies = rows[rows["kind"] == "study"]
    assert (studies["label"].str.startswith("Alpha 2020")).sum() == 1
    assert "2 results of one study" in studies["label"].iloc[0]
    first = rows[rows["panel"] == "between"]
    assert list(first["kind"][:3]) == ["study", "result", "result"]


def test_pooled_row_weights_heterogeneity_and_prediction_interval(rows):
    pooled = rows[rows["kind"] == "pooled"].iloc[0]
    assert "different instruments (BPI, FIQ, FIQR)" in pooled["label"]
    assert "CI: ad hoc Knapp–Hartung" in " ".join(rows["label"])
    assert pooled["pi_lo"] == 0.0 and pooled["pi_hi"] == 1.2
    w = 1 / np.array([0.055, 0.053, 0.109])
    res = rows[(rows["panel"] == "within") & (rows["kind"] == "result")]
    assert list(res["weight"]) == [f"{x:.0%}" for x in w / w.sum()]
    notes = " ".join(rows.loc[rows["kind"] == "note", "label"])
    assert "I² = 0%" in notes and "prediction interval [0.00, 1.20]" in notes


def test_p_threshold_effects_are_marked(rows):
    res = rows[rows["kind"] == "result"].set_index("label")
    beta = res[res.index.str.startswith("impact (FIQ)")].iloc[0]
    assert beta["p_only"] and beta["effect"].endswith(MARK_P)


def test_per_arm_columns_and_assumed_n(rows):
    a = rows[(rows["kind"] == "result") & (rows["panel"] == "between")].iloc[0]
    assert a["i_mean"].startswith("-0.6 (1.5)") and a["c_mean"].startswith("+0.3 (1.5)")
    assert a["i_n"] == "10ᵃ" and a["c_n"] == "10ᵃ"


def test_the_marks_follow_the_typed_columns_not_the_notes():
    """An n implied by a reported p is marked like an assumed one; a threshold-only p and a
    flagged figure (row ids, read back from CSV as numbers or missing) are read from their
    columns, whatever the ``assumptions`` notes say."""
    effects = _effects()
    effects.loc[effects["es_id"] == "a", ["n_source", "assumptions"]] = ["implied", ""]
    effects.loc[effects["es_id"] == "c", ["p_threshold_used", "assumptions"]] = [np.nan, "p=0.05"]
    effects["forensic_flags"] = effects["forensic_flags"].astype(object)
    effects.loc[effects["es_id"] == "d", "forensic_flags"] = 17
    effects.loc[effects["es_id"] == "e", "forensic_flags"] = np.nan
    rows = forest_rows(effects, POOLED, _summary(), ARMS, NAMES, SETS, "REML", 0.5)
    res = rows[rows["kind"] == "result"].set_index("yi")  # the fixture's yi are distinct
    yi = effects.set_index("es_id")["yi"]
    assert res.at[yi["a"], "i_n"] == "10ᵃ"
    assert not res.at[yi["c"], "p_only"] and not res.at[yi["c"], "effect"].endswith(MARK_P)
    assert res.at[yi["d"], "flagged"] and not res.at[yi["e"], "flagged"]


def test_figure_draws_side_labels_from_arguments(rows):
    fig = forest_plot(rows, "drug X", "dummy pill")
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert "← favours dummy pill" in texts and "favours drug X →" in texts


@given(st.lists(st.floats(0.01, 2.0), min_size=3, max_size=3), st.floats(0.0, 1.0))
@settings(max_examples=30, deadline=None)
def test_weights_are_random_effects_weights_summing_to_one(vis, tau2):
    effects = _effects()
    effects.loc[effects["es_id"].isin(["c", "d", "e"]), "vi"] = vis
    pooled = POOLED.copy()
    pooled.loc[1, "tau2"] = tau2
    rows = forest_rows(effects, pooled, _summary(), ARMS, NAMES, SETS, "REML", 0.5)
    shown = rows[(rows["panel"] == "within") & (rows["kind"] == "result")]["weight"]
    w = 1 / (np.array(vis) + tau2)  # random-effects weights (Borenstein et al. 2009, ch. 12)
    assert list(shown) == [f"{x:.0%}" for x in w / w.sum()]


def _many(k: int, label_words: int = 1):
    """k synthetic two-arm studies (test data only) pooled in one set."""
    rng = np.random.default_rng(7)
    effects = pd.DataFrame(
        {
            "es_id": [f"e{i}" for i in range(k)],
            "study_id": [f"s{i}" for i in range(k)],
            "outcome": ["pain " * label_words] * k,
            "instrument": ["VAS"] * k,
            "estimand": ["between_post"] * k,
            "arm": ["between"] * k,
            "subgroup": ["all"] * k,
            "yi": rng.normal(0.3, 0.2, k),
            "vi": rng.uniform(0.02, 0.2, k),
            "n1": [20] * k,
            "n2": [20] * k,
            "md": np.nan,
            "md_var": np.nan,
            "forensic_flags": "",
            "assumptions": "",
            "n_source": "reported",
            "p_threshold_used": np.nan,
            "source_rows": "",
        }
    )
    pooled = pd.DataFrame(
        [
            {
                "set": "all",
                "method": "REML",
                "knha": True,
                "k": k,
                "mu": 0.3,
                "ci_low": 0.25,
                "ci_high": 0.35,
                "pi_low": -0.1,
                "pi_high": 0.7,
                "pval": 1e-9,
                "tau2": 0.01,
                "i2": 20.0,
                "q": 250.0,
                "q_df": k - 1,
                "q_pval": 0.01,
                "studies": " ".join(effects["es_id"]),
            }
        ]
    )
    sets = {"all": {"label": "All trials (SMD)", "estimands": ["between_post"]}}
    arms = pd.DataFrame({"study_id": [], "arm": [], "role": []})
    names = {f"s{i}": f"Author{i} {2000 + i % 20}" for i in range(k)}
    return forest_rows(effects, pooled, _summary().iloc[:0], arms, names, sets, "REML", 0.5)


@pytest.mark.parametrize("phone", [False, True])
def test_forest_tick_labels_lie_inside_the_figure(phone):
    """An x tick label at either limit, as drawn, lies inside the image (the phone layout clipped
    the right one: the plot ended 0.05 in from the edge)."""
    figs = forest_figures(_many(5), "drug X", "dummy pill", phone=phone)
    for f in figs:
        width = f.get_size_inches()[0] * f.dpi
        for ax in f.axes:
            lo, hi = ax.get_xlim()
            ax.set_xticks([lo, 0, hi])  # a tick at either limit (data whose limit is a tick)
            f.canvas.draw()
            for x, t in zip(ax.get_xticks(), ax.get_xticklabels(), strict=True):
                if lo - 1e-9 <= x <= hi + 1e-9 and t.get_text():
                    box = t.get_window_extent()
                    assert box.x0 >= 0 and box.x1 <= width, (t.get_text(), box, width)
        plt.close(f)


@pytest.mark.parametrize("phone", [False, True])
def test_k200_forest_pages_stay_under_4000_px(phone):
    """A synthetic k = 200 set through the plotting function: pages of about 40 rows, none over
    4,000 px high at the PNG's dpi, every result on exactly one page, axes shared."""
    rows = _many(200)
    figs = forest_figures(rows, "drug X", "dummy pill", phone=phone)
    assert len(figs) > 1
    heights = [f.get_size_inches()[1] * DPI for f in figs]
    assert max(heights) <= 4000, heights
    pages = forest_pages(
        rows, PHONE_MAX_ROWS if phone else MAX_ROWS, list(_row_heights(rows, phone).values())
    )
    assert sum(len(p) for p in pages) == len(rows)
    assert sum((p["kind"] == "result").sum() for p in pages) == 200
    assert all(len(p) <= 60 for p in pages)
    assert (pages[-1]["kind"] == "pooled").any()  # the diamond follows the last study
    xlims = {tuple(f.axes[0].get_xlim()) for f in figs}
    assert len(xlims) == 1
    for f in figs:
        plt.close(f)


def test_bayes_forest_summarises_beyond_40_studies():
    k = 60
    rng = np.random.default_rng(3)
    chosen = pd.DataFrame(
        {
            "study_id": [f"s{i}" for i in range(k)],
            "outcome": "pain",
            "subgroup": "all",
            "arm": "between",
            "yi": rng.normal(0.3, 0.2, k),
            "vi": rng.uniform(0.02, 0.2, k),
        }
    )
    post = posterior_exact(chosen["yi"], chosen["vi"], TauPrior("half_normal", 0.5), 2.0)
    fits = {"all": (chosen, post)}
    sets = {"all": {"label": "All trials (SMD)"}}
    fig = bayes_forest_plot(fits, sets, "half-normal(0.5)")
    assert fig.get_size_inches()[1] * 110 <= 4000
    alt = bayes_forest_alt(fits, sets, "half-normal(0.5)")
    assert alt.startswith("Bayesian forest plot, prior half-normal(0.5): All trials: k = 60")
    plt.close(fig)


def test_long_labels_do_not_run_into_the_arm_columns():
    """A 300-character label wraps and widens the label column: its drawn box ends left of
    every per-arm value."""
    rows = _many(3, label_words=60)
    fig = forest_plot(rows, "drug X", "dummy pill")
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    labels = [t for t in fig.texts if "pain pain" in t.get_text()]
    values = [t for t in fig.texts if t.get_text() in ("20",)]  # the n columns
    assert labels and values
    right = max(t.get_window_extent(r).x1 for t in labels)
    left = min(t.get_window_extent(r).x0 for t in values)
    assert right < left
    plt.close(fig)


def test_alt_text_from_the_rows_and_saved_in_the_file(rows, tmp_path):
    alt = forest_alt(rows)
    assert alt.startswith("forest plot: randomised comparison, 1 study, 2 results; no pooled")
    assert "before-after change within one group, 3 studies, 3 results; pooled, k = 3" in alt
    assert "0.56 [0.11, 1.02]" in alt
    fig = forest_plot(rows, "drug X", "dummy pill")
    save(fig, tmp_path / "f.png", alt)
    save(fig, tmp_path / "f.svg", alt)
    from PIL import Image

    assert Image.open(tmp_path / "f.png").info["Description"] == alt
    assert f"<dc:description>{alt}</dc:description>" in (tmp_path / "f.svg").read_text()
    plt.close(fig)


def test_saved_png_carries_its_smallest_text_in_pixels(tmp_path):
    """plots.save writes 'MinFontPx' (the report's phone script and the browser test read it):
    the smallest drawn text in pt x dpi / 72; tick labels of a hidden axis do not count."""
    import matplotlib.pyplot as plt
    from PIL import Image

    from reanalysis.report.plots import min_font_px, save

    fig, (a, b) = plt.subplots(1, 2, figsize=(6, 2))
    a.plot([0, 1], [0, 1])
    a.tick_params(labelsize=8)
    a.set_title("title", fontsize=14)
    b.axis("off")  # its default 10 pt tick labels are not drawn
    b.text(0.5, 0.5, "note", fontsize=11)
    assert min_font_px(fig, 100) == pytest.approx(8 * 100 / 72)
    save(fig, tmp_path / "f.png", "a figure", dpi=100)
    assert float(Image.open(tmp_path / "f.png").text["MinFontPx"]) == pytest.approx(11.11, abs=0.01)
    a.tick_params(labelsize=12)
    assert min_font_px(fig, 72) == pytest.approx(11)  # b's note; b's hidden ticks ignored
    plt.close(fig)


def test_forest_p_values_read_as_below_a_thousandth():
    """The heterogeneity and overall-effect lines give p through html_page.p_text: 'p < 0.001',
    never 'p = 0.00' (issue 18)."""
    pooled = POOLED.copy()
    pooled["pval"], pooled["q_pval"] = 2.3e-05, 1e-9
    notes = " ".join(
        forest_rows(_effects(), pooled, _summary(), ARMS, NAMES, SETS, "REML", 0.5).query(
            "kind == 'note'"
        )["label"]
    )
    assert "Test for overall effect: p < 0.001" in notes and "(p < 0.001); I²" in notes
    assert "p = 0.00" not in notes


def test_bayes_forest_observed_intervals_are_study_level_and_say_so():
    """Each study's observed interval in the Bayesian forest is yi ± z·sqrt(vi) at the study
    level (effects.assumptions.LEVEL, z from scipy, not a typed 1.96), its legend names that
    level, whatever level the pooled frequentist intervals are configured at (0.90 here: the
    figure takes none)."""
    from scipy.special import ndtri

    from reanalysis.effects.assumptions import LEVEL
    from reanalysis.effects.intervals import ci_label

    chosen = pd.DataFrame(
        {
            "study_id": ["a", "b"],
            "outcome": "pain",
            "subgroup": "all",
            "arm": "between",
            "yi": [0.2, 0.6],
            "vi": [0.04, 0.09],
        }
    )
    post = posterior_exact(chosen["yi"], chosen["vi"], TauPrior("half_normal", 0.5), 2.0)
    config_level = 0.90
    fig = bayes_forest_plot({"all": (chosen, post)}, {"all": {"label": "All"}}, "half-normal(0.5)")
    ax = fig.axes[0]
    lines = ax.get_lines()
    black = [ln.get_xdata() for ln in lines if ln.get_color() == "black" and len(ln.get_xdata()) == 2]
    z = ndtri(0.5 + LEVEL / 2)
    se = np.sqrt(chosen["vi"])
    want = [(y - z * s, y + z * s) for y, s in zip(chosen["yi"], se, strict=True)]
    assert np.allclose(np.array(black, dtype=float), np.array(want), rtol=0, atol=1e-12)
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert f"observed ({ci_label(LEVEL)})" in labels
    assert ci_label(config_level) not in " ".join(labels)
    plt.close(fig)
