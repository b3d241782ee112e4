"""data/claims.csv against the source articles, the tri-state design flags of data/studies.csv,
and the overview's plain-language rendering."""

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from reanalysis.checks.forensics import max_sd, sd_checks
from reanalysis.data.errors import DataValidationError
from reanalysis.data.load import load_table
from reanalysis.ledger.verdicts import VERDICTS
from reanalysis.report.overview import impossible_figure_text, overview_html

ROOT = Path(__file__).resolve().parents[1]
# In CI the repository is cloned with shared/ beside it; locally the same layout holds.
SOURCES = ROOT.parent / "shared" / "sources"


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def claims():
    return load_table("claims", ROOT / "data/claims.csv")


def test_claims_cover_the_articles(claims):
    assert claims["source_file"].nunique() == 5
    checkable = claims[claims["claim_type"] != "not_checkable"]
    assert 25 <= len(checkable) <= 45
    assert claims.loc[claims["claim_type"] == "not_checkable", "reason"].notna().all()
    assert not claims["source_file"].str.contains("not available").any()


@pytest.mark.skipif(not SOURCES.is_dir(), reason="source articles not present (../shared/sources)")
def test_each_quote_occurs_verbatim_at_its_line(claims):
    problems = []
    for _, c in claims.iterrows():
        path = SOURCES / c["source_file"]
        if not path.is_file():
            problems.append(f"{c['claim_id']}: {c['source_file']} not found")
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        first, last = int(c["line"]), int(c["line_end"])
        span = _norm(" ".join(lines[first - 1 : last]))
        quote = _norm(c["quote"])
        if quote not in span:
            problems.append(f"{c['claim_id']}: quote not at lines {first}-{last}")
        elif first < last and quote in _norm(" ".join(lines[first:last])):
            problems.append(f"{c['claim_id']}: quote starts after line {first}")
        elif quote.split(" ")[0] not in lines[first - 1]:
            problems.append(f"{c['claim_id']}: line {first} does not hold the quote's start")
    assert not problems, "\n".join(problems)


def test_quotes_are_single_sentences(claims):
    """A quote is the sentence only: no second sentence glued on."""
    for q in claims["quote"]:
        body = q.rstrip(".!?:")
        assert not re.search(r"[a-z]\. [A-Z]", body), q


@pytest.mark.parametrize("case", [".", "cases/mg_leg_cramps", "cases/normand1999"])
def test_a_sentence_that_asserts_a_trend_records_its_direction(case):
    """A sentence saying something 'trended' one way records that direction in ``trend``, so the
    ledger checks it against the point estimate (not only the non-significance)."""
    claims = load_table("claims", ROOT / case / "data/claims.csv")
    said = claims["quote"].str.contains(r"\btrend", case=False, regex=True)
    missing = claims.loc[said & claims["trend"].isna(), "claim_id"].tolist()
    assert not missing, f"{case}: sentences asserting a trend without a trend direction: {missing}"


def test_studies_design_flags_are_tri_state(tmp_path):
    studies = load_table("studies", ROOT / "data/studies.csv").set_index("study_id")
    assert studies.loc["bagis2013", "randomized"] is pd.NA  # "not stated" in the abstract
    assert studies.loc["demirkaya2001", "randomized"]
    text = (ROOT / "data/studies.csv").read_text().splitlines()
    bad = tmp_path / "studies.csv"
    bad.write_text(
        "\n".join([text[0], text[1].replace(",true,true,true,", ",not stated,true,true,", 1)] + text[2:])
        + "\n"
    )
    with pytest.raises(
        DataValidationError, match="field 'controlled': expected true or false, got 'not stated'"
    ):
        load_table("studies", bad)


def test_max_sd_is_bhatia_davis():
    # mean 21.9 on [19, 25]: sqrt(2.9 * 3.1) = 2.9983 (Bhatia & Davis 2000)
    assert max_sd(21.9, 19, 25) == pytest.approx(2.99833, abs=1e-5)
    assert max_sd(0.5, 0, 1) == pytest.approx(0.5)


def _tables():
    summary = pd.DataFrame(
        [
            dict(
                row_id="x_mean",
                study_id="s",
                arm="control",
                subgroup="g",
                outcome="o",
                instrument="Scale A",
                scale_min=0,
                scale_max=42,
                timepoint="baseline",
                statistic="mean",
                value=21.9,
                reading="primary",
                source="Paper",
                lower_is_better=True,
            ),
            dict(
                row_id="x_sd",
                study_id="s",
                arm="control",
                subgroup="g",
                outcome="o",
                instrument="Scale A",
                scale_min=0,
                scale_max=42,
                timepoint="baseline",
                statistic="sd",
                value=11.9,
                reading="primary",
                source="Paper",
                lower_is_better=True,
            ),
            dict(
                row_id="x_sd_alt",
                study_id="s",
                arm="control",
                subgroup="g",
                outcome="o",
                instrument="Scale A",
                scale_min=0,
                scale_max=42,
                timepoint="baseline",
                statistic="sd",
                value=2.3,
                reading="summary",
                source="a secondary summary (https://example.org)",
                lower_is_better=True,
            ),
        ]
    )
    ranges = pd.DataFrame(
        [
            dict(
                range_id="r1",
                study_id="s",
                subgroup="g",
                outcome="o",
                timepoint="baseline",
                min=19,
                max=25,
                basis="cut-off",
            )
        ]
    )
    studies = pd.DataFrame([dict(study_id="s", citation="S et al.", label="S 2020")])
    return summary, ranges, studies


def test_impossible_figure_in_plain_words():
    summary, ranges, studies = _tables()
    summary["n"] = np.nan
    checks = pd.DataFrame(sd_checks(summary, ranges, {"assumptions": {"sample_sizes": []}}))
    flag = checks[checks["row_id"] == "x_sd"].iloc[0]
    # n unknown: the bound at n = 2, sqrt(2.9 * 3.1 * 2) (Bhatia & Davis 2000, sample SD)
    assert flag["verdict"] == "flag" and flag["bound"] == pytest.approx(np.sqrt(2.9 * 3.1 * 2))
    text = impossible_figure_text(flag, summary, studies)
    assert "cannot be right: an SD this large is impossible for scores between 19 and 25" in text
    # the bound forensics computed, quoted as forensics quotes it (one bound per cell)
    assert f"{flag['bound']:.2f}" in text and f"{flag['bound']:.2f}" in flag["detail"]
    assert "a secondary summary gives 2.3" in text
    assert "x_sd" not in text and "S 2020" in text


def test_overview_lists_new_categories_without_internal_ids():
    summary, ranges, studies = _tables()
    ledger = pd.DataFrame(
        [
            dict(
                claim_id="c1",
                source_file="a.txt",
                line=3,
                quote="Q1",
                verdict=v,
                plain=f"plain {i}",
                numbers="n[s/arm]=10",
            )
            for i, v in enumerate(VERDICTS)
        ]
    )
    pooled = pd.DataFrame([dict(set="ctrl", method="REML", k=1, mu=0.1, ci_low=-0.2, ci_high=0.4)])
    forensics = pd.DataFrame(
        [dict(check="sd_possible", row_id="x_sd", verdict="flag", detail="SD 11.9 impossible (x_sd)")]
    )
    page = overview_html(
        ledger,
        pooled,
        forensics,
        {"ctrl": {"label": "Controlled", "controlled_only": True}},
        "REML",
        summary=summary,
        studies=studies,
        level=0.95,
    )
    for v in VERDICTS:
        assert v in page
    assert "n[" not in page and "x_sd" not in page and "c1" not in page
    assert page.count("lower = better") == 1 and "a.txt, line 3" in page


def test_claims_name_known_studies_and_outcomes(claims):
    summary = load_table("summary_stats", ROOT / "data/summary_stats.csv")
    levels = load_table("levels", ROOT / "data/levels.csv")
    studies = set(load_table("studies", ROOT / "data/studies.csv")["study_id"]) | set(levels["study_id"])
    known_outcomes = set(summary["outcome"]) | {
        o for x in levels["linked_outcomes"].dropna() for o in x.split(";")
    }
    for _, c in claims.iterrows():
        for sid in str(c["study_id"]).split(";") if pd.notna(c["study_id"]) else []:
            assert sid in studies, (c["claim_id"], sid)
        outcomes = str(c["outcome"]).split(";") if pd.notna(c["outcome"]) else []
        labels = str(c["outcome_label"]).split(";") if pd.notna(c["outcome_label"]) else []
        assert len(labels) == len(outcomes), c["claim_id"]
        # an outcome no study measured is allowed only where the verdict says so
        if c["claim_type"] in ("within_arm_change", "subgroup_effect"):
            assert set(outcomes) <= known_outcomes, c["claim_id"]
