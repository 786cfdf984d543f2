"""Themes for survey free text: embed answers, group them with k-means, and label the groups.

Typical use::

    theme_set = discover_themes(answers)                 # suggested number of themes
    embeddings, backend = embed_texts(answers)           # keep these to re-cluster quickly
    eight = cluster_embeddings(answers, embeddings, 8, seed=0, backend=backend)
    new_vectors, _ = embed_texts(new_answers, backend=backend, fit_texts=answers)
    indices, confidence = assign_to_themes(new_vectors, eight.centroids)
"""

from ue_core.themes.clustering import (
    assign_to_themes,
    cluster_embeddings,
    discover_themes,
    suggest_n_themes,
)
from ue_core.themes.embedding import (
    BACKEND_ENV_VAR,
    BACKENDS,
    MINILM_ONNX,
    MINILM_TORCH,
    TFIDF_LSA,
    BackendUnavailable,
    ModelIntegrityError,
    backend_status,
    choose_backend,
    embed_texts,
    is_usable,
)
from ue_core.themes.labels import ThemeLabel, label_themes
from ue_core.themes.model import NO_THEME, Theme, ThemeSet

__all__ = [
    "BACKENDS",
    "BACKEND_ENV_VAR",
    "MINILM_ONNX",
    "MINILM_TORCH",
    "NO_THEME",
    "TFIDF_LSA",
    "BackendUnavailable",
    "ModelIntegrityError",
    "Theme",
    "ThemeLabel",
    "ThemeSet",
    "assign_to_themes",
    "backend_status",
    "choose_backend",
    "cluster_embeddings",
    "discover_themes",
    "embed_texts",
    "is_usable",
    "label_themes",
    "suggest_n_themes",
]
