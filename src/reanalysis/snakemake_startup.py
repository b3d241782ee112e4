"""Snakemake start-up without pandas: the params check serialises with builtins unless pandas is loaded.

Snakemake 9 (``snakemake.persistence.PersistenceBase._serialize_param``) picks its pandas-aware
serialiser whenever pandas is *installed*, and that serialiser imports pandas (~0.7 s of CPU) on
every run, a no-op included, to test whether a parameter is a DataFrame. A parameter can only be
a DataFrame, Series or Index if pandas has already been imported in this process, so testing
``sys.modules`` gives the same serialisation for every value without the import.
"""

import sys


def serialize_param(persistence, value, original):
    """Serialise one job parameter as Snakemake does, importing pandas only if it is loaded.

    ``original`` is Snakemake's pandas-aware serialiser; without pandas in ``sys.modules`` no
    value can be a pandas object, and the builtin serialiser (which ``original`` falls back to
    for every other value) gives the same result.
    """
    if "pandas" in sys.modules:
        return original(persistence, value)
    return persistence._serialize_param_builtin(value)


def lazy_pandas_params():
    """Make Snakemake's params check import pandas only when pandas is already imported."""
    from snakemake.persistence import PersistenceBase

    original = PersistenceBase._serialize_param_pandas
    if getattr(original, "_lazy_pandas", False):
        return

    def _serialize_param_pandas(self, value):
        return serialize_param(self, value, original)

    _serialize_param_pandas._lazy_pandas = True
    PersistenceBase._serialize_param_pandas = _serialize_param_pandas
