from __future__ import annotations

import pytest

from ue_core.config import AuthMode, ConfigError, default_database_url, load_settings


def test_defaults_are_local_sign_in_and_sqlite_outside_data() -> None:
    settings = load_settings({})
    assert settings.auth_mode is AuthMode.LOCAL
    assert settings.database_url == default_database_url()
    assert "/data/" not in settings.database_url
    assert not settings.is_production


def test_database_url_and_mode_come_from_environment() -> None:
    settings = load_settings(
        {"UE_DATABASE_URL": "postgresql+psycopg://x@h/db", "UE_AUTH_MODE": "OIDC"}
    )
    assert settings.database_url == "postgresql+psycopg://x@h/db"
    assert settings.auth_mode is AuthMode.OIDC


def test_demo_sign_in_is_refused_in_production() -> None:
    with pytest.raises(ConfigError, match="production"):
        load_settings({"UE_AUTH_MODE": "demo", "UE_ENV": "production"})


def test_unknown_values_are_named() -> None:
    with pytest.raises(ConfigError, match="'magic'"):
        load_settings({"UE_AUTH_MODE": "magic"})
    with pytest.raises(ConfigError, match="'staging'"):
        load_settings({"UE_ENV": "staging"})


def test_streamlit_grid_downloads_are_off_because_they_are_not_formula_safe() -> None:
    import tomllib
    from pathlib import Path

    from streamlit import config as streamlit_config

    path = Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml"
    settings = tomllib.loads(path.read_text(encoding="utf-8"))
    assert settings["client"]["disableDataExport"] is True
    # The pinned Streamlit knows the option, so the setting is not silently ignored.
    assert "client.disableDataExport" in streamlit_config._config_options_template
