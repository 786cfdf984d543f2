"""Themes at two levels in the database (issue 14): found, stored, edited at both levels, and
read back the same on a later run of the page; the migration gives old sets a top level."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from tests.db.test_surveys import imported
from tests.factories import World, build_world
from ue_core.db.engine import Database
from ue_core.db.migrate import alembic_config
from ue_core.errors import InputError
from ue_core.services.surveys import (
    exports,
    read_across,
    refine,
    theme_sets,
    top_level_edits,
    views,
)
from ue_core.themes import BACKEND_ENV_VAR, TFIDF_LSA


@pytest.fixture
def world(any_db: Database, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv(BACKEND_ENV_VAR, TFIDF_LSA)
    return build_world(any_db)


def _found(world: World, n_themes: int | None = 4, n_top: int | None = 2) -> views.ThemeSetView:
    consultant = world.actor("consultant")
    _, question_id = imported(world)
    set_id = theme_sets.find_themes(
        world.db, consultant, question_id, n_themes, expected_current=None, n_top_themes=n_top
    )
    return views.theme_set(world.db, consultant, set_id)


def _consistent(view: views.ThemeSetView) -> None:
    tops = {top.id for top in view.top_themes}
    assert all(theme.top_theme_id in tops for theme in view.themes)
    assert all(top.theme_ids for top in view.top_themes)
    assert sorted(t for top in view.top_themes for t in top.theme_ids) == sorted(
        theme.id for theme in view.themes
    )
    for top in view.top_themes:
        assert top.size == sum(view.theme(t).size for t in top.theme_ids)


def test_found_themes_are_stored_at_two_levels(world: World) -> None:
    view = _found(world)
    assert (len(view.themes), len(view.top_themes)) == (4, 2)
    _consistent(view)
    coded = views.coded_answers(world.db, world.actor("consultant"), view.id)
    for answer in coded:
        assert answer.top_theme_id == view.theme(answer.theme_id or 0).top_theme_id
        assert answer.top_theme_label == view.top_theme(answer.top_theme_id or 0).label


def test_suggested_numbers_are_stored(world: World) -> None:
    view = _found(world, None, None)
    assert len(view.themes) >= len(view.top_themes) >= 1
    _consistent(view)


def test_edits_at_both_levels_survive_later_edits_and_a_rerun(world: World) -> None:
    consultant = world.actor("consultant")
    view = _found(world, 4, 2)
    first, second = view.top_themes
    top_level_edits.rename_top_theme(
        world.db, consultant, view.id, first.id, "Lack of capacity", expected_version=view.version
    )
    view = views.theme_set(world.db, consultant, view.id)
    sub = view.themes[0]
    refine.rename_theme(
        world.db, consultant, view.id, sub.id, "No time", expected_version=view.version
    )
    view = views.theme_set(world.db, consultant, view.id)
    # Move a sub-theme of the second top-level theme under the renamed one.
    moved = view.top_theme(second.id).theme_ids[0]
    top_level_edits.move_theme(
        world.db, consultant, view.id, moved, first.id, expected_version=view.version
    )
    view = views.theme_set(world.db, consultant, view.id)
    # A sub-theme edit that recomputes everything keeps both names and the move.
    refine.split_theme(
        world.db,
        consultant,
        view.id,
        view.top_theme(first.id).theme_ids[-1],
        2,
        expected_version=view.version,
    )
    again = views.theme_set(world.db, consultant, view.id)  # what the next run of the page reads
    _consistent(again)
    renamed = again.top_theme(first.id)
    assert renamed.label == "Lack of capacity" and renamed.renamed
    assert again.theme(sub.id).label == "No time"
    assert moved in renamed.theme_ids or second.id not in {t.id for t in again.top_themes}
    # Approving keeps the levels too.
    theme_sets.approve(world.db, consultant, again.id, expected_version=again.version)
    approved = views.theme_set(world.db, consultant, again.id)
    assert approved.top_theme(first.id).label == "Lack of capacity"
    _consistent(approved)


def test_merge_and_split_top_level_themes(world: World) -> None:
    consultant = world.actor("consultant")
    view = _found(world, 4, 3)
    ids = [top.id for top in view.top_themes]
    kept = top_level_edits.merge_top_themes(
        world.db, consultant, view.id, ids[:2], label="Merged", expected_version=view.version
    )
    view = views.theme_set(world.db, consultant, view.id)
    assert len(view.top_themes) == 2 and view.top_theme(kept).label == "Merged"
    _consistent(view)
    parts = top_level_edits.split_top_theme(
        world.db, consultant, view.id, kept, 2, expected_version=view.version
    )
    view = views.theme_set(world.db, consultant, view.id)
    assert len(parts) == 2 and len(view.top_themes) == 3
    _consistent(view)
    with pytest.raises(InputError, match="too few"):
        small = min(view.top_themes, key=lambda t: len(t.theme_ids))
        top_level_edits.split_top_theme(
            world.db,
            consultant,
            view.id,
            small.id,
            len(small.theme_ids) + 1,
            expected_version=view.version,
        )


def test_moving_a_sub_theme_to_a_new_top_level_theme_and_seeding_one(world: World) -> None:
    consultant = world.actor("consultant")
    view = _found(world, 4, 2)
    theme_id = view.themes[0].id
    new_top = top_level_edits.move_theme(
        world.db,
        consultant,
        view.id,
        theme_id,
        None,
        label="Own theme",
        expected_version=view.version,
    )
    view = views.theme_set(world.db, consultant, view.id)
    assert view.top_theme(new_top).theme_ids == (theme_id,)
    assert view.top_theme(new_top).label == "Own theme"
    _consistent(view)
    answers = [a.answer_id for a in views.coded_answers(world.db, consultant, view.id)]
    seeded, _ = refine.seed_theme(
        world.db,
        consultant,
        view.id,
        answers[:2],
        "Seeded",
        expected_version=view.version,
        new_top_theme=True,
    )
    view = views.theme_set(world.db, consultant, view.id)
    top = next(t for t in view.top_themes if seeded in t.theme_ids)
    assert top.label == "Seeded" and top.theme_ids == (seeded,)
    _consistent(view)


def test_exports_and_read_across_carry_the_top_level(world: World) -> None:
    consultant = world.actor("consultant")
    view = _found(world, 4, 2)
    frame = exports.coded_frame(world.db, consultant, view.id)
    assert set(frame["Top-level theme"]) <= {t.label for t in view.top_themes} | {"No theme"}
    across = read_across.read_across(
        world.db, consultant, view.id, "Profession", level=read_across.TOP
    )
    assert across.themes == tuple(t.label for t in view.top_themes)
    html = exports.theme_summary_html(world.db, consultant, view.id)
    assert all(top.label in html for top in view.top_themes)


def test_more_top_level_themes_than_sub_themes_is_refused(world: World) -> None:
    consultant = world.actor("consultant")
    _, question_id = imported(world)
    with pytest.raises(InputError, match="no more top-level themes"):
        theme_sets.find_themes(
            world.db, consultant, question_id, 3, expected_current=None, n_top_themes=5
        )


def test_migration_gives_each_existing_theme_a_top_level_theme(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'levels.db'}"
    config = alembic_config(url)
    command.upgrade(config, "0017")
    engine = create_engine(url)  # plain SQLite: foreign keys are not enforced here
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO theme_set (id, question_id, backend, n_themes, seed, status,"
                " created_at, version) VALUES (7, 1, 'tfidf-lsa', 2, 0, 'approved',"
                " '2026-01-01 09:00:00+00:00', 3)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO theme (id, theme_set_id, label, top_terms, position, renamed)"
                " VALUES (1, 7, 'No time', '[\"time\"]', 0, 1),"
                " (2, 7, 'No budget', '[]', 1, 0)"
            )
        )
    command.upgrade(config, "0021")
    with engine.connect() as conn:
        tops = conn.execute(
            text("SELECT id, theme_set_id, label, position, renamed FROM top_theme ORDER BY id")
        ).all()
        links = conn.execute(text("SELECT id, top_theme_id FROM theme ORDER BY id")).all()
    assert [tuple(t)[1:] for t in tops] == [(7, "No time", 0, 1), (7, "No budget", 1, 0)]
    assert [tuple(link) for link in links] == [(1, tops[0][0]), (2, tops[1][0])]
    command.downgrade(config, "0017")
    command.upgrade(config, "head")
    engine.dispose()


def test_finding_themes_again_names_renamed_top_level_themes_among_the_losses(
    world: World,
) -> None:
    consultant = world.actor("consultant")
    view = _found(world, 4, 2)
    top_level_edits.rename_top_theme(
        world.db,
        consultant,
        view.id,
        view.top_themes[0].id,
        "Lack of capacity",
        expected_version=view.version,
    )
    edits = theme_sets.draft_edits(world.db, consultant, view.question_id)
    assert edits is not None and "Lack of capacity" in edits.renamed
