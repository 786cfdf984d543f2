"""Bring a database to the newest schema: ``python -m ue_core.db.migrate``."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from ue_core.config import REPO_ROOT, load_settings


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
