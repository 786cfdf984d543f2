"""Champions' monthly updates stored: sending, changing, closing, reminders, the roll-up, and a
case study turned into a draft and published in the library."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.db.test_champion_chats import add_champions
from tests.factories import World, build_world
from tests.smtp import local_smtp_server, smtp_environment
from ue_core.authz import SYSTEM, AccessDenied
from ue_core.db.engine import Database
from ue_core.db.models import AuditEvent, ChampionUpdate, Notification, Resource
from ue_core.errors import ConflictError, InputError
from ue_core.services import (
    case_study_drafts,
    champion_chats,
    champion_updates,
    inbox,
    update_reminders,
)
from ue_core.services.case_study_drafts import DraftState, Publication
from ue_core.services.frameworks import sync_framework
from ue_core.services.library import browse

NOVEMBER = date(2026, 11, 1)
DECEMBER = date(2026, 12, 1)
TODAY = date(2026, 12, 3)


@pytest.fixture
def world(any_db: Database, monkeypatch: pytest.MonkeyPatch) -> World:
    for name in ("UE_SMTP_HOST", "UE_SMTP_PORT", "UE_SMTP_FROM", "UE_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    sync_framework(any_db, SYSTEM)
    built = build_world(any_db)
    add_champions(built)
    for month in (NOVEMBER, DECEMBER):
        view = champion_chats.draw_round(built.db, SYSTEM, month, date(2026, 11, 1), seed=3)
        champion_chats.publish_round(built.db, SYSTEM, view.round_id, view.version)
    return built


def send(
    world: World,
    who: str,
    month: date = DECEMBER,
    categories: tuple[str, ...] = ("internal_launch",),
    text: str = "We launched the strategy at an all-staff call.",
    links: str = "",
    expected_version: int | None = None,
) -> champion_updates.UpdateView:
    return champion_updates.send_update(
        world.db,
        world.actor(who),
        month,
        categories=categories,
        text=text,
        links=links,
        today=TODAY,
        expected_version=expected_version,
    )


def test_a_champion_sends_and_changes_their_update_and_only_they_and_the_hub_see_it(
    world: World,
) -> None:
    sent = send(
        world,
        "champion",
        categories=("metrics", "internal_launch"),
        links="https://example.gov.uk/launch\n\nhttps://example.gov.uk/launch",
    )
    assert sent.categories == ("internal_launch", "metrics")  # the file's order
    assert sent.links == ("https://example.gov.uk/launch",)
    assert sent.organisation == "Office for Test Statistics"

    changed = send(
        world,
        "champion",
        categories=("hub_workshop",),
        text="A workshop with the hub.",
        expected_version=sent.version,
    )
    assert changed.categories == ("hub_workshop",) and changed.version == sent.version + 1
    with pytest.raises(ConflictError, match="changed after you opened it"):
        send(world, "champion", text="Old tab", expected_version=sent.version)
    with pytest.raises(ConflictError, match="already sent your update"):
        send(world, "champion")

    mine = champion_updates.your_months(world.db, world.actor("champion"), TODAY)
    assert [(m.month, m.open) for m in mine] == [(DECEMBER, True), (NOVEMBER, True)]
    assert mine[0].update is not None and mine[0].update.text == "A workshop with the hub."
    others = champion_updates.your_months(world.db, world.actor("champion1"), TODAY)
    assert all(month.update is None for month in others)  # never someone else's update
    with pytest.raises(AccessDenied):
        champion_updates.organisation_timeline(
            world.db, world.actor("champion"), sent.organisation_id
        )
    timeline = champion_updates.organisation_timeline(
        world.db, world.actor("consultant"), sent.organisation_id
    )
    assert [view.text for view in timeline] == ["A workshop with the hub."]
    with world.db.read() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_type == "champion_update")
        ).all()
    assert actions == ["send_champion_update", "change_champion_update"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"categories": ()}, "Choose at least one category"),
        ({"categories": ("made_up",)}, "'made_up' is not a category"),
        ({"text": "   "}, "Write a few words"),
        ({"links": "example.gov.uk/page"}, "start it with https://"),
        ({"links": "javascript:alert(1)"}, "start it with https://"),
        ({"links": "https://bad host/page"}, "has a space in it"),
        ({"month": date(2027, 1, 1)}, "not in a published Champion Chat"),
    ],
)
def test_bad_updates_are_refused_with_a_clear_message(
    world: World, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        send(world, "champion", **kwargs)  # type: ignore[arg-type]
    with world.db.read() as session:
        assert session.scalar(select(func.count(ChampionUpdate.id))) == 0


def test_a_months_updates_close_at_the_end_of_the_next_month(world: World) -> None:
    with pytest.raises(InputError, match="Updates for November 2026 closed on 31 December 2026"):
        champion_updates.send_update(
            world.db,
            world.actor("champion"),
            NOVEMBER,
            categories=("other",),
            text="Late",
            links="",
            today=date(2027, 1, 1),
            expected_version=None,
        )
    months = champion_updates.your_months(world.db, world.actor("champion"), date(2027, 1, 1))
    assert [m.open for m in months] == [True, False]


def test_reminders_reach_the_inbox_and_email_once_a_day_with_subject_and_link_only(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    send(world, "champion1", text="Our confidential plans.")
    hub = world.actor("consultant")
    status = update_reminders.month_status(world.db, hub, DECEMBER, TODAY)
    assert (status.champions, status.sent, len(status.missing)) == (8, 1, 7)
    with local_smtp_server() as (port, received):
        for name, value in smtp_environment(port).items():
            monkeypatch.setenv(name, value)
        result = update_reminders.send_reminders(world.db, hub, DECEMBER, TODAY)
        again = update_reminders.send_reminders(world.db, hub, DECEMBER, TODAY)
    assert (result.reminded, result.already_today, result.emails) == (7, 0, 7)
    assert (again.reminded, again.already_today) == (0, 7)
    assert len(received.messages) == 7
    message = received.messages[0]
    assert message["Subject"] == "Reminder: your Champion Chat update for December 2026"
    assert "https://workbench.example/your_update" in message.get_content()
    assert "confidential" not in message.get_content()
    assert "champion1@test.example" not in [to for _, tos in received.envelopes for to in tos]

    champion = world.actor("champion")
    assert inbox.unread_count(world.db, champion) == 1
    assert inbox.notifications(world.db, champion) == []  # request notifications unaffected
    [reminder] = update_reminders.your_reminders(world.db, champion)
    assert (reminder.month, reminder.read) == (DECEMBER, False)
    send(world, "champion")  # sending the update reads the reminder
    assert inbox.unread_count(world.db, champion) == 0
    with pytest.raises(AccessDenied):
        update_reminders.mark_reminder_read(world.db, world.actor("champion2"), reminder.id)

    tomorrow = update_reminders.send_reminders(world.db, hub, DECEMBER, date(2026, 12, 4))
    assert tomorrow.reminded == 6  # a new day; the champion who has now sent is left out
    with world.db.read() as session:
        assert (
            session.scalar(
                select(func.count(Notification.id)).where(Notification.kind == "update_reminder")
            )
            == 13
        )


def test_no_reminders_for_a_closed_month(world: World) -> None:
    with pytest.raises(InputError, match="have closed"):
        update_reminders.send_reminders(world.db, world.actor("admin"), NOVEMBER, date(2027, 1, 2))


def test_the_roll_up_counts_updates_and_organisations_per_category_and_month(
    world: World,
) -> None:
    send(world, "champion", month=NOVEMBER, categories=("internal_launch", "web_analytics"))
    send(world, "champion1", month=NOVEMBER, categories=("internal_launch",))
    send(world, "champion2", categories=("web_analytics",))
    hub = world.actor("admin")
    counts = {
        c.key: (c.updates, c.organisations)
        for c in champion_updates.updates_by_category(world.db, hub, NOVEMBER, TODAY)
    }
    organisation_of = {
        view.user_id: view.organisation
        for view in champion_updates.case_study_offers(world.db, hub, NOVEMBER, TODAY)
    }
    assert organisation_of == {}
    assert counts["internal_launch"][0] == 2 and len(counts["internal_launch"][1]) == 2
    assert counts["web_analytics"][0] == 2
    assert counts["other"] == (0, ())
    assert len(counts) == 10
    november_only = champion_updates.updates_by_category(world.db, hub, NOVEMBER, NOVEMBER)
    assert sum(c.updates for c in november_only) == 3

    rollup = champion_updates.update_rollup(world.db, hub, NOVEMBER, DECEMBER)
    assert rollup.months == (NOVEMBER, DECEMBER) and rollup.updates == 3
    assert rollup.sent_by_month == ((NOVEMBER, 2, 8), (DECEMBER, 1, 8))
    december = {m.count.key: m.count.updates for m in rollup.by_month if m.month == DECEMBER}
    assert december["web_analytics"] == 1 and december["internal_launch"] == 0
    with pytest.raises(AccessDenied):
        champion_updates.updates_by_category(world.db, world.actor("champion"), NOVEMBER, TODAY)
    with pytest.raises(InputError, match="must not be before"):
        champion_updates.update_rollup(world.db, hub, DECEMBER, NOVEMBER)


def test_a_case_study_offer_becomes_a_draft_then_a_library_case_study(world: World) -> None:
    offer = send(
        world,
        "champion",
        categories=("case_study",),
        text="Our housing team ran a user panel. Its advice changed the release.",
        links="https://example.gov.uk/panel\nhttp://example.gov.uk/old",
    )
    hub = world.actor("consultant")
    [found] = champion_updates.case_study_offers(world.db, hub, DECEMBER, DECEMBER)
    assert found.id == offer.id
    with pytest.raises(InputError, match="does not offer a case study"):
        plain = send(world, "champion1")
        champion_updates.draft_from_update(world.db, hub, plain.id, "Title")
    draft_id = champion_updates.draft_from_update(world.db, hub, offer.id, "A housing panel")
    with pytest.raises(InputError, match="already been made"):
        champion_updates.draft_from_update(world.db, hub, offer.id, "Again")
    refs = case_study_drafts.drafts_for_sources(world.db, hub, "champion_update", [offer.id])
    assert refs[offer.id].state is DraftState.DRAFT
    [draft] = case_study_drafts.case_study_drafts(world.db, hub, DraftState.DRAFT)
    assert draft.id == draft_id and draft.source_urls == ("https://example.gov.uk/panel",)
    assert draft.organisation == "Office for Test Statistics"

    with pytest.raises(InputError, match="at least one principle"):
        case_study_drafts.publish_case_study(
            world.db,
            hub,
            draft_id,
            Publication("A housing panel", draft.summary, (), ("user-forum",)),
            expected_version=draft.version,
            today=TODAY,
        )
    slug = case_study_drafts.publish_case_study(
        world.db,
        hub,
        draft_id,
        Publication(
            "A user panel for housing statistics",
            draft.summary,
            ("proactively-involving-users",),
            ("user-forum",),
            ("government-analysts",),
            2026,
        ),
        expected_version=draft.version,
        today=TODAY,
    )
    assert slug.startswith(f"hub-{draft_id}-a-user-panel-for-housing")
    with pytest.raises(InputError, match="already been published"):
        case_study_drafts.decline_case_study(
            world.db, hub, draft_id, "No", expected_version=draft.version + 1
        )
    with world.db.read() as session:
        resource = session.scalar(select(Resource).where(Resource.slug == slug))
        assert resource is not None and resource.kind == "case_study" and resource.is_active
    item = browse.get_item_by_slug(world.db, world.actor("member"), slug)
    assert item.resource.title == "A user panel for housing statistics"
    assert item.resource.origin == "Office for Test Statistics"
    assert item.resource.source_urls == ("https://example.gov.uk/panel",)
    # the library's file sync leaves the hub's entry alone
    from ue_core.services.library import catalogue

    catalogue.sync_catalogue(world.db, SYSTEM)
    with world.db.read() as session:
        assert session.scalar(select(Resource.is_active).where(Resource.slug == slug))


def test_a_draft_can_be_declined_with_a_reason_and_another_feature_can_draft_too(
    world: World,
) -> None:
    hub = world.actor("admin")
    draft_id = case_study_drafts.draft_case_study(
        world.db,
        hub,
        source_kind="forum_success",
        source_id=42,
        title="A forum that doubled its members",
        summary="The forum opened to all users and met online.",
        organisation_id=world.organisation_id,
    )
    with pytest.raises(ValueError, match="unknown case-study source"):
        case_study_drafts.draft_case_study(
            world.db, hub, source_kind="rumour", source_id=1, title="Title", summary="Words."
        )
    with pytest.raises(AccessDenied):
        case_study_drafts.draft_case_study(
            world.db,
            world.actor("champion"),
            source_kind="forum_success",
            source_id=43,
            title="Title",
            summary="Words.",
        )
    with pytest.raises(InputError, match="Say why"):
        case_study_drafts.decline_case_study(world.db, hub, draft_id, " ", expected_version=1)
    with pytest.raises(ConflictError):
        case_study_drafts.decline_case_study(
            world.db, hub, draft_id, "Too thin", expected_version=9
        )
    case_study_drafts.decline_case_study(world.db, hub, draft_id, "Too thin", expected_version=1)
    [declined] = case_study_drafts.case_study_drafts(world.db, hub, DraftState.DECLINED)
    assert (declined.review_note, declined.reviewed_by) == ("Too thin", "Admin")
    assert declined.source_label == "A forum's biggest success"
