"""CSV export that is safe to open in spreadsheet software.

Spreadsheet programs treat a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula,
and some also act on a leading tab, carriage return or other control character. Free text in
this app comes from users, so every text cell is neutralised before export by putting an
apostrophe in front of it, as the OWASP guidance on CSV injection recommends
(https://owasp.org/www-community/attacks/CSV_Injection). Numbers are never changed, so a
negative number stays a number.
"""

from __future__ import annotations

import csv
import io
import math
import unicodedata
from collections.abc import Hashable
from typing import Any

import pandas as pd

__all__ = ["FORMULA_TRIGGERS", "is_risky_text", "neutralise", "neutralise_text", "to_csv_bytes"]

#: Leading characters that make spreadsheet software read a cell as a formula.
FORMULA_TRIGGERS: frozenset[str] = frozenset({"=", "+", "-", "@"})


def is_risky_text(text: str) -> bool:
    """Return True when ``text`` could be read as a formula or command by spreadsheet software.

    That is, when it starts with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or any
    other control character (Unicode category ``Cc``).
    """
    if not text:
        return False
    first = text[0]
    return first in FORMULA_TRIGGERS or unicodedata.category(first) == "Cc"


def neutralise_text(text: str) -> str:
    """Return ``text`` with a leading apostrophe when it could be read as a formula."""
    return "'" + text if is_risky_text(text) else text


def neutralise(value: object) -> object:
    """Neutralise one cell value for CSV export.

    Text cells that could be read as a formula get a leading apostrophe. Every other value
    (numbers, dates, booleans, missing values) is returned unchanged.
    """
    if isinstance(value, str):
        return neutralise_text(value)
    return value


def _csv_cell(value: Any) -> object:
    """Convert one dataframe value into what the CSV writer should see."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, str):
        return neutralise_text(value)
    if isinstance(value, bool):
        return value
    if hasattr(value, "item") and not isinstance(value, (pd.Timestamp, pd.Timedelta)):
        # numpy scalars: turn them into the Python number they hold.
        converted = value.item()
        if isinstance(converted, float) and math.isnan(converted):
            return ""
        return converted
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def _header_cell(label: Hashable) -> str:
    return neutralise_text(str(label))


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """Return ``df`` as CSV bytes: UTF-8 with a byte order mark, so Excel reads it correctly.

    The index is not written. Every text cell, header labels included, is neutralised with
    :func:`neutralise`. Missing values become empty cells. Text cells are quoted and numbers
    are not, and lines end with CRLF as RFC 4180 describes.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    writer.writerow([_header_cell(label) for label in df.columns])
    for row in df.itertuples(index=False, name=None):
        writer.writerow([_csv_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")
