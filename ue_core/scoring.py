"""## How scores work

Scores are worked out from your team's agreed ratings every time they are shown. Nobody types
them in, so they always match the ratings.

**Practices.** Each practice is rated at one of five levels: 1 Beginning, 2 Emerging, 3 Learning,
4 Developing and 5 Mastering. A practice can also be marked as not applicable, or left unrated for
now.

**Principle scores.** A principle's score is the average level of its rated practices. Practices
marked as not applicable, and practices not rated yet, are left out. If none of a principle's
practices has a level, the principle has no score.

**Overall score.** The overall score is the average of the principle scores. Every principle counts
the same, however many practices it has. Principles with no score are left out.

**Levels.** Scores are shown to one decimal place, with halves rounded up. The level is the whole
number part of the score as shown, so a score from 3.0 to 3.9 is Learning. A score of 3.96 is shown
as 4.0 and is Developing. Scores always stay between 1 and 5.

**Targets and gaps.** Each principle can have a target level. The gap is the target minus the
score. A positive gap means you are short of your target. A gap of zero or less means you have
reached it.

**Evidence dates.** Evidence dated more than 12 months before the day the scores are worked out is
flagged as out of date. Evidence dated exactly 12 months before is still current: on 1 June 2026,
evidence from 1 June 2025 is current and evidence from 31 May 2025 is out of date. Out-of-date
evidence still counts towards the score, but check that it is still true. A rated practice with no
evidence date is flagged as undated.

**Planned actions.** A projection shows the scores you would reach if each planned action reached
its intended level. A plan never lowers a practice's level. Plans for practices that are not rated,
or marked as not applicable, are left out.

**Comparing rounds.** To compare with an earlier round, each practice is matched with the same
practice in that round. If the framework has changed, a practice may have no match. It is then
listed as not comparable and left out of the change. Changes for principles, and overall, use only
practices that have a level in both rounds.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Final

# The module docstring is the rules, written for the people who see the scores.
HOW_SCORES_WORK: Final[str] = __doc__ or ""

MIN_LEVEL: Final[int] = 1
MAX_LEVEL: Final[int] = 5
LEVEL_NAMES: Final[Mapping[int, str]] = {
    1: "Beginning",
    2: "Emerging",
    3: "Learning",
    4: "Developing",
    5: "Mastering",
}
STALE_AFTER_MONTHS: Final[int] = 12
DEFAULT_HIGHLIGHT_COUNT: Final[int] = 3

_ONE_DECIMAL: Final[Decimal] = Decimal("0.1")


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def validate_level(level: int, what: str = "level") -> int:
    """Return ``level`` if it is a whole number from 1 to 5, otherwise raise ``ValueError``."""
    if isinstance(level, bool) or not isinstance(level, int):
        raise ValueError(f"{what} must be a whole number from 1 to 5, got {level!r}")
    if not MIN_LEVEL <= level <= MAX_LEVEL:
        raise ValueError(f"{what} must be from 1 to 5, got {level}")
    return level


def level_name(level: int) -> str:
    """The name of a level, for example ``level_name(3) == "Learning"``."""
    return LEVEL_NAMES[validate_level(level)]


def _to_decimal(value: float | Fraction) -> Decimal:
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(repr(value))


def round_score(value: float | Fraction) -> Decimal:
    """Round a score (or gap) to one decimal place, halves away from zero (3.25 -> 3.3)."""
    return _to_decimal(value).quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP)


def format_score(value: float | Fraction) -> str:
    """A score as shown to people: one decimal place, halves rounded up (``"3.3"``)."""
    return str(round_score(value))


def level_for_score(score: float | Fraction) -> int:
    """The level a score has reached: the whole-number part of the score as shown.

    3.0 to 3.9 is level 3 (Learning); 3.96 is shown as 4.0 and so is level 4. The result is
    always within 1 to 5.
    """
    shown = round_score(score)
    return max(MIN_LEVEL, min(MAX_LEVEL, math.floor(shown)))


def stale_cutoff(as_of: date, months: int = STALE_AFTER_MONTHS) -> date:
    """The oldest evidence date that is still current on ``as_of``.

    This is the same day of the month ``months`` months earlier. When that day does not exist
    (29 February in a non-leap year, 31st in a short month) the last day of that month is used.
    Evidence dated before the cut-off is stale; evidence dated on it is not.
    """
    total = as_of.year * 12 + (as_of.month - 1) - months
    year, month0 = divmod(total, 12)
    month = month0 + 1
    day = min(as_of.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def is_stale(evidence_date: date, as_of: date) -> bool:
    """True when ``evidence_date`` is more than 12 months before ``as_of``."""
    return evidence_date < stale_cutoff(as_of)


def _mean(values: Iterable[Fraction]) -> Fraction | None:
    items = list(values)
    if not items:
        return None
    return sum(items, Fraction(0)) / len(items)


def principle_score(total: int, count: int) -> Fraction:
    """A principle's score from the sum and the number of its rated practices' levels.

    The score is the mean level of the rated practices; ``count`` must be at least 1.
    """
    return Fraction(total, count)


def principle_scores(levels: Iterable[tuple[str, int]]) -> dict[str, Fraction]:
    """Each principle's score from (principle key, level) pairs of its rated practices."""
    totals: dict[str, list[int]] = {}
    for key, level in levels:
        entry = totals.setdefault(key, [0, 0])
        entry[0] += level
        entry[1] += 1
    return {key: principle_score(total, count) for key, (total, count) in totals.items()}


def overall_score(scores: Iterable[Fraction]) -> Fraction | None:
    """The overall score: the mean of the principle scores (None when there are none)."""
    return _mean(scores)


# --------------------------------------------------------------------------------------------
# Inputs and results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PracticeRating:
    """A team's agreed rating of one practice.

    ``level`` is 1 to 5, or ``None`` when the practice is not applicable or not yet rated.
    A practice marked ``not_applicable`` must not also have a level.
    """

    practice_key: str
    principle_key: str
    level: int | None
    not_applicable: bool = False
    evidence_date: date | None = None

    def __post_init__(self) -> None:
        if not self.practice_key:
            raise ValueError("practice_key must not be empty")
        if not self.principle_key:
            raise ValueError("principle_key must not be empty")
        if self.level is not None:
            validate_level(self.level, f"level of practice {self.practice_key!r}")
            if self.not_applicable:
                raise ValueError(
                    f"practice {self.practice_key!r} is marked not applicable but has a level"
                )

    @property
    def is_rated(self) -> bool:
        """True when the practice has a level (it counts towards the score)."""
        return self.level is not None

    @property
    def is_unanswered(self) -> bool:
        """True when the practice has neither a level nor a not-applicable mark."""
        return self.level is None and not self.not_applicable


@dataclass(frozen=True)
class RatedPractice:
    """A practice with a level, as listed among the strongest or weakest practices."""

    practice_key: str
    principle_key: str
    level: int

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES[self.level]


@dataclass(frozen=True)
class PrincipleScore:
    """The score for one principle.

    ``practice_count`` counts every practice given for the principle, ``applicable_count`` those
    not marked as not applicable, and ``rated_count`` those with a level (the ones averaged).
    ``score``, ``level`` and ``gap`` are ``None`` when no practice has a level; ``gap`` is also
    ``None`` without a target.
    """

    principle_key: str
    score: float | None
    level: int | None
    practice_count: int
    applicable_count: int
    rated_count: int
    target: int | None
    gap: float | None

    @property
    def display_score(self) -> str | None:
        """The score as shown, for example ``"3.3"``."""
        return None if self.score is None else format_score(self.score)

    @property
    def display_gap(self) -> str | None:
        """Target minus the score as shown, so the numbers on screen add up."""
        if self.score is None or self.target is None:
            return None
        return str(Decimal(self.target) - round_score(self.score))

    @property
    def level_name(self) -> str | None:
        return None if self.level is None else LEVEL_NAMES[self.level]

    @property
    def meets_target(self) -> bool | None:
        """True when the score is at or above the target; ``None`` without both."""
        return None if self.gap is None else self.gap <= 0


@dataclass(frozen=True)
class AssessmentScores:
    """Scores for a whole assessment.

    ``principles`` keeps the order in which principles first appear in the ratings. Practice key
    lists (``stale``, ``undated``, ``unanswered``, ``not_applicable``) keep the ratings' order.
    """

    as_of: date
    principles: tuple[PrincipleScore, ...]
    overall_score: float | None
    overall_level: int | None
    stale: tuple[str, ...]
    undated: tuple[str, ...]
    unanswered: tuple[str, ...]
    not_applicable: tuple[str, ...]
    strongest: tuple[RatedPractice, ...]
    weakest: tuple[RatedPractice, ...]

    @property
    def display_overall_score(self) -> str | None:
        return None if self.overall_score is None else format_score(self.overall_score)

    @property
    def overall_level_name(self) -> str | None:
        return None if self.overall_level is None else LEVEL_NAMES[self.overall_level]

    def principle(self, principle_key: str) -> PrincipleScore:
        """The score for one principle; ``KeyError`` if it was not in the ratings."""
        for item in self.principles:
            if item.principle_key == principle_key:
                return item
        raise KeyError(principle_key)


@dataclass(frozen=True)
class PracticeChange:
    """How one current practice compares with the previous round.

    ``comparable`` is False when the practice has no counterpart in the previous round (it is
    new, or changed too much to match). ``change`` is current minus previous level, and is
    ``None`` unless both rounds gave the practice a level.
    """

    practice_key: str
    principle_key: str
    previous_practice_key: str | None
    previous_level: int | None
    current_level: int | None
    comparable: bool

    @property
    def change(self) -> int | None:
        if self.previous_level is None or self.current_level is None:
            return None
        return self.current_level - self.previous_level


@dataclass(frozen=True)
class PrincipleChange:
    """Change for one principle, using only practices with a level in both rounds.

    ``previous_score`` and ``current_score`` are averages over those matched practices only, so
    they can differ from the principle's headline score. All three are ``None`` when no practice
    can be compared. ``not_comparable`` lists current practices in the principle with no
    counterpart.
    """

    principle_key: str
    previous_score: float | None
    current_score: float | None
    change: float | None
    compared_count: int
    not_comparable: tuple[str, ...]


@dataclass(frozen=True)
class RoundComparison:
    """A comparison of the current round with the previous one.

    ``not_comparable`` lists current practices with no counterpart; ``removed`` lists previous
    practices that no current practice maps to. The overall figures average the principle
    figures, each principle counting the same, over principles with at least one compared
    practice.
    """

    practices: tuple[PracticeChange, ...]
    principles: tuple[PrincipleChange, ...]
    previous_overall: float | None
    current_overall: float | None
    overall_change: float | None
    not_comparable: tuple[str, ...]
    removed: tuple[str, ...]

    @property
    def compared_count(self) -> int:
        return sum(p.compared_count for p in self.principles)

    def principle(self, principle_key: str) -> PrincipleChange:
        for item in self.principles:
            if item.principle_key == principle_key:
                return item
        raise KeyError(principle_key)


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------


def _check_unique(ratings: Sequence[PracticeRating], what: str) -> None:
    seen: set[str] = set()
    for rating in ratings:
        if rating.practice_key in seen:
            raise ValueError(f"practice {rating.practice_key!r} appears twice in {what}")
        seen.add(rating.practice_key)


def _principle_order(ratings: Iterable[PracticeRating]) -> list[str]:
    order: dict[str, None] = {}
    for rating in ratings:
        order.setdefault(rating.principle_key, None)
    return list(order)


def _validate_targets(targets: Mapping[str, int] | None) -> Mapping[str, int]:
    if targets is None:
        return {}
    for key, value in targets.items():
        validate_level(value, f"target for principle {key!r}")
    return targets


def _highlights(
    practices: Sequence[RatedPractice], highlight_count: int
) -> tuple[tuple[RatedPractice, ...], tuple[RatedPractice, ...]]:
    if not practices:
        return (), ()
    count = min(highlight_count, len(practices) // 2)
    top = max(p.level for p in practices)
    bottom = min(p.level for p in practices)
    by_strength = sorted(practices, key=lambda p: (-p.level, p.practice_key))
    by_weakness = sorted(practices, key=lambda p: (p.level, p.practice_key))
    strongest = tuple(p for p in by_strength if p.level > bottom)[:count]
    weakest = tuple(p for p in by_weakness if p.level < top)[:count]
    return strongest, weakest


def score_assessment(
    ratings: Sequence[PracticeRating],
    as_of: date,
    targets: Mapping[str, int] | None = None,
    *,
    highlight_count: int = DEFAULT_HIGHLIGHT_COUNT,
) -> AssessmentScores:
    """Score an assessment from its agreed ratings, following ``HOW_SCORES_WORK``.

    ``targets`` maps principle keys to target levels (1 to 5); targets for principles with no
    ratings are ignored.

    Strongest practices are the rated practices with the highest levels, and weakest those with
    the lowest, ties in practice-key order. Each list holds at most ``highlight_count`` practices
    and at most half of the rated practices (rounded down), so the lists never overlap. A
    practice at the lowest level is never called strong, nor one at the highest level weak: if
    every practice has the same level, both lists are empty.

    Raises ``ValueError`` for a repeated practice key, an invalid target or a negative
    ``highlight_count``.
    """
    if highlight_count < 0:
        raise ValueError("highlight_count must not be negative")
    _check_unique(ratings, "the ratings")
    target_map = _validate_targets(targets)

    principles: list[PrincipleScore] = []
    principle_fractions: list[Fraction] = []
    for principle_key in _principle_order(ratings):
        members = [r for r in ratings if r.principle_key == principle_key]
        levels = [Fraction(r.level) for r in members if r.level is not None]
        mean = _mean(levels)
        target = target_map.get(principle_key)
        gap = None if mean is None or target is None else float(target - mean)
        principles.append(
            PrincipleScore(
                principle_key=principle_key,
                score=None if mean is None else float(mean),
                level=None if mean is None else level_for_score(mean),
                practice_count=len(members),
                applicable_count=sum(1 for r in members if not r.not_applicable),
                rated_count=len(levels),
                target=target,
                gap=gap,
            )
        )
        if mean is not None:
            principle_fractions.append(mean)

    overall = overall_score(principle_fractions)
    cutoff = stale_cutoff(as_of)
    rated = [r for r in ratings if r.level is not None]
    practices = [
        RatedPractice(r.practice_key, r.principle_key, r.level)
        for r in rated
        if r.level is not None
    ]
    strongest, weakest = _highlights(practices, highlight_count)
    return AssessmentScores(
        as_of=as_of,
        principles=tuple(principles),
        overall_score=None if overall is None else float(overall),
        overall_level=None if overall is None else level_for_score(overall),
        stale=tuple(
            r.practice_key
            for r in rated
            if r.evidence_date is not None and r.evidence_date < cutoff
        ),
        undated=tuple(r.practice_key for r in rated if r.evidence_date is None),
        unanswered=tuple(r.practice_key for r in ratings if r.is_unanswered),
        not_applicable=tuple(r.practice_key for r in ratings if r.not_applicable),
        strongest=strongest,
        weakest=weakest,
    )


def apply_plan(
    ratings: Sequence[PracticeRating], planned: Mapping[str, int]
) -> tuple[PracticeRating, ...]:
    """The ratings as they would be if each planned action reached its intended level.

    A rated practice moves up to its planned level if that is higher, and otherwise keeps its
    level. Plans for unrated or not-applicable practices are left out. Raises ``ValueError`` for
    a plan naming a practice that is not in the ratings, or an invalid planned level.
    """
    _check_unique(ratings, "the ratings")
    known = {r.practice_key for r in ratings}
    for key, level in planned.items():
        if key not in known:
            raise ValueError(f"planned action names unknown practice {key!r}")
        validate_level(level, f"planned level for practice {key!r}")
    projected: list[PracticeRating] = []
    for rating in ratings:
        intended = planned.get(rating.practice_key)
        if rating.level is not None and intended is not None and intended > rating.level:
            rating = PracticeRating(
                practice_key=rating.practice_key,
                principle_key=rating.principle_key,
                level=intended,
                not_applicable=False,
                evidence_date=rating.evidence_date,
            )
        projected.append(rating)
    return tuple(projected)


def project_scores(
    ratings: Sequence[PracticeRating],
    planned: Mapping[str, int],
    *,
    as_of: date,
    targets: Mapping[str, int] | None = None,
    highlight_count: int = DEFAULT_HIGHLIGHT_COUNT,
) -> AssessmentScores:
    """Scores if every planned action reached its intended level (see ``apply_plan``).

    A projection never lowers any practice, principle or overall score.
    """
    return score_assessment(
        apply_plan(ratings, planned), as_of, targets, highlight_count=highlight_count
    )


# --------------------------------------------------------------------------------------------
# Comparing rounds
# --------------------------------------------------------------------------------------------


def compare_rounds(
    previous: Sequence[PracticeRating],
    current: Sequence[PracticeRating],
    crosswalk: Mapping[str, str | None] | None = None,
) -> RoundComparison:
    """Compare the current round's ratings with the previous round's.

    ``crosswalk`` maps a current practice key to its counterpart's key in the previous round.
    A current key missing from the crosswalk is matched with the same key (so an unchanged
    framework needs no crosswalk). Map a key to ``None`` to say it has no counterpart even
    though the same key exists. A practice whose counterpart is not in the previous ratings is
    not comparable. Principles are those of the current round.
    """
    _check_unique(previous, "the previous ratings")
    _check_unique(current, "the current ratings")
    walk: Mapping[str, str | None] = crosswalk or {}
    previous_by_key = {r.practice_key: r for r in previous}

    changes: list[PracticeChange] = []
    used_previous: set[str] = set()
    for rating in current:
        previous_key = walk.get(rating.practice_key, rating.practice_key)
        counterpart = None if previous_key is None else previous_by_key.get(previous_key)
        if counterpart is not None:
            used_previous.add(counterpart.practice_key)
        changes.append(
            PracticeChange(
                practice_key=rating.practice_key,
                principle_key=rating.principle_key,
                previous_practice_key=None if counterpart is None else counterpart.practice_key,
                previous_level=None if counterpart is None else counterpart.level,
                current_level=rating.level,
                comparable=counterpart is not None,
            )
        )

    principle_changes: list[PrincipleChange] = []
    previous_means: list[Fraction] = []
    current_means: list[Fraction] = []
    for principle_key in _principle_order(current):
        members = [c for c in changes if c.principle_key == principle_key]
        pairs = [
            (Fraction(c.previous_level), Fraction(c.current_level))
            for c in members
            if c.previous_level is not None and c.current_level is not None
        ]
        before = _mean(p for p, _ in pairs)
        after = _mean(c for _, c in pairs)
        if before is not None and after is not None:
            previous_means.append(before)
            current_means.append(after)
        principle_changes.append(
            PrincipleChange(
                principle_key=principle_key,
                previous_score=None if before is None else float(before),
                current_score=None if after is None else float(after),
                change=None if before is None or after is None else float(after - before),
                compared_count=len(pairs),
                not_comparable=tuple(c.practice_key for c in members if not c.comparable),
            )
        )

    overall_before = _mean(previous_means)
    overall_after = _mean(current_means)
    return RoundComparison(
        practices=tuple(changes),
        principles=tuple(principle_changes),
        previous_overall=None if overall_before is None else float(overall_before),
        current_overall=None if overall_after is None else float(overall_after),
        overall_change=(
            None
            if overall_before is None or overall_after is None
            else float(overall_after - overall_before)
        ),
        not_comparable=tuple(c.practice_key for c in changes if not c.comparable),
        removed=tuple(r.practice_key for r in previous if r.practice_key not in used_previous),
    )


# --------------------------------------------------------------------------------------------
# Plain-English summary
# --------------------------------------------------------------------------------------------


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _signed_change(value: float) -> str:
    shown = round_score(value)
    if shown > 0:
        return f"risen by {shown}"
    if shown < 0:
        return f"fallen by {-shown}"
    return "stayed the same"


def summary_sentences(
    scores: AssessmentScores,
    comparison: RoundComparison | None = None,
    principle_titles: Mapping[str, str] | None = None,
) -> list[str]:
    """A short plain-English summary of the scores, and of the change since the last round.

    ``principle_titles`` maps principle keys to their titles; a principle without a title is
    named by its key.
    """
    titles = principle_titles or {}

    def title(key: str) -> str:
        return titles.get(key, key)

    sentences: list[str] = []
    if scores.overall_score is None or scores.overall_level_name is None:
        sentences.append("No practices have a level yet, so there is no overall level.")
    else:
        sentences.append(
            f"Your overall level is {scores.overall_level_name} ({scores.display_overall_score})."
        )

    shown = {
        p.principle_key: round_score(p.score) for p in scores.principles if p.score is not None
    }
    if len(set(shown.values())) >= 2:
        high_value = max(shown.values())
        low_value = min(shown.values())
        strongest = [title(key) for key, value in shown.items() if value == high_value]
        weakest = [title(key) for key, value in shown.items() if value == low_value]
        sentences.append(
            f"Your strongest {'principle is' if len(strongest) == 1 else 'principles are'} "
            f"{_join(strongest)} ({high_value}) and your weakest "
            f"{'is' if len(weakest) == 1 else 'are'} {_join(weakest)} ({low_value})."
        )

    gaps = {
        p.principle_key: (Decimal(p.display_gap), p.target)
        for p in scores.principles
        if p.display_gap is not None and p.target is not None
    }
    if gaps:
        short = {key: value for key, value in gaps.items() if value[0] > 0}
        if short:
            widest = max(gap for gap, _ in short.values())
            furthest = [key for key, (gap, _) in short.items() if gap == widest]
            target_levels = sorted({short[key][1] for key in furthest})
            target_text = _join([f"{LEVEL_NAMES[level]} ({level})" for level in target_levels])
            sentences.append(
                f"You are furthest from your target on {_join([title(k) for k in furthest])}: "
                f"{widest} below {target_text}."
            )
            if len(short) > len(furthest):
                sentences.append(
                    "In all, you are short of your target on "
                    f"{_plural(len(short), 'principle', 'principles')}."
                )
        else:
            sentences.append("You have reached your target on every principle that has one.")

    if scores.stale:
        sentences.append(
            f"{_plural(len(scores.stale), 'practice has', 'practices have')} evidence more than "
            "12 months old. Check it is still true."
        )
    if scores.undated:
        sentences.append(
            f"{_plural(len(scores.undated), 'practice has', 'practices have')} no evidence date."
        )
    if scores.unanswered:
        sentences.append(
            f"{_plural(len(scores.unanswered), 'practice has', 'practices have')} "
            "not been rated yet."
        )

    if comparison is not None:
        sentences.extend(_comparison_sentences(comparison, title))
    return sentences


def _comparison_sentences(comparison: RoundComparison, title: Callable[[str], str]) -> list[str]:
    sentences: list[str] = []
    if comparison.overall_change is None:
        sentences.append("No practices can be compared with the last round.")
    else:
        sentences.append(
            "Since the last round your overall score has "
            f"{_signed_change(comparison.overall_change)}, comparing the "
            f"{_plural(comparison.compared_count, 'practice', 'practices')} rated in both rounds."
        )
        moved = [p for p in comparison.principles if p.change is not None]
        best = max(moved, key=lambda p: p.change or 0.0)
        if best.change is not None and round_score(best.change) > 0:
            sentences.append(
                f"{title(best.principle_key)} improved the most, by {round_score(best.change)}."
            )
        worst = min(moved, key=lambda p: p.change or 0.0)
        if worst.change is not None and round_score(worst.change) < 0:
            sentences.append(
                f"{title(worst.principle_key)} fell the most, by {-round_score(worst.change)}."
            )
    if comparison.not_comparable:
        count = len(comparison.not_comparable)
        sentences.append(
            f"{_plural(count, 'practice is', 'practices are')} new or changed since the last "
            f"round, so {'it is' if count == 1 else 'they are'} not part of the comparison."
        )
    return sentences
