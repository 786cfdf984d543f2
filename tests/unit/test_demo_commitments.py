"""The demo's commitments: most organisations with a champion have one, read through services."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from ue_core.authz import SYSTEM
from ue_core.db.engine import Database
from ue_core.db.migrate import upgrade
from ue_core.demo import generate
from ue_core.personas import PERSONAS
from ue_core.services import accounts, commitments
from ue_core.vocabulary import Role


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    url = f"sqlite:///{tmp_path_factory.mktemp('commitments') / 'demo.db'}"
    upgrade(url)
    db = Database(url)
    generate(db, scale="small", seed=2021)
    yield db
    db.dispose()


def test_most_organisations_have_a_commitment_and_some_actions_are_overdue(
    demo: Database,
) -> None:
    progress = commitments.commitments_progress(demo, SYSTEM, date(2026, 12, 3))
    assert progress.with_commitment >= 0.75 * len(progress.organisations)
    assert progress.without_commitment
    assert 0 < progress.overdue < sum(o.actions for o in progress.organisations)


def test_the_persona_champion_keeps_a_commitment(demo: Database) -> None:
    persona = next(p for p in PERSONAS if p.role is Role.CHAMPION)
    champion = accounts.actor_for_email(demo, persona.email)
    assert champion is not None
    (organisation,) = commitments.commitment_organisations(demo, champion)
    view = commitments.organisation_commitment(demo, champion, organisation.organisation_id)
    assert view.exists and view.can_edit and len(view.actions) >= 3
