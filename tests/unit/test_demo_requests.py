"""The demo's support requests carry a believable history: status changes in working hours,
triage, a conversation with internal notes, ratings, inbox rows and some missed service levels."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ue_core.content import ContentError
from ue_core.db import models
from ue_core.db.engine import Database
from ue_core.db.migrate import upgrade
from ue_core.db.models import Membership, SupportRequest, User
from ue_core.demo import generate
from ue_core.demo.generator import SCALES, Scale
from ue_core.demo.request_text import AREAS, DEFAULT_PATH, load_request_texts
from ue_core.demo.request_times import LAST_DAY
from ue_core.service_levels import due_date, is_working_day, shipped_service_levels, uk_date
from ue_core.timefmt import UK

SEED = 2021
DONE = ("resolved", "closed")
#: Every move a demo request may make from one status to the next.
MOVES = {
    ("new", "triaged"),
    ("triaged", "assigned"),
    ("assigned", "in_progress"),
    ("in_progress", "waiting_on_team"),
    ("waiting_on_team", "in_progress"),
    ("in_progress", "resolved"),
    ("resolved", "closed"),
}


def _database(folder: Path) -> Database:
    url = f"sqlite:///{folder / 'demo.db'}"
    upgrade(url)
    return Database(url)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    db = _database(tmp_path_factory.mktemp("demo_requests"))
    generate(db, scale="small", seed=SEED)
    yield db
    db.dispose()


def _histories(db: Database) -> dict[int, list[tuple[str, datetime, int | None]]]:
    """Each request's status changes, in the order they were written."""
    out: dict[int, list[tuple[str, datetime, int | None]]] = defaultdict(list)
    with db.read() as session:
        changes = select(models.RequestStatusChange).order_by(models.RequestStatusChange.id)
        for change in session.scalars(changes):
            out[change.request_id].append((change.status, change.changed_at, change.changed_by_id))
    return out


def _consultants(db: Database) -> set[int]:
    with db.read() as session:
        return set(
            session.scalars(select(Membership.user_id).where(Membership.role == "consultant"))
        )


def _in_working_hours(moment: datetime) -> bool:
    local = moment.astimezone(UK)
    return is_working_day(local.date()) and 9 <= local.hour < 17


def test_every_request_walks_the_workflow_in_working_hours(demo: Database) -> None:
    histories = _histories(demo)
    with demo.read() as session:
        requests = session.scalars(select(SupportRequest)).all()
        assert len(requests) == 150
        for request in requests:
            history = histories[request.id]
            statuses = [status for status, _, _ in history]
            times = [at for _, at, _ in history]
            assert statuses[0] == "new" and statuses[-1] == request.status, request.id
            assert times == sorted(times), request.id
            assert set(itertools.pairwise(statuses)) <= MOVES, statuses
            assert times[0] == request.created_at and times[-1] == request.updated_at
            assert all(_in_working_hours(at) for at in times), request.id
            assert history[0][2] == request.requested_by_id
    counts = Counter(request.status for request in requests)
    assert set(counts) == {"new", "triaged", "assigned", "in_progress", "waiting_on_team", *DONE}
    assert any(statuses.count("waiting_on_team") for statuses in _status_lists(histories))


def _status_lists(histories: dict[int, list[tuple[str, datetime, int | None]]]) -> list[list[str]]:
    return [[status for status, _, _ in history] for history in histories.values()]


def test_triage_is_recorded_once_a_request_moves_on(demo: Database) -> None:
    consultants = _consultants(demo)
    histories = _histories(demo)
    with demo.read() as session:
        areas: dict[int, list[str]] = defaultdict(list)
        for request_id, area in session.execute(
            select(models.RequestPracticeArea.request_id, models.RequestPracticeArea.area)
        ):
            areas[request_id].append(area)
        for request in session.scalars(select(SupportRequest)):
            if request.status == "new":
                assert request.triaged_at is None and request.priority is None
                assert request.first_response_at is None and request.id not in areas
                continue
            triaged = histories[request.id][1]
            assert triaged[0] == "triaged"
            assert request.triaged_at == triaged[1] == request.first_response_at
            assert request.triaged_by_id in consultants and triaged[2] == request.triaged_by_id
            assert request.priority in ("high", "normal", "low")
            assert 1 <= len(areas[request.id]) <= 3
            assert set(areas[request.id]) <= set(AREAS)
    assert {area for found in areas.values() for area in found} == set(AREAS)


def test_resolved_requests_have_a_resolution_and_some_a_rating(demo: Database) -> None:
    histories = _histories(demo)
    with demo.read() as session:
        done = session.scalars(select(SupportRequest).where(SupportRequest.status.in_(DONE))).all()
        for request in done:
            resolved = [at for status, at, _ in histories[request.id] if status == "resolved"]
            assert request.resolved_at == resolved[0] and request.resolution
        ratings = [request.rating for request in done if request.rating is not None]
        assert len(ratings) > 0.4 * len(done)
        assert set(ratings) <= {1, 2, 3, 4, 5} and len(set(ratings)) >= 3
        assert any(request.rating_comment for request in done)
        open_ = session.scalars(select(SupportRequest).where(SupportRequest.status.not_in(DONE)))
        assert all(r.resolved_at is None and r.rating is None for r in open_)


def test_conversations_have_replies_both_ways_and_internal_notes(demo: Database) -> None:
    consultants = _consultants(demo)
    with demo.read() as session:
        team_people: dict[int | None, set[int]] = defaultdict(set)
        for team_id, user_id in session.execute(
            select(Membership.team_id, Membership.user_id).where(Membership.team_id.is_not(None))
        ):
            team_people[team_id].add(user_id)
        team_of = dict(session.execute(select(SupportRequest.id, SupportRequest.team_id)).all())
        messages = session.scalars(select(models.RequestMessage)).all()
        for message in messages:
            assert "{" not in message.body and "}" not in message.body
            if message.from_hub:
                assert message.author_id in consultants
            else:
                assert not message.is_internal
                assert message.author_id in team_people[team_of[message.request_id]]
        notes = [message for message in messages if message.is_internal]
        assert notes and all(message.from_hub for message in notes)
        assert any(not message.from_hub for message in messages)
        # A request waiting on the team ends with the hub's question to it.
        waiting = session.scalars(
            select(SupportRequest.id).where(SupportRequest.status == "waiting_on_team")
        ).all()
        for request_id in waiting:
            last = max(
                (m for m in messages if m.request_id == request_id and not m.is_internal),
                key=lambda m: (m.created_at, m.id),
            )
            assert last.from_hub


def test_inbox_has_read_and_unread_rows_and_notes_reach_only_the_hub(demo: Database) -> None:
    consultants = _consultants(demo)
    with demo.read() as session:
        rows = session.scalars(select(models.Notification)).all()
        assert rows
        assert any(row.read_at is None for row in rows)
        assert any(row.read_at is not None for row in rows)
        assert all(row.read_at is None or row.read_at >= row.created_at for row in rows)
        assert {row.kind for row in rows} == {"reply", "note", "status"}
        assert all(row.user_id in consultants for row in rows if row.kind == "note")
        # The consultant persona has read hers; the member persona has something unread.
        ids = dict(session.execute(select(User.display_name, User.id)).all())
        ruth, sam = ids["Ruth Okafor"], ids["Sam Patel"]
        assert any(row.user_id == ruth for row in rows)
        assert all(row.read_at is not None for row in rows if row.user_id == ruth)
        assert any(row.read_at is None for row in rows if row.user_id == sam)


def test_some_requests_miss_their_service_levels(demo: Database) -> None:
    levels = shipped_service_levels()
    late_resolution = late_first = overdue_open = on_time = 0
    with demo.read() as session:
        for request in session.scalars(select(SupportRequest)):
            targets = levels.for_kind(request.kind)
            first_due = due_date(request.created_at, targets.first_response_days)
            resolution_due = due_date(request.created_at, targets.resolution_days)
            if request.first_response_at and uk_date(request.first_response_at) > first_due:
                late_first += 1
            if request.resolved_at is not None:
                if uk_date(request.resolved_at) > resolution_due:
                    late_resolution += 1
                else:
                    on_time += 1
            elif resolution_due < LAST_DAY:
                overdue_open += 1
    assert late_first > 0 and late_resolution > 0 and overdue_open > 0
    assert on_time > late_resolution


def test_request_texts_are_varied_and_match_their_kind(demo: Database) -> None:
    texts = load_request_texts()
    kind_of = {template.subject: template.kind for template in texts.requests}
    with demo.read() as session:
        rows = session.execute(
            select(SupportRequest.subject, SupportRequest.kind, SupportRequest.text)
        )
        found = list(rows)
    assert all(kind_of[subject] == kind for subject, kind, _ in found)
    assert len({text for _, _, text in found}) > 0.8 * len(found)
    assert len({kind for _, kind, _ in found}) >= 8
    assert all("{" not in text for _, _, text in found)


def test_large_scale_gives_five_thousand_requests_each_with_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The large scale asks for 5,000 requests; building all of the large demo takes too long
    for a unit test, so a few organisations get the same 5,000 requests (bench/ checks the
    large database itself)."""
    assert SCALES["large"].support_requests == 5_000
    monkeypatch.setitem(SCALES, "requests only", Scale(3, (4, 6), 0, 5, 5_000))
    db = _database(tmp_path)
    try:
        summary = generate(db, scale="requests only", seed=SEED)
        assert summary.request_history and summary.request_history.requests == 5_000
        with db.read() as session:
            count = session.scalar(select(func.count()).select_from(SupportRequest))
            with_history = session.scalar(
                select(func.count(func.distinct(models.RequestStatusChange.request_id)))
            )
        assert count == with_history == 5_000
        assert summary.request_history.status_changes > 4 * 5_000
    finally:
        db.dispose()


def test_the_request_texts_file_is_checked(tmp_path: Path) -> None:
    good = DEFAULT_PATH.read_text(encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text(good.replace("kind: advice", "kind: advise", 1), encoding="utf-8")
    with pytest.raises(ContentError, match="unknown kind of help 'advise'"):
        load_request_texts(broken)
    broken.write_text(
        good.replace("Thanks {first_name}, I've", "Thanks {name}, I've"), encoding="utf-8"
    )
    with pytest.raises(ContentError, match=r"unknown placeholder \{name\}"):
        load_request_texts(broken)
