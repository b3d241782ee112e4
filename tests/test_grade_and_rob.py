"""GRADE certainty rule, summary-of-findings wording, and the validators of the report's data
files (data/grade.csv, data/rob.csv, data/adverse_events.csv)."""

import pandas as pd
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from reanalysis.appraisal import grade, risk_of_bias, study_characteristics
from reanalysis.data.errors import DataValidationError
from reanalysis.data.load import load_table
from reanalysis.report.summary_of_findings import direction, plain_statement


# GRADE Handbook 5 (Schünemann 2013): RCTs start high, observational studies low; one level per
# serious concern, two per very serious; never below very low.
@pytest.mark.parametrize(
    "evidence, downgrades, expected",
    [
        ("randomised", [0, 0, 0, 0, 0], "high"),
        ("randomised", [1, 0, 0, 0, 0], "moderate"),
        ("randomised", [1, 0, 0, 1, 0], "low"),  # serious risk of bias + imprecision
        ("randomised", [2, 0, 1, 0, 0], "very low"),
        ("randomised", [2, 0, 1, 2, 1], "very low"),  # floor
        ("non-randomised", [0, 0, 0, 0, 0], "low"),
        ("non-randomised", [1, 0, 0, 0, 0], "very low"),
        ("non-randomised", [2, 2, 2, 2, 2], "very low"),
    ],
)
def test_certainty_rule(evidence, downgrades, expected):
    assert grade.LEVELS[grade.certainty(evidence, downgrades)] == expected


@given(
    st.sampled_from(["randomised", "non-randomised"]),
    st.lists(st.integers(0, 2), min_size=5, max_size=5),
    st.integers(0, 4),
)
def test_certainty_never_rises_with_a_downgrade(evidence, downgrades, i):
    level = grade.certainty(evidence, downgrades)
    assert 1 <= level <= grade.START[evidence]
    more = list(downgrades)
    more[i % 5] = min(2, more[i % 5] + 1)
    assert grade.certainty(evidence, more) <= level


def test_certainty_rejects_unknown_design():
    with pytest.raises(ValueError, match="evidence"):
        grade.certainty("case report", [0])


# Santesso et al. 2020 (J Clin Epidemiol 119:126), table 2 wording.
@pytest.mark.parametrize(
    "level, how, expected",
    [
        (4, "benefit", "Magnesium improves pain."),
        (3, "benefit", "Magnesium probably improves pain."),
        (2, "little", "Magnesium may make little or no difference to pain."),
        (3, "little", "Magnesium probably makes little or no difference to pain."),
        (1, "benefit", "The evidence is very uncertain about the effect of magnesium on pain."),
    ],
)
def test_plain_language_statements(level, how, expected):
    assert plain_statement(level, how, "magnesium", "pain") == expected


def test_direction_uses_the_mcid_then_smd():
    row = pd.Series({"md": 0.9, "yi": 0.66})
    assert direction(row, 2.0) == "little"  # 0.9 < 2-point MCID
    assert direction(row, None) == "benefit"  # SMD 0.66 > 0.2
    assert direction(pd.Series({"md": float("nan"), "yi": -0.5}), None) == "harm"
    assert direction(None, 2.0) == "unknown"


def _grade_rows(**change):
    rows = [
        {
            "outcome": "pain",
            "domain": d,
            "downgrade": 0,
            "rationale": "why",
            "source": "src",
            "status": "reported",
        }
        for d in grade.DOMAINS
    ]
    rows[0].update(change)
    return pd.DataFrame(rows)


def test_grade_validator_names_line_and_field():
    with pytest.raises(DataValidationError) as err:
        grade.validate_grade(_grade_rows(downgrade=3, status="guess"), "data/grade.csv", ["pain"])
    text = str(err.value)
    assert "data/grade.csv" in text and "line 2" in text
    assert "field 'downgrade'" in text and "field 'status'" in text


def test_grade_validator_requires_every_domain():
    df = _grade_rows().iloc[1:].reset_index(drop=True)
    with pytest.raises(DataValidationError, match="risk_of_bias"):
        grade.validate_grade(df, "data/grade.csv", ["pain"])


def test_rob_overall_cannot_be_milder_than_worst_domain():
    rows = [
        {
            "study_id": "s1",
            "result": "r",
            "domain": d,
            "judgement": "low",
            "support": "x",
            "source": "y",
            "status": "reported",
        }
        for d in risk_of_bias.DOMAINS + ["overall"]
    ]
    rows[4]["judgement"] = "high"
    with pytest.raises(DataValidationError, match="less severe than the worst domain"):
        risk_of_bias.validate_rob(pd.DataFrame(rows), "data/rob.csv", ["s1"])
    rows[5]["judgement"] = "high"
    risk_of_bias.validate_rob(pd.DataFrame(rows), "data/rob.csv", ["s1"])
    assert risk_of_bias.overall_floor(["low", "some concerns", "no information"]) == "some concerns"


def test_adverse_event_validator():
    df = pd.DataFrame(
        [
            {
                "study_id": "s1",
                "arm": "all",
                "measure": "did not complete",
                "events": 5,
                "total": 4,
                "proportion": None,
                "text": "t",
                "source": "s",
                "location": "l",
                "status": "derived",
            }
        ]
    )
    with pytest.raises(DataValidationError, match="line 2.*field 'events'"):
        study_characteristics.validate_adverse_events(df, "data/adverse_events.csv", ["s1"])


def test_study_label():
    label = study_characteristics.study_label
    assert label("Macian N, Duale C. Nutrients 2022;14", year=2022.0) == "Macian 2022"
    assert label("Engen DJ et al. J Integr Med 2015;13", year=2015) == "Engen 2015"
    assert label("Turan Y et al. Meandros", year=float("nan")) == "Turan (year not reported)"
    # the year is the study's (studies.csv year), never a year of the citation, which may be
    # that of a review summarising it (cases/normand1999 printed '... stroke care 1999')
    assert label("Umea trial, as summarised in Normand SLT. Stat Med 1999") == (
        "Umea trial (year not reported)"
    )
    assert label("Umea trial, as in Normand 1999", label="Umea (Normand 1999)") == (
        "Umea (Normand 1999)"
    )


def test_every_shipped_study_reads_well(root):
    """Every study of every shipped case is named by its label, or author and year, or author
    and '(year not reported)': no 'year not found', no year borrowed from a citation."""
    for path in [root / "data/studies.csv", *sorted(root.glob("cases/*/data/studies.csv"))]:
        studies = load_table("studies", path)
        names = study_characteristics.labels(studies)
        for _, r in studies.iterrows():
            name = names[r["study_id"]]
            assert "not found" not in name, (path, name)
            if not (isinstance(r["label"], str) and r["label"]):
                year = f"{int(r['year'])}" if pd.notna(r["year"]) else "(year not reported)"
                assert name.endswith(year), (path, name)


def test_the_project_report_data_validate(root):
    cfg = yaml.safe_load((root / "config/config.yaml").read_text())
    files = {k: root / v for k, v in cfg["report"]["files"].items()}
    studies = pd.read_csv(root / cfg["data"]["studies"])["study_id"]
    outcomes = [s["outcome"] for s in cfg["report"]["summary_of_findings"]]
    grade.validate_grade(pd.read_csv(files["grade"]), files["grade"], outcomes)
    risk_of_bias.validate_rob(pd.read_csv(files["rob"]), files["rob"], studies)
    study_characteristics.validate_adverse_events(
        pd.read_csv(files["adverse_events"]), files["adverse_events"], studies
    )
    study_characteristics.validate_safety(pd.read_csv(files["safety"]), files["safety"])


def test_randomised_rows_need_between_arm_effects():
    from reanalysis.report.summary_of_findings import summary_of_findings

    effects = pd.DataFrame(
        [
            {
                "es_id": "x",
                "study_id": "s1",
                "subgroup": "all",
                "outcome": "pain",
                "instrument": "VAS",
                "estimand": "within_change",
                "arm": "active",
                "md": float("nan"),
                "md_var": float("nan"),
                "yi": 0.5,
                "vi": 0.1,
                "n1": 20,
                "n2": float("nan"),
                "assumptions": "",
                "n_source": "reported",
                "p_threshold_used": float("nan"),
                "forensic_flags": "",
            }
        ]
    )
    arms = pd.DataFrame({"study_id": ["s1"], "arm": ["active"], "role": ["intervention"]})
    spec = {
        "outcome": "pain",
        "label": "Pain",
        "effect_outcomes": ["pain"],
        "estimands": ["within_change"],
        "subgroups": ["all"],
        "evidence": "randomised",
    }
    cert = grade.certainty_table(_grade_rows(), {"pain": "randomised"})
    with pytest.raises(ValueError, match="within-arm"):
        summary_of_findings(
            [spec],
            effects,
            pd.DataFrame(),
            pd.DataFrame(),
            cert,
            arms,
            {},
            {},
            0.95,
            "drug",
            "placebo",
            {},
        )


def test_effect_in_points_uses_the_mean_difference_and_its_variance():
    from reanalysis.report.summary_of_findings import effect_text, patients_text

    row = pd.Series(
        {
            "study_id": "s1",
            "subgroup": "sub",
            "md": 0.9,
            "md_var": 0.346,
            "yi": 0.66,
            "vi": 0.19,
            "arm": "between",
            "instrument": "BPI",
            "assumptions": "",
            "n_source": "reported",
            "p_threshold_used": float("nan"),
        }
    )
    # 0.9 ± 1.959964 · sqrt(0.346) = (-0.253, 2.053)
    text = effect_text(row, "Alpha 2022", 0.95, "drug", "dummy", {"sub": "a subgroup"})
    assert "0.9 points better with drug than dummy (95% CI -0.3 to +2.1" in text
    assert text.endswith("BPI, a subgroup")
    other = row.copy()
    other["md"], other["md_var"], other["subgroup"] = -0.2, 10.44, "all"
    worse = effect_text(other, "A", 0.95, "drug", "dummy", {})
    assert "0.2 points worse" in worse and "-6.5 to +6.1" in worse  # -0.2 ± 1.96·3.231
    with_df = row.copy()
    with_df["md_df"] = 10.0  # a single difference with df: the t interval, as the effect table's
    # 0.9 ± 2.228139 · sqrt(0.346) = (-0.411, 2.211); t_{0.975, 10} = 2.228139 (textbook table)
    assert "(95% CI -0.4 to +2.2" in effect_text(with_df, "A", 0.95, "drug", "dummy", {})
    r = pd.Series({"n_studies": 1, "n_patients": 20.0, "n_assumed": True, "n_unknown": 0})
    assert patients_text(r) == (
        "1 study, 20 patients (per-arm numbers not reported: assumed or worked back from the p-value)"
    )


def test_an_n_implied_by_a_reported_p_is_not_a_reported_n():
    """Read from the typed ``n_source`` (a missing value, as an empty cell reads back, is no n)."""
    from reanalysis.effects.notes import assumed_n
    from reanalysis.report.summary_of_findings import _n

    assert assumed_n({"n_source": "implied"}) and assumed_n({"n_source": "assumed"})
    assert not assumed_n({"n_source": "reported"}) and not assumed_n({"n_source": float("nan")})
    row = pd.Series({"patients": 44.0, "n_source": "implied", "assumptions": ""})
    assert _n(row) == (44.0, True)
    assert _n(row.replace({"implied": "reported"})) == (44.0, False)


def test_a_subgroup_estimate_says_it_is_a_subgroup():
    from reanalysis.report.summary_of_findings import mcid_clause

    row = pd.Series({"md": 0.9, "subgroup": "mild"})
    text = mcid_clause(row, 2.0, {"mild": "mild subgroup"})
    assert "in the mild subgroup only" in text and "below" in text
    assert "only" not in mcid_clause(pd.Series({"md": 0.9, "subgroup": "all"}), 2.0)


def test_a_difference_is_given_in_its_instruments_unit():
    """Points for a listed scale, the listed unit where instruments.csv gives one, and no unit
    word for an instrument the case does not describe (a count is not in points)."""
    from reanalysis.effects.notes import md_unit
    from reanalysis.report.summary_of_findings import effect_text, mcid_clause

    instruments = pd.DataFrame({"instrument": ["BPI", "diary"], "unit": [None, "cramps per week"]})
    assert md_unit("BPI", instruments) == "points"
    assert md_unit("diary", instruments) == "cramps per week"
    assert md_unit("NLC episodes", instruments) == ""
    assert md_unit("BPI", instruments.drop(columns="unit")) == "points"
    row = pd.Series(
        {
            "study_id": "s1",
            "subgroup": "all",
            "md": 0.8,
            "md_var": 0.09,
            "md_df": 50.0,
            "yi": 0.3,
            "vi": 0.04,
            "arm": "between",
            "instrument": "NLC episodes",
            "assumptions": "",
            "n_source": "reported",
            "p_threshold_used": float("nan"),
        }
    )
    text = effect_text(row, "B", 0.95, "drug", "dummy", {}, unit=md_unit("NLC episodes", instruments))
    assert text.startswith("B: 0.8 better with drug than dummy (95% CI") and "points" not in text
    assert mcid_clause(row, 1.0, None, "cramps per week") == (
        " The estimated difference (0.8 cramps per week) is below the smallest difference "
        "patients notice (1 cramps per week)."
    )
