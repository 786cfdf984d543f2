"""The demo's champion updates after each published month, read back through the services."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from ue_core.authz import SYSTEM
from ue_core.db.engine import Database
from ue_core.db.migrate import upgrade
from ue_core.demo import generate
from ue_core.personas import PERSONAS
from ue_core.services import case_study_drafts, champion_updates, update_reminders
from ue_core.services.case_study_drafts import DraftState
from ue_core.vocabulary import Role

FIRST, LAST = date(2025, 11, 1), date(2026, 10, 1)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    url = f"sqlite:///{tmp_path_factory.mktemp('updates') / 'demo.db'}"
    upgrade(url)
    db = Database(url)
    generate(db, scale="small", seed=2021)
    yield db
    db.dispose()


def test_most_champions_send_an_update_each_month_in_every_category(demo: Database) -> None:
    rollup = champion_updates.update_rollup(demo, SYSTEM, FIRST, LAST)
    assert len(rollup.months) == 12
    for _month, sent, champions in rollup.sent_by_month:
        assert 0.6 * champions <= sent < champions
    counts = {c.key: c for c in champion_updates.updates_by_category(demo, SYSTEM, FIRST, LAST)}
    assert all(c.updates > 0 for c in counts.values())
    assert counts["internal_launch"].updates > counts["case_study"].updates
    assert len(counts["hub_feedback"].organisations) > 10


def test_the_persona_champion_sent_one_for_every_month_they_were_in(demo: Database) -> None:
    from ue_core.services import accounts

    persona = next(p for p in PERSONAS if p.role is Role.CHAMPION)
    actor = accounts.actor_for_email(demo, persona.email)
    assert actor is not None
    months = champion_updates.your_months(demo, actor, date(2026, 12, 3))
    assert months and all(month.update is not None for month in months)
    assert not any(month.open for month in months)  # the demo's months have all closed


def test_missing_updates_and_two_case_study_drafts_wait_for_the_hub(demo: Database) -> None:
    status = update_reminders.month_status(demo, SYSTEM, LAST, date(2026, 10, 20))
    assert status.open and status.missing and status.sent + len(status.missing) == status.champions
    drafts = case_study_drafts.case_study_drafts(demo, SYSTEM, DraftState.DRAFT)
    assert len(drafts) == 2
    assert all(draft.source_kind == "champion_update" for draft in drafts)
