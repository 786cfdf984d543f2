"""Read across: themes by the answers to a closed question, with small counts suppressed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import pandas as pd

from ue_core.authz import Actor, Permission, require
from ue_core.db.engine import Database
from ue_core.db.models import (
    ThemeSet,
)
from ue_core.disclosure import suppress_counts
from ue_core.errors import NotFound
from ue_core.services.surveys._shared import _set_themes, _set_top_themes
from ue_core.services.surveys.views import CodedAnswer, _coded

SUPPRESSED: Final = "[c]"

#: The two levels a read across can be by: sub-themes, or top-level themes.
SUB: Final = "sub"
TOP: Final = "top"


SUPPRESSED_NOTE: Final = (
    "[c] means fewer than 5 answers, so the figure is not shown to protect respondents. Where "
    "only one figure in a group would be hidden, the next smallest is hidden too, so it cannot "
    "be worked out from the group's total."
)


@dataclass(frozen=True)
class ReadAcross:
    """Themes by the answers to one closed question, with small counts suppressed.

    ``counts[(theme, category)]`` is ``None`` when suppressed (1 to 4 answers). ``percent`` is the
    share of that category's themed answers in the theme, also ``None`` when suppressed.
    """

    question: str
    themes: tuple[str, ...]
    categories: tuple[str, ...]
    counts: dict[tuple[str, str], int | None]
    percent: dict[tuple[str, str], float | None]
    category_totals: dict[str, int]

    @property
    def any_suppressed(self) -> bool:
        return any(value is None for value in self.counts.values())

    def table(self) -> pd.DataFrame:
        """One row per theme and category, as text: counts, percentages and [c]."""
        rows = []
        for theme in self.themes:
            for category in self.categories:
                count = self.counts[(theme, category)]
                share = self.percent[(theme, category)]
                rows.append(
                    {
                        "Theme": theme,
                        self.question: category,
                        "Answers": SUPPRESSED if count is None else str(count),
                        "Percentage of answers": SUPPRESSED if share is None else f"{share:.0f}%",
                    }
                )
        return pd.DataFrame(rows)

    def wide_table(self) -> pd.DataFrame:
        """Themes down, categories across; each cell 'count (percent)' or [c]."""
        data: dict[str, list[str]] = {"Theme": list(self.themes)}
        for category in self.categories:
            cells = []
            for theme in self.themes:
                count = self.counts[(theme, category)]
                share = self.percent[(theme, category)]
                cells.append(
                    SUPPRESSED if count is None or share is None else f"{count} ({share:.0f}%)"
                )
            data[f"{category} (answers {self.category_totals[category]})"] = cells
        return pd.DataFrame(data)


def read_across(
    db: Database, actor: Actor, set_id: int, closed_question: str, *, level: str = SUB
) -> ReadAcross:
    """Themes by the answers to a closed question: counts, percentages, [c] for 1 to 4.

    ``level`` is ``"sub"`` for sub-themes or ``"top"`` for top-level themes.
    """
    require(actor, Permission.ANALYSE_SURVEYS)
    if level not in (SUB, TOP):
        raise ValueError(f"Unknown theme level {level!r}")
    with db.read() as session:
        themes = _set_themes(session, set_id)
        if not themes and session.get(ThemeSet, set_id) is None:
            raise NotFound("That theme set no longer exists. Reload the page.")
        labels = (
            [t.label for t in _set_top_themes(session, set_id)]
            if level == TOP
            else [t.label for t in themes]
        )
        coded = _coded(session, set_id)
    return _read_across(coded, labels, closed_question, top=level == TOP)


def _read_across(
    coded: list[CodedAnswer], labels: list[str], question: str, *, top: bool = False
) -> ReadAcross:
    counts: dict[tuple[str, str], int] = {}
    totals: dict[str, int] = {}
    for answer in coded:
        label = answer.top_theme_label if top else answer.theme_label
        if label is None or answer.not_relevant:
            continue
        category = answer.closed_answers.get(question, "").strip() or "No answer"
        counts[(label, category)] = counts.get((label, category), 0) + 1
        totals[category] = totals.get(category, 0) + 1
    categories = tuple(sorted(totals, key=lambda c: (c == "No answer", -totals[c], c)))
    shown: dict[tuple[str, str], int | None] = {}
    percent: dict[tuple[str, str], float | None] = {}
    for category in categories:
        # Each group's total is shown, so one hidden count in a group takes another with it.
        column = suppress_counts({label: counts.get((label, category), 0) for label in labels})
        for label in labels:
            count = column[label]
            shown[(label, category)] = count
            percent[(label, category)] = None if count is None else 100.0 * count / totals[category]
    return ReadAcross(question, tuple(labels), categories, shown, percent, totals)
