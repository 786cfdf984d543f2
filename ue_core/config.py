"""Runtime settings, read once from environment variables.

| variable | meaning | default |
|---|---|---|
| ``UE_DATABASE_URL`` | SQLAlchemy URL of the database | SQLite file ``var/workbench.db`` |
| ``UE_DATABASE_POOL_SIZE`` | PostgreSQL connections kept open per process | ``5`` |
| ``UE_DATABASE_MAX_OVERFLOW`` | extra connections a busy process may open | ``10`` |
| ``UE_AUTH_MODE`` | ``oidc``, ``local`` or ``demo`` | ``local`` |
| ``UE_ENV`` | ``development`` or ``production`` | ``development`` |
| ``UE_SESSION_IDLE_MINUTES`` | minutes without use after which a sign-in ends | ``30`` |
| ``UE_OIDC_ISSUER`` | the single sign-on service trusted (its ``iss``); required for oidc | none |
| ``UE_OIDC_TENANT`` | the organisation's tenant there (its ``tid``), if it has one | none |
| ``UE_OIDC_ALLOWED_DOMAINS`` | comma-separated email domains allowed to sign in | any domain |

Demo sign-in (a persona picker with no password) is refused when ``UE_ENV=production``, and
unless the web server listens only on a loopback address (``--server.address 127.0.0.1``).
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = REPO_ROOT / "data"
DEFAULT_SQLITE_PATH = REPO_ROOT / "var" / "workbench.db"
DEFAULT_SESSION_IDLE_MINUTES = 30


class AuthMode(StrEnum):
    OIDC = "oidc"
    LOCAL = "local"
    DEMO = "demo"


class ConfigError(Exception):
    """The settings are missing, malformed or unsafe; the message says which and why."""


@dataclass(frozen=True)
class OidcTrust:
    """What single sign-on trusts: one issuer, optionally one tenant and some email domains."""

    issuer: str
    tenant: str = ""
    #: Lower-case email domains allowed to sign in; empty means any.
    allowed_domains: tuple[str, ...] = ()


@dataclass(frozen=True)
class Settings:
    database_url: str
    auth_mode: AuthMode
    environment: str
    session_idle: timedelta = timedelta(minutes=DEFAULT_SESSION_IDLE_MINUTES)
    #: Set exactly when ``auth_mode`` is oidc.
    oidc: OidcTrust | None = None

    @property
    def is_production(self) -> bool:
        return self.environment == "production"


def default_database_url() -> str:
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def is_loopback_address(address: str | None) -> bool:
    """Whether a server listening on ``address`` can be reached only from this machine.

    No address (Streamlit's default) means every network interface, so it is not loopback.
    """
    host = (address or "").strip().strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_demo_address(mode: AuthMode, server_address: str | None) -> None:
    """Refuse demo sign-in on a server others can reach: anyone could choose the Admin persona."""
    if mode is AuthMode.DEMO and not is_loopback_address(server_address):
        where = f"'{server_address}'" if server_address else "every network address"
        raise ConfigError(
            f"Demo sign-in lets anyone act as any demo person, including an admin, so it runs "
            f"only on a loopback address, but the server listens on {where}. Start it with "
            "--server.address 127.0.0.1 (make run does), or set UE_AUTH_MODE to oidc or local."
        )


def _idle_time(source: Mapping[str, str]) -> timedelta:
    raw = source.get("UE_SESSION_IDLE_MINUTES", "").strip()
    if not raw:
        return timedelta(minutes=DEFAULT_SESSION_IDLE_MINUTES)
    if not raw.isdecimal() or not 1 <= int(raw) <= 24 * 60:
        raise ConfigError(
            f"UE_SESSION_IDLE_MINUTES is '{raw}': use a whole number of minutes from 1 to 1440."
        )
    return timedelta(minutes=int(raw))


def _oidc_trust(source: Mapping[str, str]) -> OidcTrust:
    issuer = source.get("UE_OIDC_ISSUER", "").strip()
    if not issuer:
        raise ConfigError(
            "UE_AUTH_MODE is oidc but UE_OIDC_ISSUER is not set: set it to the issuer ('iss') "
            "of your organisation's sign-in service, for example "
            "https://login.microsoftonline.com/<tenant id>/v2.0."
        )
    domains = tuple(
        part.strip().lower().lstrip("@")
        for part in source.get("UE_OIDC_ALLOWED_DOMAINS", "").split(",")
        if part.strip()
    )
    for domain in domains:
        if "." not in domain or "@" in domain or " " in domain:
            raise ConfigError(
                f"UE_OIDC_ALLOWED_DOMAINS has '{domain}': use email domains separated by commas, "
                "for example ons.gov.uk,statistics.gov.uk."
            )
    return OidcTrust(
        issuer=issuer, tenant=source.get("UE_OIDC_TENANT", "").strip(), allowed_domains=domains
    )


def load_settings(
    env: Mapping[str, str] | None = None, *, server_address: str | None = None
) -> Settings:
    """Read and check the settings. Raises ConfigError with a plain-English reason.

    The web app passes the address its server listens on, so demo sign-in is refused unless
    that is a loopback address; tools without a server (the command line) pass nothing.
    """
    source = os.environ if env is None else env
    environment = source.get("UE_ENV", "development").strip().lower() or "development"
    if environment not in {"development", "production", "test"}:
        raise ConfigError(f"UE_ENV is '{environment}': use development, test or production.")
    raw_mode = source.get("UE_AUTH_MODE", AuthMode.LOCAL.value).strip().lower()
    try:
        mode = AuthMode(raw_mode)
    except ValueError:
        raise ConfigError(f"UE_AUTH_MODE is '{raw_mode}': use oidc, local or demo.") from None
    if mode is AuthMode.DEMO and environment == "production":
        raise ConfigError(
            "Demo sign-in is switched off in production (UE_ENV=production). "
            "Set UE_AUTH_MODE to oidc or local."
        )
    if server_address is not None:
        check_demo_address(mode, server_address)
    url = source.get("UE_DATABASE_URL", "").strip() or default_database_url()
    return Settings(
        database_url=url,
        auth_mode=mode,
        environment=environment,
        session_idle=_idle_time(source),
        oidc=_oidc_trust(source) if mode is AuthMode.OIDC else None,
    )
