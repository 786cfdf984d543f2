"""Finding themes, approving a theme set, and the review queue of later answers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from ue_core import audit
from ue_core.authz import Actor, Permission, require
from ue_core.db.engine import Database
from ue_core.db.models import (
    SurveyAnswer,
    Theme,
    ThemeAction,
    ThemeAssignment,
    ThemeSet,
    utcnow,
)
from ue_core.errors import InputError, NotFound
from ue_core.services.surveys._shared import (
    MAX_LABEL,
    Progress,
    _bytes,
    _lock_set,
    _set_themes,
    _vector,
)
from ue_core.services.surveys.embeddings import (
    _embed_missing_like,
    _load_answers,
    ensure_embeddings,
)
from ue_core.services.surveys.views import (
    APPROVED,
    DRAFT,
    REPLACED,
    CodedAnswer,
    coded_answers,
)
from ue_core.themes import (
    assign_to_themes,
    cluster_embeddings,
)
from ue_core.themes.embedding import is_usable

MAX_THEMES: Final = 30


#: A later answer waits for review when it is less typical of its theme than this share of the
#: theme's own answers (its confidence is below the theme's 10th percentile).
REVIEW_PERCENTILE: Final = 10.0


def _assign_new_answers(session: Session, set_id: int) -> tuple[int, int]:
    """Give answers of the set's question that have no assignment yet their nearest theme."""
    theme_set = session.get(ThemeSet, set_id)
    assert theme_set is not None
    themes = _set_themes(session, set_id)
    centroids = [_vector(theme.centroid) for theme in themes]
    if not themes or any(c is None for c in centroids):
        return 0, 0
    centres = np.vstack([c for c in centroids if c is not None])
    have = select(ThemeAssignment.answer_id).where(ThemeAssignment.theme_set_id == set_id)
    new = session.execute(
        select(SurveyAnswer.id, SurveyAnswer.embedding, SurveyAnswer.text).where(
            SurveyAnswer.question_id == theme_set.question_id, SurveyAnswer.id.not_in(have)
        )
    ).all()
    if not new:
        return 0, 0
    dims = centres.shape[1]
    matrix = np.zeros((len(new), dims), dtype=np.float32)
    for row, (_, data, text) in enumerate(new):
        vector = _vector(data)
        if vector is not None and len(vector) == dims and is_usable(text):
            matrix[row] = vector
    indices, confidences = assign_to_themes(matrix, centres)
    # Each theme's own answers set the bar for "typical enough".
    bars: dict[int, float] = {}
    for owner, values in _confidences_by_theme(session, set_id).items():
        bars[owner] = float(np.percentile(values, REVIEW_PERCENTILE)) if values else 0.0
    rows = []
    review = 0
    for (answer_id, _, text), index, confidence in zip(new, indices, confidences, strict=True):
        theme_id: int | None = themes[int(index)].id if index >= 0 else None
        # An answer with words but nothing in common with any theme waits for review too.
        waits = (theme_id is None and is_usable(text)) or (
            theme_id is not None and float(confidence) < bars.get(theme_id, 0.0)
        )
        review += int(waits)
        rows.append(
            {
                "theme_set_id": set_id,
                "answer_id": answer_id,
                "theme_id": theme_id,
                "confidence": float(confidence) if theme_id is not None else None,
                "moved_by_hand": False,
                "not_relevant": False,
                "needs_review": waits,
            }
        )
    session.execute(insert(ThemeAssignment), rows)
    return len(rows), review


def _confidences_by_theme(session: Session, set_id: int) -> dict[int, list[float]]:
    out: dict[int, list[float]] = {}
    for theme_id, confidence in session.execute(
        select(ThemeAssignment.theme_id, ThemeAssignment.confidence).where(
            ThemeAssignment.theme_set_id == set_id,
            ThemeAssignment.theme_id.is_not(None),
            ThemeAssignment.confidence.is_not(None),
            ThemeAssignment.needs_review.is_(False),
        )
    ):
        if theme_id is not None and confidence is not None:
            out.setdefault(theme_id, []).append(float(confidence))
    return out


def suggested_n_themes(db: Database, actor: Actor, question_id: int, seed: int = 0) -> int:
    """The suggested number of themes for a question (embeddings computed if needed)."""
    from ue_core.themes import suggest_n_themes

    ensure_embeddings(db, actor, question_id)
    with db.read() as session:
        _, texts, matrix, _ = _load_answers(session, question_id)
    usable = matrix[[is_usable(t) for t in texts]] if len(texts) else matrix
    return suggest_n_themes(usable, seed) if len(usable) else 1


def find_themes(
    db: Database,
    actor: Actor,
    question_id: int,
    n_themes: int | None = None,
    *,
    seed: int = 0,
    progress: Progress | None = None,
) -> int:
    """Group the question's answers into themes and save them as a new draft theme set.

    ``n_themes=None`` uses the suggested number. Any earlier draft for the question is
    replaced; an approved set stays until a new one is approved. Returns the new set's id.
    """
    require(actor, Permission.ANALYSE_SURVEYS)
    if n_themes is not None and not 1 <= n_themes <= MAX_THEMES:
        raise InputError(f"Choose from 1 to {MAX_THEMES} themes.")
    backend = ensure_embeddings(db, actor, question_id, progress=progress)
    with db.read() as session:
        ids, texts, matrix, stored_backend = _load_answers(session, question_id)
    if not ids:
        raise InputError("This question has no answers to find themes in.")
    if not any(is_usable(text) for text in texts):
        raise InputError("None of the answers to this question has any words to group.")
    if progress:
        progress(0.9, "Grouping answers into themes")
    result = cluster_embeddings(texts, matrix, n_themes, seed, backend=stored_backend or backend)
    with db.transaction() as session:
        _delete_drafts(session, question_id)
        theme_set = ThemeSet(
            question_id=question_id,
            backend=result.backend,
            n_themes=result.n_themes,
            seed=seed,
            status=DRAFT,
            created_by_id=actor.user_id,
        )
        session.add(theme_set)
        session.flush()
        theme_ids = (
            list(
                session.scalars(
                    insert(Theme).returning(Theme.id, sort_by_parameter_order=True),
                    [
                        {
                            "theme_set_id": theme_set.id,
                            "label": theme.label[:MAX_LABEL] or f"Theme {theme.index + 1}",
                            "top_terms": list(theme.top_terms),
                            "position": theme.index,
                            "centroid": _bytes(result.centroids[theme.index]),
                            "renamed": False,
                        }
                        for theme in result.themes
                    ],
                )
            )
            if result.themes
            else []
        )
        session.execute(
            insert(ThemeAssignment),
            [
                {
                    "theme_set_id": theme_set.id,
                    "answer_id": answer_id,
                    "theme_id": theme_ids[index] if index >= 0 else None,
                    "confidence": confidence if index >= 0 else None,
                    "moved_by_hand": False,
                    "not_relevant": False,
                    "needs_review": False,
                }
                for answer_id, index, confidence in zip(
                    ids, result.assignments, result.confidences, strict=True
                )
            ],
        )
        audit.record(
            session,
            actor,
            "find_themes",
            "theme_set",
            theme_set.id,
            after={"question_id": question_id, "n_themes": result.n_themes, "backend": backend},
        )
        if progress:
            progress(1.0, "Themes saved")
        return theme_set.id


def _delete_drafts(session: Session, question_id: int) -> None:
    drafts = select(ThemeSet.id).where(
        ThemeSet.question_id == question_id, ThemeSet.status == DRAFT
    )
    draft_themes = select(Theme.id).where(Theme.theme_set_id.in_(drafts))
    session.execute(delete(ThemeAction).where(ThemeAction.theme_id.in_(draft_themes)))
    session.execute(delete(ThemeAssignment).where(ThemeAssignment.theme_set_id.in_(drafts)))
    session.execute(delete(Theme).where(Theme.theme_set_id.in_(drafts)))
    session.execute(
        delete(ThemeSet).where(ThemeSet.question_id == question_id, ThemeSet.status == DRAFT)
    )


def approve(db: Database, actor: Actor, set_id: int, *, expected_version: int) -> None:
    """Approve a theme set: answers imported later are assigned to it."""
    require(actor, Permission.ANALYSE_SURVEYS)
    with db.read() as session:
        found = session.get(ThemeSet, set_id)
        if found is None:
            raise NotFound("That theme set no longer exists. Reload the page.")
        question_id, backend = found.question_id, found.backend
    # Answers imported since the themes were found need embeddings in the same space.
    _embed_missing_like(db, question_id, backend)
    with db.transaction() as session:
        theme_set = _lock_set(session, set_id, expected_version)
        if theme_set.status == APPROVED:
            raise InputError("These themes are already approved.")
        session.execute(
            update(ThemeSet)
            .where(
                ThemeSet.question_id == theme_set.question_id,
                ThemeSet.status == APPROVED,
                ThemeSet.id != set_id,
            )
            .values(status=REPLACED, version=ThemeSet.version + 1)
            .execution_options(synchronize_session=False)
        )
        session.execute(
            update(ThemeSet)
            .where(ThemeSet.id == set_id)
            .values(status=APPROVED, approved_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        # Answers imported since the themes were found are assigned now.
        _assign_new_answers(session, set_id)
        audit.record(
            session, actor, "approve_themes", "theme_set", set_id, None, {"status": APPROVED}
        )


def review_queue(db: Database, actor: Actor, set_id: int) -> list[CodedAnswer]:
    """Answers given a theme with low confidence, least confident first."""
    answers = [a for a in coded_answers(db, actor, set_id) if a.needs_review]
    return sorted(answers, key=lambda a: (a.confidence or 0.0, a.answer_id))


def accept_review(
    db: Database, actor: Actor, set_id: int, answer_ids: Sequence[int], *, expected_version: int
) -> None:
    """Keep the suggested theme for answers in the review queue (audited)."""
    require(actor, Permission.ANALYSE_SURVEYS)
    with db.transaction() as session:
        _lock_set(session, set_id, expected_version)
        accepted = sorted(
            session.scalars(
                select(ThemeAssignment.answer_id).where(
                    ThemeAssignment.theme_set_id == set_id,
                    ThemeAssignment.answer_id.in_(list(answer_ids)),
                    ThemeAssignment.needs_review.is_(True),
                )
            )
        )
        if not accepted:
            return
        session.execute(
            update(ThemeAssignment)
            .where(
                ThemeAssignment.theme_set_id == set_id,
                ThemeAssignment.answer_id.in_(accepted),
            )
            .values(needs_review=False)
            .execution_options(synchronize_session=False)
        )
        audit.record(
            session,
            actor,
            "accept_theme_review",
            "theme_set",
            set_id,
            None,
            {"answer_ids": accepted, "accepted": len(accepted)},
        )
