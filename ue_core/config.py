"""Runtime settings, read once from environment variables.

| variable | meaning | default |
|---|---|---|
| ``UE_DATABASE_URL`` | SQLAlchemy URL of the database | SQLite file ``var/workbench.db`` |
| ``UE_AUTH_MODE`` | ``oidc``, ``local`` or ``demo`` | ``local`` |
| ``UE_ENV`` | ``development`` or ``production`` | ``development`` |

Demo sign-in (a persona picker with no password) is refused when ``UE_ENV=production``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = REPO_ROOT / "data"
DEFAULT_SQLITE_PATH = REPO_ROOT / "var" / "workbench.db"


class AuthMode(StrEnum):
    OIDC = "oidc"
    LOCAL = "local"
    DEMO = "demo"


class ConfigError(Exception):
    """The settings are missing, malformed or unsafe; the message says which and why."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    auth_mode: AuthMode
    environment: str

    @property
    def is_production(self) -> bool:
        return self.environment == "production"


def default_database_url() -> str:
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read and check the settings. Raises ConfigError with a plain-English reason."""
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
    url = source.get("UE_DATABASE_URL", "").strip() or default_database_url()
    return Settings(database_url=url, auth_mode=mode, environment=environment)
