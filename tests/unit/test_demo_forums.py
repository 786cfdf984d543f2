"""The demo's forum register: about forty forums with overlapping themes, some lapsed, some
closed, successes, and forums shown to the personas' team; read through the services."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from ue_core.authz import SYSTEM
from ue_core.db.engine import Database
from ue_core.db.migrate import upgrade
from ue_core.demo import generate
from ue_core.forums import ForumStatus
from ue_core.services import forum_edits, forum_join_up, forum_successes, forums

DEMO_NOW = date(2026, 11, 14)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    url = f"sqlite:///{tmp_path_factory.mktemp('forums') / 'demo.db'}"
    upgrade(url)
    db = Database(url)
    generate(db, scale="small", seed=2021)
    yield db
    db.dispose()


def test_about_forty_forums_mostly_active_some_lapsed_and_closed(demo: Database) -> None:
    rows = forum_edits.forum_edit_choices(demo, SYSTEM, DEMO_NOW)
    assert 35 <= len(rows) <= 45
    by_status = {s: sum(1 for r in rows if r.status is s) for s in ForumStatus}
    assert by_status[ForumStatus.CLOSED] == 2
    assert 4 <= by_status[ForumStatus.LAPSED] <= 12
    assert by_status[ForumStatus.ACTIVE] > len(rows) / 2
    assert all(r.themes and r.attendees and r.members for r in rows)
    assert any(r.status_set is ForumStatus.ACTIVE for r in rows)


def test_themes_and_members_overlap_so_join_up_has_pairs(demo: Database) -> None:
    pairs = forum_join_up.join_up(demo, SYSTEM, DEMO_NOW, min_score=0.3)
    assert len(pairs) >= 10
    assert pairs[0].score >= 0.6
    assert all(p.reason.startswith("Both") for p in pairs)


def test_successes_and_case_study_suggestions(demo: Database) -> None:
    rows = forum_edits.forum_edit_choices(demo, SYSTEM, DEMO_NOW)
    assert sum(1 for r in rows if r.successes) >= 10
    assert forum_successes.suggested_case_studies(demo, SYSTEM)


def test_forums_were_active_in_the_last_half_year(demo: Database) -> None:
    found = forums.active_forums(demo, SYSTEM, date(2026, 4, 1), date(2026, 9, 30))
    assert 25 <= found.count <= 40
