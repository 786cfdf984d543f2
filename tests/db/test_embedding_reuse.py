"""Stored embeddings of identical answers are reused across surveys (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from sqlalchemy import select, update

from tests.db.test_surveys import MAPPING, survey_csv
from tests.factories import World, build_world
from ue_core.db.engine import Database
from ue_core.db.models import SurveyAnswer
from ue_core.services.surveys import embeddings, imports, views
from ue_core.themes import BACKEND_ENV_VAR, MINILM_ONNX, backend_status, embed_texts
from ue_core.themes import embedding as embedding_module

pytestmark = pytest.mark.skipif(
    backend_status()[MINILM_ONNX] is not None, reason="the MiniLM ONNX model is not installed"
)

FIRST = [
    "We do not have enough time to talk to users",
    "Our user survey gets a very low response rate",
    "Senior managers do not see engagement as a priority",
    "We have no list of users and cannot contact them",
]
#: The same answers as the model reads them (case and spacing differ), and two new ones.
SECOND = [
    "we do not have  enough time to talk to USERS",
    "Our user survey gets a very low response rate",
    "Senior managers do not see engagement as a priority",
    "Nobody reads the release notes we publish",
    "The statistics are too late to be useful",
]


@pytest.fixture
def world(any_db: Database, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv(BACKEND_ENV_VAR, MINILM_ONNX)
    return build_world(any_db)


@pytest.fixture
def model_inputs(monkeypatch: pytest.MonkeyPatch) -> list[Sequence[int]]:
    """Every word-piece sequence the MiniLM model is run on during the test."""
    model = embedding_module._load_model(MINILM_ONNX)
    assert isinstance(model, embedding_module._OnnxMiniLM)
    seen: list[Sequence[int]] = []
    original = model.run

    def counting(batch: Sequence[Sequence[int]]) -> embedding_module.FloatMatrix:
        seen.extend(batch)
        return original(batch)

    monkeypatch.setattr(model, "run", counting)
    return seen


def import_question(world: World, texts: list[str], title: str, start: int) -> int:
    consultant = world.actor("consultant")
    raw = imports.read_file(survey_csv(texts, start=start), "survey.csv")
    result = imports.import_survey(world.db, consultant, raw, MAPPING, title)
    return views.get_survey(world.db, consultant, result.survey_id).free_text_questions[0].id


def stored(world: World, question_id: int) -> dict[str, tuple[np.ndarray, str | None]]:
    with world.db.read() as session:
        rows = session.execute(
            select(SurveyAnswer.text, SurveyAnswer.embedding, SurveyAnswer.embedding_key).where(
                SurveyAnswer.question_id == question_id
            )
        ).all()
    return {text: (np.frombuffer(data or b"", dtype=np.float32), key) for text, data, key in rows}


def test_a_second_survey_with_the_same_answers_embeds_only_the_new_ones(
    world: World, model_inputs: list[Sequence[int]]
) -> None:
    consultant = world.actor("consultant")
    first = import_question(world, FIRST, "Spring survey", 1)
    assert embeddings.ensure_embeddings(world.db, consultant, first) == MINILM_ONNX
    assert len(model_inputs) == len(FIRST)
    model_inputs.clear()

    second = import_question(world, SECOND, "Autumn survey", 100)
    embeddings.ensure_embeddings(world.db, consultant, second)
    # Only the two answers no survey had before went through the model.
    assert len(model_inputs) == 2
    old, new = stored(world, first), stored(world, second)
    assert np.array_equal(new[SECOND[0]][0], old[FIRST[0]][0])
    assert new[SECOND[0]][1] == old[FIRST[0]][1] is not None
    assert np.array_equal(new[SECOND[1]][0], old[FIRST[1]][0])
    # Every vector is the one the model gives the answer on its own.
    expected, _ = embed_texts(SECOND, backend=MINILM_ONNX)
    for text, vector in zip(SECOND, expected, strict=True):
        assert np.allclose(new[text][0], vector, atol=1e-6)
    model_inputs.clear()
    # Checking again embeds nothing.
    embeddings.ensure_embeddings(world.db, consultant, second)
    assert model_inputs == []


def test_answers_embedded_before_keys_were_kept_get_a_key_and_are_reused(
    world: World, model_inputs: list[Sequence[int]]
) -> None:
    consultant = world.actor("consultant")
    first = import_question(world, FIRST, "Spring survey", 1)
    embeddings.ensure_embeddings(world.db, consultant, first)
    keys = {text: key for text, (_, key) in stored(world, first).items()}
    with world.db.transaction() as session:
        session.execute(
            update(SurveyAnswer).where(SurveyAnswer.question_id == first).values(embedding_key=None)
        )
    model_inputs.clear()
    # Checking the old question fills the keys in without running the model.
    embeddings.ensure_embeddings(world.db, consultant, first)
    assert model_inputs == []
    assert {text: key for text, (_, key) in stored(world, first).items()} == keys
    second = import_question(world, SECOND, "Autumn survey", 100)
    embeddings.ensure_embeddings(world.db, consultant, second)
    assert len(model_inputs) == 2


def test_vectors_of_another_backend_are_not_reused(
    world: World, model_inputs: list[Sequence[int]]
) -> None:
    consultant = world.actor("consultant")
    first = import_question(world, FIRST, "Spring survey", 1)
    embeddings.ensure_embeddings(world.db, consultant, first)
    with world.db.transaction() as session:
        session.execute(
            update(SurveyAnswer)
            .where(SurveyAnswer.question_id == first)
            .values(embedding_backend="minilm-torch")
        )
    model_inputs.clear()
    second = import_question(world, SECOND, "Autumn survey", 100)
    embeddings.ensure_embeddings(world.db, consultant, second)
    assert len(model_inputs) == len(SECOND)
