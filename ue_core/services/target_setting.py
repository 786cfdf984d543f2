"""Setting targets: the profile of the statistics, the targets it suggests and the team's own."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ue_core import audit
from ue_core.authz import Actor
from ue_core.db.engine import Database
from ue_core.db.models import (
    Target,
)
from ue_core.errors import ConflictError, InputError, NotFound
from ue_core.services.frameworks import framework_for_version
from ue_core.services.results import _plannable_assessment
from ue_core.services.scores_against_targets import (
    TargetView,
    profile_of,
)
from ue_core.targets import StatisticsProfile, suggest_targets

MAX_REASON = 1_000


def set_profile(
    db: Database,
    actor: Actor,
    assessment_id: int,
    profile: StatisticsProfile,
    expected_version: int,
) -> int:
    """Store the profile of the statistics and the targets it suggests. Returns the new version.

    Saved targets that followed the old suggestion follow the new one; targets the team chose
    for itself (with a reason) are kept. Raises ConflictError if the assessment changed since
    ``expected_version``.
    """
    with db.transaction() as session:
        assessment = _plannable_assessment(session, actor, assessment_id)
        if assessment.version != expected_version:
            current = profile_of(assessment)
            raise ConflictError(
                "Someone else changed this assessment after you opened the page. Their answers "
                "are shown; check them and save again.",
                current={
                    "public_interest": current.public_interest if current else None,
                    "user_breadth": current.user_breadth if current else None,
                    "change_frequency": current.change_frequency if current else None,
                },
            )
        before = profile_of(assessment)
        assessment.public_interest = profile.public_interest
        assessment.user_breadth = profile.user_breadth
        assessment.change_frequency = profile.change_frequency
        framework = framework_for_version(session, assessment.framework_version_id)
        suggestions = suggest_targets(profile, [p.key for p in framework.principles])
        saved = {
            row.principle_key: row
            for row in session.scalars(select(Target).where(Target.assessment_id == assessment.id))
        }
        for key, suggestion in suggestions.items():
            row = saved.get(key)
            if row is None:
                row = Target(assessment_id=assessment.id, principle_key=key)
                session.add(row)
                row.level = suggestion.level
                row.reason_for_change = ""
            elif not row.reason_for_change.strip():
                row.level = suggestion.level
            row.suggested_level = suggestion.level
            row.rationale = suggestion.rationale
        session.flush()
        audit.record(
            session,
            actor,
            "set_statistics_profile",
            "assessment",
            assessment.id,
            before=None
            if before is None
            else {
                "public_interest": before.public_interest,
                "user_breadth": before.user_breadth,
                "change_frequency": before.change_frequency,
            },
            after={
                "public_interest": profile.public_interest,
                "user_breadth": profile.user_breadth,
                "change_frequency": profile.change_frequency,
            },
        )
        return assessment.version


def set_target(
    db: Database,
    actor: Actor,
    assessment_id: int,
    principle_key: str,
    level: int,
    reason: str,
    *,
    expected: tuple[int | None, str] | None,
) -> TargetView:
    """Set a principle's target level. A level other than the suggested one needs a reason.

    ``expected`` is the (level, reason) of the saved target the person saw, or None if they
    saw none saved; if the saved target is not that one, nothing is saved and ConflictError
    carries the saved values. The target's version column (and, on SQLite, a locking
    transaction) refuses a save that crosses another, and two people saving the first target
    for a principle at once get ConflictError, not a database error. Needs the profile first,
    so there is a suggestion to compare with.
    """
    if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5:
        raise InputError("Choose a target level from 1 (Beginning) to 5 (Mastering).")
    reason = reason.strip()
    if len(reason) > MAX_REASON:
        raise InputError(f"The reason must be {MAX_REASON} characters or fewer.")
    try:
        return _set_target(db, actor, assessment_id, principle_key, level, reason, expected)
    except IntegrityError:
        raise ConflictError(
            "Someone else saved a target for this principle at the same moment. Reload the "
            "page to see it, then save yours again if you still want to."
        ) from None


def _set_target(
    db: Database,
    actor: Actor,
    assessment_id: int,
    principle_key: str,
    level: int,
    reason: str,
    expected: tuple[int | None, str] | None,
) -> TargetView:
    with db.transaction(locking=True) as session:
        assessment = _plannable_assessment(session, actor, assessment_id)
        framework = framework_for_version(session, assessment.framework_version_id)
        try:
            principle = framework.principle(principle_key)
        except KeyError:
            raise NotFound("That principle is not part of this assessment.") from None
        profile = profile_of(assessment)
        if profile is None:
            raise InputError(
                "Answer the questions about your statistics first, so there is a suggested "
                "target to start from."
            )
        suggestion = suggest_targets(profile, [principle_key])[principle_key]
        if level != suggestion.level and not reason:
            raise InputError(
                f"Say why the target for {principle.title} differs from the suggested "
                f"level ({suggestion.level})."
            )
        row = session.scalar(
            select(Target)
            .where(Target.assessment_id == assessment.id, Target.principle_key == principle_key)
            .with_for_update()
        )
        seen_level, seen_reason = expected if expected is not None else (None, "")
        if row is not None:
            now = (row.level, row.reason_for_change)
            if now != (seen_level, seen_reason.strip()):
                raise ConflictError(
                    f"Someone else changed the target for {principle.title} after you opened "
                    "the page. Theirs is shown; check it and save again.",
                    current={"level": row.level, "reason_for_change": row.reason_for_change},
                )
        before = (
            None
            if row is None
            else {"level": row.level, "reason_for_change": row.reason_for_change}
        )
        if row is None:
            row = Target(assessment_id=assessment.id, principle_key=principle_key)
            session.add(row)
        row.level = level
        row.suggested_level = suggestion.level
        row.rationale = suggestion.rationale
        row.reason_for_change = reason
        session.flush()
        audit.record(
            session,
            actor,
            "set_target",
            "target",
            row.id,
            before=before,
            after={
                "principle_key": principle_key,
                "level": level,
                "suggested_level": suggestion.level,
                "reason_for_change": row.reason_for_change,
            },
        )
        return TargetView(
            principle_key=principle_key,
            title=principle.title,
            suggested_level=suggestion.level,
            rationale=suggestion.rationale,
            level=row.level,
            reason_for_change=row.reason_for_change,
            saved=True,
        )
