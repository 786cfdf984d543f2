"""The fields of an action, the same when adding one and when changing it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from ue_core.errors import InputError
from ue_core.scoring import LEVEL_NAMES
from ue_core.services import actions
from ue_core.services.actions import ActionDraft, ActionPlan
from ue_core.vocabulary import ACTION_STATUS_LABELS, ActionStatus
from ui.text import plain

LEVELS: list[int | None] = [None, 1, 2, 3, 4, 5]
STATUSES = list(ActionStatus)
FIELD_NAMES = ("practice", "description", "owner", "status", "intended")


def level_label(level: int | None) -> str:
    return "No level" if level is None else f"{level} {LEVEL_NAMES[level]}"


def intended_label(level: int | None) -> str:
    return "Not set" if level is None else level_label(level)


def practice_label(plan: ActionPlan, practice_id: int) -> str:
    practice = plan.practice(practice_id)
    if practice.not_applicable:
        now = "not applicable"
    elif practice.level is None:
        now = "no agreed level"
    else:
        now = f"now {level_label(practice.level)}"
    return f"{practice.principle_title}: {practice.title} ({now})"


def due_date_fields(key: str, value: date | None) -> tuple[str, str, str]:
    """A GOV.UK-style date input: day, month and year boxes (the date picker fails WCAG 2.2's
    target size rule, and typing a date is quicker)."""
    st.markdown("**Due date**")
    st.caption("For example, 31 3 2027. Leave all three boxes empty if there is no due date.")
    day_column, month_column, year_column, _ = st.columns([1, 1, 1.4, 3])
    boxes = [
        column.text_input(
            plain(f"Due {part}"), value=str(shown or ""), max_chars=width, key=f"{key}_{part}"
        )
        for column, part, shown, width in (
            (day_column, "day", value.day if value else None, 2),
            (month_column, "month", value.month if value else None, 2),
            (year_column, "year", value.year if value else None, 4),
        )
    ]
    return boxes[0], boxes[1], boxes[2]


@dataclass(frozen=True)
class ActionFields:
    """What the person entered; ``draft()`` checks the due date (raising InputError)."""

    practice_id: int | None
    description: str
    owner: str
    due_parts: tuple[str, str, str]
    status: ActionStatus
    intended_level: int | None

    def draft(self) -> ActionDraft:
        if self.practice_id is None:
            raise InputError("Choose the practice this action will improve.")
        return ActionDraft(
            practice_id=int(self.practice_id),
            description=self.description,
            owner=self.owner,
            due_on=actions.parse_due_date(*self.due_parts),
            status=self.status,
            intended_level=self.intended_level,
        )


def field_keys(mode: str, ident: int) -> list[str]:
    """The widget keys of one form, to clear it after adding."""
    return [f"{mode}_{name}_{ident}" for name in FIELD_NAMES] + [
        f"{mode}_due_{ident}_{part}" for part in ("day", "month", "year")
    ]


def action_fields(
    plan: ActionPlan, mode: str, ident: int, start: ActionDraft, *, choose_practice: bool
) -> ActionFields:
    """The fields inside a form, filled from ``start``; ``choose_practice`` leaves it empty."""
    practice_ids = [p.id for p in plan.practices]
    practice_id = st.selectbox(
        "Practice",
        options=practice_ids,
        index=None if choose_practice else practice_ids.index(start.practice_id),
        placeholder="Choose the practice this action will improve",
        format_func=lambda pid: practice_label(plan, pid),
        key=f"{mode}_practice_{ident}",
    )
    description = st.text_area(
        "What will you do?",
        value=start.description,
        max_chars=actions.MAX_DESCRIPTION,
        help="For example, 'Set up a user panel and meet it every quarter'.",
        key=f"{mode}_description_{ident}",
    )
    owner = st.text_input(
        "Owner",
        value=start.owner,
        max_chars=actions.MAX_OWNER,
        help="The person who will make sure it happens.",
        key=f"{mode}_owner_{ident}",
    )
    due_parts = due_date_fields(f"{mode}_due_{ident}", start.due_on)
    status = st.selectbox(
        "Status",
        options=STATUSES,
        index=STATUSES.index(start.status),
        format_func=ACTION_STATUS_LABELS.__getitem__,
        key=f"{mode}_status_{ident}",
    )
    intended = st.selectbox(
        "Level you want the practice to reach",
        options=LEVELS,
        index=LEVELS.index(start.intended_level),
        format_func=intended_label,
        help="Used to project your scores if the plan works.",
        key=f"{mode}_intended_{ident}",
    )
    return ActionFields(
        practice_id, description, owner, due_parts, status or start.status, intended
    )
