"""Shared pieces of the self-assessment screens: team choice, level options, answer wording."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import streamlit as st

from ue_core.code_of_practice import EditionNumber, shipped_code_of_practice
from ue_core.framework import Framework
from ue_core.scoring import LEVEL_NAMES
from ue_core.services.assessments import (
    Answer,
    PracticeItem,
    PrincipleProgress,
    Progress,
)
from ue_core.timefmt import format_date
from ue_core.vocabulary import EVIDENCE_STRENGTH_LABELS, EvidenceStrength
from ui.text import link, plain

#: The radio option that stands for "not applicable" next to levels 1 to 5.
NOT_APPLICABLE = 0
LEVEL_OPTIONS: tuple[int, ...] = (1, 2, 3, 4, 5, NOT_APPLICABLE)
STRENGTH_OPTIONS: tuple[EvidenceStrength, ...] = tuple(EvidenceStrength)
#: Session key holding the team chosen on any assessment screen, shared by all three.
DATE_FORMAT = "DD/MM/YYYY"


def level_label(item: PracticeItem, option: int) -> str:
    """'3 Learning: <descriptor>' for a level, or 'Not applicable'."""
    if option == NOT_APPLICABLE:
        return "Not applicable to our statistics"
    return f"{option} {LEVEL_NAMES[option]}: {plain(item.levels[option])}"


def option_for(answer: Answer | None) -> int | None:
    """The radio option that shows ``answer`` (None when there is no level and no 'N/A')."""
    if answer is None:
        return None
    if answer.not_applicable:
        return NOT_APPLICABLE
    return answer.level


def describe_answer(answer: Answer | None) -> str:
    """A short plain-text summary: '4 Developing', 'Not applicable' or 'Not answered yet'."""
    if answer is None or (answer.level is None and not answer.not_applicable):
        return "Not answered yet"
    if answer.not_applicable:
        return "Not applicable"
    assert answer.level is not None
    return f"{answer.level} {LEVEL_NAMES[answer.level]}"


def describe_evidence(answer: Answer | None) -> str:
    """'Documented, dated 3 March 2026' (the parts that are known), or ''."""
    if answer is None:
        return ""
    parts = []
    if answer.evidence_strength is not None:
        parts.append(EVIDENCE_STRENGTH_LABELS[answer.evidence_strength])
    if answer.evidence_date is not None:
        parts.append(f"dated {format_date(answer.evidence_date)}")
    return ", ".join(parts)


def progress_sentence(progress: Sequence[PrincipleProgress], verb: str = "rated") -> str:
    answered = sum(p.answered for p in progress)
    total = sum(p.total for p in progress)
    noun = "practice" if total == 1 else "practices"
    return f"{answered} of {total} {noun} {verb}."


def first_unfinished(progress: Sequence[PrincipleProgress]) -> str | None:
    """The first principle not yet completed (where to resume), or None when all are done."""
    for principle in progress:
        if principle.status is not Progress.COMPLETED:
            return principle.key
    return None


def references_markdown(item: PracticeItem, framework: Framework) -> str:
    """The practice's Code of Practice references and source links, as Markdown.

    Each Code reference shows its edition, ID and short title, with a link to the principle or
    standard it belongs to, so that a reader can check it.
    """
    code = shipped_code_of_practice()
    titles = {str(source.url): source.title for source in framework.sources}
    lines = []
    editions: tuple[tuple[EditionNumber, str, tuple[str, ...]], ...] = (
        ("2.1", "principle", item.code_2_1),
        ("3.0", "standard", item.code_3_0),
    )
    for edition, group_noun, refs in editions:
        if refs:
            lines.append(f"- Code of Practice for Statistics, edition {edition}:")
        for ref in refs:
            try:
                listed = code.reference(edition, ref)
            except KeyError:
                lines.append(f"    - {plain(ref)} (no longer in the workbench's list of practices)")
                continue
            group = link(
                f"{group_noun} {listed.group_id} {listed.group_title}", str(listed.source_url)
            )
            if listed.id == listed.group_id:
                lines.append(f"    - {group}")
            else:
                lines.append(f"    - {plain(listed.label)}, under {group}")
    if item.sources:
        lines.append("- Sources:")
    for url in item.sources:
        title = titles.get(url, url)
        lines.append(f"    - {link(title, url)}")
    return "\n".join(lines)


def conflict_rows(current: dict[str, object], mine: Answer) -> dict[str, list[str]]:
    """The saved values next to the ones the person tried to save, for st.table."""
    level = current.get("level")
    theirs = Answer(
        level=int(level) if isinstance(level, int) else None,
        not_applicable=bool(current.get("not_applicable")),
        reason=str(current.get("reason") or ""),
        evidence=str(current.get("evidence") or ""),
        evidence_date=date.fromisoformat(str(current["evidence_date"]))
        if current.get("evidence_date")
        else None,
        evidence_strength=EvidenceStrength(str(current["evidence_strength"]))
        if current.get("evidence_strength")
        else None,
    )

    def values(answer: Answer) -> list[str]:
        return [
            describe_answer(answer),
            answer.reason or "None",
            answer.evidence or "None",
            format_date(answer.evidence_date) or "None",
            EVIDENCE_STRENGTH_LABELS[answer.evidence_strength]
            if answer.evidence_strength
            else "None",
        ]

    return {
        "Field": ["Level", "Reason or note", "Evidence", "Evidence date", "Evidence strength"],
        "Saved version": values(theirs),
        "Your change (not saved)": values(mine),
    }


#: Streamlit draws a date as day, month and year segments only as wide as their digits, which
#: fails WCAG 2.2's 24 by 24 pixel target size (axe "target-size") once a date is filled in.
_DATE_SEGMENT_CSS = (
    "<style>"
    '[data-testid="stDateInput"] [role="spinbutton"]'
    "{display:inline-block;min-width:24px;min-height:24px;line-height:24px;text-align:center}"
    "</style>"
)


def accessible_date_inputs() -> None:
    """Give date segments a 24 by 24 pixel target. Static CSS: no user text goes in here."""
    st.html(_DATE_SEGMENT_CSS)
