from __future__ import annotations

from datetime import timedelta

import pytest

from ue_core.config import (
    AuthMode,
    ConfigError,
    OidcTrust,
    default_database_url,
    is_loopback_address,
    load_settings,
)


def test_defaults_are_local_sign_in_and_sqlite_outside_data() -> None:
    settings = load_settings({})
    assert settings.auth_mode is AuthMode.LOCAL
    assert settings.database_url == default_database_url()
    assert "/data/" not in settings.database_url
    assert not settings.is_production


def test_database_url_and_mode_come_from_environment() -> None:
    settings = load_settings(
        {
            "UE_DATABASE_URL": "postgresql+psycopg://x@h/db",
            "UE_AUTH_MODE": "OIDC",
            "UE_OIDC_ISSUER": "https://id.example",
        }
    )
    assert settings.database_url == "postgresql+psycopg://x@h/db"
    assert settings.auth_mode is AuthMode.OIDC


def test_single_sign_on_needs_the_issuer_it_trusts() -> None:
    with pytest.raises(ConfigError, match="UE_OIDC_ISSUER"):
        load_settings({"UE_AUTH_MODE": "oidc"})
    settings = load_settings(
        {
            "UE_AUTH_MODE": "oidc",
            "UE_OIDC_ISSUER": " https://login.example/t1/v2.0 ",
            "UE_OIDC_TENANT": "t1",
            "UE_OIDC_ALLOWED_DOMAINS": "ONS.gov.uk, @stats.example ,",
        }
    )
    assert settings.oidc == OidcTrust(
        issuer="https://login.example/t1/v2.0",
        tenant="t1",
        allowed_domains=("ons.gov.uk", "stats.example"),
    )
    assert load_settings({}).oidc is None


def test_allowed_domains_must_be_domains() -> None:
    with pytest.raises(ConfigError, match="'ons gov uk'"):
        load_settings(
            {
                "UE_AUTH_MODE": "oidc",
                "UE_OIDC_ISSUER": "https://id.example",
                "UE_OIDC_ALLOWED_DOMAINS": "ons gov uk",
            }
        )


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


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.1.1", "::1", "[::1]", "localhost"])
def test_loopback_addresses_allow_demo_sign_in(address: str) -> None:
    assert is_loopback_address(address)
    settings = load_settings({"UE_AUTH_MODE": "demo"}, server_address=address)
    assert settings.auth_mode is AuthMode.DEMO


@pytest.mark.parametrize("address", ["", "0.0.0.0", "::", "192.168.1.20", "workbench.example"])
def test_demo_sign_in_refuses_a_server_others_can_reach(address: str) -> None:
    assert not is_loopback_address(address)
    with pytest.raises(ConfigError, match="only on a loopback address") as refused:
        load_settings({"UE_AUTH_MODE": "demo"}, server_address=address)
    assert "--server.address 127.0.0.1" in str(refused.value)
    # Other sign-in modes do not care where the server listens.
    assert load_settings({"UE_AUTH_MODE": "local"}, server_address=address)


def test_idle_minutes_default_to_30_and_must_be_a_whole_number() -> None:
    assert load_settings({}).session_idle == timedelta(minutes=30)
    assert load_settings({"UE_SESSION_IDLE_MINUTES": "5"}).session_idle == timedelta(minutes=5)
    for bad in ("0", "-3", "ten", "1.5", "100000"):
        with pytest.raises(ConfigError, match="UE_SESSION_IDLE_MINUTES"):
            load_settings({"UE_SESSION_IDLE_MINUTES": bad})


def test_make_run_serves_on_loopback_only() -> None:
    from pathlib import Path

    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text(encoding="utf-8")
    run_line = next(line for line in makefile.splitlines() if "streamlit run" in line)
    assert "--server.address 127.0.0.1" in run_line
