"""The engine knows no case: no study id, arm, outcome, subgroup or pooling-set name of any case in
src/ or in the report's captions (workflow/report/). Methods vocabulary that a case also uses as a
name is allowed: "placebo" and "control" (kinds of comparator), the reserved arm "between", "review"
(a kind of study) and "severe" (a risk-of-bias and GRADE judgement)."""

import re

import pandas as pd
import pytest
import yaml

DESIGN_WORDS = {"between", "placebo", "control", "review", "severe"}


def _case_names(root):
    names = set()
    for folder in [root, *sorted(p for p in (root / "cases").glob("*") if p.is_dir())]:
        data = folder / "data"
        summary = pd.read_csv(data / "summary_stats.csv", dtype=str)
        names |= set(pd.read_csv(data / "studies.csv", dtype=str)["study_id"])
        names |= set(summary["outcome"]) | set(summary["subgroup"]) | set(summary["arm"])
        cfg = yaml.safe_load((folder / "config/config.yaml").read_text())
        names |= set(cfg["meta_analysis"]["sets"])
    return {n for n in names if isinstance(n, str) and n not in DESIGN_WORDS and n != "all"}


def test_no_case_names_in_the_engine(root):
    names = _case_names(root)
    assert {"macian2022", "pain", "stress", "magnesium"} <= names  # the shipped case is read
    pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, names))) + r")\b", re.I)
    files = [*(root / "src/reanalysis").rglob("*.py"), *(root / "workflow/report").glob("*.rst")]
    hits = [
        f"{f.relative_to(root)}:{i}: {m.group(0)}"
        for f in files
        for i, line in enumerate(f.read_text().splitlines(), 1)
        for m in pattern.finditer(line)
    ]
    assert not hits, "\n".join(hits)


@pytest.mark.parametrize("word", ["fibromyalgia", "Macian", "5 of 7"])
def test_no_topic_words_in_the_engine(root, word):
    files = [
        *(root / "src/reanalysis").rglob("*.py"),
        *(root / "workflow/report").glob("*.rst"),
        *(root / "workflow/scripts").glob("*.py"),
        *(root / "workflow/rules").glob("*.smk"),
    ]
    assert not [f.name for f in files if word.lower() in f.read_text().lower()]
