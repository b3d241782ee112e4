"""Report tables: phone-ready page, human headers, ids last, meaningful precision."""

import pandas as pd

from reanalysis.report.tables import human_table, write_html_table


def test_human_table_moves_ids_last_and_rounds():
    df = pd.DataFrame(
        {"es_id": ["a.b"], "row_id": ["r1"], "ci_low": [0.123456], "k": [3], "label": ["x"]}
    )
    out = human_table(df, 0.95)
    assert list(out.columns) == ["95% CI low", "Studies (k)", "Label", "Es id", "Row id"]
    assert out.iloc[0]["95% CI low"] == "0.123" and out.iloc[0]["Studies (k)"] == 3


def test_ci_headers_follow_the_configured_level(tmp_path):
    """The CI columns are named at config meta_analysis.level (not a fixed 95%), and a table
    holding them without a level is refused rather than labelled with an assumed one."""
    import pytest

    from reanalysis.effects.intervals import ci_label

    df = pd.DataFrame({"mu": [0.1], "ci_low": [-0.2], "ci_high": [0.4]})
    assert list(human_table(df, 0.90).columns) == ["Pooled effect", "90% CI low", "90% CI high"]
    path = tmp_path / "t.html"
    write_html_table(df, path, "Pooled", "note", level=0.90)
    text = path.read_text()
    assert "90% CI low" in text and "95%" not in text
    assert ci_label(0.975) == "97.5% CI" and ci_label(0.8, "CrI") == "80% CrI"
    with pytest.raises(ValueError, match="CI level"):
        human_table(df)


def test_table_page_has_viewport_and_escapes(tmp_path):
    path = tmp_path / "t.html"
    write_html_table(pd.DataFrame({"quote": ["a <b> & c"]}), path, "Title <x>", "note & more")
    text = path.read_text()
    assert "name='viewport'" in text and "table class='cards'" in text
    assert "a &lt;b&gt; &amp; c" in text and "Title &lt;x&gt;" in text


def test_p_values_in_tables_read_as_below_a_thousandth():
    """A p-value column goes through html_page.fmt kind 'p' ('< 0.001', not '2.34e-05'); other
    numbers keep 3 significant digits."""
    df = pd.DataFrame({"pval": [2.34e-05, 0.0456], "q_pval": [0.5, 1e-9], "mu": [2.34e-05, 1.5]})
    out = human_table(df)
    assert list(out["p"]) == ["< 0.001", "0.046"] and list(out["Q p"]) == ["0.500", "< 0.001"]
    assert list(out["Pooled effect"]) == ["2.34e-05", "1.5"]


def test_forensic_p_ranges_read_as_below_a_thousandth(root):
    """The recomputed p ranges in forensics.csv's detail use the one formatting function."""
    import yaml

    from reanalysis.checks.forensics import run_checks
    from reanalysis.data.load import load_curated

    cfg = yaml.safe_load((root / "config/config.yaml").read_text())
    cfg["data"] = {k: str(root / v) for k, v in cfg["data"].items()}
    table = run_checks(load_curated(cfg), cfg)
    detail = " ".join(table.loc[table["check"] == "p_recomputed", "detail"])
    assert "p from < 0.001 to" in detail and "e-0" not in detail


def test_recomputed_p_ranges_keep_three_digits_and_read_below_a_thousandth():
    """The effect table's p checks show a recomputed p range with 3 significant digits (beside a
    reported 0.029 the range 0.0285-0.0295 must stay visible) and '< 0.001', not '1.15e-09'."""
    from reanalysis.effects.cells import _p_span
    from reanalysis.report.html import fmt

    assert fmt(0.02853, kind="p_sig") == "0.0285" and fmt(1.15e-09, kind="p_sig") == "< 0.001"
    assert _p_span(1.15e-09, 0.0544) == "p from < 0.001 to 0.0544"
