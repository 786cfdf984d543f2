"""The simulated people of the load benchmark (bench/load.py): who they are and what they do.

Each person is a thread signed in as a real demo person (``accounts.actor_for_email`` and a
sign-in session, as the demo persona picker does) and works through the service layer, as the
screens do, with a think time between actions:

- team members open their self-assessment, rate practices and save evidence (version-checked:
  a save against a rating that moved on is a conflict), read their team's results and search
  the library;
- team leads open the agreeing page, save agreed answers (version-checked), check the answers
  and submit once every practice is agreed, and reopen a submitted assessment to go on;
- hub consultants open the queue of new requests, open one of the oldest five and confirm its
  triage (version-checked: two consultants on one request is a conflict);
- champions search the library and open entries.

Every acknowledged write is kept as an :class:`Ack` (which record, the version it was based on,
the values written) for the lost-update check in bench/load.py.
"""

from __future__ import annotations

import random
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Final, TypeVar

from ue_core.authz import Actor
from ue_core.db.engine import Database
from ue_core.db.models import EvidenceStrength
from ue_core.errors import ConflictError, InputError
from ue_core.framework import PRACTICE_AREA_LABELS
from ue_core.request_kinds import shipped_request_kinds
from ue_core.services import (
    accounts,
    agreeing,
    assessments,
    individual_ratings,
    reopening,
    results,
    sign_in_sessions,
    support,
)
from ue_core.services.assessments import Answer, AssessmentState, PracticeComparison
from ue_core.services.library import browse
from ue_core.services.requests import triage
from ue_core.vocabulary import RequestPriority, RequestStatus

T = TypeVar("T")

MEMBER: Final = "member"
LEAD: Final = "lead"
CONSULTANT: Final = "consultant"
CHAMPION: Final = "champion"

# Action names, as the tables show them.
SIGN_IN: Final = "sign in"
OPEN_ASSESSMENT: Final = "open self-assessment"
SAVE_RATING: Final = "save rating and evidence"
OPEN_AGREEING: Final = "open agreeing"
SAVE_AGREED: Final = "save agreed answer"
CHECK_ANSWERS: Final = "check answers"
SUBMIT: Final = "submit assessment"
REOPEN: Final = "reopen assessment"
READ_RESULTS: Final = "read results"
OPEN_QUEUE: Final = "open triage queue"
OPEN_REQUEST: Final = "open request"
CONFIRM_TRIAGE: Final = "confirm triage"
SEARCH_LIBRARY: Final = "search library"
OPEN_LIBRARY_ENTRY: Final = "open library entry"
ACTIONS: Final = (
    SIGN_IN,
    OPEN_ASSESSMENT,
    SAVE_RATING,
    OPEN_AGREEING,
    SAVE_AGREED,
    CHECK_ANSWERS,
    SUBMIT,
    REOPEN,
    READ_RESULTS,
    OPEN_QUEUE,
    OPEN_REQUEST,
    CONFIRM_TRIAGE,
    SEARCH_LIBRARY,
    OPEN_LIBRARY_ENTRY,
)
#: Actions that write: their latency is the "save" the targets speak of.
SAVES: Final = (SAVE_RATING, SAVE_AGREED, SUBMIT, REOPEN, CONFIRM_TRIAGE)

OK: Final = "ok"
CONFLICT: Final = "conflict"
REFUSED: Final = "refused"
ERROR: Final = "error"

#: The refusals a person may meet in the mix, each shown to them as this message says: a save
#: reaching an assessment another session has just submitted, and reopening an assessment
#: another session (the same lead in a second window) has just reopened.
EXPECTED_REFUSALS: Final = (
    "has been submitted, so it can no longer be changed",
    "is not submitted, so there is nothing to reopen",
)
LIBRARY_QUERIES: Final = (
    "",
    "survey",
    "user research",
    "feedback",
    "engagement",
    "consultation",
    "accessibility",
    "users",
    "workshop",
    "case study",
)
EVIDENCE: Final = (
    "Minutes of the user panel meeting",
    "Survey of users of the release, with the changes made",
    "Notes of interviews with analysts in local government",
    "Feedback log kept by the team, reviewed each quarter",
    "Published 'you said, we did' page",
)


@dataclass(frozen=True)
class Person:
    """One simulated person: what they do and whom they are signed in as."""

    index: int
    kind: str  # MEMBER, LEAD, CONSULTANT or CHAMPION
    email: str
    team_id: int | None = None
    assessment_id: int | None = None
    shares_identity: bool = False  # a second window (or demo visitor) as the same person


@dataclass(frozen=True)
class Ack:
    """An acknowledged write: the record, the version it was based on and the values written."""

    record: tuple[Any, ...]
    base_version: int
    new_version: int | None
    values: tuple[Any, ...]


@dataclass
class Report:
    """What one process's people did: timings, outcomes, acknowledged writes, error messages."""

    samples: list[tuple[str, float, str]] = field(default_factory=list)
    acks: list[Ack] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    refusals: Counter[str] = field(default_factory=Counter)
    conflicts_with_message: int = 0
    conflicts_with_saved_values: int = 0

    def merge(self, other: Report) -> None:
        self.samples.extend(other.samples)
        self.acks.extend(other.acks)
        self.errors.update(other.errors)
        self.refusals.update(other.refusals)
        self.conflicts_with_message += other.conflicts_with_message
        self.conflicts_with_saved_values += other.conflicts_with_saved_values


class _Outcome:
    def __init__(self, status: str, value: Any = None) -> None:
        self.status = status
        self.value = value

    @property
    def ok(self) -> bool:
        return self.status == OK


class _Client:
    """One person's client: times each call and sorts its outcome."""

    def __init__(
        self,
        db: Database,
        person: Person,
        report: Report,
        lock: threading.Lock,
        deadline: float,
        think: float,
        seed: int,
    ) -> None:
        self.db = db
        self.person = person
        self.report = report
        self.lock = lock
        self.deadline = deadline
        self.think_mean = think
        self.rng = random.Random(seed * 100_003 + person.index)
        self.today = date.today()
        self.actor: Actor | None = None
        self.writes = 0

    def running(self) -> bool:
        return time.monotonic() < self.deadline

    def think(self) -> None:
        pause = self.think_mean * self.rng.uniform(0.5, 1.5)
        time.sleep(max(0.0, min(pause, self.deadline - time.monotonic())))

    def call(self, action: str, work: Callable[[], T]) -> _Outcome:
        started = time.perf_counter()
        try:
            outcome = _Outcome(OK, work())
        except ConflictError as conflict:
            outcome = _Outcome(CONFLICT, conflict)
        except InputError as refusal:
            message = str(refusal)
            known = any(part in message for part in EXPECTED_REFUSALS)
            outcome = _Outcome(REFUSED if known else ERROR, refusal)
        except Exception as error:  # every other failure is an error of the run, counted
            outcome = _Outcome(ERROR, error)
        seconds = time.perf_counter() - started
        with self.lock:
            self.report.samples.append((action, seconds, outcome.status))
            value = outcome.value
            if outcome.status == CONFLICT and isinstance(value, ConflictError):
                self.report.conflicts_with_message += bool(str(value).strip())
                self.report.conflicts_with_saved_values += value.current is not None
            elif outcome.status == REFUSED:
                self.report.refusals[f"{action}: {value}"] += 1
            elif outcome.status == ERROR:
                self.report.errors[f"{action}: {type(value).__name__}: {str(value)[:200]}"] += 1
        return outcome

    def ack(self, ack: Ack) -> None:
        with self.lock:
            self.report.acks.append(ack)

    def sign_in(self) -> bool:
        def work() -> Actor:
            actor = accounts.actor_for_email(self.db, self.person.email)
            if actor is None:
                raise LookupError(f"No active demo person {self.person.email}")
            sign_in_sessions.start_session(self.db, actor, secrets.token_urlsafe(32))
            return actor

        outcome = self.call(SIGN_IN, work)
        self.actor = outcome.value if outcome.ok else None
        return self.actor is not None

    def evidence(self) -> str:
        self.writes += 1
        text = self.rng.choice(EVIDENCE)
        return f"{text} (person {self.person.index}, save {self.writes})"

    # Shared actions --------------------------------------------------------------------------

    def read_results(self) -> None:
        actor, team_id = self.actor, self.person.team_id
        if actor is None or team_id is None:
            return

        def work() -> int:
            headers = results.assessments_with_results(self.db, actor, team_id)
            if headers:
                results.assessment_scores(self.db, actor, headers[0].id, self.today)
            return len(headers)

        self.call(READ_RESULTS, work)

    def library(self) -> None:
        actor = self.actor
        if actor is None:
            return
        query = self.rng.choice(LIBRARY_QUERIES)
        found = self.call(SEARCH_LIBRARY, lambda: browse.search(self.db, actor, query))
        if found.ok and found.value and self.rng.random() < 0.5:
            self.think()
            row_id = self.rng.choice(found.value).row_id
            self.call(OPEN_LIBRARY_ENTRY, lambda: browse.get_item(self.db, actor, row_id))


# Team members ----------------------------------------------------------------------------------


def _member(client: _Client) -> None:
    actor, assessment_id = client.actor, client.person.assessment_id
    if actor is None or assessment_id is None:
        return
    rng = client.rng
    state: AssessmentState | None = None

    def open_assessment() -> AssessmentState | None:
        opened = client.call(
            OPEN_ASSESSMENT, lambda: assessments.load_state(client.db, actor, assessment_id)
        )
        return opened.value if opened.ok else None

    state = open_assessment()
    while client.running():
        client.think()
        if not client.running():
            break
        roll = rng.random()
        if state is None or state.summary.is_submitted or 0.55 <= roll < 0.7:
            state = open_assessment()
        elif roll < 0.55:
            state = _save_rating(client, actor, state) or open_assessment()
        elif roll < 0.85:
            client.read_results()
        else:
            client.library()


def _save_rating(client: _Client, actor: Actor, state: AssessmentState) -> AssessmentState | None:
    """Rate one practice; the state to go on with, or None to open the assessment again."""
    rng = client.rng
    practice = rng.choice(state.practices)
    saved = state.mine.get(practice.id)
    expected = saved.version if saved else None
    answer = Answer(
        level=rng.randint(1, 5),
        evidence=client.evidence(),
        evidence_date=client.today - timedelta(days=rng.randint(0, 300)),
        evidence_strength=rng.choice(list(EvidenceStrength)),
    )
    outcome = client.call(
        SAVE_RATING,
        lambda: individual_ratings.save_rating(
            client.db,
            actor,
            state.summary.id,
            practice.id,
            answer,
            expected_version=expected,
            today=client.today,
        ),
    )
    if not outcome.ok:
        return None
    state.mine[practice.id] = outcome.value
    client.ack(
        Ack(
            ("rating", state.summary.id, practice.id, actor.user_id),
            expected or 0,
            outcome.value.version,
            _answer_values(answer),
        )
    )
    return state


def _answer_values(answer: Answer) -> tuple[Any, ...]:
    strength = answer.evidence_strength.value if answer.evidence_strength else None
    return (answer.level, answer.evidence.strip(), answer.evidence_date, strength)


# Team leads ------------------------------------------------------------------------------------


def _lead(client: _Client) -> None:
    actor, assessment_id = client.actor, client.person.assessment_id
    if actor is None or assessment_id is None:
        return
    rng = client.rng
    agreed: dict[int, int | None] = {}  # practice id: version of the agreed answer seen
    submitted_version: int | None = None  # the version after this session submitted

    def open_agreeing() -> None:
        opened = client.call(
            OPEN_AGREEING,
            lambda: agreeing.compare_team_ratings(client.db, actor, assessment_id),
        )
        if opened.ok:
            comparisons: list[PracticeComparison] = opened.value
            agreed.clear()
            agreed.update(
                (c.practice.id, c.agreed.version if c.agreed else None) for c in comparisons
            )

    open_agreeing()
    while client.running():
        client.think()
        if not client.running():
            break
        if submitted_version is not None:
            _reopen(client, actor, assessment_id, submitted_version)
            submitted_version = None
            open_agreeing()
            continue
        missing = [pid for pid, version in agreed.items() if version is None]
        roll = rng.random()
        if not agreed:
            open_agreeing()
        elif roll < 0.5:
            practice_id = rng.choice(missing or list(agreed))
            version = _save_agreed(
                client, actor, assessment_id, practice_id, agreed.get(practice_id)
            )
            if version is None:
                open_agreeing()
                continue
            agreed[practice_id] = version
        elif roll < 0.65 and not missing:
            submitted_version = _submit(client, actor, assessment_id)
            if submitted_version is None:
                open_agreeing()
        elif roll < 0.8:
            open_agreeing()
        elif roll < 0.9:
            client.read_results()
        else:
            client.library()


def _save_agreed(
    client: _Client, actor: Actor, assessment_id: int, practice_id: int, expected: int | None
) -> int | None:
    """Save one agreed answer; its new version, or None if it was not saved."""
    rng = client.rng
    answer = Answer(
        level=rng.randint(1, 5),
        reason=f"Agreed at the team meeting (person {client.person.index})",
        evidence=client.evidence(),
        evidence_date=client.today - timedelta(days=rng.randint(0, 300)),
        evidence_strength=rng.choice(list(EvidenceStrength)),
    )
    outcome = client.call(
        SAVE_AGREED,
        lambda: agreeing.save_agreed(
            client.db,
            actor,
            assessment_id,
            practice_id,
            answer,
            expected_version=expected,
            today=client.today,
        ),
    )
    if not outcome.ok:
        return None
    version: int = outcome.value.version
    client.ack(
        Ack(
            ("agreed", assessment_id, practice_id),
            expected or 0,
            version,
            (*_answer_values(answer), answer.reason.strip()),
        )
    )
    return version


def _submit(client: _Client, actor: Actor, assessment_id: int) -> int | None:
    """Check the answers and submit; the assessment's version after submitting, or None."""
    checked = client.call(
        CHECK_ANSWERS, lambda: assessments.load_state(client.db, actor, assessment_id)
    )
    if not checked.ok or checked.value.summary.is_submitted:
        return None
    state: AssessmentState = checked.value
    if assessments.submission_problems(state):
        return None
    version = state.summary.version
    client.think()
    outcome = client.call(
        SUBMIT,
        lambda: assessments.submit(
            client.db,
            actor,
            assessment_id,
            expected_version=version,
            expected_answers=state.answers_fingerprint(),
        ),
    )
    if not outcome.ok:
        return None
    client.ack(Ack(("assessment", assessment_id), version, version + 1, ("submitted",)))
    return version + 1


def _reopen(client: _Client, actor: Actor, assessment_id: int, version: int) -> None:
    outcome = client.call(
        REOPEN,
        lambda: reopening.reopen(
            client.db,
            actor,
            assessment_id,
            reason="Reopened to correct an agreed answer",
            expected_version=version,
        ),
    )
    if outcome.ok:
        client.ack(Ack(("assessment", assessment_id), version, version + 1, ("draft",)))


# Hub consultants ---------------------------------------------------------------------------


def _consultant(client: _Client) -> None:
    actor = client.actor
    if actor is None:
        return

    def open_queue() -> support.RequestPage:
        support.count_by_status(client.db, actor)
        return support.search_queue(
            client.db, actor, (RequestStatus.NEW,), descending=False, page_size=25
        )

    while client.running():
        client.think()
        if not client.running():
            break
        if client.rng.random() < 0.1:
            client.library()
            continue
        queue = client.call(OPEN_QUEUE, open_queue)
        if queue.ok and queue.value.requests:
            _triage_one(client, actor, client.rng.choice(queue.value.requests[:5]))


def _triage_one(client: _Client, actor: Actor, request: support.RequestView) -> None:
    """Open one request from the queue and confirm its triage against the version read."""
    rng = client.rng
    client.think()

    def open_request() -> list[support.Consultant]:
        triage.confirmed_triage(client.db, actor, request.id)
        return support.consultants(client.db, actor)

    people = client.call(OPEN_REQUEST, open_request)
    if not people.ok or not client.running():
        return
    client.think()
    areas = sorted(rng.sample([str(area) for area in PRACTICE_AREA_LABELS], rng.randint(1, 2)))
    kind = rng.choice([kind.key for kind in shipped_request_kinds().kinds])
    priority = rng.choice(list(RequestPriority)).value
    assignee = rng.choice([None, *(c.user_id for c in people.value)])
    outcome = client.call(
        CONFIRM_TRIAGE,
        lambda: triage.confirm_triage(
            client.db, actor, request.id, areas, kind, priority, assignee, request.version
        ),
    )
    if outcome.ok:
        client.ack(
            Ack(
                ("triage", request.id),
                request.version,
                None,
                (kind, priority, assignee, tuple(areas)),
            )
        )


# Champions ---------------------------------------------------------------------------------


def _champion(client: _Client) -> None:
    while client.running():
        client.think()
        if client.running():
            client.library()


_LOOPS: Final[dict[str, Callable[[_Client], None]]] = {
    MEMBER: _member,
    LEAD: _lead,
    CONSULTANT: _consultant,
    CHAMPION: _champion,
}


def run_people(
    db: Database,
    people: list[Person],
    *,
    duration: float,
    think: float,
    seed: int,
    start: float | None = None,
) -> Report:
    """Run ``people`` as threads for ``duration`` seconds from ``start`` (a monotonic time,
    default now); each starts within its first think time, so they do not all start at once."""
    report = Report()
    lock = threading.Lock()
    begin = time.monotonic() if start is None else start
    deadline = begin + duration

    def live(person: Person) -> None:
        client = _Client(db, person, report, lock, deadline, think, seed)
        time.sleep(max(0.0, begin - time.monotonic()) + client.rng.uniform(0, think))
        if client.running() and client.sign_in():
            _LOOPS[person.kind](client)

    threads = [
        threading.Thread(target=live, args=(person,), name=f"person-{person.index}", daemon=True)
        for person in people
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return report
