"""Load YAML content files and validate them against pydantic models.

Content (the framework, the case-study and training catalogue) lives in ``data/`` as YAML written
by people. When a file is wrong, the person fixing it needs to know which file, which key and which
line, so every problem is reported with all three::

    data/framework.yaml: 2 problems
      - principles[2].practices[3].levels.6 (line 214): Input should be less than or equal to 5
      - principles[4].practices[0].statement (line 301): Field required

YAML is read with PyYAML's safe loader. The document is composed into a node tree once; the tree
gives line numbers for pydantic's error locations and is then constructed into plain Python data
for validation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from ue_core.text import plural

__all__ = ["ContentError", "Problem", "load_model", "parse_model"]

M = TypeVar("M", bound=BaseModel)

# Parts of a pydantic error location that do not name a key in the document.
_SYNTHETIC_LOC_PARTS = frozenset({"[key]"})


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a content file.

    ``path`` is the key path in the document, such as ``principles[2].practices[3].levels.4``
    (list positions count from 0); it is empty for the document as a whole. ``line`` counts from 1
    and is ``None`` when no line applies (for example, the file could not be read).
    """

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.path or "(document)"
        if self.line is not None:
            where = f"{where} (line {self.line})"
        return f"{where}: {self.message}"


class ContentError(Exception):
    """A content file could not be read, parsed or validated.

    ``source`` names the file; ``problems`` lists every problem found, in document order where the
    order is known.
    """

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems: list[Problem] = list(problems)
        count = len(self.problems)
        heading = f"{source}: {plural(count, 'problem')}"
        lines = [heading, *(f"  - {problem}" for problem in self.problems)]
        super().__init__("\n".join(lines))

    def __reduce__(self) -> tuple[type[ContentError], tuple[str, list[Problem]]]:
        return (type(self), (self.source, self.problems))


def load_model(path: Path, model: type[M]) -> M:
    """Read the YAML file at ``path`` and validate it as ``model``.

    Raises ``ContentError`` if the file cannot be read, is not valid YAML, or does not validate.
    """
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(source, [Problem("", None, f"cannot read the file: {exc}")]) from exc
    return parse_model(text, source, model)


def parse_model(text: str, source: str, model: type[M]) -> M:
    """Parse YAML ``text`` and validate it as ``model``; ``source`` names it in error messages.

    Raises ``ContentError`` if the text is not valid YAML, has duplicate keys, or does not validate.
    """
    node, data = _compose_and_construct(text, source)
    duplicates = _duplicate_keys(node)
    if duplicates:
        raise ContentError(source, duplicates)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = [_problem_from_error(node, error) for error in exc.errors()]
        problems.sort(key=lambda p: (p.line is None, p.line or 0, p.path))
        raise ContentError(source, problems) from exc


def _compose_and_construct(text: str, source: str) -> tuple[yaml.Node, Any]:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ContentError(source, [Problem("", 1, "the file is empty")])
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        message = " ".join(part for part in (exc.context, exc.problem) if part)
        raise ContentError(source, [Problem("", line, f"YAML syntax: {message}")]) from exc
    except yaml.YAMLError as exc:
        raise ContentError(source, [Problem("", None, f"YAML syntax: {exc}")]) from exc
    finally:
        loader.dispose()
    return node, data


def _duplicate_keys(root: yaml.Node) -> list[Problem]:
    """Report keys repeated within one mapping (PyYAML would silently keep the last one)."""
    problems: list[Problem] = []

    def walk(node: yaml.Node, path: tuple[str | int, ...], kinds: tuple[bool, ...]) -> None:
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                if isinstance(key, str):
                    line = key_node.start_mark.line + 1
                    if key in seen:
                        problems.append(
                            Problem(
                                _format_path((*path, key), (*kinds, True)),
                                line,
                                f"duplicate key {key!r} (first used on line {seen[key]})",
                            )
                        )
                    else:
                        seen[key] = line
                    walk(value_node, (*path, key), (*kinds, True))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, (*path, index), (*kinds, False))

    walk(root, (), ())
    return problems


def _problem_from_error(root: yaml.Node, error: Any) -> Problem:
    loc = [part for part in error["loc"] if part not in _SYNTHETIC_LOC_PARTS]
    line, kinds = _locate(root, loc)
    message = str(error["msg"])
    if message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    return Problem(_format_path(loc, kinds), line, message)


def _locate(root: yaml.Node, loc: Sequence[str | int]) -> tuple[int, tuple[bool, ...]]:
    """Find the line for a pydantic error location, walking the YAML node tree.

    Returns the 1-based line of the deepest node the location reaches, preferring the line of the
    key itself when the last step is a mapping key, and for each step whether it was a mapping key
    (``True``) or a list position (``False``). Steps past a missing key keep the parent's line,
    which is where a missing field belongs.
    """
    node: yaml.Node | None = root
    line = root.start_mark.line + 1
    kinds: list[bool] = []
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            kinds.append(True)
            found: yaml.Node | None = None
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(part):
                    line = key_node.start_mark.line + 1
                    found = value_node
                    break
            node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            kinds.append(False)
            if 0 <= part < len(node.value):
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                node = None
        else:
            kinds.append(not isinstance(part, int))
            node = None
    return line, tuple(kinds)


def _format_path(loc: Sequence[str | int], kinds: Sequence[bool]) -> str:
    """Format a location as ``a.b[2].c.4``: list positions in brackets, mapping keys after dots."""
    pieces: list[str] = []
    for part, is_key in zip(loc, kinds, strict=True):
        pieces.append(f".{part}" if is_key and pieces else str(part) if is_key else f"[{part}]")
    return "".join(pieces)
