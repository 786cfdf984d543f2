"""Embedding spaces: each answer's vector is computed once and kept; which backend finds themes."""

from __future__ import annotations

from typing import Final

import numpy as np
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ue_core.authz import Actor, Permission, require
from ue_core.db.engine import Database
from ue_core.db.models import (
    SurveyAnswer,
)
from ue_core.errors import InputError
from ue_core.services.surveys._shared import FloatMatrix, Progress, _bytes, _question, _vector
from ue_core.themes import (
    TFIDF_LSA,
    BackendUnavailable,
    choose_backend,
    embed_texts,
)

#: Distinct answers embedded per step, so a progress bar can move.
EMBED_CHUNK: Final = 2_048


def _embed_like(db: Database, question_id: int, backend: str, texts: list[str]) -> FloatMatrix:
    """Embed texts in the same space as the question's stored embeddings."""
    fit: list[str] | None = None
    if backend == TFIDF_LSA:
        with db.read() as session:
            fit = list(
                session.scalars(
                    select(SurveyAnswer.text).where(
                        SurveyAnswer.question_id == question_id,
                        SurveyAnswer.embedding_backend == backend,
                    )
                )
            )
    try:
        vectors, _ = embed_texts(texts, backend=backend, fit_texts=fit)
    except BackendUnavailable as error:
        raise InputError(
            f"The themes were made with {backend}, which cannot run here now ({error})."
        ) from error
    return vectors


def _embed_missing_like(db: Database, question_id: int, backend: str) -> None:
    """Embed the question's answers that have no embedding from ``backend``, in its space."""
    with db.read() as session:
        missing = session.execute(
            select(SurveyAnswer.id, SurveyAnswer.text).where(
                SurveyAnswer.question_id == question_id,
                (SurveyAnswer.embedding_backend != backend)
                | SurveyAnswer.embedding_backend.is_(None),
            )
        ).all()
    if not missing:
        return
    vectors = _embed_like(db, question_id, backend, [text for _, text in missing])
    with db.transaction() as session:
        session.execute(
            update(SurveyAnswer),
            [
                {"id": answer_id, "embedding": _bytes(vector), "embedding_backend": backend}
                for (answer_id, _), vector in zip(missing, vectors, strict=True)
            ],
        )


def ensure_embeddings(
    db: Database,
    actor: Actor,
    question_id: int,
    *,
    backend: str | None = None,
    progress: Progress | None = None,
) -> str:
    """Compute and store embeddings for the question's answers that have none (or another
    backend's). Returns the backend used. Already stored embeddings are not computed again."""
    require(actor, Permission.ANALYSE_SURVEYS)
    try:
        name = choose_backend(backend)
    except BackendUnavailable as error:
        raise InputError(str(error)) from error
    with db.read() as session:
        _question(session, question_id)
        rows = session.execute(
            select(SurveyAnswer.id, SurveyAnswer.text, SurveyAnswer.embedding_backend)
            .where(SurveyAnswer.question_id == question_id)
            .order_by(SurveyAnswer.id)
        ).all()
    missing = [(answer_id, text) for answer_id, text, used in rows if used != name]
    if not missing:
        return name
    if name == TFIDF_LSA:
        # The LSA space is fitted to the answers: refit on all of them, so every stored vector
        # shares one space.
        missing = [(answer_id, text) for answer_id, text, _ in rows]
        if progress:
            progress(0.1, "Working out word patterns in the answers")
        vectors, _ = embed_texts([text for _, text in missing], backend=name)
        updates = [
            {"id": answer_id, "embedding": _bytes(vector), "embedding_backend": name}
            for (answer_id, _), vector in zip(missing, vectors, strict=True)
        ]
    else:
        # Embed each distinct answer once, shortest first (batches of similar length need
        # little padding), in large steps so a progress bar can move.
        unique = sorted({text for _, text in missing}, key=lambda t: (len(t), t))
        vectors_by_text: dict[str, FloatMatrix] = {}
        for start in range(0, len(unique), EMBED_CHUNK):
            chunk = unique[start : start + EMBED_CHUNK]
            if progress:
                progress(
                    0.85 * start / len(unique),
                    f"Reading answers: {start:,} of {len(unique):,} done",
                )
            vectors, _ = embed_texts(chunk, backend=name)
            vectors_by_text.update(zip(chunk, vectors, strict=True))
        updates = [
            {
                "id": answer_id,
                "embedding": _bytes(vectors_by_text[text]),
                "embedding_backend": name,
            }
            for answer_id, text in missing
        ]
    with db.transaction() as session:
        session.execute(update(SurveyAnswer), updates)
    return name


def _load_answers(
    session: Session, question_id: int
) -> tuple[list[int], list[str], FloatMatrix, str | None]:
    rows = session.execute(
        select(
            SurveyAnswer.id,
            SurveyAnswer.text,
            SurveyAnswer.embedding,
            SurveyAnswer.embedding_backend,
        )
        .where(SurveyAnswer.question_id == question_id)
        .order_by(SurveyAnswer.id)
    ).all()
    ids = [row[0] for row in rows]
    texts = [row[1] for row in rows]
    backends = {row[3] for row in rows}
    vectors = [_vector(row[2]) for row in rows]
    if not rows or None in backends or any(v is None for v in vectors):
        return ids, texts, np.zeros((len(rows), 0), dtype=np.float32), None
    return ids, texts, np.vstack([v for v in vectors if v is not None]), backends.pop()


BACKEND_DESCRIPTIONS: Final[dict[str, str]] = {
    "minilm-onnx-int8": "sentence embeddings from the all-MiniLM-L6-v2 model (ONNX Runtime)",
    "minilm-torch": "sentence embeddings from the all-MiniLM-L6-v2 model (run with PyTorch)",
    TFIDF_LSA: "word patterns (TF-IDF with latent semantic analysis), the fallback used when no "
    "sentence model is installed",
    "split": "the answers' stored embeddings",
}


def describe_backend(name: str) -> str:
    """A plain-English name for an embedding backend."""
    return BACKEND_DESCRIPTIONS.get(name, name)


def available_backend() -> tuple[str, str]:
    """The backend new themes will be found with, and a sentence about it."""
    from ue_core.themes import backend_status

    name = choose_backend()
    status = backend_status()
    text = f"New themes will be found with {describe_backend(name)}."
    if name == TFIDF_LSA:
        reasons = [reason for key, reason in status.items() if key != TFIDF_LSA and reason]
        if reasons:
            text += " The sentence model is not available here: " + reasons[0] + "."
    return name, text
