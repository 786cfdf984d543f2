"""Exports used by every download in the app.

* :mod:`ue_core.io.safe_csv`: CSV that is safe to open in spreadsheet software.
* :mod:`ue_core.io.spreadsheet`: accessible ODS and XLSX workbooks (cover, notes, one table
  per sheet), following the Analysis Function spreadsheet guidance.
* :mod:`ue_core.io.html_report`: accessible standalone HTML reports.
"""

from ue_core.io.html_report import HtmlReport
from ue_core.io.safe_csv import neutralise, to_csv_bytes
from ue_core.io.spreadsheet import (
    NOT_AVAILABLE,
    Shorthand,
    SpreadsheetError,
    Table,
    Workbook,
    to_ods,
    to_xlsx,
)

__all__ = [
    "NOT_AVAILABLE",
    "HtmlReport",
    "Shorthand",
    "SpreadsheetError",
    "Table",
    "Workbook",
    "neutralise",
    "to_csv_bytes",
    "to_ods",
    "to_xlsx",
]
