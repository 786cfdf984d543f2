"""Proportionate target levels for each principle.

OSR's guidance on user engagement asks producers to scale their engagement to the public profile
of their statistics and the interest in them, and notes that specialist statistics may not have a
broad user base (https://osr.statisticsauthority.gov.uk/publication/regulatory-guidance-user-engagement/pages/3/).
So the suggested target depends on a short profile of the statistics.

How a suggestion is made:

1. Every principle starts at level 3 (Learning).
2. High public interest adds one level; low public interest takes one away.
3. A wide range of users adds one level.
4. Some principles then change:
   - Proactively involving users: one level higher when the statistics change often, because
     users need a say before each change.
   - Open and transparent: one level higher when the statistics change often, because users
     need notice of changes and the reasons for them.
   - Flexible and proportionate: at least level 3, because every team has to judge how much
     effort its engagement needs, whatever the profile.
   - Working together and joining up: at least level 3, because users a team cannot reach
     alone, specialist ones especially, are often best reached through partners and networks.
   - Capability and culture: at least level 3 when the statistics change often or now and
     then, because the team needs engagement skills on hand for each change.
   Any other principle keeps the general target.
5. The result is kept between level 2 (Emerging) and level 5 (Mastering).

Targets are suggestions: teams can change them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal, get_args

from ue_core.scoring import LEVEL_NAMES

PublicInterest = Literal["low", "medium", "high"]
UserBreadth = Literal["narrow", "mixed", "wide"]
ChangeFrequency = Literal["stable", "occasional", "frequent"]

PUBLIC_INTEREST_VALUES: Final[tuple[str, ...]] = get_args(PublicInterest)
USER_BREADTH_VALUES: Final[tuple[str, ...]] = get_args(UserBreadth)
CHANGE_FREQUENCY_VALUES: Final[tuple[str, ...]] = get_args(ChangeFrequency)

BASELINE_TARGET: Final[int] = 3
MIN_TARGET: Final[int] = 2
MAX_TARGET: Final[int] = 5

KNOWN_PRINCIPLE_KEYS: Final[tuple[str, ...]] = (
    "proactively-involving-users",
    "flexible-and-proportionate",
    "open-and-transparent",
    "working-together",
    "capability-and-culture",
)

_INTEREST_TEXT: Final[dict[str, str]] = {
    "low": "Public interest in these statistics is low, so one level lower",
    "medium": "Public interest in these statistics is medium, so no change",
    "high": "Public interest in these statistics is high, so one level higher",
}
_BREADTH_TEXT: Final[dict[str, str]] = {
    "narrow": "The user base is narrow and specialist, so no change",
    "mixed": "The user base is mixed, so no change",
    "wide": "The user base is wide, so one level higher",
}
_CHANGE_TEXT: Final[dict[str, str]] = {
    "stable": "The statistics rarely change",
    "occasional": "The statistics change now and then",
    "frequent": "The statistics change often",
}
_INTEREST_STEP: Final[dict[str, int]] = {"low": -1, "medium": 0, "high": 1}
_BREADTH_STEP: Final[dict[str, int]] = {"narrow": 0, "mixed": 0, "wide": 1}


@dataclass(frozen=True)
class StatisticsProfile:
    """A short description of a team's statistics, used to suggest proportionate targets.

    - ``public_interest``: ``"low"``, ``"medium"`` or ``"high"``.
    - ``user_breadth``: ``"narrow"`` (specialist users), ``"mixed"`` or ``"wide"``.
    - ``change_frequency``: ``"stable"``, ``"occasional"`` or ``"frequent"`` changes to the
      statistics (methods, content or timing).
    """

    public_interest: PublicInterest
    user_breadth: UserBreadth
    change_frequency: ChangeFrequency

    def __post_init__(self) -> None:
        for name, value, allowed in (
            ("public_interest", self.public_interest, PUBLIC_INTEREST_VALUES),
            ("user_breadth", self.user_breadth, USER_BREADTH_VALUES),
            ("change_frequency", self.change_frequency, CHANGE_FREQUENCY_VALUES),
        ):
            if value not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")


@dataclass(frozen=True)
class SuggestedTarget:
    """A suggested target level with the reasons for it, in plain English."""

    level: int
    rationale: str

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES[self.level]


def general_target(profile: StatisticsProfile) -> int:
    """The target for a principle with no special rule: steps 1, 2, 3 and 5 above."""
    return _clamp(_profile_level(profile))


def _profile_level(profile: StatisticsProfile) -> int:
    return (
        BASELINE_TARGET
        + _INTEREST_STEP[profile.public_interest]
        + _BREADTH_STEP[profile.user_breadth]
    )


def _clamp(level: int) -> int:
    return max(MIN_TARGET, min(MAX_TARGET, level))


def _principle_rule(
    principle_key: str, profile: StatisticsProfile, level: int
) -> tuple[int, str | None]:
    """Apply the principle's own rule to ``level``; return the new level and the reason."""
    frequent = profile.change_frequency == "frequent"
    if principle_key == "proactively-involving-users" and frequent:
        return level + 1, (
            "The statistics change often and users need a say before each change, "
            "so one level higher for this principle"
        )
    if principle_key == "open-and-transparent" and frequent:
        return level + 1, (
            "The statistics change often and users need notice of changes and the reasons "
            "for them, so one level higher for this principle"
        )
    if principle_key == "flexible-and-proportionate" and level < BASELINE_TARGET:
        return BASELINE_TARGET, (
            "Every team has to judge how much effort its engagement needs, "
            "so this principle is kept at Learning (3) or above"
        )
    if principle_key == "working-together" and level < BASELINE_TARGET:
        return BASELINE_TARGET, (
            "Users you cannot reach alone, specialist ones especially, are often best reached "
            "through partner organisations and networks, so this principle is kept at "
            "Learning (3) or above"
        )
    if (
        principle_key == "capability-and-culture"
        and profile.change_frequency != "stable"
        and level < BASELINE_TARGET
    ):
        return BASELINE_TARGET, (
            "The statistics change from time to time and the team needs engagement skills on "
            "hand for each change, so this principle is kept at Learning (3) or above"
        )
    return level, None


def suggest_target(principle_key: str, profile: StatisticsProfile) -> SuggestedTarget:
    """The suggested target for one principle, with its rationale."""
    raw = _profile_level(profile)
    reasons = [
        f"Every principle starts at {LEVEL_NAMES[BASELINE_TARGET]} ({BASELINE_TARGET})",
        _INTEREST_TEXT[profile.public_interest],
        _BREADTH_TEXT[profile.user_breadth],
    ]
    adjusted, reason = _principle_rule(principle_key, profile, raw)
    if reason is None or not reason.startswith("The statistics change"):
        reasons.append(
            f"{_CHANGE_TEXT[profile.change_frequency]}, which does not change this target"
        )
    if reason is not None:
        reasons.append(reason)
    level = _clamp(adjusted)
    if adjusted > MAX_TARGET:
        reasons.append(f"Targets go no higher than {LEVEL_NAMES[MAX_TARGET]} ({MAX_TARGET})")
    elif adjusted < MIN_TARGET:
        reasons.append(f"Targets go no lower than {LEVEL_NAMES[MIN_TARGET]} ({MIN_TARGET})")
    summary = f"Suggested target: {LEVEL_NAMES[level]} ({level})"
    return SuggestedTarget(level=level, rationale=". ".join([summary, *reasons]) + ".")


def suggest_targets(
    profile: StatisticsProfile, principle_keys: Iterable[str]
) -> dict[str, SuggestedTarget]:
    """Suggested targets for each principle key, in the order given.

    Keys not in ``KNOWN_PRINCIPLE_KEYS`` get the general target.
    """
    return {key: suggest_target(key, profile) for key in principle_keys}
