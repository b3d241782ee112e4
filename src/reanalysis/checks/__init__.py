"""Forensic checks of reported summary statistics (GRIM, SD bounds, p reproduction):
:mod:`.forensics`."""
