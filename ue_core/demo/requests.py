"""Demo support requests with their history: triage, status changes, conversation and ratings.

Each request walks the hub's workflow (new, triaged, assigned, in progress, sometimes waiting on
the team and back, resolved, closed) as far as its current status, and every status it entered
is a ``RequestStatusChange``. Times fall in working hours (9:00 to 17:00 UK time) on working
days, skipping weekends and bank holidays in England and Wales (``ue_core.service_levels``).
Most requests meet the service levels of ``data/service_levels.yaml``; some are late to a first
response or to resolution, and some open ones are overdue on the demo's last day.

Along the way the hub confirms practice areas and a priority at triage, replies to the team,
asks questions the team answers, writes internal notes, and records how the help ended; about
two thirds of the teams helped rate it. Recent events reach people's inboxes, read or unread.

Texts come from ``data/demo_requests.yaml``; all randomness from the generator's ``rng``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Final, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from ue_core.db.models import (
    Base,
    Notification,
    RequestMessage,
    RequestPracticeArea,
    RequestStatusChange,
    SupportRequest,
    User,
)
from ue_core.demo.request_text import AREAS, KindReplies, RequestText, shipped_request_texts
from ue_core.demo.request_times import DAY, DONE, Plan, last_minute, moment, plan_walk
from ue_core.demo.rows import Ids, insert_rows, weighted
from ue_core.mail import NotificationKind
from ue_core.service_levels import Targets, shipped_service_levels
from ue_core.timefmt import format_date
from ue_core.vocabulary import RequestStatus as S

__all__ = ["TABLES_WITH_IDS", "RequestHistory", "build_requests"]

Person = tuple[int, str]  # (user id, display name)

#: The tables written here whose ids PostgreSQL's sequences must move past.
TABLES_WITH_IDS: Final[tuple[type[Base], ...]] = (
    SupportRequest,
    RequestStatusChange,
    RequestMessage,
    Notification,
)

#: How often a request is in each status on the demo's last day, in the workflow's order (new,
#: triaged, assigned, in progress, waiting on the team, resolved, closed).
_STATUS_WEIGHTS: Final = tuple(
    zip([s.value for s in S], (0.05, 0.04, 0.05, 0.07, 0.05, 0.24, 0.50), strict=True)
)
#: Who a message is from: the hub to the team, the team to the hub, or an internal note.
HUB, TEAM, NOTE = "hub", "team", "note"
#: Events in the last this many working days reach the inbox (older ones were long since read).
_INBOX_DAYS: Final = 30
_RATINGS_ON_TIME: Final = (("5", 0.4), ("4", 0.38), ("3", 0.15), ("2", 0.05), ("1", 0.02))
_RATINGS_LATE: Final = (("5", 0.1), ("4", 0.2), ("3", 0.3), ("2", 0.25), ("1", 0.15))


class TeamLike(Protocol):
    """What the generator knows of a team: its id and name, lead and members."""

    id: int
    name: str
    is_persona_team: bool
    lead_id: int
    lead_name: str
    member_ids: list[int]
    member_names: list[str]


@dataclass(frozen=True)
class RequestHistory:
    """How many rows were written: requests, status changes, replies, notes, notifications."""

    requests: int
    status_changes: int
    messages: int
    internal_notes: int
    notifications: int

    def lines(self) -> list[str]:
        return [
            f"Support requests: {self.requests:,} ({self.status_changes:,} status changes)",
            f"Request conversations: {self.messages:,} replies, "
            f"{self.internal_notes:,} internal notes; {self.notifications:,} inbox notifications",
        ]


@dataclass(frozen=True)
class _Parties:
    """Who takes part in one request, and the names its texts are filled in with."""

    request_id: int
    team: TeamLike
    requester: Person
    triager: Person
    assignee: Person
    names: dict[str, str]


class _Builder:
    def __init__(
        self, session: Session, rng: random.Random, ids: Ids, consultants: Sequence[Person]
    ) -> None:
        self.session = session
        self.rng = rng
        self.ids = ids
        self.consultants = consultants
        self.texts = shipped_request_texts()
        self.levels = shipped_service_levels()
        self.last_minute = last_minute()
        self.inbox_from = self.last_minute - _INBOX_DAYS * DAY
        self.rows: dict[type[Base], list[dict[str, Any]]] = {
            SupportRequest: [],
            RequestStatusChange: [],
            RequestPracticeArea: [],
            RequestMessage: [],
            Notification: [],
        }

    # One request ---------------------------------------------------------------------------

    def _times(self, final: str, targets: Targets, recent: bool) -> tuple[Plan, list[int]]:
        """The request's plan and the working minute each status began."""
        rng = self.rng
        # The time of day is drawn first: the plan, in working minutes, then holds wherever
        # the request is placed by whole working days.
        sent = rng.randint(0, DAY - 1)
        plan = plan_walk(rng, final, targets, sent)
        latest = self.last_minute - plan.offsets[-1]
        if final not in DONE:
            latest -= rng.randint(30, 4 * DAY)
            if not recent and rng.random() < 0.25:  # waiting long enough to be overdue
                latest -= rng.randint(1, 20) * DAY + targets.resolution_days * DAY
        latest_day = max(0, (latest - sent) // DAY)
        day = rng.randint(0, latest_day) if final in DONE else latest_day
        times = [min(day * DAY + sent + offset, self.last_minute) for offset in plan.offsets]
        return plan, times

    def request(
        self,
        team: TeamLike,
        final: str,
        *,
        requester: Person | None = None,
        assignee: Person | None = None,
        recent: bool = False,
        may_rate: bool = True,
    ) -> None:
        rng = self.rng
        members = zip(team.member_ids, team.member_names, strict=True)
        requester = requester or rng.choice([(team.lead_id, team.lead_name), *members])
        template = rng.choice(self.texts.requests)
        plan, times = self._times(final, self.levels.for_kind(template.kind), recent)
        created = moment(times[0])
        needed_by = (
            created.date() + timedelta(days=rng.randint(10, 90)) if rng.random() < 0.3 else None
        )
        assignee = assignee or rng.choice(self.consultants)
        who = _Parties(
            request_id=self.ids.take(SupportRequest),
            team=team,
            requester=requester,
            triager=rng.choice(self.consultants),
            assignee=assignee,
            names={
                "team": team.name,
                "first_name": requester[1].split()[0],
                "consultant": assignee[1].split()[0],
                "needed_by": format_date(needed_by),
            },
        )
        done = final in DONE
        rated = done and may_rate and rng.random() < 0.65
        rating = int(weighted(rng, _RATINGS_LATE if plan.late_resolution else _RATINGS_ON_TIME))
        triaged_at = moment(times[1]) if len(times) > 1 else None
        resolved_at = moment(times[plan.statuses.index(S.RESOLVED.value)]) if done else None
        replies = self.texts.by_kind[template.kind]
        self.rows[SupportRequest].append(
            {
                "id": who.request_id,
                "team_id": team.id,
                "requested_by_id": requester[0],
                "subject": template.subject,
                "text": self._text(template, who.names, needed_by is not None),
                "status": final,
                "assignee_id": assignee[0] if S.ASSIGNED.value in plan.statuses else None,
                "suggested_practice_key": None,
                "resolution": rng.choice(replies.resolutions) if done else "",
                "created_at": created,
                "updated_at": moment(times[-1]),
                "version": len(times),
                "kind": template.kind,
                "statistics": team.name if rng.random() < 0.7 else "",
                "needed_by": needed_by,
                "first_response_at": triaged_at,
                "resolved_at": resolved_at,
                "rating": rating if rated else None,
                "rating_comment": self._rating_comment(rating) if rated else "",
                "priority": None if triaged_at is None else self._priority(created, needed_by),
                "triaged_by_id": None if triaged_at is None else who.triager[0],
                "triaged_at": triaged_at,
            }
        )
        if triaged_at is not None:
            self._areas(who, template, triaged_at)
        self._history(who, plan, times, replies)

    def _text(self, template: RequestText, names: dict[str, str], deadline: bool) -> str:
        rng, texts = self.rng, self.texts
        parts = [template.text]
        if rng.random() < 0.4:
            parts.insert(0, rng.choice(texts.openings))
        if deadline and rng.random() < 0.7:
            parts.append(rng.choice(texts.deadline_closings))
        if rng.random() < 0.35:
            parts.append(rng.choice(texts.closings))
        return " ".join(parts).format(**names)

    def _priority(self, created: datetime, needed_by: date | None) -> str:
        if needed_by is not None and (needed_by - created.date()).days <= 21:
            return "high"
        return weighted(self.rng, (("normal", 0.7), ("low", 0.15), ("high", 0.15)))

    def _rating_comment(self, rating: int) -> str:
        comments = self.texts.rating_comments
        pool = comments.low if rating <= 2 else comments.middle if rating == 3 else comments.high
        return self.rng.choice(pool) if self.rng.random() < 0.55 else ""

    def _areas(self, who: _Parties, template: RequestText, at: datetime) -> None:
        areas: list[str] = list(template.areas)
        if self.rng.random() < 0.08:  # the consultant added an area the text hints at
            areas.append(self.rng.choice([a for a in AREAS if a not in areas]))
        self.rows[RequestPracticeArea].extend(
            {
                "request_id": who.request_id,
                "area": area,
                "confirmed_by_id": who.triager[0],
                "confirmed_at": at,
            }
            for area in areas
        )

    # Status history, conversation and inbox ------------------------------------------------

    def _history(self, who: _Parties, plan: Plan, times: list[int], replies: KindReplies) -> None:
        rng, texts = self.rng, self.texts
        previous = ""
        for index, (status, minute) in enumerate(zip(plan.statuses, times, strict=True)):
            if status == S.NEW.value:
                by = who.requester
            elif status in (S.TRIAGED.value, S.ASSIGNED.value):
                by = who.triager
            else:
                by = who.assignee
            self._status_change(who, status, by[0], minute)
            later = min(minute + rng.randint(2, 40), self.last_minute)
            if status == S.TRIAGED.value and rng.random() < 0.45:
                self._message(who, who.triager, rng.choice(texts.internal_notes), later, NOTE)
            elif status == S.ASSIGNED.value:
                self._message(who, who.assignee, rng.choice(replies.first_replies), later, HUB)
            elif status == S.WAITING_ON_TEAM.value:
                self._message(who, who.assignee, rng.choice(replies.questions), minute, HUB)
            elif status == S.IN_PROGRESS.value and previous == S.WAITING_ON_TEAM.value:
                answer = rng.choice(texts.team_answers)
                self._message(who, who.requester, answer, minute - 5, TEAM)
            elif status == S.IN_PROGRESS.value and rng.random() < 0.25:
                self._message(who, who.assignee, rng.choice(texts.internal_notes), later, NOTE)
            elif status == S.RESOLVED.value:
                self._message(who, who.assignee, rng.choice(texts.resolving_replies), minute, HUB)
                if rng.random() < 0.4:
                    thanks = min(minute + rng.randint(30, DAY), self.last_minute)
                    if index + 1 < len(times):
                        thanks = min(thanks, times[index + 1] - 1)
                    self._message(who, who.requester, rng.choice(texts.team_thanks), thanks, TEAM)
            previous = status

    def _status_change(self, who: _Parties, status: str, by_id: int, minute: int) -> None:
        self.rows[RequestStatusChange].append(
            {
                "id": self.ids.take(RequestStatusChange),
                "request_id": who.request_id,
                "status": status,
                "changed_by_id": by_id,
                "changed_at": moment(minute),
            }
        )
        if status != S.NEW.value:
            self._notify(who, NotificationKind.STATUS, by_id, minute, to_team=True)

    def _message(self, who: _Parties, author: Person, body: str, minute: int, side: str) -> None:
        self.rows[RequestMessage].append(
            {
                "id": self.ids.take(RequestMessage),
                "request_id": who.request_id,
                "author_id": author[0],
                "body": body.format(**who.names),
                "is_internal": side == NOTE,
                "from_hub": side != TEAM,
                "created_at": moment(minute),
            }
        )
        kind = NotificationKind.NOTE if side == NOTE else NotificationKind.REPLY
        self._notify(who, kind, author[0], minute, to_team=side == HUB)

    def _notify(
        self, who: _Parties, kind: NotificationKind, author_id: int, minute: int, *, to_team: bool
    ) -> None:
        """Inbox rows as ``services/inbox.notify`` writes them: a hub reply or a status change
        tells the team, a team reply or a note tells the hub (all consultants while a note comes
        before anyone is assigned). Only recent events are written, and every event on the
        personas' team's requests, so the inbox has read and unread rows without growing huge.
        The consultant persona (the first consultant) has read all of hers."""
        if minute < self.inbox_from and not who.team.is_persona_team:
            return
        if to_team:
            people = [who.team.lead_id, *who.team.member_ids]
        elif kind is NotificationKind.NOTE and author_id == who.triager[0]:
            people = [user_id for user_id, _ in self.consultants]
        else:
            people = [who.assignee[0]]
        rng = self.rng
        age = self.last_minute - minute
        for user_id in dict.fromkeys(people):
            if user_id == author_id:
                continue
            # The consultant persona has caught up, so a new reply stands out in her inbox.
            caught_up = user_id == self.consultants[0][0]
            read = rng.random() < (0.9 if age > 5 * DAY else 0.35) or caught_up
            read_minute = min(minute + rng.randint(5, max(5, min(age, 2 * DAY))), self.last_minute)
            self.rows[Notification].append(
                {
                    "id": self.ids.take(Notification),
                    "user_id": user_id,
                    "request_id": who.request_id,
                    "kind": kind.value,
                    "created_at": moment(minute),
                    "read_at": moment(read_minute) if read else None,
                }
            )

    def write(self) -> RequestHistory:
        for model, rows in self.rows.items():
            insert_rows(self.session, model, rows)
        messages = self.rows[RequestMessage]
        notes = sum(1 for row in messages if row["is_internal"])
        return RequestHistory(
            requests=len(self.rows[SupportRequest]),
            status_changes=len(self.rows[RequestStatusChange]),
            messages=len(messages) - notes,
            internal_notes=notes,
            notifications=len(self.rows[Notification]),
        )


#: The personas' team's first requests, set up to try both sides of the desk:
#: (status, recent, assigned to the consultant persona, may be rated).
_PERSONA_REQUESTS: Final = (
    (S.ASSIGNED.value, True, True, True),
    (S.RESOLVED.value, False, False, False),  # resolved and waiting for the team's rating
    (S.WAITING_ON_TEAM.value, True, True, True),  # the hub's question waits in Sam's inbox
)


def build_requests(
    session: Session,
    rng: random.Random,
    ids: Ids,
    teams: Sequence[TeamLike],
    consultant_ids: Sequence[int],
    count: int,
) -> RequestHistory:
    """Write ``count`` requests with their history for ``teams``, in the caller's transaction.

    The first consultant is the consultant persona; the personas' team's first requests are
    those of ``_PERSONA_REQUESTS``, from the first member persona.
    """
    found = session.execute(select(User.id, User.display_name).where(User.id.in_(consultant_ids)))
    names = {user_id: name for user_id, name in found}
    consultants = [(user_id, names[user_id]) for user_id in consultant_ids]
    builder = _Builder(session, rng, ids, consultants)
    persona_team = next(team for team in teams if team.is_persona_team)
    sam = (persona_team.member_ids[0], persona_team.member_names[0])
    for number in range(count):
        if number < len(_PERSONA_REQUESTS):
            status, recent, to_persona, may_rate = _PERSONA_REQUESTS[number]
            builder.request(
                persona_team,
                status,
                requester=sam,
                assignee=consultants[0] if to_persona else None,
                recent=recent,
                may_rate=may_rate,
            )
        else:
            builder.request(rng.choice(teams), weighted(rng, _STATUS_WEIGHTS))
    return builder.write()
