"""Case-study drafts: suggested examples of engagement the hub reviews before the library shows
them.

Any feature with something worth writing up (a champion's update under "A case study to share",
a forum's biggest success, ...) calls :func:`draft_case_study` with what it knows and where it
came from (``source_kind`` and ``source_id``: one draft per source). Hub staff then read the
drafts, edit the title and summary, tag the principles and methods, and publish the draft as a
library case study, or decline it with a note. A published entry is marked as changed in the
app, so the library's file sync leaves it as the hub published it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from ue_core import audit
from ue_core.authz import Actor, Permission, require
from ue_core.catalogue import AUDIENCES, METHODS, PRINCIPLES, count_sentences
from ue_core.db.engine import Database
from ue_core.db.models import CaseStudyDraft, Organisation, Resource, User, utcnow
from ue_core.errors import ConflictError, InputError, NotFound

#: Where drafts come from, and how the review page names each source. A feature that drafts
#: case studies adds its kind here.
SOURCE_KINDS: Final[dict[str, str]] = {
    "champion_update": "A champion's monthly update",
    "forum_success": "A forum's biggest success",
}
MAX_TITLE: Final = 120
MAX_SUMMARY: Final = 1_500
MAX_NOTE: Final = 500
MAX_SOURCE_URLS: Final = 5


class DraftState(StrEnum):
    """Where a case-study draft stands: waiting for review, then published or declined."""

    DRAFT = "draft"
    PUBLISHED = "published"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return {"draft": "Waiting for review", "published": "Published", "declined": "Declined"}[
            self.value
        ]


@dataclass(frozen=True)
class DraftView:
    """A draft as the review page shows it."""

    id: int
    title: str
    summary: str
    source_kind: str
    source_id: int
    organisation: str
    source_urls: tuple[str, ...]
    state: DraftState
    created_by: str
    created_at: datetime
    reviewed_by: str | None
    reviewed_at: datetime | None
    review_note: str
    resource_slug: str | None
    version: int

    @property
    def source_label(self) -> str:
        return SOURCE_KINDS.get(self.source_kind, self.source_kind)


@dataclass(frozen=True)
class DraftRef:
    """Which draft a source already has, and where it stands."""

    id: int
    state: DraftState


@dataclass(frozen=True)
class Publication:
    """What the reviewer settles when publishing: the entry's words and its tags."""

    title: str
    summary: str
    principles: tuple[str, ...]
    methods: tuple[str, ...]
    audiences: tuple[str, ...] = ()
    year: int | None = None


def _title(text: str) -> str:
    title = " ".join(text.split())
    if len(title) < 3:
        raise InputError("Give the case study a title of at least three characters.")
    if len(title) > MAX_TITLE:
        raise InputError(f"Keep the title to {MAX_TITLE} characters: it has {len(title)}.")
    return title


def _summary(text: str) -> str:
    summary = " ".join(text.split())
    if not summary:
        raise InputError("Write a summary of the case study.")
    if len(summary) > MAX_SUMMARY:
        raise InputError(
            f"Keep the summary to {MAX_SUMMARY:,} characters: it has {len(summary):,}."
        )
    return summary


def _source_urls(urls: Iterable[str]) -> list[str]:
    kept: list[str] = []
    for url in urls:
        address = url.strip()
        if not re.match(r"^https://[^\s/]+\.[^\s]+$", address):
            raise InputError(f"'{address}' cannot be a library source: use an https:// address.")
        if address not in kept:
            kept.append(address)
    if len(kept) > MAX_SOURCE_URLS:
        raise InputError(f"Give at most {MAX_SOURCE_URLS} source pages.")
    return kept


def draft_case_study(
    db: Database,
    actor: Actor,
    *,
    source_kind: str,
    source_id: int,
    title: str,
    summary: str,
    organisation_id: int | None = None,
    source_urls: Sequence[str] = (),
) -> int:
    """Store a case-study draft for review; returns its id.

    ``source_kind`` is one of :data:`SOURCE_KINDS`; each source gets one draft. ``source_urls``
    are https pages the library entry can cite (others are refused).
    """
    require(actor, Permission.REVIEW_CASE_STUDIES)
    if source_kind not in SOURCE_KINDS:
        raise ValueError(f"unknown case-study source {source_kind!r}: add it to SOURCE_KINDS")
    clean_title, clean_summary = _title(title), _summary(summary)
    urls = _source_urls(source_urls)
    already = "A case-study draft has already been made from this. Find it under Case study drafts."
    try:
        with db.transaction(locking=True) as session:
            existing = session.scalar(
                select(CaseStudyDraft.id).where(
                    CaseStudyDraft.source_kind == source_kind,
                    CaseStudyDraft.source_id == source_id,
                )
            )
            if existing is not None:
                raise InputError(already)
            if organisation_id is not None and session.get(Organisation, organisation_id) is None:
                raise NotFound("That organisation no longer exists.")
            row = CaseStudyDraft(
                title=clean_title,
                summary=clean_summary,
                source_kind=source_kind,
                source_id=source_id,
                organisation_id=organisation_id,
                source_urls=urls,
                state=DraftState.DRAFT.value,
                created_by_id=None if actor.is_system else actor.user_id,
                review_note="",
            )
            session.add(row)
            session.flush()
            audit.record(
                session,
                actor,
                "draft_case_study",
                "case_study_draft",
                row.id,
                after={"title": clean_title, "source": f"{source_kind}:{source_id}"},
            )
            return row.id
    except IntegrityError:  # the same source drafted twice at the same moment
        raise InputError(already) from None


def drafts_for_sources(
    db: Database, actor: Actor, source_kind: str, source_ids: Iterable[int]
) -> dict[int, DraftRef]:
    """The drafts already made from these sources, by source id."""
    require(actor, Permission.REVIEW_CASE_STUDIES)
    wanted = sorted(set(source_ids))
    if not wanted:
        return {}
    with db.read() as session:
        rows = session.execute(
            select(CaseStudyDraft.source_id, CaseStudyDraft.id, CaseStudyDraft.state).where(
                CaseStudyDraft.source_kind == source_kind, CaseStudyDraft.source_id.in_(wanted)
            )
        )
        return {source: DraftRef(draft, DraftState(state)) for source, draft, state in rows}


def _views(session: Session, *where: Any) -> list[DraftView]:
    creator, reviewer = aliased(User), aliased(User)
    rows = session.execute(
        select(CaseStudyDraft, Organisation.name, creator.display_name, reviewer.display_name)
        .outerjoin(Organisation, Organisation.id == CaseStudyDraft.organisation_id)
        .outerjoin(creator, creator.id == CaseStudyDraft.created_by_id)
        .outerjoin(reviewer, reviewer.id == CaseStudyDraft.reviewed_by_id)
        .where(*where)
        .order_by(CaseStudyDraft.created_at.desc(), CaseStudyDraft.id.desc())
    ).all()
    slugs = {
        resource_id: slug
        for resource_id, slug in session.execute(
            select(Resource.id, Resource.slug).where(
                Resource.id.in_([row.resource_id for row, *_ in rows if row.resource_id])
            )
        )
    }
    return [
        DraftView(
            id=row.id,
            title=row.title,
            summary=row.summary,
            source_kind=row.source_kind,
            source_id=row.source_id,
            organisation=organisation or "No organisation named",
            source_urls=tuple(row.source_urls),
            state=DraftState(row.state),
            created_by=created_by or "The workbench",
            created_at=row.created_at,
            reviewed_by=reviewed_by,
            reviewed_at=row.reviewed_at,
            review_note=row.review_note,
            resource_slug=slugs.get(row.resource_id) if row.resource_id else None,
            version=row.version,
        )
        for row, organisation, created_by, reviewed_by in rows
    ]


def case_study_drafts(
    db: Database, actor: Actor, state: DraftState | None = None
) -> list[DraftView]:
    """The drafts (of one state, or all), newest first."""
    require(actor, Permission.REVIEW_CASE_STUDIES)
    with db.read() as session:
        where = () if state is None else (CaseStudyDraft.state == state.value,)
        return _views(session, *where)


def _draft_to_review(session: Session, draft_id: int, expected_version: int) -> CaseStudyDraft:
    row = session.scalar(
        select(CaseStudyDraft).where(CaseStudyDraft.id == draft_id).with_for_update()
    )
    if row is None:
        raise NotFound("That case-study draft no longer exists.")
    if row.state != DraftState.DRAFT.value:
        raise InputError(
            f"This draft has already been {DraftState(row.state).label.lower()}: it cannot be "
            "reviewed again."
        )
    if row.version != expected_version:
        raise ConflictError(
            "Someone else changed this draft after you opened it. Check it as it is now, then "
            "try again.",
            {"title": row.title, "summary": row.summary},
        )
    return row


def _settle(
    session: Session, actor: Actor, row: CaseStudyDraft, state: DraftState, **audited: str
) -> None:
    """Record the review's outcome on the draft, and audit it."""
    row.state = state.value
    row.reviewed_by_id = None if actor.is_system else actor.user_id
    row.reviewed_at = utcnow()
    session.flush()
    verb = "publish" if state is DraftState.PUBLISHED else "decline"
    audit.record(
        session,
        actor,
        f"{verb}_case_study",
        "case_study_draft",
        row.id,
        before={"state": DraftState.DRAFT.value},
        after={"state": state.value, **audited},
    )


def _checked_tags(keys: Iterable[str], vocabulary: dict[str, str], what: str) -> list[str]:
    chosen = list(dict.fromkeys(keys))
    unknown = [key for key in chosen if key not in vocabulary]
    if unknown:
        raise InputError(f"'{unknown[0]}' is not a known {what}.")
    return chosen


def _slug(draft_id: int, title: str) -> str:
    words = re.findall(r"[a-z0-9]+", title.lower())
    slug = "-".join(["hub", str(draft_id), *words])[:60].rstrip("-")
    return slug


def _library_content(
    slug: str, publication: Publication, organisation: str, year: int, urls: Sequence[str]
) -> dict[str, Any]:
    """The stored form the library reads (``services.library.catalogue._resource_from``)."""
    return {
        "resource": {
            "kind": "case_study",
            "id": slug,
            "title": publication.title,
            "summary": publication.summary,
            "origin": organisation,
            "detail": str(year),
            "principles": list(publication.principles),
            "practices": [],
            "methods": list(publication.methods),
            "audiences": list(publication.audiences),
            "source_urls": list(urls),
            "is_example": False,
        },
        "details": {"organisation": organisation, "year": year},
    }


def publish_case_study(
    db: Database,
    actor: Actor,
    draft_id: int,
    publication: Publication,
    *,
    expected_version: int,
    today: date,
) -> str:
    """Publish a draft as a library case study, with the reviewer's words and tags; returns the
    library entry's slug."""
    require(actor, Permission.REVIEW_CASE_STUDIES)
    title, summary = _title(publication.title), _summary(publication.summary)
    if not 1 <= count_sentences(summary) <= 4:
        raise InputError("Write a summary of one to four sentences for the library.")
    principles = _checked_tags(publication.principles, dict(PRINCIPLES), "principle")
    methods = _checked_tags(publication.methods, dict(METHODS), "method")
    audiences = _checked_tags(publication.audiences, dict(AUDIENCES), "audience")
    if not principles:
        raise InputError("Choose at least one principle the case study shows.")
    if not methods:
        raise InputError("Choose at least one method the case study used.")
    year = publication.year if publication.year is not None else today.year
    if not 1990 <= year <= today.year:
        raise InputError(f"Give a year from 1990 to {today.year}.")
    with db.transaction(locking=True) as session:
        row = _draft_to_review(session, draft_id, expected_version)
        organisation = (
            session.get(Organisation, row.organisation_id) if row.organisation_id else None
        )
        slug = _slug(row.id, title)
        settled = Publication(title, summary, tuple(principles), tuple(methods), tuple(audiences))
        resource = Resource(
            slug=slug,
            kind="case_study",
            title=title,
            content=_library_content(
                slug,
                settled,
                organisation.name if organisation else "USER hub",
                year,
                row.source_urls,
            ),
            is_active=True,
            edited_at=utcnow(),  # made in the app: the library's file sync leaves it alone
            edited_by_id=None if actor.is_system else actor.user_id,
        )
        session.add(resource)
        session.flush()
        row.title, row.summary = title, summary
        row.resource_id = resource.id
        _settle(session, actor, row, DraftState.PUBLISHED, title=title, library_entry=slug)
        return slug


def decline_case_study(
    db: Database, actor: Actor, draft_id: int, note: str, *, expected_version: int
) -> None:
    """Decline a draft, saying why; it stays listed as declined."""
    require(actor, Permission.REVIEW_CASE_STUDIES)
    reason = " ".join(note.split())
    if not reason:
        raise InputError("Say why the draft is declined, so whoever suggested it knows.")
    if len(reason) > MAX_NOTE:
        raise InputError(f"Keep the reason to {MAX_NOTE} characters.")
    with db.transaction(locking=True) as session:
        row = _draft_to_review(session, draft_id, expected_version)
        row.review_note = reason
        _settle(session, actor, row, DraftState.DECLINED, note=reason)
