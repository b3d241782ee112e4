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
    """Make Snakemake's params check import pandas only when pandas is already imported.

    A Snakemake without this private method (not the locked version) is left as it is.
    """
    from snakemake.persistence import PersistenceBase

    original = getattr(PersistenceBase, "_serialize_param_pandas", None)
    if original is None or getattr(original, "_lazy_pandas", False):
        return  # another Snakemake than the locked one, or already patched: nothing to do

    def _serialize_param_pandas(self, value):
        return serialize_param(self, value, original)

    _serialize_param_pandas._lazy_pandas = True
    PersistenceBase._serialize_param_pandas = _serialize_param_pandas
