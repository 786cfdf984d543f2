"""What the hub's help with a request achieved: the outcome a consultant records on resolving
it, and the follow-up once the team next submits an assessment.

The outcome is the help given (in the consultant's words), the practices of the framework it
aimed at and the time spent. Recording it resolves the request, through the same status change
as the triage form (``support._apply_request_change``: status history, audit, the team's
notification), in one transaction. The follow-up compares the team's agreed levels for those
practices in its latest assessment submitted before the outcome was recorded and its first one
submitted after, as the library's follow-up does for the resources a team used
(``library.follow_up.PracticeMove``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ue_core import audit, mail
from ue_core.authz import Actor, require_conversation, require_triage
from ue_core.db.engine import Database
from ue_core.db.models import (
    Assessment,
    FrameworkVersion,
    RequestOutcome,
    RequestOutcomePractice,
    Round,
    SupportRequest,
    User,
)
from ue_core.errors import ConflictError, InputError, NotFound
from ue_core.services import support
from ue_core.services.assessment_reads import agreed_levels
from ue_core.services.frameworks import framework_for_version
from ue_core.services.library.follow_up import PracticeMove
from ue_core.text import plural
from ue_core.vocabulary import AssessmentStatus, RequestStatus

MAX_HELP_GIVEN: Final = 2_000
#: The most time one request's help can have taken: about 20 working days.
MAX_HOURS: Final = 150
MAX_PRACTICES: Final = 10


@dataclass(frozen=True)
class PracticeChoice:
    key: str
    title: str
    principle_title: str


@dataclass(frozen=True)
class OutcomeView:
    """The outcome recorded on a request."""

    request_id: int
    help_given: str
    practices: tuple[PracticeChoice, ...]
    minutes_spent: int
    recorded_by: str | None
    recorded_at: datetime

    @property
    def practice_keys(self) -> tuple[str, ...]:
        return tuple(p.key for p in self.practices)

    @property
    def hours(self) -> float:
        return self.minutes_spent / 60

    @property
    def time_text(self) -> str:
        """The time spent in words: "45 minutes", "1 hour", "2.5 hours"."""
        if self.minutes_spent < 60:
            return plural(self.minutes_spent, "minute")
        hours = round(self.minutes_spent / 60, 2)
        shown = f"{hours:g}"
        return f"{shown} hour" if shown == "1" else f"{shown} hours"

    @property
    def practices_text(self) -> str:
        return "; ".join(p.title for p in self.practices) or "No practices chosen"


@dataclass(frozen=True)
class OutcomeFollowUp:
    """An outcome and, once the team has submitted an assessment after it was recorded,
    whether each practice it aimed at moved (``moves``, in the outcome's order)."""

    outcome: OutcomeView
    #: The round of the team's latest assessment submitted before the outcome, if any.
    before_round: str | None
    #: The round of the team's first assessment submitted after the outcome; None until then.
    after_round: str | None
    moves: tuple[PracticeMove, ...]

    @property
    def waiting(self) -> bool:
        return self.after_round is None

    @property
    def summary(self) -> str:
        """One sentence on what happened since, for tables."""
        if self.waiting:
            return "Waiting for the team's next submitted assessment."
        up = sum(1 for m in self.moves if m.change == "Moved up")
        return (
            f"{up:d} of {plural(len(self.moves), 'practice')} aimed at moved up by the "
            f"team's {self.after_round} assessment."
        )


#: The practices of each framework version an outcome can aim at, by the version's content
#: hash: a version's content never changes, and reading it back costs a validation.
_CHOICES: dict[str, dict[str, PracticeChoice]] = {}


def _current_choices(session: Session) -> dict[str, PracticeChoice]:
    """The practices of the current framework, in framework order, by key."""
    row = session.execute(
        select(FrameworkVersion.id, FrameworkVersion.content_hash)
        .order_by(FrameworkVersion.id.desc())
        .limit(1)
    ).first()
    if row is None:
        raise NotFound("No framework has been loaded yet.")
    if row.content_hash not in _CHOICES:
        framework = framework_for_version(session, row.id)
        _CHOICES[row.content_hash] = {
            practice.key: PracticeChoice(practice.key, practice.title, principle.title)
            for principle, practice in framework.practices_with_principles()
        }
    return _CHOICES[row.content_hash]


def practice_choices(db: Database, actor: Actor) -> tuple[PracticeChoice, ...]:
    """Hub consultants: the practices of the current framework an outcome can aim at."""
    require_triage(actor)
    with db.read() as session:
        return tuple(_current_choices(session).values())


def _checked(
    help_given: str, practice_keys: Sequence[str], hours: float, known: Mapping[str, object]
) -> tuple[str, tuple[str, ...], int]:
    help_given = help_given.strip()
    if not help_given:
        raise InputError("Say what help the hub gave, for example advice by e-mail or a workshop.")
    if len(help_given) > MAX_HELP_GIVEN:
        raise InputError(f"The help given must be {MAX_HELP_GIVEN:,} characters or fewer.")
    keys = tuple(dict.fromkeys(key.strip() for key in practice_keys))
    if not keys:
        raise InputError("Choose at least one practice the help aimed at.")
    if len(keys) > MAX_PRACTICES:
        raise InputError(f"Choose at most {MAX_PRACTICES} practices the help aimed at.")
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise InputError(
            f"'{unknown[0]}' is not a practice of the current framework. Choose the practices "
            "from the list."
        )
    if not 0 < hours <= MAX_HOURS:  # also refuses a number that is not a number
        raise InputError(
            f"Enter the time spent in hours: more than 0 and at most {MAX_HOURS} "
            "(about 20 working days)."
        )
    minutes = round(hours * 60)
    if minutes < 1:
        raise InputError("Enter a time spent of at least one minute (0.02 hours).")
    return help_given, keys, minutes


def record_outcome(
    db: Database,
    actor: Actor,
    request_id: int,
    *,
    expected_version: int,
    help_given: str,
    practice_keys: Sequence[str],
    hours: float,
) -> tuple[str, ...]:
    """Hub consultants: record the help given, the practices it aimed at and the time spent,
    resolving the request if it is still open; say what changed, one sentence each.

    Recording again replaces the outcome. A request still open becomes resolved (its outcome
    text is the help given, unless one was written already), with the status history, audit
    and notification of any status change. Raises ConflictError if someone changed the request
    since ``expected_version`` was read.
    """
    require_triage(actor)
    try:
        with db.transaction() as session:
            known = _current_choices(session)
            help_given, keys, minutes = _checked(help_given, practice_keys, hours, known)
            request = session.get(SupportRequest, request_id)
            if request is None:
                raise NotFound("That request no longer exists.")
            done = RequestStatus(request.status) in support.DONE_STATUSES
            fills_resolution = not request.resolution
            changes, deliveries = support._apply_request_change(
                session,
                actor,
                request,
                expected_version=expected_version,
                status=RequestStatus(request.status) if done else RequestStatus.RESOLVED,
                assignee_id=request.assignee_id,
                resolution=request.resolution or help_given,
            )
            saved = _save(session, actor, request.id, help_given, keys, minutes)
            # When the help given became the request's outcome text, that is said already.
            start = "Practices" if fills_resolution else "Help given, practices"
            changes += (f"{start} {saved}",)
    except (StaleDataError, IntegrityError) as raced:
        raise ConflictError(
            "Someone else changed this request or its outcome at the same moment. Look at it "
            "again and record the outcome if it still needs one."
        ) from raced
    mail.deliver(deliveries)
    return changes


def _save(
    session: Session,
    actor: Actor,
    request_id: int,
    help_given: str,
    keys: tuple[str, ...],
    minutes: int,
) -> str:
    """Save the outcome; the end of the sentence that says so ("aimed at and time spent
    recorded.")."""
    outcome = session.get(RequestOutcome, request_id)
    before = None if outcome is None else _audited(outcome, _keys_of(session, [request_id]))
    if outcome is None:
        outcome = RequestOutcome(request_id=request_id)
        session.add(outcome)
    else:
        session.execute(
            delete(RequestOutcomePractice).where(RequestOutcomePractice.request_id == request_id)
        )
    outcome.help_given = help_given
    outcome.minutes_spent = minutes
    outcome.recorded_by_id = actor.user_id
    outcome.recorded_at = datetime.now(UTC)
    session.flush()
    session.add_all(RequestOutcomePractice(request_id=request_id, practice_key=k) for k in keys)
    session.flush()
    audit.record(
        session,
        actor,
        "record_outcome",
        "support_request",
        request_id,
        before=before,
        after=_audited(outcome, {request_id: keys}),
    )
    return "aimed at and time spent " + ("recorded." if before is None else "updated.")


def _audited(outcome: RequestOutcome, keys: Mapping[int, Sequence[str]]) -> dict[str, object]:
    return {
        "help_given": outcome.help_given,
        "practice_keys": list(keys.get(outcome.request_id, ())),
        "minutes_spent": outcome.minutes_spent,
    }


def _keys_of(session: Session, request_ids: Iterable[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for request_id, key in session.execute(
        select(RequestOutcomePractice.request_id, RequestOutcomePractice.practice_key)
        .where(RequestOutcomePractice.request_id.in_(list(request_ids)))
        .order_by(RequestOutcomePractice.practice_key)
    ):
        found.setdefault(request_id, []).append(key)
    return found


def follow_ups_in(
    session: Session, team_id: int, request_ids: Sequence[int]
) -> dict[int, OutcomeFollowUp]:
    """The outcomes of these requests of one team, with their follow-up, by request id; read
    inside a service's session after its access check."""
    rows = session.execute(
        select(RequestOutcome, User.display_name)
        .outerjoin(User, RequestOutcome.recorded_by_id == User.id)
        .where(RequestOutcome.request_id.in_(list(request_ids)))
    ).all()
    if not rows:
        return {}
    choices = _current_choices(session)
    keys = _keys_of(session, request_ids)
    submitted = session.execute(
        select(Assessment.id, Assessment.submitted_at, Round.label)
        .join(Round, Assessment.round_id == Round.id)
        .where(
            Assessment.team_id == team_id,
            Assessment.status == AssessmentStatus.SUBMITTED.value,
            Assessment.submitted_at.is_not(None),
        )
        .order_by(Assessment.submitted_at, Assessment.id)
    ).all()
    levels: dict[int, dict[str, int]] = {}

    def levels_of(assessment_id: int) -> dict[str, int]:
        if assessment_id not in levels:
            levels[assessment_id] = agreed_levels(session, assessment_id)
        return levels[assessment_id]

    found = {}
    for outcome, recorded_by in rows:
        aimed = keys.get(outcome.request_id, [])
        # In framework order; a practice no longer in the framework last, under its key.
        practices = tuple(choices[key] for key in choices if key in aimed) + tuple(
            PracticeChoice(key, key, "") for key in aimed if key not in choices
        )
        view = OutcomeView(
            outcome.request_id,
            outcome.help_given,
            practices,
            outcome.minutes_spent,
            recorded_by,
            outcome.recorded_at,
        )
        earlier = [row for row in submitted if row.submitted_at <= outcome.recorded_at]
        later = [row for row in submitted if row.submitted_at > outcome.recorded_at]
        before_row = earlier[-1] if earlier else None
        after_row = later[0] if later else None
        moves: tuple[PracticeMove, ...] = ()
        if after_row is not None:
            before = {} if before_row is None else levels_of(before_row.id)
            after = levels_of(after_row.id)
            moves = tuple(
                PracticeMove(p.key, p.title, before.get(p.key), after.get(p.key)) for p in practices
            )
        found[outcome.request_id] = OutcomeFollowUp(
            view,
            None if before_row is None else before_row.label,
            None if after_row is None else after_row.label,
            moves,
        )
    return found


def request_follow_up(db: Database, actor: Actor, request_id: int) -> OutcomeFollowUp | None:
    """The outcome recorded on a request and whether the practices it aimed at moved since;
    None while no outcome is recorded. For the team that raised it and the hub."""
    with db.read() as session:
        request = session.get(SupportRequest, request_id)
        if request is None:
            raise NotFound("That request no longer exists.")
        require_conversation(actor, request.team_id)
        return follow_ups_in(session, request.team_id, [request_id]).get(request_id)
