"""The ledger run on each shipped case's own data (effect sizes and pooled estimates computed here
by the functions the pipeline calls): what a verdict says was measured or tested comes from the
data, in the case's own comparator words; claims resting on the same evidence get one category."""

import functools
import re
from pathlib import Path

import pandas as pd
import pytest

from reanalysis import config as config_mod
from reanalysis.checks.forensics import flagged_rows, run_checks
from reanalysis.data.load import load_all
from reanalysis.data.tables import curate
from reanalysis.effects.assumptions import Assumptions
from reanalysis.effects.build import build_effect_sizes
from reanalysis.ledger import effect_claims
from reanalysis.ledger.build import build_ledger
from reanalysis.ledger.evidence import Evidence, split_list
from reanalysis.ledger.phrases import share
from reanalysis.ledger.verdicts import NEVER_TESTED, NO_DIFFERENCE, OVERSTATED, WEAK
from reanalysis.meta.pooling import pool_sets

ROOT = Path(__file__).resolve().parents[1]
CASES = [ROOT, ROOT / "cases/mg_leg_cramps", ROOT / "cases/normand1999", ROOT / "templates/case"]
EFFECT_RULES = ("effect", "first_of_kind")  # the rules that read studies' outcomes


def _evidence(folder: Path) -> tuple[pd.DataFrame, Evidence]:
    """The case's claims and the evidence the ledger reads, computed once per case folder per
    session (the tests only read them; the claims come as a copy)."""
    claims, ev = _evidence_of(folder)
    return claims.copy(), ev


@functools.cache
def _evidence_of(folder: Path) -> tuple[pd.DataFrame, Evidence]:
    cfg = config_mod.load_config(folder / "config/config.yaml")
    paths = {k: folder / v for k, v in cfg["data"].items()}
    t = curate(load_all(paths, cfg["assumptions"].get("sample_sizes") or []), cfg)
    fz = run_checks(t, cfg)
    effects = build_effect_sizes(
        t["summary"], t["studies"], Assumptions.from_config(cfg), flagged_rows(fz), arms=t["arms"]
    )
    ev = Evidence(
        summary=t["summary"],
        studies=t["studies"],
        levels=t.get("levels"),
        effects=effects,
        pooled=pool_sets(effects, cfg["meta_analysis"]),
        bayes=pd.DataFrame(),
        forensics=fz,
        config=cfg,
        arms=t["arms"],
        instruments=t.get("instruments"),
    )
    return t["claims"], ev


@pytest.fixture(
    scope="module", params=CASES, ids=["shipped", "mg_leg_cramps", "normand1999", "template"]
)
def case(request):
    claims, ev = _evidence(request.param)
    claims = claims[claims["claim_type"].isin(EFFECT_RULES)]
    return claims, ev, build_ledger(claims, ev)


@pytest.mark.parametrize(
    "folder", [ROOT / "cases/normand1999", ROOT / "templates/case"], ids=["normand1999", "template"]
)
def test_an_outcome_every_trial_measured_is_never_called_untested(folder):
    """Issue 18: the ledger read only reported p-values and said 'never tested against placebo
    ... no study measured it' for length of stay, which all nine trials measured."""
    claims, ev = _evidence(folder)
    out = build_ledger(claims, ev)
    comparator = ev.config["report"]["comparator"]
    for _, r in out.iterrows():
        assert r["verdict"] != NEVER_TESTED
        assert "no study" not in r["plain"] and "placebo" not in r["plain"]
        assert comparator in r["plain"]
        measured = set(ev.effects["outcome"])
        for outcome in split_list(claims.set_index("claim_id").loc[r["claim_id"], "outcome"]):
            if outcome in measured:
                assert f"{outcome}: {effect_claims.NO_RESULT_FOUND}" not in r["numbers"]


def test_normand_claim_is_judged_on_the_pooled_estimate():
    claims, ev = _evidence(ROOT / "cases/normand1999")
    row = build_ledger(claims, ev).iloc[0]
    primary = ev.pooled[
        (ev.pooled["set"] == next(iter(ev.config["meta_analysis"]["sets"])))
        & (ev.pooled["method"] == ev.config["meta_analysis"]["primary_method"])
    ]
    mu, lo, hi = primary[["mu", "ci_low", "ci_high"]].iloc[0]
    assert lo < 0 < hi  # the pooled CI includes no difference, though several trials excluded it
    assert row["verdict"] == NO_DIFFERENCE
    assert f"{mu:.2f} days (95% CI {lo:.2f} to {hi:.2f}" in row["plain"]
    assert "other analyses" in row["numbers"] and "DL" in row["numbers"]


def test_each_no_result_is_checked_against_the_data(case):
    """'No result found' / 'measured, no result reported' are said only where the data have no
    result row for the outcome in the claim's studies; an outcome with result rows never is."""
    claims, ev, out = case
    ids_all = list(ev.studies.loc[ev.studies["role"] == "intervention", "study_id"])
    for _, claim in claims.iterrows():
        row = out.set_index("claim_id").loc[claim["claim_id"]]
        ids = split_list(claim["study_id"]) or ids_all
        for outcome in split_list(claim["outcome"]):
            rows = ev.summary[ev.summary["study_id"].isin(ids) & (ev.summary["outcome"] == outcome)]
            results = rows[rows["value"].notna() & (rows["statistic"] != "n")]
            says_none = f"{outcome}: {effect_claims.NO_RESULT_FOUND}" in row["numbers"]
            says_measured = f"{outcome}: {effect_claims.MEASURED}" in row["numbers"]
            if says_none:
                assert rows.empty, (claim["claim_id"], outcome)
            if says_measured:
                assert not rows.empty and results.empty, (claim["claim_id"], outcome)
            if not results.empty:
                assert not (says_none or says_measured), (claim["claim_id"], outcome)
        assert "not measured" not in row["plain"] + row["numbers"]


def test_twin_claims_get_one_category(case):
    """Claims asserting the same thing about the same studies and outcomes get the same verdict."""
    claims, _, out = case
    keys = [
        "claim_type",
        "study_id",
        "outcome",
        "scope",
        "direction",
        "asserts_meaningful",
        "asserted_value",
        "claim_year",
    ]
    merged = claims.merge(out[["claim_id", "verdict"]], on="claim_id")
    for _, grp in merged[keys + ["claim_id", "verdict"]].astype(str).groupby(keys):
        assert grp["verdict"].nunique() == 1, grp[["claim_id", "verdict"]]


def test_anxiety_measured_without_result_is_not_called_unmeasured():
    """The shipped case: the fibromyalgia claim about pain, anxiety and sleep never says anxiety
    was not measured (a study measured Beck anxiety; where the data hold no row, the ledger says
    only that no result was found)."""
    claims, ev = _evidence(ROOT)
    claim = claims[claims["outcome"].fillna("").str.contains("anxiety")]
    row = build_ledger(claim, ev).iloc[0]
    assert "not measured" not in row["plain"] and "measured it" not in row["plain"].replace(
        "measured it (without", ""
    )
    anxiety = ev.summary[ev.summary["outcome"] == "anxiety"]
    assert (f"anxiety: {effect_claims.MEASURED}" in row["numbers"]) == (
        not anxiety.empty and anxiety["value"].isna().all()
    )


def test_later_evidence_is_shown_and_does_not_decide():
    """The leg-cramp case: a 2017 sentence ('no evidence of significant benefit') is judged on the
    trials published by 2017; the 2021 trial is shown as later evidence."""
    claims, ev = _evidence(ROOT / "cases/mg_leg_cramps")
    claim = claims[
        claims["claim_year"].notna()
        & (claims["claim_type"] == "effect")
        & claims["study_id"].fillna("").str.contains(";")
    ]
    assert not claim.empty
    out = build_ledger(claim, ev)
    for (_, c), (_, r) in zip(claim.iterrows(), out.iterrows(), strict=True):
        later = [
            s
            for s in split_list(c["study_id"])
            if ev.study(s) is not None and float(ev.study(s)["year"]) > c["claim_year"]
        ]
        assert later, "the test needs a claim with a later study"
        assert "published after the claim" in r["numbers"]
        assert "not used for the verdict" in r["plain"]
        without = c.copy()
        without["study_id"] = ";".join(s for s in split_list(c["study_id"]) if s not in later)
        assert r["verdict"] == build_ledger(pd.DataFrame([without]), ev)["verdict"].iloc[0]


def test_the_migraine_frequency_claim_rests_on_prevention_outcomes_only():
    claims, _ = _evidence(ROOT)
    freq = claims[
        claims["quote"].str.contains("frequency", case=False) & (claims["claim_type"] == "effect")
    ]
    for outcomes in freq["outcome"]:
        assert not [o for o in split_list(outcomes) if "relief" in o]


def test_same_evidence_same_category_across_outcomes():
    """A significant subgroup beside a null whole sample (stress) and a significant subgroup
    with no whole-sample result (pain) are the same evidence for a claim: overstated for a
    general claim of benefit, consistent but weak for a claim about the subgroup."""
    classes = [{effect_claims.NODIFF, effect_claims.SUB_BENEFIT}, {effect_claims.SUB_BENEFIT}]
    for scope, expected in (("general", OVERSTATED), ("subgroup", WEAK)):
        got = {
            effect_claims.effect_verdict(
                [effect_claims.outcome_status(c, scope)], "benefit", scope
            ).verdict
            for c in classes
        }
        assert got == {expected}


ASSUMED = re.compile(r"(about \d+(?:\.\d+)?%|less than 1%|more than 99%|under 0\.1%|over 99\.9%)")


@pytest.mark.workflow  # reads the session's workflow run
def test_every_assumption_dependent_share_in_the_ledger_has_its_range(pipeline_run):
    """Issue 24: a share that rests on an assumption (the vote count's improvement with no effect,
    over the assumed placebo-plus-time change; the chance of a patient-noticeable difference, over
    the reference SD) stands with its range; a flat-prior figure only beside the primary one."""
    out = pd.read_csv(pipeline_run / "results/ledger.csv")
    rows = out[out["claim_type"].isin(["vote_count", "within_arm_change"])]
    assert not rows.empty
    for _, r in rows.iterrows():
        text = r["plain"]
        for m in ASSUMED.finditer(text):
            after, before = text[m.end() :], text[max(0, m.start() - 60) : m.start()]
            if text[: m.start()].rfind("(") > text[: m.start()].rfind(")"):
                continue  # an end of a range, inside its parentheses
            ranged = re.match(r" \([^)]* to [^)]*\)", after) is not None
            beside_primary = "flat prior it is" in before
            assert ranged or beside_primary, (r["claim_id"], m.group(0), text)
    vote = pd.read_csv(pipeline_run / "results/vote_count/summary.csv").iloc[0]
    plain = " ".join(rows.loc[rows["claim_type"] == "vote_count", "plain"])
    for col in (
        "p_at_least_k_if_no_effect_direction_low_nonspecific",
        "p_at_least_k_if_no_effect_direction_high_nonspecific",
    ):
        assert share(vote[col]) in plain
