"""One n per (study, subgroup, arm): solved once from every p-value of the subgroup, used by every
effect; p-values that cannot share one n are a finding (verdict flag), not hidden. References are
scipy's two-sample t-test and a brute-force least-squares fit written here."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from reanalysis.data.load import load_table
from reanalysis.effects.assumptions import Assumptions
from reanalysis.effects.build import build_effect_sizes
from reanalysis.effects.sample_sizes import sample_sizes, with_sizes

HEAD = (
    "row_id,study_id,arm,subgroup,outcome,instrument,scale_min,scale_max,lower_is_better,"
    "timepoint,statistic,value,n,reading,source,location,status,note\n"
)
# two outcomes of one subgroup, end-of-treatment means/SDs of both arms (no r involved)
ARMS = {
    "a": {"care": (10.0, 4.0), "usual": (12.5, 4.4)},
    "b": {"care": (30.0, 9.0), "usual": (35.0, 10.0)},
}


def _p_at(outcome: str, n: int) -> float:
    """Reference: scipy's pooled two-sample t-test of the fixture's means/SDs at n per arm."""
    (m1, s1), (m2, s2) = ARMS[outcome]["care"], ARMS[outcome]["usual"]
    return float(stats.ttest_ind_from_stats(m1, s1, n, m2, s2, n)[1])


def _case(tmp_path, p_a: float, p_b: float):
    rows = []
    for outcome, arms in ARMS.items():
        for arm, (m, s) in arms.items():
            rows += [
                (f"{outcome}_{arm}_m", arm, outcome, "mean", m),
                (f"{outcome}_{arm}_s", arm, outcome, "sd", s),
            ]
    rows += [
        ("a_p", "between", "a", "p_value", f"{p_a:.3f}"),
        ("b_p", "between", "b", "p_value", f"{p_b:.3f}"),
    ]
    (tmp_path / "s.csv").write_text(
        HEAD
        + "".join(
            f"{rid},trial,{arm},sg,{o},scale,0,100,true,end,{stat},{v},,primary,fixture,t1,reported,\n"
            for rid, arm, o, stat, v in rows
        )
    )
    (tmp_path / "studies.csv").write_text(
        "study_id,citation,role,design,controlled,randomized,blinded,n_total,duration_weeks,"
        "source,status\ntrial,Fixture,intervention,two groups,true,true,true,,8,fixture,reported\n"
    )
    (tmp_path / "arms.csv").write_text(
        "study_id,arm,role,description,source,status\ntrial,care,intervention,x,fixture,reported\n"
        "trial,usual,comparator,y,fixture,reported\n"
    )
    return (
        load_table("summary_stats", tmp_path / "s.csv"),
        load_table("studies", tmp_path / "studies.csv"),
        load_table("arms", tmp_path / "arms.csv"),
    )


A = Assumptions(size_ranges=(("trial", "sg", "care", 5, 200), ("trial", "sg", "usual", 5, 200)))


def _least_squares_n(p_a: float, p_b: float) -> int:
    """Reference: integer n minimising the squared gaps between the t of each reported p (2n - 2
    df) and the t of the means/SDs at n, by brute force over the range."""

    def t_means(o, n):
        (m1, s1), (m2, s2) = ARMS[o]["care"], ARMS[o]["usual"]
        return abs(m1 - m2) / np.sqrt((s1**2 + s2**2) / 2 * 2 / n)

    def loss(n):
        return sum(
            (t_means(o, n) - stats.t.isf(p / 2, 2 * n - 2)) ** 2 for o, p in (("a", p_a), ("b", p_b))
        )

    return min(range(5, 201), key=loss)


def test_p_values_that_share_an_n_give_one_n_to_every_effect(tmp_path):
    p_a, p_b = round(_p_at("a", 30), 3), round(_p_at("b", 30), 3)
    summary, studies, arms = _case(tmp_path, p_a, p_b)
    sizes = sample_sizes(summary, studies, A, arms=arms)
    assert set(sizes["n"]) == {_least_squares_n(p_a, p_b)} and abs(sizes["n"].iloc[0] - 30) <= 1
    assert (sizes["how"] == "implied").all() and (sizes["verdict"] == "ok").all()
    assert sizes["n_low"].iloc[0] <= 30 <= sizes["n_high"].iloc[0]
    assert sizes["n_low"].iloc[0] <= sizes["n"].iloc[0] <= sizes["n_high"].iloc[0]
    effects = build_effect_sizes(summary, studies, A, arms=arms)
    between = effects[effects["arm"] == "between"]
    assert len(between) == 2 and set(between["n1"]) == set(between["n2"]) == set(sizes["n"])
    # both p-values set the n: neither check may call itself a confirmation
    assert set(between["p_check"]) == {"consistent by construction"}


def test_p_values_that_cannot_share_an_n_are_a_finding(tmp_path):
    p_a, p_b = round(_p_at("a", 15), 3), round(_p_at("b", 60), 3)
    summary, studies, arms = _case(tmp_path, p_a, p_b)
    sizes = sample_sizes(summary, studies, A, arms=arms)
    assert (sizes["verdict"] == "flag").all() and sizes["n_low"].isna().all()
    assert "No n reproduces them together" in sizes["finding"].iloc[0]
    assert sizes["n"].iloc[0] == _least_squares_n(p_a, p_b)
    effects = build_effect_sizes(summary, studies, A, arms=arms)
    between = effects[effects["arm"] == "between"]
    assert between["n1"].nunique() == 1
    assert (between["p_check"] == "not reproduced").any()


def test_a_p_on_flagged_figures_is_checked_at_the_n_of_the_others(tmp_path):
    p_a, p_b = round(_p_at("a", 30), 3), round(_p_at("b", 30), 3)
    summary, studies, arms = _case(tmp_path, p_a, p_b)
    flagged = {"b_usual_s"}  # as forensics would pass an impossible SD
    sizes = sample_sizes(summary, studies, A, flagged, arms=arms)
    assert set(sizes["solved_from"]) == {"a_p"} and set(sizes["checked"]) == {"b_p"}
    effects = build_effect_sizes(summary, studies, A, flagged, arms=arms).set_index("outcome")
    b = effects[effects["arm"] == "between"].loc["b"]
    # n came from a's p alone, so b's p is a real check: it can pass ...
    assert b["p_check"] == "reproduced" and b["n1"] == sizes["n"].iloc[0]
    # ... and fail, which the sizes table reports as a finding
    summary2, _, _ = _case(tmp_path, p_a, round(_p_at("b", 60), 3))
    sizes2 = sample_sizes(summary2, studies, A, flagged, arms=arms)
    assert (sizes2["verdict"] == "flag").all() and "b" in sizes2["finding"].iloc[0]
    e2 = build_effect_sizes(summary2, studies, A, flagged, arms=arms).set_index("outcome")
    assert e2[e2["arm"] == "between"].loc["b", "p_check"] == "not reproduced"


def test_the_simulation_reads_the_n_of_the_sizes_table():
    a = Assumptions(
        sample_sizes=(
            ("s", "all", "x", 40),
            ("s", "all", "y", 40),
            ("s", "sub", "x", 20),
            ("s", "sub", "y", 20),
        )
    )
    sizes = pd.DataFrame(
        {
            "study_id": ["s"] * 4,
            "subgroup": ["all", "all", "sub", "sub"],
            "arm": ["x", "y", "x", "y"],
            "n": [41, 41, 22, 22],
        }
    )
    assert with_sizes(a, sizes).subgroup_sizes("s", "sub") == (22, 19)
    assert a.subgroup_sizes("s", "sub") == (20, 20)


@pytest.mark.workflow
def test_one_n_per_study_subgroup_and_arm_across_all_outputs(pipeline_run):
    """effect_sizes.csv, sample_sizes.csv, the simulation tables and the shrinkage table (the
    ledger quotes its g) give each (study, subgroup, arm) one n."""
    res = pipeline_run / "results"
    effects = pd.read_csv(res / "effect_sizes.csv")
    arms = pd.read_csv(pipeline_run / "data/arms.csv")
    role = {(s, a): r for s, a, r in zip(arms["study_id"], arms["arm"], arms["role"], strict=True)}
    seen: dict[tuple, set] = {}

    def note(study, subgroup, arm, n):
        if pd.notna(n):
            seen.setdefault((study, subgroup, arm), set()).add(int(n))

    for e in effects.itertuples():
        if e.arm == "between":
            for arm, r in role.items():
                if arm[0] == e.study_id and r in ("intervention", "comparator"):
                    note(e.study_id, e.subgroup, arm[1], e.n1 if r == "intervention" else e.n2)
        else:
            note(e.study_id, e.subgroup, e.arm, e.n1)
    sizes = pd.read_csv(res / "sample_sizes.csv")
    for s in sizes.itertuples():
        note(s.study_id, s.subgroup, s.arm, s.n)
    sim = pipeline_run / "results/simulation"
    if sim.exists():
        import yaml

        cfg = yaml.safe_load((pipeline_run / "config/config.yaml").read_text())
        sg = cfg["subgroup_simulation"]
        study, sub = sg["study_id"], sg["subgroup"]
        arm = next(a for (s, a), r in role.items() if s == study and r == "intervention")
        shrink = pd.read_csv(sim / "subgroup_shrinkage.csv")
        power = pd.read_csv(sim / "subgroup_power.csv")
        note(study, sub, arm, *shrink["n_per_arm_sub"].unique())
        note(study, sub, arm, *power["n_per_arm_subgroup"].unique())
        for f in sim.glob("subgroup_*.csv"):
            t = pd.read_csv(f)
            if "metric" in t.columns:
                n_sub = t.loc[t["metric"] == "n_per_arm_subgroup", "value"]
                n_comp = t.loc[t["metric"] == "n_per_arm_complement", "value"]
                if len(n_sub):
                    note(study, sub, arm, *n_sub.unique())
                    whole = sizes[
                        (sizes["study_id"] == study)
                        & (sizes["subgroup"] == "all")
                        & (sizes["arm"] == arm)
                    ]["n"]
                    assert int(n_comp.iloc[0]) == int(whole.iloc[0]) - int(n_sub.iloc[0])
    several = {k: v for k, v in seen.items() if len(v) > 1}
    assert not several, f"more than one n for one study, subgroup and arm: {several}"


@pytest.mark.workflow
def test_one_sd_bound_per_cell_quoted_identically(pipeline_run):
    """The Bhatia-Davis bound of a flagged SD is computed once (forensics.csv ``bound``) and every
    output that quotes it (the check's detail, the overview, the ledger) prints that value."""
    import html
    import re

    res = pipeline_run / "results"
    checks = pd.read_csv(res / "forensics.csv")
    sd = checks[checks["check"] == "sd_possible"]
    assert sd["bound"].notna().all()
    overview = html.unescape((res / "overview.html").read_text())
    ledger = pd.read_csv(res / "ledger.csv")
    bounds = {f"{b:.2f}" for b in sd["bound"]}
    for r in sd[sd["verdict"] == "flag"].itertuples():
        shown = f"{r.bound:.2f}"
        assert shown in r.detail and shown in overview
        # no other figure is offered as that cell's maximum anywhere
        assert set(re.findall(r"maximum (\d+\.\d+)", r.detail)) == {shown}
        quoting = ledger[
            ledger["numbers"].fillna("").str.contains(r.row_id, regex=False)
            | ledger["numbers"].fillna("").str.contains(f"SD {r.value:g} ", regex=False)
        ]
        for text in quoting["numbers"]:
            assert shown in text and set(re.findall(r"maximum (\d+\.\d+)", text)) <= bounds
