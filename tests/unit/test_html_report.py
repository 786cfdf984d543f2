import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from ue_core.io.html_report import MISSING_TEXT, HtmlReport


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_tags = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self.script_tags += 1


def _parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


def _sample_report() -> HtmlReport:
    report = HtmlReport("Engagement <review> 2025")
    report.heading("Summary", 2)
    report.paragraph("Teams rated themselves & discussed <b>evidence</b>.")
    report.bullet_list(["First <point>", "Second"])
    report.definition_list([("Maturity", "How established a practice is"), ("<dt>", "x & y")])
    report.table(
        pd.DataFrame({"Team": ["Alpha", "<script>alert(1)</script>"], "Score": [3, 4]}),
        "Scores by team",
        row_header_column="Team",
    )
    report.figure(
        "Most teams scored three or higher.",
        pd.DataFrame({"Level": ["1", "2"], "Teams": [1, 5]}),
        "Teams by level",
    )
    return report


def test_render_is_a_complete_standalone_document():
    html = _sample_report().render()
    assert html.startswith("<!DOCTYPE html>\n")
    assert '<html lang="en-GB">' in html
    assert '<meta charset="utf-8">' in html
    assert "<title>Engagement &lt;review&gt; 2025</title>" in html
    assert '<a class="skip-link" href="#main-content">Skip to main content</a>' in html
    assert '<main id="main-content"' in html
    assert "@media print" in html
    # No external assets and no JavaScript.
    collector = _parse(html)
    assert collector.script_tags == 0
    assert not any(tag in {"link", "img", "iframe", "object"} for tag, _ in collector.tags)
    assert not re.search(r"\b(src|href)=\"(https?:)?//", html)
    assert "javascript:" not in html.lower()


def test_user_text_is_escaped_everywhere():
    html = _sample_report().render()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&amp; discussed &lt;b&gt;evidence&lt;/b&gt;." in html
    assert "<li>First &lt;point&gt;</li>" in html
    assert "<dt>&lt;dt&gt;</dt>" in html
    assert "<dd>x &amp; y</dd>" in html


def test_escaping_covers_headings_captions_and_column_labels():
    report = HtmlReport("Title")
    report.heading('<img src=x onerror="alert(1)">', 2)
    report.table(pd.DataFrame({"<th>": ['"quoted"']}), "<caption>")
    html = report.render()
    assert "<img" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert "<caption>&lt;caption&gt;</caption>" in html
    assert '<th scope="col">&lt;th&gt;</th>' in html
    assert "<td>&quot;quoted&quot;</td>" in html


def test_there_is_exactly_one_h1_and_it_is_the_title():
    html = _sample_report().render()
    assert html.count("<h1") == 1
    assert "<h1>Engagement &lt;review&gt; 2025</h1>" in html


def test_tables_have_captions_and_scoped_headers():
    html = _sample_report().render()
    collector = _parse(html)
    assert html.count("<caption>") == 2
    assert "<caption>Scores by team</caption>" in html
    col_headers = [a for t, a in collector.tags if t == "th" and a.get("scope") == "col"]
    row_headers = [a for t, a in collector.tags if t == "th" and a.get("scope") == "row"]
    assert len(col_headers) == 4
    assert len(row_headers) == 2
    assert all(a.get("scope") in {"col", "row"} for t, a in collector.tags if t == "th")
    assert '<th scope="row">Alpha</th>' in html
    assert '<td class="num">3</td>' in html


def test_figure_has_caption_description_and_table_alternative():
    html = _sample_report().render()
    assert "<figure>\n<figcaption>Teams by level</figcaption>" in html
    assert "<p>Most teams scored three or higher.</p>" in html
    assert "<caption>Data for the chart: Teams by level</caption>" in html


def test_values_are_formatted_for_reading():
    report = HtmlReport("Formats", decimals=1)
    report.table(
        pd.DataFrame(
            {
                "n": [1234567, 2],
                "share": [0.26, np.nan],
                "done": [True, False],
                "when": [pd.Timestamp("2025-01-31"), pd.NaT],
            }
        ),
        "Formats",
    )
    html = report.render()
    assert "1,234,567" in html
    assert ">0.3<" in html
    assert html.count(MISSING_TEXT) == 2
    assert ">Yes<" in html and ">No<" in html
    assert "2025-01-31 00:00" in html


def test_lang_is_configurable_and_validated():
    assert '<html lang="cy">' in HtmlReport("Adroddiad", lang="cy").render()
    with pytest.raises(ValueError):
        HtmlReport("Report", lang='en" onload="x')


def test_heading_levels_are_checked():
    report = HtmlReport("Report")
    with pytest.raises(ValueError):
        report.heading("Another h1", 1)
    with pytest.raises(ValueError):
        report.heading("Skips a level", 3)
    report.heading("Section", 2)
    report.heading("Subsection", 3)
    report.heading("Next section", 2)
    html = report.render()
    assert "<h3>Subsection</h3>" in html


def test_table_rejects_unknown_row_header_and_blank_caption():
    report = HtmlReport("Report")
    df = pd.DataFrame({"a": [1]})
    with pytest.raises(ValueError):
        report.table(df, "Caption", row_header_column="missing")
    with pytest.raises(ValueError):
        report.table(df, "   ")
    with pytest.raises(ValueError):
        report.figure("", df, "Caption")
    with pytest.raises(ValueError):
        report.figure("Description", df, " ")


def test_empty_lists_add_nothing():
    report = HtmlReport("Report")
    report.bullet_list([])
    report.definition_list([])
    html = report.render()
    assert "<ul>" not in html
    assert "<dl>" not in html


def test_a_figure_embeds_its_svg_chart_between_description_and_table() -> None:
    from ue_core.io.svg_charts import BarRow, bar_chart

    chart = bar_chart(
        chart_id="scores",
        title="Scores",
        description="One bar.",
        rows=[BarRow("A", (2.0,), "2.0")],
        axis_title="Score",
    )
    report = HtmlReport("Report")
    report.figure("One bar.", pd.DataFrame({"Principle": ["A"], "Score": [2.0]}), "Scores", chart)
    html = report.render()
    figure = html[html.index("<figure>") : html.index("</figure>")]
    assert figure.index("<p>One bar.</p>") < figure.index("<svg xmlns=") < figure.index("<table>")
    assert 'role="img"' in figure and "<title" in figure and "<desc" in figure
    assert "<script" not in html
    assert "print-color-adjust: exact" in html
