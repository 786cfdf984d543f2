"""The benchmark's statistics, its plain-text tables and the merging of results.json sections."""

from __future__ import annotations

import json

import pytest

from bench.pages import Measurement, rows_for_table
from bench.report import Column, format_table, median, merge_results, percentile, ratio


def test_median_of_odd_and_even_counts() -> None:
    assert median([5.0, 1.0, 3.0]) == 3.0
    assert median([4.0, 1.0, 3.0, 2.0]) == 2.5


def test_median_ignores_one_slow_cold_run() -> None:
    assert median([900.0, 100.0, 110.0, 105.0, 120.0]) == 110.0


def test_percentile_interpolates_between_ranks() -> None:
    runs = [10.0, 20.0, 30.0, 40.0, 50.0]
    assert percentile(runs, 0) == 10.0
    assert percentile(runs, 50) == 30.0
    assert percentile(runs, 100) == 50.0
    assert percentile(runs, 90) == pytest.approx(46.0)
    assert percentile([7.0], 90) == 7.0


def test_statistics_refuse_no_values_and_bad_percentiles() -> None:
    with pytest.raises(ValueError):
        median([])
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_ratio_to_the_empty_page() -> None:
    assert ratio(250.0, 50.0) == 5.0
    assert ratio(10.0, 0.0) is None


def test_measurement_summary_and_status() -> None:
    measured = Measurement(sessions=[[300.0, 100.0, 120.0]])
    assert measured.median_ms == 120.0
    assert measured.first_run_ms == 300.0
    assert measured.warm_p90_ms == pytest.approx(118.0)
    assert measured.status == "ok"
    assert Measurement(sessions=[[50.0]]).warm_p90_ms is None


def test_merged_measurement_keeps_cold_runs_out_of_the_warm_figures() -> None:
    before = Measurement(sessions=[[300.0, 4.0, 6.0]])
    after = Measurement(sessions=[[250.0, 5.0, 3.0]])
    both = before.merge(after)
    assert both.runs_ms == [300.0, 4.0, 6.0, 250.0, 5.0, 3.0]
    assert both.warm_ms == [4.0, 6.0, 5.0, 3.0]
    assert both.median_ms == 5.5
    assert both.first_run_ms == 300.0
    assert Measurement(timed_out=True).median_ms is None
    assert Measurement(timed_out=True).status == "error: timed out after 120 s"
    assert Measurement(error="KeyError: 'x'").status == "error: KeyError: 'x'"


def test_table_aligns_columns_and_formats_numbers() -> None:
    columns = [Column("page", "Page"), Column("ms", "Median ms", "right", ",.0f")]
    table = format_table([{"page": "Home", "ms": 1234.4}, {"page": "Admin", "ms": None}], columns)
    assert table.splitlines() == [
        "Page   Median ms",
        "-----  ---------",
        "Home       1,234",
        "Admin          -",
    ]


def test_table_needs_columns() -> None:
    with pytest.raises(ValueError):
        format_table([{"a": 1}], [])


def test_merge_keeps_other_sections(tmp_path) -> None:
    path = tmp_path / "results.json"
    merge_results("themes", {"coherence": 0.4}, path)
    merge_results("page_latency", {"empty_page_median_ms": 5.0, "pages": []}, path)
    merged = merge_results("themes", {"coherence": 0.5}, path)

    stored = json.loads(path.read_text(encoding="utf-8"))
    assert stored == merged
    assert list(stored) == ["generated_at", "machine", "themes", "page_latency"]
    assert stored["themes"]["coherence"] == 0.5
    assert stored["page_latency"]["empty_page_median_ms"] == 5.0
    assert stored["themes"]["measured_at"].endswith("Z")
    assert stored["machine"]["cpu_count"] >= 1


def test_merge_refuses_the_reserved_keys(tmp_path) -> None:
    with pytest.raises(ValueError):
        merge_results("machine", {}, tmp_path / "results.json")


def test_table_rows_from_a_stored_section() -> None:
    section = {
        "empty_page_median_ms": 4.0,
        "empty_page_warm_p90_ms": 6.0,
        "empty_page_first_run_ms": 9.0,
        "pages": [
            {"title": "Home", "median_ms": 40.0, "status": "ok", "error": None},
            {"title": "Triage", "median_ms": None, "status": "error", "error": "timed out"},
        ],
    }
    rows = rows_for_table(section)
    assert [row["status"] for row in rows] == ["ok", "ok", "error: timed out"]
    assert rows[0]["first_run_ms"] == 9.0


def test_readme_table_is_replaced_between_the_markers(tmp_path) -> None:
    from bench.__main__ import TABLE_END, TABLE_START, update_readme

    readme = tmp_path / "README.md"
    readme.write_text(f"# Bench\n\n{TABLE_START}\nold table\n{TABLE_END}\n\nMore.\n")
    assert update_readme("Page  ms\nHome  12", readme)
    text = readme.read_text()
    assert "old table" not in text
    assert f"{TABLE_START}\n```text\nPage  ms\nHome  12\n```\n{TABLE_END}" in text
    assert text.endswith("More.\n")
    assert not update_readme("x", tmp_path / "missing.md")


def test_warm_median_and_best_leave_the_cold_run_out() -> None:
    measured = Measurement(sessions=[[900.0, 40.0, 60.0, 50.0], [800.0, 30.0]])
    assert measured.warm_median_ms == 45.0
    assert measured.warm_best_ms == 30.0
    assert Measurement(sessions=[[900.0]]).warm_best_ms is None


def test_a_compared_section_shows_before_and_after_side_by_side() -> None:
    from bench.pages import COMPARE_COLUMNS, TABLE_COLUMNS, table_columns

    page = {
        "title": "Admin",
        "role_label": "Admin",
        "median_ms": 90.0,
        "warm_median_ms": 80.0,
        "warm_best_ms": 70.0,
        "warm_p90_ms": 95.0,
        "status": "ok",
        "error": None,
        "shown_errors": [],
        "before": {"warm_median_ms": 900.0, "warm_best_ms": 850.0, "warm_p90_ms": 990.0},
    }
    section = {
        "empty_page_median_ms": 2.0,
        "empty_page_runs_ms": [2.0, 2.0],
        "compared_with": {"ref": "main", "commit": "abc", "empty_page_median_ms": 2.5},
        "pages": [page],
    }
    assert table_columns(section) == COMPARE_COLUMNS
    assert table_columns({"pages": []}) == TABLE_COLUMNS
    empty, admin = rows_for_table(section)
    assert empty["before_warm_median_ms"] == 2.5
    assert (admin["before_warm_median_ms"], admin["warm_median_ms"]) == (900.0, 80.0)
    assert (admin["before_warm_best_ms"], admin["warm_best_ms"]) == (850.0, 70.0)
    lines = format_table([empty, admin], COMPARE_COLUMNS).splitlines()
    assert lines[0].split()[:4] == ["Page", "Role", "Before", "warm"]
    assert lines[-1].split()[2:4] == ["900", "80"]
