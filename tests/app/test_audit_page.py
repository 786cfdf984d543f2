"""Audit log page: admins filter and download the log; nobody else can reach it."""

from __future__ import annotations

import pytest

from tests.app.conftest import app_as
from tests.factories import World


def test_admin_sees_the_log_and_filters_it_by_action(world: World) -> None:
    at = app_as(world, "admin", "screens/audit.py").run()
    assert not at.exception and not at.error
    assert at.title[0].value == "Audit log"
    log = at.dataframe[0].value
    assert set(log["Did"]) >= {"Create user", "Load framework"}
    action = next(s for s in at.selectbox if s.label == "Action")
    action.set_value("load_framework").run()
    assert set(at.dataframe[0].value["Did"]) == {"Load framework"}
    assert any(b.label == "Download these events (CSV)" for b in at.get("download_button"))


def test_a_bad_object_number_gets_a_clear_message(world: World) -> None:
    at = app_as(world, "admin", "screens/audit.py").run()
    next(t for t in at.text_input if t.label == "Object number").input("twelve").run()
    assert [e.value for e in at.error] == [
        "Enter the object number as digits only, for example 12."
    ]


@pytest.mark.parametrize("who", ["member", "lead", "champion", "consultant"])
def test_a_team_member_or_consultant_cannot_reach_the_audit_page(world: World, who: str) -> None:
    at = app_as(world, who, "screens/audit.py").run()
    assert [e.value for e in at.error] == [
        "You do not have access to this. Ask your admin if you need it."
    ]
    assert not at.title and not at.dataframe
