"""SQLAlchemy 2 typed models: the workbench's tables.

Alembic migrations in ``migrations/`` are the only way the schema is made; these classes are what
the migrations are generated from and what services query. All timestamps are stored in UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

# Re-exported for the data layer's callers; pages and domain code import ue_core.vocabulary.
from ue_core.vocabulary import ActionStatus as ActionStatus
from ue_core.vocabulary import AssessmentStatus as AssessmentStatus
from ue_core.vocabulary import EvidenceStrength as EvidenceStrength
from ue_core.vocabulary import RequestStatus as RequestStatus
from ue_core.vocabulary import Role as Role

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every database (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("Timestamps must be timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


# --- People and organisations -------------------------------------------------------------


class Organisation(Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    teams: Mapped[list[Team]] = relationship(back_populates="organisation")


class Team(Base):
    __tablename__ = "team"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    statistics: Mapped[str] = mapped_column(Text, default="")
    happy_to_talk: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="teams")


class User(Base):
    __tablename__ = "user_account"
    __table_args__ = (UniqueConstraint("oidc_issuer", "oidc_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Wrong passwords in a row since the last good sign-in; enough of them lock the account.
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # After repeated wrong passwords, sign-in is refused until this time (backing off).
    locked_until: Mapped[datetime | None]
    # Single sign-on: the sign-in service and its account ("sub") this person first signed in
    # with. Once bound, only that account signs in as this person.
    oidc_issuer: Mapped[str | None] = mapped_column(String(500))
    oidc_subject: Mapped[str | None] = mapped_column(String(255))

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )


class SignInSession(Base):
    """A signed-in browser (local and demo sign-in): the browser holds a random token in an
    HttpOnly cookie; only the token's SHA-256 hash is stored. Signing out ends the session;
    it expires at ``expires_at`` whatever happens."""

    __tablename__ = "sign_in_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    # When the session was last used; one unused for UE_SESSION_IDLE_MINUTES has ended.
    last_seen_at: Mapped[datetime | None]


class PasswordReset(Base):
    """A one-time code an admin issued so a person can set a new password.

    Only the code's SHA-256 hash is stored. It works once (``used_at``) and until ``expires_at``.
    """

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class Membership(Base):
    """A role held by a user: in a team (member, lead), an organisation (champion) or the hub."""

    __tablename__ = "membership"
    __table_args__ = (
        UniqueConstraint("user_id", "role", "team_id", "organisation_id"),
        CheckConstraint(
            "(role IN ('member', 'lead') AND team_id IS NOT NULL)"
            " OR (role = 'champion' AND organisation_id IS NOT NULL AND team_id IS NULL)"
            " OR (role IN ('consultant', 'admin') AND team_id IS NULL AND organisation_id IS NULL)",
            name="scope_matches_role",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)

    user: Mapped[User] = relationship(back_populates="memberships")
    team: Mapped[Team | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()


# --- Framework ----------------------------------------------------------------------------


class FrameworkVersion(Base):
    """One loaded version of the framework file; assessments keep the version they used."""

    __tablename__ = "framework_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_key: Mapped[str] = mapped_column(String(80))
    edition: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    content: Mapped[dict[str, Any]] = mapped_column()
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    principles: Mapped[list[Principle]] = relationship(
        back_populates="framework_version", order_by="Principle.position"
    )


class Principle(Base):
    __tablename__ = "principle"
    __table_args__ = (UniqueConstraint("framework_version_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_version_id: Mapped[int] = mapped_column(ForeignKey("framework_version.id"))
    key: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)

    framework_version: Mapped[FrameworkVersion] = relationship(back_populates="principles")
    practices: Mapped[list[Practice]] = relationship(
        back_populates="principle", order_by="Practice.position"
    )


class Practice(Base):
    __tablename__ = "practice"
    __table_args__ = (UniqueConstraint("framework_version_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_version_id: Mapped[int] = mapped_column(ForeignKey("framework_version.id"))
    principle_id: Mapped[int] = mapped_column(ForeignKey("principle.id"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)

    principle: Mapped[Principle] = relationship(back_populates="practices")


# --- Assessments --------------------------------------------------------------------------


class Round(Base):
    """An assessment period, such as the 2026 to 2027 round."""

    __tablename__ = "assessment_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(80), unique=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)


class Assessment(Base):
    __tablename__ = "assessment"
    __table_args__ = (UniqueConstraint("team_id", "round_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("assessment_round.id"), index=True)
    framework_version_id: Mapped[int] = mapped_column(ForeignKey("framework_version.id"))
    status: Mapped[str] = mapped_column(String(20), default=AssessmentStatus.DRAFT.value)
    carried_over_from_id: Mapped[int | None] = mapped_column(ForeignKey("assessment.id"))
    public_interest: Mapped[str | None] = mapped_column(String(20))
    user_breadth: Mapped[str | None] = mapped_column(String(20))
    change_frequency: Mapped[str | None] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column()
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    __mapper_args__ = {"version_id_col": version}

    team: Mapped[Team] = relationship()
    round: Mapped[Round] = relationship()
    framework_version: Mapped[FrameworkVersion] = relationship()


class AssessmentSubmission(Base):
    """One submission of an assessment: the agreed answers as submitted, kept for good.

    Submitting freezes the assessment; a team lead or admin may reopen it with a reason, which is
    recorded here, and the answers submitted at that time stay as they were. ``answers`` holds one
    entry per practice, in framework order: ``practice_key``, ``level``, ``not_applicable``,
    ``note``, ``evidence``, ``evidence_date`` (ISO date or null) and ``evidence_strength``.
    """

    __tablename__ = "assessment_submission"
    __table_args__ = (UniqueConstraint("assessment_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1 for the first submission, then 2, ...
    submitted_at: Mapped[datetime] = mapped_column()
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    answers: Mapped[list[Any]] = mapped_column()
    reopened_at: Mapped[datetime | None] = mapped_column()
    reopened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reopen_reason: Mapped[str] = mapped_column(Text, default="")


class Rating(Base):
    """One person's rating of one practice in an assessment."""

    __tablename__ = "rating"
    __table_args__ = (UniqueConstraint("assessment_id", "practice_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), index=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    level: Mapped[int | None] = mapped_column(Integer)
    not_applicable: Mapped[bool] = mapped_column(Boolean, default=False)
    not_applicable_reason: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    evidence_date: Mapped[date | None] = mapped_column(Date)
    evidence_strength: Mapped[str | None] = mapped_column(String(30))
    carried_over: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}


class AgreedRating(Base):
    """The team's agreed answer for one practice, recorded by the team lead."""

    __tablename__ = "agreed_rating"
    __table_args__ = (UniqueConstraint("assessment_id", "practice_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), index=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"))
    level: Mapped[int | None] = mapped_column(Integer)
    not_applicable: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    evidence_date: Mapped[date | None] = mapped_column(Date)
    evidence_strength: Mapped[str | None] = mapped_column(String(30))
    agreed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}


class Target(Base):
    """A team's target level for one principle in one assessment."""

    __tablename__ = "target"
    __table_args__ = (UniqueConstraint("assessment_id", "principle_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), index=True)
    principle_key: Mapped[str] = mapped_column(String(80))
    level: Mapped[int] = mapped_column(Integer)
    suggested_level: Mapped[int] = mapped_column(Integer)
    rationale: Mapped[str] = mapped_column(Text, default="")
    reason_for_change: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class Action(Base):
    """An item of a team's action plan."""

    __tablename__ = "action"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), index=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"))
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=ActionStatus.PLANNED.value)
    intended_level: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __mapper_args__ = {"version_id_col": version}


# --- Library and recommendations ----------------------------------------------------------


class Resource(Base):
    """A case study or training offer in the library (content from data/, editable by admins)."""

    __tablename__ = "resource"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    content: Mapped[dict[str, Any]] = mapped_column()
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Set when an admin changed the entry in the app: the file's version is then not re-applied.
    edited_at: Mapped[datetime | None] = mapped_column()
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class RecommendationEvent(Base):
    """A recommendation shown, opened, used or dismissed by a team."""

    __tablename__ = "recommendation_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessment.id"))
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id"), index=True)
    event: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- Surveys and themes -------------------------------------------------------------------


class Survey(Base):
    __tablename__ = "survey"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    source_filename: Mapped[str] = mapped_column(String(300), default="")
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    redaction_counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    questions: Mapped[list[SurveyQuestion]] = relationship(
        back_populates="survey", order_by="SurveyQuestion.position"
    )


class SurveyQuestion(Base):
    __tablename__ = "survey_question"
    __table_args__ = (UniqueConstraint("survey_id", "column_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"), index=True)
    column_name: Mapped[str] = mapped_column(String(300))
    #: How the question is shown, as the consultant worded it at import ("" for the tidied header).
    wording: Mapped[str] = mapped_column(String(300), default="", server_default="")
    kind: Mapped[str] = mapped_column(String(20))  # free_text or closed
    position: Mapped[int] = mapped_column(Integer)

    survey: Mapped[Survey] = relationship(back_populates="questions")


class SurveyResponse(Base):
    """One respondent's row; closed answers are kept as a mapping of column to answer."""

    __tablename__ = "survey_response"
    __table_args__ = (UniqueConstraint("survey_id", "respondent_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"), index=True)
    respondent_ref: Mapped[str] = mapped_column(String(120))
    closed_answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class SurveyAnswer(Base):
    """One free-text answer, already redacted; its embedding is computed once and kept."""

    __tablename__ = "survey_answer"
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_response.id"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_question.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary)
    embedding_backend: Mapped[str | None] = mapped_column(String(80))
    #: The space the stored vector is in (see ``ue_core.themes.embedding.space_key``).
    embedding_space: Mapped[str | None] = mapped_column(String(120))
    #: For a sentence model's vector: the model and the word pieces it read
    #: (``ue_core.themes.embedding.token_key``), so an identical answer in any survey can reuse
    #: the vector instead of running the model again.
    embedding_key: Mapped[str | None] = mapped_column(String(64), index=True)


class ThemeSet(Base):
    __tablename__ = "theme_set"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_question.id"), index=True)
    backend: Mapped[str] = mapped_column(String(80))
    n_themes: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column()
    version: Mapped[int] = mapped_column(Integer, default=1)
    #: The embedding space the themes' centres are in, its recipe's version, and (for the
    #: TF-IDF fallback, whose space is fitted to answers) the answers it was fitted to.
    embedding_space: Mapped[str | None] = mapped_column(String(120))
    space_version: Mapped[int | None] = mapped_column(Integer)
    space_answer_ids: Mapped[list[Any] | None] = mapped_column(JSON)

    __mapper_args__ = {"version_id_col": version}


class Theme(Base):
    __tablename__ = "theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_set_id: Mapped[int] = mapped_column(ForeignKey("theme_set.id"), index=True)
    label: Mapped[str] = mapped_column(String(300))
    top_terms: Mapped[list[Any]] = mapped_column(default=list)
    position: Mapped[int] = mapped_column(Integer)
    centroid: Mapped[bytes | None] = mapped_column(LargeBinary)
    renamed: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The top-level theme this (sub-)theme sits under (issue 14); see TopTheme.
    top_theme_id: Mapped[int | None] = mapped_column(ForeignKey("top_theme.id"), index=True)


class ThemeAssignment(Base):
    __tablename__ = "theme_assignment"
    __table_args__ = (UniqueConstraint("theme_set_id", "answer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_set_id: Mapped[int] = mapped_column(ForeignKey("theme_set.id"), index=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("survey_answer.id"), index=True)
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("theme.id"), index=True)
    confidence: Mapped[float | None] = mapped_column()
    moved_by_hand: Mapped[bool] = mapped_column(Boolean, default=False)
    not_relevant: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)


class ThemeAction(Base):
    """'You said, we did': what the hub did about a theme."""

    __tablename__ = "theme_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id"), index=True)
    action: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    published_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


# --- Support requests and audit -----------------------------------------------------------


class SupportRequest(Base):
    __tablename__ = "support_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=RequestStatus.NEW.value, index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    suggested_practice_key: Mapped[str | None] = mapped_column(String(80))
    resolution: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Request kinds and service levels (issue 11): the kind of help (a key of
    # data/request_kinds.yaml), the statistics it concerns, a date it must fit, when the hub
    # first responded and resolved it, and the team's rating of the help (1 to 5) once resolved.
    kind: Mapped[str] = mapped_column(String(40), default="other", server_default="other")
    statistics: Mapped[str] = mapped_column(String(300), default="", server_default="")
    needed_by: Mapped[date | None] = mapped_column(Date)
    first_response_at: Mapped[datetime | None] = mapped_column()
    resolved_at: Mapped[datetime | None] = mapped_column()
    rating: Mapped[int | None] = mapped_column(Integer)
    rating_comment: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Triage (issue 11): the priority a consultant confirmed (high, normal or low), and who
    # confirmed the triage and when; the practice areas confirmed are RequestPracticeArea rows.
    priority: Mapped[str | None] = mapped_column(String(10))
    triaged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    triaged_at: Mapped[datetime | None] = mapped_column()

    __mapper_args__ = {"version_id_col": version}

    team: Mapped[Team] = relationship(foreign_keys=[team_id])


class AuditEvent(Base):
    """Who did what, when, with the values before and after."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(80))
    entity_type: Mapped[str] = mapped_column(String(80))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


# --- A request's conversation and the inbox (issue 11: the consultancy desk) --------------------


class RequestMessage(Base):
    """A reply between the hub and the team on a request, or an internal note for the hub."""

    __tablename__ = "request_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("support_request.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    body: Mapped[str] = mapped_column(Text)
    is_internal: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The author spoke for the hub (rather than the team) when they wrote it.
    from_hub: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Notification(Base):
    """One person told about one event on a request (a reply, a note, a status change)."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_id_read_at", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    # None for a notice about no request: a reminder of a Champion Chat month's update.
    request_id: Mapped[int | None] = mapped_column(ForeignKey("support_request.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column()
    #: The Chat month an update reminder is about (first day of the month); None otherwise.
    chat_month: Mapped[date | None] = mapped_column(Date)


# --- Triage, status history and outcomes of requests (issue 11: the consultancy desk) -----------


class RequestPracticeArea(Base):
    """A practice area of the framework (``ue_core.framework.PracticeArea``: promote, understand,
    listen, act, planned, collaborative) a consultant confirmed a request concerns, at triage.
    These confirmed pairs are the hub's own triage history the request router learns from."""

    __tablename__ = "request_practice_area"

    request_id: Mapped[int] = mapped_column(ForeignKey("support_request.id"), primary_key=True)
    area: Mapped[str] = mapped_column(String(20), primary_key=True)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    confirmed_at: Mapped[datetime] = mapped_column(default=utcnow)


class RequestStatusChange(Base):
    """Each status a request entered, and when: the service-level clock (which stops while the
    hub waits on the team) and the hub's reports are worked out from these."""

    __tablename__ = "request_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("support_request.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- An organisation's statistical outputs (issue 12: coverage against them) --------------------


class StatisticalOutput(Base):
    """One output on an organisation's imported list, with the team that produces it.

    ``team_id`` is the team of the organisation whose name matches ``team_name``; None while
    no team of that name is in the workbench. An import replaces the organisation's whole list.
    """

    __tablename__ = "statistical_output"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    team_name: Mapped[str] = mapped_column(String(200))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    frequency: Mapped[str] = mapped_column(String(40))
    next_release: Mapped[date | None] = mapped_column(Date)
    row_number: Mapped[int] = mapped_column(Integer)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- Consultants' declared skills (issue 11: who is best placed to take a request) -------------


class ConsultantSkill(Base):
    """A practice area or a kind of help a hub consultant declares they can help with.

    ``skill`` is ``area`` (``key`` is a practice area: promote, understand, ...) or ``kind``
    (``key`` is a kind of help of ``data/request_kinds.yaml``). Triage suggests the consultant
    best placed for a request from these and each consultant's open requests.
    """

    __tablename__ = "consultant_skill"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    skill: Mapped[str] = mapped_column(String(10), primary_key=True)
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    declared_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- What the hub's help with a request achieved (issue 11: outcomes and follow-up) -------------


class RequestOutcome(Base):
    """What a consultant recorded on resolving a request: the help given and the time spent.
    The practices it aimed at are RequestOutcomePractice rows; whether they moved is worked out
    from the team's next submitted assessment, never stored."""

    __tablename__ = "request_outcome"

    request_id: Mapped[int] = mapped_column(ForeignKey("support_request.id"), primary_key=True)
    help_given: Mapped[str] = mapped_column(Text)
    minutes_spent: Mapped[int] = mapped_column(Integer)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class RequestOutcomePractice(Base):
    """A practice of the framework (its key) the help with a request aimed at."""

    __tablename__ = "request_outcome_practice"

    request_id: Mapped[int] = mapped_column(
        ForeignKey("request_outcome.request_id"), primary_key=True
    )
    practice_key: Mapped[str] = mapped_column(String(80), primary_key=True)


# --- Champion Chats (issue 12): the monthly groups of four champions ------------------------------


class ChatRound(Base):
    """One month's Champion Chats: drawn with ``seed``, changed while a draft, then published.

    ``month`` is the first day of the month. ``version`` moves on with every change, so two
    hub staff working on one draft cannot overwrite each other's swaps.
    """

    __tablename__ = "chat_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(Date, unique=True)
    seed: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20), default="draft")
    version: Mapped[int] = mapped_column(Integer, default=1)
    drawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    drawn_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]


class ChatGroup(Base):
    """One group of a month's Chats, numbered from 1."""

    __tablename__ = "chat_group"
    __table_args__ = (UniqueConstraint("round_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("chat_round.id"))
    number: Mapped[int] = mapped_column(Integer)


class ChatMember(Base):
    """A champion in one group; each champion is in at most one group of a month."""

    __tablename__ = "chat_member"
    __table_args__ = (UniqueConstraint("round_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("chat_round.id"))
    group_id: Mapped[int] = mapped_column(ForeignKey("chat_group.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)


class ChatSkip(Base):
    """A champion cannot take part in the Chats of ``month`` (the first day of the month)."""

    __tablename__ = "chat_skip"
    __table_args__ = (UniqueConstraint("month", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(Date)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- The champions directory (issue 12): what each champion shows, and who was champion when --


class ChampionProfile(Base):
    """What a champion tells the directory about themselves, and which contacts it shows.

    ``areas`` are practice-area keys (promote, understand, ...) separated by commas;
    ``interests`` is free text. A contact is shown to others only when its ``show_*`` flag is
    on (and it is filled in). ``version`` moves on with every save.
    """

    __tablename__ = "champion_profile"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    profession: Mapped[str] = mapped_column(String(200), default="")
    interests: Mapped[str] = mapped_column(Text, default="")
    areas: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    teams_handle: Mapped[str] = mapped_column(String(200), default="")
    show_email: Mapped[bool] = mapped_column(Boolean, default=True)
    show_phone: Mapped[bool] = mapped_column(Boolean, default=False)
    show_teams: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)


class ChampionTerm(Base):
    """A person's time as champion of an organisation: open while ``ended_on`` is None.

    The champion role itself is a Membership; a term starts when the role is given and ends
    when it is taken away, so the hub can see who has been champion and since when.
    """

    __tablename__ = "champion_term"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


# --- Organisational commitments to the strategy (issue 12) ----------------------------------------


class Commitment(Base):
    """An organisation's commitment to the strategy, kept by its champions.

    The planned actions are CommitmentAction rows; ``version`` moves on with every change of
    the statement, so two people never overwrite each other's words.
    """

    __tablename__ = "commitment"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), unique=True)
    statement: Mapped[str] = mapped_column(Text)
    published_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class CommitmentAction(Base):
    """One planned action of a commitment, under one theme of ``data/commitment_themes.yaml``."""

    __tablename__ = "commitment_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id"), index=True)
    theme: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="planned")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


# --- Jobs: long work in the background (issue 13) -------------------------------------------------


class Job(Base):
    """One piece of long work (finding themes, ...) run in the background, and how it is going.

    ``state`` is queued, running, succeeded, failed or cancelled (``ue_core.jobs.JobState``);
    ``subject_id`` is what the work is on (a survey question for a theme job). At most one job
    of a kind is queued or running on one subject: a partial unique index says so on SQLite and
    PostgreSQL alike. ``queue_job_id`` is the task queue's own job (procrastinate, on
    PostgreSQL). ``cancel_requested`` is seen by the work at its next progress report.
    """

    __tablename__ = "job"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    started_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    subject_id: Mapped[int | None] = mapped_column(Integer)
    arguments: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(20), default="queued")
    progress: Mapped[float] = mapped_column(default=0.0)
    message: Mapped[str] = mapped_column(String(300), default="")
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    queue_job_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column()

    __table_args__ = (
        CheckConstraint(
            "state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')", name="state"
        ),
        CheckConstraint("progress >= 0 AND progress <= 1", name="progress"),
        Index(
            "uq_job_one_active_per_subject",
            "kind",
            "subject_id",
            unique=True,
            sqlite_where=text("state IN ('queued', 'running') AND subject_id IS NOT NULL"),
            postgresql_where=text("state IN ('queued', 'running') AND subject_id IS NOT NULL"),
        ),
    )


# --- Champions' monthly updates after their Chat (issue 12) ---------------------------------------


class ChampionUpdate(Base):
    """A champion's update on a published Chat month: one per champion per month.

    ``organisation_id`` is the organisation the champion spoke for when they first sent it;
    ``links`` is a list of web addresses. ``version`` moves on with every change.
    """

    __tablename__ = "champion_update"
    __table_args__ = (UniqueConstraint("month", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(Date, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    links: Mapped[list[Any]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class ChampionUpdateCategory(Base):
    """One category (a key of ``data/update_categories.yaml``) an update is under."""

    __tablename__ = "champion_update_category"
    __table_args__ = (UniqueConstraint("update_id", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(ForeignKey("champion_update.id"), index=True)
    category: Mapped[str] = mapped_column(String(40))


class UpdateReminder(Base):
    """The hub reminded a champion of a month's update on ``sent_on`` (at most once a day)."""

    __tablename__ = "update_reminder"
    __table_args__ = (UniqueConstraint("month", "user_id", "sent_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(Date)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    sent_on: Mapped[date] = mapped_column(Date)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- Case-study drafts for the library, from champions' updates and other sources (issue 12) ---


class CaseStudyDraft(Base):
    """A suggested case study the hub reviews, then publishes as a library entry or declines.

    ``source_kind`` and ``source_id`` name what it came from (a champion's update, a forum's
    success, ...): one draft per source. ``resource_id`` is the library entry once published.
    """

    __tablename__ = "case_study_draft"
    __table_args__ = (UniqueConstraint("source_kind", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    source_kind: Mapped[str] = mapped_column(String(40))
    source_id: Mapped[int] = mapped_column(Integer)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    source_urls: Mapped[list[Any]] = mapped_column()
    state: Mapped[str] = mapped_column(String(20), default="draft")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column()
    review_note: Mapped[str] = mapped_column(Text, default="")
    resource_id: Mapped[int | None] = mapped_column(ForeignKey("resource.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


# --- The register of theme-based user groups and forums (issue 12) ------------------------------


class Forum(Base):
    """A theme-based user group or forum in the hub's register.

    ``themes`` and ``attendees`` are keys of ``data/forum_themes.yaml`` separated by commas;
    ``frequency`` is one of its meeting frequencies. ``status_set`` is None while the status is
    worked out from the meetings (``ue_core.forums``), or the status the hub set by hand.
    ``closed_on`` is set when the hub closes the forum; it stays in the register's history.
    """

    __tablename__ = "forum"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    host_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    themes: Mapped[str] = mapped_column(String(400), default="")
    attendees: Mapped[str] = mapped_column(String(400), default="")
    frequency: Mapped[str] = mapped_column(String(40))
    join_text: Mapped[str] = mapped_column(Text, default="")
    join_url: Mapped[str] = mapped_column(String(500), default="")
    status_set: Mapped[str | None] = mapped_column(String(20))
    closed_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class ForumMember(Base):
    """An organisation taking part in a forum it does not host."""

    __tablename__ = "forum_member"

    forum_id: Mapped[int] = mapped_column(ForeignKey("forum.id"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id"), primary_key=True, index=True
    )


class ForumMeeting(Base):
    """A day a forum met; the latest is its "last met" date, and the rest say when it was active."""

    __tablename__ = "forum_meeting"
    __table_args__ = (UniqueConstraint("forum_id", "met_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forum.id"), index=True)
    met_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class ForumSuccess(Base):
    """One of a forum's biggest successes; the hub may take one up as a case study."""

    __tablename__ = "forum_success"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forum.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    achieved_on: Mapped[date] = mapped_column(Date)
    link: Mapped[str] = mapped_column(String(500), default="")
    suggested_case_study: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


# --- Themes at two levels (issue 14) -----------------------------------------------------------


class TopTheme(Base):
    """A top-level theme of a theme set: it groups whole themes (its sub-themes, Theme rows
    whose ``top_theme_id`` is this one), so an answer's top-level theme is its theme's."""

    __tablename__ = "top_theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_set_id: Mapped[int] = mapped_column(ForeignKey("theme_set.id"), index=True)
    label: Mapped[str] = mapped_column(String(300))
    top_terms: Mapped[list[Any]] = mapped_column(default=list)
    position: Mapped[int] = mapped_column(Integer)
    centroid: Mapped[bytes | None] = mapped_column(LargeBinary)
    renamed: Mapped[bool] = mapped_column(Boolean, default=False)


# --- Survey themes as evidence for a team's rating (issue 14, item 5) --------------------------


class ThemeEvidence(Base):
    """An approved survey theme attached to a team's rating of one practice in an assessment.

    The theme's name, its top-level theme's name, its size and up to three quotes are a
    snapshot taken when it was attached, so later renames, merges or new answers leave the
    evidence as the team saw it. ``theme_id`` (and ``theme_set_id``) point back to the theme
    while it exists; merging it away sets them to null. Deleting the survey deletes its evidence.
    """

    __tablename__ = "theme_evidence"
    __table_args__ = (UniqueConstraint("assessment_id", "practice_id", "theme_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), index=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"))
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"), index=True)
    theme_set_id: Mapped[int | None] = mapped_column(
        ForeignKey("theme_set.id", ondelete="SET NULL")
    )
    theme_id: Mapped[int | None] = mapped_column(
        ForeignKey("theme.id", ondelete="SET NULL"), index=True
    )
    theme_label: Mapped[str] = mapped_column(String(300))
    top_theme_label: Mapped[str] = mapped_column(String(300), default="")
    answer_count: Mapped[int] = mapped_column(Integer)
    quotes: Mapped[list[Any]] = mapped_column(default=list)
    survey_title: Mapped[str] = mapped_column(String(300))
    question: Mapped[str] = mapped_column(String(300))
    attached_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    attached_at: Mapped[datetime] = mapped_column(default=utcnow)


class TrainedRouter(Base):
    """A request router fitted by a retraining job, for every app server to use (issue 13).

    ``key`` names what it was fitted on (purpose, framework or kinds, embedding backend, the
    confirmed history's size and latest confirmation), as the triage service's own cache does;
    a router whose key no longer matches the history is not used. ``model`` is the pickled
    router and its training set, written only by the workbench's own retraining job.
    """

    __tablename__ = "trained_router"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(400), unique=True)
    examples: Mapped[int] = mapped_column(Integer)
    model: Mapped[bytes] = mapped_column(LargeBinary)
    job_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class JobFile(Base):
    """The file a job made (a large export), kept for the person who started it to download."""

    __tablename__ = "job_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("job.id"), unique=True)
    filename: Mapped[str] = mapped_column(String(200))
    mime: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
