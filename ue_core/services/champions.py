"""The champions directory: every champion, their organisation, what they work on and how to
reach them (only the contacts they chose to show), and each champion's own profile.

Everyone signed in sees the directory; team members' home pages name their organisation's
champions from it. Only a champion changes their own profile.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ue_core import audit
from ue_core.authz import Actor, require_champion
from ue_core.champion_profiles import (
    Contact,
    ProfileForm,
    checked_profile,
    join_areas,
    shown_contacts,
    split_areas,
)
from ue_core.db.engine import Database
from ue_core.db.models import (
    ChampionProfile,
    ChampionTerm,
    Membership,
    Organisation,
    Role,
    Team,
    User,
    utcnow,
)
from ue_core.errors import ConflictError

STALE_PROFILE = (
    "Your profile was changed (perhaps in another tab) after you opened it. Check it as it is "
    "now, then save your changes again."
)


@dataclass(frozen=True)
class ChampionCard:
    """One champion of one organisation, as the directory shows them to anyone."""

    user_id: int
    name: str
    organisation_id: int
    organisation: str
    profession: str
    interests: str
    areas: tuple[str, ...]
    contacts: tuple[Contact, ...]
    since: date | None


@dataclass(frozen=True)
class OwnProfile:
    """A champion's own profile as they edit it: everything, shown or not."""

    name: str
    email: str
    form: ProfileForm
    version: int  # 0 before the first save


def _form_of(row: ChampionProfile | None) -> ProfileForm:
    if row is None:
        return ProfileForm()
    return ProfileForm(
        profession=row.profession,
        interests=row.interests,
        areas=split_areas(row.areas),
        phone=row.phone,
        teams_handle=row.teams_handle,
        show_email=row.show_email,
        show_phone=row.show_phone,
        show_teams=row.show_teams,
    )


def _cards(session: Session, organisation_ids: Iterable[int] | None = None) -> list[ChampionCard]:
    query = (
        select(User, Organisation)
        .join(Membership, Membership.user_id == User.id)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(Membership.role == Role.CHAMPION.value, User.is_active.is_(True))
        .order_by(Organisation.name, User.display_name, User.id)
    )
    if organisation_ids is not None:
        query = query.where(Organisation.id.in_(sorted(set(organisation_ids))))
    pairs = session.execute(query).all()
    user_ids = sorted({user.id for user, _ in pairs})
    profiles = {
        row.user_id: row
        for row in session.scalars(
            select(ChampionProfile).where(ChampionProfile.user_id.in_(user_ids))
        )
    }
    since = {
        (user_id, organisation_id): started
        for user_id, organisation_id, started in session.execute(
            select(ChampionTerm.user_id, ChampionTerm.organisation_id, ChampionTerm.started_on)
            .where(ChampionTerm.user_id.in_(user_ids), ChampionTerm.ended_on.is_(None))
            .order_by(ChampionTerm.started_on.desc())
        )
    }
    cards = []
    for user, organisation in pairs:
        form = _form_of(profiles.get(user.id))
        cards.append(
            ChampionCard(
                user_id=user.id,
                name=user.display_name,
                organisation_id=organisation.id,
                organisation=organisation.name,
                profession=form.profession,
                interests=form.interests,
                areas=form.areas,
                contacts=shown_contacts(form, user.email),
                since=since.get((user.id, organisation.id)),
            )
        )
    return cards


def directory(
    db: Database,
    actor: Actor,
    *,
    organisation_id: int | None = None,
    area: str | None = None,
) -> list[ChampionCard]:
    """Every active champion (of one organisation, or with one practice area, if chosen)."""
    with db.read() as session:
        cards = _cards(session, None if organisation_id is None else [organisation_id])
    if area is not None:
        cards = [card for card in cards if area in card.areas]
    return cards


def directory_organisations(db: Database, actor: Actor) -> dict[int, str]:
    """The organisations that have a champion now, for the directory's filter."""
    with db.read() as session:
        rows = session.execute(
            select(Organisation.id, Organisation.name)
            .join(Membership, Membership.organisation_id == Organisation.id)
            .join(User, User.id == Membership.user_id)
            .where(Membership.role == Role.CHAMPION.value, User.is_active.is_(True))
            .distinct()
            .order_by(Organisation.name)
        )
        return {org_id: name for org_id, name in rows}


def your_champions(db: Database, actor: Actor) -> list[ChampionCard]:
    """The champions of the organisations of this person's teams (for their home page)."""
    team_ids = actor.team_ids()
    if not team_ids:
        return []
    with db.read() as session:
        organisation_ids = session.scalars(
            select(Team.organisation_id).where(Team.id.in_(team_ids))
        ).all()
        return [c for c in _cards(session, organisation_ids) if c.user_id != actor.user_id]


def own_profile(db: Database, actor: Actor) -> OwnProfile:
    """The champion's own profile, to edit."""
    require_champion(actor)
    with db.read() as session:
        user = session.get(User, actor.user_id)
        row = session.get(ChampionProfile, actor.user_id)
        return OwnProfile(
            name=actor.display_name,
            email=user.email if user is not None else actor.email,
            form=_form_of(row),
            version=0 if row is None else row.version,
        )


def save_profile(db: Database, actor: Actor, form: ProfileForm, *, expected_version: int) -> int:
    """Save the champion's own profile against the version they saw; returns the new version."""
    require_champion(actor)
    tidy = checked_profile(form)
    try:
        return _save(db, actor, tidy, expected_version)
    except IntegrityError:  # two first saves at the same moment: the other one won
        raise ConflictError(STALE_PROFILE, {"version": 1}) from None


def _save(db: Database, actor: Actor, tidy: ProfileForm, expected_version: int) -> int:
    with db.transaction() as session:
        row = session.scalar(
            select(ChampionProfile)
            .where(ChampionProfile.user_id == actor.user_id)
            .with_for_update()
        )
        current = 0 if row is None else row.version
        if current != expected_version:
            raise ConflictError(STALE_PROFILE, {"version": current})
        before = None if row is None else {"version": row.version}
        if row is None:
            row = ChampionProfile(user_id=actor.user_id, version=1)
            session.add(row)
        else:
            row.version += 1
        row.profession = tidy.profession
        row.interests = tidy.interests
        row.areas = join_areas(tidy.areas)
        row.phone = tidy.phone
        row.teams_handle = tidy.teams_handle
        row.show_email = tidy.show_email
        row.show_phone = tidy.show_phone
        row.show_teams = tidy.show_teams
        row.updated_at = utcnow()
        audit.record(
            session,
            actor,
            "save_champion_profile",
            "user",
            actor.user_id,
            before=before,
            after={
                "version": row.version,
                "show_email": tidy.show_email,
                "show_phone": tidy.show_phone,
                "show_teams": tidy.show_teams,
            },
        )
        return row.version
