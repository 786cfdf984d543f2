"""Disclosure control: figures about fewer than 5 teams are never shown.

Any aggregate (a mean score, a share, a count of teams at a level) worked out from fewer than
``MIN_TEAMS`` teams is suppressed. A suppressed figure keeps no value at all, so it cannot leak
from the service layer into a page or a download; it is shown as ``[c]`` with ``SUPPRESSED_NOTE``.
A figure with no teams behind it at all is not available and is shown as ``[x]``.

Tables of counts (how many teams are at each level) get two kinds of suppression: every count of
1 to 4 teams is hidden, and when only one count in a row would be hidden, the next smallest
count is hidden too, so nobody can work the hidden one out from the row's total.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Final, TypeVar

MIN_TEAMS: Final[int] = 5
SUPPRESSED: Final[str] = "[c]"
NOT_AVAILABLE: Final[str] = "[x]"
SUPPRESSED_NOTE: Final[str] = (
    "[c] means fewer than 5 teams, so the figure is not shown to protect teams' confidentiality."
)
NOT_AVAILABLE_NOTE: Final[str] = "[x] means no team has a figure for this, so there is none."

K = TypeVar("K", bound=Hashable)


def is_disclosive(team_count: int) -> bool:
    """True when a figure about ``team_count`` teams must not be shown (1 to 4 teams)."""
    if team_count < 0:
        raise ValueError("A number of teams cannot be negative")
    return 0 < team_count < MIN_TEAMS


@dataclass(frozen=True)
class Aggregate:
    """A figure worked out over ``team_count`` teams, with disclosure control applied.

    ``value`` is ``None`` when the figure is suppressed (1 to 4 teams) or when there are no
    teams; a suppressed ``Aggregate`` never holds the value it hides.
    """

    value: float | None
    team_count: int

    def __post_init__(self) -> None:
        if self.team_count < 0:
            raise ValueError("A number of teams cannot be negative")
        if self.value is not None and self.team_count < MIN_TEAMS:
            raise ValueError(f"A figure about {self.team_count} teams must be suppressed")

    @property
    def suppressed(self) -> bool:
        return is_disclosive(self.team_count)

    @property
    def available(self) -> bool:
        return self.value is not None

    def display(self, formatter: Callable[[float], str]) -> str:
        """The figure as shown: formatted, ``[c]`` when suppressed, ``[x]`` with no teams."""
        if self.value is not None:
            return formatter(self.value)
        return SUPPRESSED if self.suppressed else NOT_AVAILABLE


def aggregate(value: float | Fraction | None, team_count: int) -> Aggregate:
    """Apply the rule to a figure already worked out over ``team_count`` teams."""
    if team_count < MIN_TEAMS or value is None:
        return Aggregate(None, team_count)
    return Aggregate(float(value), team_count)


def mean_over_teams(values: Iterable[float | Fraction]) -> Aggregate:
    """The mean of one value per team, suppressed when there are fewer than 5 teams."""
    items = [Fraction(v) for v in values]
    if len(items) < MIN_TEAMS:
        return Aggregate(None, len(items))
    return Aggregate(float(sum(items, Fraction(0)) / len(items)), len(items))


def share_of_teams(matching: int, team_count: int) -> Aggregate:
    """The share (0 to 1) of ``team_count`` teams that match, suppressed under 5 teams."""
    if not 0 <= matching <= team_count:
        raise ValueError("The matching teams must be between 0 and the number of teams")
    if team_count < MIN_TEAMS:
        return Aggregate(None, team_count)
    return Aggregate(matching / team_count, team_count)


def suppress_counts(counts: Mapping[K, int]) -> dict[K, int | None]:
    """Counts of teams with small counts hidden (``None``), keeping the input's order.

    Primary suppression hides every count from 1 to 4. Zero is shown: it says nothing about any
    team. If exactly one count is hidden and other counts are shown, the smallest shown non-zero
    count is hidden as well (the first of equals), so the row total cannot reveal the first.
    """
    for key, count in counts.items():
        if count < 0:
            raise ValueError(f"The count for {key!r} cannot be negative")
    return _hide_one_more(
        {key: None if is_disclosive(count) else count for key, count in counts.items()}
    )


def suppress_by_teams(cells: Mapping[K, tuple[int, int]]) -> dict[K, int | None]:
    """Counts of things teams did (requests, say), each ``(count, teams behind it)``, with the
    counts from 1 to 4 teams hidden (``None``), keeping the input's order.

    The same two rules as :func:`suppress_counts`: a count from fewer than 5 teams is hidden,
    and when exactly one is hidden the smallest shown non-zero count is hidden as well.
    """
    for key, (count, teams) in cells.items():
        if count < 0 or teams < 0:
            raise ValueError(f"The count for {key!r} cannot be negative")
    return _hide_one_more(
        {key: None if is_disclosive(teams) else count for key, (count, teams) in cells.items()}
    )


def _hide_one_more(result: dict[K, int | None]) -> dict[K, int | None]:
    """Secondary suppression: with exactly one count hidden, hide the smallest shown one too."""
    hidden = [key for key, value in result.items() if value is None]
    if len(hidden) == 1:
        shown = [(value, index, key) for index, (key, value) in enumerate(result.items()) if value]
        if shown:
            _, _, partner = min(shown, key=lambda item: (item[0], item[1]))
            result[partner] = None
    return result


def display_count(count: int | None) -> str:
    """A count from ``suppress_counts`` as shown: the number, or ``[c]`` when hidden."""
    return SUPPRESSED if count is None else f"{count:,}"
