"""Ledger verdict rules on small hand-made evidence: each rule can give each of its verdicts."""

import numpy as np
import pandas as pd
import pytest

from reanalysis.ledger import VERDICTS, Evidence, build_ledger

CONFIG = {
    "mcid": {"pain": {"value": 2.0}},
    "meta_analysis": {"primary_method": "REML", "sets": {
        "ctrl": {"controlled_only": True, "mcid_outcome": "pain"}}},
    "vote_count": {"nonspecific_improvement": {"value": 0.3, "range": [0.0, 0.5]}},
    "subgroup_simulation": {"subgroup": "mild"},
}


def _effects(md, md_var, subgroup="all"):
    base = {"study_id": "t", "subgroup": subgroup, "outcome": "pain", "forensic_flags": np.nan,
            "assumptions": "n=20", "basis": "means", "vi": 0.1}
    return pd.DataFrame([
        base | {"es_id": f"t.{subgroup}.pain.between_change.between", "estimand": "between_change",
                "arm": "between", "md": md, "md_var": md_var, "yi": md / 2},
        base | {"es_id": f"t.{subgroup}.pain.within_change.magnesium", "estimand": "within_change",
                "arm": "magnesium", "md": md, "md_var": md_var, "yi": 0.5},
        base | {"es_id": f"t.{subgroup}.pain.within_change.placebo", "estimand": "within_change",
                "arm": "placebo", "md": 0.0, "md_var": md_var, "yi": 0.0},
    ])


def _evidence(effects, controlled=True, levels=None, vote=None, pooled_ci=(-0.5, 0.5)):
    studies = pd.DataFrame([{"study_id": "t", "citation": "Trial T", "design": "RCT",
                             "controlled": controlled, "role": "intervention",
                             "population": "adults"}])
    pooled = pd.DataFrame([{"set": "controlled_whole_sample", "method": "REML", "k": 1,
                            "mu": sum(pooled_ci) / 2, "ci_low": pooled_ci[0],
                            "ci_high": pooled_ci[1]}])
    bayes = pd.DataFrame([{"set": "ctrl", "prior": "hn", "p_mu_gt_mcid": 0.5,
                           "p_mu_gt_mcid_sd_low": 0.4, "p_mu_gt_mcid_sd_high": 0.6}])
    empty = pd.DataFrame()
    return Evidence(summary=pd.DataFrame(columns=["row_id", "study_id", "statistic", "value"]),
                    studies=studies, levels=levels if levels is not None else empty,
                    effects=effects, pooled=pooled, bayes=bayes,
                    vote=vote if vote is not None else empty, credibility=empty,
                    shrinkage=empty, forensics=pd.DataFrame(columns=["verdict", "row_id"]),
                    no_effect=empty, config=CONFIG)


def _claim(claim_type, study_id="t", outcome="pain"):
    return pd.DataFrame([{"claim_id": "c", "quote": "q", "source_file": "f",
                          "claim_type": claim_type, "study_id": study_id, "outcome": outcome}])


@pytest.mark.parametrize("md,md_var,subgroup,expected", [
    (3.0, 0.25, "all", "supported"),       # whole sample, CI excludes 0, P(> MCID) > 0.5
    (3.0, 0.25, "mild", "overstated"),     # same numbers, but only in a subgroup
    (0.9, 0.36, "all", "overstated"),      # below the MCID
])
def test_within_arm_change_in_a_controlled_trial(md, md_var, subgroup, expected):
    row = build_ledger(_claim("within_arm_change"), _evidence(_effects(md, md_var, subgroup)))
    assert row["verdict"].iloc[0] == expected
    assert row["estimate"].iloc[0] == pytest.approx(md)
    assert row["p_exceeds_mcid"].iloc[0] == pytest.approx(
        1 - __import__("scipy").stats.norm.cdf(2.0, md, np.sqrt(md_var)))


def test_within_arm_change_without_placebo_is_not_supported():
    row = build_ledger(_claim("within_arm_change"), _evidence(_effects(3.0, 0.25), controlled=False))
    assert row["verdict"].iloc[0] == "not supported by controlled evidence"
    assert "no placebo" in row["plain"].iloc[0]


@pytest.mark.parametrize("findings,expected", [
    (["lower in FM", "lower in FM"], "supported"),
    (["lower in FM", "no difference", "higher in FM", "see review table"], "overstated"),
])
def test_levels(findings, expected):
    levels = pd.DataFrame({"finding": findings})
    row = build_ledger(_claim("levels", None, None), _evidence(_effects(1, 1), levels=levels))
    assert row["verdict"].iloc[0] == expected


def test_untraceable_and_unknown_verdicts():
    ev = _evidence(_effects(1, 1))
    ev.studies["citation"] = "Someone 2024"
    row = build_ledger(_claim("untraceable_citation", None, None), ev).iloc[0]
    assert row["verdict"] == "untraceable" and "Someone 2024" in row["numbers"]
    assert set(VERDICTS) == {"supported", "overstated", "not supported by controlled evidence",
                             "untraceable"}


def _vote(uncontrolled):
    return pd.DataFrame([{"positive": 5, "total": 7, "share": 5 / 7, "ci_low": 0.29,
                          "ci_high": 0.96, "sign_test_p_one_sided": 0.23,
                          "uncontrolled_studies": uncontrolled,
                          "p_at_least_k_if_no_effect_direction": 0.95,
                          "p_at_least_k_if_no_effect_direction_low_nonspecific": 0.23,
                          "p_at_least_k_if_no_effect_significant_low_nonspecific": 0.0,
                          "p_at_least_k_if_no_effect_significant_high_nonspecific": 0.2}])


@pytest.mark.parametrize("uncontrolled,ci,expected", [
    (6, (-0.5, 0.5), "not supported by controlled evidence"),
    (1, (-0.5, 0.5), "not supported by controlled evidence"),  # controlled evidence is null
    (1, (0.2, 0.8), "supported"),
])
def test_vote_count(uncontrolled, ci, expected):
    ev = _evidence(_effects(1, 1), vote=_vote(uncontrolled), pooled_ci=ci)
    assert build_ledger(_claim("vote_count"), ev)["verdict"].iloc[0] == expected


def test_missing_evidence_names_the_claim():
    ev = _evidence(_effects(1, 1).iloc[0:0])
    with pytest.raises(ValueError, match="claim 'c' \\(within_arm_change\\)"):
        build_ledger(_claim("within_arm_change"), ev)
