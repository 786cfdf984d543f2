"""Finding themes, approving a theme set, and the review queue of later answers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
from sqlalchemy import delete, func, insert, select, update
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
    TopTheme,
    utcnow,
)
from ue_core.errors import ConflictError, InputError
from ue_core.services.surveys._shared import (
    MAX_LABEL,
    Progress,
    _bytes,
    _lock_set,
    _set_themes,
    _set_top_themes,
    _vector,
)
from ue_core.services.surveys.embeddings import (
    _align_set_space,
    _load_answers,
    ensure_embeddings,
)
from ue_core.services.surveys.late_answers import _late_answer_vectors
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
from ue_core.themes.embedding import LSA_SPACE_VERSION, TFIDF_LSA, is_usable, space_key

#: Most sub-themes a person may ask for (the suggestion is never more either).
MAX_THEMES: Final = 100
#: Most top-level themes a person may ask for.
MAX_TOP_THEMES: Final = 30


#: A later answer waits for review when it is less typical of its theme than this share of the
#: theme's own answers (its confidence is below the theme's 10th percentile).
REVIEW_PERCENTILE: Final = 10.0


def _assign_new_answers(session: Session, set_id: int) -> tuple[int, int]:
    """Give answers of the set's question that have no assignment yet their nearest theme."""
    theme_set = session.get(ThemeSet, set_id)
    assert theme_set is not None
    # Later answers are coded in the space the themes were found in, never a refitted one.
    _align_set_space(session, set_id)
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
        if not is_usable(text):
            continue  # no words: no theme, and it does not wait for review
        vector = _vector(data)
        if vector is None or len(vector) != dims:
            raise RuntimeError(f"Answer {new[row][0]} is not in the theme set's space")
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


@dataclass(frozen=True)
class DraftEdits:
    """What finding themes again would delete: the question's draft and the edits made to it."""

    set_id: int
    version: int
    theme_labels: tuple[str, ...]
    renamed: tuple[str, ...]
    moved_by_hand: int
    not_relevant: int
    actions: tuple[str, ...]

    @property
    def has_edits(self) -> bool:
        """True when someone changed the draft after it was found (version 1 is as found)."""
        return self.version > 1 or bool(self.renamed or self.actions)

    def losses(self) -> list[str]:
        """Plain sentences saying what would be lost."""
        out: list[str] = []
        if self.renamed:
            out.append(_count(len(self.renamed), "renamed theme") + ": " + ", ".join(self.renamed))
        if self.moved_by_hand:
            out.append(_count(self.moved_by_hand, "answer") + " moved to another theme by hand")
        if self.not_relevant:
            out.append(_count(self.not_relevant, "answer") + " marked as not relevant")
        if self.actions:
            out.append(
                _count(len(self.actions), "'you said, we did' action")
                + ": "
                + "; ".join(self.actions)
            )
        if not out and self.has_edits:
            out.append("themes merged, split or added by hand")
        return out


def _count(n: int, thing: str) -> str:
    return f"{n:,} {thing}" + ("" if n == 1 else "s")


def _draft_edits(session: Session, draft: ThemeSet) -> DraftEdits:
    themes = _set_themes(session, draft.id)
    counts = session.execute(
        select(
            func.count().filter(ThemeAssignment.moved_by_hand.is_(True)),
            func.count().filter(ThemeAssignment.not_relevant.is_(True)),
        ).where(ThemeAssignment.theme_set_id == draft.id)
    ).one()
    actions = session.scalars(
        select(ThemeAction.action)
        .join(Theme, Theme.id == ThemeAction.theme_id)
        .where(Theme.theme_set_id == draft.id)
        .order_by(ThemeAction.id)
    )
    return DraftEdits(
        set_id=draft.id,
        version=draft.version,
        theme_labels=tuple(theme.label for theme in themes),
        renamed=tuple(theme.label for theme in themes if theme.renamed)
        + tuple(top.label for top in _set_top_themes(session, draft.id) if top.renamed),
        moved_by_hand=int(counts[0]),
        not_relevant=int(counts[1]),
        actions=tuple(actions),
    )


def _current_set(session: Session, question_id: int) -> ThemeSet | None:
    """The set the themes page shows: the draft if there is one, else the approved one."""
    return session.scalar(
        select(ThemeSet)
        .where(ThemeSet.question_id == question_id, ThemeSet.status != REPLACED)
        .order_by(ThemeSet.id.desc())
        .limit(1)
    )


def draft_edits(db: Database, actor: Actor, question_id: int) -> DraftEdits | None:
    """The question's draft and what finding themes again would delete (None: no draft)."""
    require(actor, Permission.ANALYSE_SURVEYS)
    with db.read() as session:
        draft = session.scalar(
            select(ThemeSet).where(ThemeSet.question_id == question_id, ThemeSet.status == DRAFT)
        )
        return None if draft is None else _draft_edits(session, draft)


def find_themes(
    db: Database,
    actor: Actor,
    question_id: int,
    n_themes: int | None = None,
    *,
    expected_current: tuple[int, int] | None,
    seed: int = 0,
    progress: Progress | None = None,
    n_top_themes: int | None = None,
) -> int:
    """Group the question's answers into themes and save them as a new draft theme set.

    ``expected_current`` is the (id, version) of the theme set the person saw (the draft if
    there was one, else the approved set), or None if they saw none: if the question's current
    set is not that one any more, nothing is saved and ConflictError says so. The draft is
    replaced and everything in it (theme names, moves, actions) is written to the audit log;
    an approved set stays until a new one is approved. ``n_themes`` is the number of
    sub-themes and ``n_top_themes`` the number of top-level themes; None uses the suggested
    number. Returns the new set's id.
    """
    require(actor, Permission.ANALYSE_SURVEYS)
    _check_n_themes(n_themes, n_top_themes)
    with db.read() as session:
        _check_current(session, question_id, expected_current)
    backend = ensure_embeddings(db, actor, question_id, progress=progress)
    with db.read() as session:
        ids, texts, matrix, stored_backend = _load_answers(session, question_id)
    if not ids:
        raise InputError("This question has no answers to find themes in.")
    if not any(is_usable(text) for text in texts):
        raise InputError("None of the answers to this question has any words to group.")
    if progress:
        progress(0.9, "Grouping answers into themes")
    result = cluster_embeddings(
        texts, matrix, n_themes, seed, backend=stored_backend or backend, n_top_themes=n_top_themes
    )
    tfidf = result.backend == TFIDF_LSA
    top_centroids = (
        result.top_centroids
        if result.top_centroids is not None
        else np.zeros((0, result.centroids.shape[1]), dtype=np.float32)
    )
    if progress:
        # The last report before saving: a job cancelled now saves nothing.
        progress(0.95, "Saving the themes")
    with db.transaction(locking=True) as session:
        _check_current(session, question_id, expected_current, lock=True)
        _delete_drafts(session, actor, question_id)
        theme_set = ThemeSet(
            question_id=question_id,
            backend=result.backend,
            n_themes=result.n_themes,
            seed=seed,
            status=DRAFT,
            created_by_id=actor.user_id,
            # The space the centres are in, kept for the set's life (see embeddings.py).
            embedding_space=space_key(result.backend, texts if tfidf else None),
            space_version=LSA_SPACE_VERSION if tfidf else None,
            space_answer_ids=list(ids) if tfidf else None,
        )
        session.add(theme_set)
        session.flush()
        top_ids = (
            list(
                session.scalars(
                    insert(TopTheme).returning(TopTheme.id, sort_by_parameter_order=True),
                    [
                        {
                            "theme_set_id": theme_set.id,
                            "label": top.label[:MAX_LABEL] or f"Top-level theme {top.index + 1}",
                            "top_terms": list(top.top_terms),
                            "position": top.index,
                            "centroid": _bytes(top_centroids[top.index]),
                            "renamed": False,
                        }
                        for top in result.top_themes
                    ],
                )
            )
            if result.top_themes
            else []
        )
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
                            "top_theme_id": (
                                top_ids[theme.parent] if theme.parent is not None else None
                            ),
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
            after={
                "question_id": question_id,
                "n_themes": result.n_themes,
                "n_top_themes": result.n_top_themes,
                "backend": backend,
            },
        )
        return theme_set.id


def _check_n_themes(n_themes: int | None, n_top_themes: int | None = None) -> None:
    if n_themes is not None and not 1 <= n_themes <= MAX_THEMES:
        raise InputError(f"Choose from 1 to {MAX_THEMES} sub-themes.")
    if n_top_themes is not None and not 1 <= n_top_themes <= MAX_TOP_THEMES:
        raise InputError(f"Choose from 1 to {MAX_TOP_THEMES} top-level themes.")
    if n_themes is not None and n_top_themes is not None and n_top_themes > n_themes:
        raise InputError(
            "Choose no more top-level themes than sub-themes: each top-level theme holds at "
            "least one sub-theme."
        )


def _check_current(
    session: Session, question_id: int, expected: tuple[int, int] | None, *, lock: bool = False
) -> None:
    """Refuse when the question's current theme set is not the one the person saw.

    With ``lock`` the set's row is locked (and its version moved on), so two people finding
    themes at once cannot both replace the same draft.
    """
    current = _current_set(session, question_id)
    seen = (current.id, current.version) if current is not None else None
    if seen != expected:
        raise ConflictError(
            "Someone else changed the themes for this question after you opened the page, so "
            "nothing was replaced. The page now shows their themes; check them, then find "
            "themes again if you still want to.",
            current={
                "Status": current.status if current else "no themes",
                "Version": current.version if current else 0,
            },
        )
    if lock and current is not None and expected is not None:
        _lock_set(session, current.id, expected[1])


def _delete_drafts(session: Session, actor: Actor, question_id: int) -> None:
    for draft in session.scalars(
        select(ThemeSet).where(ThemeSet.question_id == question_id, ThemeSet.status == DRAFT)
    ):
        edits = _draft_edits(session, draft)
        actions = session.execute(
            select(Theme.label, ThemeAction.action, ThemeAction.status)
            .join(Theme, Theme.id == ThemeAction.theme_id)
            .where(Theme.theme_set_id == draft.id)
            .order_by(ThemeAction.id)
        ).all()
        audit.record(
            session,
            actor,
            "delete_theme_draft",
            "theme_set",
            draft.id,
            before={
                "question_id": question_id,
                "version": edits.version,
                "themes": list(edits.theme_labels),
                "renamed": list(edits.renamed),
                "moved_by_hand": edits.moved_by_hand,
                "not_relevant": edits.not_relevant,
                "actions": [
                    {"theme": theme, "action": action, "status": status}
                    for theme, action, status in actions
                ],
            },
        )
    drafts = select(ThemeSet.id).where(
        ThemeSet.question_id == question_id, ThemeSet.status == DRAFT
    )
    draft_themes = select(Theme.id).where(Theme.theme_set_id.in_(drafts))
    session.execute(delete(ThemeAction).where(ThemeAction.theme_id.in_(draft_themes)))
    session.execute(delete(ThemeAssignment).where(ThemeAssignment.theme_set_id.in_(drafts)))
    session.execute(delete(Theme).where(Theme.theme_set_id.in_(drafts)))
    session.execute(delete(TopTheme).where(TopTheme.theme_set_id.in_(drafts)))
    session.execute(
        delete(ThemeSet).where(ThemeSet.question_id == question_id, ThemeSet.status == DRAFT)
    )


@dataclass(frozen=True)
class Approval:
    """What approving a theme set did to the answers imported since its themes were found."""

    assigned: int
    review: int


def approve(
    db: Database,
    actor: Actor,
    set_id: int,
    *,
    expected_version: int,
    progress: Progress | None = None,
) -> Approval:
    """Approve a theme set: answers imported later are assigned to it.

    The answers imported since the themes were found are embedded first (reporting
    ``progress``), then the approval and their themes are saved in one transaction.
    """
    require(actor, Permission.ANALYSE_SURVEYS)
    if progress:
        progress(0.0, "Finding the answers imported since the themes were found")
    vectors = _late_answer_vectors(db, set_id, progress)
    if progress:
        progress(0.95, "Saving the approval and the later answers' themes")
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
        if vectors:
            session.execute(update(SurveyAnswer), vectors)
        assigned, review = _assign_new_answers(session, set_id)
        audit.record(
            session, actor, "approve_themes", "theme_set", set_id, None, {"status": APPROVED}
        )
    return Approval(assigned=assigned, review=review)


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
