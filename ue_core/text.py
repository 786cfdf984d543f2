"""Counting words and possessives in plain English: "1 answer", "2 answers", "statistics'"."""

from __future__ import annotations

#: Nouns whose plural is not the singular with "s" added.
_IRREGULAR = {
    "entry": "entries",
    "person": "people",
    "summary": "summaries",
}


def plural_noun(count: int, singular: str, plural: str | None = None) -> str:
    """The noun on its own, singular for exactly one: ``plural_noun(2, "answer")`` is "answers"."""
    if count == 1:
        return singular
    return plural or _IRREGULAR.get(singular) or f"{singular}s"


def plural(count: int, singular: str, plural: str | None = None) -> str:
    """A count and its noun, with thousands separators: "1 answer", "1,204 answers"."""
    return f"{count:,} {plural_noun(count, singular, plural)}"


def possessive(name: str) -> str:
    """``name`` with an apostrophe: "Housing team's", but "Labour market statistics'"."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"
