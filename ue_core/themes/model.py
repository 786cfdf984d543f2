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
    nearest the theme's centre, nearest first, with repeated answers shown once. ``description``
    is one line of the first of them.
    """

    index: int
    label: str
    top_terms: tuple[str, ...]
    size: int
    representative_indices: tuple[int, ...]
    representatives: tuple[str, ...]
    #: One line of the theme's most central answer (see :func:`ue_core.themes.phrases.describe`).
    description: str = ""


@dataclass(frozen=True)
class ThemeSet:
    """Themes for a list of answers.

    ``assignments[i]`` is the theme of answer ``i`` (``-1`` only for an empty or unusable answer)
    and ``confidences[i]`` its cosine similarity to that theme's centre (0 for ``-1``).
    ``centroids`` has one L2-normalised row per theme, in the embedding space of ``backend``,
    for :func:`ue_core.themes.assign_to_themes`. Themes are numbered largest first.
    """

    themes: tuple[Theme, ...]
    assignments: tuple[int, ...]
    confidences: tuple[float, ...]
    backend: str
    seed: int
    n_themes_requested: int | None
    centroids: npt.NDArray[np.float32] = field(compare=False, repr=False)

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
    def unthemed(self) -> list[int]:
        """The indices of answers with no theme because they are empty or unusable."""
        return self.members(NO_THEME)
