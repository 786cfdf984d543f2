"""ui.text: user-supplied text escaped so Streamlit's Markdown shows it exactly as typed."""

from __future__ import annotations

import pandas as pd
import pytest

from ui.text import link, plain, plain_table

JOINER = "\u2060"


@pytest.mark.parametrize(
    ("typed", "escaped"),
    [
        ("Setting up a user group", "Setting up a user group"),
        ("[our form](https://x.org)", "\\[our form\\](https:" + JOINER + "//x.org)"),
        (":red[urgent]", "\\:red\\[urgent\\]"),
        ("![i](t.png)", "!\\[i\\](t.png)"),
        ("**bold** _it_ `code` ~gone~", "\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\~gone\\~"),
        ("<b>tag</b> &amp;", "\\<b\\>tag\\</b\\> \\&amp;"),
        ("$x^2$ | a", "\\$x^2\\$ \\| a"),
        (":material/warning:", "\\:material\\/warning:"),
        (":smile:", "\\:" + JOINER + "smile:"),
        ("www.example.org", "www" + JOINER + ".example.org"),
        ("a@example.org", "a\\@" + JOINER + "example.org"),
        (
            "# Heading\n> quote\n- item\n+ item\n1. one\n2) two",
            ("\\# Heading\n\\> quote\n\\- item\n\\+ item\n1\\. one\n2\\) two"),
        ),
        ("    indented", "\u00a0" * 4 + "indented"),
        ("back\\slash", "back\\\\slash"),
    ],
)
def test_plain_escapes_exactly_what_starts_markup(typed: str, escaped: str) -> None:
    assert plain(typed) == escaped


def test_plain_leaves_ordinary_punctuation_alone() -> None:
    """Streamlit uses a widget's raw label as its accessible name, so escape no more than needed."""
    text = 'Learning (3) - user-centred, 21 November 2026, 2:05pm. Why? It\'s "ours"!'
    assert plain(text) == text


def test_link_escapes_its_words_and_encodes_its_address() -> None:
    assert link("Code [2.1]", "https://example.org/a b)c") == (
        "[Code \\[2.1\\]](https://example.org/a%20b%29c)"
    )
    assert link("Problems", "#there-is-a-problem") == "[Problems](#there-is-a-problem)"
    assert link("script", "javascript:alert(1)") == "script"


def test_plain_table_escapes_headings_and_text_cells_only() -> None:
    table = plain_table({"Team [a]": ["*One*", "Two"], "Score": [1.5, 2.0]})
    assert list(table.columns) == ["Team \\[a\\]", "Score"]
    assert table["Team \\[a\\]"].tolist() == ["\\*One\\*", "Two"]
    assert table["Score"].tolist() == [1.5, 2.0]
    frame = pd.DataFrame({"Name": ["_x_"]})
    plain_table(frame)
    assert frame["Name"].tolist() == ["_x_"]  # the caller's frame is not changed
