"""A request's conversation: replies both ways, internal notes kept from the team, the inbox's
counts and read marks, status changes, and the e-mails each reply sends."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from tests.factories import World, build_world
from tests.smtp import free_port, local_smtp_server, smtp_environment
from ue_core.authz import SYSTEM, AccessDenied
from ue_core.db.engine import Database
from ue_core.db.models import AuditEvent, RequestMessage, RequestStatus, Role
from ue_core.errors import InputError
from ue_core.mail import NotificationKind
from ue_core.services import accounts, conversation, inbox, support
from ue_core.services.frameworks import sync_framework

TEAM = ("member", "member2", "lead")


@pytest.fixture
def world(any_db: Database, monkeypatch: pytest.MonkeyPatch) -> World:
    for name in ("UE_SMTP_HOST", "UE_SMTP_PORT", "UE_SMTP_FROM", "UE_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    sync_framework(any_db, SYSTEM)
    return build_world(any_db)


def new_request(world: World) -> int:
    return support.submit_request(
        world.db,
        world.actor("member"),
        world.team_id,
        "Survey advice",
        "We are redesigning our user survey and want a second opinion.",
    )


def assign(world: World, request_id: int, who: str = "consultant") -> None:
    [view] = [r for r in support.team_requests(world.db, SYSTEM, world.team_id)]
    support.update_request(
        world.db,
        world.actor("consultant"),
        request_id,
        expected_version=view.version,
        status=RequestStatus.ASSIGNED,
        assignee_id=world.actor(who).user_id,
        resolution="",
    )


def unread(world: World, *names: str) -> dict[str, int]:
    return {name: inbox.unread_count(world.db, world.actor(name)) for name in names}


def test_a_hub_reply_tells_the_team_and_the_team_reads_it(world: World) -> None:
    request_id = new_request(world)
    posted = conversation.post_reply(
        world.db, world.actor("consultant"), request_id, "Happy to help: send us the survey."
    )
    assert posted.first_hub_reply
    assert unread(world, *TEAM, "consultant", "outsider") == {
        "member": 1,
        "member2": 1,
        "lead": 1,
        "consultant": 0,
        "outsider": 0,
    }
    [item] = inbox.notifications(world.db, world.actor("member"))
    assert (item.request_id, item.kind, item.read) == (request_id, NotificationKind.REPLY, False)
    assert item.request_subject == "Survey advice"
    thread = conversation.conversation(world.db, world.actor("member"), request_id)
    assert [(m.author_name, m.from_hub, m.body) for m in thread.messages] == [
        ("Consultant", True, "Happy to help: send us the survey.")
    ]
    assert not thread.for_hub

    assert inbox.mark_read(world.db, world.actor("member"), item.id) == request_id
    assert unread(world, "member", "lead") == {"member": 0, "lead": 1}
    [item] = inbox.notifications(world.db, world.actor("member"))
    assert item.read


def test_a_team_reply_tells_the_assigned_consultant_only(world: World) -> None:
    accounts.create_user(
        world.db,
        SYSTEM,
        email="second@test.example",
        display_name="Second consultant",
        password=None,
        role=Role.CONSULTANT,
    )
    second = accounts.actor_for_email(world.db, "second@test.example")
    assert second is not None
    request_id = new_request(world)
    conversation.post_reply(world.db, world.actor("member"), request_id, "Any news?")
    # Nobody is assigned yet: every consultant hears of it.
    assert unread(world, "consultant", "member", "lead") == {
        "consultant": 1,
        "member": 0,
        "lead": 0,
    }
    assert inbox.unread_count(world.db, second) == 1

    assign(world, request_id)
    conversation.post_reply(world.db, world.actor("lead"), request_id, "Still keen to hear.")
    assert unread(world, "consultant")["consultant"] == 2
    assert inbox.unread_count(world.db, second) == 1
    # The team heard only of the status change: team replies go to the hub.
    assert unread(world, "member", "lead") == {"member": 1, "lead": 1}


def test_internal_notes_never_reach_the_team(world: World) -> None:
    request_id = new_request(world)
    assign(world, request_id)
    before = unread(world, *TEAM)
    posted = conversation.post_note(
        world.db, world.actor("consultant"), request_id, "Their survey has a leading question."
    )
    assert not posted.first_hub_reply
    conversation.post_reply(world.db, world.actor("consultant"), request_id, "Thanks, reading.")

    for name in TEAM:
        thread = conversation.conversation(world.db, world.actor(name), request_id)
        assert [m.body for m in thread.messages] == ["Thanks, reading."]
        assert all(not m.is_internal for m in thread.messages)
        kinds = {n.kind for n in inbox.notifications(world.db, world.actor(name))}
        assert NotificationKind.NOTE not in kinds
    assert unread(world, *TEAM) == {name: count + 1 for name, count in before.items()}

    hub_view = conversation.conversation(world.db, world.actor("consultant"), request_id)
    assert hub_view.for_hub
    assert [(m.body, m.is_internal) for m in hub_view.messages] == [
        ("Their survey has a leading question.", True),
        ("Thanks, reading.", False),
    ]


def test_a_team_member_cannot_write_an_internal_note(world: World) -> None:
    request_id = new_request(world)
    with pytest.raises(AccessDenied, match="Only hub staff"):
        conversation.post_note(world.db, world.actor("member"), request_id, "Sneaky note")
    with world.db.read() as session:
        assert session.scalars(select(RequestMessage)).all() == []


def test_another_team_cannot_read_or_reply(world: World) -> None:
    request_id = new_request(world)
    for name in ("outsider", "champion", "admin"):
        with pytest.raises(AccessDenied):
            conversation.conversation(world.db, world.actor(name), request_id)
        with pytest.raises(AccessDenied):
            conversation.post_reply(world.db, world.actor(name), request_id, "Hello there")


def test_someone_elses_notification_cannot_be_opened(world: World) -> None:
    request_id = new_request(world)
    conversation.post_reply(world.db, world.actor("consultant"), request_id, "Hello team")
    [item] = inbox.notifications(world.db, world.actor("member"))
    with pytest.raises(AccessDenied):
        inbox.mark_read(world.db, world.actor("lead"), item.id)
    assert unread(world, "member")["member"] == 1


def test_opening_the_request_marks_its_notifications_read(world: World) -> None:
    request_id = new_request(world)
    for text in ("First reply", "Second reply"):
        conversation.post_reply(world.db, world.actor("consultant"), request_id, text)
    assert inbox.mark_request_read(world.db, world.actor("member"), request_id) == 2
    assert inbox.mark_request_read(world.db, world.actor("member"), request_id) == 0
    assert unread(world, "member", "lead") == {"member": 0, "lead": 2}


def test_a_status_change_tells_the_team(world: World) -> None:
    request_id = new_request(world)
    assign(world, request_id)
    assert unread(world, *TEAM, "consultant") == {
        "member": 1,
        "member2": 1,
        "lead": 1,
        "consultant": 0,
    }
    [item] = inbox.notifications(world.db, world.actor("lead"))
    assert item.kind is NotificationKind.STATUS


def test_an_empty_or_long_message_is_refused(world: World) -> None:
    request_id = new_request(world)
    with pytest.raises(InputError, match="Write your message"):
        conversation.post_reply(world.db, world.actor("member"), request_id, "   ")
    with pytest.raises(InputError, match="5,000 characters"):
        conversation.post_reply(world.db, world.actor("member"), request_id, "x" * 5_001)


def test_posting_is_audited(world: World) -> None:
    request_id = new_request(world)
    reply = conversation.post_reply(world.db, world.actor("member"), request_id, "Hello hub")
    note = conversation.post_note(world.db, world.actor("consultant"), request_id, "A note")
    with world.db.read() as session:
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "request_message")
            .order_by(AuditEvent.id)
        ).all()
        assert [(e.action, e.entity_id, e.actor_user_id) for e in events] == [
            ("post_reply", reply.message_id, world.actor("member").user_id),
            ("post_note", note.message_id, world.actor("consultant").user_id),
        ]
        # The audit log says what happened, not what was written.
        assert all("Hello" not in str(e.after) for e in events)


def test_a_reply_emails_the_team_subject_and_link_only(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    request_id = new_request(world)
    with local_smtp_server() as (port, received):
        for name, value in smtp_environment(port).items():
            monkeypatch.setenv(name, value)
        conversation.post_reply(
            world.db, world.actor("consultant"), request_id, "Our confidential advice is here."
        )
    recipients = sorted(to for _, tos in received.envelopes for to in tos)
    assert recipients == sorted(f"{name}@test.example" for name in TEAM)
    for message in received.messages:
        assert message["Subject"] == f"New reply on request {request_id}: Survey advice"
        body = message.get_content()
        assert f"https://workbench.example/inbox?request={request_id}" in body
        assert "confidential" not in body


def test_a_mail_failure_keeps_the_reply(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    request_id = new_request(world)
    for name, value in smtp_environment(free_port()).items():
        monkeypatch.setenv(name, value)
    with caplog.at_level(logging.ERROR, logger="ue_core.mail"):
        conversation.post_reply(world.db, world.actor("consultant"), request_id, "Still saved")
    assert "notification e-mail(s)" in caplog.text
    thread = conversation.conversation(world.db, world.actor("member"), request_id)
    assert [m.body for m in thread.messages] == ["Still saved"]
    assert unread(world, "member")["member"] == 1


def test_a_status_change_emails_the_team(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    request_id = new_request(world)
    with local_smtp_server() as (port, received):
        for name, value in smtp_environment(port).items():
            monkeypatch.setenv(name, value)
        assign(world, request_id)
    assert sorted(to for _, tos in received.envelopes for to in tos) == sorted(
        f"{name}@test.example" for name in TEAM
    )
    assert {m["Subject"] for m in received.messages} == {
        f"Status changed on request {request_id}: Survey advice"
    }


def test_only_the_hubs_first_reply_is_its_first_response(world: World) -> None:
    request_id = new_request(world)
    consultant = world.actor("consultant")
    conversation.post_note(world.db, consultant, request_id, "Notes do not count")
    conversation.post_reply(world.db, world.actor("member"), request_id, "Nor do team replies")
    with world.db.read() as session:
        assert conversation.first_hub_reply_at(session, request_id) is None
    first = conversation.post_reply(world.db, consultant, request_id, "First answer")
    second = conversation.post_reply(world.db, consultant, request_id, "Second answer")
    assert (first.first_hub_reply, second.first_hub_reply) == (True, False)
    with world.db.read() as session:
        at = conversation.first_hub_reply_at(session, request_id)
        message = session.get(RequestMessage, first.message_id)
        assert message is not None and at == message.created_at
