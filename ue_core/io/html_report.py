"""Accessible standalone HTML reports.

A report is one self-contained HTML document: no external assets, no JavaScript, no image
files. A chart is inline SVG (``ue_core.io.svg_charts``), described in words and followed by the
table of data behind it. Every piece of
text is HTML-escaped, because reports carry user-supplied text such as survey answers and
evidence notes.

The markup aims at WCAG 2.2 AA: a ``lang`` attribute, one ``h1``, headings that do not skip
levels, a skip link to the main content, tables with a ``<caption>`` and scoped header cells,
high-contrast colours and a print style sheet.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from decimal import Decimal
from html import escape
from typing import Any

import numpy as np
import pandas as pd

from ue_core.io.svg_charts import SvgChart

__all__ = ["MISSING_TEXT", "HtmlReport"]

#: What a missing value (None, NaN, NaT, pd.NA) shows as in a report table.
MISSING_TEXT = "not available"

_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")

_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body {
  margin: 0; padding: 0; background: #ffffff; color: #0b0c0c;
  font-family: Arial, "Helvetica Neue", Helvetica, sans-serif; font-size: 1.1875rem;
  line-height: 1.5;
}
main { display: block; max-width: 60rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
h1, h2, h3, h4, h5, h6 { line-height: 1.25; margin: 1.5em 0 0.5em; }
h1 { font-size: 2.25rem; margin-top: 0.5em; }
h2 { font-size: 1.75rem; }
h3 { font-size: 1.375rem; }
p, ul, dl { margin: 0 0 1em; max-width: 42em; }
a { color: #1d70b8; text-decoration: underline; }
a:focus { outline: 3px solid transparent; background: #ffdd00; color: #0b0c0c;
  box-shadow: 0 -2px #ffdd00, 0 4px #0b0c0c; }
.skip-link { position: absolute; left: -9999px; top: 0; padding: 0.5rem 1rem; }
.skip-link:focus { position: static; display: inline-block; margin: 0.5rem; }
table { border-collapse: collapse; margin: 0 0 1.5em; width: 100%; }
caption { text-align: left; font-weight: bold; font-size: 1.1875rem; padding: 0 0 0.5em; }
th, td { border-bottom: 1px solid #505a5f; padding: 0.5em 0.75em 0.5em 0; text-align: left;
  vertical-align: top; }
th { font-weight: bold; }
thead th { border-bottom: 2px solid #0b0c0c; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 0 0 2em; padding: 1em; border: 2px solid #0b0c0c; }
figcaption { font-weight: bold; font-size: 1.375rem; margin: 0 0 0.5em; }
svg.chart { display: block; width: 100%; max-width: 900px; height: auto; margin: 0 0 1em; }
dt { font-weight: bold; }
dd { margin: 0 0 0.75em 1.5em; }
@media print {
  body { font-size: 11pt; color: #000000; background: #ffffff; }
  main { max-width: none; padding: 0; }
  .skip-link { display: none; }
  h1, h2, h3, h4, h5, h6 { break-after: avoid; page-break-after: avoid; }
  thead { display: table-header-group; }
  tr, dl, svg.chart { break-inside: avoid; page-break-inside: avoid; }
  figure { border: 0; padding: 0; }
  svg.chart { max-width: 100%; print-color-adjust: exact; -webkit-print-color-adjust: exact; }
  a { color: #000000; }
  @page { margin: 2cm; }
}
""".strip()


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if not pd.api.types.is_scalar(value):
        return False
    return bool(pd.isna(value))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating, Decimal)) and not isinstance(
        value, (bool, np.bool_)
    )


class HtmlReport:
    """Build an accessible, standalone HTML report one block at a time, then :meth:`render`.

    The title becomes the page ``<title>`` and the only ``h1``. Later headings use levels 2
    to 6 and may not skip a level on the way down.
    """

    def __init__(self, title: str, lang: str = "en-GB", *, decimals: int = 2) -> None:
        if not title.strip():
            raise ValueError("A report needs a title")
        if _LANGUAGE_TAG.match(lang) is None:
            raise ValueError(f"Language {lang!r} must be a language tag like 'en-GB'")
        if decimals < 0:
            raise ValueError("decimals must not be negative")
        self.title = title
        self.lang = lang
        self.decimals = decimals
        self._blocks: list[str] = []
        self._level = 1

    # ---------------------------------------------------------------------------------------
    # Blocks

    def heading(self, text: str, level: int = 2) -> None:
        """Add a heading. ``level`` is 2 to 6 (the title is the only ``h1``)."""
        if not 2 <= level <= 6:
            raise ValueError("Heading level must be from 2 to 6; the title is the only h1")
        if level > self._level + 1:
            raise ValueError(f"An h{level} cannot follow an h{self._level}: levels may not skip")
        self._level = level
        self._blocks.append(f"<h{level}>{escape(text)}</h{level}>")

    def paragraph(self, text: str) -> None:
        """Add a paragraph of plain text."""
        self._blocks.append(f"<p>{escape(text)}</p>")

    def bullet_list(self, items: Iterable[str]) -> None:
        """Add a bulleted list. An empty list adds nothing."""
        entries = [f"<li>{escape(item)}</li>" for item in items]
        if entries:
            self._blocks.append("<ul>\n" + "\n".join(entries) + "\n</ul>")

    def definition_list(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Add a list of terms and their descriptions. An empty list adds nothing."""
        entries = [f"<dt>{escape(term)}</dt>\n<dd>{escape(text)}</dd>" for term, text in pairs]
        if entries:
            self._blocks.append("<dl>\n" + "\n".join(entries) + "\n</dl>")

    def table(self, df: pd.DataFrame, caption: str, row_header_column: str | None = None) -> None:
        """Add a data table with a caption and scoped header cells.

        Column labels become ``<th scope="col">``. When ``row_header_column`` is given, that
        column's cells become ``<th scope="row">``. The index is not shown: call
        ``reset_index()`` first if it holds data. Missing values show as "not available".
        """
        self._blocks.append(self._table_html(df, caption, row_header_column))

    def figure(
        self,
        description: str,
        table_df: pd.DataFrame,
        caption: str,
        chart: SvgChart | None = None,
    ) -> None:
        """Add a chart: its caption (the title), a description of what it shows, the chart
        as inline SVG when given, and the table of data behind it."""
        if not caption.strip() or not description.strip():
            raise ValueError("A figure needs a caption and a description")
        table_html = self._table_html(table_df, f"Data for the chart: {caption}", None)
        drawing = "" if chart is None else f"{chart.markup}\n"
        self._blocks.append(
            "<figure>\n"
            f"<figcaption>{escape(caption)}</figcaption>\n"
            f"<p>{escape(description)}</p>\n"
            f"{drawing}"
            f"{table_html}\n"
            "</figure>"
        )

    # ---------------------------------------------------------------------------------------
    # Output

    def render(self) -> str:
        """Return the complete HTML document."""
        title = escape(self.title)
        body = "\n".join(self._blocks)
        return (
            "<!DOCTYPE html>\n"
            f'<html lang="{escape(self.lang)}">\n'
            "<head>\n"
            '<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{title}</title>\n"
            f"<style>\n{_CSS}\n</style>\n"
            "</head>\n"
            "<body>\n"
            '<a class="skip-link" href="#main-content">Skip to main content</a>\n'
            '<main id="main-content" tabindex="-1">\n'
            f"<h1>{title}</h1>\n"
            f"{body}\n"
            "</main>\n"
            "</body>\n"
            "</html>\n"
        )

    # ---------------------------------------------------------------------------------------
    # Helpers

    def _format(self, value: Any) -> str:
        if _is_missing(value):
            return MISSING_TEXT
        if isinstance(value, (bool, np.bool_)):
            return "Yes" if value else "No"
        if isinstance(value, (int, np.integer)):
            return f"{int(value):,}"
        if isinstance(value, (float, np.floating, Decimal)):
            number = float(value)
            if not math.isfinite(number):
                return str(number)
            return f"{number:,.{self.decimals}f}"
        if isinstance(value, pd.Timestamp):
            value = value.to_pydatetime()
        if isinstance(value, dt.datetime):
            return value.strftime("%Y-%m-%d %H:%M")
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)

    def _table_html(self, df: pd.DataFrame, caption: str, row_header_column: str | None) -> str:
        if not caption.strip():
            raise ValueError("A table needs a caption")
        labels = [str(label) for label in df.columns]
        if row_header_column is not None and row_header_column not in labels:
            raise ValueError(f"Row header column {row_header_column!r} is not in the table")
        row_header_index = labels.index(row_header_column) if row_header_column else -1
        numeric = [pd.api.types.is_numeric_dtype(df.iloc[:, i]) for i in range(len(labels))]
        numeric = [
            is_num and not pd.api.types.is_bool_dtype(df.iloc[:, i])
            for i, is_num in enumerate(numeric)
        ]

        def cls(index: int) -> str:
            return ' class="num"' if numeric[index] else ""

        head = "".join(
            f'<th scope="col"{cls(i)}>{escape(label)}</th>' for i, label in enumerate(labels)
        )
        rows: list[str] = []
        for row in df.itertuples(index=False, name=None):
            cells: list[str] = []
            for i, value in enumerate(row):
                text = escape(self._format(value))
                number_class = ' class="num"' if _is_number(value) else cls(i)
                if i == row_header_index:
                    cells.append(f'<th scope="row"{number_class}>{text}</th>')
                else:
                    cells.append(f"<td{number_class}>{text}</td>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        return (
            "<table>\n"
            f"<caption>{escape(caption)}</caption>\n"
            f"<thead>\n<tr>{head}</tr>\n</thead>\n"
            "<tbody>\n" + "\n".join(rows) + ("\n" if rows else "") + "</tbody>\n"
            "</table>"
        )
