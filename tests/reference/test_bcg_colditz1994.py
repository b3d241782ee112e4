"""Colditz et al. 1994 (metafor's dat.bcg, 13 BCG trials, log risk ratios): our random-effects fits
against metafor, read from validation/metafor/bcg_colditz1994.json (regenerate with the R script
beside it). The function checked is the one the pipeline calls (pooling.pool_sets ->
meta_frequentist.fit_random_effects)."""

import json
from pathlib import Path

import numpy as np
import pytest

from reanalysis.meta.frequentist import fit_random_effects

REF = json.loads(
    (Path(__file__).resolve().parents[2] / "validation/metafor/bcg_colditz1994.json").read_text()
)
YI, VI = np.array(REF["yi"]), np.array(REF["vi"])
FITS = {  # metafor call -> our call
    "DL": {"method": "DL"},
    "REML": {"method": "REML"},
    "PM": {"method": "PM"},
    "REML_knha": {"method": "REML", "knha": True, "knha_adhoc": False},
    "REML_adhoc": {"method": "REML", "knha": True, "knha_adhoc": True},
}
FIELDS = [
    "mu",
    "se",
    "ci_low",
    "ci_high",
    "pval",
    "tau2",
    "i2",
    "h2",
    "q",
    "pi_low",
    "pi_high",
    "tau2_ci_low",
    "tau2_ci_high",
    "i2_ci_low",
    "i2_ci_high",
]


def test_reference_is_the_published_dataset():
    assert REF["dataset"] == "dat.bcg" and len(YI) == 13
    # the effect sizes metafor's escalc gave equal the log risk ratios of the trial counts
    tpos = np.array([4, 6, 3, 62, 33, 180, 8, 505, 29, 17, 186, 5, 27])
    tneg = np.array([119, 300, 228, 13536, 5036, 1361, 2537, 87886, 7470, 1699, 50448, 2493, 16886])
    cpos = np.array([11, 29, 11, 248, 47, 372, 10, 499, 45, 65, 141, 3, 29])
    cneg = np.array([128, 274, 209, 12619, 5761, 1079, 619, 87892, 7232, 1600, 27197, 2338, 17825])
    assert YI == pytest.approx(np.log(tpos / (tpos + tneg) / (cpos / (cpos + cneg))), abs=1e-12)


@pytest.mark.parametrize("name", list(FITS))
def test_random_effects_fit_matches_metafor(name):
    ours = fit_random_effects(YI, VI, **FITS[name])
    theirs = REF["fits"][name]
    for field in [f for f in FIELDS if f in theirs]:
        tol = 1e-6 * max(1.0, abs(theirs[field]))
        assert getattr(ours, field) == pytest.approx(theirs[field], abs=tol), field


def test_the_pipeline_pools_with_the_function_checked_here(monkeypatch):
    """pooling.pool_sets (rule meta_frequentist) reaches metafor's numbers through
    fit_random_effects: replacing that function changes what pool_sets returns."""
    import pandas as pd

    from reanalysis.meta import pooling

    effects = pd.DataFrame(
        {
            "es_id": [f"t{i}" for i in range(len(YI))],
            "study_id": [f"t{i}" for i in range(len(YI))],
            "yi": YI,
            "vi": VI,
            "estimand": "between_change",
            "subgroup": "all",
            "role": "between",
            "arm": "between",
            "outcome": "y",
            "controlled": True,
        }
    )
    cfg = {
        "sets": {
            "bcg": {
                "estimands": ["between_change"],
                "subgroups": ["all"],
                "roles": ["between"],
                "outcomes": ["y"],
                "controlled_only": True,
            }
        },
        "methods": ["REML"],
        "knha": True,
        "level": 0.95,
        "primary_method": "REML",
    }
    pooled = pooling.pool_sets(effects, cfg)
    assert pooled["mu"].iloc[0] == pytest.approx(REF["fits"]["REML_adhoc"]["mu"], abs=1e-6)
    assert pooled["ci_low"].iloc[0] == pytest.approx(REF["fits"]["REML_adhoc"]["ci_low"], abs=1e-6)
    calls = []

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return fit_random_effects(*args, **kwargs)

    monkeypatch.setattr(pooling, "fit_random_effects", spy)
    pooling.pool_sets(effects, cfg)
    assert calls == [{"method": "REML", "knha": True, "level": 0.95}]
