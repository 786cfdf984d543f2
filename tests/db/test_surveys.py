"""Survey service on SQLite and PostgreSQL: import, themes, refining, approval, read-across."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from typing import Any

import numpy as np
import pytest
from sqlalchemy import func, select

from tests.factories import World, build_world
from ue_core.authz import AccessDenied
from ue_core.db.engine import Database
from ue_core.db.models import Survey, SurveyAnswer, SurveyResponse, ThemeAssignment
from ue_core.errors import ConflictError, InputError
from ue_core.services.surveys import (
    embeddings,
    exports,
    imports,
    read_across,
    refine,
    theme_sets,
    views,
    you_said_we_did,
)
from ue_core.survey_import import ColumnMapping, preview
from ue_core.themes import BACKEND_ENV_VAR, TFIDF_LSA, embed_texts

TOPICS = {
    "time": [
        "We do not have enough time to talk to users around each release",
        "No time: the production timetable leaves no time for engagement",
        "Time pressure from publication deadlines means engagement is dropped",
        "Lack of time and staff to run user events",
        "There is never enough time before the release to ask users",
    ],
    "contact": [
        "We do not know who our users are or how to contact them",
        "Finding contact details for users is hard; we have no mailing list",
        "We have no list of users and cannot contact them",
        "Hard to find users to contact beyond the usual government colleagues",
        "No mailing list, so we cannot contact people who download the data",
    ],
    "survey": [
        "Our user survey gets a very low response rate",
        "Low response to the feedback survey makes the results hard to use",
        "Survey response rates are low and falling each year",
        "The online survey had only a handful of responses",
        "Very low survey response, people do not fill in the survey",
    ],
    "senior": [
        "Senior managers do not see engagement as a priority",
        "No support from senior leaders for engagement work",
        "Managers see engagement as optional and not a priority",
        "Senior leadership does not prioritise talking to users",
        "Lack of senior buy-in for user engagement",
    ],
}
PROFESSIONS = ["Statistician", "Statistician", "Statistician", "Researcher", "Economist"]


def survey_csv(texts: list[str] | None = None, start: int = 1) -> bytes:
    rows = ["Respondent ID,Profession,What are the barriers?"]
    answers = texts or [t for topic in TOPICS.values() for t in topic for _ in range(2)]
    for offset, text in enumerate(answers):
        profession = PROFESSIONS[offset % len(PROFESSIONS)]
        rows.append(f'R{start + offset},{profession},"{text}"')
    return ("\n".join(rows) + "\n").encode()


MAPPING = ColumnMapping("Respondent ID", ["What are the barriers?"], ["Profession"])


@pytest.fixture
def world(any_db: Database, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv(BACKEND_ENV_VAR, TFIDF_LSA)
    return build_world(any_db)


def saved_rows(db: Database) -> tuple[int, int, int]:
    with db.read() as session:
        return (
            session.scalar(select(func.count()).select_from(Survey)) or 0,
            session.scalar(select(func.count()).select_from(SurveyResponse)) or 0,
            session.scalar(select(func.count()).select_from(SurveyAnswer)) or 0,
        )


def imported(world: World, data: bytes | None = None) -> tuple[int, int]:
    """Import the topic survey; returns the survey id and the free-text question id."""
    consultant = world.actor("consultant")
    raw = imports.read_file(data or survey_csv(), "survey.csv")
    result = imports.import_survey(world.db, consultant, raw, MAPPING, "Barriers survey")
    survey = views.get_survey(world.db, consultant, result.survey_id)
    return result.survey_id, survey.free_text_questions[0].id


def _xlsx_without_text() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("something.txt", "not a spreadsheet")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "mapping", "message"),
    [
        (b"", "empty.csv", None, "The file is empty"),
        (
            b"Respondent ID,Profession\n1,Statistician\n2,Economist\n",
            "closed.csv",
            None,
            "No column has free text",
        ),
        (
            survey_csv(["We lack time", "No users"]).replace(b"R2,", b"R1,"),
            "dupes.csv",
            MAPPING,
            "Respondent ID 'R1' appears more than once (rows 2 and 3)",
        ),
        (b"\x00\x01\x02\x03" * 400, "binary.csv", None, "binary data"),
        (_xlsx_without_text(), "broken.xlsx", None, "not a spreadsheet"),
        (
            b"ID,Comment\n1,\n2,\n",
            "blank.csv",
            ColumnMapping("ID", ["Comment"]),
            "none of the chosen questions has answers",
        ),
    ],
    ids=[
        "empty",
        "no-text-column",
        "duplicate-ids",
        "unreadable",
        "not-a-spreadsheet",
        "blank-answers",
    ],
)
def test_a_bad_file_gives_a_specific_message_and_saves_nothing(
    world: World, data: bytes, filename: str, mapping: ColumnMapping | None, message: str
) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        imports.import_survey_file(
            world.db, world.actor("consultant"), data, filename, "Bad", mapping
        )
    assert saved_rows(world.db) == (0, 0, 0)


def test_a_too_large_file_is_refused(world: World) -> None:
    big = survey_csv() + b"x" * (21 * 1024 * 1024)
    with pytest.raises(InputError, match="larger than 20 MB"):
        imports.import_survey_file(world.db, world.actor("consultant"), big, "big.csv", "Big")
    assert saved_rows(world.db) == (0, 0, 0)


def test_a_problem_found_while_saving_rolls_everything_back(world: World) -> None:
    long_id = "R" * 200
    data = survey_csv(["We lack time", "No users"]).replace(b"R2,", f"{long_id},".encode())
    with pytest.raises(InputError, match="Row 3: the respondent ID is longer"):
        imports.import_survey_file(world.db, world.actor("consultant"), data, "s.csv", "S", MAPPING)
    assert saved_rows(world.db) == (0, 0, 0)


def test_import_stores_redacted_answers_and_counts_what_was_removed(world: World) -> None:
    texts = [
        "Email me at someone@example.org about the survey",
        "Call 020 7946 0000 or see https://example.org/page",
        "   ",
    ]
    survey_id, _ = imported(world, survey_csv(texts))
    survey = views.get_survey(world.db, world.actor("consultant"), survey_id)
    assert survey.response_count == 3
    assert survey.redaction_counts["email"] == 1
    assert survey.redaction_counts["url"] == 1
    assert survey.redaction_counts["phone"] == 1
    assert [q.column_name for q in survey.closed_questions] == ["Profession"]
    with world.db.read() as session:
        stored = list(session.scalars(select(SurveyAnswer.text).order_by(SurveyAnswer.id)))
    assert len(stored) == 2  # the blank answer is not stored
    assert "someone@example.org" not in " ".join(stored)
    assert "[email]" in stored[0]


def test_only_hub_consultants_can_import_or_see_surveys(world: World) -> None:
    for who in ("member", "lead", "champion", "admin"):
        with pytest.raises(AccessDenied):
            imports.import_survey_file(world.db, world.actor(who), survey_csv(), "s.csv", "S")
        with pytest.raises(AccessDenied):
            views.list_surveys(world.db, world.actor(who))
    assert saved_rows(world.db) == (0, 0, 0)


def test_themes_are_deterministic_and_embeddings_are_computed_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    consultant = world.actor("consultant")
    _, question_id = imported(world)
    first = theme_sets.find_themes(world.db, consultant, question_id, 4, expected_current=None)
    coded_first = {
        a.answer_id: a.theme_label for a in views.coded_answers(world.db, consultant, first)
    }
    with world.db.read() as session:
        stored = dict(session.execute(select(SurveyAnswer.id, SurveyAnswer.embedding)).all())

    calls: list[int] = []

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return embed_texts(*args, **kwargs)

    monkeypatch.setattr(embeddings, "embed_texts", counting)
    second = theme_sets.find_themes(
        world.db, consultant, question_id, 4, expected_current=(first, 1)
    )
    assert calls == []  # stored embeddings were reused
    coded_second = {
        a.answer_id: a.theme_label for a in views.coded_answers(world.db, consultant, second)
    }
    assert coded_first == coded_second
    with world.db.read() as session:
        again = dict(session.execute(select(SurveyAnswer.id, SurveyAnswer.embedding)).all())
    assert again == stored
    # The earlier draft was replaced, not kept beside the new one.
    view = views.current_theme_set(world.db, consultant, question_id)
    assert view is not None and view.id == second
    assert sum(t.size for t in view.themes) == 40
    assert all(t.representatives for t in view.themes)
    assert all(len(t.representatives) <= views.REPRESENTATIVES for t in view.themes)


def current(world: World, question_id: int) -> views.ThemeSetView:
    view = views.current_theme_set(world.db, world.actor("consultant"), question_id)
    assert view is not None
    return view


def test_rename_is_saved_and_a_stale_version_is_refused(world: World) -> None:
    consultant = world.actor("consultant")
    _, question_id = imported(world)
    set_id = theme_sets.find_themes(world.db, consultant, question_id, 4, expected_current=None)
    view = current(world, question_id)
    theme = view.themes[0]
    refine.rename_theme(
        world.db,
        consultant,
        set_id,
        theme.id,
        "  Not enough   time ",
        expected_version=view.version,
    )
    after = current(world, question_id)
    assert after.theme(theme.id).label == "Not enough time"
    assert after.theme(theme.id).renamed
    assert after.version == view.version + 1
    with pytest.raises(ConflictError):
        refine.rename_theme(
            world.db, consultant, set_id, theme.id, "Other", expected_version=view.version
        )
    with pytest.raises(InputError, match="already called"):
        refine.rename_theme(
            world.db,
            consultant,
            set_id,
            after.themes[1].id,
            "not enough time",
            expected_version=after.version,
        )
    assert current(world, question_id).theme(theme.id).label == "Not enough time"


def test_merge_split_move_not_relevant_and_seed(world: World) -> None:
    consultant = world.actor("consultant")
    _, question_id = imported(world)
    set_id = theme_sets.find_themes(world.db, consultant, question_id, 4, expected_current=None)
    view = current(world, question_id)
    a, b = view.themes[0], view.themes[1]

    kept = refine.merge_themes(
        world.db, consultant, set_id, [a.id, b.id], label="Merged", expected_version=view.version
    )
    view = current(world, question_id)
    assert len(view.themes) == 3
    assert view.theme(kept).size == a.size + b.size
    assert view.theme(kept).label == "Merged"
    with pytest.raises(InputError, match="two or more"):
        refine.merge_themes(world.db, consultant, set_id, [kept], expected_version=view.version)

    parts = refine.split_theme(world.db, consultant, set_id, kept, 2, expected_version=view.version)
    view = current(world, question_id)
    assert len(parts) == 2 and len(view.themes) == 4
    assert sum(view.theme(p).size for p in parts) == a.size + b.size
    assert sum(t.size for t in view.themes) == 40

    coded = views.coded_answers(world.db, consultant, set_id)
    mover = next(c for c in coded if c.theme_id != parts[0])
    refine.move_answers(
        world.db, consultant, set_id, [mover.answer_id], parts[0], expected_version=view.version
    )
    moved = {c.answer_id: c for c in views.coded_answers(world.db, consultant, set_id)}
    assert moved[mover.answer_id].theme_id == parts[0]
    assert moved[mover.answer_id].moved_by_hand

    view = current(world, question_id)
    refine.set_not_relevant(
        world.db, consultant, set_id, [mover.answer_id], expected_version=view.version
    )
    view = current(world, question_id)
    assert view.not_relevant_count == 1
    assert sum(t.size for t in view.themes) == 39
    refine.set_not_relevant(
        world.db, consultant, set_id, [mover.answer_id], False, expected_version=view.version
    )
    view = current(world, question_id)
    assert view.not_relevant_count == 0

    senior = [c.answer_id for c in coded if "senior" in c.text.lower()][:2]
    new_id, size = refine.seed_theme(
        world.db, consultant, set_id, senior, "Senior support", expected_version=view.version
    )
    view = current(world, question_id)
    assert view.theme(new_id).label == "Senior support"
    assert view.theme(new_id).size == size >= 2
    after = {c.answer_id: c for c in views.coded_answers(world.db, consultant, set_id)}
    assert all(after[answer].theme_id == new_id for answer in senior)


def test_approved_themes_are_given_to_later_answers_with_a_review_queue(world: World) -> None:
    consultant = world.actor("consultant")
    survey_id, question_id = imported(world)
    set_id = theme_sets.find_themes(world.db, consultant, question_id, 4, expected_current=None)
    view = current(world, question_id)
    theme_sets.approve(world.db, consultant, set_id, expected_version=view.version)
    assert current(world, question_id).status == views.APPROVED

    later = [
        "There is never enough time to engage before the release",
        "Our survey response rate is very low",
        "Parking at the office is expensive",
    ]
    raw = imports.read_file(survey_csv(later, start=100), "later.csv")
    result = imports.add_responses(world.db, consultant, survey_id, raw, MAPPING)
    assert result.responses == 3 and result.assigned == 3
    coded = {c.text: c for c in views.coded_answers(world.db, consultant, set_id)}
    for text in later[:2]:
        assert coded[text].theme_id is not None
        assert coded[text].confidence is not None
    time_theme = coded["No time: the production timetable leaves no time for engagement"]
    assert coded[later[0]].theme_id == time_theme.theme_id
    assert not coded[later[0]].needs_review
    assert coded[later[2]].needs_review
    queue = theme_sets.review_queue(world.db, consultant, set_id)
    assert later[2] in [a.text for a in queue]
    view = current(world, question_id)
    theme_sets.accept_review(
        world.db, consultant, set_id, [a.answer_id for a in queue], expected_version=view.version
    )
    assert theme_sets.review_queue(world.db, consultant, set_id) == []

    # The same respondent cannot be added twice; nothing more is saved.
    before = saved_rows(world.db)
    with pytest.raises(InputError, match="already in this survey"):
        imports.add_responses(world.db, consultant, survey_id, raw, MAPPING)
    assert saved_rows(world.db) == before


def test_read_across_suppresses_counts_under_five(world: World) -> None:
    consultant = world.actor("consultant")
    _, question_id = imported(world)
    set_id = theme_sets.find_themes(world.db, consultant, question_id, 4, expected_current=None)
    across = read_across.read_across(world.db, consultant, set_id, "Profession")
    assert set(across.categories) == {"Statistician", "Researcher", "Economist"}
    assert across.category_totals == {"Statistician": 24, "Researcher": 8, "Economist": 8}
    coded = views.coded_answers(world.db, consultant, set_id)
    for (theme, category), shown in across.counts.items():
        true = sum(
            1
            for c in coded
            if c.theme_label == theme and c.closed_answers["Profession"] == category
        )
        if 0 < true < 5:
            assert shown is None
            assert across.percent[(theme, category)] is None
        elif shown is not None:
            assert shown == true
            assert across.percent[(theme, category)] == pytest.approx(
                100 * true / across.category_totals[category]
            )
    for category in across.categories:
        column = [across.counts[(theme, category)] for theme in across.themes]
        hidden = column.count(None)
        # One hidden count alone could be worked out from the group's total.
        assert hidden != 1 or all(value in (None, 0) for value in column)
    assert across.any_suppressed
    table = across.table()
    assert read_across.SUPPRESSED in set(table["Answers"])
    assert not any(
        str(value).isdigit() and 0 < int(value) < 5 for value in table["Answers"].tolist()
    )


def test_actions_and_exports(world: World) -> None:
    consultant = world.actor("consultant")
    texts = ['=HYPERLINK("http://bad") no time to engage', *TOPICS["time"], *TOPICS["survey"]]
    survey_id, question_id = imported(world, survey_csv(texts))
    set_id = theme_sets.find_themes(world.db, consultant, question_id, 2, expected_current=None)
    view = current(world, question_id)
    action_id = you_said_we_did.add_theme_action(
        world.db, consultant, view.themes[0].id, "Published release-day guidance", "done"
    )
    with pytest.raises(InputError):
        you_said_we_did.add_theme_action(world.db, consultant, view.themes[0].id, " ", "done")
    log = you_said_we_did.action_log(world.db, consultant, survey_id)
    assert [(a.id, a.status_label) for a in log] == [(action_id, "Done")]
    assert "Published release-day guidance" in you_said_we_did.action_log_html(
        world.db, consultant, survey_id
    )
    assert you_said_we_did.action_log_ods(world.db, consultant, survey_id)[:2] == b"PK"

    csv_text = exports.coded_csv(world.db, consultant, set_id).decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text
    assert exports.coded_ods(world.db, consultant, set_id)[:2] == b"PK"
    assert exports.coded_xlsx(world.db, consultant, set_id)[:2] == b"PK"
    html = exports.theme_summary_html(world.db, consultant, set_id)
    assert "Sub-themes by Profession" in html and "<table" in html
    assert "Top-level themes by Profession" in html
    frame = exports.coded_frame(world.db, consultant, set_id)
    assert list(frame.columns[:3]) == ["Respondent ID", "Profession", "Answer"]
    assert len(frame) == len(texts)


def test_suggested_number_comes_from_stored_embeddings(world: World) -> None:
    consultant = world.actor("consultant")
    _, question_id = imported(world)
    n = theme_sets.suggested_n_themes(world.db, consultant, question_id)
    assert 2 <= n <= 12
    set_id = theme_sets.find_themes(world.db, consultant, question_id, expected_current=None)
    assert len(current(world, question_id).themes) == n
    with world.db.read() as session:
        rows = session.scalar(
            select(func.count())
            .select_from(ThemeAssignment)
            .where(ThemeAssignment.theme_set_id == set_id)
        )
    assert rows == 40
    assert np.isfinite(n)
    assert preview(imports.read_file(survey_csv(), "s.csv")).suggested_mapping.respondent_id


def test_published_dates_are_read_as_day_month_year() -> None:
    assert you_said_we_did.parse_published("27 3 2026") == date(2026, 3, 27)
    assert you_said_we_did.parse_published("27/03/2026") == date(2026, 3, 27)
    assert you_said_we_did.parse_published("2026-03-27") == date(2026, 3, 27)
    assert you_said_we_did.parse_published("  ") is None
    with pytest.raises(InputError, match="real date"):
        you_said_we_did.parse_published("31 2 2026")
    with pytest.raises(InputError, match="like 27 3 2026"):
        you_said_we_did.parse_published("next Tuesday")


def test_answers_added_before_approval_are_themed_when_the_themes_are_approved(
    world: World,
) -> None:
    consultant = world.actor("consultant")
    survey_id, question_id = imported(world)
    set_id = theme_sets.find_themes(world.db, consultant, question_id, 4, expected_current=None)
    later = ["Our survey response rate is very low", "We never have time before a release"]
    raw = imports.read_file(survey_csv(later, start=200), "later.csv")
    result = imports.add_responses(world.db, consultant, survey_id, raw, MAPPING)
    assert result.assigned == 0  # nothing is approved yet
    view = current(world, question_id)
    theme_sets.approve(world.db, consultant, set_id, expected_version=view.version)
    coded = {c.text: c for c in views.coded_answers(world.db, consultant, set_id)}
    survey_theme = coded["Our user survey gets a very low response rate"].theme_id
    assert coded[later[0]].theme_id == survey_theme
    assert coded[later[1]].theme_id is not None
    assert current(world, question_id).answer_count == 42
