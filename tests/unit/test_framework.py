"""Tests for the maturity framework models, loader and shipped content (ue_core.framework)."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from ue_core.content import ContentError, Problem
from ue_core.framework import (
    DEFAULT_FRAMEWORK_PATH,
    LEVEL_NAMES,
    MAX_PRACTICES,
    MIN_PRACTICES,
    MIN_PRINCIPLES,
    OSR_PRINCIPLE_LABELS,
    PRACTICE_AREA_LABELS,
    Framework,
    load_framework,
    parse_framework,
)

FIXTURES = Path(__file__).parent / "fixtures"
DOMAIN_FACTS = Path("/work/shared/reference/domain-facts.md")


@pytest.fixture(scope="module")
def framework() -> Framework:
    return load_framework()


@pytest.fixture(scope="module")
def shipped_text() -> str:
    return DEFAULT_FRAMEWORK_PATH.read_text(encoding="utf-8")


@pytest.fixture()
def shipped_data(shipped_text: str) -> dict[str, Any]:
    data = yaml.safe_load(shipped_text)
    assert isinstance(data, dict)
    return data


def dump(data: dict[str, Any], **options: Any) -> str:
    return str(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, **options))


def line_of(text: str, pattern: str, after: int = 0) -> int:
    """1-based number of the first line at or after line ``after`` matching ``pattern``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if number >= after and re.search(pattern, line):
            return number
    raise AssertionError(f"{pattern!r} not found")


def content_error(text: str) -> ContentError:
    with pytest.raises(ContentError) as caught:
        parse_framework(text, "edited.yaml")
    return caught.value


def only_problem(error: ContentError) -> Problem:
    assert len(error.problems) == 1, str(error)
    return error.problems[0]


# The shipped content -------------------------------------------------------------------------


def test_default_path_is_data_framework_yaml() -> None:
    repo_root = Path(__file__).resolve().parents[2]
    assert repo_root / "data" / "framework.yaml" == DEFAULT_FRAMEWORK_PATH


def test_shipped_framework_has_the_required_shape(framework: Framework) -> None:
    assert len(framework.principles) >= MIN_PRINCIPLES
    assert MIN_PRACTICES <= len(framework.practices()) <= MAX_PRACTICES
    assert [level.name for level in framework.levels] == list(LEVEL_NAMES)
    assert [level.number for level in framework.levels] == [1, 2, 3, 4, 5]
    for practice in framework.practices():
        assert sorted(practice.levels) == [1, 2, 3, 4, 5]
        assert len(set(practice.levels.values())) == 5


def test_shipped_framework_covers_the_osr_principles_and_practice_areas(
    framework: Framework,
) -> None:
    titles = [principle.title for principle in framework.principles]
    assert titles == [
        "Proactively involving users",
        "Flexible and proportionate",
        "Open and transparent",
        "Working together and joining up",
        "Capability and culture",
    ]
    areas = {practice.practice_area for practice in framework.practices()}
    assert areas == set(PRACTICE_AREA_LABELS)
    osr = {practice.references.osr_principle for practice in framework.practices()}
    assert set(OSR_PRINCIPLE_LABELS) - {"none"} <= osr


def test_shipped_framework_cites_the_relevant_code_practices(framework: Framework) -> None:
    code_2_1 = {ref for p in framework.practices() for ref in p.references.code_2_1}
    code_3_0 = {ref for p in framework.practices() for ref in p.references.code_3_0}
    assert {f"V1.{n}" for n in range(1, 7)} <= code_2_1
    assert {"V3.1", "Q3.1"} <= code_2_1
    assert "1.4" in code_3_0
    assert {ref.split(".")[0] for ref in code_3_0} >= {"9", "10"}
    assert not any(ref == "8" or ref.startswith("8.") for ref in code_3_0)


def test_shipped_framework_says_it_is_not_an_official_scale(framework: Framework) -> None:
    assert "workbench's own framework" in framework.about
    assert "not an official OSR or GSS scale" in framework.about


def test_shipped_help_text_is_two_to_four_sentences(framework: Framework) -> None:
    for practice in framework.practices():
        sentences = re.findall(r"[.?!](?:\s|$)", practice.help)
        assert 2 <= len(sentences) <= 4, practice.key


def test_shipped_text_uses_sentence_case_titles(framework: Framework) -> None:
    proper = {"OSR", "GSS", "Code", "Practice", "Statistics", "UK"}
    titles = [p.title for p in framework.principles] + [p.title for p in framework.practices()]
    for title in titles:
        later_words = title.split()[1:]
        capitalised = [w for w in later_words if w[:1].isupper() and w not in proper]
        assert not capitalised, title


@pytest.mark.skipif(not DOMAIN_FACTS.exists(), reason="shared domain facts not available")
def test_every_cited_url_comes_from_the_domain_facts(framework: Framework) -> None:
    facts = DOMAIN_FACTS.read_text(encoding="utf-8")
    for source in framework.sources:
        assert source.url in facts, source.url


def test_every_practice_source_is_listed_with_a_title(framework: Framework) -> None:
    for practice in framework.practices():
        for url in practice.references.sources:
            assert framework.source_title(url)


# Accessors ----------------------------------------------------------------------------------


def test_lookups_by_key(framework: Framework) -> None:
    first_principle = framework.principles[0]
    first_practice = first_principle.practices[0]

    assert framework.practice(first_practice.key) is first_practice
    assert framework.principle(first_principle.key) is first_principle
    assert framework.principle_of(first_practice.key) is first_principle
    assert framework.level(5).name == "Mastering"
    assert first_practice.descriptor(1) == first_practice.levels[1]


def test_lookups_of_unknown_keys_raise_key_error(framework: Framework) -> None:
    with pytest.raises(KeyError):
        framework.practice("no-such-practice")
    with pytest.raises(KeyError):
        framework.principle("no-such-principle")
    with pytest.raises(KeyError):
        framework.level(6)
    with pytest.raises(KeyError):
        framework.source_title("https://example.org/not-listed")


def test_practice_listings_agree_and_keep_framework_order(framework: Framework) -> None:
    pairs = framework.practices_with_principles()
    assert [practice for _, practice in pairs] == framework.practices()
    assert framework.practice_keys() == [practice.key for practice in framework.practices()]
    for principle, practice in pairs:
        assert practice in principle.practices


# Content hash -------------------------------------------------------------------------------


def test_content_hash_is_stable(framework: Framework, shipped_text: str) -> None:
    assert re.fullmatch(r"[0-9a-f]{64}", framework.content_hash())
    assert parse_framework(shipped_text).content_hash() == framework.content_hash()


def test_stored_json_rebuilds_the_same_framework(framework: Framework) -> None:
    stored = json.loads(json.dumps(framework.model_dump(mode="json")))

    rebuilt = Framework.model_validate(stored)

    assert rebuilt == framework
    assert rebuilt.content_hash() == framework.content_hash()


def test_reformatting_does_not_change_the_content_hash(
    framework: Framework, shipped_data: dict[str, Any]
) -> None:
    # Sorted keys, different indentation and line width, and different quoting.
    reformatted = dump(shipped_data, indent=4, width=50, default_style=None)
    resorted = yaml.safe_dump(shipped_data, sort_keys=True, width=1000)

    assert reformatted != resorted
    assert parse_framework(reformatted).content_hash() == framework.content_hash()
    assert parse_framework(resorted).content_hash() == framework.content_hash()


def test_extra_whitespace_inside_text_does_not_change_the_content_hash(
    framework: Framework, shipped_data: dict[str, Any]
) -> None:
    practice = shipped_data["principles"][0]["practices"][0]
    practice["help"] = "  " + practice["help"].replace(" ", "\n  ", 3) + "\n"

    assert parse_framework(dump(shipped_data)).content_hash() == framework.content_hash()


def test_changing_one_descriptor_changes_the_content_hash(
    framework: Framework, shipped_data: dict[str, Any]
) -> None:
    levels = shipped_data["principles"][2]["practices"][1]["levels"]
    levels[4] = levels[4] + " The team also writes this down."

    assert parse_framework(dump(shipped_data)).content_hash() != framework.content_hash()


def test_changing_a_reference_or_order_changes_the_content_hash(
    framework: Framework, shipped_data: dict[str, Any]
) -> None:
    with_reference = copy.deepcopy(shipped_data)
    with_reference["principles"][0]["practices"][0]["references"]["code_2_1"].append("V1.2")
    reordered = copy.deepcopy(shipped_data)
    practices = reordered["principles"][0]["practices"]
    practices[0], practices[1] = practices[1], practices[0]

    assert parse_framework(dump(with_reference)).content_hash() != framework.content_hash()
    assert parse_framework(dump(reordered)).content_hash() != framework.content_hash()


# Broken files -------------------------------------------------------------------------------


def test_misspelt_key_in_the_shipped_file_names_path_and_line(shipped_text: str) -> None:
    edited = shipped_text.replace("        statement: >-", "        statment: >-", 1)

    error = content_error(edited)

    problems = {problem.path: problem for problem in error.problems}
    practice_line = line_of(shipped_text, r"- key: know-your-users")
    assert problems["principles[0].practices[0].statement"].line == practice_line
    assert problems["principles[0].practices[0].statement"].message == "Field required"
    assert problems["principles[0].practices[0].statment"].line == line_of(edited, "statment:")
    assert f"principles[0].practices[0].statement (line {practice_line})" in str(error)


def test_missing_statement(shipped_data: dict[str, Any]) -> None:
    practice = shipped_data["principles"][1]["practices"][2]
    del practice["statement"]
    text = dump(shipped_data)

    problem = only_problem(content_error(text))

    assert problem.path == "principles[1].practices[2].statement"
    assert problem.line == line_of(text, rf"key: {practice['key']}$")
    assert problem.message == "Field required"


def test_sixth_level(shipped_data: dict[str, Any]) -> None:
    practice = shipped_data["principles"][0]["practices"][3]
    practice["levels"][6] = "A sixth level that the framework does not have."
    text = dump(shipped_data)

    problem = only_problem(content_error(text))

    assert problem.path == "principles[0].practices[3].levels.6"
    assert problem.line == line_of(
        text, r"^\s+6:", after=line_of(text, rf"key: {practice['key']}$")
    )
    assert "less than or equal to 5" in problem.message


def test_missing_level(shipped_data: dict[str, Any]) -> None:
    del shipped_data["principles"][4]["practices"][0]["levels"][3]
    text = dump(shipped_data)

    problem = only_problem(content_error(text))

    assert problem.path == "principles[4].practices[0].levels"
    assert "missing 3" in problem.message


@pytest.mark.parametrize("bad_id", ["V9.1", "X1.1", "V1", "v1.5", "V1.5a"])
def test_bad_code_2_1_id(shipped_data: dict[str, Any], bad_id: str) -> None:
    references = shipped_data["principles"][2]["practices"][0]["references"]
    references["code_2_1"] = ["V1.4", bad_id]
    text = dump(shipped_data)

    problem = only_problem(content_error(text))

    assert problem.path == "principles[2].practices[0].references.code_2_1[1]"
    assert problem.line == line_of(text, rf"- {re.escape(bad_id)}$")
    assert "not a Code of Practice 2.1 practice ID" in problem.message


@pytest.mark.parametrize("ref", ["8", "8.1", "9.8"])
def test_unverified_code_3_0_refs_are_rejected(shipped_data: dict[str, Any], ref: str) -> None:
    shipped_data["principles"][0]["practices"][0]["references"]["code_3_0"] = [ref]

    problem = only_problem(content_error(dump(shipped_data)))

    assert problem.path == "principles[0].practices[0].references.code_3_0[0]"
    assert "not in the list of Code of Practice 3.0 practices" in problem.message


def test_bad_code_3_0_ref(shipped_data: dict[str, Any]) -> None:
    shipped_data["principles"][0]["practices"][0]["references"]["code_3_0"] = ["11.2"]

    problem = only_problem(content_error(dump(shipped_data)))

    assert "not a Code of Practice 3.0 reference" in problem.message


def test_duplicate_practice_key(shipped_data: dict[str, Any]) -> None:
    first_key = shipped_data["principles"][0]["practices"][0]["key"]
    duplicate = shipped_data["principles"][3]["practices"][1]
    duplicate["key"] = first_key
    text = dump(shipped_data)

    problem = only_problem(content_error(text))

    assert problem.path == "principles[3].practices[1].key"
    assert problem.line == line_of(text, rf"key: {first_key}$", after=line_of(text, "key: working"))
    assert "duplicate practice key" in problem.message
    assert "principles[0].practices[0]" in problem.message


def test_duplicate_principle_key(shipped_data: dict[str, Any]) -> None:
    shipped_data["principles"][4]["key"] = shipped_data["principles"][1]["key"]

    problem = only_problem(content_error(dump(shipped_data)))

    assert problem.path == "principles[4].key"
    assert "duplicate principle key" in problem.message


def test_unlisted_source_url(shipped_data: dict[str, Any]) -> None:
    shipped_data["principles"][1]["practices"][0]["references"]["sources"] = [
        "https://www.example.org/not-in-the-list"
    ]

    problem = only_problem(content_error(dump(shipped_data)))

    assert problem.path == "principles[1].practices[0].references.sources[0]"
    assert "not in the framework's sources list" in problem.message


def test_non_https_source_is_rejected(shipped_data: dict[str, Any]) -> None:
    shipped_data["sources"][0]["url"] = "http://insecure.example.org/page"

    problem = only_problem(content_error(dump(shipped_data)))

    assert problem.path == "sources[0].url"


def test_unknown_practice_area_and_osr_principle(shipped_data: dict[str, Any]) -> None:
    practice = shipped_data["principles"][0]["practices"][0]
    practice["practice_area"] = "celebrate"
    practice["references"]["osr_principle"] = "be nice"

    paths = {problem.path for problem in content_error(dump(shipped_data)).problems}

    assert paths == {
        "principles[0].practices[0].practice_area",
        "principles[0].practices[0].references.osr_principle",
    }


def test_too_many_practices(shipped_data: dict[str, Any]) -> None:
    practices = shipped_data["principles"][0]["practices"]
    for n in range(MAX_PRACTICES):
        extra = copy.deepcopy(practices[0])
        extra["key"] = f"extra-practice-{n}"
        practices.append(extra)

    problem = only_problem(content_error(dump(shipped_data)))

    assert problem.path == "principles"
    assert f"{MIN_PRACTICES} to {MAX_PRACTICES} practices" in problem.message


def test_missing_practice_area_coverage(shipped_data: dict[str, Any]) -> None:
    for principle in shipped_data["principles"]:
        for practice in principle["practices"]:
            if practice["practice_area"] == "collaborative":
                practice["practice_area"] = "planned"

    problem = only_problem(content_error(dump(shipped_data)))

    assert "none for collaborative" in problem.message


def test_undersized_fixture_reports_every_problem() -> None:
    path = FIXTURES / "framework_too_small.yaml"

    with pytest.raises(ContentError) as caught:
        load_framework(path)

    problems = {problem.path: problem for problem in caught.value.problems}
    assert set(problems) == {"levels", "principles[0].practices[0].references.code_3_0[0]"}
    assert problems["levels"].line == line_of(path.read_text(encoding="utf-8"), "^levels:")
    assert "Beginning" in problems["levels"].message
    assert str(path) in str(caught.value)


def test_yaml_syntax_error_fixture_gives_the_line() -> None:
    path = FIXTURES / "framework_syntax_error.yaml"

    with pytest.raises(ContentError) as caught:
        load_framework(path)

    problem = only_problem(caught.value)
    assert problem.message.startswith("YAML syntax:")
    assert problem.line == 9
    assert f"{path}: 1 problem" in str(caught.value)
