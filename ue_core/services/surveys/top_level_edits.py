"""Refining a theme set's top level by hand: rename, merge and split top-level themes, and move
a sub-theme under another (or a new) top-level theme. Sub-theme edits are in ``refine``; both
work out the changed themes' centres, terms and labels again with its helpers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sqlalchemy import func, select, update

from ue_core import audit
from ue_core.authz import Actor, Permission, require
from ue_core.db.engine import Database
from ue_core.db.models import (
    Theme,
    ThemeAssignment,
    TopTheme,
)
from ue_core.errors import InputError
from ue_core.services.surveys._shared import (
    _lock_set,
    _set_themes,
    _set_top_themes,
    _vector,
)
from ue_core.services.surveys.refine import (
    _clean_label,
    _recompute,
    _refuse_taken_top_label,
    _seed_parent,
    _theme_in_set,
    _top_in_set,
)
from ue_core.themes.clustering import group_sub_themes


def rename_top_theme(
    db: Database,
    actor: Actor,
    set_id: int,
    top_theme_id: int,
    label: str,
    *,
    expected_version: int,
) -> None:
    """Name a top-level theme (the name then stays through later edits)."""
    require(actor, Permission.ANALYSE_SURVEYS)
    cleaned = _clean_label(label)
    with db.transaction() as session:
        _lock_set(session, set_id, expected_version)
        top = _top_in_set(session, set_id, top_theme_id)
        _refuse_taken_top_label(
            cleaned, {t.label for t in _set_top_themes(session, set_id) if t.id != top_theme_id}
        )
        before = top.label
        top.label, top.renamed = cleaned, True
        audit.record(
            session,
            actor,
            "rename_top_theme",
            "top_theme",
            top_theme_id,
            {"label": before},
            {"label": cleaned},
        )


def merge_top_themes(
    db: Database,
    actor: Actor,
    set_id: int,
    top_theme_ids: Sequence[int],
    *,
    expected_version: int,
    label: str | None = None,
) -> int:
    """Put the sub-themes of two or more top-level themes under the first; returns its id."""
    require(actor, Permission.ANALYSE_SURVEYS)
    chosen = list(dict.fromkeys(top_theme_ids))
    if len(chosen) < 2:
        raise InputError("Choose two or more top-level themes to merge.")
    cleaned = _clean_label(label) if label and label.strip() else None
    with db.transaction() as session:
        _lock_set(session, set_id, expected_version)
        tops = [_top_in_set(session, set_id, top_id) for top_id in chosen]
        keep = tops[0]
        if cleaned is not None:
            _refuse_taken_top_label(
                cleaned, {t.label for t in _set_top_themes(session, set_id) if t.id not in chosen}
            )
        session.execute(
            update(Theme)
            .where(Theme.theme_set_id == set_id, Theme.top_theme_id.in_(chosen[1:]))
            .values(top_theme_id=keep.id)
            .execution_options(synchronize_session=False)
        )
        before = [t.label for t in tops]
        if cleaned is not None:
            keep.label, keep.renamed = cleaned, True
        else:
            keep.renamed = False
        session.flush()
        session.expire_all()
        _recompute(session, set_id, relabel_tops=[keep.id])
        kept = _top_in_set(session, set_id, keep.id)
        audit.record(
            session,
            actor,
            "merge_top_themes",
            "top_theme",
            kept.id,
            {"labels": before},
            {"label": kept.label},
        )
        return kept.id


def move_theme(
    db: Database,
    actor: Actor,
    set_id: int,
    theme_id: int,
    to_top_theme_id: int | None,
    *,
    expected_version: int,
    label: str | None = None,
) -> int:
    """Move a sub-theme under another top-level theme, or (``to_top_theme_id`` None) under a
    new top-level theme called ``label``. Returns the top-level theme's id."""
    require(actor, Permission.ANALYSE_SURVEYS)
    cleaned = _clean_label(label or "") if to_top_theme_id is None else None
    with db.transaction() as session:
        _lock_set(session, set_id, expected_version)
        theme = _theme_in_set(session, set_id, theme_id)
        before = theme.top_theme_id
        if to_top_theme_id is None:
            assert cleaned is not None
            target = _seed_parent(session, set_id, np.zeros(0, np.float32), cleaned, None, True)
            assert target is not None
        else:
            target = _top_in_set(session, set_id, to_top_theme_id).id
        if target == before:
            raise InputError("That sub-theme is already under that top-level theme.")
        theme.top_theme_id = target
        session.flush()
        session.expire_all()
        _recompute(session, set_id, relabel_tops=[t for t in (before, target) if t is not None])
        audit.record(
            session,
            actor,
            "move_theme",
            "theme",
            theme_id,
            {"top_theme_id": before},
            {"top_theme_id": target},
        )
        return target


def split_top_theme(
    db: Database,
    actor: Actor,
    set_id: int,
    top_theme_id: int,
    parts: int,
    *,
    expected_version: int,
) -> list[int]:
    """Split a top-level theme into ``parts`` by grouping its sub-themes again (Ward's
    clustering of their centres, weighted by size). Returns the parts' ids, the kept one first."""
    require(actor, Permission.ANALYSE_SURVEYS)
    if not 2 <= parts <= 10:
        raise InputError("Split a top-level theme into 2 to 10 top-level themes.")
    with db.transaction() as session:
        theme_set = _lock_set(session, set_id, expected_version)
        top = _top_in_set(session, set_id, top_theme_id)
        children = [t for t in _set_themes(session, set_id) if t.top_theme_id == top.id]
        if len(children) < parts:
            raise InputError(
                f"This top-level theme has {len(children)} sub-themes, too few to split into "
                f"{parts}. Split one of its sub-themes first."
            )
        sizes = dict(
            session.execute(
                select(ThemeAssignment.theme_id, func.count())
                .where(
                    ThemeAssignment.theme_set_id == set_id,
                    ThemeAssignment.theme_id.in_([t.id for t in children]),
                )
                .group_by(ThemeAssignment.theme_id)
            ).all()
        )
        vectors = [_vector(t.centroid) for t in children]
        if any(v is None for v in vectors):
            raise InputError("These sub-themes have no centres yet. Find themes again first.")
        groups = group_sub_themes(
            np.vstack([v for v in vectors if v is not None]),
            [max(1, int(sizes.get(t.id, 0))) for t in children],
            parts,
            theme_set.seed,
        )
        new_ids = [top.id]
        top.renamed = False
        for _ in range(1, int(groups.max()) + 1):
            created = TopTheme(
                theme_set_id=set_id, label="", top_terms=[], position=top.position, renamed=False
            )
            session.add(created)
            session.flush()
            new_ids.append(created.id)
        for child, group in zip(children, groups, strict=True):
            child.top_theme_id = new_ids[int(group)]
        session.flush()
        session.expire_all()
        _recompute(session, set_id, relabel_tops=new_ids)
        audit.record(
            session,
            actor,
            "split_top_theme",
            "top_theme",
            top_theme_id,
            None,
            {"parts": len(new_ids)},
        )
        return new_ids
