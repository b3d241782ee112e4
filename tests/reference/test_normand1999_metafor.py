"""Normand 1999 (metafor's dat.normand1999: nine trials, length of hospital stay in days,
specialist vs routine care): the shipped case cases/normand1999 through the functions the pipeline
calls (effects.build.build_effect_sizes -> pooling.pool_sets -> meta_frequentist.fit_random_effects)
against metafor 3.8.1, read from validation/metafor/normand1999.json (regenerate with the R script
beside it). metafor's effects are specialist minus routine; a shorter stay is better, so ours are
their negatives.

The same trials reported in other shapes (MD + 95% CI only, SE-only arms, means + exact p, MD + SE,
MD + t) must land in effect_sizes and give the same pooled mean difference within the rounding of
the figures so reported."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from reanalysis.config import load_config
from reanalysis.data.load import load_table
from reanalysis.effects.assumptions import Assumptions
from reanalysis.effects.build import build_effect_sizes
from reanalysis.effects.estimability import estimability
from reanalysis.meta.pooling import pool_sets

ROOT = Path(__file__).resolve().parents[2]
CASE = ROOT / "cases/normand1999"
REF = json.loads((ROOT / "validation/metafor/normand1999.json").read_text())
FIELDS = [
    "mu",
    "se",
    "ci_low",
    "ci_high",
    "pval",
    "tau2",
    "tau2_ci_low",
    "tau2_ci_high",
    "i2",
    "i2_ci_low",
    "i2_ci_high",
    "q",
    "pi_low",
    "pi_high",
]
FLIP = {"ci_low": "ci_high", "ci_high": "ci_low", "pi_low": "pi_high", "pi_high": "pi_low"}
SIGNED = {"mu", "ci_low", "ci_high", "pi_low", "pi_high"}
SETS = {"controlled_md": "MD_LS", "controlled_smd": "SMD_LS2", "controlled_rom": "ROM"}


def _tables(summary_path=CASE / "data/summary_stats.csv"):
    return (
        load_table("summary_stats", summary_path),
        load_table("studies", CASE / "data/studies.csv"),
        load_table("arms", CASE / "data/arms.csv"),
    )


@pytest.fixture(scope="module")
def cfg():
    return load_config(CASE / "config/config.yaml")


@pytest.fixture(scope="module")
def effects(cfg):
    summary, studies, arms = _tables()
    return build_effect_sizes(summary, studies, Assumptions.from_config(cfg), arms=arms)


def _ours(effects, cfg, method, knha):
    meta = cfg["meta_analysis"] | {"methods": [method], "knha": knha}
    return pool_sets(effects, meta).set_index("set")


def test_case_is_the_published_dataset(effects):
    d = REF["data"]
    between = effects[effects["arm"] == "between"].set_index("study_id").loc[_study_ids()]
    assert list(between["n1"]) == d["n1i"] and list(between["n2"]) == d["n2i"]
    # every trial's end-of-stay means, SDs and n are in the case, as in metafor's data frame
    summary = _tables()[0]
    for key, stat, arm in (
        ("m1i", "mean", "stroke_unit"),
        ("sd1i", "sd", "stroke_unit"),
        ("n1i", "n", "stroke_unit"),
        ("m2i", "mean", "routine_care"),
        ("sd2i", "sd", "routine_care"),
        ("n2i", "n", "routine_care"),
    ):
        got = summary[(summary["statistic"] == stat) & (summary["arm"] == arm)]["value"]
        assert sorted(got.astype(float)) == sorted(float(v) for v in d[key])


@pytest.mark.parametrize("set_name", list(SETS))
def test_effect_sizes_match_escalc(effects, set_name):
    ref = REF[SETS[set_name]]
    y, v = {
        "controlled_md": ("md", "md_var"),
        "controlled_smd": ("yi", "vi"),
        "controlled_rom": ("rom", "rom_var"),
    }[set_name]
    between = effects[effects["arm"] == "between"]
    order = [between.index[between["study_id"] == s][0] for s in _study_ids()]
    assert between.loc[order, y].to_numpy() == pytest.approx(-np.array(ref["yi"]), abs=1e-9)
    assert between.loc[order, v].to_numpy() == pytest.approx(np.array(ref["vi"]), rel=1e-9)
    assert set(between["md_vtype"]) == {"LS"} and set(between["vtype"]) == {"LS2"}


def _study_ids():
    studies = pd.read_csv(CASE / "data/studies.csv")
    return list(studies["study_id"])  # in dat.normand1999's row order (identifier column)


@pytest.mark.parametrize("set_name", list(SETS))
@pytest.mark.parametrize(
    ("method", "knha", "test"),
    [("REML", False, "z"), ("REML", True, "adhoc"), ("DL", False, "z"), ("DL", True, "adhoc")],
)
def test_pooled_estimates_match_rma(effects, cfg, set_name, method, knha, test):
    ref = REF[SETS[set_name]][f"{method}_{test}"]
    row = _ours(effects, cfg, method, knha).loc[set_name]
    assert row["k"] == 9 and row["status"] == "pooled"
    for f in FIELDS:
        if f in ("pval",) or f not in row.index:
            continue
        expected = -ref[FLIP.get(f, f)] if f in SIGNED else ref[f]
        assert row[f] == pytest.approx(expected, rel=1e-6, abs=1e-6), f
    assert row["pval"] == pytest.approx(ref["pval"], rel=1e-6, abs=1e-9)


def test_tables_name_the_measure_and_vtype(effects, cfg):
    pooled = _ours(effects, cfg, "REML", True)
    assert pooled.loc["controlled_md", ["measure", "vtype", "instrument"]].tolist() == [
        "MD",
        "LS",
        "length of hospital stay",
    ]
    assert pooled.loc["controlled_smd", ["measure", "vtype"]].tolist() == ["SMD", "LS2"]
    assert pooled.loc["controlled_rom", "measure"] == "ROM"


# --- the same trials in other reporting shapes ----------------------------------------------------
def _reshape(summary: pd.DataFrame) -> pd.DataFrame:
    """Rewrite some trials as a source might have reported them, every figure rounded as printed:
    MD + 95% CI only (t on n1 + n2 - 2 df, metafor's LS SE), MD + SE, MD + t, arms with SEs instead
    of SDs, means + exact two-sided p (no SDs). Each keeps the arms' n rows."""
    d = REF["data"]
    ids = _study_ids()
    out = []
    for i, sid in enumerate(ids):
        rows = summary[summary["study_id"] == sid]
        n1, n2 = d["n1i"][i], d["n2i"][i]
        md = d["m1i"][i] - d["m2i"][i]
        se = np.sqrt(d["sd1i"][i] ** 2 / n1 + d["sd2i"][i] ** 2 / n2)
        df = n1 + n2 - 2
        shape = ["ci", "ci", "ci", "se_arms", "se_arms", "se_arms", "p", "t", "se_md"][i]
        keep = rows[rows["statistic"] == "n"]
        template = rows.iloc[0]

        def between(stat, value, t=template, sid=sid):
            r = t.copy()
            r["arm"], r["statistic"], r["value"], r["n"] = "between", stat, value, np.nan
            r["row_id"], r["value_decimals"] = f"{sid}_b_{stat}", np.nan
            return r

        if shape == "ci":
            q = stats.t.ppf(0.975, df)
            new = [
                between("estimate", float(md)),
                between("ci_low", round(md - q * se, 3)),
                between("ci_high", round(md + q * se, 3)),
            ]
        elif shape == "t":
            new = [between("estimate", float(md)), between("t", round(md / se, 4))]
        elif shape == "se_md":
            new = [between("estimate", float(md)), between("se", round(se, 4))]
        elif shape == "p":
            p = float(f"{2 * stats.t.sf(abs(md) / se, df):.4g}")
            new = [*(r for _, r in rows[rows["statistic"] == "mean"].iterrows()), between("p_value", p)]
        else:
            new = [r for _, r in rows[rows["statistic"] == "mean"].iterrows()]
            for _, r in rows[rows["statistic"] == "sd"].iterrows():
                r = r.copy()
                r["statistic"], r["row_id"] = "se", r["row_id"].replace("_sd", "_se")
                r["value"] = round(float(r["value"]) / np.sqrt(float(r["n"])), 4)
                new.append(r)
        out += [*(r for _, r in keep.iterrows()), *new]
    return pd.DataFrame(out).reset_index(drop=True)


def test_every_shape_lands_in_effect_sizes_and_pools_the_same_md(tmp_path, cfg, effects):
    summary, studies, arms = _tables()
    reshaped = _reshape(summary).drop(columns=["value_decimals"])
    path = tmp_path / "summary_stats.csv"
    reshaped.to_csv(path, index=False)
    loaded = load_table("summary_stats", path)  # the reshaped table passes validation
    e = build_effect_sizes(loaded, studies, Assumptions.from_config(cfg), arms=arms)
    between = e[e["arm"] == "between"]
    assert len(between) == 9 and between["md"].notna().all() and between["yi"].notna().all()
    assert sorted(set(between["md_vtype"])) == [
        "LS",
        "reported ci",
        "reported p_value",
        "reported se",
        "reported t",
    ]
    # every input row is used or listed with a reason; the arms' n rows are used, not "unused"
    table = estimability(loaded, loaded, e, arms, studies)
    assert table.empty, table[["row_id", "reason"]].to_string()
    ours = _ours(e, cfg, "REML", True).loc["controlled_md"]
    ref = REF["MD_LS"]["REML_adhoc"]
    assert ours["mu"] == pytest.approx(-ref["mu"], abs=2e-3)
    assert ours["tau2"] == pytest.approx(ref["tau2"], rel=1e-4)
    assert (ours["ci_low"], ours["ci_high"]) == pytest.approx(
        (-ref["ci_high"], -ref["ci_low"]), abs=5e-3
    )
    # the mean difference of each trial is the reported one whatever the shape
    base = effects[effects["arm"] == "between"].set_index("study_id")["md"]
    assert between.set_index("study_id")["md"].to_dict() == pytest.approx(base.to_dict())


@pytest.mark.slow
def test_case_runs_end_to_end_and_its_tables_match_metafor(tmp_path):
    """cases/normand1999 through the whole workflow and report (about 40 s on 2 cores): every
    trial in effect_sizes.csv, no input row unused, meta_frequentist.csv equal to metafor."""
    import shutil

    from helpers import run_snakemake
    from phone_screen import check_first_phone_screen

    shutil.copytree(ROOT / "workflow", tmp_path / "workflow")
    shutil.copytree(CASE, tmp_path / "cases/normand1999")
    case = tmp_path / "cases/normand1999"
    for args in ((), ("--report", "results/report.html")):
        proc = run_snakemake(case, *args, small=False, snakefile=tmp_path / "workflow/Snakefile")
        assert proc.returncode == 0, proc.stderr[-4000:]
    effects = pd.read_csv(case / "results/effect_sizes.csv")
    assert set(effects.loc[effects["arm"] == "between", "study_id"]) == set(_study_ids())
    assert pd.read_csv(case / "results/estimability.csv").empty
    pooled = pd.read_csv(case / "results/meta_frequentist.csv")
    md = pooled[(pooled["set"] == "controlled_md") & (pooled["method"] == "REML")].iloc[0]
    ref = REF["MD_LS"]["REML_adhoc"]
    assert (md["mu"], md["tau2"], md["i2"]) == pytest.approx(
        (-ref["mu"], ref["tau2"], ref["i2"]), rel=1e-6
    )
    assert md["measure"] == "MD" and md["vtype"] == "LS"
    assert (case / "results/report.html").stat().st_size > 0
    check_first_phone_screen(
        case / "results/overview.html", ROOT / "results/screenshots/normand1999_overview_390x844.png"
    )


def test_forest_draws_only_smd_diamonds_beside_smd_study_rows(effects, cfg):
    from reanalysis.report.forest_rows import forest_rows

    summary, _, arms = _tables()
    ma = cfg["meta_analysis"]
    pooled = pool_sets(effects, ma)
    rows = forest_rows(effects, pooled, summary, arms, {}, ma["sets"], ma["primary_method"], 0.5)
    drawn = rows[rows["kind"] == "pooled"]
    smd = pooled[(pooled["set"] == "controlled_smd") & (pooled["method"] == "REML")].iloc[0]
    assert list(drawn["yi"]) == [smd["mu"]]  # the MD (days) and ROM diamonds are not drawn
    notes = " ".join(rows.loc[rows["kind"] == "note", "label"])
    assert "pooled MD 15.11 [-6.11, 36.32], k = 9" in notes and "pooled ROM" in notes
