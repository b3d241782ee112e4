"""The curated data: what the files in a case's ``data/`` may hold, how they are checked, and the
tables every analysis reads. Modules, in the order they build on each other:
:mod:`.vocabulary` (the allowed values), :mod:`.errors` (the error types and how a problem names
its place), :mod:`.schemas` (the pandera schemas), :mod:`.parse` (CSV text to typed values),
:mod:`.row_checks` (checks across the fields and rows of one file), :mod:`.validate` (one file:
every problem in words), :mod:`.tables` (the analyses' view and the typed tables passed between
jobs), :mod:`.cross_checks` (references between files), :mod:`.load` (every file at once:
:func:`~.load.load_all`) and :mod:`.dictionary` (what every column means; renders docs/data.md).
Only the schemas' path imports pandera: the package itself imports nothing.
"""
