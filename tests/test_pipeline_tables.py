"""Report tables: phone-ready page, human headers, ids last, meaningful precision."""

import pandas as pd

from reanalysis.pipeline import human_table, write_html_table


def test_human_table_moves_ids_last_and_rounds():
    df = pd.DataFrame({"es_id": ["a.b"], "row_id": ["r1"], "ci_low": [0.123456], "k": [3],
                       "label": ["x"]})
    out = human_table(df)
    assert list(out.columns) == ["95% CI low", "Studies (k)", "Label", "Es id", "Row id"]
    assert out.iloc[0]["95% CI low"] == "0.123" and out.iloc[0]["Studies (k)"] == 3


def test_table_page_has_viewport_and_escapes(tmp_path):
    path = tmp_path / "t.html"
    write_html_table(pd.DataFrame({"quote": ["a <b> & c"]}), path, "Title <x>", "note & more")
    text = path.read_text()
    assert "name='viewport'" in text and "table class='cards'" in text
    assert "a &lt;b&gt; &amp; c" in text and "Title &lt;x&gt;" in text
