"""Showing user-supplied text safely: as text, never as markup.

Streamlit reads Markdown (with its own extras: ``:red[...]`` colours, ``:material/...:`` icons,
``:smile:`` emoji, ``$...$`` maths) in almost everything that shows text: ``st.markdown``,
``st.write``, headers, captions, alerts, toasts, tab and expander labels, widget labels, radio
options and ``st.table`` cells. Anything a person typed (or that came from a file, the database
or a configured content file) goes through :func:`plain` before it reaches one of those, so it
shows exactly as typed: no links, no images, no colours. ``tests/unit/test_architecture.py``
checks that nothing else reaches them.

The escaping is as light as it can be while staying complete, because Streamlit also uses a
widget's raw label as its accessible name: only characters that can start markup are escaped.
A few things are recognised in the text after escapes are read (bare web and e-mail addresses,
emoji short codes); those are broken with an invisible word joiner (U+2060) instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from urllib.parse import quote

import pandas as pd

# Characters that can open or close inline markup anywhere in a line: code, emphasis,
# strikethrough, links and images, HTML and autolinks, tables, maths, Streamlit directives,
# emoji and icon short codes, e-mail autolinks, entities, and the escape character itself.
_INLINE_SPECIAL = re.compile(r"([\\`*_~\[\]<>|$@&])")
# A colon before a letter can start a Streamlit directive (":red[…]"), icon or emoji code.
_COLON_WORD = re.compile(r":(?=[A-Za-z_])")
# Block markup only counts at the start of a line: headings, quotes, lists, rules, setext
# underlines and ordered lists ("1." or "1)").
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+(?=[.)]))", re.MULTILINE)
# Bare web addresses ("https://…", "www.…") and e-mail addresses become links in GitHub-flavoured
# Markdown. That too is matched after escapes are read, so it is broken with a word joiner.
_AUTOLINK = re.compile(r"(:(?=//)|www(?=\.)|\\@)", re.IGNORECASE)
# Streamlit turns ":material/name:" into an icon before it reads the Markdown, so a backslash
# before the colon is not enough: escape the slash too.
_MATERIAL = re.compile(r"(material)/", re.IGNORECASE)
# Emoji short codes (":smile:") are matched in the text after escapes are read, so the colon
# pair is broken with an invisible word joiner instead.
_SHORT_CODE = re.compile(r"(\\?:)(?=[\w+-]+\\?:)")
_WORD_JOINER = "\u2060"


def _escape_line_start(match: re.Match[str]) -> str:
    indent, marker = match.group(1), match.group(2)
    if marker[0].isdigit():
        # Escape the "." or ")" after the number, which the next character is.
        return f"{indent}{marker}\\"
    return f"{indent}\\{marker}"


def plain(text: object) -> str:
    """``text`` escaped so that Streamlit shows exactly what the person typed, as plain text."""
    escaped = _INLINE_SPECIAL.sub(r"\\\1", str(text))
    escaped = _COLON_WORD.sub(r"\\:", escaped)
    escaped = _LINE_START.sub(_escape_line_start, escaped)
    # Leading spaces would make an indented code block; a non-breaking space does not.
    escaped = re.sub(r"^( {4,})", lambda m: "\u00a0" * len(m.group(1)), escaped, flags=re.M)
    escaped = _MATERIAL.sub(r"\1\\/", escaped)
    escaped = _SHORT_CODE.sub(lambda m: m.group(1) + _WORD_JOINER, escaped)
    return _AUTOLINK.sub(lambda m: m.group(1) + _WORD_JOINER, escaped)


_LINK_SCHEMES = ("https://", "http://", "mailto:", "#")


def link(text: object, url: str) -> str:
    """A Markdown link whose words show exactly as given and whose address cannot break out.

    Only web, e-mail and same-page (``#…``) addresses are linked; anything else shows as text.
    """
    address = url.strip()
    if not address.lower().startswith(_LINK_SCHEMES):
        return plain(text)
    # Percent-encode what could end or confuse the address: spaces, brackets and backslashes.
    safe = quote(address, safe="/:#?&=%@+~.,;!*'$-_")
    return f"[{plain(text)}]({safe})"


def plain_table(data: pd.DataFrame | Mapping[str, Sequence[object]]) -> pd.DataFrame:
    """A table for ``st.table`` (which reads Markdown in every cell and heading) with every
    heading and text cell escaped; numbers and missing values are left as they are."""
    frame = data.copy() if isinstance(data, pd.DataFrame) else pd.DataFrame(dict(data))
    frame.columns = [plain(column) for column in frame.columns]
    for column in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            frame[column] = [
                plain(value) if isinstance(value, str) else value for value in frame[column]
            ]
    return frame
