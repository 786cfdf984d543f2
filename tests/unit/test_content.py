"""Tests for the generic validated-content loader (ue_core.content)."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Annotated

import pytest
from pydantic import BaseModel, ConfigDict, Field

from ue_core.content import ContentError, Problem, load_model, parse_model

FIXTURES = Path(__file__).parent / "fixtures" / "content"


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    count: int = Field(ge=0)
    tags: dict[Annotated[int, Field(ge=1, le=5)], str] = Field(default_factory=dict)


class Catalogue(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str
    items: list[Item]


def problems_by_path(error: ContentError) -> dict[str, Problem]:
    return {problem.path: problem for problem in error.problems}


def test_valid_file_loads_into_the_model() -> None:
    catalogue = load_model(FIXTURES / "catalogue_valid.yaml", Catalogue)

    assert catalogue.title == "Example catalogue"
    assert [item.name for item in catalogue.items] == ["First item", "Second item"]
    assert catalogue.items[0].tags == {1: "one", 2: "two"}


def test_every_validation_problem_names_key_path_and_line() -> None:
    path = FIXTURES / "catalogue_broken.yaml"

    with pytest.raises(ContentError) as caught:
        load_model(path, Catalogue)

    problems = problems_by_path(caught.value)
    assert set(problems) == {
        "items[0].tags.7",
        "items[1].count",
        "items[2].name",
        "items[2].colour",
    }
    # Dictionary keys are shown after a dot, list positions in brackets, lines count from 1.
    assert problems["items[0].tags.7"].line == 7
    assert "less than or equal to 5" in problems["items[0].tags.7"].message
    assert problems["items[1].count"].line == 9
    assert "greater than or equal to 0" in problems["items[1].count"].message
    # A missing key is reported at the start of the mapping that lacks it.
    assert problems["items[2].name"].line == 10
    assert problems["items[2].name"].message == "Field required"
    assert problems["items[2].colour"].line == 11


def test_error_message_names_the_file_path_and_line() -> None:
    path = FIXTURES / "catalogue_broken.yaml"

    with pytest.raises(ContentError) as caught:
        load_model(path, Catalogue)

    message = str(caught.value)
    assert message.startswith(f"{path}: 4 problems")
    assert "items[1].count (line 9): Input should be greater than or equal to 0" in message
    assert caught.value.source == str(path)


def test_problems_are_listed_in_line_order() -> None:
    with pytest.raises(ContentError) as caught:
        load_model(FIXTURES / "catalogue_broken.yaml", Catalogue)

    lines = [problem.line for problem in caught.value.problems if problem.line is not None]
    assert lines == sorted(lines)


def test_yaml_syntax_error_gives_the_line() -> None:
    with pytest.raises(ContentError) as caught:
        load_model(FIXTURES / "catalogue_syntax_error.yaml", Catalogue)

    [problem] = caught.value.problems
    assert problem.path == ""
    assert problem.message.startswith("YAML syntax:")
    # The unclosed flow sequence opens on line 4; the parser notices on line 5.
    assert problem.line in {4, 5}
    assert f"(line {problem.line})" in str(caught.value)


def test_duplicate_mapping_key_is_an_error_not_silently_overwritten() -> None:
    with pytest.raises(ContentError) as caught:
        load_model(FIXTURES / "catalogue_duplicate_key.yaml", Catalogue)

    [problem] = caught.value.problems
    assert problem.path == "items[0].name"
    assert problem.line == 5
    assert "first used on line 3" in problem.message


def test_missing_file_is_a_content_error_without_a_line(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as caught:
        load_model(tmp_path / "absent.yaml", Catalogue)

    [problem] = caught.value.problems
    assert problem.line is None
    assert "cannot read the file" in problem.message


def test_empty_text_is_a_content_error() -> None:
    with pytest.raises(ContentError, match="the file is empty"):
        parse_model("# only a comment\n", "empty.yaml", Catalogue)


def test_wrong_top_level_type_is_reported_at_the_document() -> None:
    with pytest.raises(ContentError) as caught:
        parse_model("- just\n- a list\n", "list.yaml", Catalogue)

    [problem] = caught.value.problems
    assert problem.path == ""
    assert problem.line == 1
    assert "(document) (line 1)" in str(caught.value)


def test_nested_missing_parent_keeps_the_nearest_line() -> None:
    text = "title: Only a title\n"

    with pytest.raises(ContentError) as caught:
        parse_model(text, "partial.yaml", Catalogue)

    [problem] = caught.value.problems
    assert problem.path == "items"
    assert problem.line == 1


def test_flow_style_lists_report_the_line_of_the_item() -> None:
    text = "title: Flow\nitems:\n  - {name: a, count: 1}\n  - {name: b, count: x}\n"

    with pytest.raises(ContentError) as caught:
        parse_model(text, "flow.yaml", Catalogue)

    [problem] = caught.value.problems
    assert problem.path == "items[1].count"
    assert problem.line == 4


def test_problem_string_without_path_or_line() -> None:
    assert str(Problem("", None, "broken")) == "(document): broken"
    assert str(Problem("a[1].b", 3, "bad")) == "a[1].b (line 3): bad"


def test_single_problem_heading_is_singular() -> None:
    error = ContentError("x.yaml", [Problem("a", 1, "bad")])

    assert str(error).splitlines()[0] == "x.yaml: 1 problem"


def test_content_error_survives_pickling() -> None:
    error = ContentError("x.yaml", [Problem("a.b", 2, "bad")])

    copy = pickle.loads(pickle.dumps(error))

    assert copy.problems == error.problems
    assert str(copy) == str(error)
