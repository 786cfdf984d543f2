"""The result of theming a free-text question."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

#: The theme index given to an empty or unusable answer (one with no letter or digit).
NO_THEME = -1


@dataclass(frozen=True)
class Theme:
    """One theme: a readable label, its top terms, its size and its most typical answers.

    ``representative_indices`` point into the texts that were themed; they are the answers
    nearest the theme's centre, nearest first, with repeated answers shown once. A finer theme
    (a sub-theme) names its top-level theme in ``parent``, an index into
    ``ThemeSet.top_themes``; a top-level theme has ``parent`` None. ``description`` is one line
    of the first representative.
    """

    index: int
    label: str
    top_terms: tuple[str, ...]
    size: int
    representative_indices: tuple[int, ...]
    representatives: tuple[str, ...]
    parent: int | None = None
    #: One line of the theme's most central answer (see :func:`ue_core.themes.phrases.describe`).
    description: str = ""


@dataclass(frozen=True)
class ThemeSet:
    """Themes for a list of answers, at two levels.

    ``themes`` are the finer level (sub-themes): ``assignments[i]`` is the sub-theme of answer
    ``i`` (``-1`` only for an empty or unusable answer) and ``confidences[i]`` its cosine
    similarity to that sub-theme's centre (0 for ``-1``). ``centroids`` has one L2-normalised
    row per sub-theme, in the embedding space of ``backend``, for
    :func:`ue_core.themes.assign_to_themes`. ``top_themes`` are the top level: each groups whole
    sub-themes (``Theme.parent``), so an answer's top-level theme is its sub-theme's parent, and
    ``top_centroids`` has one row per top-level theme. Both levels are numbered largest first.
    """

    themes: tuple[Theme, ...]
    assignments: tuple[int, ...]
    confidences: tuple[float, ...]
    backend: str
    seed: int
    n_themes_requested: int | None
    centroids: npt.NDArray[np.float32] = field(compare=False, repr=False)
    top_themes: tuple[Theme, ...] = ()
    top_centroids: npt.NDArray[np.float32] | None = field(default=None, compare=False, repr=False)
    n_top_themes_requested: int | None = None

    @property
    def n_themes(self) -> int:
        """How many themes there are."""
        return len(self.themes)

    @property
    def suggested(self) -> bool:
        """True when the number of themes was suggested rather than chosen by a person."""
        return self.n_themes_requested is None

    @property
    def labels(self) -> tuple[str, ...]:
        """Every theme's label, in theme order."""
        return tuple(theme.label for theme in self.themes)

    def members(self, theme_index: int) -> list[int]:
        """The indices of the answers in one theme."""
        return [i for i, theme in enumerate(self.assignments) if theme == theme_index]

    @property
    def n_top_themes(self) -> int:
        """How many top-level themes there are."""
        return len(self.top_themes)

    @property
    def top_assignments(self) -> tuple[int, ...]:
        """Each answer's top-level theme (``-1`` for an answer with no theme)."""
        parents = [theme.parent for theme in self.themes]
        return tuple(
            NO_THEME if theme < 0 or parents[theme] is None else int(parents[theme] or 0)
            for theme in self.assignments
        )

    def children(self, top_index: int) -> list[Theme]:
        """The sub-themes of one top-level theme, largest first."""
        return [theme for theme in self.themes if theme.parent == top_index]

    @property
    def unthemed(self) -> list[int]:
        """The indices of answers with no theme because they are empty or unusable."""
        return self.members(NO_THEME)
