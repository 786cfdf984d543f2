"""Content in data/ is in our own words: no passage copied from the source documents.

The seeds (the public documents the product was conceived from) live in ``shared/seeds`` beside
the repository, or in /work/shared/seeds. Facts from them carry over into our content; their
sentences do not. A content text fails when it shares ``RUN`` or more consecutive words with any
seed, after folding case and dropping punctuation, unless it is marked as a quotation: the
``text`` of an entry under a ``quotes:`` key, which the app shows as a quotation with its source.

Citations are not prose, so they are not compared: URLs, and the title of a cited page (the
``title`` beside a ``url``), which has to match the page's own name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
SEED_FOLDERS = (REPO.parent / "shared" / "seeds", Path("/work/shared/seeds"))
RUN = 8

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})

Gram = tuple[str, ...]


def words(text: str) -> list[str]:
    """Lower-case words with punctuation dropped ('organisations’' and "organisations'" agree)."""
    return _WORD.findall(text.casefold().translate(_APOSTROPHES))


def grams(text: str) -> set[Gram]:
    found = words(text)
    return {tuple(found[i : i + RUN]) for i in range(len(found) - RUN + 1)}


def shared_passages(text: str, seed_grams: set[Gram]) -> list[str]:
    """Each longest run of words ``text`` shares with the seeds (runs of ``RUN`` or more)."""
    found = words(text)
    starts = [i for i in range(len(found) - RUN + 1) if tuple(found[i : i + RUN]) in seed_grams]
    passages: list[str] = []
    run_start = previous = None
    for start in [*starts, None]:
        if start is not None and previous is not None and start == previous + 1:
            previous = start
            continue
        if run_start is not None and previous is not None:
            passages.append(" ".join(found[run_start : previous + RUN]))
        run_start = previous = start
    return passages


def content_texts(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(key path, text) for every prose string in a parsed content file.

    Skips quotations (``text`` inside a ``quotes`` list), URLs, and the title of a cited page.
    """
    if isinstance(node, dict):
        cited_page = "url" in node
        for key, value in node.items():
            if key == "quotes":
                for index, quote in enumerate(value):
                    rest = {k: v for k, v in quote.items() if k != "text"}
                    yield from content_texts(rest, f"{path}.quotes[{index}]")
                continue
            if cited_page and key == "title":
                continue
            yield from content_texts(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from content_texts(value, f"{path}[{index}]")
    elif isinstance(node, str) and not node.startswith(("https://", "http://")):
        yield path, node


def seed_folder() -> Path | None:
    for folder in SEED_FOLDERS:
        if folder.is_dir() and any(folder.glob("*.txt")):
            return folder
    return None


@pytest.fixture(scope="module")
def seed_grams() -> set[Gram]:
    folder = seed_folder()
    if folder is None:
        pytest.skip("the seed documents (shared/seeds) are not on this machine")
    found: set[Gram] = set()
    for seed in sorted(folder.glob("*.txt")):
        found |= grams(seed.read_text(encoding="utf-8"))
    return found


def content_files() -> list[Path]:
    return sorted(DATA.glob("*.yaml"))


def test_there_is_content_to_check() -> None:
    names = {path.name for path in content_files()}
    assert {"framework.yaml", "case_studies.yaml", "training.yaml"} <= names


@pytest.mark.parametrize("path", content_files(), ids=lambda path: path.name)
def test_no_content_text_copies_a_seed(path: Path, seed_grams: set[Gram]) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    copied = [
        f"{where}: '{passage}'"
        for where, text in content_texts(data)
        for passage in shared_passages(text, seed_grams)
    ]
    assert copied == [], (
        f"{path.name} shares {RUN} or more consecutive words with the seeds. Rewrite these in "
        "our own words, or put the exact words under 'quotes:' with their source:\n"
        + "\n".join(copied)
    )


# The detector itself -------------------------------------------------------------------------

SEED = "The hub will deliver training courses on user engagement, including how to identify users."


def test_a_copied_run_is_found_whatever_its_case_and_punctuation() -> None:
    copied = "It said: 'Deliver TRAINING courses on user-engagement, including how' we help."
    assert shared_passages(copied, grams(SEED)) == [
        "deliver training courses on user engagement including how"
    ]


def test_a_longer_copy_is_reported_as_one_passage() -> None:
    copied = "We will deliver training courses on user engagement, including how to identify users."
    assert shared_passages(copied, grams(SEED)) == [
        "will deliver training courses on user engagement including how to identify users"
    ]


def test_seven_shared_words_are_not_a_copy() -> None:
    own = "Our courses will deliver training courses on user engagement for teams."
    assert shared_passages(own, grams(SEED)) == []


def test_quotations_urls_and_cited_titles_are_not_compared() -> None:
    data = {
        "sources": [{"url": "https://example.gov.uk/a", "title": "Copied page title"}],
        "entry": {
            "summary": "Our words.",
            "quotes": [{"text": "Exact words.", "source": "A report", "source_url": "https://x"}],
            "source_urls": ["https://example.gov.uk/a"],
        },
    }
    assert list(content_texts(data)) == [
        ("entry.summary", "Our words."),
        ("entry.quotes[0].source", "A report"),
    ]
