"""The register of theme-based user groups and forums, which the hub keeps to join them up.

Everyone signed in searches and filters the register and reads a forum's details; hub staff
(``MANAGE_FORUMS``) add forums, change them and close them (a closed forum stays in the
register's history). Each change is one transaction, audited, and checks the version the person
saw. A forum's status is worked out by ``ue_core.forums``; the days it met are kept, so
``active_forums`` can say which forums were active in any period (for the progress report).
Successes are in ``forum_successes``, the join-up view and a team's suggestions in
``forum_join_up``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ue_core import audit
from ue_core.authz import (
    Actor,
    Permission,
    can_record_forum_success,
    require_manage_forums,
    require_view_forums,
)
from ue_core.db.engine import Database
from ue_core.db.models import Forum, ForumMeeting, ForumMember, ForumSuccess, Organisation, utcnow
from ue_core.errors import ConflictError, InputError, NotFound
from ue_core.forum_themes import ForumVocabulary, shipped_forum_vocabulary
from ue_core.forums import (
    SETTABLE,
    ForumStatus,
    active_in_period,
    check_web_address,
    forum_status,
)

MAX_NAME: Final = 200
MAX_DESCRIPTION: Final = 2_000
MAX_JOIN_TEXT: Final = 1_000
MAX_SEARCH: Final = 200
STALE_FORUM: Final = (
    "Someone else changed this forum after you opened it, so your change was not saved. "
    "Their version is shown; check it and make your change again."
)


@dataclass(frozen=True)
class ForumDraft:
    """What hub staff enter for a forum. ``status_set`` None lets the meetings decide."""

    name: str
    description: str
    host_organisation_id: int | None
    member_organisation_ids: tuple[int, ...]
    themes: tuple[str, ...]
    attendees: tuple[str, ...]
    frequency: str
    last_met: date | None
    join_text: str
    join_url: str
    status_set: ForumStatus | None = None


@dataclass(frozen=True)
class ForumSummary:
    """One forum as the register lists it."""

    id: int
    name: str
    description: str
    host_organisation_id: int
    host: str
    members: tuple[tuple[int, str], ...]  # (organisation id, name), by name
    themes: tuple[str, ...]
    theme_labels: tuple[str, ...]
    attendees: tuple[str, ...]
    attendee_labels: tuple[str, ...]
    frequency: str
    frequency_label: str
    last_met: date | None
    join_text: str
    join_url: str
    status: ForumStatus
    status_set: ForumStatus | None
    closed_on: date | None
    successes: int
    updated_at: datetime
    version: int

    @property
    def organisation_ids(self) -> frozenset[int]:
        """The host and the member organisations."""
        return frozenset({self.host_organisation_id, *(i for i, _ in self.members)})

    @property
    def member_names(self) -> tuple[str, ...]:
        return tuple(name for _, name in self.members)

    def draft(self) -> ForumDraft:
        """The forum's values as the edit form starts from."""
        return ForumDraft(
            name=self.name,
            description=self.description,
            host_organisation_id=self.host_organisation_id,
            member_organisation_ids=tuple(i for i, _ in self.members),
            themes=self.themes,
            attendees=self.attendees,
            frequency=self.frequency,
            last_met=self.last_met,
            join_text=self.join_text,
            join_url=self.join_url,
            status_set=self.status_set,
        )


@dataclass(frozen=True)
class SuccessView:
    id: int
    forum_id: int
    forum_name: str
    text: str
    achieved_on: date
    link: str
    suggested_case_study: bool
    recorded_at: datetime
    version: int


@dataclass(frozen=True)
class ForumDetail:
    forum: ForumSummary
    meetings: tuple[date, ...]  # newest first
    successes: tuple[SuccessView, ...]  # newest first
    can_edit: bool
    can_record_success: bool


@dataclass(frozen=True)
class ActiveForums:
    """The forums active at some time in a period (the progress report's figure)."""

    start: date
    end: date
    forums: tuple[ForumSummary, ...]

    @property
    def count(self) -> int:
        return len(self.forums)


# --- Reading ----------------------------------------------------------------------------------


def _split_keys(stored: str) -> tuple[str, ...]:
    return tuple(key for key in stored.split(",") if key)


def _organisation_names(session: Session) -> dict[int, str]:
    return {i: name for i, name in session.execute(select(Organisation.id, Organisation.name))}


def summaries(
    session: Session, forums: Sequence[Forum], today: date, vocabulary: ForumVocabulary
) -> list[ForumSummary]:
    """The register's rows for loaded forums (the caller has checked access), in order given."""
    ids = [f.id for f in forums]
    names = _organisation_names(session)
    members: dict[int, list[int]] = defaultdict(list)
    last_met: dict[int, date] = {}
    successes: dict[int, int] = {}
    if ids:
        for forum_id, organisation_id in session.execute(
            select(ForumMember.forum_id, ForumMember.organisation_id).where(
                ForumMember.forum_id.in_(ids)
            )
        ):
            members[forum_id].append(organisation_id)
        last_met = {
            forum_id: met
            for forum_id, met in session.execute(
                select(ForumMeeting.forum_id, func.max(ForumMeeting.met_on))
                .where(ForumMeeting.forum_id.in_(ids))
                .group_by(ForumMeeting.forum_id)
            )
        }
        successes = {
            forum_id: count
            for forum_id, count in session.execute(
                select(ForumSuccess.forum_id, func.count())
                .where(ForumSuccess.forum_id.in_(ids))
                .group_by(ForumSuccess.forum_id)
            )
        }
    rows = []
    for forum in forums:
        themes, attendees = _split_keys(forum.themes), _split_keys(forum.attendees)
        status_set = ForumStatus(forum.status_set) if forum.status_set else None
        met = last_met.get(forum.id)
        rows.append(
            ForumSummary(
                id=forum.id,
                name=forum.name,
                description=forum.description,
                host_organisation_id=forum.host_organisation_id,
                host=names.get(forum.host_organisation_id, ""),
                members=tuple(
                    sorted(
                        ((i, names.get(i, "")) for i in members[forum.id]),
                        key=lambda m: m[1].casefold(),
                    )
                ),
                themes=themes,
                theme_labels=tuple(vocabulary.theme_label(k) for k in themes),
                attendees=attendees,
                attendee_labels=tuple(vocabulary.attendee_label(k) for k in attendees),
                frequency=forum.frequency,
                frequency_label=vocabulary.frequency_label(forum.frequency),
                last_met=met,
                join_text=forum.join_text,
                join_url=forum.join_url,
                status=forum_status(
                    closed_on=forum.closed_on,
                    status_set=status_set,
                    last_met=met,
                    lapses_after_days=vocabulary.lapses_after_days(forum.frequency),
                    today=today,
                ),
                status_set=status_set,
                closed_on=forum.closed_on,
                successes=successes.get(forum.id, 0),
                updated_at=forum.updated_at,
                version=forum.version,
            )
        )
    return rows


def all_summaries(session: Session, today: date) -> list[ForumSummary]:
    """Every forum of the register, closed ones too, by name (after the caller's check)."""
    forums = session.scalars(select(Forum).order_by(func.lower(Forum.name), Forum.id)).all()
    return summaries(session, forums, today, shipped_forum_vocabulary())


def _matches(row: ForumSummary, words: Sequence[str]) -> bool:
    haystack = " ".join(
        (row.name, row.description, row.host, *row.member_names, *row.theme_labels, row.join_text)
    ).casefold()
    return all(word in haystack for word in words)


def forum_register(
    db: Database,
    actor: Actor,
    today: date,
    *,
    text: str = "",
    theme: str | None = None,
    organisation_id: int | None = None,
    status: ForumStatus | None = None,
) -> list[ForumSummary]:
    """The register, by name: forums whose words hold every word of ``text`` (name,
    description, organisations, themes, how to join), on ``theme``, with ``organisation_id``
    as host or member, and of ``status``. Closed forums show only when ``status`` asks."""
    require_view_forums(actor)
    if len(text) > MAX_SEARCH:
        raise InputError(f"Search for {MAX_SEARCH} characters or fewer.")
    words = text.casefold().split()
    with db.read() as session:
        rows = all_summaries(session, today)
    return [
        row
        for row in rows
        if (row.status is status if status else row.status is not ForumStatus.CLOSED)
        and (theme is None or theme in row.themes)
        and (organisation_id is None or organisation_id in row.organisation_ids)
        and _matches(row, words)
    ]


def forum_organisations(db: Database, actor: Actor) -> dict[int, str]:
    """Every organisation by name, for the register's filter and the hub's form."""
    require_view_forums(actor)
    with db.read() as session:
        names = _organisation_names(session)
    return dict(sorted(names.items(), key=lambda item: item[1].casefold()))


def _forum(session: Session, forum_id: int) -> Forum:
    forum = session.get(Forum, forum_id)
    if forum is None:
        raise NotFound("That forum is not in the register.")
    return forum


def success_views(session: Session, forum_ids: Iterable[int]) -> list[SuccessView]:
    """The successes of the forums, newest first (after the caller's access check)."""
    rows = session.execute(
        select(ForumSuccess, Forum.name)
        .join(Forum, ForumSuccess.forum_id == Forum.id)
        .where(ForumSuccess.forum_id.in_(list(forum_ids)))
        .order_by(ForumSuccess.achieved_on.desc(), ForumSuccess.id.desc())
    ).all()
    return [
        SuccessView(
            id=row.id,
            forum_id=row.forum_id,
            forum_name=name,
            text=row.text,
            achieved_on=row.achieved_on,
            link=row.link,
            suggested_case_study=row.suggested_case_study,
            recorded_at=row.recorded_at,
            version=row.version,
        )
        for row, name in rows
    ]


def forum_detail(db: Database, actor: Actor, forum_id: int, today: date) -> ForumDetail:
    """One forum with every day it met and its successes."""
    require_view_forums(actor)
    with db.read() as session:
        forum = _forum(session, forum_id)
        (summary,) = summaries(session, [forum], today, shipped_forum_vocabulary())
        meetings = session.scalars(
            select(ForumMeeting.met_on)
            .where(ForumMeeting.forum_id == forum_id)
            .order_by(ForumMeeting.met_on.desc())
        ).all()
        return ForumDetail(
            forum=summary,
            meetings=tuple(meetings),
            successes=tuple(success_views(session, [forum_id])),
            can_edit=actor.can(Permission.MANAGE_FORUMS),
            can_record_success=can_record_forum_success(actor, forum.host_organisation_id),
        )


def active_forums(db: Database, actor: Actor, start: date, end: date) -> ActiveForums:
    """The forums active at some time from ``start`` to ``end`` (both included), by name.

    Active means it met in the period, or met recently enough before it that it had not yet
    lapsed (``ue_core.forums.active_in_period``); each forum is shown with its status on ``end``.
    """
    require_view_forums(actor)
    if end < start:
        raise InputError("The end of the period must be on or after its start.")
    vocabulary = shipped_forum_vocabulary()
    with db.read() as session:
        forums = session.scalars(select(Forum).order_by(func.lower(Forum.name), Forum.id)).all()
        meetings: dict[int, list[date]] = defaultdict(list)
        for forum_id, met_on in session.execute(
            select(ForumMeeting.forum_id, ForumMeeting.met_on).where(ForumMeeting.met_on <= end)
        ):
            meetings[forum_id].append(met_on)
        active = [
            forum
            for forum in forums
            if active_in_period(
                meetings[forum.id],
                vocabulary.lapses_after_days(forum.frequency),
                forum.closed_on,
                start,
                end,
            )
        ]
        rows = summaries(session, active, end, vocabulary)
    return ActiveForums(start=start, end=end, forums=tuple(rows))


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
    names = _organisation_names(session)
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
        "themes": ", ".join(vocabulary.theme_label(k) for k in _split_keys(forum.themes)),
        "who attends": ", ".join(
            vocabulary.attendee_label(k) for k in _split_keys(forum.attendees)
        ),
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
    forum = _forum(session, forum_id)
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
