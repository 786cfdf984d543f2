"""Organisational commitments to the strategy: a statement and planned actions per organisation.

An organisation's champions keep its commitment (an admin may keep any); hub staff see every
organisation's, with progress; the organisation's team members may read their own. Each planned
action has a theme (``data/commitment_themes.yaml``), an owner, start and due dates and a
status. Every change is one transaction, audited, and checks the version the person saw.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ue_core import audit
from ue_core.authz import (
    Actor,
    Permission,
    can_keep_commitment,
    require,
    require_commitments_overview,
    require_keep_commitment,
    require_read_commitment,
)
from ue_core.commitment_themes import (
    CommitmentStatus,
    CommitmentThemes,
    is_overdue,
    shipped_commitment_themes,
)
from ue_core.db.engine import Database
from ue_core.db.models import Commitment, CommitmentAction, Organisation, Role, utcnow
from ue_core.errors import ConflictError, InputError, NotFound
from ue_core.services.admin import OrganisationChoice
from ue_core.services.surveys.you_said_we_did import parse_published

MAX_STATEMENT = 5_000
MAX_TEXT = 2_000
MAX_OWNER = 200


@dataclass(frozen=True)
class ActionDraft:
    """What a person enters for a planned action."""

    theme: str
    text: str
    owner: str
    starts_on: date | None
    due_on: date | None
    status: CommitmentStatus = CommitmentStatus.PLANNED


@dataclass(frozen=True)
class CommitmentActionView:
    id: int
    theme: str
    theme_label: str
    text: str
    owner: str
    starts_on: date
    due_on: date
    status: CommitmentStatus
    updated_at: datetime
    version: int

    def is_overdue(self, today: date) -> bool:
        return is_overdue(self.due_on, self.status, today)

    def draft(self) -> ActionDraft:
        return ActionDraft(
            self.theme, self.text, self.owner, self.starts_on, self.due_on, self.status
        )


@dataclass(frozen=True)
class CommitmentView:
    """One organisation's commitment; ``statement`` is empty and ``version`` 0 before it has one."""

    organisation_id: int
    organisation_name: str
    statement: str
    published_on: date | None
    updated_at: datetime | None
    version: int
    actions: tuple[CommitmentActionView, ...]
    can_edit: bool

    @property
    def exists(self) -> bool:
        return self.version > 0

    def overdue(self, today: date) -> tuple[CommitmentActionView, ...]:
        return tuple(a for a in self.actions if a.is_overdue(today))


@dataclass(frozen=True)
class OrganisationProgress:
    organisation_id: int
    organisation_name: str
    has_commitment: bool
    by_status: dict[CommitmentStatus, int]
    overdue: int
    updated_at: datetime | None

    @property
    def actions(self) -> int:
        return sum(self.by_status.values())


@dataclass(frozen=True)
class CommitmentsProgress:
    """Every organisation's progress, and actions by status per theme across them."""

    organisations: tuple[OrganisationProgress, ...]
    by_theme: dict[str, dict[CommitmentStatus, int]]  # theme key -> status -> actions
    overdue_by_theme: dict[str, int]
    themes: CommitmentThemes

    @property
    def with_commitment(self) -> int:
        return sum(o.has_commitment for o in self.organisations)

    @property
    def without_commitment(self) -> tuple[OrganisationProgress, ...]:
        return tuple(o for o in self.organisations if not o.has_commitment)

    @property
    def overdue(self) -> int:
        return sum(o.overdue for o in self.organisations)


# --- Reading ----------------------------------------------------------------------------------


def commitment_organisations(db: Database, actor: Actor) -> list[OrganisationChoice]:
    """The organisations whose commitment this person keeps: a champion's own, all for admins."""
    require(actor, Permission.COMMITMENTS)
    query = select(Organisation.id, Organisation.name).order_by(Organisation.name)
    if not (actor.is_system or Role.ADMIN in actor.roles):
        query = query.where(Organisation.id.in_(actor.champion_organisation_ids()))
    with db.read() as session:
        return [OrganisationChoice(org_id, name) for org_id, name in session.execute(query)]


def _action_view(row: CommitmentAction, themes: CommitmentThemes) -> CommitmentActionView:
    return CommitmentActionView(
        id=row.id,
        theme=row.theme,
        theme_label=themes.label(row.theme),
        text=row.text,
        owner=row.owner,
        starts_on=row.starts_on,
        due_on=row.due_on,
        status=CommitmentStatus(row.status),
        updated_at=row.updated_at,
        version=row.version,
    )


def organisation_commitment(
    db: Database, actor: Actor, organisation_id: int, themes: CommitmentThemes | None = None
) -> CommitmentView:
    """The organisation's commitment and its actions (by due date), if the person may read it."""
    require_read_commitment(actor, organisation_id)
    themes = themes or shipped_commitment_themes()
    with db.read() as session:
        organisation = session.get(Organisation, organisation_id)
        if organisation is None:
            raise NotFound("That organisation is not in the workbench.")
        row = _commitment_of(session, organisation_id)
        actions = _actions_of(session, row.id) if row else []
        return CommitmentView(
            organisation_id=organisation.id,
            organisation_name=organisation.name,
            statement=row.statement if row else "",
            published_on=row.published_on if row else None,
            updated_at=row.updated_at if row else None,
            version=row.version if row else 0,
            actions=tuple(_action_view(a, themes) for a in actions),
            can_edit=can_keep_commitment(actor, organisation_id),
        )


def your_commitments(db: Database, actor: Actor) -> list[CommitmentView]:
    """The commitments of the organisations of this person's teams, where one is written down
    (for a team member's home page: members cannot reach the Commitments page)."""
    organisation_ids = sorted(
        {
            m.organisation_id
            for m in actor.memberships
            if m.team_id is not None and m.organisation_id is not None
        }
    )
    views = [organisation_commitment(db, actor, oid) for oid in organisation_ids]
    return [view for view in views if view.statement or view.actions]


def _commitment_of(session: Session, organisation_id: int) -> Commitment | None:
    return session.scalar(select(Commitment).where(Commitment.organisation_id == organisation_id))


def _actions_of(session: Session, commitment_id: int) -> list[CommitmentAction]:
    return list(
        session.scalars(
            select(CommitmentAction)
            .where(CommitmentAction.commitment_id == commitment_id)
            .order_by(CommitmentAction.due_on, CommitmentAction.id)
        )
    )


def commitments_progress(
    db: Database, actor: Actor, today: date, themes: CommitmentThemes | None = None
) -> CommitmentsProgress:
    """Hub staff: every organisation with its actions by status and overdue actions."""
    require_commitments_overview(actor)
    themes = themes or shipped_commitment_themes()
    with db.read() as session:
        organisations = session.execute(
            select(Organisation.id, Organisation.name).order_by(Organisation.name)
        ).all()
        commitments = {c.organisation_id: c for c in session.scalars(select(Commitment))}
        rows = session.execute(
            select(Commitment.organisation_id, CommitmentAction).join(
                Commitment, CommitmentAction.commitment_id == Commitment.id
            )
        ).all()
    per_org: dict[int, Counter[CommitmentStatus]] = {}
    overdue_org: Counter[int] = Counter()
    by_theme = {key: dict.fromkeys(CommitmentStatus, 0) for key in themes.theme_keys()}
    overdue_theme: Counter[str] = Counter()
    for organisation_id, action in rows:
        status = CommitmentStatus(action.status)
        per_org.setdefault(organisation_id, Counter())[status] += 1
        by_theme.setdefault(action.theme, dict.fromkeys(CommitmentStatus, 0))[status] += 1
        if is_overdue(action.due_on, status, today):
            overdue_org[organisation_id] += 1
            overdue_theme[action.theme] += 1
    return CommitmentsProgress(
        organisations=tuple(
            OrganisationProgress(
                organisation_id=org_id,
                organisation_name=name,
                has_commitment=org_id in commitments,
                by_status={s: per_org.get(org_id, Counter())[s] for s in CommitmentStatus},
                overdue=overdue_org[org_id],
                updated_at=commitments[org_id].updated_at if org_id in commitments else None,
            )
            for org_id, name in organisations
        ),
        by_theme=by_theme,
        overdue_by_theme={key: overdue_theme[key] for key in by_theme},
        themes=themes,
    )


# --- Changing ---------------------------------------------------------------------------------


def _check_statement(statement: str) -> str:
    text = statement.strip()
    if not text:
        raise InputError("Enter your organisation's commitment to the strategy.")
    if len(text) > MAX_STATEMENT:
        raise InputError(f"The commitment must be {MAX_STATEMENT:,} characters or fewer.")
    return text


def parse_day(text: str, name: str) -> date | None:
    """A date typed as "31 3 2027", "31/03/2027" or "2027-03-31"; None when left empty.

    ``name`` ("start date") says which date in the message when it is not a real date.
    """
    try:
        return parse_published(text)
    except InputError:
        raise InputError(
            f"Enter the {name} as day, month and year, like 31 3 2027, and make it a real date."
        ) from None


def check_action(draft: ActionDraft, themes: CommitmentThemes) -> None:
    """Raise InputError saying what to change when a planned action cannot be saved."""
    if draft.theme not in themes.theme_keys():
        raise InputError("Choose one of the themes listed for the action.")
    if not draft.text.strip():
        raise InputError("Enter what the action is.")
    if len(draft.text) > MAX_TEXT:
        raise InputError(f"The action must be {MAX_TEXT:,} characters or fewer.")
    if not draft.owner.strip():
        raise InputError("Enter who owns the action.")
    if len(draft.owner) > MAX_OWNER:
        raise InputError(f"The owner must be {MAX_OWNER} characters or fewer.")
    if draft.starts_on is None:
        raise InputError("Enter the date the action starts.")
    if draft.due_on is None:
        raise InputError("Enter the date the action is due.")
    if draft.due_on < draft.starts_on:
        raise InputError("The due date must be on or after the start date.")
    if not isinstance(draft.status, CommitmentStatus):
        raise InputError("Choose a status: planned, in progress, done or dropped.")


def _values(action: CommitmentAction) -> dict[str, Any]:
    """An action's values as audited, and as shown to a person whose save clashed."""
    return {
        "theme": shipped_commitment_themes().label(action.theme),
        "action": action.text,
        "owner": action.owner,
        "start date": action.starts_on.isoformat(),
        "due date": action.due_on.isoformat(),
        "status": CommitmentStatus(action.status).label,
    }


def save_statement(
    db: Database,
    actor: Actor,
    organisation_id: int,
    statement: str,
    published_on: date | None,
    *,
    expected_version: int,
) -> int:
    """Write or change the organisation's commitment; ``expected_version`` 0 writes the first.

    Returns the commitment's new version.
    """
    require_keep_commitment(actor, organisation_id)
    text = _check_statement(statement)
    with db.transaction() as session:
        if session.get(Organisation, organisation_id) is None:
            raise NotFound("That organisation is not in the workbench.")
        row = _commitment_of(session, organisation_id)
        current = row.version if row else 0
        if current != expected_version:
            raise ConflictError(
                "Someone else changed this commitment after you opened it, so your change was "
                "not saved. Their version is shown; check it and make your change again.",
                current={"commitment": row.statement if row else None},
            )
        before = {"statement": row.statement, "published on": row.published_on} if row else None
        if row is None:
            row = Commitment(organisation_id=organisation_id, statement=text)
            session.add(row)
        row.statement = text
        row.published_on = published_on
        row.updated_at = utcnow()
        session.flush()
        audit.record(
            session,
            actor,
            "save_commitment",
            "commitment",
            row.id,
            before=_dated(before),
            after=_dated({"statement": text, "published on": published_on}),
        )
        return row.version


def _dated(values: dict[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


def add_commitment_action(
    db: Database, actor: Actor, organisation_id: int, draft: ActionDraft
) -> CommitmentActionView:
    """Add a planned action to the organisation's commitment (written first)."""
    require_keep_commitment(actor, organisation_id)
    themes = shipped_commitment_themes()
    check_action(draft, themes)
    assert draft.starts_on is not None and draft.due_on is not None
    with db.transaction() as session:
        commitment = _commitment_of(session, organisation_id)
        if commitment is None:
            raise InputError("Write your organisation's commitment before adding actions to it.")
        action = CommitmentAction(
            commitment_id=commitment.id,
            theme=draft.theme,
            text=draft.text.strip(),
            owner=draft.owner.strip(),
            starts_on=draft.starts_on,
            due_on=draft.due_on,
            status=draft.status.value,
        )
        session.add(action)
        session.flush()
        audit.record(
            session,
            actor,
            "add_commitment_action",
            "commitment_action",
            action.id,
            after=_values(action),
        )
        return _action_view(action, themes)


def _action_for_change(
    session: Session, actor: Actor, action_id: int, expected_version: int
) -> CommitmentAction:
    action = session.get(CommitmentAction, action_id)
    if action is None:
        raise NotFound("That action is not part of any commitment.")
    commitment = session.get(Commitment, action.commitment_id)
    assert commitment is not None
    require_keep_commitment(actor, commitment.organisation_id)
    if action.version != expected_version:
        raise ConflictError(
            "Someone else changed this action after you opened it, so your change was not "
            "saved. Their version is shown; check it and make your change again.",
            current=_values(action),
        )
    return action


def update_commitment_action(
    db: Database, actor: Actor, action_id: int, draft: ActionDraft, *, expected_version: int
) -> CommitmentActionView:
    """Change a planned action. ``expected_version`` is the version the person was looking at."""
    require(actor, Permission.COMMITMENTS)
    themes = shipped_commitment_themes()
    check_action(draft, themes)
    assert draft.starts_on is not None and draft.due_on is not None
    with db.transaction() as session:
        action = _action_for_change(session, actor, action_id, expected_version)
        before = _values(action)
        action.theme = draft.theme
        action.text = draft.text.strip()
        action.owner = draft.owner.strip()
        action.starts_on = draft.starts_on
        action.due_on = draft.due_on
        action.status = draft.status.value
        action.updated_at = utcnow()
        session.flush()
        audit.record(
            session,
            actor,
            "update_commitment_action",
            "commitment_action",
            action.id,
            before=before,
            after=_values(action),
        )
        return _action_view(action, themes)


def change_commitment_action_status(
    db: Database,
    actor: Actor,
    action_id: int,
    status: CommitmentStatus,
    *,
    expected_version: int,
) -> CommitmentActionView:
    """Move a planned action to planned, in progress, done or dropped."""
    require(actor, Permission.COMMITMENTS)
    with db.transaction() as session:
        action = _action_for_change(session, actor, action_id, expected_version)
        before = CommitmentStatus(action.status).label
        action.status = CommitmentStatus(status).value
        action.updated_at = utcnow()
        session.flush()
        audit.record(
            session,
            actor,
            "change_commitment_action_status",
            "commitment_action",
            action.id,
            before={"status": before},
            after={"status": CommitmentStatus(status).label},
        )
        return _action_view(action, shipped_commitment_themes())
