"""Words for naming themes: tokens, stop words and a rough stem shared by the label makers."""

from __future__ import annotations

import re
from typing import Final

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

#: Words too common in survey answers to say anything about a theme.
# fmt: off
SURVEY_STOP_WORDS: Final = frozenset((
    "also", "really", "just", "like", "think", "thing", "things", "lot", "lots", "bit", "quite",
    "get", "got", "getting", "make", "made", "would", "could", "should", "might", "must", "will",
    "shall", "can", "may", "yes", "ok", "okay", "etc", "eg", "ie", "want", "wanted", "need",
    "needs", "feel", "felt", "know", "way", "ways", "use", "used", "using", "good", "great",
    "well", "bad", "better", "best", "much", "many", "one", "two", "always", "sometimes", "often",
    "usually", "maybe", "perhaps", "actually", "especially", "generally", "overall", "sure",
    "able", "don", "doesn", "didn", "isn", "wasn", "aren", "weren", "won", "wouldn", "couldn",
    "shouldn", "ve", "ll", "re", "im", "ive", "id", "dont", "cant", "wont", "thats", "theres",
    "theyre", "youre",
))
# fmt: on
STOP_WORDS: Final = frozenset(ENGLISH_STOP_WORDS) | SURVEY_STOP_WORDS

TAG: Final = re.compile(r"\[(?:email|phone|url|ni number|postcode)\]", re.IGNORECASE)
TOKEN: Final = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*")
PHRASE_BREAK: Final = re.compile(r"[.!?;:,()\[\]{}\"“”/|\n]+|\s[-–—]\s")


def stem(word: str) -> str:
    """A rough stem, used only to treat word forms as one term ("users" -> "user")."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for ending in ("ing", "ed"):
        if len(word) > len(ending) + 3 and word.endswith(ending):
            root = word[: -len(ending)]
            if len(root) > 3 and root[-1] == root[-2] and root[-1] not in "lsz":
                root = root[:-1]
            return root
    return word


def tokens(text: str) -> list[str]:
    cleaned = TAG.sub(" ", text).lower().replace("’", "'")
    words = []
    for token in TOKEN.findall(cleaned):
        word = token.removesuffix("'s").strip("'-")
        words.append(word)
    return words


def is_content(word: str) -> bool:
    return len(word) > 2 and word not in STOP_WORDS and "'" not in word


def near_duplicate(a: str, b: str) -> bool:
    """Stems that are the same word in another form, such as "statistic" and "statistical"."""
    if a == b:
        return True
    shorter = min(len(a), len(b))
    common = 0
    for left, right in zip(a, b, strict=False):
        if left != right:
            break
        common += 1
    return common >= max(4, shorter - 1)
