"""The kinds of help a team can ask the hub for (``data/request_kinds.yaml``)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ue_core.content import load_model

DEFAULT_KINDS_PATH: Final = Path(__file__).resolve().parents[1] / "data" / "request_kinds.yaml"
#: The kind given to requests sent before kinds existed, and the form's last choice.
OTHER: Final = "other"


class RequestKind(BaseModel):
    """One kind of help: its stored key, its label on the form and a short hint."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    key: str = Field(pattern=r"^[a-z][a-z_]{1,38}$")
    label: str = Field(min_length=2, max_length=60)
    hint: str = Field(min_length=5, max_length=200)


class RequestKinds(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kinds: tuple[RequestKind, ...] = Field(min_length=2)

    @model_validator(mode="after")
    def _keys_unique_and_other_present(self) -> RequestKinds:
        keys = [kind.key for kind in self.kinds]
        if len(set(keys)) != len(keys):
            raise ValueError("each kind needs its own key")
        if OTHER not in keys:
            raise ValueError(f"a kind with the key '{OTHER}' is needed for older requests")
        return self

    def by_key(self) -> dict[str, RequestKind]:
        return {kind.key: kind for kind in self.kinds}

    def label(self, key: str) -> str:
        """The kind's label; an unknown key (a kind since removed) reads as the key itself."""
        kind = self.by_key().get(key)
        return kind.label if kind else key


def load_request_kinds(path: Path | None = None) -> RequestKinds:
    """Load and validate a kinds file; ``ContentError`` names the key and line of a problem."""
    return load_model(DEFAULT_KINDS_PATH if path is None else path, RequestKinds)


@functools.cache
def shipped_request_kinds() -> RequestKinds:
    """The shipped kinds, loaded once per process."""
    return load_request_kinds()
