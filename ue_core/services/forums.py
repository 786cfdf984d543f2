"""The register of theme-based user groups and forums, which the hub keeps to join them up.

Everyone signed in searches and filters the register and reads a forum's details; hub staff
(``MANAGE_FORUMS``) add forums, change them and close them (a closed forum stays in the
register's history). Each change is one transaction, audited, and checks the version the person
saw. A forum's status is worked out by ``ue_core.forums``; the days it met are kept, so
``active_forums`` can say which forums were active in any period (for the progress report).
Hub staff's changes are in ``forum_edits``, successes in ``forum_successes``, the join-up view
and a team's suggestions in ``forum_join_up``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ue_core.authz import (
    Actor,
    Permission,
    can_record_forum_success,
    require_view_forums,
)
from ue_core.db.engine import Database
from ue_core.db.models import Forum, ForumMeeting, ForumMember, ForumSuccess, Organisation
from ue_core.errors import InputError, NotFound
from ue_core.forum_themes import ForumVocabulary, shipped_forum_vocabulary
from ue_core.forums import (
    ForumStatus,
    active_in_period,
    forum_status,
)

MAX_SEARCH: Final = 200


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


def split_keys(stored: str) -> tuple[str, ...]:
    """The keys of a stored comma-separated list."""
    return tuple(key for key in stored.split(",") if key)


def organisation_names(session: Session) -> dict[int, str]:
    """Every organisation's name by id (inside a service's session, after its check)."""
    return {i: name for i, name in session.execute(select(Organisation.id, Organisation.name))}


def summaries(
    session: Session, forums: Sequence[Forum], today: date, vocabulary: ForumVocabulary
) -> list[ForumSummary]:
    """The register's rows for loaded forums (the caller has checked access), in order given."""
    ids = [f.id for f in forums]
    names = organisation_names(session)
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
        themes, attendees = split_keys(forum.themes), split_keys(forum.attendees)
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
        names = organisation_names(session)
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
