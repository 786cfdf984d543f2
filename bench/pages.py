"""Page latency: how long each page takes to run, as each demo role, against the large database.

Every screen in ``ui.navigation.SCREENS`` is measured for every demo role allowed to see it,
so a page added to the registry is benchmarked without changing this file. A page is run the
way a person meets it: Streamlit's AppTest runs the router ``app.py`` with the persona signed
in and the page selected (``switch_page``), so each figure includes the sign-in check and the
menu, as a real click does.

Caches (``st.cache_resource`` and ``st.cache_data``) are cleared before each page and role but
not between its repeats, so the first run is a cold first visit and the later runs are warm
reruns, like a person clicking around. The figure reported is the median of all runs.

The same measurement of an empty Streamlit page (``st.write("")``) in the same process gives
the baseline: the ratio page/empty says how much slower a page is than Streamlit's own
overhead on this machine, which makes figures from different machines comparable.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import streamlit as st
import streamlit.logger
from streamlit import config as streamlit_config
from streamlit.testing.v1 import AppTest

from bench.report import Column, median, percentile, ratio, say
from ue_core.authz import ROLE_LABELS, Actor
from ue_core.db.engine import Database
from ue_core.db.models import Role
from ue_core.personas import PERSONAS, Persona
from ue_core.services import accounts
from ui.auth import EMAIL_KEY
from ui.navigation import SCREENS, Screen

REPO = Path(__file__).resolve().parents[1]
ROUTER = REPO / "app.py"
EMPTY_PAGE = 'import streamlit as st\n\nst.write("")\n'
DEFAULT_REPEATS = 5
#: Issue 13, item 3: every page's warm rerun under 150 ms at the large scale.
WARM_TARGET_MS = 150
TIMEOUT_SECONDS = 120
#: How long the untimed warm-up run of ``--warm-up`` may take (a cold triage page at the large
#: scale embeds every request and fits the routers first: minutes on this machine).
WARM_UP_TIMEOUT_SECONDS = 1800
_ERROR_LOGGER = "streamlit.error_util"
#: How the worker of ``--compare-with`` marks its answers (``bench.page_worker.MARK``).
WORKER_MARK = "@@bench-worker "

TABLE_COLUMNS = (
    Column("title", "Page"),
    Column("role_label", "Role"),
    Column("median_ms", "Median ms", "right", ",.0f"),
    Column("warm_p90_ms", "Warm P90 ms", "right", ",.0f"),
    Column("first_run_ms", "First run ms", "right", ",.0f"),
    Column("ratio_to_empty", "x empty", "right", ",.1f"),
    Column("status", "Status"),
)


#: The table of a run with ``--compare-with``: the code before and this code side by side.
COMPARE_COLUMNS = (
    Column("title", "Page"),
    Column("role_label", "Role"),
    Column("before_warm_median_ms", "Before warm", "right", ",.0f"),
    Column("warm_median_ms", "After warm", "right", ",.0f"),
    Column("before_warm_p90_ms", "Before P90", "right", ",.0f"),
    Column("warm_p90_ms", "After P90", "right", ",.0f"),
    Column("before_warm_best_ms", "Before best", "right", ",.0f"),
    Column("warm_best_ms", "After best", "right", ",.0f"),
    Column("status", "Status"),
)


def table_columns(section: Mapping[str, Any]) -> tuple[Column, ...]:
    """The columns for a stored ``page_latency`` section: side by side if it compared."""
    return COMPARE_COLUMNS if "compared_with" in section else TABLE_COLUMNS


class PageBenchError(Exception):
    """The page benchmark cannot run; the message says why."""


@dataclass
class Measurement:
    """Wall times of ``AppTest.run()`` for one page (or the empty page) and what went wrong.

    ``sessions`` holds one list of run times per fresh AppTest session: its first run is a
    cold first visit, the rest are warm reruns.
    """

    sessions: list[list[float]] = field(default_factory=list)
    error: str | None = None
    timed_out: bool = False
    shown_errors: list[str] = field(default_factory=list)

    @property
    def runs_ms(self) -> list[float]:
        return [run for session in self.sessions for run in session]

    @property
    def warm_ms(self) -> list[float]:
        return [run for session in self.sessions for run in session[1:]]

    @property
    def median_ms(self) -> float | None:
        runs = self.runs_ms
        return median(runs) if runs else None

    @property
    def warm_median_ms(self) -> float | None:
        """Median of the warm reruns (every run after a session's first)."""
        warm = self.warm_ms
        return median(warm) if warm else None

    @property
    def warm_best_ms(self) -> float | None:
        """The fastest warm rerun: the page's own cost with the least disturbance."""
        warm = self.warm_ms
        return min(warm) if warm else None

    @property
    def warm_p90_ms(self) -> float | None:
        """90th percentile of the warm reruns (every run after a session's first)."""
        warm = self.warm_ms
        return percentile(warm, 90) if warm else None

    @property
    def first_run_ms(self) -> float | None:
        first = [session[0] for session in self.sessions if session]
        return first[0] if first else None

    @property
    def status(self) -> str:
        if self.timed_out:
            return f"error: timed out after {TIMEOUT_SECONDS} s"
        if self.error:
            return f"error: {_shorten(self.error)}"
        if self.shown_errors:
            return f"ok, shows: {_shorten(self.shown_errors[0])}"
        return "ok"

    def merge(self, other: Measurement) -> Measurement:
        return Measurement(
            sessions=[*self.sessions, *other.sessions],
            error=self.error or other.error,
            timed_out=self.timed_out or other.timed_out,
            shown_errors=[*self.shown_errors, *other.shown_errors],
        )


@dataclass(frozen=True)
class PageResult:
    screen: Screen
    role: Role
    persona: Persona
    measurement: Measurement
    #: The same page measured on the code before (``--compare-with``), in turn with this one.
    before: Measurement | None = None

    def row(self, empty_median_ms: float) -> dict[str, Any]:
        m = self.measurement
        page_median = m.median_ms
        row: dict[str, Any] = {
            "page": self.screen.key,
            "title": self.screen.title,
            "path": self.screen.path,
            "role": self.role.value,
            "role_label": ROLE_LABELS[self.role],
            "persona": self.persona.email,
            "median_ms": _round(page_median),
            "warm_p90_ms": _round(m.warm_p90_ms),
            "first_run_ms": _round(m.first_run_ms),
            "runs": len(m.runs_ms),
            "runs_ms": [round(v, 1) for v in m.runs_ms],
            "ratio_to_empty": None
            if page_median is None
            else _round(ratio(page_median, empty_median_ms), 2),
            "status": "error" if (m.error or m.timed_out) else "ok",
            "error": m.status.removeprefix("error: ") if (m.error or m.timed_out) else None,
            "shown_errors": m.shown_errors,
            "warm_median_ms": _round(m.warm_median_ms),
            "warm_best_ms": _round(m.warm_best_ms),
        }
        if self.before is not None:
            b = self.before
            row["before"] = {
                "median_ms": _round(b.median_ms),
                "warm_median_ms": _round(b.warm_median_ms),
                "warm_best_ms": _round(b.warm_best_ms),
                "warm_p90_ms": _round(b.warm_p90_ms),
                "first_run_ms": _round(b.first_run_ms),
                "runs_ms": [round(v, 1) for v in b.runs_ms],
                "status": "error" if (b.error or b.timed_out) else "ok",
                "error": b.status.removeprefix("error: ") if (b.error or b.timed_out) else None,
            }
        return row


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _shorten(text: str, limit: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class _ExceptionCapture(logging.Handler):
    """Keeps the exceptions Streamlit logs for uncaught page errors (it redacts them on screen)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            self.messages.append(f"{type(error).__name__}: {error}")
        else:
            self.messages.append(record.getMessage())


@contextmanager
def quiet_streamlit() -> Iterator[_ExceptionCapture]:
    """Silence Streamlit's warnings and collect page exceptions instead of printing them."""
    streamlit.logger.set_log_level("error")
    logger = streamlit.logger.get_logger(_ERROR_LOGGER)
    saved = list(logger.handlers)
    capture = _ExceptionCapture()
    for handler in saved:
        logger.removeHandler(handler)
    logger.addHandler(capture)
    try:
        yield capture
    finally:
        logger.removeHandler(capture)
        for handler in saved:
            logger.addHandler(handler)


@contextmanager
def app_environment(database_url: str) -> Iterator[None]:
    """The app's settings for the benchmark: the given database and demo sign-in, served on
    127.0.0.1 only as ``make run`` serves it (demo sign-in refuses any other address)."""
    wanted = {"UE_DATABASE_URL": database_url, "UE_AUTH_MODE": "demo", "UE_ENV": "development"}
    before = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    address = streamlit_config.get_option("server.address")
    streamlit_config.set_option("server.address", "127.0.0.1")
    try:
        yield
    finally:
        streamlit_config.set_option("server.address", address)
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def _hushed() -> Iterator[None]:
    """Streamlit warns about cache and session calls made outside a script run: hush it."""
    logging.disable(logging.WARNING)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


def clear_caches() -> None:
    with _hushed():
        st.cache_resource.clear()
        st.cache_data.clear()


def warm_up(make: Callable[[], AppTest]) -> None:
    """One untimed run of a fresh AppTest, so the process-wide indexes and models a page builds
    on its first visit (the similar-requests index, the triage routers) exist before timing."""
    with _hushed():
        make().run(timeout=WARM_UP_TIMEOUT_SECONDS)


def measure(make: Callable[[], AppTest], repeats: int, capture: _ExceptionCapture) -> Measurement:
    """Clear the caches, then time ``repeats`` runs of one AppTest (kept between runs)."""
    clear_caches()
    result = Measurement()
    try:
        with _hushed():
            at = make()
    except Exception as error:
        result.error = f"{type(error).__name__}: {error}"
        return result
    runs: list[float] = []
    result.sessions.append(runs)
    for _ in range(repeats):
        capture.messages.clear()
        started = time.perf_counter()
        try:
            at.run()
        except RuntimeError as error:
            if "timed out" in str(error):
                result.timed_out = True
            else:
                result.error = f"{type(error).__name__}: {error}"
            break
        except Exception as error:
            result.error = f"{type(error).__name__}: {error}"
            break
        runs.append((time.perf_counter() - started) * 1000)
        if at.exception and result.error is None:
            result.error = capture.messages[-1] if capture.messages else at.exception[0].message
        result.shown_errors = [str(e.value) for e in at.error]
    return result


def empty_page() -> AppTest:
    return AppTest.from_string(EMPTY_PAGE, default_timeout=TIMEOUT_SECONDS)


def page_as(screen: Screen, email: str) -> AppTest:
    """The router with ``email`` signed in and ``screen`` selected, not yet run."""
    at = AppTest.from_file(str(ROUTER), default_timeout=TIMEOUT_SECONDS)
    at.session_state[EMAIL_KEY] = email
    at.switch_page(str(REPO / screen.path))
    return at


def role_personas(database_url: str) -> list[tuple[Persona, Actor]]:
    """One demo persona per role (the first in PERSONAS), with their Actor from the database."""
    db = Database(database_url)
    found: list[tuple[Persona, Actor]] = []
    seen: set[Role] = set()
    try:
        for persona in PERSONAS:
            if persona.role in seen:
                continue
            seen.add(persona.role)
            actor = accounts.actor_for_email(db, persona.email)
            if actor is None:
                raise PageBenchError(
                    f"The database has no demo person {persona.email}: "
                    "benchmark a database made by python -m ue_core.demo."
                )
            found.append((persona, actor))
    finally:
        db.dispose()
    return found


def plan(
    personas: Sequence[tuple[Persona, Actor]],
    screens: Sequence[Screen] = SCREENS,
    only: Sequence[str] = (),
) -> list[tuple[Screen, Persona]]:
    """Every (screen, persona) pair where the persona's role may see the screen."""
    pairs = []
    for screen in screens:
        if only and screen.key not in only:
            continue
        for persona, actor in personas:
            if screen.permission is None or actor.can(screen.permission):
                pairs.append((screen, persona))
    return pairs


class Baseline:
    """The code of another commit, measured page by page in a worker process (``page_worker``).

    The commit is unpacked with ``git archive`` into a temporary directory (the repository's
    worktrees are left alone) and ``bench/page_worker.py`` of this checkout runs there with
    that directory first on the path, so the pages, services and bench helpers it times are the
    commit's own. The same Python and packages serve both.
    """

    def __init__(self, ref: str, database_url: str) -> None:
        try:
            self.commit = subprocess.run(
                ["git", "rev-parse", "--verify", f"{ref}^{{commit}}"],
                cwd=REPO,
                check=True,
                capture_output=True,
                text=True,
            ).stdout.strip()
        except subprocess.CalledProcessError as error:
            raise PageBenchError(
                f"No commit {ref!r} to compare with: {error.stderr.strip()}"
            ) from None
        self.ref = ref
        self._tree = Path(tempfile.mkdtemp(prefix="bench-before-"))
        archive = subprocess.run(
            ["git", "archive", self.commit], cwd=REPO, check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(self._tree)], input=archive, check=True)
        code = (REPO / "bench" / "page_worker.py").read_text(encoding="utf-8")
        environment = {**os.environ, "PYTHONPATH": str(self._tree)}
        self._process = subprocess.Popen(
            [sys.executable, "-c", code, database_url],
            cwd=self._tree,
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.screens = set(self._answer().get("ready", []))

    def _answer(self) -> dict[str, Any]:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            if line.startswith(WORKER_MARK):
                answer: dict[str, Any] = json.loads(line[len(WORKER_MARK) :])
                return answer
        raise PageBenchError(f"The worker for {self.ref} stopped (exit {self._process.wait()}).")

    def measure(
        self, screen: Screen | None, email: str, repeats: int, warm: bool = False
    ) -> Measurement | None:
        """The page (the empty page for ``screen=None``) on the other commit; None if absent."""
        if screen is not None and screen.key not in self.screens:
            return None
        asked: dict[str, Any] = {"page": None if screen is None else screen.key, "email": email}
        asked |= {"repeats": repeats, "warm_up": warm, "empty": screen is None}
        assert self._process.stdin is not None
        self._process.stdin.write(json.dumps(asked) + "\n")
        self._process.stdin.flush()
        answer = self._answer()
        if answer.get("missing"):
            return None
        return Measurement(
            sessions=answer["sessions"],
            error=answer["error"],
            timed_out=answer["timed_out"],
            shown_errors=answer["shown_errors"],
        )

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        shutil.rmtree(self._tree, ignore_errors=True)


@dataclass(frozen=True)
class LatencyResults:
    empty: Measurement
    pages: list[PageResult]
    repeats: int
    #: One-, five- and fifteen-minute load averages when the pages started and finished.
    load_average: dict[str, list[float]] = field(default_factory=dict)
    warm_up: bool = False
    #: The commit compared with (``--compare-with``) and its empty page, if any.
    compared_with: dict[str, str] | None = None
    empty_before: Measurement | None = None
    #: Screen keys left out of this run (``--skip-page``).
    skipped: tuple[str, ...] = ()
    rounds: int = 1

    @property
    def empty_median_ms(self) -> float:
        value = self.empty.median_ms
        if value is None:
            raise PageBenchError(f"The empty page did not run: {self.empty.status}")
        return value

    def rows(self) -> list[dict[str, Any]]:
        return [page.row(self.empty_median_ms) for page in self.pages]

    def table_rows(self) -> list[dict[str, Any]]:
        return rows_for_table(self.section())

    def section(self) -> dict[str, Any]:
        section: dict[str, Any] = {
            "method": (
                "Median wall time of AppTest.run() on app.py with the page selected and a demo "
                "persona signed in; caches cleared before each page and role, not between "
                "repeats. The empty page is measured the same way before and after the pages."
            ),
            "repeats": self.repeats,
            "rounds": self.rounds,
            "timeout_seconds": TIMEOUT_SECONDS,
            "empty_page_median_ms": round(self.empty_median_ms, 1),
            "empty_page_warm_p90_ms": _round(self.empty.warm_p90_ms),
            "empty_page_first_run_ms": _round(self.empty.first_run_ms),
            "empty_page_runs_ms": [round(v, 1) for v in self.empty.runs_ms],
            "pages": self.rows(),
            "errors": sum(1 for p in self.pages if p.measurement.error or p.measurement.timed_out),
            "warm_up": self.warm_up,
            "skipped_pages": list(self.skipped),
            "load_average": self.load_average,
            "warm_target_ms": WARM_TARGET_MS,
            "over_warm_target": [
                f"{p.screen.key} as {p.role.value}"
                for p in self.pages
                if (p.measurement.warm_median_ms or 0) >= WARM_TARGET_MS
            ],
        }
        if self.compared_with is not None:
            section["compared_with"] = {
                **self.compared_with,
                "method": (
                    "The same pages on the commit before, in a worker process running that "
                    "commit's code, measured in turn with this code page by page (alternating "
                    "which goes first), on the same database in the same run."
                ),
            }
            if self.empty_before is not None and self.empty_before.runs_ms:
                section["compared_with"]["empty_page_median_ms"] = _round(
                    self.empty_before.median_ms
                )
        return section


def _merged(held: Measurement | None, new: Measurement | None) -> Measurement | None:
    if held is None or new is None:
        return new if held is None else held
    return held.merge(new)


def _load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def run(
    database_url: str,
    repeats: int = DEFAULT_REPEATS,
    only: Sequence[str] = (),
    warm: bool = False,
    compare_with: str | None = None,
    skip: Sequence[str] = (),
    rounds: int = 1,
) -> LatencyResults:
    """Measure the empty page, every allowed (page, role), then the empty page again.

    With ``warm``, each page is first run once untimed (see :func:`warm_up`); Streamlit's own
    caches are still cleared before its timed runs. With ``compare_with`` (a commit), each page
    is also measured on that commit's code (see :class:`Baseline`), in turn with this code.
    """
    if repeats < 1:
        raise PageBenchError("--repeats must be at least 1")
    load_average = {"start": _load_average()}
    baseline = None if compare_with is None else Baseline(compare_with, database_url)
    try:
        with app_environment(database_url), quiet_streamlit() as capture:
            personas = role_personas(database_url)
            pairs = [p for p in plan(personas, SCREENS, only) if p[0].key not in skip]
            if only and not pairs:
                known = ", ".join(screen.key for screen in SCREENS)
                raise PageBenchError(f"No page matches {', '.join(only)}. Pages: {known}")
            # One untimed run first, so the empty page's figures do not include start-up imports.
            measure(empty_page, 1, capture)
            say(f"Measuring the empty page ({repeats} runs)")
            empty = measure(empty_page, repeats, capture)
            empty_before = None
            if baseline is not None:
                baseline.measure(None, "", 1)
                empty_before = baseline.measure(None, "", repeats)
            results: list[PageResult] = []
            for number, (screen, persona) in enumerate(pairs, start=1):
                who = f"{screen.key} as {persona.role.value}"
                say(f"[{number}/{len(pairs)}] {who} ({repeats} runs)")
                make = partial(page_as, screen, persona.email)

                def this_code(make: Callable[[], AppTest] = make) -> Measurement:
                    if warm:
                        warm_up(make)
                    return measure(make, repeats, capture)

                before: Measurement | None = None
                if baseline is None:
                    measured = this_code()
                else:
                    # Rounds in turn, ABBA: whichever went first in one round goes second in
                    # the next, so a burst of load elsewhere falls on both codes alike.
                    measured = Measurement()
                    old_code = partial(baseline.measure, screen, persona.email, repeats, warm)
                    for turn in range(rounds):
                        if (number + turn) % 2:
                            before = _merged(before, old_code())
                            measured = measured.merge(this_code())
                        else:
                            measured = measured.merge(this_code())
                            before = _merged(before, old_code())
                if before is not None:
                    say(f"    before: {before.status}; warm median {_ms(before.warm_median_ms)}")
                say(f"    {measured.status}; warm median {_ms(measured.warm_median_ms)}")
                results.append(PageResult(screen, persona.role, persona, measured, before))
            say(f"Measuring the empty page again ({repeats} runs)")
            empty = empty.merge(measure(empty_page, repeats, capture))
            if baseline is not None and empty_before is not None:
                again = baseline.measure(None, "", repeats)
                empty_before = empty_before if again is None else empty_before.merge(again)
            clear_caches()
    finally:
        if baseline is not None:
            baseline.close()
    load_average["end"] = _load_average()
    return LatencyResults(
        empty=empty,
        pages=results,
        repeats=repeats,
        load_average=load_average,
        warm_up=warm,
        compared_with=None
        if baseline is None
        else {"ref": baseline.ref, "commit": baseline.commit},
        empty_before=empty_before,
        skipped=tuple(skip),
        rounds=rounds,
    )


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f} ms"


def rows_for_table(section: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Table rows rebuilt from a stored ``page_latency`` section (for the README)."""
    empty_runs = section.get("empty_page_runs_ms") or []
    compared = section.get("compared_with") or {}
    rows: list[dict[str, Any]] = [
        {
            "title": "Empty Streamlit page",
            "role_label": "(baseline)",
            "median_ms": section["empty_page_median_ms"],
            "warm_median_ms": section["empty_page_median_ms"] if empty_runs else None,
            "warm_p90_ms": section.get("empty_page_warm_p90_ms"),
            "first_run_ms": section.get("empty_page_first_run_ms"),
            "before_warm_median_ms": compared.get("empty_page_median_ms"),
            "ratio_to_empty": 1.0,
            "status": "ok",
        }
    ]
    for row in section["pages"]:
        status = "ok" if row["status"] == "ok" else f"error: {_shorten(row['error'] or '')}"
        if row["status"] == "ok" and row.get("shown_errors"):
            status = f"ok, shows: {_shorten(row['shown_errors'][0])}"
        before = row.get("before") or {}
        if before.get("status") == "error":
            status += f" (before: {_shorten(before.get('error') or '', 40)})"
        rows.append(
            {
                **row,
                "status": status,
                "before_warm_median_ms": before.get("warm_median_ms"),
                "before_warm_p90_ms": before.get("warm_p90_ms"),
                "before_first_run_ms": before.get("first_run_ms"),
                "before_warm_best_ms": before.get("warm_best_ms"),
            }
        )
    return rows
