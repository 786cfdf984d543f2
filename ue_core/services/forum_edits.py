"""Hub staff keep the forum register (``MANAGE_FORUMS``): add a forum, change it, close it
(it stays in the register's history) or reopen it.

Each change is one transaction, audited, and checks the version the person saw. The "last met"
date entered keeps the forum's meetings in step (a later date records a meeting, an earlier one
corrects the latest), so the meetings say when a forum was active (``forums.active_forums``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ue_core import audit
from ue_core.authz import Actor, require_manage_forums
from ue_core.db.engine import Database
from ue_core.db.models import Forum, ForumMeeting, ForumMember, Organisation, utcnow
from ue_core.errors import ConflictError, InputError, NotFound
from ue_core.forum_themes import ForumVocabulary, shipped_forum_vocabulary
from ue_core.forums import SETTABLE, ForumStatus, check_web_address
from ue_core.services.forums import (
    ForumDraft,
    ForumSummary,
    all_summaries,
    organisation_names,
    split_keys,
)

MAX_NAME: Final = 200
MAX_DESCRIPTION: Final = 2_000
MAX_JOIN_TEXT: Final = 1_000
STALE_FORUM: Final = (
    "Someone else changed this forum after you opened it, so your change was not saved. "
    "Their version is shown; check it and make your change again."
)


# --- Changing ---------------------------------------------------------------------------------


def check_forum(
    draft: ForumDraft, today: date, vocabulary: ForumVocabulary
) -> tuple[str, str, str, str]:
    """Raise InputError saying what to change; returns the tidied name, description, how to
    join and web address."""
    name = " ".join(draft.name.split())
    if not name:
        raise InputError("Enter the forum's name.")
    if len(name) > MAX_NAME:
        raise InputError(f"The name must be {MAX_NAME} characters or fewer.")
    description = draft.description.strip()
    if len(description) > MAX_DESCRIPTION:
        raise InputError(f"The description must be {MAX_DESCRIPTION:,} characters or fewer.")
    if draft.host_organisation_id is None:
        raise InputError("Choose the organisation that hosts the forum.")
    if not draft.themes:
        raise InputError("Choose at least one theme the forum covers.")
    if set(draft.themes) - set(vocabulary.theme_keys()):
        raise InputError("Choose the forum's themes from the list.")
    if not draft.attendees:
        raise InputError("Choose who attends the forum: at least one kind of producer or user.")
    if set(draft.attendees) - set(vocabulary.attendee_keys()):
        raise InputError("Choose who attends from the list.")
    if draft.frequency not in vocabulary.frequency_keys():
        raise InputError("Choose how often the forum meets.")
    if draft.last_met is not None and draft.last_met > today:
        raise InputError("The date it last met cannot be in the future.")
    if draft.status_set is not None and draft.status_set not in SETTABLE:
        raise InputError("Choose a status: worked out from its meetings, active or lapsed.")
    join_text = draft.join_text.strip()
    if len(join_text) > MAX_JOIN_TEXT:
        raise InputError(f"How to join must be {MAX_JOIN_TEXT:,} characters or fewer.")
    join_url = check_web_address(draft.join_url)
    if not (join_text or join_url):
        raise InputError("Say how to join the forum, or give its web address, or both.")
    return name, description, join_text, join_url


def _check_organisations(session: Session, draft: ForumDraft) -> tuple[int, ...]:
    """The member organisations (the host left out), each checked to exist."""
    wanted = {draft.host_organisation_id, *draft.member_organisation_ids}
    known = set(session.scalars(select(Organisation.id).where(Organisation.id.in_(wanted))).all())
    if wanted - known:
        raise InputError("Choose the organisations from the list; one of them is not there.")
    return tuple(sorted(set(draft.member_organisation_ids) - {draft.host_organisation_id}))


def _check_name_free(session: Session, name: str, forum_id: int | None) -> None:
    clash = session.scalar(
        select(Forum.id).where(
            func.lower(Forum.name) == name.casefold(), Forum.id != (forum_id or 0)
        )
    )
    if clash is not None:
        raise InputError(f"The register already has a forum called {name}: choose another name.")


def _values(session: Session, forum: Forum) -> dict[str, Any]:
    """A forum's values as audited, and as shown to a person whose save clashed."""
    vocabulary = shipped_forum_vocabulary()
    names = organisation_names(session)
    members = session.scalars(
        select(ForumMember.organisation_id).where(ForumMember.forum_id == forum.id)
    ).all()
    last = session.scalar(
        select(func.max(ForumMeeting.met_on)).where(ForumMeeting.forum_id == forum.id)
    )
    return {
        "name": forum.name,
        "description": forum.description,
        "host": names.get(forum.host_organisation_id, ""),
        "members": ", ".join(sorted(names.get(i, "") for i in members)),
        "themes": ", ".join(vocabulary.theme_label(k) for k in split_keys(forum.themes)),
        "who attends": ", ".join(vocabulary.attendee_label(k) for k in split_keys(forum.attendees)),
        "meets": vocabulary.frequency_label(forum.frequency),
        "last met": last.isoformat() if last else None,
        "how to join": forum.join_text,
        "web address": forum.join_url,
        "status set": ForumStatus(forum.status_set).label if forum.status_set else None,
        "closed on": forum.closed_on.isoformat() if forum.closed_on else None,
    }


def _record_last_met(session: Session, actor: Actor, forum_id: int, met: date | None) -> None:
    """Keep the meetings in step with the "last met" date entered.

    A later date than the latest recorded is a new meeting; an earlier one corrects the latest
    (it replaces it); the same date, or none, changes nothing.
    """
    if met is None:
        return
    latest = session.scalars(
        select(ForumMeeting)
        .where(ForumMeeting.forum_id == forum_id)
        .order_by(ForumMeeting.met_on.desc())
        .limit(1)
    ).first()
    if latest is not None and latest.met_on == met:
        return
    if latest is not None and met < latest.met_on:
        session.delete(latest)
        session.flush()
        if session.scalar(
            select(ForumMeeting.id).where(
                ForumMeeting.forum_id == forum_id, ForumMeeting.met_on == met
            )
        ):
            return
    session.add(
        ForumMeeting(
            forum_id=forum_id,
            met_on=met,
            recorded_by_id=None if actor.is_system else actor.user_id,
        )
    )


def _apply(forum: Forum, draft: ForumDraft, checked: tuple[str, str, str, str]) -> None:
    name, description, join_text, join_url = checked
    assert draft.host_organisation_id is not None
    forum.name = name
    forum.description = description
    forum.host_organisation_id = draft.host_organisation_id
    forum.themes = ",".join(dict.fromkeys(draft.themes))
    forum.attendees = ",".join(dict.fromkeys(draft.attendees))
    forum.frequency = draft.frequency
    forum.join_text = join_text
    forum.join_url = join_url
    forum.status_set = draft.status_set.value if draft.status_set else None
    forum.updated_at = utcnow()


def _set_members(session: Session, forum_id: int, members: Sequence[int]) -> None:
    existing = {
        row.organisation_id: row
        for row in session.scalars(select(ForumMember).where(ForumMember.forum_id == forum_id))
    }
    for organisation_id, row in existing.items():
        if organisation_id not in members:
            session.delete(row)
    for organisation_id in members:
        if organisation_id not in existing:
            session.add(ForumMember(forum_id=forum_id, organisation_id=organisation_id))


def add_forum(db: Database, actor: Actor, draft: ForumDraft, today: date) -> int:
    """Add a forum to the register; returns its id."""
    require_manage_forums(actor)
    checked = check_forum(draft, today, shipped_forum_vocabulary())
    with db.transaction() as session:
        members = _check_organisations(session, draft)
        _check_name_free(session, checked[0], None)
        forum = Forum()
        _apply(forum, draft, checked)
        session.add(forum)
        session.flush()
        _set_members(session, forum.id, members)
        _record_last_met(session, actor, forum.id, draft.last_met)
        session.flush()
        audit.record(session, actor, "add_forum", "forum", forum.id, after=_values(session, forum))
        return forum.id


def _forum_for_change(session: Session, forum_id: int, expected_version: int) -> Forum:
    forum = session.get(Forum, forum_id)
    if forum is None:
        raise NotFound("That forum is not in the register.")
    if forum.version != expected_version:
        raise ConflictError(STALE_FORUM, current=_values(session, forum))
    return forum


def update_forum(
    db: Database,
    actor: Actor,
    forum_id: int,
    draft: ForumDraft,
    today: date,
    *,
    expected_version: int,
) -> int:
    """Change a forum. ``expected_version`` is the version the person was looking at; returns
    the new version."""
    require_manage_forums(actor)
    checked = check_forum(draft, today, shipped_forum_vocabulary())
    with db.transaction() as session:
        forum = _forum_for_change(session, forum_id, expected_version)
        members = _check_organisations(session, draft)
        _check_name_free(session, checked[0], forum_id)
        before = _values(session, forum)
        _apply(forum, draft, checked)
        _set_members(session, forum_id, members)
        _record_last_met(session, actor, forum_id, draft.last_met)
        session.flush()
        audit.record(
            session, actor, "update_forum", "forum", forum_id, before, _values(session, forum)
        )
        return forum.version


def close_forum(
    db: Database, actor: Actor, forum_id: int, today: date, *, expected_version: int
) -> int:
    """Close a forum that no longer meets: it leaves the register but keeps its history."""
    require_manage_forums(actor)
    with db.transaction() as session:
        forum = _forum_for_change(session, forum_id, expected_version)
        if forum.closed_on is not None:
            raise InputError("This forum is already closed.")
        forum.closed_on = today
        forum.updated_at = utcnow()
        session.flush()
        audit.record(
            session, actor, "close_forum", "forum", forum_id, after={"closed on": today.isoformat()}
        )
        return forum.version


def reopen_forum(db: Database, actor: Actor, forum_id: int, *, expected_version: int) -> int:
    """Put a closed forum back on the register."""
    require_manage_forums(actor)
    with db.transaction() as session:
        forum = _forum_for_change(session, forum_id, expected_version)
        if forum.closed_on is None:
            raise InputError("This forum is not closed.")
        before = {"closed on": forum.closed_on.isoformat()}
        forum.closed_on = None
        forum.updated_at = utcnow()
        session.flush()
        audit.record(session, actor, "reopen_forum", "forum", forum_id, before=before)
        return forum.version


def forum_edit_choices(db: Database, actor: Actor, today: date) -> list[ForumSummary]:
    """Every forum, closed ones too, by name: what hub staff choose from to change."""
    require_manage_forums(actor)
    with db.read() as session:
        return all_summaries(session, today)
