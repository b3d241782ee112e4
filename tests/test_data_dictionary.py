"""docs/data.md is current and describes every column of every shipped case's tables."""

import csv
from pathlib import Path

import pytest

from reanalysis.data import dictionary


def test_docs_data_md_is_current(root):
    assert (root / "docs/data.md").read_text() == dictionary.render(), (
        "docs/data.md is stale: python -m reanalysis.data.dictionary --write docs/data.md"
    )


def _case_tables(root):
    for data in [root / "data", *sorted(root.glob("cases/*/data")), root / "templates/case/data"]:
        for path in sorted(data.glob("*.csv")):
            yield pytest.param(path, id=str(path.relative_to(root)))


@pytest.mark.parametrize("path", list(_case_tables(Path(__file__).resolve().parents[1])))
def test_every_column_of_a_shipped_table_is_described(path):
    table = path.stem
    assert table in dictionary.TABLES, f"{path.name} is not in the data dictionary"
    with path.open(newline="", encoding="utf-8-sig") as f:
        header = next(csv.reader(f))
    described = {c: m for c, _, _, m in dictionary.column_rows(table)}
    undescribed = [c for c in header if not described.get(c)]
    assert undescribed == [], f"{path}: columns without a meaning in the data dictionary"


def test_schema_rules_come_from_the_validation_schema():
    rows = {c: (t, r) for c, t, r, _ in dictionary.column_rows("summary_stats")}
    assert rows["value"][0] == "number" and "may be empty" in rows["value"][1]  # not_reported
    assert "a value in every row" in rows["statistic"][1]
    assert "`change`" in rows["timepoint"][1]
    assert "unique" in rows["row_id"][1]


def test_every_column_of_the_effect_table_is_described():
    """The columns later stages read as typed facts (n_source, r_used, ...) have one documented
    meaning, in the order the effect table is written."""
    from reanalysis.effects.build import COLUMNS

    rows = dictionary.result_rows("effect_sizes")
    assert [c for c, _ in rows] == COLUMNS
    assert [c for c, m in rows if not m] == []
    assert set(dictionary.RESULTS["effect_sizes"][2]) == set(COLUMNS)  # nothing stale
    assert "`results/effect_sizes.csv`" in dictionary.render()
