"""The survey-themes benchmark's plumbing on tiny data: readers, metrics, targets and results."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench import themes_quality, themes_speed
from bench.themes_data import (
    DataUnavailable,
    LabelledCorpus,
    find_datasets_dir,
    first_chars,
    first_words,
    quality_corpora,
    read_orange_tab,
    sample_pairs,
    survey_answers,
    survey_csv,
)
from bench.themes_quality import (
    BERTOPIC,
    FALLBACK,
    OURS,
    check_targets,
    merge_part,
    method_result,
    outlier_share,
    rows_for_table,
    score,
)
from ue_core.survey_import import ColumnMapping, prepare, read_table

TAB_HEADER = "Category\tText\nd\tstring\nclass\t\n"


def _write_tab(path: Path, rows: list[tuple[str, str]]) -> None:
    body = "".join(f"{label}\t{text}\n" for label, text in rows)
    path.write_text(TAB_HEADER + body, encoding="utf-8")


def _fake_datasets(folder: Path) -> Path:
    news = [(f"group{i % 3}", " ".join(f"w{i}x{j}" for j in range(30 + i))) for i in range(12)]
    reuters = [(f"topic{i % 2}", f"story number {i} about prices and trade") for i in range(8)]
    _write_tab(folder / "20newsgroups-train.tab", news[:8])
    _write_tab(folder / "20newsgroups-test.tab", news[8:])
    _write_tab(folder / "reuters-r8-train.tab", reuters[:5])
    _write_tab(folder / "reuters-r8-test.tab", reuters[5:])
    return folder


def test_read_orange_tab_skips_the_three_header_lines_and_blank_rows() -> None:
    text = TAB_HEADER + "sci.space\tthe  moon\tlanding\n\t\nrec.autos\t\nsci.med\tflu   shots\n"
    assert read_orange_tab(text) == [("sci.space", "the moon"), ("sci.med", "flu shots")]


def test_read_orange_tab_needs_category_and_text_columns() -> None:
    with pytest.raises(ValueError, match="Category"):
        read_orange_tab("Label\tBody\nd\tstring\nclass\t\nx\ty\n")


def test_first_words_and_first_chars_cut_cleanly() -> None:
    assert first_words("one two  three four", 2) == "one two"
    assert first_chars("short", 10) == "short"
    assert first_chars("alpha beta gamma", 12) == "alpha beta"


def test_sample_pairs_is_seeded_and_keeps_file_order() -> None:
    pairs = [(str(i), f"text {i}") for i in range(50)]
    first = sample_pairs(pairs, 10, seed=3)
    assert first == sample_pairs(pairs, 10, seed=3)
    assert first != sample_pairs(pairs, 10, seed=4)
    assert [int(label) for label, _ in first] == sorted(int(label) for label, _ in first)
    assert sample_pairs(pairs, 100, seed=0) == pairs


def test_quality_corpora_reads_a_datasets_folder(tmp_path: Path) -> None:
    folder = _fake_datasets(tmp_path)
    short, posts, reuters = quality_corpora(
        10, 0, post_chars=40, short_words=20, long_docs=6, folder=folder
    )
    assert (short.name, posts.name, reuters.name) == (
        "20newsgroups_short",
        "20newsgroups",
        "reuters_r8",
    )
    assert len(short.texts) == 10 and len(posts.texts) == 6 and len(reuters.texts) == 6
    assert all(len(text.split()) == 20 for text in short.texts)
    assert all(len(text) <= 40 for text in posts.texts + reuters.texts)
    # The long posts are among the posts the short cut was made from.
    assert {text.split()[0] for text in posts.texts} <= {t.split()[0] for t in short.texts}


def test_find_datasets_dir_honours_the_environment_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _fake_datasets(tmp_path)
    monkeypatch.setenv("UE_BENCH_TEXT_DATASETS", str(folder))
    assert find_datasets_dir() == folder


def test_find_datasets_dir_explains_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UE_BENCH_TEXT_DATASETS", str(tmp_path))
    monkeypatch.setattr("bench.themes_data.sys.path", [])
    monkeypatch.setattr("bench.themes_data.DEFAULT_BENCH_LIB", tmp_path / "nowhere")
    with pytest.raises(DataUnavailable, match=r"requirements-bench\.txt"):
        find_datasets_dir()


def test_labelled_corpus_needs_one_label_per_text() -> None:
    with pytest.raises(ValueError, match="one label per text"):
        LabelledCorpus("x", ("a", "b"), ("l",), "bad")


def test_score_is_perfect_for_a_relabelling_and_counts_outliers_as_a_cluster() -> None:
    truth = ["a", "a", "b", "b", "c", "c"]
    assert score(truth, [2, 2, 0, 0, 1, 1]) == {"v_measure": 1.0, "ari": 1.0}
    with_outliers = score(truth, [-1, -1, -1, -1, 1, 1])
    assert with_outliers["v_measure"] < 1.0
    assert with_outliers["ari"] < 1.0
    with pytest.raises(ValueError, match="one prediction per label"):
        score(truth, [0])


def test_method_result_reports_clusters_and_outlier_share() -> None:
    result = method_result(["a", "a", "b", "b"], [0, -1, 1, 1], 1.234)
    assert result["clusters"] == 2
    assert result["outlier_share"] == 0.25
    assert result["seconds"] == 1.23
    assert outlier_share([]) == 0.0


def _datasets(ours: tuple[float, float], theirs: tuple[float, float]) -> dict[str, object]:
    def figures(v: float, ari: float) -> dict[str, float]:
        return {"v_measure": v, "ari": ari, "seconds": 1.0}

    return {
        "20newsgroups_short": {
            "methods": {
                OURS: {**figures(*ours), "embedding_seconds": 2.0},
                FALLBACK: figures(0.1, 0.05),
                BERTOPIC: figures(*theirs),
            }
        }
    }


def test_check_targets_against_the_issue_and_bertopic() -> None:
    met = check_targets(_datasets((0.5, 0.3), (0.4, 0.2)))  # type: ignore[arg-type]
    assert met["v_measure_met"] and met["ari_met"] and met["not_below_bertopic"]
    missed = check_targets(_datasets((0.44, 0.3), (0.45, 0.1)))  # type: ignore[arg-type]
    assert not missed["v_measure_met"] and missed["ari_met"]
    assert not missed["not_below_bertopic"]
    assert check_targets({}) == {}


def test_rows_for_table_adds_embedding_time_to_ours() -> None:
    rows = rows_for_table(_datasets((0.5, 0.3), (0.4, 0.2)))  # type: ignore[arg-type]
    seconds = {row["method"]: row["seconds"] for row in rows}
    assert seconds[OURS] == 3.0 and seconds[FALLBACK] == 1.0


def test_merge_part_keeps_the_other_part_and_other_sections(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    path.write_text(json.dumps({"page_latency": {"pages": 3}}), encoding="utf-8")
    merge_part("quality", {"seed": 0}, path)
    merge_part("speed", {"runs": []}, path)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["page_latency"] == {"pages": 3}
    assert document["themes"]["quality"] == {"seed": 0}
    assert document["themes"]["speed"] == {"runs": []}


def test_survey_answers_are_seeded_and_import_through_the_real_importer() -> None:
    answers = survey_answers(40, seed=1)
    assert answers == survey_answers(40, seed=1)
    assert len(set(answers)) > 20
    raw = read_table(survey_csv(answers, seed=1), "survey.csv")
    mapping = ColumnMapping("Respondent ID", ["What are the barriers?"], ["Organisation type"])
    texts = prepare(raw, mapping).texts("What are the barriers?")
    assert len(texts) == 40
    assert texts[0] == " ".join(answers[0].split()) or texts[0] == answers[0]


def _run(
    answers: int, backend: str, seconds: float, recluster: float, peak: float
) -> dict[str, Any]:
    return {
        "answers": answers,
        "backend": backend,
        "import_seconds": 1.0,
        "embed_seconds": seconds - 2.0,
        "cluster_seconds": 1.0,
        "import_to_themes_seconds": seconds,
        "recluster_seconds": recluster,
        "peak_rss_mb": peak,
    }


def test_speed_targets_and_the_onnx_estimate() -> None:
    runs = [
        {**_run(20_000, "minilm-onnx-int8", 50.0, 2.0, 900.0), "share_of_raw": 0.9},
        _run(100_000, "tfidf-lsa", 700.0, 3.0, 2_500.0),
    ]
    checks = themes_speed.check_targets(runs)
    assert checks["20k_minilm-onnx-int8_under_60s"]
    assert checks["20k_minilm-onnx-int8_recluster_under_5s"]
    assert checks["20k_minilm-onnx-int8_within_15pc_of_raw"]
    assert not checks["100k_tfidf-lsa_under_360s"]
    assert not checks["100k_tfidf-lsa_peak_under_2GB"]
    assert "100k_tfidf-lsa_within_15pc_of_raw" not in checks
    runs[0]["share_of_raw"] = 0.8
    assert not themes_speed.check_targets(runs)["20k_minilm-onnx-int8_within_15pc_of_raw"]
    estimate = themes_speed.onnx_estimate(runs, 100_000)
    assert estimate is not None
    assert estimate["from_run_of"] == 20_000
    assert estimate["estimated_import_to_themes_seconds"] == 250.0
    assert themes_speed.onnx_estimate(runs[1:], 100_000) is None


def test_the_raw_sample_halves_share_the_length_spread_and_cover_every_distinct_answer() -> None:
    texts = ["b", "a", "a", "ccc", "dd", "--", "eeeee", "ffff"]
    first = themes_speed.raw_sample(texts, 0, 1.0)
    second = themes_speed.raw_sample(texts, 1, 1.0)
    assert sorted(first + second) == ["a", "b", "ccc", "dd", "eeeee", "ffff"]
    # Sorted by length, then every other one: both halves have short and long answers.
    assert first == ["a", "dd", "ffff"] and second == ["b", "ccc", "eeeee"]
    assert themes_speed.raw_sample(texts, 0, 0.5) == ["a", "ffff"]


def test_raw_figures_add_the_two_halves_and_give_the_pipelines_share() -> None:
    run = {"embed_texts_per_second": 90.0, "embed_texts_per_cpu_second": 45.0}
    first = {"texts": 500, "seconds": 5.0, "cpu_seconds": 10.0, "load_average": ["1", "2"]}
    second = {"texts": 500, "seconds": 5.0, "cpu_seconds": 10.0, "load_average": ["3", "4"]}
    figures = themes_speed.raw_figures(run, first, second, 1.0)
    assert figures["raw_texts_per_second"] == 100.0
    assert figures["share_of_raw"] == 0.9
    assert figures["raw_texts_per_cpu_second"] == 50.0
    assert figures["cpu_share_of_raw"] == 0.9
    assert figures["raw_load_average"] == ["1", "2", "3", "4"]


def test_measure_on_a_tiny_survey_with_the_fallback_backend() -> None:
    result = themes_speed.measure(60, seed=0, backend="tfidf-lsa")
    assert result["answers"] == 60
    assert result["backend"] == "tfidf-lsa"
    assert result["n_themes"] >= 2
    assert result["peak_rss_mb"] > 0
    assert result["import_to_themes_seconds"] >= result["embed_seconds"]
    assert result["embed_texts_per_second"] > 0
    assert result["distinct_word_piece_sequences"] is None


def test_quality_run_corpus_without_bertopic_on_tiny_data() -> None:
    corpus = LabelledCorpus(
        "tiny",
        (
            "rockets and orbit launch",
            "orbit of the moon rocket",
            "hockey game last night",
            "the hockey season game",
        ),
        ("space", "space", "sport", "sport"),
        "four documents",
    )
    figures = themes_quality.run_corpus(corpus, 0, with_bertopic=False, backend="tfidf-lsa")
    assert set(figures["methods"]) == {OURS, FALLBACK}
    assert figures["true_themes"] == 2
    assert 0.0 <= figures["methods"][OURS]["v_measure"] <= 1.0
