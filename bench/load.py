"""Load: N people at once on PostgreSQL through the service layer, and a browser-level run.

``python -m bench --only load`` (or ``make bench-load``, or ``python -m bench.load`` with
options) does, on the local PostgreSQL server only (``UE_TEST_POSTGRES_URL``, default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``):

1. makes a fresh database ``ue_load_<pid>_seed``, migrates it and fills it with the
   ``--scale large`` demo data (about 660 teams, 200 of them with a draft assessment this
   round, 5,000 support requests);
2. for each N (10, 50 and 200 people): copies the seeded database (``CREATE DATABASE ...
   TEMPLATE``), runs N simulated people (bench/load_people.py) for ``--seconds`` (60), then
   checks the database for lost updates and drops the copy;
3. the browser-level run (bench/load_browser.py): two Streamlit servers on one more copy and K
   Chromium sessions split across them, each doing a short journey;
4. drops every database it made, prints the tables and writes ``load`` in bench/results.json.

People are threads in two worker processes (``--processes``): one process's threads share one
interpreter lock, and the machine has two cores. Each process has its own connection pool
(``UE_DATABASE_POOL_SIZE`` / ``UE_DATABASE_MAX_OVERFLOW`` via ``Database(pool_size=...)``).

Lost updates: every acknowledged save is kept by the client with the record, the version it was
based on and the values written. At the end, for each record, the acknowledged save based on
the newest version must be what the database holds, and no two acknowledged saves may be based
on the same version (one of them would have overwritten the other unseen). Anything else is a
lost update. ``--smoke`` is a short run (5 s at N = 2 and 10, small demo data, 2 browsers
for 15 s) that writes no figures.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from bench.load_people import (
    ACTIONS,
    CHAMPION,
    CONFLICT,
    CONSULTANT,
    ERROR,
    LEAD,
    MEMBER,
    OK,
    REFUSED,
    SAVE_RATING,
    SAVES,
    Ack,
    Person,
    Report,
    run_people,
)
from bench.report import RESULTS_PATH, Column, median, percentile, print_table, say
from ue_core.authz import SYSTEM, Actor
from ue_core.db.engine import Database
from ue_core.db.migrate import upgrade
from ue_core.db.models import (
    AgreedRating,
    Assessment,
    AssessmentStatus,
    Membership,
    Organisation,
    Rating,
    RequestPracticeArea,
    Role,
    Round,
    SupportRequest,
    Team,
    User,
)
from ue_core.demo.generator import generate
from ue_core.personas import DEMO_ORGANISATION, DEMO_TEAM, PERSONAS
from ue_core.services import accounts, agreeing, assessments, starting, support
from ue_core.services.assessments import Answer
from ue_core.services.library import browse
from ue_core.vocabulary import RequestStatus

DEFAULT_POSTGRES_URL: Final = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PEOPLE: Final = (10, 50, 200)
SECONDS: Final = 60.0
#: Mean seconds a person thinks between actions (each pause is 0.5 to 1.5 times it): brisk,
#: so N simulated people load the service more than N real people would.
THINK_SECONDS: Final = 2.0
PROCESSES: Final = 2
POOL_SIZE: Final = 10  # per process: 2 processes and 2 app servers stay well under 100
MAX_OVERFLOW: Final = 5
#: The issue's targets.
SAVE_P95_TARGET_MS: Final = 250.0
SAVE_P95_TARGET_PEOPLE: Final = 50
#: Twenty places, repeated: 11 members, 4 leads, 2 consultants and 3 champions in every 20.
MIX: Final = (
    MEMBER,
    LEAD,
    MEMBER,
    CONSULTANT,
    MEMBER,
    CHAMPION,
    MEMBER,
    LEAD,
    MEMBER,
    MEMBER,
    CHAMPION,
    MEMBER,
    LEAD,
    CONSULTANT,
    MEMBER,
    MEMBER,
    LEAD,
    CHAMPION,
    MEMBER,
    MEMBER,
)
#: Leads of every other team (not the personas') start with all but this many practices agreed,
#: so some submit within the run.
LEFT_TO_AGREE: Final = 2

ACTION_COLUMNS: Final = (
    Column("people", "N", "right"),
    Column("action", "Action"),
    Column("count", "Calls", "right"),
    Column("per_second", "Per s", "right", ".1f"),
    Column("median_ms", "Median ms", "right", ".1f"),
    Column("p95_ms", "p95 ms", "right", ".1f"),
    Column("conflicts", "Conflicts", "right"),
    Column("refused", "Refused", "right"),
    Column("errors", "Errors", "right"),
)
RUN_COLUMNS: Final = (
    Column("people", "N", "right"),
    Column("actions", "Actions", "right"),
    Column("per_second", "Per s", "right", ".1f"),
    Column("save_median_ms", "Save median ms", "right", ".1f"),
    Column("save_p95_ms", "Save p95 ms", "right", ".1f"),
    Column("conflicts", "Conflicts", "right"),
    Column("refused", "Refused", "right"),
    Column("errors", "Errors", "right"),
    Column("acknowledged_writes", "Acked writes", "right"),
    Column("lost_updates", "Lost updates", "right"),
    Column("load_before", "Load average", "right"),
)


class LoadBenchError(Exception):
    """The load benchmark could not run; the message says why."""


# --- Databases ------------------------------------------------------------------------------


def _server_url(base_url: str, database: str) -> str:
    url = make_url(base_url).set(database=database)
    if url.get_backend_name() != "postgresql":
        raise LoadBenchError("The load benchmark needs a PostgreSQL URL.")
    if url.host not in (None, "127.0.0.1", "localhost", "::1"):
        raise LoadBenchError(f"The load benchmark runs on this machine only, not on {url.host}.")
    return url.render_as_string(hide_password=False)


class Databases:
    """The benchmark's own databases on the local server, all dropped by ``drop_all``."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.prefix = f"ue_load_{os.getpid()}"
        self.made: list[str] = []
        self._admin = create_engine(
            _server_url(base_url, make_url(base_url).database or "postgres"),
            isolation_level="AUTOCOMMIT",
            pool_size=1,
            max_overflow=0,
        )

    def create(self, suffix: str, template: str | None = None) -> str:
        name = f"{self.prefix}_{suffix}"
        copy = f' TEMPLATE "{self.prefix}_{template}"' if template else ""
        with self._admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))
        self.made.append(name)
        return _server_url(self.base_url, name)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        with self._admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if name in self.made:
            self.made.remove(str(name))

    def drop_all(self) -> None:
        for name in list(self.made):
            self.drop(_server_url(self.base_url, name))
        self._admin.dispose()


def seed(url: str, scale: str) -> float:
    """Migrate the database at ``url`` and fill it with demo data; the seconds it took."""
    started = time.perf_counter()
    upgrade(url)
    db = Database(url)
    try:
        generate(db, scale=scale)
    finally:
        db.dispose()
    return time.perf_counter() - started


# --- Who the people are ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Team:
    id: int
    assessment_id: int
    lead: str
    members: tuple[str, ...]


def _persona(role: Role, number: int = 0) -> str:
    return [p.email for p in PERSONAS if p.role is role][number]


def _persona_team(db: Database, today: date) -> _Team:
    """The personas' team, with this round's assessment started by Jo Williams if need be."""
    lead = accounts.actor_for_email(db, _persona(Role.LEAD))
    if lead is None:
        raise LoadBenchError("The demo personas are missing: is the database seeded?")
    with db.read() as session:
        team_id = session.scalar(
            select(Team.id)
            .join(Organisation, Team.organisation_id == Organisation.id)
            .where(Team.name == DEMO_TEAM, Organisation.name == DEMO_ORGANISATION)
        )
    if team_id is None:
        raise LoadBenchError("The personas' team is missing from the demo data.")
    assessment_id = assessments.current_assessment_id(db, lead, team_id, today)
    if assessment_id is None:
        assessment_id = starting.start_assessment(db, lead, team_id, today)
    return _Team(team_id, assessment_id, lead.email, (_persona(Role.MEMBER, 0),))


def _draft_teams(db: Database, today: date, skip_team: int) -> list[_Team]:
    """Teams with a draft assessment this round, in id order, with their lead and members."""
    with db.read() as session:
        rows = session.execute(
            select(Team.id, Assessment.id, Membership.role, User.email)
            .join(Assessment, Assessment.team_id == Team.id)
            .join(Round, Assessment.round_id == Round.id)
            .join(Membership, Membership.team_id == Team.id)
            .join(User, Membership.user_id == User.id)
            .where(
                Round.starts_on <= today,
                Round.ends_on >= today,
                Assessment.status == AssessmentStatus.DRAFT.value,
                Team.id != skip_team,
                User.is_active.is_(True),
            )
            .order_by(Team.id, User.id)
        ).all()
    leads: dict[tuple[int, int], str] = {}
    members: dict[tuple[int, int], list[str]] = defaultdict(list)
    for team_id, assessment_id, role, email in rows:
        if role == Role.LEAD.value:
            leads.setdefault((team_id, assessment_id), email)
        elif role == Role.MEMBER.value:
            members[(team_id, assessment_id)].append(email)
    return [_Team(t, a, lead, tuple(members[(t, a)])) for (t, a), lead in leads.items()]


def _emails(db: Database, role: Role) -> list[str]:
    with db.read() as session:
        return list(
            session.scalars(
                select(User.email)
                .join(Membership, Membership.user_id == User.id)
                .where(Membership.role == role.value, User.is_active.is_(True))
                .order_by(User.id)
            )
        )


def plan_people(db: Database, count: int, today: date | None = None) -> list[Person]:
    """``count`` people in the mix of :data:`MIX`, signed in as demo people.

    A few share an identity, as two windows of one person (or two visitors choosing the same
    demo persona) would: the second of each pair sees the first's saves as conflicts. They
    are Sam Patel and Jo Williams of the personas' team (a second session each), and, once
    there are more than three, the three demo consultants.
    """
    today = today or date.today()
    kinds = [MIX[i % len(MIX)] for i in range(count)]
    personas = _persona_team(db, today)
    teams = _draft_teams(db, today, personas.id)
    sam, alex = _persona(Role.MEMBER, 0), _persona(Role.MEMBER, 1)
    lead_slots: list[tuple[str, _Team, bool]] = [
        (personas.lead, personas, False),
        *((team.lead, team, False) for team in teams[:1]),
        (personas.lead, personas, True),
        *((team.lead, team, False) for team in teams[1:]),
    ]
    member_slots: list[tuple[str, _Team, bool]] = [
        (sam, personas, False),
        (alex, personas, False),
        (sam, personas, True),
        *((email, team, False) for team in teams for email in team.members),
    ]
    consultants = _emails(db, Role.CONSULTANT)
    champions = _emails(db, Role.CHAMPION)
    champions.insert(0, champions.pop(champions.index(_persona(Role.CHAMPION))))
    taken: Counter[str] = Counter()
    people: list[Person] = []
    for index, kind in enumerate(kinds):
        if kind in (MEMBER, LEAD):
            slots = member_slots if kind == MEMBER else lead_slots
            if taken[kind] >= len(slots):
                raise LoadBenchError(f"The demo data has too few teams for {count} people.")
            email, team, shared = slots[taken[kind]]
            people.append(Person(index, kind, email, team.id, team.assessment_id, shared))
        else:
            pool = consultants if kind == CONSULTANT else champions
            number = taken[kind]
            email = pool[number % len(pool)]
            people.append(Person(index, kind, email, shares_identity=number >= len(pool)))
        taken[kind] += 1
    return people


def prepare(db: Database, people: Sequence[Person], today: date | None = None) -> int:
    """Before the run: agree all but a few practices for every other lead's team (not the
    personas'), so some leads submit within the run; warm the library catalogue. Returns how
    many agreed answers were saved."""
    today = today or date.today()
    leads = [p for p in people if p.kind == LEAD and not p.shares_identity]
    saved = 0
    for number, person in enumerate(leads):
        if number % 2 == 0 or person.assessment_id is None:
            continue
        actor = accounts.actor_for_email(db, person.email)
        if actor is None:
            continue
        saved += _agree_most(db, actor, person.assessment_id, today)
    browse.search(db, SYSTEM, "")
    return saved


def _agree_most(db: Database, actor: Actor, assessment_id: int, today: date) -> int:
    comparisons = agreeing.compare_team_ratings(db, actor, assessment_id)
    missing = [c for c in comparisons if c.agreed is None][LEFT_TO_AGREE:]
    for comparison in missing:
        agreeing.save_agreed(
            db,
            actor,
            assessment_id,
            comparison.practice.id,
            Answer(level=3, reason="Agreed before the load run"),
            expected_version=None,
            today=today,
        )
    return len(missing)


# --- Lost updates ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LostUpdates:
    records: int
    acknowledged: int
    lost: int
    unacknowledged_versions: int  # a row's version beyond its last acknowledged save
    examples: tuple[str, ...]


def _database_values(db: Database, acks: Sequence[Ack]) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """The values (and version, last) the database holds for every record acknowledged."""
    found: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    values: tuple[Any, ...]
    assessment_ids = {a.record[1] for a in acks if a.record[0] in ("rating", "agreed")}
    request_ids = {a.record[1] for a in acks if a.record[0] == "triage"}
    statuses = {a.record[1] for a in acks if a.record[0] == "assessment"}
    with db.read() as session:
        for r in session.scalars(select(Rating).where(Rating.assessment_id.in_(assessment_ids))):
            values = (r.level, r.evidence, r.evidence_date, r.evidence_strength)
            found[("rating", r.assessment_id, r.practice_id, r.user_id)] = (*values, r.version)
        for g in session.scalars(
            select(AgreedRating).where(AgreedRating.assessment_id.in_(assessment_ids))
        ):
            values = (g.level, g.evidence, g.evidence_date, g.evidence_strength, g.note)
            found[("agreed", g.assessment_id, g.practice_id)] = (*values, g.version)
        areas: dict[int, list[str]] = defaultdict(list)
        for request_id, area in session.execute(
            select(RequestPracticeArea.request_id, RequestPracticeArea.area).where(
                RequestPracticeArea.request_id.in_(request_ids)
            )
        ):
            areas[request_id].append(area)
        for q in session.scalars(select(SupportRequest).where(SupportRequest.id.in_(request_ids))):
            values = (q.kind, q.priority, q.assignee_id, tuple(sorted(areas[q.id])))
            found[("triage", q.id)] = (*values, q.version)
        for a in session.scalars(select(Assessment).where(Assessment.id.in_(statuses))):
            found[("assessment", a.id)] = (a.status, a.version)
    return found


def check_lost_updates(db: Database, acks: Sequence[Ack]) -> LostUpdates:
    """Each acknowledged save is in the database or superseded by a later acknowledged save."""
    by_record: dict[tuple[Any, ...], list[Ack]] = defaultdict(list)
    for ack in acks:
        by_record[ack.record].append(ack)
    held = _database_values(db, acks)
    lost = unacknowledged = 0
    examples: list[str] = []
    for record, saves in by_record.items():
        bases = Counter(save.base_version for save in saves)
        # Two saves based on one version: both passed the version check, one overwrote the other.
        doubled = sum(n - 1 for n in bases.values() if n > 1)
        last = max(saves, key=lambda save: save.base_version)
        row = held.get(record)
        if row is None or tuple(row[:-1]) != last.values:
            doubled += 1
            if len(examples) < 5:
                examples.append(f"{record}: acknowledged {last.values}, database {row}")
        lost += doubled
        if row is not None and last.new_version is not None and row[-1] != last.new_version:
            unacknowledged += 1
    return LostUpdates(len(by_record), len(acks), lost, unacknowledged, tuple(examples))


# --- Running one N --------------------------------------------------------------------------


def _process_main(
    url: str,
    people: list[Person],
    duration: float,
    think: float,
    seed: int,
    pool_size: int,
    ready: Any,
    go: Any,
) -> Report:
    """One worker process: its own pool, then its people's threads once every process is ready."""
    db = Database(url, pool_size=pool_size, max_overflow=MAX_OVERFLOW)
    try:
        warm_up(db, people)
        ready.put(len(people))
        go.wait()
        return run_people(db, people, duration=duration, think=think, seed=seed)
    finally:
        db.dispose()


def warm_up(db: Database, people: Sequence[Person]) -> None:
    """One untimed read of each kind, so the process's caches (the library catalogue, the
    framework, the request kinds) are built before the clock starts, as in a running app."""
    browse.search(db, SYSTEM, "")
    support.search_queue(db, SYSTEM, (RequestStatus.NEW,), descending=False)
    for person in people:
        if person.assessment_id is not None:
            assessments.load_state(db, SYSTEM, person.assessment_id)
            break


def run_people_in_processes(
    url: str,
    people: list[Person],
    *,
    duration: float,
    think: float,
    processes: int,
    seed: int = 2021,
) -> Report:
    """Run ``people`` for ``duration`` seconds: threads here (``processes`` 1) or spread over
    ``processes`` worker processes started together."""
    if processes <= 1:
        db = Database(url, pool_size=min(POOL_SIZE, max(1, len(people))), max_overflow=MAX_OVERFLOW)
        try:
            warm_up(db, people)
            return run_people(db, people, duration=duration, think=think, seed=seed)
        finally:
            db.dispose()
    context = multiprocessing.get_context("spawn")
    groups = [people[i::processes] for i in range(processes)]
    groups = [group for group in groups if group]
    report = Report()
    with context.Manager() as manager, ProcessPoolExecutor(len(groups), context) as pool:
        ready, go = manager.Queue(), manager.Event()
        futures = [
            pool.submit(
                _process_main,
                url,
                group,
                duration,
                think,
                seed,
                min(POOL_SIZE, len(group)),
                ready,
                go,
            )
            for group in groups
        ]
        for _ in groups:
            ready.get(timeout=300)
        go.set()
        for future in futures:
            report.merge(future.result())
    return report


def _load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


def _stats(seconds: Sequence[float]) -> tuple[float | None, float | None]:
    if not seconds:
        return None, None
    return round(median(seconds) * 1000, 1), round(percentile(seconds, 95) * 1000, 1)


def summarise(
    people: int, duration: float, report: Report, lost: LostUpdates, load_before: str
) -> dict[str, Any]:
    """The figures of one run: per action and overall."""
    actions: list[dict[str, Any]] = []
    for action in ACTIONS:
        samples = [s for s in report.samples if s[0] == action]
        if not samples:
            continue
        outcomes = Counter(s[2] for s in samples)
        timed = [s[1] for s in samples if s[2] != ERROR]
        middle, p95 = _stats(timed)
        actions.append(
            {
                "people": people,
                "action": action,
                "count": len(samples),
                "per_second": round(len(samples) / duration, 2),
                "median_ms": middle,
                "p95_ms": p95,
                "ok": outcomes[OK],
                "conflicts": outcomes[CONFLICT],
                "refused": outcomes[REFUSED],
                "errors": outcomes[ERROR],
            }
        )
    outcomes = Counter(s[2] for s in report.samples)
    saves = [s[1] for s in report.samples if s[0] in SAVES and s[2] != ERROR]
    ratings = [s[1] for s in report.samples if s[0] == SAVE_RATING and s[2] != ERROR]
    save_median, save_p95 = _stats(saves)
    rating_median, rating_p95 = _stats(ratings)
    return {
        "people": people,
        "seconds": duration,
        "actions": len(report.samples),
        "per_second": round(len(report.samples) / duration, 2),
        "save_median_ms": save_median,
        "save_p95_ms": save_p95,
        "save_rating_median_ms": rating_median,
        "save_rating_p95_ms": rating_p95,
        "conflicts": outcomes[CONFLICT],
        "conflicts_shown_with_message": report.conflicts_with_message,
        "conflicts_shown_with_saved_values": report.conflicts_with_saved_values,
        "refused": outcomes[REFUSED],
        "refusals": dict(report.refusals.most_common(5)),
        "errors": outcomes[ERROR],
        "error_messages": dict(report.errors.most_common(5)),
        "acknowledged_writes": lost.acknowledged,
        "records_written": lost.records,
        "lost_updates": lost.lost,
        "unacknowledged_versions": lost.unacknowledged_versions,
        "lost_update_examples": list(lost.examples),
        "load_before": load_before,
        "load_after": _load_average(),
        "by_action": actions,
    }


def run_level(
    databases: Databases,
    people_count: int,
    *,
    duration: float,
    think: float,
    processes: int,
) -> dict[str, Any]:
    """One N: a fresh copy of the seeded database, the people, the lost-update check."""
    url = databases.create(f"n{people_count}", template="seed")
    db = Database(url, pool_size=2, max_overflow=2)
    try:
        people = plan_people(db, people_count)
        prepared = prepare(db, people)
        load_before = _load_average()
        say(
            f"N = {people_count}: {Counter(p.kind for p in people)}; {prepared} agreed answers "
            f"saved beforehand; running {duration:.0f} s (load average {load_before})"
        )
        report = run_people_in_processes(
            url, people, duration=duration, think=think, processes=processes
        )
        lost = check_lost_updates(db, report.acks)
    finally:
        db.dispose()
        databases.drop(url)
    section = summarise(people_count, duration, report, lost, load_before)
    section["shared_identities"] = sum(p.shares_identity for p in people)
    section["kinds"] = dict(Counter(p.kind for p in people))
    return section


# --- The whole benchmark --------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--seconds", type=float, default=SECONDS, help="per N (default 60)")
    parser.add_argument(
        "--people",
        default=",".join(map(str, PEOPLE)),
        help="comma-separated numbers of people (default 10,50,200)",
    )
    parser.add_argument("--think", type=float, default=THINK_SECONDS, help="mean think time, s")
    parser.add_argument("--processes", type=int, default=PROCESSES, help="worker processes")
    parser.add_argument("--scale", choices=("small", "large"), default="large")
    parser.add_argument("--browsers", type=int, default=5, help="Chromium sessions (0: none)")
    parser.add_argument("--browser-seconds", type=float, default=SECONDS)
    parser.add_argument("--postgres-url", default=None, help="the local server to use")
    parser.add_argument("--smoke", action="store_true", help="a short run; no figures written")
    parser.add_argument("--results", type=Path, default=RESULTS_PATH)
    parser.add_argument(
        "--readme",
        action="store_true",
        help="only write the tables of the last run (results.json) into bench/README.md",
    )
    return parser


README_PATH: Final = Path(__file__).resolve().parent / "README.md"
TABLE_START: Final = "<!-- load table: start -->"
TABLE_END: Final = "<!-- load table: end -->"


def readme_tables(section: dict[str, Any]) -> str:
    """The tables of a ``load`` section, as bench/README.md shows them."""
    from bench import load_browser
    from bench.report import format_table

    levels = section["levels"]
    parts = [
        format_table(levels, RUN_COLUMNS),
        format_table([row for level in levels for row in level["by_action"]], ACTION_COLUMNS),
    ]
    browser = section.get("browser")
    if browser:
        parts.append(
            f"Browser-level: {browser['sessions']} Chromium sessions on {browser['servers']} "
            f"app servers for {browser['seconds']:.0f} s, {browser['journeys_completed']} "
            f"journeys completed (load average {browser['load_before']})\n\n"
            + format_table(browser["steps"], load_browser.STEP_COLUMNS)
        )
    measured = section.get("measured_at", "")
    return f"Measured {measured}.\n\n```text\n" + "\n\n".join(parts) + "\n```\n"


def update_readme(section: dict[str, Any], path: Path = README_PATH) -> bool:
    text = path.read_text(encoding="utf-8")
    start, end = text.find(TABLE_START), text.find(TABLE_END)
    if start < 0 or end < start:
        return False
    block = f"{TABLE_START}\n{readme_tables(section)}"
    path.write_text(text[:start] + block + text[end:], encoding="utf-8")
    return True


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.readme:
        from bench.report import load_results

        return 0 if update_readme(load_results(args.results)["load"]) else 1
    if args.smoke:
        args.seconds, args.scale = 5.0, "small"
        args.people = "2,10" if args.people == ",".join(map(str, PEOPLE)) else args.people
        args.browsers, args.browser_seconds = min(args.browsers, 2), 15.0
    counts = [int(part) for part in str(args.people).split(",") if part.strip()]
    base = args.postgres_url or os.environ.get("UE_TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL
    from bench import load_browser

    databases = Databases(base)
    started = time.perf_counter()
    try:
        seed_url = databases.create("seed")
        say(f"Seeding a {args.scale} demo database (load average {_load_average()})")
        seed_seconds = seed(seed_url, args.scale)
        say(f"Seeded in {seed_seconds:.1f} s")
        levels = [
            run_level(
                databases,
                count,
                duration=args.seconds,
                think=args.think,
                processes=args.processes,
            )
            for count in counts
        ]
        browser: dict[str, Any] | None = None
        if args.browsers > 0:
            url = databases.create("browser", template="seed")
            browser = load_browser.run(url, sessions=args.browsers, duration=args.browser_seconds)
            databases.drop(url)
    except LoadBenchError as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        databases.drop_all()
    total = time.perf_counter() - started
    return report_figures(args, levels, browser, seed_seconds, total)


def report_figures(
    args: argparse.Namespace,
    levels: list[dict[str, Any]],
    browser: dict[str, Any] | None,
    seed_seconds: float,
    total: float,
) -> int:
    from bench import load_browser
    from bench.report import merge_results

    print(
        f"\nLoad: service layer on PostgreSQL, {args.seconds:.0f} s per N, "
        f"think time {args.think:.1f} s on average, {args.processes} processes\n"
    )
    print_table([row for level in levels for row in level["by_action"]], ACTION_COLUMNS)
    print()
    print_table(levels, RUN_COLUMNS)
    if browser is not None:
        print(f"\nBrowser-level: {browser['sessions']} Chromium sessions, two app servers\n")
        print_table(browser["steps"], load_browser.STEP_COLUMNS)
    target_level = next((lv for lv in levels if lv["people"] == SAVE_P95_TARGET_PEOPLE), None)
    largest = max(levels, key=lambda level: level["people"]) if levels else None
    targets = {
        "no_errors_and_no_lost_updates_at_largest_n": bool(
            largest and largest["errors"] == 0 and largest["lost_updates"] == 0
        ),
        "save_p95_under_250_ms_at_50": bool(
            target_level
            and target_level["save_p95_ms"] is not None
            and target_level["save_p95_ms"] < SAVE_P95_TARGET_MS
        ),
    }
    section = {
        "method": (
            f"{args.scale} demo data on a fresh local PostgreSQL database per N (a copy of one "
            f"seeded database); N people as threads in {args.processes} processes, each "
            "signed in as a demo person, working through the service layer with a think time "
            f"of {args.think:.1f} s on average (0.5 to 1.5 times it); {args.seconds:.0f} s "
            "per N; lost updates checked against the database after each run"
        ),
        "seed_seconds": round(seed_seconds, 1),
        "total_seconds": round(total, 1),
        "pool": {"pool_size_per_process": POOL_SIZE, "max_overflow": MAX_OVERFLOW},
        "levels": levels,
        "browser": browser,
        "targets": targets,
    }
    for level in levels:
        for message, times in {**level["error_messages"], **level["refusals"]}.items():
            say(f"N = {level['people']}: {times} x {message}")
        for example in level["lost_update_examples"]:
            say(f"N = {level['people']}: lost update {example}")
    if browser is not None:
        for message, times in browser["error_messages"].items():
            say(f"Browser: {times} x {message}")
    if args.smoke:
        say("Smoke run: no figures written.")
    else:
        document = merge_results("load", section, args.results)
        if args.results == RESULTS_PATH:
            update_readme(document["load"])
        say(f"Load figures written to {args.results}")
    errors = sum(level["errors"] + level["lost_updates"] for level in levels)
    return 0 if errors == 0 and (browser is None or browser["errors"] == 0) else 1


if __name__ == "__main__":
    raise SystemExit(main())
