"""The browser-level part of the load benchmark: K Chromium sessions against two app servers.

Two ``streamlit run server.py`` servers (demo sign-in, on 127.0.0.1) share one PostgreSQL
database. K browser contexts in one headless Chromium (Debian's, ``/usr/bin/chromium``), split
across the servers, each repeat a short journey until the time is up: sign in as Sam Patel or
Alex Morgan (so several sessions are the same person, as demo visitors are), open the
self-assessment, rate one practice (the rating saves at once: "Saved ..." or the conflict
message), open Results, sign out. Each step is timed from the click until Streamlit has
finished the run and the page has stayed unchanged for 300 ms (that settle time, and the
250 ms allowed for the click to reach the server, are part of every figure).
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, Final

from playwright.async_api import Browser, Page, async_playwright

from bench.report import Column, median, percentile, say
from ue_core.db.engine import Database
from ue_core.framework import LEVEL_NAMES

REPO: Final = Path(__file__).resolve().parents[1]
CHROMIUM: Final = os.environ.get("UE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS: Final = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PERSONAS: Final = ("Sam Patel", "Alex Morgan")
SERVERS: Final = 2
SERVER_POOL_SIZE: Final = 5
TIMEOUT_MS: Final = 60_000
RERUN_START_MS: Final = 250
SETTLE_MS: Final = 300
SAVED: Final = re.compile(r"^Saved \d")

SIGN_IN: Final = "sign in"
OPEN_ASSESSMENT: Final = "open self-assessment"
RATE: Final = "rate and save"
OPEN_RESULTS: Final = "open results"
SIGN_OUT: Final = "sign out"
STEPS: Final = (SIGN_IN, OPEN_ASSESSMENT, RATE, OPEN_RESULTS, SIGN_OUT)

STEP_COLUMNS: Final = (
    Column("step", "Step"),
    Column("count", "Times", "right"),
    Column("median_ms", "Median ms", "right", ".0f"),
    Column("p95_ms", "p95 ms", "right", ".0f"),
    Column("conflicts", "Conflicts", "right"),
    Column("errors", "Errors", "right"),
)

_SETTLED_JS: Final = """
([settleMs]) => {
  const main = document.querySelector('[data-testid="stMain"]')
    || document.querySelector('[data-testid="stApp"]');
  if (!main) return false;
  const now = performance.now();
  const html = main.innerHTML;
  const state = window.__ueSettle;
  if (!state || state.html !== html) {
    window.__ueSettle = {html, since: now};
    return false;
  }
  return now - state.since >= settleMs;
}
"""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as reply:
            return bool(reply.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def app_servers(database_url: str, count: int, log_dir: Path) -> Iterator[list[str]]:
    """``count`` app servers on free local ports, all on ``database_url``; their base URLs."""
    env = {
        **os.environ,
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        "UE_DATABASE_URL": database_url,
        "UE_AUTH_MODE": "demo",
        "UE_ENV": "test",
        "UE_DATABASE_POOL_SIZE": str(SERVER_POOL_SIZE),
    }
    started: list[tuple[subprocess.Popen[bytes], int]] = []
    try:
        for number in range(count):
            port = _free_port()
            command = [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "server.py",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--server.fileWatcherType",
                "none",
                "--server.runOnSave",
                "false",
            ]
            with (log_dir / f"server-{number}.log").open("wb") as log:
                process = subprocess.Popen(
                    command,
                    cwd=REPO,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,
                )
            started.append((process, port))
        deadline = time.monotonic() + 120
        for process, port in started:
            while not _healthy(port):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"The app server on port {port} did not start")
                time.sleep(0.5)
        yield [f"http://127.0.0.1:{port}" for _, port in started]
    finally:
        for process, _ in started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)


async def _wait_for_app(page: Page) -> None:
    """As tests/e2e/helpers.wait_for_app: connected, run finished, nothing stale, settled."""
    await page.locator('[data-testid="stApp"][data-test-connection-state="CONNECTED"]').wait_for(
        state="attached", timeout=TIMEOUT_MS
    )
    await page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(
        state="attached", timeout=TIMEOUT_MS
    )
    for test_id in ("stStatusWidgetRunningIcon", "stSkeleton"):
        await page.get_by_test_id(test_id).first.wait_for(state="detached", timeout=TIMEOUT_MS)
    await page.locator('[data-stale="true"]').first.wait_for(state="detached", timeout=TIMEOUT_MS)
    await page.evaluate("() => { window.__ueSettle = null; }")
    await page.wait_for_function(_SETTLED_JS, arg=[SETTLE_MS], timeout=TIMEOUT_MS, polling=50)


async def _after_click(page: Page) -> None:
    await page.wait_for_timeout(RERUN_START_MS)
    await _wait_for_app(page)


async def _go_to(page: Page, title: str) -> None:
    """Open a page from the sidebar: done when its heading is shown and the run has settled
    (on a busy machine the old page can stay settled for a while after the click)."""
    await page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    await page.get_by_role("heading", level=1, name=title, exact=True).wait_for()
    await _wait_for_app(page)


class _Journey:
    def __init__(self, number: int, base_url: str, deadline: float) -> None:
        self.number = number
        self.base_url = base_url
        self.deadline = deadline
        self.rng = random.Random(number)
        self.samples: list[tuple[str, float, str]] = []
        self.errors: Counter[str] = Counter()

    async def step(self, name: str, work: Any) -> str:
        started = time.perf_counter()
        try:
            outcome = await work()
        except Exception as error:  # a failed step is counted and the journey starts again
            self.samples.append((name, time.perf_counter() - started, "error"))
            self.errors[f"{name}: {type(error).__name__}: {str(error).splitlines()[0][:160]}"] += 1
            raise
        self.samples.append((name, time.perf_counter() - started, outcome))
        return str(outcome)

    async def run(self, browser: Browser, *, once: bool = False) -> None:
        """Repeat the journey until the deadline (``once``: exactly one journey)."""
        first = True
        while first or (not once and time.monotonic() < self.deadline):
            first = False
            context = await browser.new_context(
                viewport={"width": 1280, "height": 900}, locale="en-GB"
            )
            context.set_default_timeout(TIMEOUT_MS)
            page = await context.new_page()
            try:
                await self.once(page)
                while not once and time.monotonic() < self.deadline:
                    await self.once(page)
            except Exception:  # counted in step(); a fresh context carries on
                pass
            finally:
                await context.close()

    async def once(self, page: Page) -> None:
        name = PERSONAS[self.number % len(PERSONAS)]

        async def sign_in() -> str:
            await page.goto(self.base_url)
            await _wait_for_app(page)
            await page.get_by_role("button", name=f"Continue as {name}", exact=True).click()
            await page.wait_for_timeout(RERUN_START_MS)
            sidebar = page.get_by_test_id("stSidebar")
            await sidebar.get_by_role("button", name="Sign out", exact=True).wait_for()
            await _wait_for_app(page)
            return "ok"

        async def sign_out() -> str:
            sidebar = page.get_by_test_id("stSidebar")
            await sidebar.get_by_role("button", name="Sign out", exact=True).click()
            await page.wait_for_timeout(RERUN_START_MS)
            await page.get_by_role("button", name="Continue as", exact=False).first.wait_for()
            await _wait_for_app(page)
            return "ok"

        await self.step(SIGN_IN, sign_in)
        await self.step(OPEN_ASSESSMENT, lambda: _go_to(page, "Self-assessment"))
        await self.step(RATE, lambda: self.rate(page))
        await self.step(OPEN_RESULTS, lambda: _go_to(page, "Results"))
        await self.step(SIGN_OUT, sign_out)

    async def rate(self, page: Page) -> str:
        # The page shows one principle's practices at a time: rate one of those shown.
        shown = page.locator('[class*="st-key-practice-"]')
        count = await shown.count()
        if count == 0:
            raise RuntimeError("No practice to rate on the self-assessment page")
        container = shown.nth(self.rng.randrange(count))
        radios = container.get_by_role("radio")
        checked = [await radios.nth(i).is_checked() for i in range(len(LEVEL_NAMES))]
        levels = [n for n in range(1, len(LEVEL_NAMES) + 1) if not checked[n - 1]]
        level = self.rng.choice(levels)
        await container.get_by_text(f"{level} {LEVEL_NAMES[level - 1]}:").first.click()
        await _after_click(page)
        if await container.get_by_test_id("stAlertContentError").count():
            return "conflict"
        await container.get_by_text(SAVED).first.wait_for()
        return "ok"


async def _run_journeys(urls: list[str], sessions: int, duration: float) -> list[_Journey]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        # One untimed journey on each server first, so the figures describe running servers
        # (a server's first session imports the app and builds its caches).
        warm = [_Journey(i, url, time.monotonic()) for i, url in enumerate(urls)]
        await asyncio.gather(*(journey.run(browser, once=True) for journey in warm))
        deadline = time.monotonic() + duration
        journeys = [_Journey(i, urls[i % len(urls)], deadline) for i in range(sessions)]
        await asyncio.gather(*(journey.run(browser) for journey in journeys))
        await browser.close()
    return journeys


def run(database_url: str, *, sessions: int, duration: float) -> dict[str, Any]:
    """Run the browser-level part on ``database_url`` (seeded); its figures."""
    from bench.load import _load_average, _persona_team

    db = Database(database_url, pool_size=1, max_overflow=1)
    try:
        _persona_team(db, date.today())  # this round's assessment started, as in the run
    finally:
        db.dispose()
    log_dir = Path(tempfile.mkdtemp(prefix="ue-load-browser-"))
    load_before = _load_average()
    with app_servers(database_url, SERVERS, log_dir) as urls:
        say(f"Browser run: {sessions} sessions on {len(urls)} servers for {duration:.0f} s")
        journeys = asyncio.run(_run_journeys(urls, sessions, duration))
    samples = [s for journey in journeys for s in journey.samples]
    errors: Counter[str] = Counter()
    for journey in journeys:
        errors.update(journey.errors)
    steps = []
    for step in STEPS:
        mine = [s for s in samples if s[0] == step]
        timed = [s[1] for s in mine if s[2] != "error"]
        steps.append(
            {
                "step": step,
                "count": len(mine),
                "median_ms": round(median(timed) * 1000) if timed else None,
                "p95_ms": round(percentile(timed, 95) * 1000) if timed else None,
                "conflicts": sum(s[2] == "conflict" for s in mine),
                "errors": sum(s[2] == "error" for s in mine),
            }
        )
    return {
        "sessions": sessions,
        "servers": SERVERS,
        "seconds": duration,
        "journeys_completed": sum(s[0] == SIGN_OUT and s[2] == "ok" for s in samples),
        "steps": steps,
        "errors": sum(step["errors"] for step in steps),
        "error_messages": dict(errors.most_common(5)),
        "load_before": load_before,
        "load_after": _load_average(),
        "note": "each figure includes 250 ms for the click to reach the server and 300 ms of "
        "unchanged page, as the end-to-end tests wait",
    }
