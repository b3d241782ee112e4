"""End to end: the workflow's evidence tables (reported figures first, nothing dropped silently)."""

import pandas as pd
import pytest

pytestmark = pytest.mark.workflow


def test_reported_p_values_are_reproduced_and_nothing_is_dropped(pipeline_run):
    res = pipeline_run / "results"
    effects = pd.read_csv(res / "effect_sizes.csv").set_index("es_id")
    pain = effects.loc["macian2022.mild_moderate.pain.between_change.between"]
    # its n was solved from this p: never called 'reproduced'
    assert pain["p_check"] == "consistent by construction" and pain["p_reported"] == 0.029
    assert pain["p_n_low"] < pain["n1"] < pain["p_n_high"]
    assert 0 < pain["md_ci_low"] < pain["md"] < pain["md_ci_high"]
    checked = effects[effects["p_reported"].notna()]
    assert len(checked) and checked["p_check"].notna().all()
    assert set(checked["p_check"]) <= {"reproduced", "consistent by construction", "not reproduced"}
    # a p that set its subgroup's n (sample_sizes.csv solved_from) is never 'reproduced'
    sizes = pd.read_csv(res / "sample_sizes.csv")
    setting = set(" ".join(sizes["solved_from"].fillna("")).split())
    assert setting
    own = checked["source_rows"].str.split().map(lambda rows: bool(set(rows) & setting))
    assert own.any() and (checked.loc[own, "p_check"] != "reproduced").all()
    implied = pd.read_csv(res / "implied_assumptions.csv")
    assert {"mac_pain_mm_between_p", "mac_str_mm_between_p"} <= set(implied["row_id"])
    summary = pd.read_csv(pipeline_run / "data/summary_stats.csv")
    unused = pd.read_csv(res / "estimability.csv")
    used = set(" ".join(effects.loc[effects["yi"].notna(), "source_rows"]).split())
    assert set(summary["row_id"]) == used | set(unused["row_id"])
    pooled = pd.read_csv(res / "meta_frequentist.csv")
    single = pooled[pooled["status"] == "single study, not pooled"]
    assert (single["k"] == 1).all() and single["set"].is_unique
    assert (pooled.loc[pooled["k"] == 1, "status"] == "single study, not pooled").all()
    for f in ("tables/estimability.html", "tables/implied_assumptions.html"):
        assert (res / f).stat().st_size > 0
