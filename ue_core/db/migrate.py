"""Bring a database to the newest schema: ``python -m ue_core.db.migrate``."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.environment import NameFilterType as NameType

from ue_core.config import REPO_ROOT, load_settings


def ours(name: str | None, type_: NameType, parent_names: MutableMapping[Any, str | None]) -> bool:
    """Whether Alembic's comparison of models and database looks at a table: every table but
    procrastinate's task queue (made by migration 0020 from procrastinate's own schema)."""
    return not (type_ == "table" and (name or "").startswith("procrastinate_"))


def alembic_config(url: str) -> Config:
    config = Config(str(REPO_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(REPO_ROOT / "migrations"))
    config.attributes["url"] = url
    return config


def upgrade(url: str) -> None:
    """Apply every migration not yet applied to the database at ``url``."""
    command.upgrade(alembic_config(url), "head")


def main() -> None:
    settings = load_settings()
    upgrade(settings.database_url)
    print(f"Database is up to date: {settings.database_url}")


if __name__ == "__main__":
    main()
