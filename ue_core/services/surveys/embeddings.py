"""Embedding spaces: each answer's vector is computed once and kept; which backend finds themes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import numpy as np
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ue_core.authz import Actor, Permission, require
from ue_core.db.engine import Database
from ue_core.db.models import (
    SurveyAnswer,
    Theme,
    ThemeAssignment,
    ThemeSet,
)
from ue_core.errors import InputError
from ue_core.services.surveys._shared import FloatMatrix, Progress, _bytes, _question, _vector
from ue_core.themes import (
    BACKENDS,
    TFIDF_LSA,
    BackendUnavailable,
    choose_backend,
    embed_texts,
)
from ue_core.themes.embedding import (
    LSA_SPACE_VERSION,
    MINILM_DIMENSIONS,
    embed_sentences,
    normalise_rows,
    space_key,
    token_keys,
)

#: Token keys looked up per query (well under every database's limit on bound values).
KEY_LOOKUP_CHUNK: Final = 500


def _fit_texts(session: Session, theme_set: ThemeSet) -> list[str] | None:
    """The texts the theme set's TF-IDF space is fitted to (None for a sentence model)."""
    if theme_set.backend != TFIDF_LSA:
        return None
    ids = [int(i) for i in theme_set.space_answer_ids or []]
    return list(session.scalars(select(SurveyAnswer.text).where(SurveyAnswer.id.in_(ids))))


def _embed_in(backend: str, texts: list[str], fit: list[str] | None) -> FloatMatrix:
    try:
        vectors, _ = embed_texts(texts, backend=backend, fit_texts=fit)
    except BackendUnavailable as error:
        raise InputError(
            f"The themes were made with {backend}, which cannot run here now ({error})."
        ) from error
    return vectors


def _embed_in_set_space(session: Session, set_id: int, texts: list[str]) -> tuple[FloatMatrix, str]:
    """Embed texts in the theme set's own space; returns the vectors and the space's name."""
    theme_set = session.get(ThemeSet, set_id)
    assert theme_set is not None
    _align_set_space(session, set_id)
    space = theme_set.embedding_space or space_key(theme_set.backend)
    return _embed_in(theme_set.backend, texts, _fit_texts(session, theme_set)), space


def _align_set_space(session: Session, set_id: int) -> None:
    """Make the question's stored answer vectors those of the theme set's space.

    A theme set keeps one space for its life, so later answers are coded against centres in
    the space they were found in. A set found with another version of the TF-IDF recipe (or
    before spaces were recorded) moves to the current recipe on the same answers: every answer
    is embedded again and the themes' centres and confidences are recomputed.
    """
    theme_set = session.get(ThemeSet, set_id)
    assert theme_set is not None
    backend = theme_set.backend
    if backend not in BACKENDS:
        return
    moved = False
    if backend == TFIDF_LSA and (
        theme_set.space_version != LSA_SPACE_VERSION or theme_set.space_answer_ids is None
    ):
        if theme_set.space_answer_ids is None:
            theme_set.space_answer_ids = sorted(
                session.scalars(
                    select(ThemeAssignment.answer_id).where(ThemeAssignment.theme_set_id == set_id)
                )
            )
        fit = _fit_texts(session, theme_set)
        theme_set.embedding_space = space_key(backend, fit)
        theme_set.space_version = LSA_SPACE_VERSION
        moved = True
    elif theme_set.embedding_space is None:
        theme_set.embedding_space = space_key(backend)
        theme_set.space_version = LSA_SPACE_VERSION if backend == TFIDF_LSA else None
    space = theme_set.embedding_space
    stale = SurveyAnswer.embedding_space != space
    if backend != TFIDF_LSA:
        # A sentence model's space is fixed: any vector from the same model is in it.
        stale = SurveyAnswer.embedding_backend != backend
    rows = session.execute(
        select(SurveyAnswer.id, SurveyAnswer.text).where(
            SurveyAnswer.question_id == theme_set.question_id,
            stale | SurveyAnswer.embedding.is_(None) | SurveyAnswer.embedding_space.is_(None),
        )
    ).all()
    if rows:
        vectors = _embed_in(backend, [text for _, text in rows], _fit_texts(session, theme_set))
        session.execute(
            update(SurveyAnswer),
            [
                {
                    "id": answer_id,
                    "embedding": _bytes(vector),
                    "embedding_backend": backend,
                    "embedding_space": space,
                }
                for (answer_id, _), vector in zip(rows, vectors, strict=True)
            ],
        )
    if moved:
        _recompute_centres(session, set_id)
    session.flush()


def _recompute_centres(session: Session, set_id: int) -> None:
    """Each theme's centre and its answers' confidences from the stored answer vectors."""
    rows = session.execute(
        select(ThemeAssignment.id, ThemeAssignment.theme_id, SurveyAnswer.embedding)
        .join(SurveyAnswer, SurveyAnswer.id == ThemeAssignment.answer_id)
        .where(
            ThemeAssignment.theme_set_id == set_id,
            ThemeAssignment.theme_id.is_not(None),
            ThemeAssignment.not_relevant.is_(False),
        )
    ).all()
    members: dict[int, list[tuple[int, FloatMatrix]]] = {}
    for assignment_id, theme_id, data in rows:
        vector = _vector(data)
        if theme_id is not None and vector is not None:
            members.setdefault(theme_id, []).append((assignment_id, vector))
    confidences: list[dict[str, Any]] = []
    for theme in session.scalars(select(Theme).where(Theme.theme_set_id == set_id)):
        owned = members.get(theme.id)
        if not owned:
            theme.centroid = None
            continue
        matrix = np.vstack([vector for _, vector in owned])
        centre = normalise_rows(matrix.mean(axis=0, keepdims=True))[0]
        theme.centroid = _bytes(centre)
        similarity = np.clip(matrix @ centre, 0.0, 1.0)
        confidences.extend(
            {"id": assignment_id, "confidence": float(value)}
            for (assignment_id, _), value in zip(owned, similarity, strict=True)
        )
    if confidences:
        session.execute(update(ThemeAssignment), confidences)


def ensure_embeddings(
    db: Database,
    actor: Actor,
    question_id: int,
    *,
    backend: str | None = None,
    progress: Progress | None = None,
) -> str:
    """Compute and store embeddings for the question's answers that have none (or another
    backend's). Returns the backend used. Already stored embeddings are not computed again, and
    with a sentence model an answer that reads the same as one stored in any survey takes its
    vector instead of running the model."""
    require(actor, Permission.ANALYSE_SURVEYS)
    try:
        name = choose_backend(backend)
    except BackendUnavailable as error:
        raise InputError(str(error)) from error
    with db.read() as session:
        _question(session, question_id)
        rows = session.execute(
            select(
                SurveyAnswer.id,
                SurveyAnswer.text,
                SurveyAnswer.embedding_backend,
                SurveyAnswer.embedding_space,
                SurveyAnswer.embedding_key,
            )
            .where(SurveyAnswer.question_id == question_id)
            .order_by(SurveyAnswer.id)
        ).all()
    space = space_key(name, [row.text for row in rows])
    if name == TFIDF_LSA:
        # The LSA space is fitted to the answers: every stored vector must be in the space of
        # all of them.
        missing = [(row.id, row.text) for row in rows if row.embedding_space != space]
    else:
        missing = [(row.id, row.text) for row in rows if row.embedding_backend != name]
        unkeyed = [
            (row.id, row.text)
            for row in rows
            if row.embedding_backend == name and row.embedding_key is None
        ]
        if unkeyed:
            _add_keys(db, name, unkeyed)
    if not missing:
        return name
    if name == TFIDF_LSA:
        # The LSA space is fitted to the answers: refit on all of them, so every stored vector
        # shares one space.
        missing = [(row.id, row.text) for row in rows]
        if progress:
            progress(0.1, "Working out word patterns in the answers")
        vectors, _ = embed_texts([text for _, text in missing], backend=name)
        updates = [
            {
                "id": answer_id,
                "embedding": _bytes(vector),
                "embedding_backend": name,
                "embedding_space": space,
                "embedding_key": None,
            }
            for (answer_id, _), vector in zip(missing, vectors, strict=True)
        ]
    else:
        updates = _sentence_updates(db, name, missing, progress)
    with db.transaction() as session:
        session.execute(update(SurveyAnswer), updates)
    return name


def _sentence_updates(
    db: Database,
    name: str,
    missing: list[tuple[int, str]],
    progress: Progress | None,
    *,
    what: str = "answers",
    share: float = 0.85,
) -> list[dict[str, Any]]:
    """Vectors for answers from a sentence model, reusing those stored for identical answers.

    Each distinct answer is read by the model once, shortest first; an answer the model reads
    as the same word pieces as one already stored (in any survey) takes that stored vector.
    """

    def stored(keys: Sequence[str]) -> dict[str, FloatMatrix]:
        return _stored_vectors(db, name, keys)

    def step(done: int, total: int) -> None:
        if progress:
            progress(share * done / max(total, 1), f"Reading {what}: {done:,} of {total:,} done")

    result = embed_sentences([text for _, text in missing], name, known=stored, progress=step)
    return [
        {
            "id": answer_id,
            "embedding": _bytes(vector),
            "embedding_backend": name,
            "embedding_space": name,
            "embedding_key": key,
        }
        for (answer_id, _), vector, key in zip(missing, result.vectors, result.keys, strict=True)
    ]


def _stored_vectors(db: Database, name: str, keys: Sequence[str]) -> dict[str, FloatMatrix]:
    """Vectors stored by backend ``name`` for any of these token keys, one per key."""
    found: dict[str, FloatMatrix] = {}
    with db.read() as session:
        for start in range(0, len(keys), KEY_LOOKUP_CHUNK):
            chunk = list(keys[start : start + KEY_LOOKUP_CHUNK])
            first = (
                select(func.min(SurveyAnswer.id))
                .where(
                    SurveyAnswer.embedding_key.in_(chunk),
                    SurveyAnswer.embedding_backend == name,
                    SurveyAnswer.embedding.is_not(None),
                )
                .group_by(SurveyAnswer.embedding_key)
            )
            for key, data in session.execute(
                select(SurveyAnswer.embedding_key, SurveyAnswer.embedding).where(
                    SurveyAnswer.id.in_(first)
                )
            ):
                vector = _vector(data)
                if key is not None and vector is not None and len(vector) == MINILM_DIMENSIONS:
                    found[key] = vector
    return found


def _add_keys(db: Database, name: str, rows: list[tuple[int, str]]) -> None:
    """Give answers embedded before keys were kept their token key (no model run)."""
    keys = token_keys([text for _, text in rows], name)
    with db.transaction() as session:
        session.execute(
            update(SurveyAnswer),
            [
                {"id": answer_id, "embedding_key": key}
                for (answer_id, _), key in zip(rows, keys, strict=True)
                if key is not None
            ],
        )


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
