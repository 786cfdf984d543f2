"""Tests for the Code of Practice practices the framework may cite (data/code_of_practice.yaml)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from ue_core.code_of_practice import (
    DEFAULT_CODE_PATH,
    CodeOfPractice,
    load_code_of_practice,
    shipped_code_of_practice,
)
from ue_core.content import ContentError, parse_model
from ue_core.framework import DEFAULT_FRAMEWORK_PATH

DOMAIN_FACTS = Path("/work/shared/reference/domain-facts.md")


@pytest.fixture(scope="module")
def code() -> CodeOfPractice:
    return load_code_of_practice()


@pytest.fixture()
def shipped_data() -> dict[str, Any]:
    data = yaml.safe_load(DEFAULT_CODE_PATH.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ContentError) as caught:
        parse_model(yaml.safe_dump(data), "edited.yaml", CodeOfPractice)
    return [f"{problem.path}: {problem.message}" for problem in caught.value.problems]


def test_every_code_reference_in_the_framework_file_is_listed(code: CodeOfPractice) -> None:
    framework = yaml.safe_load(DEFAULT_FRAMEWORK_PATH.read_text(encoding="utf-8"))
    missing = [
        f"{practice['key']}: edition {edition} {ref}"
        for principle in framework["principles"]
        for practice in principle["practices"]
        for field, edition in (("code_2_1", "2.1"), ("code_3_0", "3.0"))
        for ref in practice["references"][field]
        if ref not in code.ids(edition)  # type: ignore[arg-type]
    ]
    assert missing == []


def test_the_list_covers_both_editions_with_titles_and_sources(code: CodeOfPractice) -> None:
    v1 = code.reference("2.1", "V1.5")
    assert v1.label == "V1.5 Act on views and feed back"
    assert v1.group_title == "Relevance to users"
    assert v1.source_url.startswith("https://code.statisticsauthority.gov.uk/")
    nine_seven = code.reference("3.0", "9.7")
    assert nine_seven.label == "9.7 Give advance notice of material changes"
    assert nine_seven.group_id == "9"
    assert {f"9.{n}" for n in range(1, 8)} <= code.ids("3.0")
    assert {f"10.{n}" for n in range(1, 8)} <= code.ids("3.0")
    with pytest.raises(KeyError):
        code.reference("3.0", "9.8")


@pytest.mark.skipif(not DOMAIN_FACTS.exists(), reason="shared reference notes are not here")
def test_every_listed_id_title_and_source_is_in_the_checked_facts(code: CodeOfPractice) -> None:
    facts = DOMAIN_FACTS.read_text(encoding="utf-8")
    for number in ("2.1", "3.0"):
        for group in code.edition(number).groups:
            assert group.source_url in facts, group.id
            assert group.title in facts, group.id
            for practice in group.practices:
                # A table row "| V1.5 |" or a list item "- 9.7:" describes the practice.
                row = rf"(\| {re.escape(practice.id)} \||- {re.escape(practice.id)}:)"
                assert re.search(row, facts), practice.id
    for row in re.findall(r"^\| (V1\.\d) \| ([^|]+) \|", facts, flags=re.MULTILINE):
        assert code.reference("2.1", row[0]).title == row[1].strip()


def test_the_shipped_list_is_loaded_once() -> None:
    assert shipped_code_of_practice() is shipped_code_of_practice()


def test_unverified_standard_8_cannot_be_listed(shipped_data: dict[str, Any]) -> None:
    shipped_data["editions"][1]["groups"].append(
        {
            "id": "8",
            "title": "Not confirmed",
            "source_url": "https://code.statisticsauthority.gov.uk/",
            "practices": [{"id": "8.1", "title": "Not confirmed"}],
        }
    )
    found = problems(shipped_data)
    assert len(found) == 1
    assert found[0].startswith("editions[1]")
    assert "'8' is unverified" in found[0]


def test_unverified_practice_9_8_cannot_be_listed(shipped_data: dict[str, Any]) -> None:
    standard_nine = next(g for g in shipped_data["editions"][1]["groups"] if g["id"] == "9")
    standard_nine["practices"].append({"id": "9.8", "title": "Not confirmed"})
    found = problems(shipped_data)
    assert len(found) == 1
    assert "'9.8' is unverified" in found[0]


def test_a_practice_must_sit_under_its_own_principle(shipped_data: dict[str, Any]) -> None:
    shipped_data["editions"][0]["groups"][0]["practices"].append(
        {"id": "V3.9", "title": "Misfiled"}
    )
    found = problems(shipped_data)
    assert len(found) == 1
    assert found[0].startswith("editions[0].groups[0]")
    assert "'V3.9' does not belong to 'V1'" in found[0]


def test_an_id_listed_twice_is_refused(shipped_data: dict[str, Any]) -> None:
    shipped_data["editions"][0]["groups"].append(shipped_data["editions"][0]["groups"][0])
    assert any("'V1' is listed twice" in problem for problem in problems(shipped_data))


def test_an_id_of_the_wrong_edition_is_refused(shipped_data: dict[str, Any]) -> None:
    shipped_data["editions"][0]["groups"].append(
        {
            "id": "9",
            "title": "Be clear",
            "source_url": "https://code.statisticsauthority.gov.uk/",
            "practices": [{"id": "9.1", "title": "Clear outputs"}],
        }
    )
    assert any("not an edition 2.1 principle" in problem for problem in problems(shipped_data))


def test_both_editions_are_required(shipped_data: dict[str, Any]) -> None:
    del shipped_data["editions"][1]
    assert any("edition 2.1 and edition 3.0" in problem for problem in problems(shipped_data))
