"""The deployment for many users (docs/deployment.md), on one machine: nginx in front of two
Streamlit app servers, two job workers, one PostgreSQL database, TLS, and the production
settings of ``deploy/workbench.env.example``.

What it proves: a browser session stays on one app server (sticky sessions, the WebSocket
included) behind a TLS proxy with the security headers; a theme job started on server A is
seen running and then finished from server B; a worker killed (SIGKILL) mid-job has its job
finished by the other worker, with exactly one result and nothing lost or run twice.

nginx runs ``deploy/nginx.conf.template`` with its template fields filled in for free ports and a
temporary directory; the certificate is self-signed, made here with openssl. The database is a
new schema in the test PostgreSQL database, migrated as a release is, and dropped afterwards.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import pwd
import re
import secrets
import shutil
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import func, select, text

from tests.conftest import IN_CI, POSTGRES_URL
from tests.deploy_support import DEPLOY, production_env, render_nginx_conf
from tests.e2e.conftest import (
    REPO_ROOT,
    SERVER_START_TIMEOUT_S,
    _free_port,
    _healthy,
    _stop_process_group,
    _tail,
)
from tests.e2e.helpers import (
    APP_TIMEOUT_MS,
    RERUN_START_MS,
    assert_no_axe_violations,
    choose_option,
    screenshot,
    sidebar_button,
    varied_barrier_answers,
    wait_for_app,
)
from ue_core.db.engine import Database
from ue_core.db.models import Job, SurveyQuestion, ThemeSet
from ue_core.jobs import JobState
from ue_core.jobs.task_queue import RUN_JOB, conninfo
from ue_core.services import accounts
from ue_core.services.surveys import imports
from ue_core.survey_import import ColumnMapping

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

ROUTE_COOKIE = "ue_route"
EMAIL = "ruth.consultant@hub.example.gov.uk"
NAME = "Ruth Consultant"
PASSWORD = "a long pass phrase for the test"  # a made-up test account
TITLE = "Barriers survey on two servers"
#: 2,400 different answers: finding themes takes some seconds, long enough to kill a worker.
SECURITY_HEADERS = (
    "strict-transport-security",
    "x-content-type-options",
    "x-frame-options",
    "referrer-policy",
    "content-security-policy",
    "permissions-policy",
)


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"The deployment test cannot run: {reason}", pytrace=False)
    pytest.skip(f"The deployment test is skipped: {reason}")


@dataclass
class Deployment:
    base_url: str
    http_url: str
    db: Database
    app_ports: tuple[int, int]
    access_log: Path
    cert: Path
    workers: dict[str, subprocess.Popen[bytes]]
    worker_logs: dict[str, Path]
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def route_lines(self) -> list[tuple[str, str, str]]:
        """(request, upstream, route key) for each line of nginx's access log so far."""
        pattern = re.compile(r'"([^"]*)" \d+ \d+ upstream=(\S+) route=(\S+)')
        found = []
        for line in self.access_log.read_text().splitlines():
            match = pattern.search(line)
            if match:
                found.append((match[1], match[2], match[3]))
        return found

    def upstreams_for(self, route: str) -> set[str]:
        return {upstream for _, upstream, key in self.route_lines() if key == route}


def _start(command: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    with log_path.open("wb") as log:
        return subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(
        command,
        cwd=REPO_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"


def trusting(cert: Path) -> ssl.SSLContext:
    """A TLS context that trusts the test's self-signed certificate (and nothing else)."""
    return ssl.create_default_context(cafile=str(cert))


def _proxy_healthy(base_url: str, cert: Path) -> bool:
    try:
        with urllib.request.urlopen(
            f"{base_url}/_stcore/health", timeout=2, context=trusting(cert)
        ) as reply:
            return bool(reply.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _import_survey(db: Database) -> None:
    """What the consultant would upload: one question with 2,400 different answers."""
    consultant = accounts.actor_for_email(db, EMAIL)
    assert consultant is not None
    raw = imports.read_file(varied_barrier_answers("R"), "barriers.csv")
    imports.import_survey(db, consultant, raw, ColumnMapping("Respondent ID", ["Barriers"]), TITLE)


@pytest.fixture(scope="module")
def deployment(
    chromium_path: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    """nginx, two app servers and two workers on a fresh PostgreSQL database, until the end."""
    if not POSTGRES_URL:
        _unavailable("UE_TEST_POSTGRES_URL is not set")
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if not nginx:
        _unavailable("nginx is not installed (`make nginx` installs Debian's)")
    folder = tmp_path_factory.mktemp("deployment")
    # A schema of its own in the test database: as good as a database of its own here, and
    # dropped at once (dropping a database waits for a checkpoint of the whole server).
    schema = f"deploy_{uuid.uuid4().hex[:12]}"
    admin = conninfo(POSTGRES_URL)
    try:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'CREATE SCHEMA "{schema}"')
    except psycopg.Error as error:
        _unavailable(f"PostgreSQL cannot be reached or refuses a new schema: {error}")
    separator = "&" if "?" in POSTGRES_URL else "?"
    url = f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    processes: list[subprocess.Popen[bytes]] = []
    db = Database(url)
    try:
        env = {
            **production_env(),
            "UE_DATABASE_URL": url,
            "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32),
            "STREAMLIT_SERVER_ALLOWED_HOSTS": "127.0.0.1",
            # Quicker than production, so a killed worker is noticed in about three seconds.
            "UE_WORKER_HEARTBEAT_SECONDS": "1",
            # The embedding that needs no model: the same on every worker, and quick.
            "UE_THEMES_BACKEND": "tfidf-lsa",
        }
        # A release: migrations once, then the first account, as docs/deployment.md says.
        _run([sys.executable, "-m", "ue_core.db.migrate"], env)
        create_user = _start(
            [
                *(sys.executable, "-m", "ue_core.cli", "create-user"),
                *("--email", EMAIL, "--name", NAME, "--role", "consultant"),
            ],
            {**env, "UE_NEW_PASSWORD": PASSWORD},
            folder / "create-user.log",
        )
        app_ports = (_free_port(), _free_port())
        for port in app_ports:
            command = [sys.executable, "-m", "streamlit", "run", "server.py"]
            command += ["--server.port", str(port), "--server.address", "127.0.0.1"]
            processes.append(_start(command, env, folder / f"app-{port}.log"))
        workers, worker_logs = {}, {}
        for worker in ("worker-1", "worker-2"):
            worker_logs[worker] = folder / f"{worker}.log"
            workers[worker] = _start(
                [sys.executable, "-m", "ue_core.worker", "--name", worker],
                env,
                worker_logs[worker],
            )
            processes.append(workers[worker])

        # TLS with a self-signed certificate, and nginx with the repository's configuration.
        run_dir, log_dir = folder / "run", folder / "log"
        run_dir.mkdir()
        log_dir.mkdir()
        cert, key = folder / "cert.pem", folder / "key.pem"
        _run(
            [
                *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
                *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"),
                *("-addext", "subjectAltName=IP:127.0.0.1"),
            ],
            {},
        )
        http_port, https_port = _free_port(), _free_port()
        upstream = "\n".join(
            f"        server 127.0.0.1:{port} max_fails=3 fail_timeout=10s;" for port in app_ports
        )
        conf = folder / "nginx.conf"
        conf.write_text(
            render_nginx_conf(
                {
                    "USER": pwd.getpwuid(os.getuid()).pw_name,
                    "PID_FILE": str(run_dir / "nginx.pid"),
                    "TEMP_DIR": str(run_dir),
                    "LOG_DIR": str(log_dir),
                    "HTTP_PORT": f"127.0.0.1:{http_port}",
                    "HTTPS_PORT": f"127.0.0.1:{https_port}",
                    "SERVER_NAME": "127.0.0.1",
                    "CERT": str(cert),
                    "KEY": str(key),
                    "APP_SERVERS": upstream,
                }
            )
        )
        nginx_command = [
            nginx,
            "-c",
            str(conf),
            "-p",
            str(folder),
            "-e",
            str(log_dir / "error.log"),
        ]
        _run([*nginx_command, "-t", "-q"], {})
        processes.append(_start([*nginx_command, "-g", "daemon off;"], {}, folder / "nginx.out"))

        assert create_user.wait(timeout=120) == 0, _tail(folder / "create-user.log")
        _import_survey(db)
        base_url = f"https://127.0.0.1:{https_port}"
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while not (all(_healthy(port) for port in app_ports) and _proxy_healthy(base_url, cert)):
            for process in processes:
                assert process.poll() is None, f"{process.args} stopped early:\n" + "\n".join(
                    _tail(path, 30) for path in folder.glob("*.log")
                )
            assert time.monotonic() < deadline, "the app servers or nginx did not start in time"
            time.sleep(0.3)
        yield Deployment(
            base_url=base_url,
            http_url=f"http://127.0.0.1:{http_port}",
            db=db,
            app_ports=app_ports,
            access_log=log_dir / "access.log",
            cert=cert,
            workers=workers,
            worker_logs=worker_logs,
            processes=processes,
        )
    finally:
        _stop_all(processes)
        for path in sorted(folder.glob("*.log")):
            if "Traceback" in path.read_text(errors="replace"):
                print(f"\n--- {path.name} ---\n{_tail(path, 80)}", file=sys.stderr)
        db.dispose()
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _stop_all(processes: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM to every process group at once, then wait; SIGKILL whatever is left."""
    for process in processes:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
    ends = time.monotonic() + 15
    for process in processes:
        try:
            process.wait(timeout=max(0.1, ends - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"{process.args} did not stop on SIGTERM", file=sys.stderr)
            _stop_process_group(process)


def route_keys(deployment: Deployment) -> dict[int, str]:
    """For each app server's port, a route cookie value nginx sends to that server.

    Tries random keys (as nginx itself makes them) and reads the access log to see where each
    went; consistent hashing gives each of the two servers about half of them.
    """
    tried = []
    for _ in range(40):
        key = secrets.token_hex(16)
        tried.append(key)
        request = urllib.request.Request(
            f"{deployment.base_url}/_stcore/host-config",
            headers={"Cookie": f"{ROUTE_COOKIE}={key}"},
        )
        with urllib.request.urlopen(request, timeout=10, context=trusting(deployment.cert)):
            pass
        found: dict[int, str] = {}
        for _request, upstream, route in deployment.route_lines():
            if route in tried:
                found.setdefault(int(upstream.rsplit(":", 1)[1]), route)
        if set(found) == set(deployment.app_ports):
            return found
    raise AssertionError(f"40 route keys did not reach both app servers: {found}")


def new_context(browser: Browser, deployment: Deployment, route: str | None) -> BrowserContext:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        locale="en-GB",
        base_url=deployment.base_url,
        ignore_https_errors=True,
    )
    context.set_default_timeout(20_000)
    if route is not None:
        context.add_cookies(
            [
                {
                    "name": ROUTE_COOKIE,
                    "value": route,
                    "url": deployment.base_url,
                    "secure": True,
                    "httpOnly": True,
                    "sameSite": "Lax",
                }
            ]
        )
    return context


def sign_in(page: Page, deployment: Deployment) -> None:
    """Local sign-in (production refuses the demo personas) through the proxy."""
    response = page.goto(deployment.base_url)
    assert response is not None and response.ok
    wait_for_app(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Sign in to the user engagement workbench"
    )
    page.get_by_label("Email address", exact=True).fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_timeout(RERUN_START_MS)
    expect(sidebar_button(page, "Sign out")).to_be_visible(timeout=APP_TIMEOUT_MS)
    wait_for_app(page)


def open_themes_page(page: Page, deployment: Deployment) -> None:
    """Load the themes page by its address (a page load through nginx, then a WebSocket)."""
    response = page.goto(f"{deployment.base_url}/survey_themes")
    assert response is not None and response.ok
    wait_for_app(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Survey themes", timeout=APP_TIMEOUT_MS
    )
    survey = page.get_by_role("combobox", name="Survey", exact=True)
    if survey.input_value() != TITLE:
        choose_option(
            page, page.get_by_test_id("stSelectbox").filter(has_text="Survey").first, TITLE
        )
    expect(survey).to_have_value(TITLE)


def theme_job(deployment: Deployment) -> Job:
    with deployment.db.read() as session:
        job = session.scalar(select(Job).order_by(Job.id.desc()).limit(1))
        assert job is not None, "no job was started"
        session.expunge(job)
        return job


def wait_for_job(deployment: Deployment, states: set[str], timeout: float = 60) -> Job:
    ends = time.monotonic() + timeout
    while True:
        job = theme_job(deployment)
        if job.state in states:
            return job
        assert time.monotonic() < ends, f"the job is still {job.state}: {job.message}"
        time.sleep(0.1)


def test_a_session_stays_on_one_app_server_behind_tls(
    browser: Browser, deployment: Deployment
) -> None:
    # Plain HTTP only sends people to HTTPS.
    request = urllib.request.Request(f"{deployment.http_url}/survey_themes")
    opener = urllib.request.build_opener(_NoRedirect())
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(request, timeout=10)
    assert redirect.value.code == 301
    assert redirect.value.headers["Location"] == "https://127.0.0.1/survey_themes"

    # Uploads a little over Streamlit's limit are refused by nginx before they reach an app
    # server (the limit is the one in the production settings and .streamlit/config.toml).
    limit_mb = int(production_env()["STREAMLIT_SERVER_MAX_UPLOAD_SIZE"])
    assert f"maxUploadSize = {limit_mb}\n" in (REPO_ROOT / ".streamlit" / "config.toml").read_text()
    template = (DEPLOY / "nginx.conf.template").read_text()
    assert f"client_max_body_size {limit_mb + 1}m;" in template
    assert _upload_status(deployment, (limit_mb + 2) * 1024 * 1024) == 413

    # WebSockets pass through nginx, but only for the allowed host name (DNS rebinding).
    assert _websocket_status(deployment, "127.0.0.1") == 101
    assert _websocket_status(deployment, "attacker.example") == 403

    context = new_context(browser, deployment, route=None)
    try:
        page = context.new_page()
        response = page.goto(deployment.base_url)
        assert response is not None and response.ok
        headers = response.headers
        for header in SECURITY_HEADERS:
            assert header in headers, f"nginx did not send {header}"
        assert "server" not in headers or headers["server"] == "nginx"  # no version number
        wait_for_app(page)
        assert_no_axe_violations(page, "the sign-in page behind the proxy")
        cookies = {cookie["name"]: cookie for cookie in context.cookies()}
        route = cookies[ROUTE_COOKIE]
        assert route["secure"] and route["httpOnly"] and route["sameSite"] == "Lax"
        # The app marks its sign-in cookie Secure too: it trusts nginx's X-Forwarded-Proto.
        assert cookies["ue_session"]["secure"] and cookies["ue_session"]["httpOnly"]
        sign_in(page, deployment)
        page.reload()
        wait_for_app(page)
        expect(sidebar_button(page, "Sign out")).to_be_visible()
    finally:
        context.close()
    # Every request of the session, the page loads and the WebSocket included (logged when it
    # closes), went to one app server.
    ends = time.monotonic() + 10
    while not any(
        "/_stcore/stream" in request and key == route["value"]
        for request, _, key in deployment.route_lines()
    ):
        assert time.monotonic() < ends, "nginx did not log the WebSocket"
        time.sleep(0.2)
    lines = [line for line in deployment.route_lines() if line[2] == route["value"]]
    assert len(lines) >= 4
    assert len({upstream for _, upstream, _ in lines}) == 1, lines


def _upload_status(deployment: Deployment, size: int) -> int:
    """The status nginx answers an upload of ``size`` bytes with, from its headers alone."""
    port = int(deployment.base_url.rsplit(":", 1)[1])
    connection = http.client.HTTPSConnection(
        "127.0.0.1", port, timeout=10, context=trusting(deployment.cert)
    )
    try:
        connection.putrequest("PUT", "/_stcore/upload_file/session/file")
        connection.putheader("Content-Type", "application/octet-stream")
        connection.putheader("Content-Length", str(size))
        connection.endheaders()
        return connection.getresponse().status
    finally:
        connection.close()


def _websocket_status(deployment: Deployment, host: str) -> int:
    """The status of a WebSocket handshake through nginx with the given Host header."""
    port = int(deployment.base_url.rsplit(":", 1)[1])
    connection = http.client.HTTPSConnection(
        "127.0.0.1", port, timeout=10, context=trusting(deployment.cert)
    )
    try:
        connection.putrequest("GET", "/_stcore/stream", skip_host=True)
        connection.putheader("Host", host)
        connection.putheader("Connection", "Upgrade")
        connection.putheader("Upgrade", "websocket")
        connection.putheader("Sec-WebSocket-Version", "13")
        connection.putheader("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
        connection.putheader("Sec-WebSocket-Protocol", "streamlit")
        connection.endheaders()
        return connection.getresponse().status
    finally:
        connection.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def test_a_theme_job_started_on_one_server_is_seen_on_the_other_and_survives_a_dead_worker(
    browser: Browser, deployment: Deployment
) -> None:
    keys = route_keys(deployment)
    port_a, port_b = deployment.app_ports
    on_a = new_context(browser, deployment, keys[port_a])
    on_b = new_context(browser, deployment, keys[port_b])
    page_a, page_b = on_a.new_page(), on_b.new_page()
    try:
        sign_in(page_a, deployment)
        sign_in(page_b, deployment)

        # Server A: start finding themes.
        open_themes_page(page_a, deployment)
        main_a = page_a.get_by_test_id("stMain")
        expect(main_a).to_contain_text("No themes yet for this question")
        main_a.get_by_text("I will choose", exact=True).click()  # eight themes
        main_a.get_by_role("button", name="Find themes").click()
        expect(main_a.get_by_role("heading", name="Finding themes")).to_be_visible()

        # A worker takes it; kill that worker (SIGKILL: no goodbye) while the job runs.
        running = wait_for_job(deployment, {JobState.RUNNING.value})
        assert running.attempts == 1
        started = f"{RUN_JOB}[{running.queue_job_id}](job_id={running.id})"
        ends = time.monotonic() + 10
        while not (
            holders := [
                w for w, log in deployment.worker_logs.items() if started in log.read_text()
            ]
        ):
            assert time.monotonic() < ends, "no worker log says it started the job"
            time.sleep(0.05)
        [killed] = holders
        deployment.workers[killed].send_signal(signal.SIGKILL)
        deployment.workers[killed].wait(timeout=10)
        with deployment.db.read() as session:
            job = session.get(Job, running.id)
            assert job is not None and job.state == JobState.RUNNING.value, (
                "the job ended before its worker was killed; make the survey bigger"
            )
            assert session.scalar(select(func.count()).select_from(ThemeSet)) == 0

        # Server B: the same job, read from the database, still running.
        open_themes_page(page_b, deployment)
        main_b = page_b.get_by_test_id("stMain")
        expect(main_b.get_by_role("heading", name="Finding themes")).to_be_visible()
        expect(main_b).to_contain_text(f"Started by {NAME}")
        # (The running job's view is scanned by axe in test_theme_jobs.py: waiting here for a
        # moment between two of its redraws would take longer than the job has left.)

        # The other worker notices the silent one and finishes the job; B shows the result.
        expect(main_b).to_contain_text("Draft themes", timeout=2 * APP_TIMEOUT_MS)
        expect(main_b).to_contain_text("2,400 answers")
        wait_for_app(page_b)
        screenshot(page_b, "deployment-themes-on-server-b.png")
        assert_no_axe_violations(page_b, "the themes page on server B after the job")
        # And A, which started it, shows the same result.
        expect(main_a).to_contain_text("Draft themes", timeout=APP_TIMEOUT_MS)
        expect(main_a.get_by_role("button", name="Cancel finding themes")).to_have_count(0)
        wait_for_app(page_a)
        assert_no_axe_violations(page_a, "the themes page on server A after the job")
    except BaseException:
        screenshot(page_a, "failed-deployment-server-a.png")
        screenshot(page_b, "failed-deployment-server-b.png")
        raise
    finally:
        on_a.close()
        on_b.close()

    # Exactly one result, from the second start, and one queue entry that succeeded.
    [survivor] = [name for name in deployment.workers if name != killed]
    assert started in deployment.worker_logs[survivor].read_text()
    assert deployment.workers[survivor].poll() is None
    with deployment.db.read() as session:
        job = session.get(Job, running.id)
        assert job is not None
        assert job.state == JobState.SUCCEEDED.value, job.error
        assert job.attempts == 2  # the killed start and the finishing one
        sets = session.scalars(select(ThemeSet)).all()
        assert len(sets) == 1
        assert job.result == {"theme_set_id": sets[0].id}
        question = session.scalar(select(SurveyQuestion))
        assert question is not None and sets[0].question_id == question.id
        assert session.scalar(select(func.count()).select_from(Job)) == 1
        queue = session.execute(
            text("SELECT status, attempts FROM procrastinate_jobs WHERE task_name = :task"),
            {"task": RUN_JOB},
        ).all()
        assert [row.status for row in queue] == ["succeeded"]
    # Each browser stayed on its own server the whole time.
    assert deployment.upstreams_for(keys[port_a]) == {f"127.0.0.1:{port_a}"}
    assert deployment.upstreams_for(keys[port_b]) == {f"127.0.0.1:{port_b}"}
