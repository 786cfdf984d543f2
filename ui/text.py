"""Showing user-supplied text safely: as text, never as markup."""

from __future__ import annotations

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<$:])")


def plain(text: str) -> str:
    """Escape Markdown so st.markdown shows exactly what the person typed."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)
