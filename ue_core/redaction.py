"""Remove personal data from free text before it is stored.

Survey answers sometimes hold contact details. Before an answer is saved, each e-mail address,
phone number, web address, National Insurance number and UK postcode is replaced by a tag in
square brackets, and the number of replacements of each kind is counted so the import report can
say what was removed.

The patterns aim to catch the usual UK ways of writing these details without touching ordinary
numbers such as years ("2021"), counts ("179 responses"), percentages or dates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

RedactionKind = Literal["email", "phone", "url", "ni number", "postcode"]

#: The kinds of personal data we remove, in the order they are looked for.
REDACTION_KINDS: Final[tuple[RedactionKind, ...]] = (
    "url",
    "email",
    "ni number",
    "postcode",
    "phone",
)

#: The tag that replaces each kind of personal data.
REDACTION_TAGS: Final[Mapping[RedactionKind, str]] = {
    "email": "[email]",
    "phone": "[phone]",
    "url": "[url]",
    "ni number": "[ni number]",
    "postcode": "[postcode]",
}

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}\b"
)

# Web addresses: anything starting with a scheme or "www.", or a bare domain with a common
# top-level domain (for example "ons.gov.uk/census"). Trailing punctuation is left in the text.
_URL = re.compile(
    r"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>\"'\]\[]+[^\s<>\"'\]\[.,;:!?)]"
    r"|\b(?<![@\w.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+"
    r"(?:uk|com|org|net|gov|io|info|eu|scot|wales)\b(?:/[^\s<>\"'\]\[]*[^\s<>\"'\]\[.,;:!?)])?",
    re.IGNORECASE,
)

# National Insurance numbers: two prefix letters, six digits, then a suffix letter A to D. Spaces
# are allowed between pairs, as the number is printed on letters. Any two prefix letters are
# accepted (so the specimen "QQ 12 34 56 C" is caught too): ordinary text never has this shape.
_NI_NUMBER = re.compile(
    r"\b[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b",
    re.IGNORECASE,
)

# UK postcodes: outward code (area letters, district digit, optional letter or digit), an
# optional space, then the inward code (a digit and two letters from a restricted set).
_POSTCODE = re.compile(
    r"\b(?:GIR ?0AA"
    r"|[A-PR-UWYZ](?:\d[A-HJKPSTUW\d]?|[A-HK-Y]\d[ABEHMNPRV-Y\d]?) ?\d[ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)

# UK phone numbers: +44 (optionally followed by "(0)") or a leading 0, then 9 or 10 more digits,
# written with optional spaces, hyphens or brackets between groups. "2021" or "179" never match
# because they do not start with 0 or +44 and are too short.
_DIGIT_RUN = r"\d(?:[ -]?\)?[ -]?\d){8,9}"
_PHONE = re.compile(
    r"(?<![\w+])(?:\+44[ -]?(?:\(0\)[ -]?)?|\(0|0)" + _DIGIT_RUN + r"(?![\d])"
    r"|(?<![\w+])\+(?!44)[1-9]\d{0,2}[ -]?\d(?:[ -]?\d){6,11}(?!\d)"
)

_PATTERNS: Final[Mapping[RedactionKind, re.Pattern[str]]] = {
    "url": _URL,
    "email": _EMAIL,
    "ni number": _NI_NUMBER,
    "postcode": _POSTCODE,
    "phone": _PHONE,
}


def empty_counts() -> dict[RedactionKind, int]:
    """A count of zero for every kind of personal data."""
    return dict.fromkeys(REDACTION_KINDS, 0)


@dataclass(frozen=True)
class RedactedText:
    """Text with personal data replaced by tags, and how many of each kind were replaced."""

    text: str
    counts: Mapping[RedactionKind, int] = field(default_factory=empty_counts)

    @property
    def total(self) -> int:
        """How many pieces of personal data were replaced in all."""
        return sum(self.counts.values())


def redact(text: str) -> RedactedText:
    """Replace e-mail addresses, phone numbers, web addresses, NI numbers and postcodes.

    Web addresses are looked for first so that an address holding an "@" or digits is tagged once
    as [url]; e-mail addresses come before postcodes and phone numbers for the same reason.
    """
    counts = empty_counts()
    for kind in REDACTION_KINDS:
        text, replaced = _PATTERNS[kind].subn(REDACTION_TAGS[kind], text)
        counts[kind] += replaced
    return RedactedText(text=text, counts=counts)


def add_counts(totals: Iterable[Mapping[RedactionKind, int]]) -> dict[RedactionKind, int]:
    """Add up several redaction counts, kind by kind."""
    result = empty_counts()
    for counts in totals:
        for kind, value in counts.items():
            result[kind] += value
    return result


def describe_counts(counts: Mapping[RedactionKind, int]) -> str:
    """A plain-English sentence saying what was removed, for the import report."""
    parts = [
        f"{value:,} {_plural(kind, value)}" for kind in _REPORT_ORDER if (value := counts[kind])
    ]
    if not parts:
        return "No personal data was found in the free text."
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"Removed from the free text: {listed}."


_REPORT_ORDER: Final[tuple[RedactionKind, ...]] = (
    "email",
    "phone",
    "url",
    "ni number",
    "postcode",
)

_NAMES: Final[Mapping[RedactionKind, tuple[str, str]]] = {
    "email": ("e-mail address", "e-mail addresses"),
    "phone": ("phone number", "phone numbers"),
    "url": ("web address", "web addresses"),
    "ni number": ("National Insurance number", "National Insurance numbers"),
    "postcode": ("postcode", "postcodes"),
}


def _plural(kind: RedactionKind, value: int) -> str:
    singular, plural = _NAMES[kind]
    return singular if value == 1 else plural


# ---------------------------------------------------------------------------------------------
# Whole columns of personal data

# Column names that say the column holds personal identifiers, after lower-casing and turning
# punctuation into spaces. "Respondent email" and "Your name" match; "Organisation name" and
# "Region (NI)" do not.
_PERSONAL_COLUMN_NAMES: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    (re.compile(r"\be ?mail\b"), "e-mail addresses"),
    (re.compile(r"\b(?:phone|telephone|mobile|tel)\b"), "phone numbers"),
    (re.compile(r"\bni (?:number|no)\b|\bnino\b|\bnational insurance\b"), "NI numbers"),
    (re.compile(r"\bpost ?code\b"), "postcodes"),
    (re.compile(r"\b(?:home|postal|street) address\b|^address$"), "addresses"),
    (re.compile(r"\b(?:date of birth|dob|birth date)\b"), "dates of birth"),
    (
        re.compile(
            r"^(?:(?:respondent s?|your|full|first|last|given|family|contact|person s?|"
            r"participant s?)\s+)?(?:name|names|surname|forename|forenames)$"
        ),
        "people's names",
    ),
)

#: The share of a column's values that must hold personal data for the column to count as one.
PERSONAL_VALUE_SHARE: Final = 0.5

_VALUE_PHRASES: Final[Mapping[RedactionKind, str]] = {
    "email": "e-mail addresses",
    "phone": "phone numbers",
    "url": "web addresses",
    "ni number": "NI numbers",
    "postcode": "postcodes",
}


def personal_column(name: str, values: Iterable[str], sample: int = 500) -> str | None:
    """What personal data a whole column holds ("e-mail addresses"), or None.

    A column counts when its name says so, or when at least half of its (first ``sample``)
    filled values hold an e-mail address, phone number, web address, NI number or postcode.
    """
    normalised = " ".join(re.sub(r"[^a-z0-9]+", " ", name.casefold()).split())
    for pattern, phrase in _PERSONAL_COLUMN_NAMES:
        if pattern.search(normalised):
            return phrase
    kinds = empty_counts()
    checked = holding = 0
    for value in values:
        if not value:
            continue
        checked += 1
        found = redact(value).counts
        if any(found.values()):
            holding += 1
            for kind, count in found.items():
                kinds[kind] += count
        if checked >= sample:
            break
    if checked and holding >= PERSONAL_VALUE_SHARE * checked:
        return _VALUE_PHRASES[max(REDACTION_KINDS, key=lambda kind: kinds[kind])]
    return None


def describe_place_counts(counts: Mapping[RedactionKind, int], place: str) -> str:
    """Like :func:`describe_counts`, for another part of the survey ("the closed answers")."""
    sentence = describe_counts(counts)
    if not any(counts.values()):
        return f"No personal data was found in {place}."
    return sentence.replace("the free text", place, 1)
