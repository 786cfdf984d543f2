"""The database the services work on, as the app opens it.

Every service takes the ``Database`` first; the app opens one per database URL and shares it
(``ui/context.py``), so the user interface reaches data only through the services.
"""

from __future__ import annotations

from ue_core.db.engine import Database

__all__ = ["Database", "open_database"]


def open_database(url: str) -> Database:
    """Open the database at ``url`` (its engine and session factory); nothing is read yet."""
    return Database(url)
