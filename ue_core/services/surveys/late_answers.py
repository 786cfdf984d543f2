"""The answers imported since a theme set's themes were found, embedded in its space before
the set is approved (``theme_sets.approve``), a step at a time so a job's progress can move."""

from __future__ import annotations

from sqlalchemy import select

from ue_core.db.engine import Database
from ue_core.db.models import SurveyAnswer, ThemeSet
from ue_core.services.surveys._shared import Progress, _bytes
from ue_core.services.surveys.embeddings import _embed_in, _fit_texts, _sentence_updates
from ue_core.themes import BACKENDS
from ue_core.themes.embedding import LSA_SPACE_VERSION, TFIDF_LSA


def _late_answer_vectors(
    db: Database, set_id: int, progress: Progress | None
) -> list[dict[str, object]]:
    """Embed, before the approval's transaction, the answers not yet in the set's space.

    These are mostly answers imported after the themes were found. They are embedded here, a
    step at a time so a progress bar can move, and written in the approval's one transaction
    (which embeds any that arrive meanwhile itself). A set whose space must move to the
    current recipe first is left to that transaction.
    """
    with db.read() as session:
        theme_set = session.get(ThemeSet, set_id)
        if theme_set is None or theme_set.backend not in BACKENDS:
            return []
        backend, space = theme_set.backend, theme_set.embedding_space
        if space is None or (
            backend == TFIDF_LSA
            and (theme_set.space_version != LSA_SPACE_VERSION or theme_set.space_answer_ids is None)
        ):
            return []
        stale = (
            SurveyAnswer.embedding_space != space
            if backend == TFIDF_LSA
            else SurveyAnswer.embedding_backend != backend
        )
        rows = session.execute(
            select(SurveyAnswer.id, SurveyAnswer.text)
            .where(
                SurveyAnswer.question_id == theme_set.question_id,
                stale | SurveyAnswer.embedding.is_(None) | SurveyAnswer.embedding_space.is_(None),
            )
            .order_by(SurveyAnswer.id)
        ).all()
        fit = _fit_texts(session, theme_set)
    if not rows:
        return []
    if backend != TFIDF_LSA:
        # A sentence model's own path: each distinct answer read once, stored vectors of
        # identical answers in any survey reused, and the reuse keys written.
        return _sentence_updates(
            db,
            backend,
            [(row.id, row.text) for row in rows],
            progress,
            what="later answers",
            share=0.9,
        )
    # A TF-IDF space is fitted once per call, so its answers are embedded in one step.
    if progress:
        progress(0.0, f"Reading later answers: 0 of {len(rows):,} done")
    vectors = _embed_in(backend, [text for _, text in rows], fit)
    updates: list[dict[str, object]] = [
        {
            "id": answer_id,
            "embedding": _bytes(vector),
            "embedding_backend": backend,
            "embedding_space": space,
        }
        for (answer_id, _), vector in zip(rows, vectors, strict=True)
    ]
    return updates
