"""Local sign-in is throttled: waits, then a lock; failures audited; unknown emails look alike.

On SQLite and PostgreSQL. Time is passed in, so no test waits.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

import ue_core.passwords
from tests.factories import World, build_world
from ue_core.db.engine import Database
from ue_core.db.models import AuditEvent
from ue_core.services import accounts

PASSWORD = "correct horse battery staple"
START = datetime(2026, 5, 1, 9, tzinfo=UTC)


@pytest.fixture
def world(any_db: Database) -> World:
    return build_world(any_db)


def _wrong(world: World, times: int, moment: datetime, email: str = "member@test.example") -> None:
    for _ in range(times):
        assert accounts.authenticate(world.db, email, "not the password", now=moment) is None


def _failures(db: Database) -> list[dict[str, Any]]:
    with db.read() as session:
        return [
            event.after or {}
            for event in session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "sign_in_failed")
                .order_by(AuditEvent.id)
            )
        ]


def test_wrong_passwords_make_the_account_wait_longer_each_time(world: World) -> None:
    email = world.actor("member").email
    _wrong(world, accounts.FREE_TRIES, START)
    assert accounts.authenticate(world.db, email, PASSWORD, now=START) is not None

    _wrong(world, accounts.FREE_TRIES + 1, START)
    # The right password is refused while the account waits, then works again.
    assert accounts.authenticate(world.db, email, PASSWORD, now=START) is None
    one_minute = START + accounts.FIRST_WAIT
    assert accounts.authenticate(world.db, email, PASSWORD, now=one_minute) is not None

    # Tries while the account waits are refused and do not count; the next wrong one doubles
    # the wait.
    _wrong(world, accounts.FREE_TRIES + 1, one_minute)
    _wrong(world, 3, one_minute)
    waited = one_minute + accounts.FIRST_WAIT
    _wrong(world, 1, waited)
    assert (
        accounts.authenticate(world.db, email, PASSWORD, now=waited + accounts.FIRST_WAIT) is None
    )
    assert accounts.authenticate(world.db, email, PASSWORD, now=waited + 2 * accounts.FIRST_WAIT)
    reasons = [f["reason"] for f in _failures(world.db)]
    assert reasons.count("waiting after wrong passwords") == 5


def test_repeated_wrong_passwords_lock_the_account_until_an_admin_unlocks_it(
    world: World,
) -> None:
    member = world.actor("member")
    moment = START
    for _ in range(accounts.LOCK_AFTER):
        _wrong(world, 1, moment)
        moment += timedelta(hours=1)  # past every wait: tries that count, not tries refused
    a_week_later = moment + timedelta(days=7)
    assert accounts.authenticate(world.db, member.email, PASSWORD, now=a_week_later) is None
    assert _failures(world.db)[-1]["reason"] == "locked"

    accounts.unlock_sign_in(world.db, world.actor("admin"), user_id=member.user_id)
    assert accounts.authenticate(world.db, member.email, PASSWORD, now=a_week_later) is not None


def test_a_reset_code_also_unlocks_the_account(world: World) -> None:
    member = world.actor("member")
    moment = START
    for _ in range(accounts.LOCK_AFTER):
        _wrong(world, 1, moment)
        moment += timedelta(hours=1)
    reset = accounts.issue_password_reset(
        world.db, world.actor("admin"), user_id=member.user_id, now=moment
    )
    accounts.redeem_password_reset(
        world.db, email=member.email, code=reset.code, new_password="a new passphrase", now=moment
    )
    assert accounts.authenticate(world.db, member.email, "a new passphrase", now=moment)


def test_every_failure_is_audited_and_unknown_emails_get_the_same_answer_and_work(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    real_verify = ue_core.passwords._hasher.verify

    class CountingHasher:
        def verify(self, password_hash: str, password: str) -> bool:
            checked.append(password_hash)
            return bool(real_verify(password_hash, password))

    monkeypatch.setattr(ue_core.passwords, "_hasher", CountingHasher())

    assert accounts.authenticate(world.db, "Member@test.example", "wrong guess", now=START) is None
    assert accounts.authenticate(world.db, "nobody@test.example", "wrong guess", now=START) is None

    # Both ran one argon2 check: the unknown email's against the dummy hash.
    assert len(checked) == 2
    assert checked[0].startswith("$argon2id$")
    assert checked[1] == ue_core.passwords._DUMMY_HASH
    assert [(f["email"], f["reason"]) for f in _failures(world.db)] == [
        ("member@test.example", "wrong password"),
        ("nobody@test.example", "unknown account"),
    ]
    # Nothing about the unknown email was stored but the audit row: the wrong tries of an
    # unknown email never lock anything.
    _wrong(world, accounts.LOCK_AFTER, START, email="nobody@test.example")
    assert accounts.actor_for_email(world.db, "nobody@test.example") is None
