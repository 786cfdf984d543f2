"""Results, targets and history, on SQLite and PostgreSQL: scores from agreed answers, the
crosswalk between framework versions, targets with reasons, and access for other teams."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import pytest

from tests.factories import World, build_world
from ue_core.authz import SYSTEM, AccessDenied
from ue_core.db.engine import Database
from ue_core.errors import ConflictError, InputError
from ue_core.framework import Framework, load_framework
from ue_core.services import agreeing, assessments, results, score_history, starting, target_setting
from ue_core.services.frameworks import sync_framework
from ue_core.targets import StatisticsProfile, suggest_targets

FIRST_ROUND_DAY = date(2025, 6, 1)
SECOND_ROUND_DAY = date(2026, 6, 1)
LATER = date(2026, 9, 1)
PROFILE = StatisticsProfile("high", "wide", "frequent")


def agree_round(
    world: World,
    today: date,
    levels: Mapping[str, int | None],
    *,
    default: int = 2,
    evidence_date: date | None = None,
    submit: bool = True,
) -> int:
    """Start the team's assessment for the round holding ``today``, agree every practice (at
    ``levels[key]``, else ``default``; None means not applicable) and submit it."""
    lead = world.actor("lead")
    assessment_id = starting.start_assessment(world.db, lead, world.team_id, today)
    state = assessments.load_state(world.db, lead, assessment_id)
    for item in state.practices:
        level = levels.get(item.key, default)
        answer = (
            assessments.Answer(not_applicable=True, reason="We do not publish these.")
            if level is None
            else assessments.Answer(
                level=level,
                evidence="Minutes of our user group.",
                evidence_date=evidence_date or today,
            )
        )
        agreeing.save_agreed(
            world.db, lead, assessment_id, item.id, answer, expected_version=None, today=today
        )
    if submit:
        version = assessments.load_state(world.db, lead, assessment_id).summary.version
        assessments.submit(world.db, lead, assessment_id, expected_version=version)
    return assessment_id


def changed_framework() -> Framework:
    """The framework with one practice renamed through the crosswalk and one replaced."""
    content: dict[str, Any] = load_framework().model_dump(mode="json")
    practices = content["principles"][0]["practices"]
    assert practices[0]["key"] == "know-your-users"
    assert practices[1]["key"] == "anticipate-needs"
    practices[0]["key"] = "know-your-users-well"
    practices[0]["previously"] = ["know-your-users"]
    practices[1]["key"] = "plan-for-future-needs"
    practices[1]["title"] = "Plan for future needs"
    content["edition"] = "1.1"
    return Framework.model_validate(content)


@pytest.fixture
def world(any_db: Database) -> World:
    sync_framework(any_db, SYSTEM)
    return build_world(any_db)


def test_scores_use_agreed_answers_and_compare_with_the_previous_round(world: World) -> None:
    agree_round(world, FIRST_ROUND_DAY, {"know-your-users": 1, "seek-views": 3})
    second = agree_round(
        world, SECOND_ROUND_DAY, {"know-your-users": 3, "seek-views": None, "user-groups": 5}
    )

    view = results.assessment_scores(world.db, world.actor("member"), second, LATER)

    assert view.header.is_submitted and view.header.round_label == "2026 to 2027"
    first_principle = view.scores.principles[0]
    assert first_principle.principle_key == "proactively-involving-users"
    # 3 + 2 * 5 over six rated practices; seek-views is not applicable
    assert first_principle.rated_count == 6
    assert first_principle.score == pytest.approx(13 / 6)
    assert view.practice("seek-views").not_applicable
    assert view.strongest[0].key == "user-groups"
    assert view.previous is not None
    assert view.previous.round_label == "2025 to 2026"
    assert not view.previous.framework_changed
    assert view.previous.comparison.not_comparable == ()
    assert view.previous.comparison.principle("proactively-involving-users").change == (
        pytest.approx((3 + 2 * 5) / 6 - (1 + 2 * 5) / 6)
    )
    assert any(s.startswith("Since the last round") for s in view.summary)
    assert view.stale == () and view.undated == ()


def test_evidence_older_than_twelve_months_is_flagged(world: World) -> None:
    assessment_id = agree_round(
        world, FIRST_ROUND_DAY, {}, evidence_date=date(2024, 5, 31), submit=False
    )
    view = results.assessment_scores(world.db, world.actor("lead"), assessment_id, date(2025, 6, 1))
    assert not view.header.is_submitted
    assert len(view.stale) == len(view.practices)
    assert view.previous is None


def test_draft_results_use_the_answers_agreed_so_far(world: World) -> None:
    lead = world.actor("lead")
    assessment_id = starting.start_assessment(world.db, lead, world.team_id, FIRST_ROUND_DAY)
    item = assessments.load_state(world.db, lead, assessment_id).practices[0]
    agreeing.save_agreed(
        world.db,
        lead,
        assessment_id,
        item.id,
        assessments.Answer(level=4),
        expected_version=None,
        today=FIRST_ROUND_DAY,
    )

    view = results.assessment_scores(world.db, lead, assessment_id, FIRST_ROUND_DAY)

    assert view.scores.overall_score == 4.0
    assert len(view.scores.unanswered) == len(view.practices) - 1
    assert view.undated[0].key == item.key
    [header] = results.assessments_with_results(world.db, lead, world.team_id)
    assert header.id == assessment_id and not header.is_submitted


def test_crosswalk_matches_renamed_practices_and_lists_replaced_ones(world: World) -> None:
    agree_round(world, FIRST_ROUND_DAY, {"know-your-users": 1, "anticipate-needs": 4})
    sync_framework(world.db, SYSTEM, changed_framework())
    second = agree_round(
        world, SECOND_ROUND_DAY, {"know-your-users-well": 3, "plan-for-future-needs": 5}
    )

    view = results.assessment_scores(world.db, world.actor("member"), second, LATER)

    assert view.header.framework_edition == "1.1"
    previous = view.previous
    assert previous is not None and previous.framework_changed
    renamed = next(
        c for c in previous.comparison.practices if c.practice_key == "know-your-users-well"
    )
    assert renamed.comparable and renamed.previous_practice_key == "know-your-users"
    assert (renamed.previous_level, renamed.current_level) == (1, 3)
    assert previous.comparison.not_comparable == ("plan-for-future-needs",)
    assert previous.not_comparable_titles == ("Plan for future needs",)
    assert previous.comparison.removed == ("anticipate-needs",)
    # the replaced practice is left out of the change: (3 + 5 * 2) / 6 against (1 + 5 * 2) / 6
    assert previous.comparison.principle("proactively-involving-users").change == pytest.approx(
        2 / 6
    )

    history = score_history.team_history(world.db, world.actor("member"), world.team_id)
    assert [r.round_label for r in history] == ["2025 to 2026", "2026 to 2027"]
    assert [r.framework_changed for r in history] == [False, True]
    assert history[1].not_comparable_titles == ("Plan for future needs",)
    assert history[0].comparison is None and history[1].comparison is not None


def test_build_crosswalk_prefers_the_same_key_then_previously() -> None:
    old = load_framework()
    new = changed_framework()
    walk = results.build_crosswalk(new, old)
    assert walk["know-your-users-well"] == "know-your-users"
    assert walk["plan-for-future-needs"] is None
    assert walk["seek-views"] == "seek-views"
    assert len(walk) == len(new.practice_keys())


def test_history_and_trend_per_principle(world: World) -> None:
    agree_round(world, FIRST_ROUND_DAY, {}, default=2)
    agree_round(world, SECOND_ROUND_DAY, {}, default=3)

    history = score_history.team_history(world.db, world.actor("lead"), world.team_id)

    assert [r.overall_score for r in history] == [2.0, 3.0]
    assert history[1].comparison is not None
    assert history[1].comparison.overall_change == pytest.approx(1.0)
    trend = score_history.principle_trend(history)
    assert len(trend) == 2 * len(history[0].principle_scores)
    assert [(p.round_label, p.score) for p in trend[:2]] == [
        ("2025 to 2026", 2.0),
        ("2026 to 2027", 3.0),
    ]
    assert score_history.principle_trend([]) == []


def test_targets_follow_the_profile_and_need_a_reason_to_differ(world: World) -> None:
    assessment_id = agree_round(world, FIRST_ROUND_DAY, {})
    member = world.actor("member")

    before = results.targets(world.db, member, assessment_id)
    assert all(t.level is None and t.suggested_level is None for t in before)
    with pytest.raises(InputError, match="questions about your statistics"):
        target_setting.set_target(
            world.db, member, assessment_id, "working-together", 4, "", expected=None
        )

    version = results.assessment_scores(world.db, member, assessment_id, LATER).header.version
    target_setting.set_profile(world.db, member, assessment_id, PROFILE, expected_version=version)
    keys = [t.principle_key for t in before]
    suggested = suggest_targets(PROFILE, keys)
    after = results.targets(world.db, member, assessment_id)
    assert [(t.level, t.suggested_level, t.saved) for t in after] == [
        (suggested[k].level, suggested[k].level, True) for k in keys
    ]
    assert after[0].rationale == suggested[keys[0]].rationale

    key = "working-together"
    lower = suggested[key].level - 1
    with pytest.raises(InputError, match="Say why"):
        target_setting.set_target(world.db, member, assessment_id, key, lower, "  ", expected=None)
    saved = target_setting.set_target(
        world.db,
        member,
        assessment_id,
        key,
        lower,
        "Our partners already run the user network.",
        expected=(suggested[key].level, ""),
    )
    assert saved.changed and saved.reason_for_change.startswith("Our partners")
    view = results.assessment_scores(world.db, member, assessment_id, LATER)
    assert view.scores.principle(key).target == lower

    # someone saw the old target: their save is refused, with ours shown
    with pytest.raises(ConflictError) as conflict:
        target_setting.set_target(
            world.db, member, assessment_id, key, 5, "Go big", expected=(suggested[key].level, "")
        )
    assert conflict.value.current["level"] == lower

    # a new profile moves suggested targets but keeps the team's own choice
    narrow = StatisticsProfile("low", "narrow", "stable")
    with pytest.raises(ConflictError):
        target_setting.set_profile(
            world.db, member, assessment_id, narrow, expected_version=version
        )
    version = results.assessment_scores(world.db, member, assessment_id, LATER).header.version
    target_setting.set_profile(world.db, member, assessment_id, narrow, expected_version=version)
    narrow_suggested = suggest_targets(narrow, keys)
    by_key = {t.principle_key: t for t in results.targets(world.db, member, assessment_id)}
    assert by_key[key].level == lower
    assert by_key[key].suggested_level == narrow_suggested[key].level
    other = "open-and-transparent"
    assert by_key[other].level == narrow_suggested[other].level


def test_only_the_team_changes_targets_and_other_teams_see_nothing(world: World) -> None:
    assessment_id = agree_round(world, FIRST_ROUND_DAY, {})
    version = results.assessment_scores(
        world.db, world.actor("lead"), assessment_id, LATER
    ).header.version
    outsider = world.actor("outsider")
    with pytest.raises(AccessDenied):
        results.assessment_scores(world.db, outsider, assessment_id, LATER)
    with pytest.raises(AccessDenied):
        results.targets(world.db, outsider, assessment_id)
    with pytest.raises(AccessDenied):
        score_history.team_history(world.db, outsider, world.team_id)
    with pytest.raises(AccessDenied):
        results.assessments_with_results(world.db, outsider, world.team_id)
    with pytest.raises(AccessDenied):
        target_setting.set_profile(
            world.db, outsider, assessment_id, PROFILE, expected_version=version
        )

    champion = world.actor("champion")
    assert results.assessment_scores(world.db, champion, assessment_id, LATER).header.is_submitted
    assert len(score_history.team_history(world.db, world.actor("consultant"), world.team_id)) == 1
    with pytest.raises(AccessDenied):
        target_setting.set_profile(
            world.db, champion, assessment_id, PROFILE, expected_version=version
        )

    # the team can plan after submission: targets are not part of the frozen answers
    target_setting.set_profile(
        world.db, world.actor("member2"), assessment_id, PROFILE, expected_version=version
    )
    assert all(t.saved for t in results.targets(world.db, champion, assessment_id))
