"""Spreadsheet cells that a spreadsheet program can never run as formulas (CSV/XLSX injection).

Pure: used by every export (participants, check-in recap, attendance matrix, certificate register,
reports). Text starting with = + - @ | or a tab/CR would be read as a formula or a DDE call by Excel or
LibreOffice; it gets a leading apostrophe, which they show as text. Numbers, booleans, dates and empty
cells keep their type.
"""

from __future__ import annotations

from datetime import date, datetime, time

FORMULA_START = ("=", "+", "-", "@", "|", "\t", "\r")


def safe_cell(value: object) -> object:
    """The value to write into a cell: typed values as they are, risky text quoted with an apostrophe."""
    if value is None or isinstance(value, bool | int | float | date | datetime | time):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text
