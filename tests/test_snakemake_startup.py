"""The params check without pandas serialises every value as Snakemake's own serialiser does."""

import subprocess
import sys

import pandas as pd
import pytest
from snakemake.persistence import PersistenceBase

from reanalysis.snakemake_startup import serialize_param


class _Persistence:
    """The one method the serialisers use, as Snakemake defines it."""

    _serialize_param_builtin = PersistenceBase._serialize_param_builtin


ORIGINAL = PersistenceBase._serialize_param_pandas


@pytest.mark.parametrize(
    "value",
    [None, 1, 2.5, True, "text", (1, "a"), [1, 2], {"a": [1, 2.0]}, range(3), object()],
)
def test_without_pandas_loaded_values_serialise_as_snakemake_serialises_them(value, monkeypatch):
    persistence = _Persistence()
    expected = ORIGINAL(persistence, value)
    monkeypatch.delitem(sys.modules, "pandas")  # as in a run that never imported it
    assert serialize_param(persistence, value, ORIGINAL) == expected


def test_with_pandas_loaded_a_dataframe_is_hashed_as_snakemake_hashes_it():
    persistence = _Persistence()
    frame = pd.DataFrame({"x": [1, 2], "y": ["a", "b"]})
    got = serialize_param(persistence, frame, ORIGINAL)
    assert got == ORIGINAL(persistence, frame)
    assert got == repr(pd.util.hash_pandas_object(frame).tolist())


def test_the_patch_spares_the_pandas_import():
    code = (
        "import sys\n"
        "from snakemake.persistence import PersistenceBase\n"
        "from reanalysis.snakemake_startup import lazy_pandas_params\n"
        "lazy_pandas_params(); lazy_pandas_params()\n"
        "class P: _serialize_param_builtin = PersistenceBase._serialize_param_builtin\n"
        "print(PersistenceBase._serialize_param_pandas(P(), [1, 'a']))\n"
        "print('pandas' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out[-1] == "False"


def test_a_snakemake_without_the_method_is_left_as_it_is(monkeypatch):
    from reanalysis.snakemake_startup import lazy_pandas_params

    monkeypatch.delattr(PersistenceBase, "_serialize_param_pandas")
    lazy_pandas_params()
    assert not hasattr(PersistenceBase, "_serialize_param_pandas")
