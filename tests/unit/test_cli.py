from __future__ import annotations

from pathlib import Path

import pytest

from ue_core.cli import main
from ue_core.db.engine import Database
from ue_core.services import accounts


def test_create_admin_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("UE_DATABASE_URL", url)
    monkeypatch.setenv("UE_NEW_PASSWORD", "a long enough password")
    assert (
        main(["create-user", "--email", "Ops@Test.example", "--name", "Ops", "--role", "admin"])
        == 0
    )
    db = Database(url)
    actor = accounts.authenticate(db, "ops@test.example", "a long enough password")
    assert actor is not None and actor.roles == {accounts.Role.ADMIN}
    db.dispose()


def test_short_password_and_duplicates_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("UE_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("UE_NEW_PASSWORD", "short")
    assert main(["create-user", "--email", "a@test.example", "--name", "A", "--role", "admin"]) == 2
    assert "at least 12 characters" in capsys.readouterr().err


def test_member_needs_an_existing_team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UE_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    with pytest.raises(SystemExit, match="No single team"):
        main(
            [
                "create-user",
                "--email",
                "m@test.example",
                "--name",
                "M",
                "--role",
                "member",
                "--team",
                "Nope",
                "--no-password",
            ]
        )


def test_load_framework_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("UE_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    assert main(["load-framework"]) == 0
    assert main(["load-framework"]) == 0
    assert "has not changed" in capsys.readouterr().out
