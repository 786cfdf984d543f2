"""Answers that say there is nothing to say: "None", "no barriers", "nothing comes to mind".

Sentence embeddings put "honestly no barriers" close to "staff time is the main barrier", because
both talk about barriers; a person reading the answers puts the first with "None". An answer
*says none* when it holds a negation and, apart from the negation, only words that name no
particular thing: stop words, filler, and the words a question uses for its subject
("barriers", "issues", "problems"). "No budget" and "not enough time" name a barrier, so they do
not say none.

:func:`stance_adjusted` moves the embeddings of answers that say none part of the way towards
their common centre, so k-means keeps them together and apart from answers that name a barrier.
The benchmark ``python -m bench --only theme_stance`` measures whether that helps.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt

from ue_core.themes.words import STOP_WORDS, TAG, TOKEN

#: Words that say "there is none" on their own or negate what follows.
NEGATION_WORDS: Final = frozenset(
    ("no", "not", "none", "nothing", "nil", "never", "nope", "nah", "without", "n/a", "na")
)
#: The words a question uses for its subject, which an answer saying none may name.
# fmt: off
NONE_SUBJECTS: Final = frozenset((
    "barrier", "barriers", "issue", "issues", "problem", "problems", "challenge", "challenges",
    "difficulty", "difficulties", "obstacle", "obstacles", "concern", "concerns", "blocker",
    "blockers",
))
#: Words that name no particular thing in an answer that says none.
SUBJECT_WORDS: Final = NONE_SUBJECTS | frozenset((
    "comment", "comments", "answer", "applicable", "particular", "specific", "real",
    "really", "honestly", "think", "mind", "comes", "come", "springs", "spring", "currently",
    "moment", "present", "far", "major", "big", "main", "especially", "aware", "today",
    "right", "now", "stops", "stop", "us", "anything", "else", "add",
))
# fmt: on
#: Words of an answer that is unsure rather than saying none ("not sure", "I don't know").
UNSURE_WORDS: Final = frozenset(("sure", "unsure", "know", "knows", "idea", "certain", "say"))
#: How far (as a share) an answer that says none moves towards the centre of all such answers.
STANCE_PULL: Final = 0.5


def says_none(text: str) -> bool:
    """True when an answer says there is nothing: a negation and no word naming a thing.

    "n/a", "None", "no real barriers at the moment" and "I don't think we have any" say none;
    "No budget", "not enough time" and "no one has the skills" do not, and nor do answers that
    are unsure ("not sure", "I don't know").
    """
    cleaned = TAG.sub(" ", text).lower().replace("\u2019", "'").replace("n/a", " na ")
    words = TOKEN.findall(cleaned)
    if not words:
        return False
    negated = any(word in NEGATION_WORDS or word.endswith("n't") for word in words)
    if not negated or any(word in UNSURE_WORDS for word in words):
        return False
    return all(
        word in NEGATION_WORDS
        or word in STOP_WORDS
        or word in SUBJECT_WORDS
        or word.endswith("n't")
        or "'" in word
        for word in words
    )


def stance_adjusted(
    texts: Sequence[str], embeddings: npt.ArrayLike, pull: float = STANCE_PULL
) -> npt.NDArray[np.float32]:
    """Embeddings with the answers that say none moved ``pull`` of the way to their centre.

    Rows are L2-normalised again afterwards. Fewer than two such answers: nothing changes.
    """
    matrix = np.array(embeddings, dtype=np.float32, copy=True)
    if not 0.0 <= pull <= 1.0:
        raise ValueError("The pull must be between 0 and 1")
    chosen = np.array([says_none(text) for text in texts], dtype=bool)
    chosen &= np.any(matrix != 0, axis=1)
    if chosen.sum() < 2 or pull == 0.0:
        return matrix
    centre = matrix[chosen].mean(axis=0)
    norm = float(np.linalg.norm(centre))
    if norm == 0.0:
        return matrix
    moved = (1.0 - pull) * matrix[chosen] + pull * (centre / norm)
    lengths = np.linalg.norm(moved, axis=1, keepdims=True)
    matrix[chosen] = moved / np.where(lengths > 0, lengths, 1.0)
    return matrix


__all__ = [
    "NEGATION_WORDS",
    "NONE_SUBJECTS",
    "STANCE_PULL",
    "SUBJECT_WORDS",
    "UNSURE_WORDS",
    "says_none",
    "stance_adjusted",
]
