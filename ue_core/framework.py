"""The user-engagement maturity framework: validated models and a loader.

The framework is the workbench's own. It is informed by the Office for Statistics Regulation's
(OSR) guidance on user engagement, the Code of Practice for Statistics and the GSS user engagement
strategy, and it is not an official OSR or GSS scale. Its content lives in ``data/framework.yaml``.

A framework has five levels (the names used by the government's Data Maturity Assessment) and a
set of principles, each holding practices. Every practice has a descriptor of observable behaviour
at each level, help text, and references to the Code of Practice and to its sources.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Annotated, Any, Final, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from ue_core.code_of_practice import (
    CODE_2_1_PATTERN,
    CODE_3_0_PATTERN,
    DEFAULT_CODE_PATH,
    EditionNumber,
    shipped_code_of_practice,
)
from ue_core.content import load_model, parse_model

__all__ = [
    "CODE_2_1_PATTERN",
    "CODE_3_0_PATTERN",
    "DATA_DIR",
    "DEFAULT_FRAMEWORK_PATH",
    "LEVEL_NAMES",
    "MAX_PRACTICES",
    "MIN_PRACTICES",
    "MIN_PRINCIPLES",
    "OSR_PRINCIPLE_LABELS",
    "PRACTICE_AREA_LABELS",
    "Framework",
    "Level",
    "OsrPrinciple",
    "Practice",
    "PracticeArea",
    "Principle",
    "References",
    "Source",
    "load_framework",
    "parse_framework",
]

DATA_DIR: Final = Path(__file__).resolve().parents[1] / "data"
DEFAULT_FRAMEWORK_PATH: Final = DATA_DIR / "framework.yaml"

LEVEL_NAMES: Final = ("Beginning", "Emerging", "Learning", "Developing", "Mastering")
LEVEL_NUMBERS: Final = frozenset(range(1, len(LEVEL_NAMES) + 1))
MIN_PRINCIPLES: Final = 5
MIN_PRACTICES: Final = 24
MAX_PRACTICES: Final = 35

PracticeArea = Literal["promote", "understand", "listen", "act", "planned", "collaborative"]
PRACTICE_AREA_LABELS: Final[dict[PracticeArea, str]] = {
    "promote": "Promote your statistics",
    "understand": "Understand the need for information",
    "listen": "Listen to what users say",
    "act": "Act on the feedback",
    "planned": "Planned engagement across the organisation",
    "collaborative": "Collaborative engagement across the organisation",
}

OsrPrinciple = Literal[
    "proactively-involving-users",
    "flexible-and-proportionate",
    "open-and-transparent",
    "working-together",
    "none",
]
OSR_PRINCIPLE_LABELS: Final[dict[OsrPrinciple, str]] = {
    "proactively-involving-users": "Proactively involving users",
    "flexible-and-proportionate": "Flexible and proportionate",
    "open-and-transparent": "Open and transparent",
    "working-together": "Working together and joining up",
    "none": "None",
}

_SLUG = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"


def _collapse_whitespace(text: str) -> str:
    return " ".join(text.split())


Slug = Annotated[str, StringConstraints(pattern=_SLUG, max_length=60)]
Title = Annotated[str, AfterValidator(_collapse_whitespace), StringConstraints(min_length=3)]
Prose = Annotated[str, AfterValidator(_collapse_whitespace), StringConstraints(min_length=20)]
HttpsUrl = Annotated[str, StringConstraints(pattern=r"^https://[^\s/]+\.[^\s]+$")]
LevelNumber = Annotated[int, Field(ge=1, le=5)]


class _Content(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Source(_Content):
    """A public page the framework draws on."""

    url: HttpsUrl
    title: Title


class Level(_Content):
    """One of the five maturity levels, with a general summary of what it looks like."""

    number: LevelNumber
    name: str
    summary: Prose


def _check_listed(edition: EditionNumber, ref: str) -> str:
    if ref not in shipped_code_of_practice().ids(edition):
        raise ValueError(
            f"{ref!r} is not in the list of Code of Practice {edition} practices "
            f"({DEFAULT_CODE_PATH.parent.name}/{DEFAULT_CODE_PATH.name}); cite only a practice "
            "listed there, and list only one a public source confirms"
        )
    return ref


def _check_code_2_1_id(ref: str) -> str:
    if not CODE_2_1_PATTERN.match(ref):
        raise ValueError(
            f"{ref!r} is not a Code of Practice 2.1 practice ID (expected one like 'V1.5')"
        )
    return _check_listed("2.1", ref)


def _check_code_3_0_ref(ref: str) -> str:
    if not CODE_3_0_PATTERN.match(ref):
        raise ValueError(
            f"{ref!r} is not a Code of Practice 3.0 reference "
            "(expected a standard and practice like '9.1' or '10.3')"
        )
    return _check_listed("3.0", ref)


Code21Id = Annotated[str, AfterValidator(_check_code_2_1_id)]
Code30Ref = Annotated[str, AfterValidator(_check_code_3_0_ref)]


class References(_Content):
    """Where a practice comes from.

    ``code_2_1`` holds Code of Practice edition 2.1 practice IDs (such as ``V1.5``); ``code_3_0``
    holds edition 3.0 standards or required practices (such as ``9.1``); ``osr_principle`` is the
    OSR user-engagement principle the practice puts into effect, or ``none``; ``sources`` are the
    public pages it draws on.
    """

    code_2_1: list[Code21Id] = Field(default_factory=list)
    code_3_0: list[Code30Ref] = Field(default_factory=list)
    osr_principle: OsrPrinciple
    sources: list[HttpsUrl] = Field(min_length=1)

    @field_validator("code_2_1", "code_3_0", "sources")
    @classmethod
    def _check_unique(cls, value: list[str]) -> list[str]:
        _require_unique(value, "reference")
        return value


class Practice(_Content):
    """Something a statistics team can be rated on, with a descriptor for each level."""

    key: Slug
    title: Title
    statement: Prose
    help: Prose
    practice_area: PracticeArea
    levels: dict[LevelNumber, Prose]
    references: References
    previously: list[Slug] = Field(default_factory=list)

    @field_validator("levels")
    @classmethod
    def _check_levels(cls, value: dict[int, str]) -> dict[int, str]:
        missing = sorted(LEVEL_NUMBERS - value.keys())
        if missing:
            numbers = ", ".join(str(n) for n in missing)
            raise ValueError(f"every level from 1 to 5 needs a descriptor; missing {numbers}")
        if len(set(value.values())) != len(value):
            raise ValueError("each level needs its own descriptor; two levels repeat the same text")
        return dict(sorted(value.items()))

    @field_validator("previously")
    @classmethod
    def _check_previously(cls, value: list[str]) -> list[str]:
        _require_unique(value, "previous key")
        return value

    def descriptor(self, level: int) -> str:
        """The descriptor of observable behaviour at ``level`` (1 to 5)."""
        return self.levels[level]


class Principle(_Content):
    """A group of related practices, such as "Open and transparent"."""

    key: Slug
    title: Title
    summary: Prose
    practices: list[Practice] = Field(min_length=2)


class Framework(_Content):
    """A version of the maturity framework: levels, principles and their practices."""

    id: Slug
    edition: Annotated[str, StringConstraints(min_length=1, max_length=20)]
    title: Title
    description: Prose
    about: Prose
    sources: list[Source] = Field(min_length=1)
    levels: list[Level]
    principles: list[Principle]

    _practice_index: dict[str, tuple[Principle, Practice]] = PrivateAttr(default_factory=dict)
    _principle_index: dict[str, Principle] = PrivateAttr(default_factory=dict)

    @field_validator("levels")
    @classmethod
    def _check_levels(cls, value: list[Level]) -> list[Level]:
        numbers = [level.number for level in value]
        names = [level.name for level in value]
        if numbers != list(range(1, len(LEVEL_NAMES) + 1)) or tuple(names) != LEVEL_NAMES:
            expected = ", ".join(f"{n} {name}" for n, name in enumerate(LEVEL_NAMES, start=1))
            raise ValueError(f"levels must be exactly, in order: {expected}")
        return value

    @field_validator("principles")
    @classmethod
    def _check_principles(cls, value: list[Principle]) -> list[Principle]:
        if len(value) < MIN_PRINCIPLES:
            raise ValueError(f"a framework needs at least {MIN_PRINCIPLES} principles")
        practices = [practice for principle in value for practice in principle.practices]
        if not MIN_PRACTICES <= len(practices) <= MAX_PRACTICES:
            raise ValueError(
                f"a framework needs {MIN_PRACTICES} to {MAX_PRACTICES} practices in total; "
                f"this one has {len(practices)}"
            )
        missing_areas = set(PRACTICE_AREA_LABELS) - {p.practice_area for p in practices}
        if missing_areas:
            raise ValueError(
                "every OSR practice area needs at least one practice; none for "
                + ", ".join(sorted(missing_areas))
            )
        return value

    @field_validator("sources")
    @classmethod
    def _check_sources(cls, value: list[Source]) -> list[Source]:
        _require_unique([source.url for source in value], "source URL")
        return value

    @model_validator(mode="after")
    def _check_across_principles(self) -> Framework:
        """Checks that span the whole framework, each reported at the offending key."""
        problems: list[tuple[tuple[str | int, ...], str]] = []
        principle_lines: dict[str, int] = {}
        practice_lines: dict[str, tuple[int, int]] = {}
        listed = {source.url for source in self.sources}
        for i, principle in enumerate(self.principles):
            if principle.key in principle_lines:
                first = principle_lines[principle.key]
                problems.append(
                    (
                        ("principles", i, "key"),
                        f"duplicate principle key {principle.key!r} (also principles[{first}])",
                    )
                )
            else:
                principle_lines[principle.key] = i
            for j, practice in enumerate(principle.practices):
                here = ("principles", i, "practices", j)
                if practice.key in practice_lines:
                    fi, fj = practice_lines[practice.key]
                    problems.append(
                        (
                            (*here, "key"),
                            f"duplicate practice key {practice.key!r} "
                            f"(also principles[{fi}].practices[{fj}])",
                        )
                    )
                else:
                    practice_lines[practice.key] = (i, j)
                for k, url in enumerate(practice.references.sources):
                    if url not in listed:
                        problems.append(
                            (
                                (*here, "references", "sources", k),
                                f"{url} is not in the framework's sources list",
                            )
                        )
        if problems:
            raise ValidationError.from_exception_data(
                type(self).__name__,
                [
                    InitErrorDetails(
                        type=PydanticCustomError("content", "{message}", {"message": message}),
                        loc=loc,
                        input=None,
                    )
                    for loc, message in problems
                ],
            )
        return self

    def model_post_init(self, context: Any, /) -> None:
        for principle in self.principles:
            self._principle_index[principle.key] = principle
            for practice in principle.practices:
                self._practice_index[practice.key] = (principle, practice)

    def content_hash(self) -> str:
        """SHA-256 (hex) of the canonical JSON of the validated content.

        Any change to the content changes it; reformatting the YAML (key order, line wrapping,
        spacing, quoting) does not.
        """
        canonical = json.dumps(
            self.model_dump(mode="json"),
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def practices(self) -> list[Practice]:
        """Every practice, in framework order."""
        return [practice for principle in self.principles for practice in principle.practices]

    def practices_with_principles(self) -> list[tuple[Principle, Practice]]:
        """Every practice with its principle, in framework order."""
        return list(self._practice_index.values())

    def practice_keys(self) -> list[str]:
        """Every practice key, in framework order."""
        return list(self._practice_index)

    def practice(self, key: str) -> Practice:
        """The practice with this key; raises ``KeyError`` if there is none."""
        return self._practice_index[key][1]

    def principle(self, key: str) -> Principle:
        """The principle with this key; raises ``KeyError`` if there is none."""
        return self._principle_index[key]

    def principle_of(self, practice_key: str) -> Principle:
        """The principle that holds the practice with this key; raises ``KeyError``."""
        return self._practice_index[practice_key][0]

    def level(self, number: int) -> Level:
        """The level with this number (1 to 5); raises ``KeyError`` if there is none."""
        for level in self.levels:
            if level.number == number:
                return level
        raise KeyError(number)

    def source_title(self, url: str) -> str:
        """The title of a listed source; raises ``KeyError`` if the URL is not listed."""
        for source in self.sources:
            if source.url == url:
                return source.title
        raise KeyError(url)


def _require_unique(values: list[str], what: str) -> None:
    seen: set[str] = set()
    repeated: list[str] = []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    if repeated:
        raise ValueError(f"duplicate {what}: {', '.join(repeated)}")


def load_framework(path: Path | None = None) -> Framework:
    """Load and validate a framework file (by default ``data/framework.yaml``).

    Raises ``ue_core.content.ContentError`` naming the file, key path and line of each problem.
    """
    return load_model(DEFAULT_FRAMEWORK_PATH if path is None else path, Framework)


def parse_framework(text: str, source: str = "<framework>") -> Framework:
    """Validate framework YAML given as text; ``source`` names it in error messages."""
    return parse_model(text, source, Framework)
