"""A request router: suggests a label for a request's text, with a calibrated confidence.

The model is one linear support vector machine over three blocks of features of each text:
TF-IDF word unigrams and bigrams, TF-IDF character n-grams (2 to 5, within words), and the
text's sentence embedding from :mod:`ue_core.themes.embedding` (scaled up so the dense block
counts as much as the sparse ones). When only the TF-IDF fallback embedding is installed the
embedding block is left out: it would repeat the word block.

Confidences are the softmax of the machine's scores at a temperature fitted on held-out
requests (temperature scaling, Guo et al. 2017), so a confidence of 0.8 is right about 80% of
the time on data like the training data. Below :attr:`RequestRouter.threshold` a suggestion
says the request needs a person rather than guessing.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.optimize import minimize_scalar
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from ue_core.themes.embedding import TFIDF_LSA, choose_backend, embed_texts, normalise_rows

FloatMatrix = npt.NDArray[np.float64]

#: The label of a suggestion whose confidence is below the router's threshold.
NEEDS_A_PERSON: Final = "needs a person"
#: The confidence below which a suggestion says "needs a person", unless a router is given one.
DEFAULT_THRESHOLD: Final = 0.5
#: How many alternatives a suggestion lists after its label.
ALTERNATIVES: Final = 3
#: The weight of the embedding block against the TF-IDF blocks (each row has length 1).
EMBEDDING_WEIGHT: Final = 2.0
#: The support vector machine's regularisation (smaller is smoother).
SVM_C: Final = 0.5
#: The share of each label's examples held out to fit the temperature.
CALIBRATION_SHARE: Final = 0.25
#: Temperatures searched when calibrating (scores of a linear SVM are mostly within -2 to 2).
TEMPERATURE_BOUNDS: Final = (0.005, 10.0)
#: The temperature used when there are too few examples to hold any out.
UNCALIBRATED_TEMPERATURE: Final = 0.1


@dataclass(frozen=True)
class RouteSuggestion:
    """A suggested label for one request.

    ``label`` is the most likely label, or :data:`NEEDS_A_PERSON` when its confidence is below
    the router's threshold (``best_guess`` keeps it either way). ``confidence`` is the
    calibrated probability of ``best_guess``. ``alternatives`` are the next most likely labels
    with their probabilities, most likely first.
    """

    label: str
    confidence: float
    alternatives: tuple[tuple[str, float], ...]
    best_guess: str

    @property
    def needs_person(self) -> bool:
        """True when the router would not guess."""
        return self.label == NEEDS_A_PERSON


@dataclass(frozen=True)
class _Features:
    words: TfidfVectorizer
    characters: TfidfVectorizer
    backend: str

    @classmethod
    def fit(cls, texts: Sequence[str], backend: str) -> _Features:
        words = TfidfVectorizer(
            ngram_range=(1, 2), sublinear_tf=True, lowercase=True, dtype=np.float32
        )
        characters = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(2, 5),
            sublinear_tf=True,
            lowercase=True,
            min_df=2 if len(texts) >= 200 else 1,
            dtype=np.float32,
        )
        words.fit(texts)
        characters.fit(texts)
        return cls(words, characters, backend)

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32] | None:
        """Sentence embeddings (rows of length 1), or None for the TF-IDF fallback."""
        if self.backend == TFIDF_LSA:
            return None
        vectors, _ = embed_texts(list(texts), backend=self.backend)
        return vectors

    def matrix(
        self, texts: Sequence[str], embeddings: npt.NDArray[np.float32] | None
    ) -> sparse.csr_matrix:
        blocks: list[sparse.spmatrix] = [
            self.words.transform(texts),
            self.characters.transform(texts),
        ]
        if embeddings is not None:
            blocks.append(sparse.csr_matrix(embeddings * np.float32(EMBEDDING_WEIGHT)))
        return sparse.csr_matrix(sparse.hstack(blocks, format="csr"))

    def neighbour_vectors(
        self, texts: Sequence[str], embeddings: npt.NDArray[np.float32] | None
    ) -> npt.NDArray[np.float32]:
        """Vectors for finding similar requests: the embeddings, else TF-IDF word rows."""
        if embeddings is not None:
            return embeddings
        return normalise_rows(self.words.transform(texts).toarray())


def _softmax(scores: FloatMatrix, temperature: float) -> FloatMatrix:
    scaled = scores / temperature
    scaled -= scaled.max(axis=1, keepdims=True)
    weights = np.exp(scaled)
    result: FloatMatrix = weights / weights.sum(axis=1, keepdims=True)
    return result


def _fit_temperature(scores: FloatMatrix, truth: npt.NDArray[np.int64]) -> float:
    """The temperature that minimises the negative log-likelihood of the true labels."""

    def loss(log_temperature: float) -> float:
        probabilities = _softmax(scores, float(np.exp(log_temperature)))
        picked = probabilities[np.arange(len(truth)), truth]
        return float(-np.log(np.clip(picked, 1e-12, None)).mean())

    low, high = (float(np.log(bound)) for bound in TEMPERATURE_BOUNDS)
    found = minimize_scalar(loss, bounds=(low, high), method="bounded")
    return float(np.exp(found.x))


def _calibration_split(
    label_ids: npt.NDArray[np.int64], seed: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] | None:
    """Indices to train on and to hold out: a share of each label with two or more examples.

    None when no label has two examples, or every held-out label would be missing from training.
    """
    rng = np.random.default_rng(seed)
    held: list[int] = []
    for label in np.unique(label_ids):
        members = np.flatnonzero(label_ids == label)
        if len(members) < 2:
            continue
        count = max(1, round(len(members) * CALIBRATION_SHARE))
        held.extend(rng.permutation(members)[:count].tolist())
    if not held:
        return None
    held_out = np.array(sorted(held), dtype=np.int64)
    keep = np.setdiff1d(np.arange(len(label_ids)), held_out)
    if len(np.unique(label_ids[keep])) < 2:
        return None
    return keep, held_out


def _svm(seed: int) -> LinearSVC:
    return LinearSVC(C=SVM_C, random_state=seed)


def _fit_svm(matrix: sparse.csr_matrix, label_ids: npt.NDArray[np.int64], seed: int) -> LinearSVC:
    model = _svm(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(matrix, label_ids)
    return model


def _scores(model: LinearSVC, matrix: sparse.csr_matrix, n_labels: int) -> FloatMatrix:
    """Scores for every label (a two-label machine gives one score; this gives both)."""
    raw = np.asarray(model.decision_function(matrix), dtype=np.float64)
    if raw.ndim == 1:
        raw = np.column_stack([-raw, raw])
    result = np.full((matrix.shape[0], n_labels), -1e6, dtype=np.float64)
    result[:, np.asarray(model.classes_, dtype=np.int64)] = raw
    return result


@dataclass(frozen=True)
class SimilarRequest:
    """A past request like the one being routed: why a suggestion was made."""

    index: int
    text: str
    label: str
    similarity: float


class RequestRouter:
    """Suggests labels for requests, learnt from labelled past requests.

    Build one with :meth:`fit`; then :meth:`suggest` labels new texts and :meth:`why` finds
    the past requests each one resembles.
    """

    def __init__(
        self,
        *,
        labels: tuple[str, ...],
        features: _Features,
        model: LinearSVC,
        temperature: float,
        texts: tuple[str, ...],
        text_labels: tuple[str, ...],
        neighbours: npt.NDArray[np.float32],
        threshold: float = DEFAULT_THRESHOLD,
    ) -> None:
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"The threshold must be between 0 and 1, not {threshold}")
        self.labels = labels
        self.temperature = temperature
        self.threshold = threshold
        self._features = features
        self._model = model
        self._texts = texts
        self._text_labels = text_labels
        self._neighbours = neighbours

    @property
    def backend(self) -> str:
        """The embedding backend the router uses (``tfidf-lsa`` means no sentence model)."""
        return self._features.backend

    @classmethod
    def fit(
        cls,
        texts: Sequence[str],
        labels: Sequence[str],
        seed: int = 0,
        *,
        backend: str | None = None,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> RequestRouter:
        """Learn from past requests ``texts`` and the ``labels`` people gave them.

        ``backend`` forces an embedding backend (see :func:`ue_core.themes.choose_backend`).
        The same texts, labels and seed always give the same router.
        """
        if len(texts) != len(labels):
            raise ValueError(f"There are {len(texts)} texts but {len(labels)} labels")
        names = tuple(sorted(set(labels)))
        if len(names) < 2:
            raise ValueError("A router needs past requests with at least two different labels")
        text_list = [str(text) for text in texts]
        label_ids = np.array([names.index(label) for label in labels], dtype=np.int64)
        features = _Features.fit(text_list, choose_backend(backend))
        embeddings = features.embed(text_list)
        matrix = features.matrix(text_list, embeddings)

        temperature = UNCALIBRATED_TEMPERATURE
        split = _calibration_split(label_ids, seed)
        if split is not None:
            keep, held_out = split
            partial = _fit_svm(matrix[keep], label_ids[keep], seed)
            held_scores = _scores(partial, matrix[held_out], len(names))
            temperature = _fit_temperature(held_scores, label_ids[held_out])
        model = _fit_svm(matrix, label_ids, seed)
        return cls(
            labels=names,
            features=features,
            model=model,
            temperature=temperature,
            texts=tuple(text_list),
            text_labels=tuple(labels),
            neighbours=features.neighbour_vectors(text_list, embeddings),
            threshold=threshold,
        )

    def with_threshold(self, threshold: float) -> RequestRouter:
        """The same router with another "needs a person" threshold."""
        return self._replaced(self.temperature, threshold)

    def with_temperature(self, temperature: float) -> RequestRouter:
        """The same router with a set temperature (higher gives more cautious confidences)."""
        if temperature <= 0:
            raise ValueError(f"The temperature must be above 0, not {temperature}")
        return self._replaced(temperature, self.threshold)

    def _replaced(self, temperature: float, threshold: float) -> RequestRouter:
        return RequestRouter(
            labels=self.labels,
            features=self._features,
            model=self._model,
            temperature=temperature,
            texts=self._texts,
            text_labels=self._text_labels,
            neighbours=self._neighbours,
            threshold=threshold,
        )

    def probabilities(
        self, texts: Sequence[str], embeddings: npt.NDArray[np.float32] | None = None
    ) -> FloatMatrix:
        """Calibrated probabilities: one row per text, one column per label in ``labels``.

        ``embeddings`` may pass the texts' sentence embeddings already computed with this
        router's backend (benchmarks reuse them); by default they are computed here.
        """
        text_list = [str(text) for text in texts]
        if not text_list:
            return np.zeros((0, len(self.labels)), dtype=np.float64)
        if embeddings is None:
            embeddings = self._features.embed(text_list)
        elif self.backend == TFIDF_LSA:
            embeddings = None
        matrix = self._features.matrix(text_list, embeddings)
        return _softmax(_scores(self._model, matrix, len(self.labels)), self.temperature)

    def suggest(
        self, texts: Sequence[str], embeddings: npt.NDArray[np.float32] | None = None
    ) -> list[RouteSuggestion]:
        """One suggestion per text, in order."""
        return [self._suggestion(row) for row in self.probabilities(texts, embeddings)]

    def _suggestion(self, row: FloatMatrix) -> RouteSuggestion:
        order = np.argsort(-row, kind="stable")
        best = self.labels[int(order[0])]
        confidence = float(row[order[0]])
        alternatives = tuple(
            (self.labels[int(index)], float(row[index])) for index in order[1 : 1 + ALTERNATIVES]
        )
        label = best if confidence >= self.threshold else NEEDS_A_PERSON
        return RouteSuggestion(
            label=label, confidence=confidence, alternatives=alternatives, best_guess=best
        )

    def why(self, text: str, k: int = 3, label: str | None = None) -> list[SimilarRequest]:
        """The ``k`` past requests most like ``text``, most similar first.

        With ``label``, only past requests given that label: the ones behind a suggestion.
        """
        embeddings = self._features.embed([text])
        vector = self._features.neighbour_vectors([text], embeddings)[0]
        similarity = self._neighbours @ vector
        candidates = np.arange(len(self._texts))
        if label is not None:
            candidates = np.array(
                [i for i, given in enumerate(self._text_labels) if given == label], dtype=np.int64
            )
        if len(candidates) == 0 or k <= 0:
            return []
        ranked = candidates[np.argsort(-similarity[candidates], kind="stable")][:k]
        return [
            SimilarRequest(
                index=int(i),
                text=self._texts[i],
                label=self._text_labels[i],
                similarity=float(similarity[i]),
            )
            for i in ranked
        ]
