"""The deployment files in deploy/ agree with the code and with each other (docs/deployment.md).

The end-to-end test (tests/e2e/test_deployment.py) runs nginx's configuration and the
production settings; this checks, without starting anything, what it cannot: that every
Streamlit setting named in the settings file exists, that the systemd units and the Procfile
start commands that exist, and that the units, settings and nginx agree on ports and paths.
"""

from __future__ import annotations

import configparser
import importlib.util
import re
import shlex
from pathlib import Path

import pytest
from streamlit import config as streamlit_config

from tests.deploy_support import DEPLOY, production_env
from ue_core.config import load_settings

REPO = Path(__file__).resolve().parents[2]
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
ENV_FILE = "/etc/workbench/workbench.env"


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(path.read_text())
    return parser


def check_command(command: list[str]) -> None:
    """A Python command of ours: ``python -m <module>`` or ``-m streamlit run <file>``."""
    assert command[0].endswith("python"), command
    assert command[1] == "-m", command
    module = command[2]
    assert importlib.util.find_spec(module) is not None, f"no module {module}"
    if module == "streamlit":
        assert command[3] == "run" and (REPO / command[4]).is_file(), command
        address = command[command.index("--server.address") + 1]
        assert address == "127.0.0.1", "app servers listen only where nginx reaches them"


def test_every_streamlit_setting_in_the_settings_file_exists() -> None:
    streamlit_config.get_config_options()
    known = {option.env_var for option in streamlit_config._config_options.values()}  # type: ignore[union-attr]
    named = {key for key in production_env() if key.startswith("STREAMLIT_")}
    assert named and not named - known, f"not Streamlit settings: {sorted(named - known)}"


def test_the_settings_file_is_production_and_loads() -> None:
    env = production_env()
    settings = load_settings(env, server_address=env["STREAMLIT_SERVER_ADDRESS"])
    assert settings.is_production
    assert settings.auth_mode.value != "demo"
    assert settings.database_url.startswith("postgresql+psycopg://")
    assert env["STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION"] == "true"
    assert env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] == "false"
    assert env["STREAMLIT_SERVER_HEADLESS"] == "true"
    assert env["STREAMLIT_CLIENT_SHOW_ERROR_DETAILS"] == "none"
    # The secrets are left for the operator to fill in, never shipped.
    assert env["STREAMLIT_SERVER_COOKIE_SECRET"] == "CHANGE"


@pytest.mark.parametrize("path", UNITS, ids=lambda path: path.name)
def test_each_systemd_unit_starts_a_real_command_with_the_settings(path: Path) -> None:
    service = unit(path)["Service"]
    assert service["EnvironmentFile"] == ENV_FILE
    assert service["User"] == "workbench"
    assert service.get("NoNewPrivileges") == "yes"
    command = shlex.split(service["ExecStart"].replace("%i", "8501").replace("%H", "host"))
    assert command[0] == "/opt/workbench/.venv/bin/python"
    check_command(command)
    if path.name != "workbench-migrate.service":
        # Migrations run once, before any app server or worker.
        assert "workbench-migrate.service" in unit(path)["Unit"]["Requires"]
        assert "workbench-migrate.service" in unit(path)["Unit"]["After"]


def test_the_procfile_lists_the_same_commands() -> None:
    lines = [
        line
        for line in (DEPLOY / "Procfile").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    names = [line.split(":", 1)[0] for line in lines]
    assert "release" in names and any(n.startswith("web") for n in names)
    assert any(n.startswith("worker") for n in names)
    for line in lines:
        command = shlex.split(line.split(":", 1)[1])
        if command[0] == "python":
            check_command(command)
        else:
            assert command[0] == "nginx"


def test_nginx_allows_uploads_just_over_streamlits_limit() -> None:
    template = (DEPLOY / "nginx.conf.template").read_text()
    limit = int(production_env()["STREAMLIT_SERVER_MAX_UPLOAD_SIZE"])
    [body] = re.findall(r"client_max_body_size (\d+)m;", template)
    assert int(body) == limit + 1
    assert f"maxUploadSize = {limit}\n" in (REPO / ".streamlit" / "config.toml").read_text()
    # The WebSocket upgrade and sticky sessions are there.
    assert "proxy_set_header Upgrade $http_upgrade;" in template
    assert "hash $route_key consistent;" in template
