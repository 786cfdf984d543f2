"""The demo champions' directory profiles and terms, read back through the services."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ue_core.authz import SYSTEM
from ue_core.db.engine import Database
from ue_core.db.migrate import upgrade
from ue_core.demo import generate
from ue_core.personas import PERSONAS
from ue_core.services import accounts, champion_terms, champions
from ue_core.vocabulary import Role


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    url = f"sqlite:///{tmp_path_factory.mktemp('profiles') / 'demo.db'}"
    upgrade(url)
    db = Database(url)
    generate(db, scale="small", seed=2021)
    yield db
    db.dispose()


def test_every_demo_champion_has_a_profile_and_a_current_term(demo: Database) -> None:
    cards = champions.directory(demo, SYSTEM)
    assert len(cards) >= 20
    assert all(card.profession and card.areas and card.since for card in cards)
    assert any(not any(c.label == "Email" for c in card.contacts) for card in cards)
    assert any(any(c.label == "Phone" for c in card.contacts) for card in cards)
    terms = champion_terms.champion_history(demo, SYSTEM)
    assert len(terms) == len(cards) and all(t.ended_on is None for t in terms)


def test_the_demo_member_sees_their_organisations_champion(demo: Database) -> None:
    member = next(p for p in PERSONAS if p.role is Role.MEMBER)
    champion = next(p for p in PERSONAS if p.role is Role.CHAMPION)
    actor = accounts.actor_for_email(demo, member.email)
    assert actor is not None
    assert [c.name for c in champions.your_champions(demo, actor)] == [champion.display_name]
