"""Reanalysis engine: reported summary statistics -> effect sizes, meta-analyses, simulations, a
claims ledger and a report. It knows no study, arm or outcome: a case (data/ and config/) supplies
them; the repository ships one case in data/ and config/, and cases/ holds others."""

__version__ = "0.1.0"
