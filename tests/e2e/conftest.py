"""Real-browser fixtures: a demo database, a running Streamlit server and headless Chromium.

Everything expensive is session-scoped: one database, one server and one browser serve every
end-to-end test; each test gets its own browser context (so its own Streamlit session).

The browser is the system Chromium (Debian's ``chromium`` package), never one downloaded by
``playwright install``: set ``UE_CHROMIUM`` to use another binary. Without Chromium the tests
are skipped, except under ``CI=true`` where a missing browser is a failure.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.helpers import SCREENSHOT_DIR

REPO_ROOT = Path(__file__).resolve().parents[2]
SERVER_START_TIMEOUT_S = 60.0
DEMO_LOAD_TIMEOUT_S = 300.0

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _unavailable(reason: str) -> None:
    """Stop here: a failure in CI (the browser must be there), a skip on a developer machine."""
    if _in_ci():
        pytest.fail(f"End-to-end tests cannot run: {reason}", pytrace=False)
    pytest.skip(f"End-to-end tests skipped: {reason}")


def chromium_executable() -> str | None:
    """The Chromium binary to drive: $UE_CHROMIUM, else `chromium` on PATH, else /usr/bin/chromium.

    When UE_CHROMIUM is set it is the only candidate, so a wrong value is reported, not ignored.
    """
    chosen = os.environ.get("UE_CHROMIUM", "").strip()
    candidates = [chosen] if chosen else [shutil.which("chromium") or "", "/usr/bin/chromium"]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as reply:
            body: bytes = reply.read()
            return reply.status == 200 and body.strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


def _tail(path: Path, lines: int = 60) -> str:
    if not path.exists():
        return "(no output)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _stop_process_group(process: subprocess.Popen[bytes]) -> None:
    """End the server and anything it started: SIGTERM to its process group, then SIGKILL."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = chromium_executable()
    if path is None:
        _unavailable(
            "no Chromium found (looked at $UE_CHROMIUM, else `chromium` on PATH and "
            "/usr/bin/chromium). "
            "Install Debian's `chromium` package or point UE_CHROMIUM at a Chromium binary."
        )
        raise AssertionError("unreachable")
    return path


@pytest.fixture(scope="session")
def e2e_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e2e")


def _generate_demo(path: Path) -> None:
    """Run ``python -m ue_core.demo`` into a new SQLite file at ``path``; fail if it fails."""
    url = f"sqlite:///{path}"
    command = [sys.executable, "-m", "ue_core.demo", "--database-url", url]
    try:
        result = subprocess.run(
            command,
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=DEMO_LOAD_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"Loading the demo data took over {DEMO_LOAD_TIMEOUT_S:.0f} s", pytrace=False)
    if result.returncode != 0:
        pytest.fail(
            f"Loading the demo data failed (exit {result.returncode}):\n"
            f"{result.stdout}\n{result.stderr}",
            pytrace=False,
        )
    # Fold the write-ahead log into the file, so that the file alone can be copied.
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


@pytest.fixture(scope="session")
def demo_database_url(e2e_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A fresh SQLite database holding the framework and the demo organisation and personas.

    Under pytest-xdist the demo data is generated once, by whichever worker asks first, and each
    worker gets its own copy: workers never share a database (or a server).
    """
    path = e2e_dir / "workbench.db"
    if "PYTEST_XDIST_WORKER" not in os.environ:
        _generate_demo(path)
        return f"sqlite:///{path}"
    shared = tmp_path_factory.getbasetemp().parent / "e2e-demo"
    shared.mkdir(exist_ok=True)
    template, done = shared / "workbench.db", shared / "done"
    with (shared / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not done.exists():
            template.unlink(missing_ok=True)
            _generate_demo(template)
            done.touch()
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


@contextmanager
def running_app(
    log_path: Path,
    env: dict[str, str],
    *,
    port: int | None = None,
    extra_args: tuple[str, ...] = (),
) -> Iterator[str]:
    """Run `streamlit run server.py` with ``env`` added to this process's, on ``port`` (a free
    one by default), until the block ends; yield its base URL."""
    port = port or _free_port()
    full_env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", **env}
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
        *extra_args,
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, so teardown can end all of it
        )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while not _healthy(port):
            if process.poll() is not None:
                pytest.fail(
                    f"Streamlit exited early (code {process.returncode}):\n{_tail(log_path)}",
                    pytrace=False,
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"Streamlit was not healthy after {SERVER_START_TIMEOUT_S:.0f} s:\n"
                    f"{_tail(log_path)}",
                    pytrace=False,
                )
            time.sleep(0.5)
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop_process_group(process)
        server_output = _tail(log_path, 200)
        if "Traceback" in server_output:
            print(f"\n--- Streamlit server output ---\n{server_output}", file=sys.stderr)


@pytest.fixture(scope="session")
def app_url(chromium_path: str, demo_database_url: str, e2e_dir: Path) -> Iterator[str]:
    """Start `streamlit run server.py` (the app behind its sign-in cookie middleware) in demo
    sign-in mode and yield its base URL."""
    env = {"UE_DATABASE_URL": demo_database_url, "UE_AUTH_MODE": "demo", "UE_ENV": "test"}
    with running_app(e2e_dir / "streamlit.log", env) as url:
        yield url


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Browser]:
    """One headless Chromium for the whole run."""
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(
                executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
            )
        except PlaywrightError as error:
            _unavailable(f"Chromium at {chromium_path} would not start: {error}")
            raise
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the test item, so fixtures can tell whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(browser: Browser, app_url: str, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser context and page (a new Streamlit session) for each test."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB", base_url=app_url
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        name = "".join(c if c.isalnum() or c in "-_" else "_" for c in request.node.name)
        page.screenshot(path=str(SCREENSHOT_DIR / f"failed-{name}.png"), full_page=True)
    context.close()
