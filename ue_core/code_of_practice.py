"""The Code of Practice for Statistics practices the framework may cite, with their short titles.

The list lives in ``data/code_of_practice.yaml``. It holds only the principles, standards and
practices whose text we could check in a public source, each with a short title of our own and
the URL where a reader can check it. Edition 2.1 groups practices under principles (``V1`` holds
``V1.1`` to ``V1.6``); edition 3.0 groups required practices under numbered standards (``9``
holds ``9.1`` to ``9.7``).

The framework refuses a Code reference that is not in this list (see ``ue_core.framework``), and
the rating form shows each reference with its edition and short title.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Annotated, Final, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from ue_core.content import load_model

__all__ = [
    "CODE_2_1_PATTERN",
    "CODE_3_0_PATTERN",
    "DEFAULT_CODE_PATH",
    "UNVERIFIED_CODE_3_0",
    "CodeGroup",
    "CodeOfPractice",
    "CodePractice",
    "CodeReference",
    "Edition",
    "EditionNumber",
    "load_code_of_practice",
    "shipped_code_of_practice",
]

DEFAULT_CODE_PATH: Final = Path(__file__).resolve().parents[1] / "data" / "code_of_practice.yaml"

EditionNumber = Literal["2.1", "3.0"]

# Edition 2.1 practice IDs: T1-T6, Q1-Q3 and V1-V5, then a practice number.
CODE_2_1_PATTERN: Final = re.compile(r"^(T[1-6]|Q[1-3]|V[1-5])\.[1-9][0-9]?$")
_CODE_2_1_GROUP: Final = re.compile(r"^(T[1-6]|Q[1-3]|V[1-5])$")
# Edition 3.0: a standard (1 to 10), optionally with a required practice number.
CODE_3_0_PATTERN: Final = re.compile(r"^(10|[1-9])(\.[1-9][0-9]?)?$")
_CODE_3_0_GROUP: Final = re.compile(r"^(10|[1-9])$")
# Edition 3.0 items no source we could read confirmed (standard 8 was not retrieved; the copy
# of 9.8 was cut off), so the list may not hold them.
UNVERIFIED_CODE_3_0: Final = frozenset({"8", "9.8"})

_GROUP_PATTERNS: Final = {"2.1": _CODE_2_1_GROUP, "3.0": _CODE_3_0_GROUP}
_GROUP_NOUNS: Final = {"2.1": "principle", "3.0": "standard"}


def _collapse_whitespace(text: str) -> str:
    return " ".join(text.split())


ShortTitle = Annotated[
    str, AfterValidator(_collapse_whitespace), StringConstraints(min_length=3, max_length=80)
]
Prose = Annotated[str, AfterValidator(_collapse_whitespace), StringConstraints(min_length=20)]
HttpsUrl = Annotated[str, StringConstraints(pattern=r"^https://[^\s/]+\.[^\s]+$")]


class _Content(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class CodePractice(_Content):
    """One practice, such as ``V1.5`` or ``9.7``, with our short title for it."""

    id: str
    title: ShortTitle


class CodeGroup(_Content):
    """A principle (edition 2.1, such as ``V1``) or standard (edition 3.0, such as ``9``)."""

    id: str
    title: ShortTitle
    source_url: HttpsUrl
    practices: list[CodePractice] = Field(min_length=1)

    @model_validator(mode="after")
    def _check_practice_ids(self) -> CodeGroup:
        for practice in self.practices:
            if not practice.id.startswith(f"{self.id}."):
                raise ValueError(f"practice {practice.id!r} does not belong to {self.id!r}")
        return self


class Edition(_Content):
    """One edition of the Code and the groups of practices we list from it."""

    edition: EditionNumber
    title: ShortTitle
    groups: list[CodeGroup] = Field(min_length=1)

    @model_validator(mode="after")
    def _check_ids(self) -> Edition:
        pattern = CODE_2_1_PATTERN if self.edition == "2.1" else CODE_3_0_PATTERN
        seen: set[str] = set()
        for group in self.groups:
            if not _GROUP_PATTERNS[self.edition].match(group.id):
                noun = _GROUP_NOUNS[self.edition]
                raise ValueError(f"{group.id!r} is not an edition {self.edition} {noun}")
            for ref in (group.id, *(practice.id for practice in group.practices)):
                if ref != group.id and not pattern.match(ref):
                    raise ValueError(f"{ref!r} is not an edition {self.edition} practice ID")
                if self.edition == "3.0" and ref in UNVERIFIED_CODE_3_0:
                    raise ValueError(f"{ref!r} is unverified, so it cannot be listed")
                if ref in seen:
                    raise ValueError(f"{ref!r} is listed twice")
                seen.add(ref)
        return self


class CodeReference(BaseModel):
    """What a reader needs to check a citation: edition, ID, short title and where to look."""

    model_config = ConfigDict(frozen=True)

    edition: EditionNumber
    id: str
    title: str
    group_id: str
    group_title: str
    source_url: str

    @property
    def label(self) -> str:
        """'V1.5 Act on views and feed back'."""
        return f"{self.id} {self.title}"


class CodeOfPractice(_Content):
    """The layout of ``data/code_of_practice.yaml``."""

    about: Prose
    editions: list[Edition]

    @field_validator("editions")
    @classmethod
    def _check_editions(cls, value: list[Edition]) -> list[Edition]:
        numbers = [edition.edition for edition in value]
        if sorted(numbers) != ["2.1", "3.0"]:
            raise ValueError("list edition 2.1 and edition 3.0 once each")
        return value

    def edition(self, number: EditionNumber) -> Edition:
        for edition in self.editions:
            if edition.edition == number:
                return edition
        raise KeyError(number)

    def ids(self, number: EditionNumber) -> frozenset[str]:
        """Every principle or standard and every practice ID listed for the edition."""
        return frozenset(self._index(number))

    def reference(self, number: EditionNumber, ref: str) -> CodeReference:
        """The listed item ``ref`` in edition ``number``; raises ``KeyError`` if not listed."""
        return self._index(number)[ref]

    def _index(self, number: EditionNumber) -> dict[str, CodeReference]:
        index: dict[str, CodeReference] = {}
        for group in self.edition(number).groups:
            for ref, title in (
                (group.id, group.title),
                *((practice.id, practice.title) for practice in group.practices),
            ):
                index[ref] = CodeReference(
                    edition=number,
                    id=ref,
                    title=title,
                    group_id=group.id,
                    group_title=group.title,
                    source_url=group.source_url,
                )
        return index


def load_code_of_practice(path: Path | None = None) -> CodeOfPractice:
    """Load and validate a Code list (by default ``data/code_of_practice.yaml``).

    Raises ``ue_core.content.ContentError`` naming the file, key path and line of each problem.
    """
    return load_model(DEFAULT_CODE_PATH if path is None else path, CodeOfPractice)


@functools.cache
def shipped_code_of_practice() -> CodeOfPractice:
    """The shipped list, loaded once per process (it is the same for every user)."""
    return load_code_of_practice()
