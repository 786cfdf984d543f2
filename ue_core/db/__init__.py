"""Database layer: models, engine and migrations. Only ue_core services import this package."""
