"""The load benchmark's own machinery (bench/load.py) works: a short run on both databases.

Not a timing test: four demo people (a member, the lead, a second member and a consultant)
work for two seconds on small demo data; nothing raises an unexpected error, every
acknowledged save is in the database, and the lost-update check does catch a save that was
overwritten unseen.
"""

from __future__ import annotations

from dataclasses import replace

from bench.load import check_lost_updates, plan_people, prepare, run_people_in_processes
from bench.load_people import CONSULTANT, ERROR, LEAD, MEMBER, SAVE_RATING, SAVES
from ue_core.db.engine import Database
from ue_core.demo.generator import generate


def test_a_short_load_run_has_no_errors_and_no_lost_updates(any_db: Database) -> None:
    generate(any_db, scale="small")
    people = plan_people(any_db, 4)
    assert [p.kind for p in people] == [MEMBER, LEAD, MEMBER, CONSULTANT]
    assert people[0].email == "sam.patel@demo.example"
    prepare(any_db, people)

    report = run_people_in_processes(any_db.url, people, duration=2.0, think=0.1, processes=1)

    assert not report.errors, report.errors
    assert all(outcome != ERROR for _, _, outcome in report.samples)
    saves = [sample for sample in report.samples if sample[0] in SAVES]
    assert any(action == SAVE_RATING for action, _, _ in saves), report.samples
    assert report.acks, "no save was acknowledged"
    checked = check_lost_updates(any_db, report.acks)
    assert (checked.lost, checked.unacknowledged_versions) == (0, 0), checked.examples
    assert checked.acknowledged == len(report.acks)

    # A second save acknowledged on the same version as another one: one of them was lost.
    doubled = replace(report.acks[0], values=("something else",))
    assert check_lost_updates(any_db, [*report.acks, doubled]).lost == 1
    # A save the database does not hold is lost too.
    last = max(
        (a for a in report.acks if a.record == report.acks[0].record),
        key=lambda a: a.base_version,
    )
    moved_on = replace(last, base_version=last.base_version + 1, values=("never saved",))
    assert check_lost_updates(any_db, [*report.acks, moved_on]).lost == 1
