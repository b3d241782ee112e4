"""Ledger verdict rules on small hand-made evidence: each rule can give each of its verdicts, and
every verdict category is reachable through a rule."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from reanalysis.data.vocabulary import CLAIM_TYPES
from reanalysis.ledger import effect_claims
from reanalysis.ledger.build import RULES, build_ledger
from reanalysis.ledger.effect_wording import pooled_text, status_sentence
from reanalysis.ledger.evidence import Evidence, comparator_word, reported_significance, study_name
from reanalysis.ledger.phrases import chance
from reanalysis.ledger.pooled import PooledEstimate
from reanalysis.ledger.verdicts import SUPPORTED, VERDICTS
from reanalysis.ledger.within_arm import same_at_precision
from reanalysis.simulation.credibility import PRESPECIFIED

CONFIG = {
    "mcid": {"pain": {"value": 2.0}},
    "meta_analysis": {
        "primary_method": "REML",
        "level": 0.95,
        "sets": {"ctrl": {"controlled_only": True, "mcid_outcome": "pain"}},
    },
    "vote_count": {
        "controlled_set": "controlled_whole_sample",
        "nonspecific_improvement": {"value": 0.3, "range": [0.0, 0.5]},
    },
    "subgroup_simulation": {"subgroup": "mild"},
}
SUMMARY_COLS = [
    "row_id",
    "study_id",
    "arm",
    "subgroup",
    "outcome",
    "instrument",
    "timepoint",
    "statistic",
    "value",
    "n",
    "lower_is_better",
    "status",
    "source",
]


def _srow(
    rid, study, arm, sub, outcome, tp, stat, value, n=np.nan, status="reported", instrument="score"
):
    return dict(
        row_id=rid,
        study_id=study,
        arm=arm,
        subgroup=sub,
        outcome=outcome,
        instrument=instrument,
        timepoint=tp,
        statistic=stat,
        value=value,
        n=n,
        lower_is_better=True,
        status=status,
        source="src",
    )


def _summary(*rows):
    return pd.DataFrame(list(rows), columns=SUMMARY_COLS)


def _effects(md, md_var, subgroup="all"):
    base = {
        "study_id": "t",
        "subgroup": subgroup,
        "outcome": "pain",
        "forensic_flags": np.nan,
        "assumptions": "n=20",
        "basis": "means",
        "vi": 0.1,
    }
    return pd.DataFrame(
        [
            base
            | {
                "es_id": "b",
                "estimand": "between_change",
                "arm": "between",
                "md": md,
                "md_var": md_var,
                "yi": md / 2,
            },
            base
            | {
                "es_id": "w1",
                "estimand": "within_change",
                "arm": "active",
                "md": md,
                "md_var": md_var,
                "yi": 0.5,
            },
        ]
    )


def _studies(**extra):
    rows = [
        {
            "study_id": "t",
            "citation": "Trial T",
            "label": "T 2020",
            "design": "RCT",
            "controlled": True,
            "randomized": True,
            "blinded": True,
            "role": "intervention",
            "population": "adults",
            "year": 2020,
            "dose_mg_per_day": 100.0,
            "primary_outcome": "pain",
            "co_intervention": np.nan,
            "note": np.nan,
        },
        {
            "study_id": "u",
            "citation": "Open U",
            "label": "U 2010",
            "design": "open",
            "controlled": False,
            "randomized": False,
            "blinded": False,
            "role": "intervention",
            "population": "adults",
            "year": 2010,
            "dose_mg_per_day": 300.0,
            "primary_outcome": np.nan,
            "co_intervention": np.nan,
            "note": np.nan,
        },
    ]
    df = pd.DataFrame(rows)
    for k, v in extra.items():
        df[k] = v
    return df


def _evidence(effects=None, summary=None, studies=None, levels=None, vote=None, pooled_ci=(-0.5, 0.5)):
    pooled = pd.DataFrame(
        [
            {
                "set": "controlled_whole_sample",
                "method": "REML",
                "k": 1,
                "mu": sum(pooled_ci) / 2,
                "ci_low": pooled_ci[0],
                "ci_high": pooled_ci[1],
            }
        ]
    )
    bayes = pd.DataFrame(
        [
            {
                "set": "ctrl",
                "prior": "hn",
                "p_mu_gt_mcid": 0.2,
                "p_mu_gt_mcid_sd_low": 0.1,
                "p_mu_gt_mcid_sd_high": 0.4,
            }
        ]
    )
    empty = pd.DataFrame()
    arms = pd.DataFrame(
        [
            {"study_id": "t", "arm": "active", "role": "intervention"},
            {"study_id": "t", "arm": "dummy", "role": "comparator"},
            {"study_id": "u", "arm": "active", "role": "intervention"},
        ]
    )
    return Evidence(
        summary=summary if summary is not None else _summary(),
        studies=studies if studies is not None else _studies(),
        levels=levels if levels is not None else empty,
        effects=effects if effects is not None else _effects(1, 1),
        pooled=pooled,
        bayes=bayes,
        vote=vote if vote is not None else empty,
        credibility=pd.DataFrame(columns=["criterion", "answer", "evidence"]),
        shrinkage=empty,
        forensics=pd.DataFrame(columns=["verdict", "row_id"]),
        no_effect=empty,
        config=CONFIG,
        arms=arms,
    )


def _claim(claim_type, **kw):
    base = {
        "claim_id": "c",
        "quote": "q",
        "source_file": "f",
        "line": 1,
        "claim_type": claim_type,
        "study_id": "t",
        "outcome": "pain",
        "scope": "general",
        "direction": "benefit",
        "asserted_value": np.nan,
        "asserted_year": np.nan,
        "asserts_placebo": False,
        "asserts_meaningful": False,
        "reference_value": np.nan,
        "reason": np.nan,
        "outcome_label": np.nan,
        "subgroup_label": np.nan,
        "source": "article",
    }
    return pd.DataFrame([base | kw])


def _verdict(claim, ev):
    return build_ledger(claim, ev)["verdict"].iloc[0]


def test_every_claim_type_has_a_rule_and_every_verdict_a_definition():
    assert set(CLAIM_TYPES) == set(RULES)
    assert len(VERDICTS) == 9


# ---- effect claims: the rule as a table ------------------------------------------------------


@pytest.mark.parametrize(
    "statuses,direction,scope,expected",
    [
        (["benefit"], "benefit", "general", "supported"),
        (["no difference"], "benefit", "general", "tested against placebo, no difference"),
        (["uncontrolled only", "no result found"], "benefit", "general", "never tested against placebo"),
        (["results not found", "uncontrolled only"], "benefit", "general", "consistent but weak"),
        (["subgroup only"], "benefit", "subgroup", "consistent but weak"),
        (["subgroup only"], "benefit", "general", "overstated"),
        (["no difference", "subgroup only"], "benefit", "general", "overstated"),
        (["no difference", "no difference"], "no difference", "general", "supported"),
        (["benefit"], "no difference", "general", "contradicted"),
        (["no result found"], "no difference", "general", "untraceable"),
    ],
)
def test_effect_verdict_table(statuses, direction, scope, expected):
    assert effect_claims.effect_verdict(statuses, direction, scope).verdict == expected


def test_effect_rule_reads_the_data():
    summary = _summary(
        _srow("a", "t", "between", "all", "sleep", "end", "p_above", 0.05),
        _srow("b", "t", "between", "all", "pain", "end", "p_value", 0.01),
        _srow("c", "t", "between", "sub", "stress", "end", "p_value", 0.003),
        _srow("d", "t", "between", "all", "stress", "end", "p_value", 0.93),
        _srow("e", "u", "active", "all", "fatigue", "change", "p_below", 0.05, n=20),
    )
    ev = _evidence(summary=summary)
    assert _verdict(_claim("effect", outcome="sleep", direction="no difference"), ev) == "supported"
    assert _verdict(_claim("effect", outcome="sleep"), ev) == "tested against placebo, no difference"
    assert _verdict(_claim("effect", outcome="pain"), ev) == "supported"
    # whole sample null, a subgroup significant: a general claim of benefit says more than the
    # data (the same category as a subgroup-only benefit), a claim of no difference holds
    assert _verdict(_claim("effect", outcome="stress"), ev) == "overstated"
    assert _verdict(_claim("effect", outcome="stress", direction="no difference"), ev) == "supported"
    assert _verdict(_claim("effect", outcome="stress", scope="subgroup"), ev) == "consistent but weak"
    assert (
        _verdict(_claim("effect", study_id="u", outcome="fatigue"), ev) == "never tested against placebo"
    )
    row = build_ledger(_claim("effect", study_id=np.nan, outcome="pain;sleep"), ev).iloc[0]
    assert row["verdict"] == "overstated" and "u 2010" not in row["plain"].lower()
    assert "no significant difference" in row["plain"]


def test_placebo_controlled_study_without_results():
    studies = _studies()
    studies.loc[len(studies)] = studies.iloc[0].to_dict() | {"study_id": "r", "label": "R"}
    summary = _summary(_srow("e", "u", "active", "all", "pain", "change", "p_below", 0.05, n=20))
    ev = _evidence(summary=summary, studies=studies)
    assert _verdict(_claim("effect", study_id="u;r"), ev) == "consistent but weak"
    assert _verdict(_claim("effect", study_id="u"), ev) == "never tested against placebo"


def test_significance_from_a_confidence_interval_uses_the_right_null():
    rd = _summary(
        _srow("x", "t", "between", "all", "o", "end", "ci_low", -0.2, instrument="risk difference"),
        _srow("y", "t", "between", "all", "o", "end", "ci_high", 0.1, instrument="risk difference"),
    )
    assert reported_significance(rd, 0.05) is False
    ratio = rd.assign(instrument="odds ratio", value=[0.1, 0.6])
    assert reported_significance(ratio, 0.05) is True


# ---- one trial's before/after figures --------------------------------------------------------


def _pain_summary(p=0.01, sub="all", mg=(5.7, 5.1)):
    return _summary(
        _srow("m0", "t", "active", sub, "pain", "baseline", "mean", mg[0]),
        _srow("m1", "t", "active", sub, "pain", "end", "mean", mg[1]),
        _srow("p0", "t", "dummy", sub, "pain", "baseline", "mean", 5.3),
        _srow("p1", "t", "dummy", sub, "pain", "end", "mean", 5.6),
        _srow("bp", "t", "between", sub, "pain", "end", "p_value", p),
    )


@pytest.mark.parametrize(
    "md,p,sub,kw,expected",
    [
        (3.0, 0.01, "all", {}, "supported"),
        (3.0, 0.01, "mild", {}, "overstated"),  # subgroup shown as general
        (3.0, 0.01, "mild", {"scope": "subgroup"}, "consistent but weak"),
        (0.9, 0.01, "all", {"asserts_meaningful": True}, "overstated"),  # below the MCID
        (0.9, 0.40, "all", {}, "tested against placebo, no difference"),
        (3.0, 0.01, "all", {"asserted_value": "5.9;5.1"}, "factually wrong"),
    ],
)
def test_within_arm_change(md, p, sub, kw, expected):
    ev = _evidence(effects=_effects(md, 0.25, sub), summary=_pain_summary(p, sub))
    row = build_ledger(_claim("within_arm_change", **kw), ev).iloc[0]
    assert row["verdict"] == expected
    assert row["estimate"] == pytest.approx(md)
    assert row["p_exceeds_mcid"] == pytest.approx(stats.norm.sf(2.0, md, 0.5))
    assert "5.7" in row["plain"] and "dummy" in row["plain"]  # arm names come from the data


def test_a_p_check_by_construction_is_never_called_a_confirmation():
    effects = _effects(3.0, 0.25).assign(
        p_check="consistent by construction", p_n_low=7.0, p_n_high=57.0, p_check_detail=""
    )
    row = build_ledger(
        _claim("within_arm_change"), _evidence(effects=effects, summary=_pain_summary())
    ).iloc[0]
    assert "by construction" in row["numbers"] and "7 to 57 per arm" in row["numbers"]
    assert "reproduced" not in row["numbers"] and "confirm" not in row["numbers"].replace(
        "confirms nothing", ""
    )
    assert "cannot confirm" in row["plain"]
    independent = _effects(3.0, 0.25).assign(p_check="reproduced")
    row = build_ledger(
        _claim("within_arm_change"), _evidence(effects=independent, summary=_pain_summary())
    ).iloc[0]
    assert "reproduced from the reported means/SDs" in row["numbers"]
    assert "cannot confirm" not in row["plain"]


def test_within_arm_change_without_placebo_is_never_tested():
    summary = _summary(_srow("e", "u", "active", "all", "pain", "change", "p_below", 0.05, n=20))
    ev = _evidence(summary=summary)
    assert _verdict(_claim("within_arm_change", study_id="u"), ev) == "never tested against placebo"


def test_missing_evidence_names_the_claim():
    ev = _evidence(effects=_effects(1, 1).iloc[0:0])
    with pytest.raises(ValueError, match="claim 'c' \\(within_arm_change\\)"):
        build_ledger(_claim("within_arm_change"), ev)


# ---- levels and associations -----------------------------------------------------------------


def _levels(findings, years=None, samples=None, links=None):
    n = len(findings)
    return pd.DataFrame(
        {
            "level_id": [f"l{i}" for i in range(n)],
            "study_id": [f"s{i}" for i in range(n)],
            "citation": [f"S{i}. J" for i in range(n)],
            "n_fm": 10.0,
            "n_control": 10.0,
            "finding": findings,
            "year": years or [2000] * n,
            "sample": samples or ["serum"] * n,
            "linked_outcomes": links or [np.nan] * n,
            "link_detail": "d",
            "status": "reported",
            "source": "src",
        }
    )


@pytest.mark.parametrize(
    "findings,scope,expected",
    [
        (["lower in FM", "lower in FM"], "general", "supported"),
        (["lower in FM", "no difference", "higher in FM", "see review table"], "general", "overstated"),
        (["no difference", "higher in FM"], "general", "contradicted"),
        (["lower in FM", "lower in FM", "no difference"], "some", "supported"),
        (["lower in FM", "no difference"], "some", "consistent but weak"),
        (["lower in FM", "no difference"], "mixed", "supported"),
        (["lower in FM", "lower in FM"], "mixed", "contradicted"),
    ],
)
def test_levels(findings, scope, expected):
    ev = _evidence(levels=_levels(findings))
    assert _verdict(_claim("levels", study_id=np.nan, outcome=np.nan, scope=scope), ev) == expected


@pytest.mark.parametrize(
    "year,direction,expected",
    [
        (2011, "no difference", "supported"),
        (2011, "lower", "contradicted"),
        (2012, "no difference", "untraceable"),
    ],
)
def test_level_study(year, direction, expected):
    ev = _evidence(
        levels=_levels(["no difference", "lower"], years=[2011, 2011], samples=["serum", "hair"])
    )
    claim = _claim(
        "level_study",
        study_id=np.nan,
        asserted_year=year,
        direction=direction,
        asserted_value="serum;plasma",
    )
    assert _verdict(claim, ev) == expected


@pytest.mark.parametrize(
    "outcomes,expected", [("a;b", "supported"), ("a;z", "overstated"), ("z", "untraceable")]
)
def test_association(outcomes, expected):
    lv = _levels(["lower"], links=["a;b"])
    ev = _evidence(levels=lv)
    assert _verdict(_claim("association", study_id="s0", outcome=outcomes), ev) == expected


# ---- facts, designs, citations ---------------------------------------------------------------


def test_fact():
    wrong = _claim(
        "fact", asserted_value="chloride", reference_value="sulfate", reason="it is the sulfate"
    )
    row = build_ledger(wrong, _evidence()).iloc[0]
    assert row["verdict"] == "factually wrong" and row["plain"] == "it is the sulfate"
    right = _claim("fact", asserted_value="Sulfate", reference_value="sulfate")
    assert _verdict(right, _evidence()) == "supported"


@pytest.mark.parametrize(
    "value,placebo,expected",
    [
        ("randomized=true;dose_mg_per_day=100;primary_outcome=pain", False, "supported"),
        ("dose_mg_per_day=200", False, "factually wrong"),
        ("primary_outcome=stress", False, "factually wrong"),
    ],
)
def test_design(value, placebo, expected):
    claim = _claim("design", asserted_value=value, asserts_placebo=placebo)
    assert _verdict(claim, _evidence()) == expected
    assert (
        _verdict(_claim("design", study_id="u", asserts_placebo=True), _evidence()) == "factually wrong"
    )


def test_design_not_stated_is_not_true():
    studies = _studies()
    studies["randomized"] = pd.array([pd.NA, False], dtype="boolean")
    row = build_ledger(
        _claim("design", asserted_value="randomized=true"), _evidence(studies=studies)
    ).iloc[0]
    assert row["verdict"] == "factually wrong" and "not stated" in row["plain"]


def test_first_of_kind():
    studies = _studies()
    studies.loc[len(studies)] = studies.iloc[0].to_dict() | {
        "study_id": "e",
        "year": 1995,
        "label": "E 1995",
    }
    summary = _summary(_srow("b", "t", "between", "all", "pain", "end", "p_value", 0.01))
    row = build_ledger(_claim("first_of_kind"), _evidence(summary=summary, studies=studies))
    assert row["verdict"].iloc[0] == "factually wrong" and "E 1995" in row["plain"].iloc[0]
    studies["co_intervention"] = [np.nan, np.nan, "another substance"]
    assert _verdict(_claim("first_of_kind"), _evidence(summary=summary, studies=studies)) == "supported"


def test_uncontrolled_proportion_checks_year_and_design():
    summary = _summary(_srow("k", "u", "active", "all", "relief", "end", "count", 8, n=10))
    ev = _evidence(summary=summary)
    ok = _claim("uncontrolled_proportion", study_id="u", asserted_value="0.8")
    assert _verdict(ok, ev) == "never tested against placebo"
    year = _claim("uncontrolled_proportion", study_id="u", asserted_year=2008)
    row = build_ledger(year, ev).iloc[0]
    assert row["verdict"] == "factually wrong" and "2010, not 2008" in row["plain"]
    placebo = _claim("uncontrolled_proportion", study_id="u", asserts_placebo=True)
    assert "no placebo group" in build_ledger(placebo, ev)["plain"].iloc[0]


def test_untraceable_and_not_checkable():
    row = build_ledger(
        _claim("untraceable_citation", study_id="t", reason="No such trial."), _evidence()
    ).iloc[0]
    assert row["verdict"] == "untraceable" and "No such trial." in row["plain"]
    assert "T 2020" in row["plain"]
    row = build_ledger(_claim("not_checkable", reason="Physiology."), _evidence()).iloc[0]
    assert row["verdict"] == "not checkable with trial data" and row["plain"] == "Physiology."


def _vote():
    return pd.DataFrame(
        [
            {
                "positive": 5,
                "total": 7,
                "share": 5 / 7,
                "ci_low": 0.29,
                "ci_high": 0.96,
                "sign_test_p_one_sided": 0.23,
                "uncontrolled_studies": 6,
                "p_at_least_k_if_no_effect_direction": 0.95,
                "p_at_least_k_if_no_effect_direction_low_nonspecific": 0.23,
                "p_at_least_k_if_no_effect_direction_high_nonspecific": 0.9988,
                "p_at_least_k_if_no_effect_significant": 0.0056,
                "p_at_least_k_if_no_effect_significant_low_nonspecific": 0.0,
                "p_at_least_k_if_no_effect_significant_high_nonspecific": 0.2,
            }
        ]
    )


@pytest.mark.parametrize(
    "status,expected", [("second-hand", "untraceable"), ("reported", "consistent but weak")]
)
def test_vote_count(status, expected):
    summary = _summary(
        _srow("n", "t", "review", "all", "k", "end", "n", 7, status=status),
        _srow("c", "t", "review", "all", "k", "end", "count", 5, status=status),
    )
    ev = _evidence(summary=summary, vote=_vote())
    assert _verdict(_claim("vote_count"), ev) == expected


def test_every_verdict_is_reachable():
    """The parametrised cases above cover all nine categories."""
    covered = {
        "supported",
        "consistent but weak",
        "overstated",
        "never tested against placebo",
        "tested against placebo, no difference",
        "contradicted",
        "factually wrong",
        "untraceable",
        "not checkable with trial data",
    }
    assert covered == set(VERDICTS)


@pytest.mark.parametrize(
    "scope,planned,expected,says",
    [
        ("subgroup", "not reported", "consistent but weak", "not reported"),
        ("general", "no", "overstated", "chosen after the results"),
    ],
)
def test_subgroup_effect(scope, planned, expected, says):
    summary = _summary(
        _srow("s1", "t", "between", "mild", "pain", "end", "p_value", 0.01),
        _srow("s2", "t", "between", "all", "pain", "end", "p_value", 0.6),
        _srow("sd", "t", "dummy", "mild", "pain", "baseline", "sd", 11.9),
    )
    ev = _evidence(summary=summary)
    ev.credibility = pd.DataFrame([{"criterion": PRESPECIFIED, "answer": planned, "evidence": "e"}])
    ev.forensics = pd.DataFrame([{"verdict": "flag", "row_id": "sd", "detail": "d"}])
    row = build_ledger(_claim("subgroup_effect", scope=scope, subgroup_label="the mild group"), ev).iloc[
        0
    ]
    assert row["verdict"] == expected
    assert says in row["plain"] and "the mild group" in row["plain"]
    assert "did not differ from dummy (p = 0.60)" in row["plain"]
    assert "cannot be right" in row["plain"]
    summary.loc[0, "value"] = 0.2  # not significant in the subgroup either
    assert _verdict(_claim("subgroup_effect", scope="subgroup"), ev) == "overstated"


def test_vote_count_claim_without_a_vote_count_block_is_a_clear_error():
    ev = _evidence()  # a case that runs no vote count: empty vote table
    with pytest.raises(ValueError, match="add a vote_count block"):
        build_ledger(_claim("vote_count"), ev)


def test_evidence_without_optional_analyses_still_judges_other_claims():
    """A case without subgroup simulation or vote count: Evidence's optional tables default to
    empty, and claims that do not need them get verdicts."""
    base = _evidence()
    ev = Evidence(
        summary=base.summary,
        studies=base.studies,
        levels=base.levels,
        effects=base.effects,
        pooled=base.pooled,
        bayes=base.bayes,
        forensics=base.forensics,
        config=CONFIG,
        arms=base.arms,
    )
    assert ev.vote.empty and ev.shrinkage.empty
    assert _verdict(_claim("subgroup_effect", scope="subgroup"), ev) in VERDICTS


def test_asserted_means_are_compared_at_their_own_precision():
    assert same_at_precision([7.8, 4.4], [7.84, 4.44])
    assert same_at_precision([5.7, 5.1], [5.7, 5.1])
    assert not same_at_precision([7.9, 4.4], [7.84, 4.44])
    assert not same_at_precision([7.8], [7.84, 4.44])


@pytest.mark.parametrize(
    "p,words",
    [(0.003, "less than 1%"), (0.42, "about 42%"), (0.999, "more than 99%"), (np.nan, "not known")],
)
def test_chances_are_said_in_words_a_reader_can_take(p, words):
    assert chance(p) == words


def test_levels_are_counted_per_study_and_intake_is_not_a_level():
    lv = _levels(
        ["no difference", "lower in FM", "lower in FM", "no difference"],
        samples=["plasma", "red cell", "dietary intake", "serum"],
    )
    lv["study_id"] = ["a", "a", "b", "b"]  # a: two samples; b: intake (not a level) and serum
    row = build_ledger(
        _claim("levels", study_id=np.nan, outcome=np.nan, scope="some"), _evidence(levels=lv)
    ).iloc[0]
    assert "Of 2 studies" in row["plain"] and "1 found lower" in row["plain"]
    # the per-sample breakdown counts each sample's own finding (it was empty: per-study kinds
    # were aligned to the rows' index)
    for part in (
        "plasma: 1 no difference",
        "red cell: 1 lower",
        "dietary intake: 1 lower",
        "serum: 1 no difference",
    ):
        assert part in row["numbers"], row["numbers"]


def test_a_measured_outcome_without_a_result_is_no_reported_improvement():
    """A 'not_reported' row (measured, no result) of an uncontrolled study is not counted as an
    improvement reported without a placebo group (it is 'measured, no result reported'); a
    reported change of the same study is."""
    silent = _summary(_srow("u1", "u", "active", "all", "anxiety", "change", "not_reported", np.nan, 20))
    found = effect_claims.outcome_evidence(_evidence(summary=silent), ["u"], "anxiety", True)
    assert [(f.cls, f.who) for f in found] == [(effect_claims.MEASURED, "U 2010")]
    both = _summary(
        _srow("u1", "u", "active", "all", "anxiety", "change", "not_reported", np.nan, 20),
        _srow("u2", "u", "active", "all", "anxiety", "change", "p_below", 0.05, 20),
    )
    found = effect_claims.outcome_evidence(_evidence(summary=both), ["u"], "anxiety", True)
    assert [(f.cls, f.who) for f in found] == [(effect_claims.UNCONTROLLED, "U 2010")]


def test_a_figure_resting_on_an_assumption_has_its_range_beside_it():
    """Issue 24: the vote count's 'about 95%' holds at the assumed 0.3 SD improvement on any
    treatment; its range over the assumption (and the significance criterion's) are quoted with
    it, read from the vote-count table."""
    row = build_ledger(_claim("vote_count", study_id="t"), _evidence(vote=_vote())).iloc[0]
    v = _vote().iloc[0]
    assert (
        f"about {v['p_at_least_k_if_no_effect_direction']:.0%} ("
        f"{v['p_at_least_k_if_no_effect_direction_low_nonspecific']:.0%} to "
        f"{v['p_at_least_k_if_no_effect_direction_high_nonspecific']:.1%} as the assumed" in row["plain"]
    )
    assert f"{v['p_at_least_k_if_no_effect_significant']:.1%}" in row["plain"]
    assert (
        f"{v['p_at_least_k_if_no_effect_significant_high_nonspecific']:.0%} over the same"
        in row["plain"]
    )


def test_the_primary_bayesian_figure_leads_and_the_flat_prior_stands_beside_it():
    """The chance of a patient-noticeable difference is the project's primary Bayesian figure
    with its range; the flat-prior 'less than 1%' is never quoted alone."""
    summary = _summary(_srow("p", "t", "between", "all", "pain", "end", "p_value", 0.01))
    ev = _evidence(effects=_effects(0.9, 0.16), summary=summary)
    ev.bayes = ev.bayes.assign(prior_label="half-normal(0.5) on tau")
    row = build_ledger(_claim("within_arm_change"), ev).iloc[0]
    b = ev.bayes.iloc[0]
    primary = (
        f"about {b['p_mu_gt_mcid']:.0%} ({b['p_mu_gt_mcid_sd_low']:.0%} to "
        f"{b['p_mu_gt_mcid_sd_high']:.0%} over the assumed range"
    )
    assert primary in row["plain"] and "less than 1%" in row["plain"]
    assert row["plain"].index(primary) < row["plain"].index("flat prior")
    ev.bayes = ev.bayes.iloc[0:0]
    alone = build_ledger(_claim("within_arm_change"), ev).iloc[0]["plain"]
    assert "less than 1% (flat prior, this trial's figures alone)" in alone


def test_a_pooled_estimate_that_leaves_out_some_of_the_claims_studies_says_so():
    """#18: the verdict rests on a pooled estimate of t and s; the claim also names u (no placebo
    group) and r (controlled, no whole-sample result that could be pooled): the row lists both in
    studies_not_pooled and its plain text names each with its reason. A claim naming only the
    pooled trials lists none."""
    studies = _studies()
    for sid in ("s", "r"):
        studies.loc[len(studies)] = studies.iloc[0].to_dict() | {"study_id": sid, "label": sid.upper()}
    summary = _summary(
        _srow("a", "t", "between", "all", "pain", "end", "p_value", 0.01),
        _srow("b", "s", "between", "all", "pain", "end", "p_value", 0.20),
        _srow("c", "u", "active", "all", "pain", "change", "p_below", 0.05, n=20),
        _srow("d", "r", "between", "all", "pain", "end", "n", 40),
    )
    one = _effects(1, 1)
    effects = pd.concat(
        [one.assign(study_id=sid, es_id=one["es_id"] + sid) for sid in ("t", "s")], ignore_index=True
    )
    ev = _evidence(summary=summary, studies=studies, effects=effects)
    ev.config = CONFIG | {
        "report": {"comparator": "placebo"},
        "meta_analysis": {
            "primary_method": "REML",
            "level": 0.95,
            "sets": {"pain_ctrl": {"outcomes": ["pain"], "controlled_only": True}},
        },
    }
    ev.pooled = pd.DataFrame(
        [
            {
                "set": "pain_ctrl",
                "method": "REML",
                "k": 2,
                "mu": 0.5,
                "ci_low": 0.2,
                "ci_high": 0.8,
                "studies": "bt bs",
            }
        ]
    )
    row = build_ledger(_claim("effect", study_id="t;s;u;r"), ev).iloc[0]
    assert row["verdict"] == SUPPORTED  # decided by the pooled estimate (CI above 0)
    assert row["branch"] == "effect.benefit.pooled"
    assert row["studies_not_pooled"].split(";") == ["r", "u"]
    for sid, reason in (("u", "no placebo group"), ("r", "no whole-sample result")):
        assert f"{study_name(ev.study(sid))} ({reason}" in row["plain"]
    only_pooled = build_ledger(_claim("effect", study_id="t;s"), ev).iloc[0]
    assert only_pooled["studies_not_pooled"] == "" and "leaves out" not in only_pooled["plain"]


def test_the_comparator_word_reads_in_the_ledgers_sentences_without_a_report_block():
    from types import SimpleNamespace

    named = SimpleNamespace(config={"report": {"comparator": "routine care"}})
    assert comparator_word(named) == "routine care"
    word = comparator_word(SimpleNamespace(config={}))
    # the sentences say "trials with a {word} group" and "no difference from {word}"
    assert word.split()[0] not in {"a", "an", "the"}, word


def test_the_ledgers_pooled_intervals_are_named_at_the_configured_level():
    row = PooledEstimate("ctrl", "SMD", "", 0.4, -0.1, 0.9, "REML", 3)
    text = pooled_text((row,), level=0.9, knha=True, beside=False)
    assert "90% CI -0.10 to 0.90" in text and "95%" not in text
    words = status_sentence(effect_claims.NODIFF, "placebo", pooled=True, level=0.9)
    assert "90% confidence interval" in words and "95%" not in words


# ---- the branch that fired --------------------------------------------------------------------


@pytest.mark.parametrize(
    "md,p,sub,kw,branch",
    [
        (3.0, 0.01, "all", {}, "within_arm_change.significant"),
        (3.0, 0.01, "mild", {}, "within_arm_change.subgroup_presented_as_general"),
        (3.0, 0.01, "mild", {"scope": "subgroup"}, "within_arm_change.significant_in_subgroup"),
        (0.9, 0.01, "all", {"asserts_meaningful": True}, "within_arm_change.meaningful_unlikely"),
        (0.9, 0.40, "all", {}, "within_arm_change.no_significant_difference"),
        (3.0, 0.01, "all", {"asserted_value": "5.9;5.1"}, "within_arm_change.asserted_means_differ"),
    ],
)
def test_the_branch_column_names_the_within_arm_branch_that_fired(md, p, sub, kw, branch):
    """Two branches give 'overstated' (a subgroup shown as general, a change below the MCID
    called meaningful): the branch column tells them apart."""
    ev = _evidence(effects=_effects(md, 0.25, sub), summary=_pain_summary(p, sub))
    assert build_ledger(_claim("within_arm_change", **kw), ev)["branch"].iloc[0] == branch


def test_the_branch_column_names_the_effect_branch_that_fired():
    summary = _summary(
        _srow("a", "t", "between", "all", "sleep", "end", "p_above", 0.05),
        _srow("b", "t", "between", "all", "pain", "end", "p_value", 0.01),
        _srow("c", "t", "between", "sub", "stress", "end", "p_value", 0.003),
        _srow("d", "t", "between", "all", "stress", "end", "p_value", 0.93),
        _srow("e", "u", "active", "all", "fatigue", "change", "p_below", 0.05, n=20),
    )
    ev = _evidence(summary=summary)
    cases = {
        "effect.benefit": _claim("effect", outcome="pain"),
        "effect.no_difference": _claim("effect", outcome="sleep"),
        "effect.null_claimed.no_difference_found": _claim(
            "effect", outcome="sleep", direction="no difference"
        ),
        "effect.stronger_than_evidence": _claim("effect", outcome="stress"),
        "effect.subgroup_claimed_for_subgroup": _claim("effect", outcome="stress", scope="subgroup"),
        "effect.never_tested": _claim("effect", study_id="u", outcome="fatigue"),
        # a rule that defers to another names both
        "within_arm_change.no_comparator/effect.never_tested": _claim(
            "within_arm_change", study_id="u", outcome="fatigue"
        ),
    }
    out = build_ledger(pd.concat(cases.values(), ignore_index=True), ev)
    assert list(out["branch"]) == list(cases)


def test_the_branch_column_names_the_rule_of_the_claim_type():
    """Every row's branch starts with its claim type (first_of_kind names the effect branch it
    deferred to; levels its scope); distinct verdict paths of one rule get distinct branches."""
    studies = _studies()
    studies.loc[len(studies)] = studies.iloc[0].to_dict() | {
        "study_id": "e",
        "year": 1995,
        "label": "E 1995",
    }
    summary = _summary(_srow("b", "t", "between", "all", "pain", "end", "p_value", 0.01))
    first = build_ledger(_claim("first_of_kind"), _evidence(summary=summary, studies=studies))
    assert first["branch"].iloc[0] == "first_of_kind.not_first"
    studies["co_intervention"] = [np.nan, np.nan, "another substance"]
    first = build_ledger(_claim("first_of_kind"), _evidence(summary=summary, studies=studies))
    assert first["branch"].iloc[0] == "first_of_kind.first/effect.benefit"
    lv = _evidence(levels=_levels(["lower in FM", "no difference"]))
    branches = {
        scope: build_ledger(_claim("levels", study_id=np.nan, outcome=np.nan, scope=scope), lv)[
            "branch"
        ].iloc[0]
        for scope in ("general", "some", "mixed")
    }
    assert branches == {
        "general": "levels.general.some_lower",
        "some": "levels.some.one_lower",
        "mixed": "levels.mixed.studies_disagree",
    }
    claims = pd.concat(
        [
            _claim("fact", asserted_value="a", reference_value="b"),
            _claim("fact", asserted_value="a", reference_value="a"),
            _claim("design", asserted_value="dose_mg_per_day=200"),
            _claim("not_checkable", reason="Physiology."),
            _claim("untraceable_citation", study_id="t", reason="No such trial."),
        ],
        ignore_index=True,
    )
    out = build_ledger(claims, _evidence())
    assert list(out["branch"]) == [
        "fact.differs_from_reference",
        "fact.matches_reference",
        "design.differs_from_record",
        "not_checkable.recorded",
        "untraceable_citation.recorded",
    ]
    assert (out["branch"].str.split(".").str[0] == out["claim_type"]).all()


def test_a_judgement_names_a_known_verdict_and_its_branch():
    from reanalysis.ledger.verdicts import Judgement

    with pytest.raises(ValueError, match="unknown verdict"):
        Judgement("probably true", "effect.benefit", None)
    with pytest.raises(ValueError, match="branch"):
        Judgement(SUPPORTED, "", None)
