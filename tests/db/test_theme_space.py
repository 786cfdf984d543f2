"""The TF-IDF fallback keeps one fixed, versioned space per theme set (SQLite and PostgreSQL)."""

from __future__ import annotations

import numpy as np
from sqlalchemy import select, update

from tests.db.test_surveys import MAPPING, TOPICS, imported, survey_csv, world
from tests.factories import World
from ue_core.db.models import SurveyAnswer, Theme, ThemeAssignment, ThemeSet
from ue_core.services.surveys import imports, theme_sets
from ue_core.themes import TFIDF_LSA, embed_texts
from ue_core.themes.embedding import LSA_SPACE_VERSION

__all__ = ["world"]

ORIGINAL = [t for topic in TOPICS.values() for t in topic for _ in range(2)]


def approved_set(world: World) -> tuple[int, int, int]:
    consultant = world.actor("consultant")
    survey_id, question_id = imported(world)
    set_id = theme_sets.find_themes(world.db, consultant, question_id, 4, expected_current=None)
    theme_sets.approve(world.db, consultant, set_id, expected_version=1)
    return survey_id, question_id, set_id


def add(world: World, survey_id: int, texts: list[str], start: int) -> None:
    raw = imports.read_file(survey_csv(texts, start=start), "later.csv")
    imports.add_responses(world.db, world.actor("consultant"), survey_id, raw, MAPPING)


def stored(world: World, texts: list[str]) -> dict[str, np.ndarray]:
    with world.db.read() as session:
        rows = session.execute(
            select(SurveyAnswer.text, SurveyAnswer.embedding).where(SurveyAnswer.text.in_(texts))
        ).all()
    return {text: np.frombuffer(data, dtype=np.float32) for text, data in rows}


def centre_dims(world: World, set_id: int) -> set[int]:
    with world.db.read() as session:
        centres = session.scalars(select(Theme.centroid).where(Theme.theme_set_id == set_id))
        return {len(np.frombuffer(c, dtype=np.float32)) for c in centres if c is not None}


def test_answers_added_after_approval_are_coded_in_the_theme_sets_own_space(
    world: World,
) -> None:
    survey_id, _, set_id = approved_set(world)
    with world.db.read() as session:
        space = session.get(ThemeSet, set_id).embedding_space  # type: ignore[union-attr]
    assert space is not None and space.startswith(f"{TFIDF_LSA}/v{LSA_SPACE_VERSION}/")
    first = ["Managers give engagement no priority at all", "No time to contact our users"]
    second = ["The survey response rate is far too low", "Senior leaders never back engagement"]
    add(world, survey_id, first, 500)
    add(world, survey_id, second, 600)
    # Every later answer is in the space fitted to the answers the themes were found in, not
    # in a space refitted as answers arrive.
    expected, _ = embed_texts(first + second, backend=TFIDF_LSA, fit_texts=ORIGINAL)
    vectors = stored(world, first + second)
    for text, vector in zip(first + second, expected, strict=True):
        assert np.allclose(vectors[text], vector, atol=1e-5)
        assert np.linalg.norm(vectors[text]) > 0.5  # no zero vectors
    assert centre_dims(world, set_id) == {len(expected[0])}
    with world.db.read() as session:
        assert session.get(ThemeSet, set_id).embedding_space == space  # type: ignore[union-attr]
        themed = session.scalars(
            select(ThemeAssignment.theme_id)
            .join(SurveyAnswer, SurveyAnswer.id == ThemeAssignment.answer_id)
            .where(SurveyAnswer.text.in_(first + second))
        ).all()
    assert len(themed) == 4 and None not in themed


def test_a_theme_set_from_another_space_version_is_re_embedded_before_coding(
    world: World,
) -> None:
    survey_id, question_id, set_id = approved_set(world)
    # As if the set was found with an older recipe whose vectors had 5 dimensions.
    old = np.full(5, 0.2, dtype=np.float32).tobytes()
    with world.db.transaction() as session:
        session.execute(
            update(ThemeSet)
            .where(ThemeSet.id == set_id)
            .values(space_version=LSA_SPACE_VERSION - 1, embedding_space="tfidf-lsa/old")
        )
        session.execute(
            update(SurveyAnswer)
            .where(SurveyAnswer.question_id == question_id)
            .values(embedding=old, embedding_space="tfidf-lsa/old")
        )
        session.execute(update(Theme).where(Theme.theme_set_id == set_id).values(centroid=old))
    later = ["Not enough time before each release", "We cannot contact users"]
    add(world, survey_id, later, 700)
    with world.db.read() as session:
        theme_set = session.get(ThemeSet, set_id)
        assert theme_set is not None
        assert theme_set.space_version == LSA_SPACE_VERSION
        assert theme_set.embedding_space not in (None, "tfidf-lsa/old")
        spaces = set(
            session.scalars(
                select(SurveyAnswer.embedding_space).where(SurveyAnswer.question_id == question_id)
            )
        )
        assert spaces == {theme_set.embedding_space}
        new_themes = session.scalars(
            select(ThemeAssignment.theme_id)
            .join(SurveyAnswer, SurveyAnswer.id == ThemeAssignment.answer_id)
            .where(SurveyAnswer.text.in_(later))
        ).all()
    expected, _ = embed_texts(later, backend=TFIDF_LSA, fit_texts=ORIGINAL)
    vectors = stored(world, later + ORIGINAL[:1])
    assert {len(v) for v in vectors.values()} == {len(expected[0])}
    assert all(np.linalg.norm(v) > 0.5 for v in vectors.values())
    assert centre_dims(world, set_id) == {len(expected[0])}
    assert None not in new_themes and len(new_themes) == 2
