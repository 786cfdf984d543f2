"""Champions' monthly updates after their Chat, the hub's reminders and its roll-up.

Each champion in a published month's Chats sends one short update on that month: one or more
categories (``data/update_categories.yaml``), a few words and links. They can change it until
the month's updates close (:func:`ue_core.update_categories.closes_on`). An update is seen by
its author and by hub staff only.

Hub staff see who in a month has not sent one and remind them, at most once a day each: an
inbox notification and, when SMTP is set up, an e-mail with only a subject and a link. The
roll-up counts updates per category and month with the organisations behind them, and lists
each organisation's updates as a timeline. An update offering a case study can be turned into
a case-study draft (:mod:`ue_core.services.case_study_drafts`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ue_core import audit
from ue_core.authz import AccessDenied, Actor, Permission, require
from ue_core.champion_chats import month_label, month_of
from ue_core.db.engine import Database
from ue_core.db.models import (
    ChampionUpdate,
    ChampionUpdateCategory,
    ChatMember,
    ChatRound,
    Notification,
    Organisation,
    User,
    utcnow,
)
from ue_core.errors import ConflictError, InputError, NotFound
from ue_core.services import case_study_drafts
from ue_core.services._champion_chat_people import _organisation_ids
from ue_core.update_categories import (
    UpdateCategories,
    check_categories,
    check_text,
    closes_on,
    is_open,
    parse_links,
    shipped_update_categories,
)
from ue_core.vocabulary import ChatRoundState

#: The ``Notification.kind`` of a reminder to send a month's update.
REMINDER_KIND = "update_reminder"
#: How the case-study drafts know an update.
SOURCE_KIND = "champion_update"


@dataclass(frozen=True)
class UpdateView:
    """One update as its author or the hub sees it."""

    id: int
    month: date
    user_id: int
    champion: str
    organisation_id: int
    organisation: str
    categories: tuple[str, ...]
    text: str
    links: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    version: int

    @property
    def category_labels(self) -> tuple[str, ...]:
        labels = shipped_update_categories()
        return tuple(labels.label(key) for key in self.categories)


@dataclass(frozen=True)
class YourMonth:
    """A published month a champion was in: their update (if sent) and whether it is open."""

    month: date
    closes_on: date
    open: bool
    update: UpdateView | None

    @property
    def label(self) -> str:
        return month_label(self.month)


# --- Reading updates ------------------------------------------------------------------------


def _views(session: Session, *where: object) -> list[UpdateView]:
    rows = session.execute(
        select(ChampionUpdate, User.display_name, Organisation.name)
        .join(User, User.id == ChampionUpdate.user_id)
        .join(Organisation, Organisation.id == ChampionUpdate.organisation_id)
        .where(*where)  # type: ignore[arg-type]
        .order_by(ChampionUpdate.month, Organisation.name, User.display_name)
    ).all()
    ids = [row.id for row, _, _ in rows]
    chosen: dict[int, set[str]] = defaultdict(set)
    if ids:
        for update_id, category in session.execute(
            select(ChampionUpdateCategory.update_id, ChampionUpdateCategory.category).where(
                ChampionUpdateCategory.update_id.in_(ids)
            )
        ):
            chosen[update_id].add(category)
    order = {key: index for index, key in enumerate(shipped_update_categories().category_keys())}
    return [
        UpdateView(
            id=row.id,
            month=row.month,
            user_id=row.user_id,
            champion=name,
            organisation_id=row.organisation_id,
            organisation=organisation,
            categories=tuple(sorted(chosen[row.id], key=lambda key: (order.get(key, 99), key))),
            text=row.text,
            links=tuple(row.links),
            created_at=row.created_at,
            updated_at=row.updated_at,
            version=row.version,
        )
        for row, name, organisation in rows
    ]


def _published_months_of(session: Session, user_id: int) -> list[date]:
    return list(
        session.scalars(
            select(ChatRound.month)
            .join(ChatMember, ChatMember.round_id == ChatRound.id)
            .where(
                ChatMember.user_id == user_id,
                ChatRound.state == ChatRoundState.PUBLISHED.value,
            )
            .order_by(ChatRound.month.desc())
        )
    )


def your_months(db: Database, actor: Actor, today: date) -> list[YourMonth]:
    """The published months the champion was in up to this one, newest first, with their own
    update on each (never anyone else's)."""
    require(actor, Permission.JOIN_CHAMPION_CHATS)
    with db.read() as session:
        months = [m for m in _published_months_of(session, actor.user_id) if m <= today]
        sent = {
            view.month: view for view in _views(session, ChampionUpdate.user_id == actor.user_id)
        }
    return [YourMonth(m, closes_on(m), is_open(m, today), sent.get(m)) for m in months]


# --- Sending and changing an update ---------------------------------------------------------


def _check_month(session: Session, actor: Actor, month: date, today: date) -> None:
    in_month = session.scalar(
        select(ChatMember.id)
        .join(ChatRound, ChatRound.id == ChatMember.round_id)
        .where(
            ChatRound.month == month,
            ChatRound.state == ChatRoundState.PUBLISHED.value,
            ChatMember.user_id == actor.user_id,
        )
    )
    if in_month is None:
        raise InputError(
            f"You were not in a published Champion Chat in {month_label(month)}, so there is "
            "no update to send for it."
        )
    if month > today:
        raise InputError(f"The Chats of {month_label(month)} have not started yet.")
    if not is_open(month, today):
        raise InputError(
            f"Updates for {month_label(month)} closed on "
            f"{closes_on(month).strftime('%-d %B %Y')}: they can no longer be sent or changed."
        )


def _set_categories(session: Session, update_id: int, keys: Sequence[str]) -> None:
    current = {
        row.category: row
        for row in session.scalars(
            select(ChampionUpdateCategory).where(ChampionUpdateCategory.update_id == update_id)
        )
    }
    for key, row in current.items():
        if key not in keys:
            session.delete(row)
    session.add_all(
        ChampionUpdateCategory(update_id=update_id, category=key)
        for key in keys
        if key not in current
    )


def _read_reminders(session: Session, user_id: int, month: date) -> None:
    session.execute(
        update(Notification)
        .where(
            Notification.user_id == user_id,
            Notification.kind == REMINDER_KIND,
            Notification.chat_month == month,
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow())
    )


def send_update(
    db: Database,
    actor: Actor,
    month: date,
    *,
    categories: Iterable[str],
    text: str,
    links: str,
    today: date,
    expected_version: int | None,
) -> UpdateView:
    """Send (``expected_version`` None) or change the champion's update on a month.

    ``links`` are web addresses, one a line. Refuses a month the champion was not in, one not
    started or closed, and a change to an update someone (the champion in another tab) changed
    since it was opened.
    """
    require(actor, Permission.JOIN_CHAMPION_CHATS)
    if actor.is_system:
        raise InputError("Only a champion can send a monthly update.")
    month = month_of(month)
    catalogue = shipped_update_categories()
    keys = check_categories(categories, catalogue)
    words = check_text(text)
    addresses = list(parse_links(links))
    already = (
        f"You have already sent your update for {month_label(month)}. It is shown below: "
        "change it there."
    )
    try:
        with db.transaction(locking=True) as session:
            _check_month(session, actor, month, today)
            row = session.scalar(
                select(ChampionUpdate)
                .where(ChampionUpdate.month == month, ChampionUpdate.user_id == actor.user_id)
                .with_for_update()
            )
            if expected_version is None:
                if row is not None:
                    raise ConflictError(already, {"Version": row.version})
                organisation_id = _organisation_ids(session, [actor.user_id]).get(actor.user_id)
                if organisation_id is None:
                    raise AccessDenied("Only a champion of an organisation can send an update.")
                row = ChampionUpdate(
                    month=month,
                    user_id=actor.user_id,
                    organisation_id=organisation_id,
                    text=words,
                    links=addresses,
                )
                session.add(row)
                session.flush()
                before: dict[str, object] | None = None
                action = "send_champion_update"
            else:
                if row is None:
                    raise NotFound(f"Your update for {month_label(month)} no longer exists.")
                if row.version != expected_version:
                    raise ConflictError(
                        f"Your update for {month_label(month)} was changed after you opened "
                        "it (in another window?). Check it as it is now, then try again.",
                        {"text": row.text, "links": ", ".join(row.links), "Version": row.version},
                    )
                before = {"text": row.text, "links": list(row.links)}
                row.text, row.links, row.updated_at = words, addresses, utcnow()
                action = "change_champion_update"
            _set_categories(session, row.id, keys)
            _read_reminders(session, actor.user_id, month)
            session.flush()
            audit.record(
                session,
                actor,
                action,
                "champion_update",
                row.id,
                before=before,
                after={
                    "month": month.isoformat(),
                    "categories": list(keys),
                    "text": words,
                    "links": addresses,
                },
            )
            return _views(session, ChampionUpdate.id == row.id)[0]
    except IntegrityError:  # the same update sent twice at the same moment
        raise InputError(already) from None


# --- The hub's roll-up ----------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryCount:
    """How many updates in a period were under a category, and from which organisations."""

    key: str
    label: str
    updates: int
    organisations: tuple[str, ...]


@dataclass(frozen=True)
class MonthCategoryCount:
    """One category's count in one month."""

    month: date
    count: CategoryCount


@dataclass(frozen=True)
class Rollup:
    """The network's updates over a run of months: per category, per month and category, and
    how many of the champions in each month's Chats sent one."""

    months: tuple[date, ...]
    by_category: tuple[CategoryCount, ...]
    by_month: tuple[MonthCategoryCount, ...]
    sent_by_month: tuple[tuple[date, int, int], ...]
    updates: int


def _period_views(session: Session, start: date, end: date) -> list[UpdateView]:
    if end < start:
        raise InputError("The end of the period must not be before its start.")
    return _views(
        session, ChampionUpdate.month >= month_of(start), ChampionUpdate.month <= month_of(end)
    )


def _count(
    views: Sequence[UpdateView], catalogue: UpdateCategories
) -> list[tuple[str, int, tuple[str, ...]]]:
    counts: dict[str, int] = defaultdict(int)
    organisations: dict[str, set[str]] = defaultdict(set)
    for view in views:
        for key in view.categories:
            counts[key] += 1
            organisations[key].add(view.organisation)
    keys = list(catalogue.category_keys()) + sorted(set(counts) - set(catalogue.category_keys()))
    return [(key, counts[key], tuple(sorted(organisations[key], key=str.casefold))) for key in keys]


def updates_by_category(db: Database, actor: Actor, start: date, end: date) -> list[CategoryCount]:
    """Updates per category for the Chat months from ``start``'s month to ``end``'s, with the
    organisations that sent them: every category in the file's order, zero counts included.
    (An update under two categories counts once in each.)"""
    require(actor, Permission.RUN_CHAMPION_CHATS)
    catalogue = shipped_update_categories()
    with db.read() as session:
        views = _period_views(session, start, end)
    return [
        CategoryCount(key, catalogue.label(key), count, organisations)
        for key, count, organisations in _count(views, catalogue)
    ]


def update_rollup(db: Database, actor: Actor, start: date, end: date) -> Rollup:
    """The roll-up page's figures for the Chat months from ``start``'s month to ``end``'s."""
    require(actor, Permission.RUN_CHAMPION_CHATS)
    catalogue = shipped_update_categories()
    with db.read() as session:
        views = _period_views(session, start, end)
        rounds = session.execute(
            select(ChatRound.month, func.count(ChatMember.id))
            .join(ChatMember, ChatMember.round_id == ChatRound.id)
            .where(
                ChatRound.state == ChatRoundState.PUBLISHED.value,
                ChatRound.month >= month_of(start),
                ChatRound.month <= month_of(end),
            )
            .group_by(ChatRound.month)
            .order_by(ChatRound.month)
        ).all()
    months = tuple(month for month, _ in rounds)
    by_month: list[MonthCategoryCount] = []
    for month in months:
        in_month = [view for view in views if view.month == month]
        by_month.extend(
            MonthCategoryCount(month, CategoryCount(key, catalogue.label(key), count, orgs))
            for key, count, orgs in _count(in_month, catalogue)
        )
    sent: dict[date, int] = defaultdict(int)
    for view in views:
        sent[view.month] += 1
    return Rollup(
        months=months,
        by_category=tuple(
            CategoryCount(key, catalogue.label(key), count, organisations)
            for key, count, organisations in _count(views, catalogue)
        ),
        by_month=tuple(by_month),
        sent_by_month=tuple((month, sent[month], champions) for month, champions in rounds),
        updates=len(views),
    )


def update_organisations(db: Database, actor: Actor) -> list[tuple[int, str]]:
    """The organisations that have sent any update, by name."""
    require(actor, Permission.RUN_CHAMPION_CHATS)
    with db.read() as session:
        return [
            (organisation_id, name)
            for organisation_id, name in session.execute(
                select(Organisation.id, Organisation.name)
                .where(Organisation.id.in_(select(ChampionUpdate.organisation_id)))
                .order_by(Organisation.name)
            )
        ]


def organisation_timeline(db: Database, actor: Actor, organisation_id: int) -> list[UpdateView]:
    """Every update an organisation's champions sent, newest month first."""
    require(actor, Permission.RUN_CHAMPION_CHATS)
    with db.read() as session:
        if session.get(Organisation, organisation_id) is None:
            raise NotFound("That organisation no longer exists.")
        views = _views(session, ChampionUpdate.organisation_id == organisation_id)
    return sorted(views, key=lambda view: view.month, reverse=True)


def case_study_offers(db: Database, actor: Actor, start: date, end: date) -> list[UpdateView]:
    """The period's updates under "A case study to share", newest month first."""
    require(actor, Permission.RUN_CHAMPION_CHATS)
    key = shipped_update_categories().case_study_key
    with db.read() as session:
        views = _period_views(session, start, end)
    return sorted(
        (view for view in views if key in view.categories),
        key=lambda view: (view.month, view.organisation),
        reverse=True,
    )


def draft_from_update(db: Database, actor: Actor, update_id: int, title: str) -> int:
    """Turn an update offering a case study into a case-study draft for review; returns the
    draft's id. The draft's summary is the update's text; its https links are the sources."""
    require(actor, Permission.RUN_CHAMPION_CHATS)
    with db.read() as session:
        views = _views(session, ChampionUpdate.id == update_id)
    if not views:
        raise NotFound("That update no longer exists.")
    view = views[0]
    if shipped_update_categories().case_study_key not in view.categories:
        raise InputError("This update does not offer a case study to share.")
    return case_study_drafts.draft_case_study(
        db,
        actor,
        source_kind=SOURCE_KIND,
        source_id=view.id,
        title=title,
        summary=view.text,
        organisation_id=view.organisation_id,
        source_urls=[link for link in view.links if link.lower().startswith("https://")],
    )
