"""Small, explicit test worlds built through the services (no demo data needed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ue_core.authz import SYSTEM, Actor
from ue_core.db.engine import Database
from ue_core.db.models import Organisation, Role, Round, Team
from ue_core.services import accounts


@dataclass
class World:
    db: Database
    organisation_id: int
    team_id: int
    other_team_id: int
    actors: dict[str, Actor] = field(default_factory=dict)

    def actor(self, name: str) -> Actor:
        return self.actors[name]


PEOPLE: tuple[tuple[str, Role, str], ...] = (
    ("member", Role.MEMBER, "team"),
    ("member2", Role.MEMBER, "team"),
    ("lead", Role.LEAD, "team"),
    ("outsider", Role.MEMBER, "other_team"),
    ("champion", Role.CHAMPION, "organisation"),
    ("consultant", Role.CONSULTANT, "hub"),
    ("admin", Role.ADMIN, "hub"),
)


def build_world(db: Database) -> World:
    with db.transaction() as session:
        org = Organisation(name="Office for Test Statistics", kind="non-ministerial department")
        other_org = Organisation(name="Ministry of Other Tests", kind="ministerial department")
        session.add_all([org, other_org])
        session.flush()
        team = Team(organisation_id=org.id, name="Test team", statistics="Test statistics")
        other = Team(organisation_id=other_org.id, name="Other team", statistics="Other")
        session.add_all([team, other])
        session.add_all(
            [
                Round(label="2025 to 2026", starts_on=date(2025, 4, 1), ends_on=date(2026, 3, 31)),
                Round(label="2026 to 2027", starts_on=date(2026, 4, 1), ends_on=date(2027, 3, 31)),
            ]
        )
        session.flush()
        world = World(db, org.id, team.id, other.id)
    scopes = {
        "team": {"team_id": world.team_id},
        "other_team": {"team_id": world.other_team_id},
        "organisation": {"organisation_id": world.organisation_id},
        "hub": {},
    }
    for name, role, scope in PEOPLE:
        accounts.create_user(
            db,
            SYSTEM,
            email=f"{name}@test.example",
            display_name=name.capitalize(),
            password="correct horse battery staple",
            role=role,
            **scopes[scope],
        )
        actor = accounts.actor_for_email(db, f"{name}@test.example")
        assert actor is not None
        world.actors[name] = actor
    return world


def resolve_request(world: World, request_id: int, resolution: str) -> None:
    """The world's consultant marks a request resolved with ``resolution``, as it is now."""
    from ue_core.services import support
    from ue_core.vocabulary import RequestStatus

    view = support.team_request(world.db, SYSTEM, request_id)
    support.update_request(
        world.db,
        world.actor("consultant"),
        request_id,
        expected_version=view.version,
        status=RequestStatus.RESOLVED,
        assignee_id=None,
        resolution=resolution,
    )
