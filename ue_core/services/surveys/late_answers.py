"""The answers imported since a theme set's themes were found, embedded in its space before
the set is approved (``theme_sets.approve``), a step at a time so a job's progress can move."""

from __future__ import annotations

from sqlalchemy import select

from ue_core.db.engine import Database
from ue_core.db.models import SurveyAnswer, ThemeSet
from ue_core.services.surveys._shared import Progress, _bytes
from ue_core.services.surveys.embeddings import EMBED_CHUNK, _embed_in, _fit_texts
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
    # A TF-IDF space is fitted once per call, so its answers are embedded in one step.
    step = len(rows) if backend == TFIDF_LSA else EMBED_CHUNK
    updates: list[dict[str, object]] = []
    for start in range(0, len(rows), max(step, 1)):
        chunk = rows[start : start + step]
        if progress:
            progress(
                0.9 * start / len(rows),
                f"Reading later answers: {start:,} of {len(rows):,} done",
            )
        vectors = _embed_in(backend, [text for _, text in chunk], fit)
        updates.extend(
            {
                "id": answer_id,
                "embedding": _bytes(vector),
                "embedding_backend": backend,
                "embedding_space": space,
            }
            for (answer_id, _), vector in zip(chunk, vectors, strict=True)
        )
    return updates
