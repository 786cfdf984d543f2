"""The demo personas: fixed, clearly fictional people that the demo sign-in offers.

The sign-in (``ue_core.services.accounts``) and the demo generator (``ue_core.demo``) both read
them, so they live outside both.
"""

from __future__ import annotations

from dataclasses import dataclass

from ue_core.vocabulary import Role

DEMO_EMAIL_DOMAIN = "demo.example"
DEMO_ORGANISATION = "Department for Fictional Statistics"
DEMO_TEAM = "Housing and communities statistics"


@dataclass(frozen=True)
class Persona:
    email: str
    display_name: str
    role: Role
    description: str


PERSONAS: tuple[Persona, ...] = (
    Persona(
        f"sam.patel@{DEMO_EMAIL_DOMAIN}",
        "Sam Patel",
        Role.MEMBER,
        "Team member: rates the team's practices and plans actions.",
    ),
    Persona(
        f"alex.morgan@{DEMO_EMAIL_DOMAIN}",
        "Alex Morgan",
        Role.MEMBER,
        "Second team member in the same team, to try two people rating at once.",
    ),
    Persona(
        f"jo.williams@{DEMO_EMAIL_DOMAIN}",
        "Jo Williams",
        Role.LEAD,
        "Team lead: agrees the team's ratings and submits the assessment.",
    ),
    Persona(
        f"chris.evans@{DEMO_EMAIL_DOMAIN}",
        "Chris Evans",
        Role.CHAMPION,
        "User engagement champion for the organisation.",
    ),
    Persona(
        f"ruth.okafor@{DEMO_EMAIL_DOMAIN}",
        "Ruth Okafor",
        Role.CONSULTANT,
        "USER hub consultant: triages support requests and themes survey answers.",
    ),
    Persona(
        f"morgan.lee@{DEMO_EMAIL_DOMAIN}",
        "Morgan Lee",
        Role.ADMIN,
        "Admin: manages organisations, teams, people and the framework.",
    ),
)
