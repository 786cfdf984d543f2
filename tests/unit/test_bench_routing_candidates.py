"""The routing-variant bench measures a variant on cached embeddings (tiny made-up data)."""

from __future__ import annotations

import numpy as np

from bench.routing import Split
from bench.routing_candidates import CANDIDATES, Candidate, measure

WORDS = {"refund": "money back for my order", "weather": "rain or sun today", "alarm": "wake me up"}


def _split(repeat: int, prefix: str = "") -> Split:
    texts = [f"{prefix}{text} {i}" for i in range(repeat) for text in WORDS.values()]
    return Split(texts, [label for _ in range(repeat) for label in WORDS])


def test_a_variant_is_measured_on_validation_and_test() -> None:
    data = {"train": _split(6), "val": _split(2, "please "), "test": _split(2, "now ")}
    data["oos_val"] = Split(["tell me a joke"], ["oos"])
    data["oos_test"] = Split(["what is love"], ["oos"])
    labels = [*WORDS, "oos"]
    embeddings = {  # one direction per label: the embedding block agrees with the words
        key: np.eye(4, dtype=np.float32)[[labels.index(label) for label in split.labels]]
        for key, split in data.items()
    }
    lr_terms = {key: np.zeros((len(data[key].texts), 3)) for key in data if key != "train"}
    figures = measure(Candidate("plus LR", lr_weight=0.1), data, embeddings, lr_terms)
    assert figures["validation_accuracy"] == 1.0
    assert figures["in_scope_accuracy"] == 1.0
    assert 0.0 <= figures["out_of_scope_to_person"] <= 1.0
    assert figures["svm_fit_seconds"] >= 0.0


def test_the_first_variant_is_the_routers_own_settings() -> None:
    assert CANDIDATES[0] == Candidate("current")
    assert len({item.name for item in CANDIDATES}) == len(CANDIDATES)
