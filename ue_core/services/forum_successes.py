"""A forum's biggest successes, and the ones suggested as case studies for the hub.

Hub staff, or a champion of the organisation that hosts the forum, record a success (what
happened, when, a link) and may mark it "suggested as a case study"; hub staff see every
suggestion in one list, to turn into a case study. Every change is audited and checks the
version the person saw.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from sqlalchemy import select

from ue_core import audit
from ue_core.authz import (
    Actor,
    Permission,
    require,
    require_manage_forums,
    require_record_forum_success,
)
from ue_core.db.engine import Database
from ue_core.db.models import Forum, ForumSuccess
from ue_core.errors import ConflictError, InputError, NotFound
from ue_core.forums import check_web_address
from ue_core.services import case_study_drafts
from ue_core.services.forums import SuccessView, success_views

MAX_SUCCESS: Final = 2_000


@dataclass(frozen=True)
class SuccessDraft:
    text: str
    achieved_on: date | None
    link: str = ""
    suggested_case_study: bool = False


def check_success(draft: SuccessDraft, today: date) -> tuple[str, str]:
    """Raise InputError saying what to change; returns the tidied text and link."""
    text = draft.text.strip()
    if not text:
        raise InputError("Enter what the forum achieved.")
    if len(text) > MAX_SUCCESS:
        raise InputError(f"The success must be {MAX_SUCCESS:,} characters or fewer.")
    if draft.achieved_on is None:
        raise InputError("Enter the date of the success.")
    if draft.achieved_on > today:
        raise InputError("The date of the success cannot be in the future.")
    return text, check_web_address(draft.link)


def record_success(
    db: Database, actor: Actor, forum_id: int, draft: SuccessDraft, today: date
) -> int:
    """Record one of a forum's successes; returns its id."""
    text, link = check_success(draft, today)
    assert draft.achieved_on is not None
    with db.transaction() as session:
        forum = session.get(Forum, forum_id)
        if forum is None:
            raise NotFound("That forum is not in the register.")
        require_record_forum_success(actor, forum.host_organisation_id)
        success = ForumSuccess(
            forum_id=forum_id,
            text=text,
            achieved_on=draft.achieved_on,
            link=link,
            suggested_case_study=draft.suggested_case_study,
            recorded_by_id=None if actor.is_system else actor.user_id,
        )
        session.add(success)
        session.flush()
        audit.record(
            session,
            actor,
            "record_forum_success",
            "forum_success",
            success.id,
            after={
                "forum": forum.name,
                "success": text,
                "date": draft.achieved_on.isoformat(),
                "link": link,
                "suggested as a case study": draft.suggested_case_study,
            },
        )
        return success.id


def suggest_case_study(
    db: Database, actor: Actor, success_id: int, suggested: bool, *, expected_version: int
) -> int:
    """Mark a success as suggested as a case study, or take the suggestion back; returns the
    success's new version."""
    with db.transaction() as session:
        success = session.get(ForumSuccess, success_id)
        if success is None:
            raise NotFound("That success is not recorded.")
        forum = session.get(Forum, success.forum_id)
        assert forum is not None
        require_record_forum_success(actor, forum.host_organisation_id)
        if success.version != expected_version:
            raise ConflictError(
                "Someone else changed this success after you opened it, so your change was not "
                "saved. Check it as it is now and try again.",
                current={
                    "success": success.text,
                    "suggested as a case study": "Yes" if success.suggested_case_study else "No",
                },
            )
        before = success.suggested_case_study
        success.suggested_case_study = suggested
        session.flush()
        audit.record(
            session,
            actor,
            "suggest_forum_case_study",
            "forum_success",
            success_id,
            before={"suggested as a case study": before},
            after={"suggested as a case study": suggested},
        )
        return success.version


def suggested_case_studies(db: Database, actor: Actor) -> list[SuccessView]:
    """Hub staff: every success suggested as a case study, newest first."""
    require_manage_forums(actor)
    with db.read() as session:
        forum_ids = session.scalars(
            select(ForumSuccess.forum_id).where(ForumSuccess.suggested_case_study.is_(True))
        ).all()
        return [s for s in success_views(session, set(forum_ids)) if s.suggested_case_study]


#: How a forum success is named as the source of a case-study draft.
SOURCE_KIND: Final = "forum_success"


def draft_from_success(db: Database, actor: Actor, success_id: int, title: str) -> int:
    """Turn a success suggested as a case study into a case-study draft for the hub to review;
    returns the draft's id. The summary is the success's text, the source its https link, and
    the organisation the forum's host."""
    require(actor, Permission.REVIEW_CASE_STUDIES)
    with db.read() as session:
        row = session.execute(
            select(ForumSuccess, Forum.host_organisation_id)
            .join(Forum, Forum.id == ForumSuccess.forum_id)
            .where(ForumSuccess.id == success_id)
        ).first()
        if row is None:
            raise NotFound("That success no longer exists.")
        success, host_id = row
        if not success.suggested_case_study:
            raise InputError("This success has not been suggested as a case study.")
        text, link = success.text, success.link
    return case_study_drafts.draft_case_study(
        db,
        actor,
        source_kind=SOURCE_KIND,
        source_id=success_id,
        title=title,
        summary=text,
        organisation_id=host_id,
        source_urls=[link] if link.lower().startswith("https://") else [],
    )
