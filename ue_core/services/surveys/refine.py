"""Refining a theme set by hand: rename, merge, split, move, not relevant, seed a theme.

Edits work at both levels: sub-themes (the Theme rows answers are coded to) and top-level
themes (TopTheme rows, each grouping whole sub-themes). After every edit the centres, terms and
(unless a person named them) labels of the changed themes at both levels are worked out again,
and a top-level theme left with no sub-themes is removed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import select, update
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
)
from ue_core.errors import InputError, NotFound
from ue_core.services.surveys._shared import (
    MAX_LABEL,
    _bytes,
    _lock_set,
    _set_themes,
    _set_top_themes,
    _vector,
)
from ue_core.services.surveys.embeddings import _align_set_space
from ue_core.themes import (
    assign_to_themes,
    cluster_embeddings,
    label_themes,
)
from ue_core.themes.embedding import is_usable, normalise_rows


def _theme_in_set(session: Session, set_id: int, theme_id: int) -> Theme:
    theme = session.get(Theme, theme_id)
    if theme is None or theme.theme_set_id != set_id:
        raise NotFound("That theme is no longer in this theme set. Reload the page.")
    return theme


def _clean_label(label: str) -> str:
    cleaned = " ".join(label.split())
    if not cleaned:
        raise InputError("Enter a name for the theme.")
    if len(cleaned) > MAX_LABEL:
        raise InputError(f"A theme name must be {MAX_LABEL} characters or fewer.")
    return cleaned


def _top_in_set(session: Session, set_id: int, top_theme_id: int) -> TopTheme:
    top = session.get(TopTheme, top_theme_id)
    if top is None or top.theme_set_id != set_id:
        raise NotFound("That top-level theme is no longer in this theme set. Reload the page.")
    return top


def _recompute(
    session: Session,
    set_id: int,
    relabel: Sequence[int] = (),
    *,
    labels_for_all: bool = False,
    relabel_tops: Sequence[int] = (),
) -> None:
    """Recompute every theme's centre, its answers' confidence and top terms after an edit.

    Themes in ``relabel`` (or all with ``labels_for_all``) also get a new label unless a person
    renamed them; so do top-level themes in ``relabel_tops`` and those holding a relabelled
    theme. Top-level themes left with no sub-themes are removed.
    """
    _align_set_space(session, set_id)
    themes = _set_themes(session, set_id)
    rows = session.execute(
        select(
            ThemeAssignment.id,
            ThemeAssignment.theme_id,
            ThemeAssignment.not_relevant,
            SurveyAnswer.text,
            SurveyAnswer.embedding,
        )
        .join(SurveyAnswer, SurveyAnswer.id == ThemeAssignment.answer_id)
        .where(ThemeAssignment.theme_set_id == set_id)
        .order_by(ThemeAssignment.answer_id)
    ).all()
    position = {theme.id: index for index, theme in enumerate(themes)}
    texts = [row[3] for row in rows]
    assignments = [position[row[1]] if row[1] is not None and not row[2] else -1 for row in rows]
    vectors = [_vector(row[4]) for row in rows]
    dims = next((len(v) for v in vectors if v is not None), 0)
    matrix = np.zeros((len(rows), dims), dtype=np.float32)
    for index, vector in enumerate(vectors):
        if vector is not None and len(vector) == dims:
            matrix[index] = vector
    matrix = normalise_rows(matrix)
    chosen = np.asarray(assignments, dtype=np.int64)
    conf_updates: list[dict[str, Any]] = []
    labels = label_themes(texts, assignments, len(themes)) if themes else []
    wanted = {theme.id for theme in themes} if labels_for_all else set(relabel)
    for index, theme in enumerate(themes):
        members = np.flatnonzero(chosen == index)
        if len(members):
            centre = normalise_rows(matrix[members].mean(axis=0, keepdims=True))[0]
            theme.centroid = _bytes(centre)
            similarity = np.clip(matrix[members] @ centre, 0.0, 1.0)
            conf_updates.extend(
                {"id": rows[int(m)][0], "confidence": float(s)}
                for m, s in zip(members, similarity, strict=True)
            )
        theme.top_terms = list(labels[index].top_terms)
        theme.position = index
        if theme.id in wanted and not theme.renamed:
            theme.label = labels[index].label[:MAX_LABEL] or f"Theme {index + 1}"
    if conf_updates:
        session.execute(update(ThemeAssignment), conf_updates)
    changed_tops = set(relabel_tops) | {t.top_theme_id for t in themes if t.id in wanted}
    _recompute_tops(
        session,
        set_id,
        [theme.top_theme_id for theme in themes],
        chosen,
        matrix,
        texts,
        {top for top in changed_tops if top is not None},
        everything=labels_for_all,
    )
    session.execute(
        update(ThemeSet)
        .where(ThemeSet.id == set_id)
        .values(n_themes=len(themes))
        .execution_options(synchronize_session=False)
    )


def _recompute_tops(
    session: Session,
    set_id: int,
    parents: Sequence[int | None],
    chosen: npt.NDArray[np.int64],
    matrix: npt.NDArray[np.float32],
    texts: Sequence[str],
    relabel: set[int],
    *,
    everything: bool,
) -> None:
    """The top-level part of :func:`_recompute`: ``parents[i]`` is theme ``i``'s top-level theme
    and ``chosen[j]`` answer ``j``'s theme (-1 for none)."""
    used = {parent for parent in parents if parent is not None}
    tops = []
    for top in _set_top_themes(session, set_id):
        if top.id in used:
            tops.append(top)
        else:
            session.delete(top)
    if not tops:
        session.flush()
        return
    index = {top.id: number for number, top in enumerate(tops)}
    top_of_theme = [index.get(parent, -1) if parent is not None else -1 for parent in parents]
    assignments = [top_of_theme[int(c)] if c >= 0 else -1 for c in chosen]
    labels = label_themes(texts, assignments, len(tops))
    owners = np.asarray(assignments, dtype=np.int64)
    for number, top in enumerate(tops):
        members = np.flatnonzero(owners == number)
        if len(members):
            top.centroid = _bytes(normalise_rows(matrix[members].mean(axis=0, keepdims=True))[0])
        top.top_terms = list(labels[number].top_terms)
        top.position = number
        if (everything or top.id in relabel) and not top.renamed:
            top.label = labels[number].label[:MAX_LABEL] or f"Top-level theme {number + 1}"
    session.flush()


def rename_theme(
    db: Database, actor: Actor, set_id: int, theme_id: int, label: str, *, expected_version: int
) -> None:
    require(actor, Permission.ANALYSE_SURVEYS)
    cleaned = _clean_label(label)
    with db.transaction() as session:
        _lock_set(session, set_id, expected_version)
        theme = _theme_in_set(session, set_id, theme_id)
        others = {t.label.casefold() for t in _set_themes(session, set_id) if t.id != theme_id}
        if cleaned.casefold() in others:
            raise InputError(f"Another theme is already called '{cleaned}'. Choose another name.")
        before = theme.label
        theme.label = cleaned
        theme.renamed = True
        audit.record(
            session, actor, "rename_theme", "theme", theme_id, {"label": before}, {"label": cleaned}
        )


def merge_themes(
    db: Database,
    actor: Actor,
    set_id: int,
    theme_ids: Sequence[int],
    *,
    expected_version: int,
    label: str | None = None,
) -> int:
    """Merge two or more themes into the first; returns the kept theme's id."""
    require(actor, Permission.ANALYSE_SURVEYS)
    chosen = list(dict.fromkeys(theme_ids))
    if len(chosen) < 2:
        raise InputError("Choose two or more themes to merge.")
    cleaned = _clean_label(label) if label and label.strip() else None
    with db.transaction() as session:
        _lock_set(session, set_id, expected_version)
        themes = [_theme_in_set(session, set_id, theme_id) for theme_id in chosen]
        keep, others = themes[0], themes[1:]
        other_ids = [t.id for t in others]
        session.execute(
            update(ThemeAssignment)
            .where(ThemeAssignment.theme_set_id == set_id, ThemeAssignment.theme_id.in_(other_ids))
            .values(theme_id=keep.id)
            .execution_options(synchronize_session=False)
        )
        session.execute(
            update(ThemeAction)
            .where(ThemeAction.theme_id.in_(other_ids))
            .values(theme_id=keep.id)
            .execution_options(synchronize_session=False)
        )
        before = [t.label for t in themes]
        tops = [t.top_theme_id for t in themes if t.top_theme_id is not None]
        for other in others:
            session.delete(other)
        if cleaned is not None:
            keep.label, keep.renamed = cleaned, True
        else:
            keep.renamed = False
        session.flush()
        _recompute(session, set_id, [keep.id], relabel_tops=tops)
        audit.record(
            session,
            actor,
            "merge_themes",
            "theme",
            keep.id,
            {"labels": before},
            {"label": keep.label},
        )
        return keep.id


def split_theme(
    db: Database, actor: Actor, set_id: int, theme_id: int, parts: int, *, expected_version: int
) -> list[int]:
    """Split a theme into ``parts`` themes by grouping its own answers again."""
    require(actor, Permission.ANALYSE_SURVEYS)
    if not 2 <= parts <= 10:
        raise InputError("Split a theme into 2 to 10 themes.")
    with db.transaction() as session:
        theme_set = _lock_set(session, set_id, expected_version)
        theme = _theme_in_set(session, set_id, theme_id)
        _align_set_space(session, set_id)
        members = session.execute(
            select(ThemeAssignment.id, SurveyAnswer.text, SurveyAnswer.embedding)
            .join(SurveyAnswer, SurveyAnswer.id == ThemeAssignment.answer_id)
            .where(
                ThemeAssignment.theme_set_id == set_id,
                ThemeAssignment.theme_id == theme_id,
                ThemeAssignment.not_relevant.is_(False),
            )
            .order_by(ThemeAssignment.answer_id)
        ).all()
        texts = [row[1] for row in members]
        distinct = len({" ".join(t.split()).casefold() for t in texts if is_usable(t)})
        if distinct < parts:
            raise InputError(
                f"This theme has {distinct} different answers, too few to split into {parts}."
            )
        vectors = [_vector(row[2]) for row in members]
        matrix = np.vstack([v for v in vectors if v is not None])
        result = cluster_embeddings(texts, matrix, parts, theme_set.seed, backend="split")
        themes = _set_themes(session, set_id)
        new_ids = [theme.id]
        theme.label = result.themes[0].label[:MAX_LABEL]
        theme.renamed = False
        for part in result.themes[1:]:
            created = Theme(
                theme_set_id=set_id,
                label=part.label[:MAX_LABEL],
                top_terms=list(part.top_terms),
                position=theme.position,
                renamed=False,
                top_theme_id=theme.top_theme_id,
            )
            session.add(created)
            session.flush()
            new_ids.append(created.id)
        mapping = []
        for (assignment_id, _, _), index in zip(members, result.assignments, strict=True):
            mapping.append(
                {"id": assignment_id, "theme_id": new_ids[index] if index >= 0 else None}
            )
        session.execute(update(ThemeAssignment), mapping)
        # Keep the new parts right after the theme they came from.
        order = []
        for existing in themes:
            order.append(existing.id)
            if existing.id == theme.id:
                order.extend(new_ids[1:])
        for position, tid in enumerate(order):
            session.execute(
                update(Theme)
                .where(Theme.id == tid)
                .values(position=position)
                .execution_options(synchronize_session=False)
            )
        session.expire_all()
        _recompute(session, set_id, new_ids)
        audit.record(
            session, actor, "split_theme", "theme", theme_id, None, {"parts": len(new_ids)}
        )
        return new_ids


def move_answers(
    db: Database,
    actor: Actor,
    set_id: int,
    answer_ids: Sequence[int],
    to_theme_id: int,
    *,
    expected_version: int,
) -> None:
    """Move answers to another theme by hand (this also clears them from the review queue)."""
    require(actor, Permission.ANALYSE_SURVEYS)
    if not answer_ids:
        raise InputError("Choose one or more answers to move.")
    with db.transaction() as session:
        _lock_set(session, set_id, expected_version)
        _theme_in_set(session, set_id, to_theme_id)
        result = session.execute(
            update(ThemeAssignment)
            .where(
                ThemeAssignment.theme_set_id == set_id,
                ThemeAssignment.answer_id.in_(list(answer_ids)),
            )
            .values(
                theme_id=to_theme_id, moved_by_hand=True, not_relevant=False, needs_review=False
            )
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", len(answer_ids)) != len(set(answer_ids)):
            raise NotFound("Some of those answers are not in this theme set. Reload the page.")
        _recompute(session, set_id)
        audit.record(
            session,
            actor,
            "move_answers",
            "theme",
            to_theme_id,
            None,
            {"answers": sorted(set(answer_ids))},
        )


def set_not_relevant(
    db: Database,
    actor: Actor,
    set_id: int,
    answer_ids: Sequence[int],
    not_relevant: bool = True,
    *,
    expected_version: int,
) -> None:
    """Mark answers as not relevant (they leave their theme), or bring them back to the
    theme they are nearest to."""
    require(actor, Permission.ANALYSE_SURVEYS)
    if not answer_ids:
        raise InputError("Choose one or more answers.")
    with db.transaction() as session:
        _lock_set(session, set_id, expected_version)
        wanted = list(set(answer_ids))
        if not_relevant:
            session.execute(
                update(ThemeAssignment)
                .where(
                    ThemeAssignment.theme_set_id == set_id,
                    ThemeAssignment.answer_id.in_(wanted),
                )
                .values(theme_id=None, not_relevant=True, needs_review=False, confidence=None)
                .execution_options(synchronize_session=False)
            )
        else:
            themes = _set_themes(session, set_id)
            centres = [_vector(t.centroid) for t in themes]
            rows = session.execute(
                select(ThemeAssignment.id, SurveyAnswer.embedding, SurveyAnswer.text)
                .join(SurveyAnswer, SurveyAnswer.id == ThemeAssignment.answer_id)
                .where(
                    ThemeAssignment.theme_set_id == set_id,
                    ThemeAssignment.answer_id.in_(wanted),
                )
            ).all()
            if themes and all(c is not None for c in centres):
                matrix = np.vstack([c for c in centres if c is not None])
                vectors = np.zeros((len(rows), matrix.shape[1]), dtype=np.float32)
                for i, (_, data, text) in enumerate(rows):
                    vector = _vector(data)
                    if vector is not None and is_usable(text):
                        vectors[i] = vector
                indices, _ = assign_to_themes(vectors, matrix)
                session.execute(
                    update(ThemeAssignment),
                    [
                        {
                            "id": row[0],
                            "theme_id": themes[int(i)].id if i >= 0 else None,
                            "not_relevant": False,
                            "moved_by_hand": False,
                        }
                        for row, i in zip(rows, indices, strict=True)
                    ],
                )
        _recompute(session, set_id)
        audit.record(
            session,
            actor,
            "mark_not_relevant" if not_relevant else "mark_relevant",
            "theme_set",
            set_id,
            None,
            {"answers": sorted(wanted)},
        )


def seed_theme(
    db: Database,
    actor: Actor,
    set_id: int,
    example_answer_ids: Sequence[int],
    label: str,
    *,
    expected_version: int,
    top_theme_id: int | None = None,
    new_top_theme: bool = False,
) -> tuple[int, int]:
    """Start a theme from example answers; other answers join it when they are nearer to it
    than to their own theme (answers moved by hand stay where they are).

    The new sub-theme goes under ``top_theme_id``, or by default under the top-level theme
    whose centre is nearest the examples; with ``new_top_theme`` it starts a top-level theme of
    its own, with the same name. Returns the new theme's id and how many answers it holds.
    """
    require(actor, Permission.ANALYSE_SURVEYS)
    cleaned = _clean_label(label)
    examples = list(dict.fromkeys(example_answer_ids))
    if not examples:
        raise InputError("Choose one or more example answers for the new theme.")
    with db.transaction() as session:
        _lock_set(session, set_id, expected_version)
        themes = _set_themes(session, set_id)
        if cleaned.casefold() in {t.label.casefold() for t in themes}:
            raise InputError(f"Another theme is already called '{cleaned}'. Choose another name.")
        rows = session.execute(
            select(
                ThemeAssignment.id,
                ThemeAssignment.answer_id,
                ThemeAssignment.theme_id,
                ThemeAssignment.confidence,
                ThemeAssignment.moved_by_hand,
                ThemeAssignment.not_relevant,
                SurveyAnswer.embedding,
                SurveyAnswer.text,
            )
            .join(SurveyAnswer, SurveyAnswer.id == ThemeAssignment.answer_id)
            .where(ThemeAssignment.theme_set_id == set_id)
        ).all()
        by_answer = {row[1]: row for row in rows}
        missing = [a for a in examples if a not in by_answer]
        if missing:
            raise NotFound("Some example answers are not in this theme set. Reload the page.")
        example_vectors = [_vector(by_answer[a][6]) for a in examples]
        if any(v is None for v in example_vectors) or not all(
            is_usable(by_answer[a][7]) for a in examples
        ):
            raise InputError("Choose example answers that have words in them.")
        centre = normalise_rows(
            np.vstack([v for v in example_vectors if v is not None]).mean(axis=0, keepdims=True)
        )[0]
        parent = _seed_parent(session, set_id, centre, cleaned, top_theme_id, new_top_theme)
        created = Theme(
            theme_set_id=set_id,
            label=cleaned,
            top_terms=[],
            position=len(themes),
            centroid=_bytes(centre),
            renamed=True,
            top_theme_id=parent,
        )
        session.add(created)
        session.flush()
        joins = []
        for assignment_id, answer_id, theme_id, confidence, by_hand, irrelevant, data, _ in rows:
            if answer_id in examples:
                joins.append(
                    {
                        "id": assignment_id,
                        "theme_id": created.id,
                        "moved_by_hand": True,
                        "not_relevant": False,
                        "needs_review": False,
                    }
                )
                continue
            if by_hand or irrelevant or theme_id is None:
                continue
            vector = _vector(data)
            if vector is None or len(vector) != len(centre):
                continue
            similarity = float(normalise_rows(vector[None, :])[0] @ centre)
            if similarity > float(confidence or 0.0):
                joins.append({"id": assignment_id, "theme_id": created.id})
        session.execute(update(ThemeAssignment), joins)
        session.expire_all()
        _recompute(session, set_id, relabel_tops=[parent] if parent is not None else [])
        audit.record(
            session,
            actor,
            "seed_theme",
            "theme",
            created.id,
            None,
            {"label": cleaned, "examples": examples, "size": len(joins)},
        )
        return created.id, len(joins)


def _refuse_taken_top_label(label: str, taken: set[str]) -> None:
    if label.casefold() in {other.casefold() for other in taken}:
        raise InputError(
            f"Another top-level theme is already called '{label}'. Choose another name."
        )


def _seed_parent(
    session: Session,
    set_id: int,
    centre: npt.NDArray[np.float32],
    label: str,
    top_theme_id: int | None,
    new_top_theme: bool,
) -> int | None:
    """The top-level theme a seeded sub-theme goes under (see :func:`seed_theme`)."""
    tops = _set_top_themes(session, set_id)
    if new_top_theme:
        _refuse_taken_top_label(label, {t.label for t in tops})
        created = TopTheme(
            theme_set_id=set_id,
            label=label,
            top_terms=[],
            position=len(tops),
            centroid=_bytes(centre),
            renamed=True,
        )
        session.add(created)
        session.flush()
        return created.id
    if top_theme_id is not None:
        return _top_in_set(session, set_id, top_theme_id).id
    centres = [_vector(t.centroid) for t in tops]
    usable = [(t, c) for t, c in zip(tops, centres, strict=True) if c is not None]
    if not usable or any(len(c) != len(centre) for _, c in usable):
        return tops[0].id if tops else None
    indices, _ = assign_to_themes(centre[None, :], np.vstack([c for _, c in usable]))
    return usable[int(indices[0])][0].id if indices[0] >= 0 else usable[0][0].id
