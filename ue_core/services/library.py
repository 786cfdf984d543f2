"""The library of case studies and training, recommendations, their follow-up and peer contacts.

The catalogue files in ``data/`` are copied into the ``resource`` table (``sync_catalogue``),
which is what the app reads: the first read after a file changes copies it again. Each row keeps
the catalogue entry in ``content`` (``content["resource"]`` is the uniform view the library and
recommender use, ``content["details"]`` the kind-specific fields).

Recommendations: the issue's entry points ``recommend_for_assessment(assessment_id, k=8)`` and
``recommend_for_text(text, k=8)`` need data, so they live here as functions taking the database
and the acting person first, like every service: ``recommend_for_assessment(db, actor,
assessment_id, k=8)`` and ``recommend_for_text(db, actor, text, k=8)``. The ranking itself is
pure and lives in ``ue_core.recommend``. Assessments are ranked in the catalogue's TF-IDF space
(quick to build, as good on gap profiles); free text with the best installed embedding backend.

Who may do what:

- anyone with ``USE_LIBRARY`` may search and read the library and get recommendations for text;
- recommendations, follow-up and peer contacts for an assessment: members and leads of the team,
  the champion of its organisation and hub staff (as for results);
- recording shown, opened, used and dismissed: members and leads of the team only;
- opting the team in or out of "happy to talk about our approach": the team lead;
- usage figures per resource: admins.

Peer contacts show only teams that have opted in, in other organisations, and nothing at all
about teams that have not.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final, cast

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ue_core import audit
from ue_core.authz import Actor, Permission, require, require_team
from ue_core.catalogue import (
    AUDIENCES,
    METHODS,
    PRINCIPLES,
    Catalogue,
    Resource,
    ResourceKind,
    load_catalogue,
)
from ue_core.db.engine import Database
from ue_core.db.models import (
    AgreedRating,
    Assessment,
    AssessmentStatus,
    Membership,
    Organisation,
    Practice,
    Principle,
    RecommendationEvent,
    Role,
    Round,
    Team,
    User,
)
from ue_core.db.models import Resource as ResourceRow
from ue_core.errors import InputError, NotFound
from ue_core.framework import Framework, load_framework
from ue_core.recommend import (
    DEFAULT_K,
    PracticeInfo,
    Recommendation,
    ResourceIndex,
    build_index,
    catalogue_hash,
    rank_for_gaps,
    rank_for_text,
)
from ue_core.scoring import level_name
from ue_core.services import results as results_service
from ue_core.themes.embedding import TFIDF_LSA

__all__ = [
    "KIND_LABELS",
    "MAX_QUERY",
    "STRONG_LEVEL",
    "EventKind",
    "FilterOptions",
    "FollowUp",
    "LibraryItem",
    "PeerContact",
    "PracticeMove",
    "RecommendationPanel",
    "ResourceStats",
    "ShownRecommendation",
    "filter_options",
    "follow_up",
    "get_item",
    "get_item_by_slug",
    "happy_to_talk",
    "peer_contacts",
    "recommend_for_assessment",
    "recommend_for_text",
    "recommendation_panel",
    "record_event",
    "resource_stats",
    "search",
    "set_happy_to_talk",
    "sync_catalogue",
]

KIND_LABELS: Final[Mapping[str, str]] = {
    "case_study": "Case study",
    "training": "Training and support",
}
#: Longest search text accepted.
MAX_QUERY: Final = 500
#: A principle score at or above this (Developing) counts as strong for peer contacts.
STRONG_LEVEL: Final = 3.5
#: Peer contacts suggested per weak principle.
PEERS_PER_PRINCIPLE: Final = 3


class EventKind(StrEnum):
    SHOWN = "shown"
    OPENED = "opened"
    USED = "used"
    DISMISSED = "dismissed"


# --- Views ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LibraryItem:
    """A library entry as the pages show it."""

    row_id: int
    resource: Resource
    details: Mapping[str, Any]
    practice_titles: Mapping[str, str]

    @property
    def slug(self) -> str:
        return self.resource.id

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.resource.kind]

    def principle_labels(self) -> list[str]:
        return [PRINCIPLES.get(key, key) for key in self.resource.principles]

    def practice_labels(self) -> list[str]:
        return [self.practice_titles.get(key, key) for key in self.resource.practices]

    def method_labels(self) -> list[str]:
        return [METHODS.get(key, key) for key in self.resource.methods]

    def audience_labels(self) -> list[str]:
        return [AUDIENCES.get(key, key) for key in self.resource.audiences]


@dataclass(frozen=True)
class FilterOptions:
    """Choices for the library's filters: (key, label) pairs in a sensible order."""

    principles: tuple[tuple[str, str], ...]
    practices: tuple[tuple[str, str], ...]
    methods: tuple[tuple[str, str], ...]
    audiences: tuple[tuple[str, str], ...]
    organisations: tuple[str, ...]
    kinds: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ShownRecommendation:
    item: LibraryItem
    recommendation: Recommendation
    used: bool  # the team said it will use this, for this assessment


@dataclass(frozen=True)
class RecommendationPanel:
    team_id: int
    can_record: bool  # the actor belongs to the team, so their clicks are recorded
    items: tuple[ShownRecommendation, ...]
    dismissed_count: int


@dataclass(frozen=True)
class PracticeMove:
    practice_key: str
    title: str
    before: int | None
    after: int | None

    @property
    def description(self) -> str:
        if self.before is None or self.after is None:
            return f"'{self.title}' was not rated in both rounds"
        if self.after > self.before:
            return (
                f"'{self.title}' moved up from {level_name(self.before)} to "
                f"{level_name(self.after)}"
            )
        if self.after < self.before:
            return (
                f"'{self.title}' moved down from {level_name(self.before)} to "
                f"{level_name(self.after)}"
            )
        return f"'{self.title}' stayed at {level_name(self.after)}"


@dataclass(frozen=True)
class FollowUp:
    """A resource the team said it would use in an earlier round, and what happened since."""

    item: LibraryItem
    round_label: str
    moves: tuple[PracticeMove, ...]

    @property
    def improved(self) -> bool:
        return any(
            m.before is not None and m.after is not None and m.after > m.before for m in self.moves
        )


@dataclass(frozen=True)
class PeerContact:
    principle_key: str
    principle_title: str
    your_score: float | None
    team_name: str
    organisation_name: str
    their_score: float
    round_label: str
    contacts: tuple[tuple[str, str], ...]  # (name, email) of the team's leads


@dataclass(frozen=True)
class ResourceStats:
    slug: str
    title: str
    kind_label: str
    recommended: int  # assessments it was shown for
    opened: int
    used: int
    dismissed: int
    improved: int  # uses followed by a practice it addresses moving up in a later round


# --- Catalogue into the database ------------------------------------------------------------


@functools.cache
def _framework() -> Framework:
    return load_framework()


@functools.cache
def _catalogue() -> Catalogue:
    return load_catalogue(practice_keys=_framework().practice_keys())


def _practice_infos(framework: Framework) -> dict[str, PracticeInfo]:
    return {
        practice.key: PracticeInfo(practice.key, practice.title, practice.statement)
        for practice in framework.practices()
    }


def _practice_titles() -> dict[str, str]:
    return {p.key: p.title for p in _framework().practices()}


def _content(catalogue: Catalogue, resource: Resource) -> dict[str, Any]:
    keys: tuple[str, ...]
    if resource.kind == "case_study":
        entry = catalogue.case_study(resource.id).model_dump(mode="json")
        keys = ("organisation", "year", "task", "approach", "outcome")
    else:
        entry = catalogue.offer(resource.id).model_dump(mode="json")
        keys = ("provider", "kind", "format", "length", "level", "suits", "description")
    view = {
        "kind": resource.kind,
        "id": resource.id,
        "title": resource.title,
        "summary": resource.summary,
        "origin": resource.origin,
        "detail": resource.detail,
        "principles": list(resource.principles),
        "practices": list(resource.practices),
        "methods": list(resource.methods),
        "audiences": list(resource.audiences),
        "source_urls": list(resource.source_urls),
        "is_example": resource.is_example,
    }
    return {"resource": view, "details": {key: entry[key] for key in keys}}


def _resource_from(content: Mapping[str, Any]) -> Resource:
    view = content["resource"]
    return Resource(
        kind=cast(ResourceKind, view["kind"]),
        id=str(view["id"]),
        title=str(view["title"]),
        summary=str(view["summary"]),
        origin=str(view["origin"]),
        detail=str(view["detail"]),
        principles=tuple(view["principles"]),
        practices=tuple(view["practices"]),
        methods=tuple(view["methods"]),
        audiences=tuple(view["audiences"]),
        source_urls=tuple(view["source_urls"]),
        is_example=bool(view["is_example"]),
    )


_SYNCED: dict[str, str] = {}
_SYNC_LOCK = threading.Lock()


def sync_catalogue(db: Database, actor: Actor | None = None) -> int:
    """Copy the catalogue files into the ``resource`` table; returns the rows added or changed.

    Rows are matched by slug (the catalogue id); a row whose entry has left the files is marked
    inactive, so it leaves the library and recommendations but keeps its recorded events.
    Rows an admin has changed in the app (``edited_at`` set) are left as the admin left them.
    ``actor`` is None for the system (first use, the command line); a person must be an admin.
    """
    if actor is not None:
        require(actor, Permission.ADMINISTER)
    catalogue = _catalogue()
    changed = 0
    try:
        with db.transaction() as session:
            existing = {row.slug: row for row in session.scalars(select(ResourceRow))}
            for resource in catalogue.resources():
                content = _content(catalogue, resource)
                row = existing.get(resource.id)
                if row is None:
                    session.add(
                        ResourceRow(
                            slug=resource.id,
                            kind=resource.kind,
                            title=resource.title,
                            content=content,
                            is_active=True,
                        )
                    )
                    changed += 1
                elif row.edited_at is not None:
                    continue
                elif row.content != content or row.title != resource.title or not row.is_active:
                    row.kind = resource.kind
                    row.title = resource.title
                    row.content = content
                    row.is_active = True
                    changed += 1
            # An entry taken out of the files is withdrawn, not deleted: its events stay.
            in_files = {resource.id for resource in catalogue.resources()}
            for slug, row in existing.items():
                if slug not in in_files and row.is_active and row.edited_at is None:
                    row.is_active = False
                    changed += 1
            if changed:
                audit.record(
                    session, actor, "sync_catalogue", "resource", None, None, {"changed": changed}
                )
    except IntegrityError:  # another process copied the same files at the same moment
        return 0
    return changed


def _ensure_synced(db: Database) -> None:
    digest = catalogue_hash(_catalogue().resources(), _practice_titles())
    with _SYNC_LOCK:
        if _SYNCED.get(db.url) == digest:
            return
    sync_catalogue(db)
    with _SYNC_LOCK:
        _SYNCED[db.url] = digest


def _active_items(session: Session) -> list[LibraryItem]:
    titles = _practice_titles()
    rows = session.scalars(
        select(ResourceRow).where(ResourceRow.is_active.is_(True)).order_by(ResourceRow.id)
    )
    return [
        LibraryItem(
            row_id=row.id,
            resource=_resource_from(row.content),
            details=dict(row.content.get("details", {})),
            practice_titles=titles,
        )
        for row in rows
    ]


def _items(db: Database) -> list[LibraryItem]:
    _ensure_synced(db)
    with db.read() as session:
        return _active_items(session)


def _gap_index(items: Sequence[LibraryItem]) -> ResourceIndex:
    """The index for assessments: the catalogue's own TF-IDF space.

    It builds in a fraction of a second, so the first results page after a restart is not held
    up loading a model, and it ranks the judged gap profiles as well as MiniLM does (see
    bench/recommend_eval.py); gap ranking leans on tags, with meaning only as a tie-breaker.
    """
    return build_index([item.resource for item in items], _practice_titles(), backend=TFIDF_LSA)


def _text_index(items: Sequence[LibraryItem]) -> ResourceIndex:
    """The index for free text: the best installed backend (MiniLM when present)."""
    return build_index([item.resource for item in items], _practice_titles())


# --- Library --------------------------------------------------------------------------------


def _search_text(item: LibraryItem) -> str:
    parts = [
        item.resource.title,
        item.resource.summary,
        item.resource.origin,
        item.resource.detail,
        item.kind_label,
        *(str(value) for value in item.details.values()),
        *item.principle_labels(),
        *item.practice_labels(),
        *item.method_labels(),
        *item.audience_labels(),
    ]
    return " ".join(parts).casefold()


def filter_options(db: Database, actor: Actor) -> FilterOptions:
    require(actor, Permission.USE_LIBRARY)
    items = _items(db)
    used_practices = {key for item in items for key in item.resource.practices}
    used_methods = {key for item in items for key in item.resource.methods}
    used_audiences = {key for item in items for key in item.resource.audiences}
    titles = _practice_titles()
    return FilterOptions(
        principles=tuple(PRINCIPLES.items()),
        practices=tuple((k, t) for k, t in titles.items() if k in used_practices),
        methods=tuple((k, t) for k, t in METHODS.items() if k in used_methods),
        audiences=tuple((k, t) for k, t in AUDIENCES.items() if k in used_audiences),
        organisations=tuple(sorted({item.resource.origin for item in items})),
        kinds=tuple(KIND_LABELS.items()),
    )


def search(
    db: Database,
    actor: Actor,
    query: str = "",
    *,
    principle: str | None = None,
    practice: str | None = None,
    method: str | None = None,
    audience: str | None = None,
    organisation: str | None = None,
    kind: str | None = None,
) -> list[LibraryItem]:
    """Library entries containing every word of ``query`` and matching every filter given.

    Entries whose title holds a word of the query come first; otherwise catalogue order.
    """
    require(actor, Permission.USE_LIBRARY)
    if len(query) > MAX_QUERY:
        raise InputError(f"Search for at most {MAX_QUERY} characters.")
    words = [word for word in query.casefold().split() if word]
    found = []
    for item in _items(db):
        r = item.resource
        if (
            (principle and principle not in r.principles)
            or (practice and practice not in r.practices)
            or (method and method not in r.methods)
            or (audience and audience not in r.audiences)
            or (organisation and organisation != r.origin)
            or (kind and kind != r.kind)
        ):
            continue
        text = _search_text(item)
        if all(word in text for word in words):
            in_title = sum(word in r.title.casefold() for word in words)
            found.append((-in_title, item.row_id, item))
    return [item for _, _, item in sorted(found, key=lambda entry: entry[:2])]


def get_item(db: Database, actor: Actor, row_id: int) -> LibraryItem:
    require(actor, Permission.USE_LIBRARY)
    for item in _items(db):
        if item.row_id == row_id:
            return item
    raise NotFound("That library entry does not exist or has been withdrawn.")


def get_item_by_slug(db: Database, actor: Actor, slug: str) -> LibraryItem:
    require(actor, Permission.USE_LIBRARY)
    for item in _items(db):
        if item.slug == slug:
            return item
    raise NotFound("That library entry does not exist or has been withdrawn.")


# --- Recommendations ------------------------------------------------------------------------


def _agreed_levels(session: Session, assessment_id: int) -> dict[str, int]:
    rows = session.execute(
        select(Practice.key, AgreedRating.level)
        .join(AgreedRating, AgreedRating.practice_id == Practice.id)
        .where(
            AgreedRating.assessment_id == assessment_id,
            AgreedRating.level.is_not(None),
            AgreedRating.not_applicable.is_(False),
        )
    ).all()
    return {key: int(level) for key, level in rows if level is not None}


def _principle_of_practices(session: Session, assessment: Assessment) -> dict[str, str]:
    rows = session.execute(
        select(Practice.key, Principle.key)
        .join(Principle, Practice.principle_id == Principle.id)
        .where(Practice.framework_version_id == assessment.framework_version_id)
    ).all()
    return {practice: principle for practice, principle in rows}


def _gap_profile(
    db: Database, actor: Actor, assessment_id: int
) -> tuple[Assessment, dict[str, tuple[int, int]]]:
    """The assessment and its gap profile; checks the actor may see it."""
    targets = {
        t.principle_key: t.level
        for t in results_service.targets(db, actor, assessment_id)
        if t.level is not None
    }
    with db.read() as session:
        assessment = session.get(Assessment, assessment_id)
        if assessment is None:
            raise NotFound("That assessment does not exist.")
        levels = _agreed_levels(session, assessment_id)
        principle_of = _principle_of_practices(session, assessment)
    gaps = {
        key: (level, targets[principle_of[key]])
        for key, level in levels.items()
        if principle_of.get(key) in targets
    }
    return assessment, gaps


def recommend_for_assessment(
    db: Database, actor: Actor, assessment_id: int, k: int = DEFAULT_K
) -> list[Recommendation]:
    """Library resources for the assessment's gaps to target, each with its reason.

    Practices without an agreed level, or whose principle has no target yet, are left out.
    """
    _, gaps = _gap_profile(db, actor, assessment_id)
    items = _items(db)
    return rank_for_gaps(gaps, _gap_index(items), _practice_infos(_framework()), k)


def recommend_for_text(
    db: Database, actor: Actor, text: str, k: int = DEFAULT_K
) -> list[Recommendation]:
    """Library resources closest in meaning to a support request or evidence note."""
    require(actor, Permission.USE_LIBRARY)
    if len(text) > 5_000:
        raise InputError("Keep the text to 5,000 characters or fewer.")
    items = _items(db)
    return rank_for_text(text, _text_index(items), _practice_infos(_framework()), k)


def _team_events(
    session: Session, team_id: int, assessment_id: int | None = None
) -> list[RecommendationEvent]:
    query = select(RecommendationEvent).where(RecommendationEvent.team_id == team_id)
    if assessment_id is not None:
        query = query.where(RecommendationEvent.assessment_id == assessment_id)
    return list(session.scalars(query.order_by(RecommendationEvent.id)))


def _latest_choice(events: Iterable[RecommendationEvent]) -> dict[int, str]:
    """Per resource row: the last of "used" or "dismissed" recorded."""
    latest: dict[int, str] = {}
    for event in events:
        if event.event in (EventKind.USED, EventKind.DISMISSED):
            latest[event.resource_id] = event.event
    return latest


def recommendation_panel(
    db: Database, actor: Actor, assessment_id: int, k: int = DEFAULT_K
) -> RecommendationPanel:
    """Recommendations for the results page, without those the team marked not relevant.

    Each recommendation shown to a team member is recorded as "shown" once per assessment.
    """
    assessment, gaps = _gap_profile(db, actor, assessment_id)
    items = _items(db)
    by_slug = {item.slug: item for item in items}
    is_member = assessment.team_id in actor.team_ids()
    with db.read() as session:
        choices = _latest_choice(_team_events(session, assessment.team_id, assessment_id))
    dismissed = {row for row, choice in choices.items() if choice == EventKind.DISMISSED}
    ranked = rank_for_gaps(
        gaps, _gap_index(items), _practice_infos(_framework()), k + len(dismissed)
    )
    shown = [
        ShownRecommendation(
            item=by_slug[rec.resource_id],
            recommendation=rec,
            used=choices.get(by_slug[rec.resource_id].row_id) == EventKind.USED,
        )
        for rec in ranked
        if by_slug[rec.resource_id].row_id not in dismissed
    ][:k]
    if is_member and shown:
        with db.transaction() as session:
            already = {
                e.resource_id
                for e in _team_events(session, assessment.team_id, assessment_id)
                if e.event == EventKind.SHOWN
            }
            for entry in shown:
                if entry.item.row_id not in already:
                    session.add(
                        RecommendationEvent(
                            team_id=assessment.team_id,
                            assessment_id=assessment_id,
                            resource_id=entry.item.row_id,
                            event=EventKind.SHOWN.value,
                            user_id=actor.user_id,
                        )
                    )
    return RecommendationPanel(
        team_id=assessment.team_id,
        can_record=is_member,
        items=tuple(shown),
        dismissed_count=len(dismissed),
    )


def record_event(
    db: Database,
    actor: Actor,
    row_id: int,
    event: EventKind,
    *,
    assessment_id: int | None = None,
    team_id: int | None = None,
) -> None:
    """Record that the actor's team opened, used or dismissed a resource (or was shown it).

    Give the assessment the recommendation was made for, or else the team.
    """
    require(actor, Permission.USE_LIBRARY)
    with db.transaction() as session:
        if session.get(ResourceRow, row_id) is None:
            raise NotFound("That library entry does not exist.")
        if assessment_id is not None:
            assessment = session.get(Assessment, assessment_id)
            if assessment is None:
                raise NotFound("That assessment does not exist.")
            team_id = assessment.team_id
        if team_id is None:
            raise InputError("Say which team this is for.")
        require_team(actor, team_id)
        session.add(
            RecommendationEvent(
                team_id=team_id,
                assessment_id=assessment_id,
                resource_id=row_id,
                event=EventKind(event).value,
                user_id=actor.user_id,
            )
        )


# --- Did it help ----------------------------------------------------------------------------


def _earlier_assessments(session: Session, assessment: Assessment) -> list[Assessment]:
    round_ = session.get(Round, assessment.round_id)
    assert round_ is not None
    return list(
        session.scalars(
            select(Assessment)
            .join(Round, Assessment.round_id == Round.id)
            .where(Assessment.team_id == assessment.team_id, Round.starts_on < round_.starts_on)
            .order_by(Round.starts_on)
        )
    )


def _moves(
    resource: Resource,
    before: Mapping[str, int],
    after: Mapping[str, int],
    titles: Mapping[str, str],
) -> tuple[PracticeMove, ...]:
    return tuple(
        PracticeMove(key, titles.get(key, key), before.get(key), after.get(key))
        for key in resource.practices
        if key in before or key in after
    )


def follow_up(db: Database, actor: Actor, assessment_id: int) -> list[FollowUp]:
    """Resources the team said it would use in earlier rounds, with how their practices moved.

    Levels are the agreed levels of the round where the resource was marked used and of this
    assessment.
    """
    results_service.targets(db, actor, assessment_id)  # checks the actor may see it
    items = {item.row_id: item for item in _items(db)}
    titles = _practice_titles()
    with db.read() as session:
        assessment = session.get(Assessment, assessment_id)
        if assessment is None:
            raise NotFound("That assessment does not exist.")
        after = _agreed_levels(session, assessment_id)
        result = []
        for earlier in reversed(_earlier_assessments(session, assessment)):
            choices = _latest_choice(_team_events(session, assessment.team_id, earlier.id))
            used = [row for row, choice in choices.items() if choice == EventKind.USED]
            if not used:
                continue
            before = _agreed_levels(session, earlier.id)
            round_ = session.get(Round, earlier.round_id)
            assert round_ is not None
            for row in used:
                item = items.get(row)
                if item is not None:
                    moves = _moves(item.resource, before, after, titles)
                    result.append(FollowUp(item, round_.label, moves))
        return result


# --- Peer contacts --------------------------------------------------------------------------


def happy_to_talk(db: Database, actor: Actor, team_id: int) -> bool:
    """Whether the team has opted in to being suggested to other teams."""
    require_team(actor, team_id)
    with db.read() as session:
        team = session.get(Team, team_id)
        if team is None:
            raise NotFound("That team does not exist.")
        return bool(team.happy_to_talk)


def set_happy_to_talk(db: Database, actor: Actor, team_id: int, value: bool) -> None:
    """Opt the team in or out of peer contacts (team leads only)."""
    require_team(actor, team_id, Role.LEAD)
    with db.transaction() as session:
        team = session.get(Team, team_id)
        if team is None:
            raise NotFound("That team does not exist.")
        before = bool(team.happy_to_talk)
        team.happy_to_talk = value
        audit.record(
            session,
            actor,
            "set_happy_to_talk",
            "team",
            team_id,
            {"happy_to_talk": before},
            {"happy_to_talk": value},
        )


def _principle_scores(session: Session, assessment_id: int) -> dict[str, float]:
    rows = session.execute(
        select(Principle.key, AgreedRating.level)
        .join(Practice, AgreedRating.practice_id == Practice.id)
        .join(Principle, Practice.principle_id == Principle.id)
        .where(
            AgreedRating.assessment_id == assessment_id,
            AgreedRating.level.is_not(None),
            AgreedRating.not_applicable.is_(False),
        )
    ).all()
    levels: dict[str, list[int]] = {}
    for key, level in rows:
        if level is not None:
            levels.setdefault(key, []).append(int(level))
    return {key: sum(values) / len(values) for key, values in levels.items()}


def peer_contacts(db: Database, actor: Actor, assessment_id: int) -> list[PeerContact]:
    """Opted-in teams in other organisations that are strong where this team is weak.

    A principle is weak when its score is below the team's target for it (or, with no target,
    below Learning). A team is strong on it when its latest submitted score is Developing (3.5)
    or above. Teams that have not opted in are never considered.
    """
    targets = {
        t.principle_key: (t.title, t.level)
        for t in results_service.targets(db, actor, assessment_id)
    }
    with db.read() as session:
        assessment = session.get(Assessment, assessment_id)
        if assessment is None:
            raise NotFound("That assessment does not exist.")
        team = session.get(Team, assessment.team_id)
        assert team is not None
        own = _principle_scores(session, assessment_id)
        weak = [
            key
            for key, (_, target) in targets.items()
            if key in own and own[key] < (target if target is not None else 3)
        ]
        if not weak:
            return []
        candidates = session.execute(
            select(Team, Organisation.name)
            .join(Organisation, Team.organisation_id == Organisation.id)
            .where(
                Team.happy_to_talk.is_(True),
                Team.organisation_id != team.organisation_id,
            )
            .order_by(Team.id)
        ).all()
        strong: list[tuple[Team, str, str, dict[str, float]]] = []
        for other, organisation_name in candidates:
            latest = session.execute(
                select(Assessment.id, Round.label)
                .join(Round, Assessment.round_id == Round.id)
                .where(
                    Assessment.team_id == other.id,
                    Assessment.status == AssessmentStatus.SUBMITTED.value,
                )
                .order_by(Round.starts_on.desc())
                .limit(1)
            ).first()
            if latest is not None:
                scores = _principle_scores(session, latest[0])
                strong.append((other, organisation_name, latest[1], scores))
        contacts_by_team: dict[int, tuple[tuple[str, str], ...]] = {}
        for other, _, _, _ in strong:
            leads = session.execute(
                select(User.display_name, User.email)
                .join(Membership, Membership.user_id == User.id)
                .where(
                    Membership.team_id == other.id,
                    Membership.role == Role.LEAD.value,
                    User.is_active.is_(True),
                )
                .order_by(User.display_name)
            ).all()
            contacts_by_team[other.id] = tuple((name, email) for name, email in leads)
        result = []
        for key in weak:
            ranked = sorted(
                (
                    (scores[key], other, organisation_name, label)
                    for other, organisation_name, label, scores in strong
                    if scores.get(key, 0.0) >= STRONG_LEVEL
                ),
                key=lambda entry: (-entry[0], entry[1].name),
            )[:PEERS_PER_PRINCIPLE]
            for score, other, organisation_name, label in ranked:
                result.append(
                    PeerContact(
                        principle_key=key,
                        principle_title=targets[key][0],
                        your_score=own.get(key),
                        team_name=other.name,
                        organisation_name=organisation_name,
                        their_score=score,
                        round_label=label,
                        contacts=contacts_by_team[other.id],
                    )
                )
        return result


# --- Admin figures --------------------------------------------------------------------------


def resource_stats(db: Database, actor: Actor) -> list[ResourceStats]:
    """Per resource: how often it was recommended, opened, used, dismissed, and whether the
    practices it addresses moved up in the team's next round after it was marked used."""
    require(actor, Permission.ADMINISTER)
    items = _items(db)
    with db.read() as session:
        events = list(session.scalars(select(RecommendationEvent)))
        shown: dict[int, set[int | None]] = {}
        counts: dict[tuple[int, str], int] = {}
        for e in events:
            if e.event == EventKind.SHOWN:
                shown.setdefault(e.resource_id, set()).add(e.assessment_id)
            else:
                counts[(e.resource_id, e.event)] = counts.get((e.resource_id, e.event), 0) + 1
        improved: dict[int, int] = {}
        by_row = {item.row_id: item for item in items}
        uses = {
            (e.resource_id, e.assessment_id)
            for e in events
            if e.event == EventKind.USED and e.assessment_id is not None
        }
        for row, assessment_id in sorted(uses, key=lambda pair: (pair[0], pair[1] or 0)):
            item = by_row.get(row)
            assessment = session.get(Assessment, assessment_id)
            if item is None or assessment is None:
                continue
            later = _next_assessment(session, assessment)
            if later is None:
                continue
            moves = _moves(
                item.resource,
                _agreed_levels(session, assessment.id),
                _agreed_levels(session, later.id),
                {},
            )
            if any(
                m.before is not None and m.after is not None and m.after > m.before for m in moves
            ):
                improved[row] = improved.get(row, 0) + 1
    return [
        ResourceStats(
            slug=item.slug,
            title=item.resource.title,
            kind_label=item.kind_label,
            recommended=len(shown.get(item.row_id, set())),
            opened=counts.get((item.row_id, EventKind.OPENED.value), 0),
            used=counts.get((item.row_id, EventKind.USED.value), 0),
            dismissed=counts.get((item.row_id, EventKind.DISMISSED.value), 0),
            improved=improved.get(item.row_id, 0),
        )
        for item in items
    ]


def _next_assessment(session: Session, assessment: Assessment) -> Assessment | None:
    round_ = session.get(Round, assessment.round_id)
    assert round_ is not None
    return session.scalar(
        select(Assessment)
        .join(Round, Assessment.round_id == Round.id)
        .where(
            Assessment.team_id == assessment.team_id,
            Assessment.status == AssessmentStatus.SUBMITTED.value,
            Round.starts_on > round_.starts_on,
        )
        .order_by(Round.starts_on)
        .limit(1)
    )
