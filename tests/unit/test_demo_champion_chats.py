"""The demo's year of published Champion Chats, read back through the services."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date

import pytest

from ue_core.authz import SYSTEM
from ue_core.db.engine import Database
from ue_core.db.migrate import upgrade
from ue_core.demo import generate
from ue_core.personas import PERSONAS
from ue_core.services import accounts, champion_chats, your_champion_chat
from ue_core.vocabulary import ChatRoundState, Role


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    url = f"sqlite:///{tmp_path_factory.mktemp('chats') / 'demo.db'}"
    upgrade(url)
    db = Database(url)
    summary = generate(db, scale="small", seed=2021)
    assert summary.champion_chat_months == 12
    assert "Champion Chats: 12 months published" in summary.lines()
    yield db
    db.dispose()


def test_a_year_of_published_months_with_organisations_mixed(demo: Database) -> None:
    history = champion_chats.chat_history(demo, SYSTEM)
    assert [r.month for r in history][::-1] == [
        date(2025 + (10 + i) // 12, (10 + i) % 12 + 1, 1) for i in range(12)
    ]
    assert {r.state for r in history} == {ChatRoundState.PUBLISHED}
    assert all(r.same_organisation_groups == 0 for r in history)
    assert all(45 <= r.champions <= 56 for r in history)  # about one in ten skips
    # 56 champions have 1,540 pairs and each month uses about 75, so over a year (about 900
    # pairs) nobody need meet anyone twice, and nobody does
    assert sum(r.repeat_pairs for r in history) == 0


def test_each_month_holds_each_champion_once_and_records_who_skipped(demo: Database) -> None:
    view = champion_chats.chat_round(demo, SYSTEM, date(2026, 10, 1))
    assert view is not None and view.is_published
    people = Counter(p.user_id for g in view.groups for p in g.members)
    assert set(people.values()) == {1}
    assert len(people) + len(view.skipping) == 56
    assert {len(g.members) for g in view.groups} <= {3, 4, 5}


def test_the_demo_champion_sees_their_latest_group(demo: Database) -> None:
    persona = next(p for p in PERSONAS if p.role is Role.CHAMPION)
    actor = accounts.actor_for_email(demo, persona.email)
    assert actor is not None
    chat = your_champion_chat.your_chat(demo, actor, date(2026, 12, 3))
    latest = next(
        (view, group)
        for view in map(
            lambda r: champion_chats.chat_round(demo, SYSTEM, r.month),
            champion_chats.chat_history(demo, SYSTEM),
        )
        if view is not None
        for group in view.groups
        if actor.user_id in {p.user_id for p in group.members}
    )
    assert (chat.month, chat.group_number) == (latest[0].month, latest[1].number)
    assert {p.user_id for p in chat.others} == {
        p.user_id for p in latest[1].members if p.user_id != actor.user_id
    }
    assert len({p.organisation for p in chat.others}) == len(chat.others)
