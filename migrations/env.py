"""Alembic environment: the database URL comes from UE_DATABASE_URL (or -x url=...)."""

from __future__ import annotations

from alembic import context

from ue_core.config import load_settings
from ue_core.db.engine import create_db_engine
from ue_core.db.migrate import ours
from ue_core.db.models import Base

config = context.config
target_metadata = Base.metadata


def database_url() -> str:
    override = context.get_x_argument(as_dictionary=True).get("url")
    configured = config.attributes.get("url")
    if isinstance(configured, str):
        return configured
    return override or load_settings().database_url


def run_migrations_offline() -> None:
    context.configure(
        url=database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = create_db_engine(database_url())
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_name=ours,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
