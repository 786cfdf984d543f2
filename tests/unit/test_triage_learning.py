"""Pure triage rules: the training set learnt from confirmed history, the priority rule and
the choice of consultant."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from ue_core.triage import SimilarRequest, learning
from ue_core.triage.consultant_choice import Candidate, suggest_consultant
from ue_core.triage.priority import PRIORITY_THRESHOLD, suggest_priority
from ue_core.vocabulary import RequestPriority

AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
COLD = (["promote the release", "listen to users"], ["promote", "listen"])


def _confirmed(request_id: int, *labels: str, hours: int = 0) -> learning.ConfirmedRequest:
    return learning.ConfirmedRequest(
        request_id, f"request {request_id}", labels, AT + timedelta(hours=hours)
    )


def test_history_is_used_only_with_two_requests_for_each_of_two_labels() -> None:
    thin = [_confirmed(1, "promote"), _confirmed(2, "promote"), _confirmed(3, "listen")]
    assert not learning.has_enough_history(thin)
    assert learning.history_key(thin) == (0, "")
    training = learning.training_set(*COLD, thin)
    assert training.texts == tuple(COLD[0]) and training.confirmed_count == 0
    enough = [*thin, _confirmed(4, "listen", "act", hours=5)]
    assert learning.has_enough_history(enough)
    assert learning.history_key(enough) == (4, (AT + timedelta(hours=5)).isoformat())


def test_the_training_set_adds_one_row_per_confirmed_label_in_request_order() -> None:
    history = [
        _confirmed(4, "listen", "act"),
        _confirmed(2, "promote"),
        _confirmed(1, "promote"),
        _confirmed(3, "listen", "gone"),
    ]
    training = learning.training_set(*COLD, history, allowed={"promote", "listen", "act"})
    assert training.labels == ("promote", "listen", "promote", "promote", "listen", "act", "listen")
    assert training.request_ids == (None, None, 1, 2, 3, 4, 4)
    assert training.confirmed_count == 4
    assert not learning.is_calibrated(training)


def test_the_why_names_distinct_past_requests_but_not_the_one_being_triaged() -> None:
    history = [_confirmed(n, label) for n, label in ((1, "promote"), (2, "promote"))]
    history += [_confirmed(n, "listen") for n in (3, 5)]
    training = learning.training_set(*COLD, history)
    similar = [
        SimilarRequest(index=i, text=training.texts[i], label="", similarity=1 - i / 10)
        for i in (0, 3, 2, 3, 4)
    ]
    past = learning.past_requests(similar, training, k=2, exclude=2)
    assert [p.request_id for p in past] == [1, 3]
    assert learning.cold_texts_among(similar, training, 1) == ("promote the release",)


def test_an_urgent_date_makes_a_request_high_priority_on_its_own() -> None:
    today = date(2026, 11, 2)  # a Monday
    found = suggest_priority(date(2026, 11, 9), today, None, "Listen", 0.2)
    assert found.priority is RequestPriority.HIGH and found.confidence >= PRIORITY_THRESHOLD
    assert found.why == ("Needed by 9 November 2026, in 5 working days: urgent.",)


def test_priority_weighs_a_soon_date_with_the_teams_gap() -> None:
    today = date(2026, 11, 2)
    soon = date(2026, 12, 1)
    high = suggest_priority(soon, today, Decimal("1.5"), "Listen", 0.9)
    assert high.best_guess is RequestPriority.HIGH
    assert "1.5 levels short of its target on Listen" in high.why[1]
    normal = suggest_priority(soon, today, Decimal("0.5"), "Listen", 0.9)
    assert normal.best_guess is RequestPriority.NORMAL
    low = suggest_priority(None, today, Decimal("0"), "Listen", 0.9)
    assert low.best_guess is RequestPriority.LOW and low.priority is RequestPriority.LOW


def test_priority_needs_a_person_without_a_date_or_scores_or_on_an_unsure_area() -> None:
    today = date(2026, 11, 2)
    nothing = suggest_priority(None, today, None, "Listen", 0.9)
    assert nothing.needs_person and nothing.best_guess is RequestPriority.NORMAL
    assert nothing.why == ("No date to fit and no scores for the team yet.",)
    unsure = suggest_priority(None, today, Decimal("0"), "Listen", 0.0)
    assert unsure.needs_person  # the gap is on an area the router is unsure of


LABELS = {"listen": "Listen", "act": "Act", "survey_design": "Survey design"}


def _people() -> list[Candidate]:
    return [
        Candidate(1, "Ash", frozenset({"listen"}), frozenset({"survey_design"}), 4),
        Candidate(2, "Bea", frozenset({"listen"}), frozenset(), 0),
        Candidate(3, "Cal", frozenset({"act"}), frozenset(), 0),
    ]


def test_the_consultant_with_matching_skills_and_room_is_chosen() -> None:
    found = suggest_consultant(_people(), ["listen"], "survey_design", LABELS)
    assert found.user_id == 2 and found.name == "Bea"
    assert found.why == ("Declares Listen; 0 open requests.",)
    assert next(name for name, _ in found.alternatives) in {"Ash", "Cal"}
    quiet = [Candidate(1, "Ash", frozenset({"listen"}), frozenset({"survey_design"}), 0)]
    assert suggest_consultant(quiet + _people()[1:], ["listen"], "survey_design", LABELS).name == (
        "Ash"
    )


def test_nobody_with_matching_skills_needs_a_person() -> None:
    found = suggest_consultant(_people(), ["promote"], "advice", LABELS)
    assert found.needs_person and found.best_guess is not None
    assert found.why[0] == "Nobody has declared skills that match this request."
    empty = suggest_consultant([], ["listen"], "advice", LABELS)
    assert empty.needs_person and empty.best_guess is None


def test_two_equally_placed_consultants_need_a_person_to_choose() -> None:
    twins = [
        Candidate(1, "Ash", frozenset({"listen"}), frozenset(), 1),
        Candidate(2, "Bea", frozenset({"listen"}), frozenset(), 1),
        Candidate(3, "Cal", frozenset({"listen"}), frozenset(), 1),
    ]
    found = suggest_consultant(twins, ["listen"], "advice", LABELS)
    assert found.needs_person and found.name == "Ash"
