"""Survey themes as evidence for a team's rating (issue 14, item 5), on SQLite and PostgreSQL:
attaching a snapshot, keeping it through later theme edits, who may attach and see it, the
refusals and that a refused or failed attach leaves nothing behind; exports carry it."""

from __future__ import annotations

import io
from datetime import date
from html import escape
from pathlib import Path

import pandas as pd
import pytest
from alembic import command
from sqlalchemy import create_engine, func, inspect, select

from tests.db.test_actions import submitted_assessment
from tests.db.test_surveys import imported
from tests.factories import World, build_world
from ue_core.authz import SYSTEM, AccessDenied
from ue_core.db.engine import Database
from ue_core.db.migrate import alembic_config
from ue_core.db.models import AuditEvent
from ue_core.db.models import ThemeEvidence as EvidenceRow
from ue_core.errors import InputError, NotFound
from ue_core.services import report_files, starting, theme_evidence
from ue_core.services.frameworks import sync_framework
from ue_core.services.surveys import deletion, refine, theme_sets, views
from ue_core.theme_evidence import MAX_QUOTE_CHARS, MAX_QUOTES
from ue_core.themes import BACKEND_ENV_VAR, TFIDF_LSA

TODAY = date(2026, 5, 1)  # in the 2026 to 2027 round
PRACTICE = "seek-views"


@pytest.fixture
def world(any_db: Database, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv(BACKEND_ENV_VAR, TFIDF_LSA)
    sync_framework(any_db, SYSTEM)
    return build_world(any_db)


def _themes(world: World, *, approve: bool = True) -> views.ThemeSetView:
    consultant = world.actor("consultant")
    _, question_id = imported(world)
    set_id = theme_sets.find_themes(
        world.db, consultant, question_id, 4, expected_current=None, n_top_themes=2
    )
    if approve:
        version = views.theme_set(world.db, consultant, set_id).version
        theme_sets.approve(world.db, consultant, set_id, expected_version=version)
    return views.theme_set(world.db, consultant, set_id)


def _draft(world: World) -> int:
    return starting.start_assessment(world.db, world.actor("lead"), world.team_id, TODAY)


def _rows(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(EvidenceRow)) or 0


def test_a_consultant_attaches_a_theme_and_the_team_sees_the_snapshot(world: World) -> None:
    themes = _themes(world)
    theme = themes.themes[0]
    top = themes.top_theme(theme.top_theme_id or 0)
    draft = _draft(world)
    consultant = world.actor("consultant")

    attached = theme_evidence.attach_theme(world.db, consultant, theme.id, draft, PRACTICE)

    assert attached.theme_label == theme.label
    assert attached.top_theme_label == top.label
    assert attached.answer_count == theme.size > 0
    assert 1 <= len(attached.quotes) <= MAX_QUOTES
    assert all(len(quote) <= MAX_QUOTE_CHARS for quote in attached.quotes)
    # The quotes come from the theme's own answers, the most typical first.
    assert attached.quotes[0] == theme.representatives[0]
    assert attached.question == "What are the barriers?"
    assert attached.survey_title == "Barriers survey"
    assert attached.attached_by == "Consultant"
    for person in ("member", "lead", "champion", "consultant", "admin"):
        seen = theme_evidence.assessment_evidence(world.db, world.actor(person), draft)
        assert [e.id for e in seen[PRACTICE]] == [attached.id], person
    with pytest.raises(AccessDenied):
        theme_evidence.assessment_evidence(world.db, world.actor("outsider"), draft)
    with world.db.read() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "attach_theme_evidence")
        ).one()
    assert event.after is not None and event.after["practice"] == PRACTICE


def test_the_snapshot_survives_a_rename_and_a_merge(world: World) -> None:
    themes = _themes(world)
    theme, other = themes.themes[0], themes.themes[1]
    draft = _draft(world)
    consultant = world.actor("consultant")
    attached = theme_evidence.attach_theme(world.db, consultant, theme.id, draft, PRACTICE)

    refine.rename_theme(
        world.db, consultant, themes.id, theme.id, "A new name", expected_version=themes.version
    )
    [after_rename] = theme_evidence.assessment_evidence(world.db, world.actor("member"), draft)[
        PRACTICE
    ]
    assert after_rename.theme_label == theme.label
    assert after_rename.quotes == attached.quotes

    # Merging the theme away removes its row; the evidence keeps what the team saw.
    version = views.theme_set(world.db, consultant, themes.id).version
    refine.merge_themes(
        world.db, consultant, themes.id, [other.id, theme.id], expected_version=version
    )
    [after_merge] = theme_evidence.assessment_evidence(world.db, world.actor("member"), draft)[
        PRACTICE
    ]
    assert (after_merge.theme_label, after_merge.answer_count) == (theme.label, theme.size)
    with world.db.read() as session:
        row = session.scalars(select(EvidenceRow)).one()
        assert row.theme_id is None


def test_team_members_champions_and_admins_cannot_attach(world: World) -> None:
    themes = _themes(world)
    draft = _draft(world)
    for person in ("member", "lead", "champion", "outsider", "admin"):
        with pytest.raises(AccessDenied, match="Only USER hub consultants"):
            theme_evidence.attach_theme(
                world.db, world.actor(person), themes.themes[0].id, draft, PRACTICE
            )
    assert _rows(world.db) == 0


@pytest.mark.parametrize(
    ("practice", "message"),
    [
        ("proportionate-effort", "does not take survey themes as evidence"),
        ("no-such-practice", "not part of this team's assessment"),
    ],
)
def test_a_practice_that_does_not_accept_themes_is_refused(
    world: World, practice: str, message: str
) -> None:
    themes = _themes(world)
    draft = _draft(world)
    with pytest.raises(InputError, match=message):
        theme_evidence.attach_theme(
            world.db, world.actor("consultant"), themes.themes[0].id, draft, practice
        )
    assert _rows(world.db) == 0


def test_draft_themes_repeats_and_submitted_assessments_are_refused(world: World) -> None:
    consultant = world.actor("consultant")
    draft_themes = _themes(world, approve=False)
    draft = _draft(world)
    with pytest.raises(InputError, match="These themes are a draft"):
        theme_evidence.attach_theme(
            world.db, consultant, draft_themes.themes[0].id, draft, PRACTICE
        )
    with pytest.raises(NotFound):
        theme_evidence.attach_theme(world.db, consultant, 999_999, draft, PRACTICE)
    version = views.theme_set(world.db, consultant, draft_themes.id).version
    theme_sets.approve(world.db, consultant, draft_themes.id, expected_version=version)
    theme_id = draft_themes.themes[0].id
    theme_evidence.attach_theme(world.db, consultant, theme_id, draft, PRACTICE)
    with pytest.raises(InputError, match="is already evidence for Test team's rating"):
        theme_evidence.attach_theme(world.db, consultant, theme_id, draft, PRACTICE)
    # The same theme may back another accepting practice.
    theme_evidence.attach_theme(world.db, consultant, theme_id, draft, "close-feedback-loop")
    assert _rows(world.db) == 2


def test_a_submitted_assessment_takes_no_new_evidence(world: World) -> None:
    themes = _themes(world)
    submitted = submitted_assessment(world, round_label="2026 to 2027")
    with pytest.raises(InputError, match="is submitted, so nothing can be added"):
        theme_evidence.attach_theme(
            world.db,
            world.actor("consultant"),
            themes.themes[0].id,
            submitted.assessment_id,
            PRACTICE,
        )
    assert _rows(world.db) == 0


def test_nothing_is_half_written_when_saving_fails(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    themes = _themes(world)
    draft = _draft(world)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(theme_evidence.audit, "record", broken)
    with pytest.raises(RuntimeError):
        theme_evidence.attach_theme(
            world.db, world.actor("consultant"), themes.themes[0].id, draft, PRACTICE
        )
    assert _rows(world.db) == 0


def test_detaching_listing_exports_and_deleting_the_survey(world: World) -> None:
    consultant = world.actor("consultant")
    themes = _themes(world)
    draft = _draft(world)
    attached = theme_evidence.attach_theme(
        world.db, consultant, themes.themes[0].id, draft, PRACTICE
    )

    [listed] = theme_evidence.survey_evidence(world.db, consultant, attached_survey(world))
    assert (listed.team_name, listed.round_label, listed.submitted) == (
        "Test team",
        "2026 to 2027",
        False,
    )
    csv = pd.read_csv(
        io.BytesIO(report_files.assessment_csv(world.db, world.actor("member"), draft, TODAY))
    )
    cell = csv.loc[csv["Practice"] == "Seek users' views actively", "Evidence from surveys"]
    assert cell.iloc[0].startswith(f"Survey theme '{attached.label}' (")
    assert f'"{attached.quotes[0]}"' in cell.iloc[0]
    assert csv["Evidence from surveys"].isna().sum() == len(csv) - 1
    # The spreadsheet (ODS and XLSX) and the HTML report are made from the same table.
    workbook = report_files.assessment_workbook(world.db, world.actor("champion"), draft, TODAY)
    sheet = next(t.dataframe for t in workbook.tables if t.sheet_name == "Practices")
    assert sheet["Evidence from surveys"].str.contains(attached.label, regex=False).sum() == 1
    html = report_files.assessment_report_html(world.db, world.actor("lead"), draft, TODAY)
    assert "Evidence from surveys" in html and escape(attached.quotes[0]) in html

    theme_evidence.detach_theme(world.db, consultant, attached.id)
    assert theme_evidence.assessment_evidence(world.db, consultant, draft) == {}
    with pytest.raises(NotFound):
        theme_evidence.detach_theme(world.db, consultant, attached.id)

    again = theme_evidence.attach_theme(world.db, consultant, themes.themes[1].id, draft, PRACTICE)
    survey_id = attached_survey(world)
    contents = deletion.survey_contents(world.db, consultant, survey_id)
    assert contents.theme_evidence == 1
    assert "1 theme attached as evidence" in contents.describe()
    deletion.delete_survey(world.db, consultant, survey_id, expected_answers=contents.answers)
    assert _rows(world.db) == 0
    assert again.id  # the evidence went with the survey


def attached_survey(world: World) -> int:
    with world.db.read() as session:
        found = session.scalar(select(EvidenceRow.survey_id).limit(1))
    assert found is not None
    return found


def test_the_migration_adds_and_removes_the_table(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'evidence.db'}"
    config = alembic_config(url)
    command.upgrade(config, "0022")
    engine = create_engine(url)
    assert "theme_evidence" in inspect(engine).get_table_names()
    command.downgrade(config, "0021")
    assert "theme_evidence" not in inspect(create_engine(url)).get_table_names()
    command.upgrade(config, "0022")
    engine.dispose()
