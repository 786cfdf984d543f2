"""Joining forums up: the pairs of forums that overlap most (hub staff), and the forums shown to
a team whose working-together practices are weak (its Results page).

The overlap score and the "weak" rule are in ``ue_core.forums``. A team's topics are the
register's themes whose keywords appear in the team's name, the description of its statistics
or the titles of its statistical outputs (the organisation's imported list): the team's own
words about what it produces, rather than the organisation's whole remit. When none of them
names a theme, the team is shown the forums its organisation already hosts or belongs to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Final

from sqlalchemy import select

from ue_core.authz import Actor, require_manage_forums, require_view_forums
from ue_core.db.engine import Database
from ue_core.db.models import Assessment, Round, StatisticalOutput
from ue_core.errors import InputError
from ue_core.forum_themes import shipped_forum_vocabulary
from ue_core.forums import (
    ForumFacts,
    ForumStatus,
    Overlap,
    PracticeGap,
    overlapping_pairs,
    themes_in_text,
    weak_practices,
)
from ue_core.services.access_facts import viewable_team
from ue_core.services.forums import ForumSummary, all_summaries
from ue_core.services.results import SEE_OWN_RESULTS, results_of
from ue_core.services.submissions import ever_submitted

MAX_PAIRS: Final = 100
MAX_SUGGESTIONS: Final = 5


@dataclass(frozen=True)
class ForumPair:
    """Two forums to coordinate, how much they overlap and why."""

    first: ForumSummary
    second: ForumSummary
    score: float
    theme_overlap: float
    organisation_overlap: float
    reason: str


def _facts(row: ForumSummary) -> ForumFacts:
    return ForumFacts(row.id, row.name, frozenset(row.themes), row.organisation_ids)


def join_up(
    db: Database, actor: Actor, today: date, *, min_score: float = 0.2, limit: int = 30
) -> list[ForumPair]:
    """The pairs of open forums (active or lapsed) that overlap most, highest score first."""
    require_manage_forums(actor)
    if not 0 <= min_score <= 1:
        raise InputError("The lowest score to show must be between 0 and 1.")
    if not 1 <= limit <= MAX_PAIRS:
        raise InputError(f"Show between 1 and {MAX_PAIRS} pairs.")
    vocabulary = shipped_forum_vocabulary()
    with db.read() as session:
        rows = [r for r in all_summaries(session, today) if r.status is not ForumStatus.CLOSED]
    by_id = {row.id: row for row in rows}
    labels = {t.key: t.label for t in vocabulary.themes}
    names: dict[int, str] = {}
    for row in rows:
        names[row.host_organisation_id] = row.host
        names.update(row.members)
    return [
        _pair(found, by_id, labels, names)
        for found in overlapping_pairs(
            (_facts(row) for row in rows), min_score=min_score, limit=limit
        )
    ]


def _pair(
    found: Overlap,
    by_id: Mapping[int, ForumSummary],
    labels: Mapping[str, str],
    names: Mapping[int, str],
) -> ForumPair:
    return ForumPair(
        first=by_id[found.first.forum_id],
        second=by_id[found.second.forum_id],
        score=found.score,
        theme_overlap=found.theme_overlap,
        organisation_overlap=found.organisation_overlap,
        reason=found.reason(labels, names),
    )


# --- Forums for a team whose working-together practices are weak -----------------------------


@dataclass(frozen=True)
class TeamTopic:
    theme: str
    label: str
    found: tuple[str, ...]  # the words that showed it


@dataclass(frozen=True)
class ForumSuggestion:
    forum: ForumSummary
    shared_theme_labels: tuple[str, ...]
    organisation_takes_part: bool


@dataclass(frozen=True)
class TeamForumSuggestions:
    """What the Results page says about forums: empty ``weak`` means nothing to suggest."""

    team_name: str
    round_label: str | None  # of the latest submitted assessment; None before the first
    weak: tuple[PracticeGap, ...]
    topics: tuple[TeamTopic, ...]
    forums: tuple[ForumSuggestion, ...]

    @property
    def by_organisation(self) -> bool:
        """No topic was found, so the forums are the organisation's own."""
        return not self.topics


def team_forum_suggestions(
    db: Database, actor: Actor, team_id: int, today: date
) -> TeamForumSuggestions:
    """The active forums on the team's topics, when its latest submitted scores put any
    working-together practice below its target (see ``ue_core.forums``)."""
    require_view_forums(actor)
    vocabulary = shipped_forum_vocabulary()
    with db.read() as session:
        team = viewable_team(session, actor, team_id, SEE_OWN_RESULTS)
        latest = session.scalar(
            select(Assessment)
            .join(Round, Assessment.round_id == Round.id)
            .where(Assessment.team_id == team_id, ever_submitted())
            .order_by(Round.starts_on.desc())
            .limit(1)
        )
        if latest is None:
            return TeamForumSuggestions(team.name, None, (), (), ())
        view = results_of(session, latest, today)
        targets = {p.principle_key: p.target for p in view.figures.principles}
        weak = weak_practices(
            {p.key: p.level for p in view.practices},
            {p.key: p.principle_key for p in view.practices},
            targets,
            {p.key: p.title for p in view.practices},
            vocabulary.working_together_practices,
        )
        if not weak:
            return TeamForumSuggestions(team.name, view.header.round_label, (), (), ())
        outputs = session.scalars(
            select(StatisticalOutput.title).where(StatisticalOutput.team_id == team_id)
        ).all()
        found = themes_in_text([team.name, team.statistics, *outputs], vocabulary.keywords())
        topics = tuple(
            TeamTopic(key, vocabulary.theme_label(key), found[key])
            for key in vocabulary.theme_keys()
            if key in found
        )
        organisation_id = team.organisation_id
        rows = [r for r in all_summaries(session, today) if r.status is ForumStatus.ACTIVE]
    return TeamForumSuggestions(
        team_name=team.name,
        round_label=view.header.round_label,
        weak=tuple(weak),
        topics=topics,
        forums=tuple(_suggestions(rows, topics, organisation_id)),
    )


def _suggestions(
    rows: list[ForumSummary], topics: tuple[TeamTopic, ...], organisation_id: int
) -> list[ForumSuggestion]:
    """Forums sharing the most topics first, then those the organisation takes part in."""
    wanted = {t.theme: t.label for t in topics}
    found = []
    for row in rows:
        shared = tuple(wanted[k] for k in row.themes if k in wanted)
        takes_part = organisation_id in row.organisation_ids
        if shared or (not wanted and takes_part):
            found.append(ForumSuggestion(row, shared, takes_part))
    found.sort(
        key=lambda s: (-len(s.shared_theme_labels), not s.organisation_takes_part, s.forum.name)
    )
    return found[:MAX_SUGGESTIONS]
