"""Generate a full, fictional demo database: organisations, teams, people, assessments, a survey
and support requests.

Everything comes from ``random.Random(seed)`` and fixed dates, so the same seed always gives the
same database content, whatever the date today. Rows are written with bulk inserts and ids chosen
here (after the largest existing id), so even the large scale takes seconds, not minutes.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final, cast

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from ue_core.db.engine import Database
from ue_core.db.framework_store import sync_in_session
from ue_core.db.models import (
    Action,
    ActionStatus,
    AgreedRating,
    Assessment,
    AssessmentStatus,
    Base,
    EvidenceStrength,
    FrameworkVersion,
    Membership,
    Organisation,
    Practice,
    Principle,
    Rating,
    Role,
    Round,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    Target,
    Team,
    User,
)
from ue_core.demo import content
from ue_core.demo import requests as demo_requests
from ue_core.demo.champion_chats import build_champion_chats
from ue_core.demo.champion_profiles import add_champion_profiles
from ue_core.demo.champion_updates import build_champion_updates
from ue_core.demo.commitments import build_commitments
from ue_core.demo.consultant_skills import add_consultant_skills
from ue_core.demo.forums import build_forums
from ue_core.demo.request_outcomes import add_request_outcomes
from ue_core.demo.rows import Ids as _Ids
from ue_core.demo.rows import insert_rows as _insert
from ue_core.demo.rows import weighted as _weighted
from ue_core.demo.survey import (
    CLOSED_QUESTIONS,
    FREE_TEXT_QUESTIONS,
    RESPONDENT_COLUMN,
    build_survey_frame,
)
from ue_core.framework import Framework, load_framework
from ue_core.personas import (
    DEMO_EMAIL_DOMAIN,
    DEMO_ORGANISATION,
    DEMO_TEAM,
    PERSONAS,
    Persona,
)
from ue_core.redaction import add_counts, redact
from ue_core.targets import (
    ChangeFrequency,
    PublicInterest,
    StatisticsProfile,
    SuggestedTarget,
    UserBreadth,
    suggest_targets,
)

__all__ = [
    "CURRENT_ROUND",
    "ROUNDS",
    "SCALES",
    "DemoError",
    "DemoSummary",
    "Scale",
    "build_survey_frame",
    "database_has_organisations",
    "generate",
]


class DemoError(Exception):
    """The demo data cannot be generated here; the message says why."""


@dataclass(frozen=True)
class Scale:
    organisations: int
    teams_per_organisation: tuple[int, int]
    min_teams: int
    survey_responses: int
    support_requests: int
    second_champions: int = 0  # organisations (never the personas') with a second champion


SCALES: Final[dict[str, Scale]] = {
    # 35 organisations and 56 champions, as the network had after the strategy's first year
    "small": Scale(35, (4, 15), 0, 180, 150, 21),
    "large": Scale(64, (6, 15), 600, 20_000, 5_000, 38),
}

#: (label, first day, last day): the assessment rounds, oldest first. The last is current.
ROUNDS: Final[tuple[tuple[str, date, date], ...]] = (
    ("2024 to 2025", date(2024, 4, 1), date(2025, 3, 31)),
    ("2025 to 2026", date(2025, 4, 1), date(2026, 3, 31)),
    ("2026 to 2027", date(2026, 4, 1), date(2027, 3, 31)),
)
CURRENT_ROUND: Final = ROUNDS[-1][0]
#: The last day anything in the current round happened (so no date lies far in the future).
CURRENT_ROUND_CUTOFF: Final = date(2026, 10, 30)

FRAMEWORK_LOADED_AT: Final = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
ORGANISATIONS_CREATED_AT: Final = datetime(2024, 3, 11, 9, 30, tzinfo=UTC)
TEAMS_CREATED_AT: Final = datetime(2024, 3, 12, 10, 0, tzinfo=UTC)
USERS_CREATED_AT: Final = datetime(2024, 3, 18, 9, 0, tzinfo=UTC)
SURVEY_IMPORTED_AT: Final = datetime(2024, 5, 14, 10, 15, tzinfo=UTC)

SURVEY_TITLE: Final = "Current landscape of user engagement survey (demo data)"
SURVEY_FILENAME: Final = "user-engagement-survey-demo.csv"

_PROFILE_WEIGHTS: Final[dict[str, tuple[tuple[str, float], ...]]] = {
    "public_interest": (("low", 0.3), ("medium", 0.45), ("high", 0.25)),
    "user_breadth": (("narrow", 0.3), ("mixed", 0.45), ("wide", 0.25)),
    "change_frequency": (("stable", 0.4), ("occasional", 0.45), ("frequent", 0.15)),
}


@dataclass
class DemoSummary:
    """What ``generate`` created."""

    organisations: int = 0
    teams: int = 0
    users: int = 0
    memberships: int = 0
    rounds: int = 0
    assessments_submitted: int = 0
    assessments_draft: int = 0
    ratings: int = 0
    agreed_ratings: int = 0
    targets: int = 0
    actions: int = 0
    survey_responses: int = 0
    survey_answers: int = 0
    survey_redactions: int = 0
    request_history: demo_requests.RequestHistory | None = None
    champion_chat_months: int = 0
    survey_stored: bool = False

    def lines(self) -> list[str]:
        """One plain-English line per kind of thing created."""
        out = [
            f"Organisations: {self.organisations:,}",
            f"Teams: {self.teams:,}",
            f"People: {self.users:,} (roles: {self.memberships:,})",
            f"Assessment rounds: {self.rounds:,}",
            f"Assessments: {self.assessments_submitted:,} submitted, "
            f"{self.assessments_draft:,} in draft",
            f"Individual ratings: {self.ratings:,}; agreed ratings: {self.agreed_ratings:,}",
            f"Targets: {self.targets:,}; actions: {self.actions:,}",
        ]
        if self.survey_stored:
            out.append(
                f"Survey: {self.survey_responses:,} responses, {self.survey_answers:,} free-text "
                f"answers ({self.survey_redactions:,} pieces of personal data removed)"
            )
        else:
            out.append("Survey: not stored")
        out.extend(self.request_history.lines() if self.request_history else ())
        out.append(f"Champion Chats: {self.champion_chat_months:,} months published")
        return out


# --- Small helpers --------------------------------------------------------------------------


def _clamp(level: int, low: int = 1, high: int = 5) -> int:
    return max(low, min(high, level))


def _at(day: date, rng: random.Random) -> datetime:
    """A working-hours time on ``day``, in UTC."""
    return datetime(
        day.year, day.month, day.day, rng.randint(8, 17), rng.randrange(0, 60, 5), tzinfo=UTC
    )


def _days_between(rng: random.Random, start: date, end: date) -> date:
    if end <= start:
        return start
    return start + timedelta(days=rng.randint(0, (end - start).days))


class _People:
    """Makes up unique fictional people with e-mail addresses at the demo domain."""

    def __init__(self, rng: random.Random, ids: _Ids) -> None:
        self._rng = rng
        self._ids = ids
        self.rows: list[dict[str, Any]] = []
        self._emails: set[str] = {persona.email for persona in PERSONAS}

    def add(self, display_name: str, email: str) -> int:
        user_id = self._ids.take(User)
        self.rows.append(
            {
                "id": user_id,
                "email": email,
                "display_name": display_name,
                "password_hash": None,
                "is_active": True,
                "created_at": USERS_CREATED_AT,
            }
        )
        return user_id

    def make(self) -> tuple[int, str]:
        first = self._rng.choice(content.FIRST_NAMES)
        last = self._rng.choice(content.LAST_NAMES)
        name = f"{first} {last}"
        local = f"{first}.{last}".lower().replace("'", "")
        email = f"{local}@{DEMO_EMAIL_DOMAIN}"
        number = 2
        while email in self._emails:
            email = f"{local}{number}@{DEMO_EMAIL_DOMAIN}"
            number += 1
        self._emails.add(email)
        return self.add(name, email), name


# --- Organisations, teams and people --------------------------------------------------------


@dataclass
class _TeamPlan:
    id: int
    organisation_id: int
    name: str
    is_persona_team: bool
    lead_id: int = 0
    lead_name: str = ""
    member_ids: list[int] = field(default_factory=list)
    member_names: list[str] = field(default_factory=list)


def _organisation_specs(count: int) -> list[tuple[str, str, tuple[str, ...]]]:
    specs = list(content.ORGANISATIONS[:count])
    extras = (
        (f"{prefix} {subject}", kind, topics)
        for subject, topics in content.EXTRA_ORGANISATION_SUBJECTS
        for prefix, kind in content.EXTRA_ORGANISATION_PREFIXES
    )
    for spec in extras:
        if len(specs) >= count:
            break
        specs.append(spec)
    if len(specs) < count:
        raise DemoError(f"The demo can make at most {len(specs)} organisations")
    return specs


def _team_counts(rng: random.Random, scale: Scale) -> list[int]:
    low, high = scale.teams_per_organisation
    counts = [rng.randint(low, high) for _ in range(scale.organisations)]
    while sum(counts) < scale.min_teams:
        i = rng.randrange(len(counts))
        if counts[i] < high:
            counts[i] += 1
        elif all(c >= high for c in counts):
            raise DemoError("Too few organisations for the number of teams asked for")
    return counts


def _pick_teams(
    rng: random.Random, topics: tuple[str, ...], count: int, persona: bool
) -> list[tuple[str, str]]:
    # The personas' team name is kept for the personas' team, so nobody signs in to the wrong one.
    preferred = [
        team
        for topic in topics
        for team in content.TEAMS_BY_TOPIC.get(topic, ())
        if persona or team[0] != DEMO_TEAM
    ]
    others = [
        team
        for topic, teams in content.TEAMS_BY_TOPIC.items()
        if topic not in topics
        for team in teams
        if team[0] != DEMO_TEAM
    ]
    rng.shuffle(preferred)
    rng.shuffle(others)
    if persona:
        persona_team = next(team for team in preferred if team[0] == DEMO_TEAM)
        preferred.remove(persona_team)
        preferred.insert(0, persona_team)
    return (preferred + others)[:count]


# --- The generator ------------------------------------------------------------------------


@dataclass(frozen=True)
class _PracticeInfo:
    id: int
    key: str
    area: str
    principle_key: str


class _Generator:
    def __init__(self, session: Session, rng: random.Random, scale: Scale, seed: int) -> None:
        self.session = session
        self.rng = rng
        self.scale = scale
        self.seed = seed
        self.ids = _Ids(session)
        self.people = _People(rng, ids=self.ids)
        self.summary = DemoSummary()
        self.memberships: list[dict[str, Any]] = []
        self.teams: list[_TeamPlan] = []
        self.consultant_ids: list[int] = []
        self.persona_ids: dict[str, int] = {}
        self.framework_version_id = 0
        self.practices: list[_PracticeInfo] = []
        self.principle_keys: list[str] = []
        self.round_ids: list[int] = []

    # People and structure ------------------------------------------------------------------

    def _membership(
        self, user_id: int, role: Role, team_id: int | None = None, org_id: int | None = None
    ) -> None:
        self.memberships.append(
            {
                "id": self.ids.take(Membership),
                "user_id": user_id,
                "role": role.value,
                "team_id": team_id,
                "organisation_id": org_id,
            }
        )

    def build_structure(self) -> None:
        rng = self.rng
        for persona in PERSONAS:
            self.persona_ids[persona.email] = self.people.add(persona.display_name, persona.email)
        by_role = {persona.role: persona for persona in PERSONAS}
        members = [persona for persona in PERSONAS if persona.role is Role.MEMBER]

        org_rows: list[dict[str, Any]] = []
        team_rows: list[dict[str, Any]] = []
        specs = _organisation_specs(self.scale.organisations)
        counts = _team_counts(rng, self.scale)
        for (name, kind, topics), team_count in zip(specs, counts, strict=True):
            org_id = self.ids.take(Organisation)
            org_rows.append(
                {"id": org_id, "name": name, "kind": kind, "created_at": ORGANISATIONS_CREATED_AT}
            )
            is_demo_org = name == DEMO_ORGANISATION
            for team_name, statistics in _pick_teams(rng, topics, team_count, is_demo_org):
                plan = _TeamPlan(
                    id=self.ids.take(Team),
                    organisation_id=org_id,
                    name=team_name,
                    is_persona_team=is_demo_org and team_name == DEMO_TEAM,
                )
                team_rows.append(
                    {
                        "id": plan.id,
                        "organisation_id": org_id,
                        "name": team_name,
                        "statistics": statistics,
                        "happy_to_talk": plan.is_persona_team or rng.random() < 0.25,
                        "created_at": TEAMS_CREATED_AT,
                    }
                )
                self._staff_team(plan, members, by_role[Role.LEAD].email)
                self.teams.append(plan)
            if is_demo_org:
                champion_id = self.persona_ids[by_role[Role.CHAMPION].email]
            else:
                champion_id, _ = self.people.make()
            self._membership(champion_id, Role.CHAMPION, org_id=org_id)
        self._second_champions([r["id"] for r in org_rows if r["name"] != DEMO_ORGANISATION])

        self.consultant_ids.append(self.persona_ids[by_role[Role.CONSULTANT].email])
        for _ in range(2):
            self.consultant_ids.append(self.people.make()[0])
        for consultant_id in self.consultant_ids:
            self._membership(consultant_id, Role.CONSULTANT)
        self._membership(self.persona_ids[by_role[Role.ADMIN].email], Role.ADMIN)

        _insert(self.session, Organisation, org_rows)
        _insert(self.session, Team, team_rows)
        _insert(self.session, User, self.people.rows)
        _insert(self.session, Membership, self.memberships)
        self.summary.organisations = len(org_rows)
        self.summary.teams = len(team_rows)
        self.summary.users = len(self.people.rows)
        self.summary.memberships = len(self.memberships)

    def _staff_team(self, plan: _TeamPlan, member_personas: list[Persona], lead_email: str) -> None:
        member_count = self.rng.randint(2, 4)
        if plan.is_persona_team:
            plan.lead_id = self.persona_ids[lead_email]
            plan.lead_name = next(p.display_name for p in PERSONAS if p.email == lead_email)
            for persona in member_personas:
                plan.member_ids.append(self.persona_ids[persona.email])
                plan.member_names.append(persona.display_name)
            member_count = max(member_count, len(member_personas) + 1)
        else:
            plan.lead_id, plan.lead_name = self.people.make()
        while len(plan.member_ids) < member_count:
            user_id, name = self.people.make()
            plan.member_ids.append(user_id)
            plan.member_names.append(name)
        self._membership(plan.lead_id, Role.LEAD, team_id=plan.id)
        for user_id in plan.member_ids:
            self._membership(user_id, Role.MEMBER, team_id=plan.id)

    # Framework and rounds ------------------------------------------------------------------

    def _second_champions(self, organisation_ids: list[int]) -> None:
        """A second champion for some organisations (drawn with their own random stream, so
        which ones does not depend on anything else), never the personas' organisation."""
        picker = random.Random(f"second-champions-{self.seed}")
        count = min(self.scale.second_champions, len(organisation_ids))
        for org_id in sorted(picker.sample(organisation_ids, count)):
            champion_id, _ = self.people.make()
            self._membership(champion_id, Role.CHAMPION, org_id=org_id)

    def load_framework(self, framework: Framework) -> None:
        result = sync_in_session(self.session, framework)
        if result.created:
            self.session.execute(
                update(FrameworkVersion)
                .where(FrameworkVersion.id == result.version_id)
                .values(loaded_at=FRAMEWORK_LOADED_AT)
            )
        self.framework_version_id = result.version_id
        areas = {practice.key: practice.practice_area for practice in framework.practices()}
        rows = self.session.execute(
            select(Practice.id, Practice.key, Principle.key)
            .join(Principle, Practice.principle_id == Principle.id)
            .where(Practice.framework_version_id == result.version_id)
            .order_by(Principle.position, Practice.position)
        ).all()
        self.practices = [
            _PracticeInfo(id=pid, key=key, area=areas.get(key, ""), principle_key=principle)
            for pid, key, principle in rows
        ]
        self.principle_keys = list(dict.fromkeys(p.principle_key for p in self.practices))

    def ensure_rounds(self) -> None:
        created = []
        for label, starts, ends in ROUNDS:
            existing = self.session.scalar(select(Round.id).where(Round.label == label))
            if existing is None:
                existing = self.ids.take(Round)
                created.append(
                    {"id": existing, "label": label, "starts_on": starts, "ends_on": ends}
                )
            self.round_ids.append(existing)
        _insert(self.session, Round, created)
        self.summary.rounds = len(created)

    # Assessments -----------------------------------------------------------------------------

    def build_assessments(self) -> None:
        rows: dict[type[Base], list[dict[str, Any]]] = {
            Assessment: [],
            Rating: [],
            AgreedRating: [],
            Target: [],
            Action: [],
        }
        for plan in self.teams:
            for model, new_rows in self._team_assessments(plan):
                rows[model].extend(new_rows)
        for model in (Assessment, Rating, AgreedRating, Target, Action):
            _insert(self.session, model, rows[model])
        statuses = [row["status"] for row in rows[Assessment]]
        self.summary.assessments_submitted = statuses.count(AssessmentStatus.SUBMITTED.value)
        self.summary.assessments_draft = statuses.count(AssessmentStatus.DRAFT.value)
        self.summary.ratings = len(rows[Rating])
        self.summary.agreed_ratings = len(rows[AgreedRating])
        self.summary.targets = len(rows[Target])
        self.summary.actions = len(rows[Action])

    def _team_assessments(
        self, plan: _TeamPlan
    ) -> Iterator[tuple[type[Base], list[dict[str, Any]]]]:
        rng = self.rng
        weights = _PROFILE_WEIGHTS
        profile = StatisticsProfile(
            public_interest=cast(PublicInterest, _weighted(rng, weights["public_interest"])),
            user_breadth=cast(UserBreadth, _weighted(rng, weights["user_breadth"])),
            change_frequency=cast(ChangeFrequency, _weighted(rng, weights["change_frequency"])),
        )
        suggested = suggest_targets(profile, self.principle_keys)
        base = rng.uniform(1.7, 3.1)
        growth = rng.uniform(0.0, 0.7)
        principle_offset = {key: rng.gauss(0.0, 0.45) for key in self.principle_keys}
        practice_offset = {p.key: rng.gauss(0.0, 0.35) for p in self.practices}
        not_applicable = {p.key for p in self.practices if rng.random() < 0.02}
        if plan.is_persona_team:
            joined = 0
        else:
            joined = 0 if rng.random() < 0.82 else (1 if rng.random() < 0.6 else 2)
        previous_id: int | None = None
        for round_index, round_id in enumerate(self.round_ids):
            if round_index < joined:
                continue
            current = round_index == len(self.round_ids) - 1
            if current:
                if plan.is_persona_team:
                    continue
                roll = rng.random()
                if roll >= 2 / 3:
                    continue
                status = AssessmentStatus.SUBMITTED if roll < 1 / 3 else AssessmentStatus.DRAFT
            else:
                status = AssessmentStatus.SUBMITTED
            levels = {
                p.key: _clamp(
                    round(
                        base
                        + principle_offset[p.principle_key]
                        + practice_offset[p.key]
                        + growth * round_index
                        + rng.gauss(0.0, 0.25)
                    )
                )
                for p in self.practices
            }
            # Like the app, a new assessment carries over from the team's last submitted one.
            for model, new_rows in self._assessment(
                plan,
                round_index,
                round_id,
                status,
                profile,
                suggested,
                levels,
                not_applicable,
                previous_id,
            ):
                if model is Assessment and status is AssessmentStatus.SUBMITTED:
                    previous_id = new_rows[0]["id"]
                yield model, new_rows

    def _assessment(
        self,
        plan: _TeamPlan,
        round_index: int,
        round_id: int,
        status: AssessmentStatus,
        profile: StatisticsProfile,
        suggested: dict[str, SuggestedTarget],
        levels: dict[str, int],
        not_applicable: set[str],
        previous_id: int | None,
    ) -> Iterator[tuple[type[Base], list[dict[str, Any]]]]:
        rng = self.rng
        _, starts, ends = ROUNDS[round_index]
        last_day = min(ends, CURRENT_ROUND_CUTOFF)
        created_on = _days_between(rng, starts + timedelta(days=14), starts + timedelta(days=120))
        submitted_on = _days_between(rng, created_on + timedelta(days=21), last_day)
        created_at = _at(created_on, rng)
        submitted = status is AssessmentStatus.SUBMITTED
        work_day = submitted_on if submitted else _days_between(rng, created_on, last_day)
        work_at = _at(work_day, rng)
        if work_at < created_at:
            work_at = created_at
        assessment_id = self.ids.take(Assessment)
        yield (
            Assessment,
            [
                {
                    "id": assessment_id,
                    "team_id": plan.id,
                    "round_id": round_id,
                    "framework_version_id": self.framework_version_id,
                    "status": status.value,
                    "carried_over_from_id": previous_id,
                    "public_interest": profile.public_interest,
                    "user_breadth": profile.user_breadth,
                    "change_frequency": profile.change_frequency,
                    "version": 1,
                    "created_at": created_at,
                    "submitted_at": work_at if submitted else None,
                    "submitted_by_id": plan.lead_id if submitted else None,
                }
            ],
        )

        # Which practices are rated: all when submitted, a part of them in a draft.
        if submitted:
            agreed_keys = {p.key for p in self.practices}
            rated_share = 1.0
        else:
            rated_share = rng.uniform(0.3, 0.8)
            agreed_keys = {
                p.key for p in self.practices[: int(len(self.practices) * rng.uniform(0.0, 0.5))]
            }
        agreed: list[dict[str, Any]] = []
        individual: list[dict[str, Any]] = []
        evidence_by_key: dict[str, tuple[str, date | None, str | None]] = {}
        for practice in self.practices:
            evidence = self._evidence(practice, levels[practice.key], starts, work_day)
            evidence_by_key[practice.key] = evidence
            if practice.key in agreed_keys:
                is_na = practice.key in not_applicable
                text_, evidence_date, strength = evidence
                agreed.append(
                    {
                        "id": self.ids.take(AgreedRating),
                        "assessment_id": assessment_id,
                        "practice_id": practice.id,
                        "level": None if is_na else levels[practice.key],
                        "not_applicable": is_na,
                        "note": rng.choice(content.NOT_APPLICABLE_REASONS) if is_na else "",
                        "evidence": "" if is_na else text_,
                        "evidence_date": None if is_na else evidence_date,
                        "evidence_strength": None if is_na else strength,
                        "agreed_by_id": plan.lead_id,
                        "version": 1,
                        "updated_at": work_at,
                    }
                )
        for user_id in plan.member_ids:
            if submitted and rng.random() < 0.08 and not plan.is_persona_team:
                continue  # someone who did not rate this round
            for practice in self.practices:
                if not submitted and rng.random() > rated_share:
                    continue
                individual.append(
                    self._member_rating(
                        assessment_id,
                        practice,
                        user_id,
                        levels[practice.key],
                        practice.key in not_applicable,
                        evidence_by_key[practice.key],
                        work_at,
                    )
                )
        yield AgreedRating, agreed
        yield Rating, individual

        targets: dict[str, int] = {}
        target_rows = []
        for principle_key in self.principle_keys:
            suggestion = suggested[principle_key]
            level = suggestion.level
            reason = ""
            if rng.random() < 0.12:
                level = _clamp(level + rng.choice((-1, 1)), 2, 5)
                if level != suggestion.level:
                    reason = rng.choice(content.TARGET_CHANGE_REASONS)
            targets[principle_key] = level
            target_rows.append(
                {
                    "id": self.ids.take(Target),
                    "assessment_id": assessment_id,
                    "principle_key": principle_key,
                    "level": level,
                    "suggested_level": suggestion.level,
                    "rationale": suggestion.rationale,
                    "reason_for_change": reason,
                }
            )
        yield Target, target_rows
        if submitted:
            yield (
                Action,
                self._actions(
                    plan, assessment_id, round_index, levels, targets, not_applicable, work_at
                ),
            )

    def _evidence(
        self, practice: _PracticeInfo, level: int, starts: date, work_day: date
    ) -> tuple[str, date | None, str | None]:
        rng = self.rng
        strong, weak = content.evidence_pools(practice.key, practice.area)
        if level <= 2 and weak and rng.random() < 0.7:
            pool = weak
        elif level == 1 and rng.random() < 0.5:
            pool = ()
        else:
            pool = strong
        if not pool:
            return "", None, None
        evidence = rng.choice(pool).format(
            n=rng.choice((12, 18, 24, 31, 47, 63, 85, 120, 154, 212, 340, 515)),
            month=rng.choice(content.MONTHS),
            k=rng.randint(2, 6),
        )
        if rng.random() < 0.1:
            # Older evidence, more than a year before the assessment: a stale-evidence warning.
            evidence_date = work_day - timedelta(days=rng.randint(400, 700))
        else:
            evidence_date = _days_between(rng, starts, work_day)
        strength_weights: tuple[tuple[str, float], ...]
        if level <= 2:
            strength_weights = (
                (EvidenceStrength.SELF_REPORTED.value, 0.7),
                (EvidenceStrength.DOCUMENTED.value, 0.3),
            )
        elif level == 3:
            strength_weights = (
                (EvidenceStrength.SELF_REPORTED.value, 0.4),
                (EvidenceStrength.DOCUMENTED.value, 0.5),
                (EvidenceStrength.EXTERNALLY_VERIFIED.value, 0.1),
            )
        else:
            strength_weights = (
                (EvidenceStrength.SELF_REPORTED.value, 0.15),
                (EvidenceStrength.DOCUMENTED.value, 0.55),
                (EvidenceStrength.EXTERNALLY_VERIFIED.value, 0.3),
            )
        return evidence, evidence_date, _weighted(rng, strength_weights)

    def _member_rating(
        self,
        assessment_id: int,
        practice: _PracticeInfo,
        user_id: int,
        agreed_level: int,
        is_na: bool,
        evidence: tuple[str, date | None, str | None],
        updated_at: datetime,
    ) -> dict[str, Any]:
        rng = self.rng
        level: int | None
        if is_na and rng.random() < 0.85:
            level, reason = None, rng.choice(content.NOT_APPLICABLE_REASONS)
        else:
            base = rng.randint(1, 2) if is_na else agreed_level
            delta = _weighted(
                rng, (("0", 0.55), ("-1", 0.19), ("1", 0.19), ("-2", 0.035), ("2", 0.035))
            )
            level, reason = _clamp(base + int(delta)), ""
            is_na = False
        text_, evidence_date, strength = evidence
        roll = rng.random()
        if level is None or roll < 0.55 or not text_:
            text_, evidence_date, strength = "", None, None
        elif roll > 0.85:
            text_ = rng.choice(content.MEMBER_NOTES)
        return {
            "id": self.ids.take(Rating),
            "assessment_id": assessment_id,
            "practice_id": practice.id,
            "user_id": user_id,
            "level": level,
            "not_applicable": level is None,
            "not_applicable_reason": reason,
            "evidence": text_,
            "evidence_date": evidence_date,
            "evidence_strength": strength,
            "carried_over": False,
            "version": 1,
            "updated_at": updated_at,
        }

    def _actions(
        self,
        plan: _TeamPlan,
        assessment_id: int,
        round_index: int,
        levels: dict[str, int],
        targets: dict[str, int],
        not_applicable: set[str],
        submitted_at: datetime,
    ) -> list[dict[str, Any]]:
        rng = self.rng
        candidates = [
            p for p in self.practices if p.key not in not_applicable and levels[p.key] < 5
        ]
        # Practices furthest below their principle's target come first.
        candidates.sort(key=lambda p: (levels[p.key] - targets[p.principle_key], rng.random()))
        chosen = candidates[: rng.randint(2, 4)]
        status_weights = (
            (
                (ActionStatus.DONE.value, 0.7),
                (ActionStatus.IN_PROGRESS.value, 0.2),
                (ActionStatus.PLANNED.value, 0.1),
            ),
            (
                (ActionStatus.DONE.value, 0.35),
                (ActionStatus.IN_PROGRESS.value, 0.4),
                (ActionStatus.PLANNED.value, 0.25),
            ),
            ((ActionStatus.IN_PROGRESS.value, 0.3), (ActionStatus.PLANNED.value, 0.7)),
        )[min(round_index, 2)]
        people = [plan.lead_name, *plan.member_names]
        rows = []
        for practice in chosen:
            descriptions = (
                content.ACTIONS_BY_PRACTICE.get(practice.key)
                or content.ACTIONS_BY_AREA.get(practice.area)
                or content.ACTIONS_BY_AREA["planned"]
            )
            rows.append(
                {
                    "id": self.ids.take(Action),
                    "assessment_id": assessment_id,
                    "practice_id": practice.id,
                    "description": rng.choice(descriptions),
                    "owner": rng.choice(people),
                    "due_on": submitted_at.date()
                    + timedelta(days=rng.choice((60, 90, 120, 180, 270, 365))),
                    "status": _weighted(rng, status_weights),
                    "intended_level": min(5, levels[practice.key] + 1),
                    "version": 1,
                    "created_at": submitted_at,
                }
            )
        return rows

    # Survey --------------------------------------------------------------------------------

    def build_survey(self, consultant_id: int) -> None:
        frame = build_survey_frame(self.seed, self.scale.survey_responses)
        survey_id = self.ids.take(Survey)
        closed = list(CLOSED_QUESTIONS)
        question_ids: dict[str, int] = {}
        question_rows = []
        for position, column in enumerate([*closed, *FREE_TEXT_QUESTIONS]):
            question_ids[column] = self.ids.take(SurveyQuestion)
            question_rows.append(
                {
                    "id": question_ids[column],
                    "survey_id": survey_id,
                    "column_name": column,
                    "kind": "closed" if column in CLOSED_QUESTIONS else "free_text",
                    "position": position,
                }
            )
        response_rows: list[dict[str, Any]] = []
        answer_rows: list[dict[str, Any]] = []
        all_counts = []
        records = frame.to_dict(orient="records")
        for record in records:
            response_id = self.ids.take(SurveyResponse)
            response_rows.append(
                {
                    "id": response_id,
                    "survey_id": survey_id,
                    "respondent_ref": str(record[RESPONDENT_COLUMN]),
                    "closed_answers": {column: str(record[column]) for column in closed},
                    "imported_at": SURVEY_IMPORTED_AT,
                }
            )
            for column in FREE_TEXT_QUESTIONS:
                value = record[column]
                if not isinstance(value, str) or not value.strip():
                    continue
                redacted = redact(value)
                all_counts.append(redacted.counts)
                answer_rows.append(
                    {
                        "id": self.ids.take(SurveyAnswer),
                        "response_id": response_id,
                        "question_id": question_ids[column],
                        "text": redacted.text,
                        "embedding": None,
                        "embedding_backend": None,
                    }
                )
        counts = {kind: value for kind, value in add_counts(all_counts).items()}
        _insert(
            self.session,
            Survey,
            [
                {
                    "id": survey_id,
                    "title": SURVEY_TITLE,
                    "source_filename": SURVEY_FILENAME,
                    "imported_by_id": consultant_id,
                    "imported_at": SURVEY_IMPORTED_AT,
                    "redaction_counts": counts,
                }
            ],
        )
        _insert(self.session, SurveyQuestion, question_rows)
        _insert(self.session, SurveyResponse, response_rows)
        _insert(self.session, SurveyAnswer, answer_rows)
        self.summary.survey_stored = True
        self.summary.survey_responses = len(response_rows)
        self.summary.survey_answers = len(answer_rows)
        self.summary.survey_redactions = sum(counts.values())

    # Support requests ------------------------------------------------------------------------

    def build_support_requests(self) -> None:
        self.summary.request_history = demo_requests.build_requests(
            self.session,
            self.rng,
            self.ids,
            self.teams,
            self.consultant_ids,
            self.scale.support_requests,
        )


_TABLES_WITH_IDS: Final[tuple[type[Base], ...]] = (
    Organisation,
    Team,
    User,
    Membership,
    Round,
    Assessment,
    Rating,
    AgreedRating,
    Target,
    Action,
    Survey,
    SurveyQuestion,
    SurveyResponse,
    SurveyAnswer,
    *demo_requests.TABLES_WITH_IDS,
)


def _advance_sequences(session: Session) -> None:
    """PostgreSQL: move each id sequence past the ids written here, so later inserts work."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for model in _TABLES_WITH_IDS:
        largest = session.scalar(select(func.max(model.__table__.c.id))) or 0
        session.execute(
            text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :next, false)"),
            {"table": model.__tablename__, "next": largest + 1},
        )


def database_has_organisations(db: Database) -> int:
    """How many organisations the database holds (0 for an empty database)."""
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(Organisation)) or 0


def generate(
    db: Database, scale: str = "small", seed: int = 2021, framework: Framework | None = None
) -> DemoSummary:
    """Fill ``db`` (already migrated) with demo data; the same seed gives the same content.

    ``framework`` defaults to ``data/framework.yaml``. Raises ``DemoError`` if the demo
    organisation is already there or the scale is unknown.
    """
    if scale not in SCALES:
        raise DemoError(f"Unknown scale '{scale}': use {' or '.join(SCALES)}")
    framework = framework or load_framework()
    rng = random.Random(seed)
    with db.transaction() as session:
        existing = session.scalar(
            select(Organisation.id).where(Organisation.name == DEMO_ORGANISATION)
        )
        if existing is not None:
            raise DemoError(f"The database already holds the demo ('{DEMO_ORGANISATION}').")
        taken = session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.email.in_([persona.email for persona in PERSONAS]))
        )
        if taken:
            raise DemoError("The database already has people with the demo personas' e-mails.")
        generator = _Generator(session, rng, SCALES[scale], seed)
        generator.load_framework(framework)
        generator.ensure_rounds()
        generator.build_structure()
        generator.build_assessments()
        consultant = next(p for p in PERSONAS if p.role is Role.CONSULTANT)
        generator.build_survey(generator.persona_ids[consultant.email])
        generator.build_support_requests()
        add_consultant_skills(session, generator.consultant_ids)
        add_champion_profiles(session, generator.memberships, seed)
        add_request_outcomes(session, framework, seed)
        generator.summary.champion_chat_months = build_champion_chats(
            session, generator.memberships, generator.consultant_ids[0], seed
        )
        build_commitments(session, generator.memberships, seed)
        build_forums(session, seed)
        build_champion_updates(session, generator.consultant_ids[0], seed)
        _advance_sequences(session)
        return generator.summary
