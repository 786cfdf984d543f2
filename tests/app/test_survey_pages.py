"""Import a survey and Survey themes, as hub consultants and as people who may not use them."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import app_as
from tests.db.jobs_support import run_queued_jobs
from tests.factories import World
from ue_core.jobs import JobState
from ue_core.jobs import store as job_store
from ue_core.services.surveys import imports, refine, theme_jobs, theme_sets, views
from ue_core.survey_import import ColumnMapping
from ue_core.themes import BACKEND_ENV_VAR, TFIDF_LSA
from ue_core.themes.phrases import describe

REFUSED = "You do not have access to this. Ask your admin if you need it."
ANSWERS = [
    "Not enough time before each release to talk to users",
    "We have no time because of production deadlines",
    "Lack of time and staff for engagement",
    "We do not know who our users are",
    "No mailing list so we cannot contact users",
    "Hard to find contact details for users",
    "Our survey gets a very low response rate",
    "Low response to the feedback survey",
    "Survey response rates keep falling",
    "Senior managers do not see engagement as a priority",
]


def survey_bytes() -> bytes:
    rows = ["Respondent ID,Profession,Barriers"]
    for index, text in enumerate(ANSWERS * 2, start=1):
        rows.append(f'R{index},{"Statistician" if index % 3 else "Economist"},"{text}"')
    rows.append('R99,Economist,"Write to me at someone@example.org please"')
    return ("\n".join(rows) + "\n").encode()


def finish_theme_job(at: AppTest, world: World) -> list[str]:
    """Finding themes runs as a job in the app's job thread: wait for it, then look again.

    Returns the success messages of the run that started the job and of the one after it: a
    quick job may already have ended, and said so once, when the page reran after starting it.
    """
    started = [message.value for message in at.success]
    run_queued_jobs(world.db)
    at.run()
    return started + [message.value for message in at.success]


@pytest.fixture(autouse=True)
def fallback_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BACKEND_ENV_VAR, TFIDF_LSA)


def test_import_page_empty_state_then_a_file_is_previewed_checked_and_saved(
    world: World,
) -> None:
    at = app_as(world, "consultant", "screens/survey_import.py").run()
    assert not at.exception
    assert any("No surveys have been imported yet" in m.value for m in at.markdown)

    at.file_uploader[0].set_value(("barriers.csv", survey_bytes(), "text/csv")).run()
    assert not at.exception
    assert [h.value for h in at.header] == [
        "Preview",
        "Choose what each column holds",
        "Check before saving",
    ]
    assert any("No problems found: 21 responses" in m.value for m in at.markdown)
    assert any("1 e-mail address" in m.value for m in at.markdown)
    assert at.multiselect[0].value == ["Barriers"]
    next(t for t in at.text_input if t.label == "Survey title").set_value("Barriers survey").run()
    at.button[0].click().run()
    assert not at.exception
    assert at.success[0].value.startswith("Saved 'Barriers survey': 21 responses")
    listed = views.list_surveys(world.db, world.actor("consultant"))
    assert [(s.title, s.response_count) for s in listed] == [("Barriers survey", 21)]


def test_consultant_words_each_question_at_import_and_the_wording_is_shown(
    world: World,
) -> None:
    raw = "respondent_id,organisation_type,barriers\n" + "\n".join(
        f'R{i},Department,"Answer number {i} about time and money"' for i in range(8)
    )
    at = app_as(world, "consultant", "screens/survey_import.py").run()
    at.file_uploader[0].set_value(("raw.csv", raw.encode(), "text/csv")).run()
    assert not at.exception
    at.multiselect[0].set_value(["barriers"]).run()
    at.multiselect[1].set_value(["organisation_type"]).run()
    # Labels are escaped Markdown ("organisation\\_type"); read them as shown.
    boxes = {
        t.label.replace("\\", ""): t for t in at.text_input if t.label.startswith("Wording for")
    }
    assert boxes["Wording for the column barriers"].value == "Barriers"
    assert boxes["Wording for the column organisation_type"].value == "Organisation type"
    boxes["Wording for the column barriers"].set_value("What gets in the way of engaging?")
    next(t for t in at.text_input if t.label == "Survey title").set_value("Worded").run()
    next(b for b in at.button if b.label == "Save survey").click().run()
    assert not at.exception and at.success

    [survey] = views.list_surveys(world.db, world.actor("consultant"))
    assert [q.label for q in survey.free_text_questions] == ["What gets in the way of engaging?"]
    assert [q.label for q in survey.closed_questions] == ["Organisation type"]
    themes = app_as(world, "consultant", "screens/survey_themes.py").run()
    question_box = next(s for s in themes.selectbox if s.label == "Free-text question")
    assert question_box.options == ["What gets in the way of engaging? (8 answers)"]


def test_import_page_shows_a_bad_file_problem_and_saves_nothing(world: World) -> None:
    at = app_as(world, "consultant", "screens/survey_import.py").run()
    at.file_uploader[0].set_value(("empty.csv", b"", "text/csv")).run()
    assert not at.exception
    assert "empty.csv cannot be imported. The file is empty" in at.error[0].value
    assert views.list_surveys(world.db, world.actor("consultant")) == []


def test_import_page_blocks_saving_when_the_mapping_has_errors(world: World) -> None:
    data = survey_bytes().replace(b"R2,", b"R1,")
    at = app_as(world, "consultant", "screens/survey_import.py").run()
    at.file_uploader[0].set_value(("dupes.csv", data, "text/csv")).run()
    id_box = next(s for s in at.selectbox if s.label == "Respondent ID column")
    id_box.set_value("Respondent ID").run()
    assert "Nothing has been saved" in at.error[0].value
    assert any("appears more than once" in m.value for m in at.markdown)
    assert at.button[0].disabled


@pytest.mark.parametrize("who", ["member", "lead", "champion"])
def test_people_outside_the_hub_are_refused_both_pages(world: World, who: str) -> None:
    for script in ("screens/survey_import.py", "screens/survey_themes.py"):
        at = app_as(world, who, script).run()
        assert at.error and REFUSED in at.error[0].value
        assert not at.file_uploader


def test_themes_page_empty_state_points_to_the_import_page(world: World) -> None:
    at = app_as(world, "consultant", "screens/survey_themes.py").run()
    assert not at.exception
    assert any("No surveys have been imported yet" in m.value for m in at.markdown)


def test_consultant_finds_renames_and_merges_themes_and_reads_across(world: World) -> None:
    consultant = world.actor("consultant")
    raw = imports.read_file(survey_bytes(), "barriers.csv")
    imports.import_survey(
        world.db,
        consultant,
        raw,
        ColumnMapping("Respondent ID", ["Barriers"], ["Profession"]),
        "Barriers survey",
    )
    at = app_as(world, "consultant", "screens/survey_themes.py").run()
    assert not at.exception
    assert any("No themes yet for this question" in m.value for m in at.markdown)

    at.radio[0].set_value("chosen")
    at.number_input[0].set_value(4)
    at.number_input[1].set_value(2)
    at.button[0].click().run()
    assert not at.exception
    said = finish_theme_job(at, world)
    assert said[0] == "Themes found and saved."
    assert any("Draft themes" in m.value and "word patterns" in m.value for m in at.markdown)
    # Two top-level themes on the Themes tab, each opening to its sub-themes.
    headings = [h.value for h in at.subheader if h.value[:2] in {"1.", "2.", "3.", "4."}]
    assert len(headings) == 2
    assert len([e for e in at.expander if e.label.startswith("Sub-themes of")]) == 2

    view = views.current_theme_set(world.db, consultant, question_id(world))
    assert view is not None
    first = view.themes[0]
    # Under each label, one line of the theme's most typical answer describes it.
    captions = [c.value for c in at.caption]
    assert describe(first.representatives[0]) in captions
    rename_box = next(s for s in at.selectbox if s.label == "Theme to rename")
    rename_box.set_value(first.id)
    next(t for t in at.text_input if t.label == "New name").set_value("Time to engage")
    next(b for b in at.button if b.label == "Rename theme").click().run()
    assert not at.exception
    assert at.success[0].value == "Theme renamed to 'Time to engage'."
    assert any(" Time to engage**" in m.value for m in at.markdown)

    merge = next(m for m in at.multiselect if m.label.startswith("Themes to merge"))
    merge.set_value([view.themes[1].id, view.themes[2].id])
    next(b for b in at.button if b.label == "Merge themes").click().run()
    assert not at.exception
    assert at.success[0].value == "2 themes merged."
    after = views.current_theme_set(world.db, consultant, question_id(world))
    assert after is not None and len(after.themes) == 3
    assert after.theme(first.id).label == "Time to engage"

    # The edits survive a fresh session.
    again = app_as(world, "consultant", "screens/survey_themes.py").run()
    assert any(" Time to engage**" in m.value for m in again.markdown)
    next(r for r in again.radio if r.label == "Themes at").set_value("sub").run()
    # A small survey: most read-across cells are hidden, so the page says so and shows the table.
    assert any("Most figures are hidden" in i.value for i in again.info)
    assert not any("Themes by profession" in m.value for m in again.markdown)
    assert any("[c] means fewer than 5 answers" in m.value.replace("\\", "") for m in again.caption)


def question_id(world: World) -> int:
    survey = views.list_surveys(world.db, world.actor("consultant"))[0]
    return survey.free_text_questions[0].id


def test_approved_themes_take_later_answers_and_the_review_queue_is_worked(
    world: World,
) -> None:
    consultant = world.actor("consultant")
    mapping = ColumnMapping("Respondent ID", ["Barriers"], ["Profession"])
    result = imports.import_survey(
        world.db, consultant, imports.read_file(survey_bytes(), "b.csv"), mapping, "Barriers"
    )
    qid = question_id(world)
    theme_sets.find_themes(world.db, consultant, qid, 3, expected_current=None)
    at = app_as(world, "consultant", "screens/survey_themes.py").run()
    next(b for b in at.button if b.label == "Approve themes").click().run()
    said = finish_theme_job(at, world)  # approving runs as a job too
    assert not at.exception
    assert said[0].startswith("Themes approved; 0 later answers given a theme")
    assert any(m.value.startswith("**Approved themes**") for m in at.markdown)

    later = 'Respondent ID,Profession,Barriers\nL1,Economist,"Parking near the office"\n'
    added = imports.add_responses(
        world.db, consultant, result.survey_id, imports.read_file(later.encode(), "l.csv"), mapping
    )
    assert added.needs_review == 1
    at = app_as(world, "consultant", "screens/survey_themes.py").run()
    assert any("1 waiting for review" in m.value for m in at.markdown)
    answer_id = theme_sets.review_queue(world.db, consultant, set_id_for(world))[0].answer_id
    review = [m for m in at.multiselect if m.label == "Answers"][-1]  # the Review tab's list
    review.set_value([answer_id])
    next(b for b in at.button if b.label == "Give them this theme").click().run()
    assert not at.exception
    assert at.success[0].value.startswith("1 answer reviewed and given")
    assert theme_sets.review_queue(world.db, consultant, set_id_for(world)) == []


def set_id_for(world: World) -> int:
    view = views.current_theme_set(world.db, world.actor("consultant"), question_id(world))
    assert view is not None
    return view.id


def test_import_page_finds_the_header_below_a_title_and_lets_the_consultant_choose_it(
    world: World,
) -> None:
    data = b"Barriers survey, December 2026\n\n" + survey_bytes()
    at = app_as(world, "consultant", "screens/survey_import.py").run()
    at.file_uploader[0].set_value(("titled.csv", data, "text/csv")).run()
    assert not at.exception
    header_box = next(s for s in at.selectbox if s.label == "Row with the column names")
    assert header_box.value == 3
    assert header_box.options[:2] == [
        "Row 1: Barriers survey, December 2026",
        "Row 3: Respondent ID, Profession, Barriers",
    ]
    assert any("No problems found: 21 responses" in m.value for m in at.markdown)
    assert any("found in row 3, so row 1 above them" in m.value for m in at.markdown)

    header_box.set_value(1).run()
    assert not at.exception
    id_box = next(s for s in at.selectbox if s.label == "Respondent ID column")
    assert id_box.options == [
        "No ID column: number the rows instead",
        "Barriers survey",
        "December 2026",
    ]

    header_box = next(s for s in at.selectbox if s.label == "Row with the column names")
    header_box.set_value(3).run()
    next(t for t in at.text_input if t.label == "Survey title").set_value("Barriers survey").run()
    at.button[0].click().run()
    assert not at.exception
    assert at.success[0].value.startswith("Saved 'Barriers survey': 21 responses")


def test_import_page_warns_about_contact_details_and_does_not_suggest_them(world: World) -> None:
    rows = ["Respondent email,Barriers"] + [
        f"person{i}@example.org,{text}" for i, text in enumerate(ANSWERS)
    ]
    at = app_as(world, "consultant", "screens/survey_import.py").run()
    at.file_uploader[0].set_value(("emails.csv", "\n".join(rows).encode(), "text/csv")).run()
    assert not at.exception
    id_box = next(s for s in at.selectbox if s.label == "Respondent ID column")
    assert id_box.value == "No ID column: number the rows instead"
    assert any("Respondent email" in m.value and "personal data" in m.value for m in at.markdown)
    id_box.set_value("Respondent email").run()
    assert "Nothing has been saved" in at.error[0].value
    assert at.button[0].disabled


def test_deleting_a_survey_asks_for_confirmation_naming_what_goes(world: World) -> None:
    consultant = world.actor("consultant")
    raw = imports.read_file(survey_bytes(), "barriers.csv")
    mapping = ColumnMapping("Respondent ID", ["Barriers"], ["Profession"])
    imports.import_survey(world.db, consultant, raw, mapping, "Barriers survey")
    at = app_as(world, "consultant", "screens/survey_import.py").run()
    next(s for s in at.selectbox if s.label == "Survey to delete").select_index(0).run()
    at.button(key=next(b.key for b in at.button if b.label == "Delete this survey")).click().run()
    assert not at.exception
    warning = at.warning[0].value
    assert "Delete Barriers survey?" in warning and "21 answers" in warning
    assert views.list_surveys(world.db, consultant)  # nothing deleted before confirming

    at.button(key="cancel_delete").click().run()
    assert not at.warning and views.list_surveys(world.db, consultant)

    at.button(key=next(b.key for b in at.button if b.label == "Delete this survey")).click().run()
    at.button(key="confirm_delete").click().run()
    assert not at.exception and not at.error
    assert views.list_surveys(world.db, consultant) == []
    assert "Deleted Barriers survey: 21 responses and 21 answers" in at.success[0].value


def test_finding_themes_again_over_edits_asks_first_and_a_colleagues_change_is_a_conflict(
    world: World,
) -> None:
    consultant = world.actor("consultant")
    mapping = ColumnMapping("Respondent ID", ["Barriers"], ["Profession"])
    imports.import_survey(
        world.db, consultant, imports.read_file(survey_bytes(), "b.csv"), mapping, "Barriers"
    )
    qid = question_id(world)
    set_id = theme_sets.find_themes(world.db, consultant, qid, 3, expected_current=None)
    theme = views.theme_set(world.db, consultant, set_id).themes[0]
    refine.rename_theme(world.db, consultant, set_id, theme.id, "Deadlines", expected_version=1)
    at = app_as(world, "consultant", "screens/survey_themes.py").run()
    warning = next(w.value for w in at.warning if "deletes the draft" in w.value)
    assert "1 renamed theme" in warning and "Deadlines" in warning
    find = next(b for b in at.button if b.label == "Find themes")
    find.click().run()
    assert not at.exception
    assert any("Tick the box" in e.value for e in at.error)
    assert views.current_theme_set(world.db, consultant, qid).version == 2  # type: ignore[union-attr]

    # A colleague renames another theme while this page is open: confirming is refused.
    other = views.theme_set(world.db, consultant, set_id).themes[1]
    refine.rename_theme(world.db, consultant, set_id, other.id, "Contacts", expected_version=2)
    next(c for c in at.checkbox if c.label.startswith("Delete the draft")).check()
    next(b for b in at.button if b.label == "Find themes").click().run()
    assert not at.exception
    assert any("Someone else changed the themes" in e.value for e in at.error)
    kept = views.current_theme_set(world.db, consultant, qid)
    assert kept is not None and kept.id == set_id
    assert {"Deadlines", "Contacts"} <= {t.label for t in kept.themes}

    # Having seen their version, the person can replace the draft.
    at.run()
    next(c for c in at.checkbox if c.label.startswith("Delete the draft")).check()
    next(b for b in at.button if b.label == "Find themes").click().run()
    assert not at.exception
    said = finish_theme_job(at, world)
    assert said[0] == "Themes found and saved."
    replaced = views.current_theme_set(world.db, consultant, qid)
    assert replaced is not None and replaced.version == 1


def test_themes_page_shows_two_levels_and_edits_the_top_level(world: World) -> None:
    consultant = world.actor("consultant")
    mapping = ColumnMapping("Respondent ID", ["Barriers"], ["Profession"])
    imports.import_survey(
        world.db, consultant, imports.read_file(survey_bytes(), "b.csv"), mapping, "Barriers"
    )
    theme_sets.find_themes(
        world.db, consultant, question_id(world), 4, expected_current=None, n_top_themes=2
    )
    view = views.current_theme_set(world.db, consultant, question_id(world))
    assert view is not None
    at = app_as(world, "consultant", "screens/survey_themes.py").run()
    assert not at.exception
    assert any("2 top-level themes, holding 4 sub-themes" in m.value for m in at.markdown)
    top = view.top_themes[0]
    opened = next(e for e in at.expander if e.label.startswith("Sub-themes of"))
    shown = " ".join(m.value for m in opened.markdown)
    for theme_id in top.theme_ids:
        assert view.theme(theme_id).label in shown

    box = next(s for s in at.selectbox if s.label == "Top-level theme to rename")
    box.set_value(top.id)
    next(t for t in at.text_input if t.label == "New name for the top-level theme").set_value(
        "Lack of capacity"
    )
    next(b for b in at.button if b.label == "Rename top-level theme").click().run()
    assert not at.exception
    assert at.success[0].value == "Top-level theme renamed to 'Lack of capacity'."
    assert any(h.value.startswith("1. Lack of capacity") for h in at.subheader)

    sub = view.top_themes[1].theme_ids[0]
    next(s for s in at.selectbox if s.label == "Sub-theme to move").set_value(sub)
    next(s for s in at.selectbox if s.label == "Move it under").set_value(top.id)
    next(b for b in at.button if b.label == "Move sub-theme").click().run()
    assert not at.exception
    after = views.current_theme_set(world.db, consultant, question_id(world))
    assert after is not None and sub in after.top_theme(top.id).theme_ids
    # Read across by top-level theme.
    level = next(r for r in at.radio if r.label == "Themes at")
    level.set_value("top").run()
    assert not at.exception


def test_a_running_theme_job_shows_its_progress_and_can_be_cancelled(world: World) -> None:
    consultant = world.actor("consultant")
    mapping = ColumnMapping("Respondent ID", ["Barriers"], ["Profession"])
    imports.import_survey(
        world.db, consultant, imports.read_file(survey_bytes(), "b.csv"), mapping, "Barriers"
    )
    qid = question_id(world)
    # A job another consultant's page started, running in a worker (here: never run).
    with world.db.transaction() as session:
        job = job_store.add_job(
            session, theme_jobs.KIND, world.actor("admin").user_id, qid, {}, "Waiting"
        )
        job.state, job.progress, job.message = "running", 0.4, "Reading answers: 8 of 20 done"
        job_id = job.id
    at = app_as(world, "consultant", "screens/survey_themes.py").run()
    assert not at.exception
    assert "Finding themes" in [h.value for h in at.subheader]
    assert at.get("progress")[0].proto.text == "Running: Reading answers: 8 of 20 done (40%)"
    assert not [b for b in at.button if b.label == "Find themes"]  # one job per question
    next(b for b in at.button if b.label == "Cancel finding themes").click().run()
    assert any("Stopping: nothing will be saved." in m.value for m in at.markdown)
    # The worker hears the cancel at its next progress report.
    job_store.finish(world.db, job_id, JobState.CANCELLED, "Cancelled: nothing was saved")
    at.run()
    assert any("Admin cancelled finding themes" in i.value for i in at.info)
    assert [b for b in at.button if b.label == "Find themes"]


def test_a_failed_theme_job_says_why_on_the_page(world: World) -> None:
    consultant = world.actor("consultant")
    raw = "Respondent ID,Profession,Barriers\nR1,Economist,!!!\nR2,Economist,...\n"
    mapping = ColumnMapping("Respondent ID", ["Barriers"], ["Profession"])
    imports.import_survey(
        world.db, consultant, imports.read_file(raw.encode(), "b.csv"), mapping, "Barriers"
    )
    at = app_as(world, "consultant", "screens/survey_themes.py").run()
    at.button[0].click().run()
    finish_theme_job(at, world)
    assert not at.exception
    assert any(
        "did not finish, and nothing was saved" in e.value and "any words to group" in e.value
        for e in at.error
    )
