"""A claim of a non-significant trend ('stress trended downward on the drug, but not
significantly') is judged on both halves: the non-significance and the side of zero its point
estimate lies on. Constructed trials with the estimate on each side, claims of a trend each way."""

import numpy as np
import pandas as pd
import pytest
from test_ledger import CONFIG, _claim, _evidence, _srow, _summary

from reanalysis.data.errors import DataValidationError
from reanalysis.data.load import load_table
from reanalysis.ledger.build import build_ledger
from reanalysis.simulation.credibility import PRESPECIFIED

WORDS = {"intervention": "drug X", "comparator": "dummy pill"}


def _effect_row(yi: float, sub: str = "all") -> dict:
    """A between-arm effect of trial t on pain (benefit positive), no mean difference."""
    return {
        "es_id": f"b_{sub}",
        "study_id": "t",
        "subgroup": sub,
        "outcome": "pain",
        "estimand": "between_post",
        "arm": "between",
        "forensic_flags": np.nan,
        "yi": yi,
        "vi": 0.1,
        "md": np.nan,
        "md_ci_low": np.nan,
        "md_ci_high": np.nan,
        "instrument": "score",
    }


def _ev(yi: float | None, p: float = 0.93, extra=()):
    summary = _summary(_srow("w", "t", "between", "all", "pain", "end", "p_value", p), *extra)
    rows = [] if yi is None else [_effect_row(yi)]
    effects = pd.DataFrame(rows, columns=list(_effect_row(0.0)))
    ev = _evidence(summary=summary, effects=effects)
    ev.config = CONFIG | {"report": WORDS}
    return ev


def _row(claim, ev) -> pd.Series:
    return build_ledger(claim, ev).iloc[0]


def _trend_claim(trend, **kw):
    return _claim("effect", direction="no difference", trend=trend, **kw)


@pytest.mark.parametrize(
    "trend,yi,verdict,branch,says",
    [
        (
            "favours intervention",
            0.3,
            "supported",
            "trend_as_claimed",
            "and the point estimate favours drug X, as claimed",
        ),
        (
            "favours intervention",
            -0.3,
            "overstated",
            "trend_not_as_claimed",
            "but the point estimate favours dummy pill, not drug X",
        ),
        (
            "favours comparator",
            -0.3,
            "supported",
            "trend_as_claimed",
            "and the point estimate favours dummy pill, as claimed",
        ),
        (
            "favours comparator",
            0.3,
            "overstated",
            "trend_not_as_claimed",
            "but the point estimate favours drug X, not dummy pill",
        ),
        (
            "favours intervention",
            0.0,
            "overstated",
            "trend_not_as_claimed",
            "but the point estimate favours neither drug X nor dummy pill",
        ),
        (
            "favours intervention",
            None,
            "overstated",
            "trend_not_estimable",
            "but no point estimate was found to check the claimed trend towards drug X",
        ),
    ],
)
def test_a_non_significant_trend_is_checked_against_the_point_estimate(trend, yi, verdict, branch, says):
    row = _row(_trend_claim(trend), _ev(yi))
    assert row["verdict"] == verdict
    assert row["branch"] == f"effect.null_claimed.no_difference_found.{branch}"
    assert "Not significant, as claimed, " + says in row["plain"]
    if yi is not None:
        assert f"SMD {yi:.2f}" in row["numbers"]


def test_without_a_trend_only_the_non_significance_is_judged():
    """The same data: a claim of no difference without a trend is supported whichever side its
    estimate lies on, and says nothing about a trend."""
    for yi in (0.3, -0.3):
        for trend in (np.nan, ""):
            row = _row(_trend_claim(trend), _ev(yi))
            assert row["verdict"] == "supported"
            assert row["branch"] == "effect.null_claimed.no_difference_found"
            assert "trend" not in row["numbers"] and "point estimate" not in row["plain"]


def test_a_significant_result_contradicts_a_claimed_non_significant_trend():
    """Significant on the claimed side is still a difference: the claim of non-significance is
    wrong whatever the trend (the trend check refines only a non-significant result)."""
    row = _row(_trend_claim("favours intervention"), _ev(0.9, p=0.001))
    assert row["verdict"] == "contradicted"
    assert row["branch"] == "effect.null_claimed.difference_found"


def _subgroup_ev(yi: float):
    extra = (
        _srow("s1", "t", "between", "mild", "pain", "end", "p_value", 0.01),
        _srow("sd", "t", "dummy", "mild", "pain", "baseline", "sd", 11.9),
    )
    ev = _ev(yi, p=0.6, extra=extra)
    ev.credibility = pd.DataFrame(
        [{"criterion": PRESPECIFIED, "answer": "not reported", "evidence": "e"}]
    )
    return ev


@pytest.mark.parametrize(
    "trend,yi,verdict,branch,says",
    [
        (
            "favours intervention",
            0.3,
            "consistent but weak",
            "trend_as_claimed",
            "favours drug X, as claimed",
        ),
        (
            "favours intervention",
            -0.3,
            "overstated",
            "trend_not_as_claimed",
            "favours dummy pill, not drug X",
        ),
        (
            "favours comparator",
            -0.3,
            "consistent but weak",
            "trend_as_claimed",
            "favours dummy pill, as claimed",
        ),
        (
            "favours comparator",
            0.3,
            "overstated",
            "trend_not_as_claimed",
            "favours drug X, not dummy pill",
        ),
    ],
)
def test_a_subgroup_claims_overall_trend_is_checked_against_the_whole_trial(
    trend, yi, verdict, branch, says
):
    claim = _claim("subgroup_effect", scope="subgroup", trend=trend)
    row = _row(claim, _subgroup_ev(yi))
    assert row["verdict"] == verdict
    assert row["branch"] == f"subgroup_effect.significant_in_subgroup.{branch}"
    assert f"In the whole trial, the point estimate {says}" in row["plain"]
    # without the trend the rule is as before
    plain = _row(_claim("subgroup_effect", scope="subgroup"), _subgroup_ev(yi))
    assert (plain["verdict"], plain["branch"]) == (
        "consistent but weak",
        "subgroup_effect.significant_in_subgroup",
    )


HEADER = (
    "claim_id,source_file,line,line_end,quote,figure_asserted,verify_with,study_id,outcome,"
    "claim_type,scope,direction,asserted_value,asserted_year,asserts_placebo,asserts_meaningful,"
    "reference_value,reason,outcome_label,subgroup_label,source,status,claim_year,trend"
)


def _claims_file(tmp_path, claim_type, direction, trend):
    row = (
        f"c1,f.txt,1,1,q,fig,v,t,pain,{claim_type},general,{direction},,,false,false,,,,,src,"
        f"reported,,{trend}"
    )
    path = tmp_path / "claims.csv"
    path.write_text(HEADER + "\n" + row + "\n")
    return path


def test_a_trend_is_a_typed_field_of_claims_csv(tmp_path):
    ok = load_table("claims", _claims_file(tmp_path, "effect", "no difference", "favours comparator"))
    assert ok["trend"].iloc[0] == "favours comparator"
    with pytest.raises(DataValidationError, match=r"line 2 \(claim_id c1\), field 'trend'"):
        load_table("claims", _claims_file(tmp_path, "effect", "no difference", "downward"))
    with pytest.raises(
        DataValidationError, match=r"line 2 \(claim_id c1\), field 'trend': an effect claim"
    ):
        load_table("claims", _claims_file(tmp_path, "effect", "benefit", "favours intervention"))
    with pytest.raises(
        DataValidationError, match=r"field 'trend': a trend is checked only on a claim of type"
    ):
        load_table("claims", _claims_file(tmp_path, "design", "", "favours intervention"))
