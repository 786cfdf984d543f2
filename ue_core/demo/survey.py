"""The demo survey: a made-up version of the 2021 "current landscape of user engagement" survey.

The closed questions follow the published findings (about three-quarters knew who used their
statistics; 14% did not engage with users at all; just over half knew their champion; under a
third felt confident). The free text comes from the hand-written pools in ``survey_text``.
Source: https://gss.civilservice.gov.uk/current-landscape-of-user-engagement-summary-of-findings/
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import pandas as pd

from ue_core.demo import survey_text

RESPONDENT_COLUMN: Final = "Respondent ID"
ORGANISATION_TYPE: Final = "Type of organisation"
PROFESSION: Final = "Profession"
ENGAGEMENT_FREQUENCY: Final = "How often do you engage with users?"
KNOW_USERS: Final = "Do you know who uses your statistics?"
KNOW_CHAMPION: Final = "Do you know who your organisation's user engagement champion is?"
CONFIDENT: Final = "Do you feel confident carrying out user engagement?"
BARRIERS: Final = "What are the main barriers to engaging with the users of your statistics?"
SUPPORT: Final = "What support would you like from the USER hub?"
ACTIVITIES: Final = "What user engagement activities does your team carry out?"

DO_NOT_ENGAGE: Final = "We do not engage with users"

#: Closed questions and the share of respondents giving each answer.
CLOSED_QUESTIONS: Final[dict[str, tuple[tuple[str, float], ...]]] = {
    ORGANISATION_TYPE: (
        ("Ministerial department", 0.45),
        ("Non-ministerial department", 0.24),
        ("Devolved administration", 0.15),
        ("Arm's-length body", 0.13),
        ("Other", 0.03),
    ),
    PROFESSION: (
        ("Statistician", 0.55),
        ("Social researcher", 0.17),
        ("Economist", 0.13),
        ("Data scientist", 0.07),
        ("Other", 0.08),
    ),
    ENGAGEMENT_FREQUENCY: (
        ("Regularly, as planned", 0.22),
        ("Ad hoc", 0.48),
        ("Only when our statistics change", 0.16),
        (DO_NOT_ENGAGE, 0.14),
    ),
    KNOW_USERS: (("Yes", 0.74), ("No", 0.09), ("Not sure", 0.17)),
    KNOW_CHAMPION: (("Yes", 0.53), ("No", 0.47)),
    CONFIDENT: (("Yes", 0.31), ("No", 0.33), ("Not sure", 0.36)),
}

FREE_TEXT_QUESTIONS: Final[tuple[str, ...]] = (BARRIERS, SUPPORT, ACTIVITIES)
COLUMNS: Final[tuple[str, ...]] = (RESPONDENT_COLUMN, *CLOSED_QUESTIONS, *FREE_TEXT_QUESTIONS)

_POOLS: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    BARRIERS: (survey_text.BARRIERS, survey_text.BARRIERS_WITH_CONTACT),
    SUPPORT: (survey_text.SUPPORT_WANTED, survey_text.SUPPORT_WITH_CONTACT),
    ACTIVITIES: (survey_text.ACTIVITIES, survey_text.ACTIVITIES_WITH_CONTACT),
}

BLANK_SHARE: Final = 0.03
CONTACT_SHARE: Final = 0.02
PAIR_SHARE: Final = 0.15
LOWER_CASE_SHARE: Final = 0.04
MAX_PAIRED_LENGTH: Final = 230
_DISMISSIVE: Final = ("No ", "Not ", "None", "Nothing", "Honestly", "I ")


def quota_answers(rng: random.Random, options: Sequence[tuple[str, float]], n: int) -> list[str]:
    """``n`` answers in the given shares (largest remainders), in a shuffled order."""
    exact = [share * n for _, share in options]
    counts = [int(value) for value in exact]
    by_remainder = sorted(
        range(len(options)), key=lambda i: (exact[i] - counts[i], -i), reverse=True
    )
    for i in by_remainder[: n - sum(counts)]:
        counts[i] += 1
    answers = [
        option for (option, _), count in zip(options, counts, strict=True) for _ in range(count)
    ]
    rng.shuffle(answers)
    return answers


class _Cycle:
    """Draws answers from a pool without repeats until the pool is used up, then reshuffles."""

    def __init__(self, rng: random.Random, pool: Sequence[str]) -> None:
        self._rng = rng
        self._pool = list(pool)
        self._order: list[str] = []

    def next(self) -> str:
        if not self._order:
            self._order = self._pool[:]
            self._rng.shuffle(self._order)
        return self._order.pop()


def _with_full_stop(text: str) -> str:
    return text if text[-1] in ".!?)" else text + "."


def _free_text_answers(
    rng: random.Random, pool: Sequence[str], contact: Sequence[str], n: int
) -> list[str | None]:
    cycle = _Cycle(rng, pool)
    # A second thought added to an answer: something substantive, not "Nothing really".
    seconds = [text for text in pool if len(text) >= 30 and not text.startswith(_DISMISSIVE)]
    kinds = quota_answers(
        rng,
        (
            ("blank", BLANK_SHARE),
            ("contact", CONTACT_SHARE),
            ("plain", 1 - BLANK_SHARE - CONTACT_SHARE),
        ),
        n,
    )
    answers: list[str | None] = []
    for kind in kinds:
        if kind == "blank":
            answers.append(None)
            continue
        if kind == "contact":
            answers.append(rng.choice(contact))
            continue
        text = cycle.next()
        if rng.random() < PAIR_SHARE:
            second = rng.choice(seconds)
            if second != text and len(text) + len(second) < MAX_PAIRED_LENGTH:
                text = f"{_with_full_stop(text)} {second}"
        if rng.random() < LOWER_CASE_SHARE:
            text = text.lower()
        answers.append(text)
    return answers


def build_survey_frame(seed: int, n: int) -> pd.DataFrame:
    """``n`` made-up survey responses, the same for the same seed.

    Blank free-text answers are missing values. A few answers hold made-up contact details.
    """
    if n < 1:
        raise ValueError("A survey needs at least one response")
    rng = random.Random(seed)
    width = max(4, len(str(n)))
    data: dict[str, list[str | None]] = {
        RESPONDENT_COLUMN: [f"R{i:0{width}d}" for i in range(1, n + 1)]
    }
    for question, options in CLOSED_QUESTIONS.items():
        data[question] = list(quota_answers(rng, options, n))
    for question in FREE_TEXT_QUESTIONS:
        pool, contact = _POOLS[question]
        data[question] = _free_text_answers(rng, pool, contact, n)
    # People who do not engage describe their (lack of) activities differently.
    non_engager = _Cycle(rng, survey_text.NON_ENGAGER_ACTIVITIES)
    for i, frequency in enumerate(data[ENGAGEMENT_FREQUENCY]):
        if frequency == DO_NOT_ENGAGE and data[ACTIVITIES][i] is not None:
            data[ACTIVITIES][i] = non_engager.next()
    return pd.DataFrame(data, columns=list(COLUMNS))


def write_survey(frame: pd.DataFrame, path: Path) -> None:
    """Write the survey as CSV, XLSX or ODS, chosen by the file's extension."""
    suffix = path.suffix.lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        frame.to_csv(path, index=False, encoding="utf-8")
    elif suffix == ".xlsx":
        frame.to_excel(path, index=False, sheet_name="Responses", engine="openpyxl")
    elif suffix == ".ods":
        frame.to_excel(path, index=False, sheet_name="Responses", engine="odf")
    else:
        raise ValueError(
            f"Cannot write a survey as '{suffix or path.name}': use .csv, .xlsx or .ods"
        )
