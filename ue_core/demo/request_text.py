"""The texts of the demo's support requests and their conversations (``data/demo_requests.yaml``).

Validated with pydantic: every request names a known kind of help and practice areas of the
framework, every kind of help has replies, questions and resolutions, and the placeholders a
text uses are ones the generator fills in.
"""

from __future__ import annotations

import functools
import string
from pathlib import Path
from typing import Annotated, Final, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from ue_core.content import load_model
from ue_core.framework import PracticeArea
from ue_core.request_kinds import shipped_request_kinds

DEFAULT_PATH: Final = Path(__file__).resolve().parents[2] / "data" / "demo_requests.yaml"
#: The placeholders the generator fills in.
PLACEHOLDERS: Final = frozenset({"team", "first_name", "consultant", "needed_by"})
AREAS: Final[tuple[str, ...]] = get_args(PracticeArea)


def _known_placeholders(text: str) -> str:
    used = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    unknown = sorted(used - PLACEHOLDERS)
    if unknown:
        raise ValueError(f"unknown placeholder {{{unknown[0]}}}: use {sorted(PLACEHOLDERS)}")
    return text


Text = Annotated[str, Field(min_length=10, max_length=600), AfterValidator(_known_placeholders)]
Pool = tuple[Text, ...]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class RequestText(_Model):
    """One request a team might send: its subject, kind of help, practice areas and words."""

    subject: str = Field(min_length=5, max_length=120)
    kind: str
    areas: tuple[PracticeArea, ...] = Field(min_length=1, max_length=2)
    text: Text


class KindReplies(_Model):
    """How the hub answers one kind of help."""

    first_replies: Pool = Field(min_length=2)
    questions: Pool = Field(min_length=2)
    resolutions: Pool = Field(min_length=2)


class RatingComments(_Model):
    low: Pool = Field(min_length=1)
    middle: Pool = Field(min_length=1)
    high: Pool = Field(min_length=1)


class DemoRequestTexts(_Model):
    openings: Pool = Field(min_length=1)
    deadline_closings: Pool = Field(min_length=1)
    closings: Pool = Field(min_length=1)
    requests: tuple[RequestText, ...] = Field(min_length=10)
    by_kind: dict[str, KindReplies]
    team_answers: Pool = Field(min_length=1)
    resolving_replies: Pool = Field(min_length=1)
    team_thanks: Pool = Field(min_length=1)
    internal_notes: Pool = Field(min_length=1)
    rating_comments: RatingComments

    @model_validator(mode="after")
    def _kinds_are_known_and_covered(self) -> DemoRequestTexts:
        kinds = set(shipped_request_kinds().by_key())
        for request in self.requests:
            if request.kind not in kinds:
                raise ValueError(f"'{request.subject}': unknown kind of help '{request.kind}'")
        missing = sorted(kinds - set(self.by_kind))
        if missing:
            raise ValueError(f"by_kind needs replies for '{missing[0]}'")
        unknown = sorted(set(self.by_kind) - kinds)
        if unknown:
            raise ValueError(f"by_kind: unknown kind of help '{unknown[0]}'")
        subjects = [request.subject for request in self.requests]
        if len(set(subjects)) != len(subjects):
            raise ValueError("each request needs its own subject")
        return self


def load_request_texts(path: Path | None = None) -> DemoRequestTexts:
    """Load and validate the demo request texts; ``ContentError`` names the key and line."""
    return load_model(DEFAULT_PATH if path is None else path, DemoRequestTexts)


@functools.cache
def shipped_request_texts() -> DemoRequestTexts:
    return load_request_texts()
