"""Comparing team members' ratings of one practice, to help the team lead agree a level.

Rules:

- Each team member gives a level from 1 to 5, or says the practice is not applicable (``None``).
- The spread is the highest level given minus the lowest. A spread of 2 or more needs a
  discussion before the team agrees a level.
- If some members say "not applicable" and others give a level, that also needs a discussion.
- The suggested level is the median of the levels given, rounded down when it falls between two
  levels. It is a starting point for the discussion, never the agreed level itself.
- Everyone agrees when all members who rated gave the same level, or all said "not applicable".
- The explanation says how many of the team's members rated, so one person's rating is never
  described as everyone's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from ue_core.scoring import LEVEL_NAMES, validate_level

DISCUSSION_SPREAD: Final[int] = 2


@dataclass(frozen=True)
class Agreement:
    """How far team members' ratings of one practice agree.

    - ``levels``: the levels given, lowest first (members who said not applicable are left out).
    - ``not_applicable``: the members who said the practice is not applicable, in key order.
    - ``rater_count``: how many members gave an answer of either kind.
    - ``spread``: highest level minus lowest; 0 with fewer than two levels.
    - ``needs_discussion``: spread of 2 or more, or a mix of levels and "not applicable".
    - ``suggested_level``: median level rounded down; ``None`` when nobody gave a level.
    - ``all_agree``: everyone who rated gave the same level, or everyone said not applicable.
    - ``member_count``: how many members the team has (at least ``rater_count``).
    - ``reason``: one plain-English sentence explaining the result.
    """

    levels: tuple[int, ...]
    not_applicable: tuple[str, ...]
    rater_count: int
    spread: int
    needs_discussion: bool
    suggested_level: int | None
    all_agree: bool
    member_count: int
    reason: str

    @property
    def everyone_rated(self) -> bool:
        return self.rater_count >= self.member_count

    @property
    def suggested_level_name(self) -> str | None:
        return None if self.suggested_level is None else LEVEL_NAMES[self.suggested_level]

    @property
    def suggests_not_applicable(self) -> bool:
        """True when every member said the practice is not applicable."""
        return self.rater_count > 0 and not self.levels


def median_rounded_down(levels: tuple[int, ...]) -> int:
    """The median of sorted ``levels``; between two levels, the lower one. Needs one level."""
    if not levels:
        raise ValueError("need at least one level")
    ordered = sorted(levels)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) // 2


def compare_ratings(
    ratings: Mapping[str, int | None], member_count: int | None = None
) -> Agreement:
    """Compare the ratings of one practice, keyed by team member.

    A value of ``None`` means that member said the practice is not applicable; leave out members
    who have not rated it. ``member_count`` is how many members the team has (by default, as many
    as rated). Raises ``ValueError`` for a level outside 1 to 5.
    """
    for member, level in ratings.items():
        if level is not None:
            validate_level(level, f"level from {member!r}")
    levels = tuple(sorted(level for level in ratings.values() if level is not None))
    not_applicable = tuple(sorted(member for member, level in ratings.items() if level is None))
    rater_count = len(ratings)
    members = max(rater_count, member_count if member_count is not None else rater_count)
    spread = levels[-1] - levels[0] if levels else 0
    mixed = bool(levels) and bool(not_applicable)
    needs_discussion = mixed or spread >= DISCUSSION_SPREAD
    suggested = median_rounded_down(levels) if levels else None
    all_agree = rater_count > 0 and ((not levels) or (not not_applicable and len(set(levels)) == 1))
    return Agreement(
        levels=levels,
        not_applicable=not_applicable,
        rater_count=rater_count,
        spread=spread,
        needs_discussion=needs_discussion,
        suggested_level=suggested,
        all_agree=all_agree,
        member_count=members,
        reason=_reason(levels, not_applicable, spread, suggested, all_agree, members),
    )


def _reason(
    levels: tuple[int, ...],
    not_applicable: tuple[str, ...],
    spread: int,
    suggested: int | None,
    all_agree: bool,
    member_count: int,
) -> str:
    rater_count = len(levels) + len(not_applicable)
    if rater_count == 0:
        return "Nobody has rated this practice yet."
    everyone = rater_count >= member_count
    text = _explanation(levels, not_applicable, spread, suggested, all_agree, everyone)
    if everyone:
        return text[0].upper() + text[1:]
    return f"{rater_count} of {member_count} members rated: {text}"


def _explanation(
    levels: tuple[int, ...],
    not_applicable: tuple[str, ...],
    spread: int,
    suggested: int | None,
    all_agree: bool,
    everyone: bool,
) -> str:
    """The explanation, starting in lower case unless it starts with a level's name."""
    rater_count = len(levels) + len(not_applicable)
    who = "everyone" if everyone else {1: "", 2: "both"}.get(rater_count, "all")
    if not levels:
        return (
            f"{who} say{'s' if who == 'everyone' else ''} this practice is not applicable."
            if who
            else "not applicable."
        )
    suggestion = f"{LEVEL_NAMES[suggested]} ({suggested})" if suggested is not None else ""
    if all_agree:
        return f"{who} gave {suggestion}." if who else f"{suggestion}."
    if not_applicable:
        count = len(not_applicable)
        says = "1 person says" if count == 1 else f"{count} people say"
        return (
            f"{says} this practice is not applicable and others gave a level, "
            "so discuss whether it applies."
        )
    if spread >= DISCUSSION_SPREAD:
        return (
            f"levels range from {levels[0]} to {levels[-1]}, a spread of {spread}, so discuss "
            f"them before agreeing. The suggested starting level is {suggestion}."
        )
    return (
        f"levels are close, from {levels[0]} to {levels[-1]}. "
        f"The suggested starting level is {suggestion}."
    )
