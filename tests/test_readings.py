"""Ambiguous reports as named readings: both readings are rows with sources, the primary one says
it is an inference, the other reading changes what it should (n, effects, verdicts), and the
sensitivity table and the ledger show it."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from reanalysis.checks import forensics
from reanalysis.config import load_config
from reanalysis.data.load import load_table
from reanalysis.data.tables import select_readings
from reanalysis.effects.assumptions import Assumptions
from reanalysis.effects.build import build_effect_sizes
from reanalysis.effects.sample_sizes import sample_sizes
from reanalysis.ledger import readings


@pytest.fixture(scope="module")
def data(root):
    cfg = load_config(root / "config/config.yaml")
    summary = load_table("summary_stats", root / "data/summary_stats.csv")
    studies = load_table("studies", root / "data/studies.csv")
    arms = load_table("arms", root / "data/arms.csv")
    ranges = load_table("score_ranges", root / "data/score_ranges.csv")
    flagged = {r["row_id"] for r in forensics.sd_checks(summary, ranges, cfg) if r["verdict"] == "flag"}
    return cfg, summary, studies, arms, flagged


def test_every_ambiguous_report_has_both_readings_with_sources(data):
    cfg, summary, *_ = data
    pairs = readings.alternatives(cfg)
    assert pairs
    for row_id, reading in pairs:
        primary = summary[summary["row_id"] == row_id].iloc[0]
        cell = (
            summary[["study_id", "subgroup", "outcome"]] == primary[["study_id", "subgroup", "outcome"]]
        ).all(axis=1)
        other = summary[cell & (summary["reading"] == reading)]
        assert primary["reading"] == "primary" and len(other) >= 1
        assert other["source"].str.len().gt(0).all() and other["location"].str.len().gt(0).all()
        # a reading that names another analysis (arm, timepoint or statistic) is an inference,
        # and so is the primary reading it competes with
        key = ["arm", "timepoint", "statistic"]
        if not (other[key] == primary[key]).all(axis=1).any():
            assert primary["status"] == "inference" and (other["status"] == "inference").all()


def test_the_other_reading_swaps_rows_of_another_arm_and_statistic(data):
    cfg, summary, *_ = data
    row_id, reading = next(
        (r, x)
        for r, x in readings.alternatives(cfg)
        if summary.loc[summary["row_id"] == r, "arm"].iloc[0] == "between"
    )
    default = select_readings(summary, {})
    other = select_readings(summary, {row_id: reading})
    assert row_id in set(default["row_id"]) and row_id not in set(other["row_id"])
    added = set(other["row_id"]) - set(default["row_id"])
    assert added and (summary.set_index("row_id").loc[list(added), "reading"] == reading).all()
    assert len(other) == len(default) - 1 + len(added)


def test_within_arm_reading_solves_n_from_the_paired_test(data):
    """Under the within-arm reading the subgroup's n comes from the paired p: the n at which a
    paired t-test (n - 1 df) of the arm's change (SD from baseline/end SDs and r) gives p."""
    cfg, summary, studies, arms, flagged = data
    row_id, reading = next(
        (r, x)
        for r, x in readings.alternatives(cfg)
        if summary.loc[summary["row_id"] == r, "arm"].iloc[0] == "between"
    )
    other = select_readings(summary, {row_id: reading})
    within = other[other["reading"] == reading].iloc[0]
    arm, cell = (
        within["arm"],
        other[
            (other["study_id"] == within["study_id"])
            & (other["subgroup"] == within["subgroup"])
            & (other["outcome"] == within["outcome"])
        ],
    )

    def get(tp, stat):
        return float(
            cell[(cell["arm"] == arm) & (cell["timepoint"] == tp) & (cell["statistic"] == stat)][
                "value"
            ].iloc[0]
        )

    a = Assumptions.from_config(cfg)
    change = get("end", "mean") - get("baseline", "mean")
    sd = np.sqrt(
        get("baseline", "sd") ** 2
        + get("end", "sd") ** 2
        - 2 * a.r * get("baseline", "sd") * get("end", "sd")
    )

    def gap(n):  # scipy's paired t at n vs the t the reported p gives
        return abs(change) / (sd / np.sqrt(n)) - stats.t.isf(within["value"] / 2, n - 1)

    sizes = sample_sizes(other, studies, a, flagged, arms=arms)
    mine = sizes[(sizes["subgroup"] == within["subgroup"]) & (sizes["arm"] == arm)].iloc[0]
    n = int(mine["n"])
    assert mine["solved_from"] == within["row_id"]
    assert abs(gap(n)) <= min(abs(gap(n - 1)), abs(gap(n + 1)))
    default = sample_sizes(select_readings(summary, {}), studies, a, flagged, arms=arms)
    assert n != int(
        default[(default["subgroup"] == within["subgroup"]) & (default["arm"] == arm)]["n"].iloc[0]
    )
    effects = build_effect_sizes(other, studies, a, flagged, arms=arms)
    w = effects[
        (effects["estimand"] == "within_change")
        & (effects["arm"] == arm)
        & (effects["outcome"] == within["outcome"])
        & (effects["subgroup"] == within["subgroup"])
    ].iloc[0]
    assert within["row_id"] in w["source_rows"].split()
    assert w["p_check"] == "consistent by construction" and w["n1"] == n
    # every effect of that subgroup uses the same n
    sub = effects[
        (effects["study_id"] == within["study_id"]) & (effects["subgroup"] == within["subgroup"])
    ]
    assert set(sub["n1"].dropna()) == {n}


def test_other_verdicts_are_typed_columns():
    ledger = pd.DataFrame(
        {"claim_id": ["a", "b", "c"], "verdict": ["supported", "overstated", "overstated"]}
    )
    others = {
        "r1:x": pd.Series(["supported", "contradicted", "overstated"]),
        "r2:y": pd.Series(["overstated", "supported", "overstated"]),
    }
    out = readings.add_other_verdicts(ledger, others)
    assert list(out["verdict_other_reading"]) == ["overstated", "contradicted", ""]
    assert list(out["other_reading"]) == ["r2:y", "r1:x", ""]


@pytest.mark.workflow
def test_sensitivity_pools_under_each_other_reading(data, pipeline_run):
    """pooling.sensitivity as the session's run wrote it (results/sensitivity.csv, the shipped
    data with its reading overrides, {}): a row set for each other reading, and a reading that
    moves a pooled estimate."""
    cfg = data[0]
    assert not cfg["reading_overrides"]
    table = pd.read_csv(pipeline_run / "results/sensitivity.csv")
    at = table[table["assumption"] == "reading"]
    assert set(at["assumption_value"]) == {readings.name(r, x) for r, x in readings.alternatives(cfg)}
    default = table[table["assumption"] == "default"].set_index("set")["mu"]
    moved = at.set_index(["assumption_value", "set"])["mu"]
    assert any(not np.isclose(moved[v, s], default[s]) for v, s in moved.index)


@pytest.mark.workflow
def test_ledger_and_overview_show_the_verdicts_that_flip(pipeline_run):
    res = pipeline_run / "results"
    ledger = pd.read_csv(res / "ledger.csv", keep_default_na=False)
    assert {"verdict_other_reading", "other_reading"} <= set(ledger.columns)
    flips = ledger[ledger["other_reading"] != ""]
    assert (flips["verdict_other_reading"] != flips["verdict"]).all()
    from reanalysis.ledger.verdicts import VERDICTS

    assert set(flips["verdict_other_reading"]) <= set(VERDICTS)
    overview = (res / "overview.html").read_text()
    assert overview.count("can be read another way") == len(flips)
    sens = pd.read_csv(res / "sensitivity.csv")
    assert (sens["assumption"] == "reading").any()
