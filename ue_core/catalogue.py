"""The library catalogue: case studies of user engagement and training and support offers.

The content lives in ``data/case_studies.yaml`` and ``data/training.yaml``, written in our own
words and citing public sources. Both files are validated on load; a problem is reported with the
file, the key path and the line (see ``ue_core.content``).

Every entry is tagged with the framework's principle keys, its practice keys, engagement methods
and audiences from the controlled vocabularies below, so the library and the recommender can treat
case studies and training offers alike through ``Catalogue.resources()``.

Training offers marked ``is_example`` describe the kind of support the user engagement strategy
for statistics says the USER hub will give. They are not named courses: no public source describes
the hub's courses, mentoring or consultancy in detail, so these entries say what to ask the hub for.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Final, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from ue_core.content import ContentError, Problem, load_model, parse_model

__all__ = [
    "AUDIENCES",
    "CASE_STUDIES_FILE",
    "DATA_DIR",
    "HUB_PROVIDER",
    "LEVELS",
    "METHODS",
    "PRINCIPLES",
    "TRAINING_FILE",
    "TRAINING_KINDS",
    "CaseStudy",
    "CaseStudyFile",
    "Catalogue",
    "Quotation",
    "Resource",
    "ResourceKind",
    "TrainingFile",
    "TrainingKind",
    "TrainingLevel",
    "TrainingOffer",
    "count_sentences",
    "load_catalogue",
    "parse_case_studies",
    "parse_training",
]

DATA_DIR: Final = Path(__file__).resolve().parents[1] / "data"
CASE_STUDIES_FILE: Final = "case_studies.yaml"
TRAINING_FILE: Final = "training.yaml"

HUB_PROVIDER: Final = "USER hub"

# The framework's principles (keys must match data/framework.yaml).
PRINCIPLES: Final[Mapping[str, str]] = {
    "proactively-involving-users": "Proactively involving users",
    "flexible-and-proportionate": "Flexible and proportionate",
    "open-and-transparent": "Open and transparent",
    "working-together": "Working together and joining up",
    "capability-and-culture": "Capability and culture",
}

# Engagement methods: our own taxonomy, extended from the method tags suggested for the GSS case
# studies (see the reference note on the case-study collection).
METHODS: Final[Mapping[str, str]] = {
    "user-mapping": "Identifying and mapping users",
    "user-forum": "User committee or forum",
    "expert-panel": "Expert panel or advisory group",
    "citizen-panel": "Citizen panel",
    "consultation": "Public consultation",
    "published-response": "Published response to feedback (we asked, you said, we did)",
    "survey": "Survey or feedback form",
    "interviews": "Interviews and one-to-one meetings",
    "user-research": "User research and usability testing",
    "personas": "Personas",
    "web-analytics": "Web analytics",
    "social-media": "Social media and online Q&A",
    "newsletter": "Newsletter or mailing list",
    "events": "Webinars, events and information sessions",
    "media-briefing": "Media briefings",
    "engagement-role": "Dedicated engagement role",
    "cross-producer": "Collaboration across producers",
    "internal-collaboration": "Working with press, policy and communications colleagues",
    "internal-network": "Internal engagement network",
    "open-plans": "Publishing plans and changes openly",
    "engagement-policy": "Published engagement policy or commitment",
    "accessible-outputs": "Accessible and tailored outputs",
    "data-access": "Open data downloads and API",
    "user-support": "Training and support for users",
    "peer-learning": "Peer learning and networking",
    "engagement-metrics": "Measuring engagement and use",
    "code-voluntary": "Voluntary application of the Code of Practice",
}

# Audiences: users and potential users of statistics, drawn from the strategy's list of users and
# the 2019 GSS guidance's list of user groups.
AUDIENCES: Final[Mapping[str, str]] = {
    "general-public": "General public",
    "media": "Media",
    "government-analysts": "Government analysts",
    "policy-makers": "Policy makers",
    "academics": "Academics and researchers",
    "businesses": "Businesses",
    "local-government": "Local government",
    "charities": "Charities and third sector",
    "industry-bodies": "Industry and trade bodies",
    "parliament": "Parliament and elected members",
    "producers": "Statistics producers",
}

TrainingKind = Literal[
    "training",
    "guidance",
    "mentoring",
    "consultancy",
    "network",
    "forum",
    "initiative",
    "e-learning",
]
TRAINING_KINDS: Final[Mapping[TrainingKind, str]] = {
    "training": "Training",
    "guidance": "Guidance",
    "mentoring": "Mentoring",
    "consultancy": "Consultancy",
    "network": "Network",
    "forum": "User forum",
    "initiative": "Central initiative",
    "e-learning": "E-learning",
}

TrainingLevel = Literal["introductory", "intermediate", "advanced"]
LEVELS: Final[Mapping[TrainingLevel, str]] = {
    "introductory": "Introductory",
    "intermediate": "Intermediate",
    "advanced": "Advanced",
}

ResourceKind = Literal["case_study", "training"]

_SLUG = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
# A sentence ends with . ! or ? followed by the end of the text or a space and a capital letter,
# digit or opening quote. Figures such as "47%" and "4pm" do not end sentences.
_SENTENCE_END = re.compile(r"[.!?][)’\"']?(?=\s+[A-Z0-9‘“\"'(]|\s*$)")

# Practice keys the file is checked against while a load is under way (see ``_known_practices``).
_KNOWN_PRACTICES: ContextVar[frozenset[str] | None] = ContextVar(
    "ue_core_catalogue_known_practices", default=None
)


def count_sentences(text: str) -> int:
    """Count the sentences in plain prose (an approximation good enough for short summaries)."""
    return len(_SENTENCE_END.findall(text.strip()))


def _collapse_whitespace(text: str) -> str:
    return " ".join(text.split())


def _vocabulary_check(vocabulary: Mapping[str, str], what: str) -> AfterValidator:
    def check(value: str) -> str:
        if value not in vocabulary:
            raise ValueError(
                f"{value!r} is not a known {what}; use one of: {', '.join(vocabulary)}"
            )
        return value

    return AfterValidator(check)


def _check_practice(value: str) -> str:
    known = _KNOWN_PRACTICES.get()
    if known is not None and value not in known:
        raise ValueError(f"{value!r} is not a practice key in the framework")
    return value


def _check_use_when_line(value: str) -> str:
    if not value[:1].islower():
        raise ValueError(
            "a 'use when' line continues the words 'Use this when', so it starts with a "
            f"lower-case letter: {value!r}"
        )
    if value.endswith("."):
        raise ValueError(f"a 'use when' line has no full stop at the end: {value!r}")
    return value


def _check_summary(value: str) -> str:
    sentences = count_sentences(value)
    if not 2 <= sentences <= 4:
        raise ValueError(f"a summary needs 2 to 4 sentences; this one has {sentences}")
    return value


Slug = Annotated[str, StringConstraints(pattern=_SLUG, max_length=60)]
Title = Annotated[
    str, AfterValidator(_collapse_whitespace), StringConstraints(min_length=3, max_length=120)
]
Prose = Annotated[str, AfterValidator(_collapse_whitespace), StringConstraints(min_length=20)]
ShortText = Annotated[str, AfterValidator(_collapse_whitespace), StringConstraints(min_length=3)]
Summary = Annotated[Prose, AfterValidator(_check_summary)]
UseWhen = Annotated[
    str,
    AfterValidator(_collapse_whitespace),
    StringConstraints(min_length=10, max_length=120),
    AfterValidator(_check_use_when_line),
]
HttpsUrl = Annotated[str, StringConstraints(pattern=r"^https://[^\s/]+\.[^\s]+$")]
PrincipleKey = Annotated[str, _vocabulary_check(PRINCIPLES, "principle key")]
PracticeKey = Annotated[Slug, AfterValidator(_check_practice)]
MethodKey = Annotated[str, _vocabulary_check(METHODS, "method")]
AudienceKey = Annotated[str, _vocabulary_check(AUDIENCES, "audience")]
Year = Annotated[int, Field(ge=1990, le=2100)]


def _require_unique(values: list[str], what: str) -> list[str]:
    seen: set[str] = set()
    repeated: list[str] = []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    if repeated:
        raise ValueError(f"duplicate {what}: {', '.join(repeated)}")
    return values


class _Content(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Quotation(_Content):
    """Words kept exactly as a source has them, shown as a quotation with its source.

    Everything else in the catalogue is in our own words; a passage whose exact wording matters
    (such as a recommendation) goes here instead. ``source`` names who said it and where, and
    ``source_url`` (one of the entry's ``source_urls``) is where a reader can check it.
    """

    text: ShortText
    source: ShortText
    source_url: HttpsUrl


class _Tagged(_Content):
    """Fields shared by every catalogue entry.

    ``use_when`` says what need the entry answers: 2 to 4 short lines, each continuing the words
    "Use this when" (for example "you are not sure who uses your statistics"). The recommender
    matches a team's request against them; every shipped entry has them.
    """

    id: Slug
    title: Title
    principles: list[PrincipleKey] = Field(min_length=1)
    practices: list[PracticeKey] = Field(min_length=1)
    methods: list[MethodKey] = Field(min_length=1)
    source_urls: list[HttpsUrl] = Field(min_length=1)
    quotes: list[Quotation] = Field(default_factory=list)
    use_when: list[UseWhen] = Field(default_factory=list, max_length=4)

    @field_validator("principles", "practices", "methods", "source_urls")
    @classmethod
    def _check_unique_tags(cls, value: list[str]) -> list[str]:
        return _require_unique(value, "tag")

    @field_validator("use_when")
    @classmethod
    def _check_use_when(cls, value: list[str]) -> list[str]:
        if len(value) == 1:
            raise ValueError("give 2 to 4 'use when' lines, or none; this entry has 1")
        return _require_unique(value, "'use when' line")

    @model_validator(mode="after")
    def _check_quote_sources(self) -> _Tagged:
        errors = [
            _error(
                ("quotes", index, "source_url"),
                f"{quote.source_url} is not one of this entry's source_urls",
            )
            for index, quote in enumerate(self.quotes)
            if quote.source_url not in self.source_urls
        ]
        if errors:
            raise ValidationError.from_exception_data(type(self).__name__, errors)
        return self


class CaseStudy(_Tagged):
    """A real example of user engagement in UK official statistics.

    ``year`` is the year the work took place or, where its sources do not date it, the year the
    sources reported it.
    """

    organisation: ShortText
    year: Year
    summary: Summary
    task: Prose
    approach: Prose
    outcome: Prose
    audiences: list[AudienceKey] = Field(min_length=1)

    @field_validator("audiences")
    @classmethod
    def _check_unique_audiences(cls, value: list[str]) -> list[str]:
        return _require_unique(value, "tag")


class TrainingOffer(_Tagged):
    """Training, guidance or other support a team can use to improve its engagement.

    ``is_example`` is true for the hub's own entries describing a kind of support the strategy
    set out for the hub; those are not existing named courses or services, so a team asks the
    hub what it offers now.
    ``audiences`` lists the users of statistics the offer helps a team reach, if any.
    """

    provider: ShortText
    kind: TrainingKind
    format: ShortText
    length: ShortText
    level: TrainingLevel
    suits: Prose
    description: Prose
    audiences: list[AudienceKey] = Field(default_factory=list)
    is_example: bool

    @field_validator("audiences")
    @classmethod
    def _check_unique_audiences(cls, value: list[str]) -> list[str]:
        return _require_unique(value, "tag")

    @model_validator(mode="after")
    def _check_example_provider(self) -> TrainingOffer:
        if self.is_example and self.provider != HUB_PROVIDER:
            raise ValidationError.from_exception_data(
                type(self).__name__,
                [
                    _error(
                        ("provider",),
                        f"an example offer (is_example: true) must be provided by the "
                        f"{HUB_PROVIDER}, not {self.provider!r}",
                    )
                ],
            )
        return self


def _error(loc: tuple[str | int, ...], message: str) -> InitErrorDetails:
    return InitErrorDetails(
        type=PydanticCustomError("content", "{message}", {"message": message}),
        loc=loc,
        input=None,
    )


def _duplicate_id_errors(field: str, ids: list[str]) -> list[InitErrorDetails]:
    first: dict[str, int] = {}
    errors: list[InitErrorDetails] = []
    for index, entry_id in enumerate(ids):
        if entry_id in first:
            errors.append(
                _error(
                    (field, index, "id"),
                    f"duplicate id {entry_id!r} (also {field}[{first[entry_id]}])",
                )
            )
        else:
            first[entry_id] = index
    return errors


class CaseStudyFile(_Content):
    """The layout of ``data/case_studies.yaml``."""

    case_studies: list[CaseStudy] = Field(min_length=1)

    @model_validator(mode="after")
    def _check_ids(self) -> CaseStudyFile:
        errors = _duplicate_id_errors("case_studies", [c.id for c in self.case_studies])
        if errors:
            raise ValidationError.from_exception_data(type(self).__name__, errors)
        return self


class TrainingFile(_Content):
    """The layout of ``data/training.yaml``."""

    training: list[TrainingOffer] = Field(min_length=1)

    @model_validator(mode="after")
    def _check_ids(self) -> TrainingFile:
        errors = _duplicate_id_errors("training", [t.id for t in self.training])
        if errors:
            raise ValidationError.from_exception_data(type(self).__name__, errors)
        return self


@dataclass(frozen=True)
class Resource:
    """A uniform view of a case study or a training offer, for the library and recommendations.

    ``origin`` is the organisation (case study) or provider (training offer); ``detail`` is a
    short line such as "2021" or "Guidance · self-paced · introductory". ``context`` says whose
    need the entry met: a case study's task, or who a training offer suits. ``use_when`` holds
    the entry's "use this when" lines.
    """

    kind: ResourceKind
    id: str
    title: str
    summary: str
    origin: str
    detail: str
    principles: tuple[str, ...]
    practices: tuple[str, ...]
    methods: tuple[str, ...]
    audiences: tuple[str, ...]
    source_urls: tuple[str, ...]
    is_example: bool
    use_when: tuple[str, ...] = ()
    context: str = ""

    @property
    def kind_label(self) -> str:
        return "Case study" if self.kind == "case_study" else "Training and support"


def _case_study_resource(case: CaseStudy) -> Resource:
    return Resource(
        kind="case_study",
        id=case.id,
        title=case.title,
        summary=case.summary,
        origin=case.organisation,
        detail=str(case.year),
        principles=tuple(case.principles),
        practices=tuple(case.practices),
        methods=tuple(case.methods),
        audiences=tuple(case.audiences),
        source_urls=tuple(case.source_urls),
        is_example=False,
        use_when=tuple(case.use_when),
        context=case.task,
    )


def _offer_resource(offer: TrainingOffer) -> Resource:
    return Resource(
        kind="training",
        id=offer.id,
        title=offer.title,
        summary=offer.description,
        origin=offer.provider,
        detail=f"{TRAINING_KINDS[offer.kind]} · {offer.format} · {LEVELS[offer.level].lower()}",
        principles=tuple(offer.principles),
        practices=tuple(offer.practices),
        methods=tuple(offer.methods),
        audiences=tuple(offer.audiences),
        source_urls=tuple(offer.source_urls),
        is_example=offer.is_example,
        use_when=tuple(offer.use_when),
        context=offer.suits,
    )


@dataclass(frozen=True)
class Catalogue:
    """The whole library: case studies and training offers, with ids unique across both."""

    case_studies: tuple[CaseStudy, ...]
    training: tuple[TrainingOffer, ...]

    def __post_init__(self) -> None:
        ids = [entry.id for entry in (*self.case_studies, *self.training)]
        _require_unique(ids, "resource id across case studies and training")

    def resources(self) -> list[Resource]:
        """Every entry as a ``Resource``: case studies first, then training, in file order."""
        return [
            *(_case_study_resource(case) for case in self.case_studies),
            *(_offer_resource(offer) for offer in self.training),
        ]

    def resource(self, resource_id: str) -> Resource:
        """The resource with this id; raises ``KeyError`` if there is none."""
        for resource in self.resources():
            if resource.id == resource_id:
                return resource
        raise KeyError(resource_id)

    def case_study(self, case_id: str) -> CaseStudy:
        """The case study with this id; raises ``KeyError`` if there is none."""
        for case in self.case_studies:
            if case.id == case_id:
                return case
        raise KeyError(case_id)

    def offer(self, offer_id: str) -> TrainingOffer:
        """The training offer with this id; raises ``KeyError`` if there is none."""
        for offer in self.training:
            if offer.id == offer_id:
                return offer
        raise KeyError(offer_id)

    def filter(
        self,
        *,
        kind: ResourceKind | None = None,
        principle: str | None = None,
        practice: str | None = None,
        method: str | None = None,
        audience: str | None = None,
    ) -> list[Resource]:
        """Resources matching every filter given (a filter left as ``None`` matches all)."""
        return [
            r
            for r in self.resources()
            if (kind is None or r.kind == kind)
            and (principle is None or principle in r.principles)
            and (practice is None or practice in r.practices)
            and (method is None or method in r.methods)
            and (audience is None or audience in r.audiences)
        ]

    def practice_keys(self) -> set[str]:
        """Every practice key any entry is tagged with."""
        return {key for r in self.resources() for key in r.practices}


@contextmanager
def _known_practices(practice_keys: Collection[str] | None) -> Iterator[None]:
    """Check practice tags against ``practice_keys`` (if given) while loading."""
    token = _KNOWN_PRACTICES.set(None if practice_keys is None else frozenset(practice_keys))
    try:
        yield
    finally:
        _KNOWN_PRACTICES.reset(token)


def parse_case_studies(
    text: str,
    source: str = "<case studies>",
    *,
    practice_keys: Collection[str] | None = None,
) -> list[CaseStudy]:
    """Validate case-study YAML given as text.

    With ``practice_keys``, every practice tag must be one of them. Raises ``ContentError``.
    """
    with _known_practices(practice_keys):
        return list(parse_model(text, source, CaseStudyFile).case_studies)


def parse_training(
    text: str,
    source: str = "<training>",
    *,
    practice_keys: Collection[str] | None = None,
) -> list[TrainingOffer]:
    """Validate training YAML given as text.

    With ``practice_keys``, every practice tag must be one of them. Raises ``ContentError``.
    """
    with _known_practices(practice_keys):
        return list(parse_model(text, source, TrainingFile).training)


def load_catalogue(
    data_dir: Path | None = None,
    *,
    practice_keys: Collection[str] | None = None,
) -> Catalogue:
    """Load and validate ``case_studies.yaml`` and ``training.yaml`` from ``data_dir``.

    ``data_dir`` defaults to the repository's ``data/`` folder. With ``practice_keys`` (for
    example ``load_framework().practice_keys()``), every practice tag must be one of them.
    Raises ``ue_core.content.ContentError`` naming the file, key path and line of each problem
    (an id used by both a case study and a training offer is reported against the training file).
    """
    folder = DATA_DIR if data_dir is None else data_dir
    with _known_practices(practice_keys):
        cases = load_model(folder / CASE_STUDIES_FILE, CaseStudyFile)
        offers = load_model(folder / TRAINING_FILE, TrainingFile)
    case_ids = {case.id for case in cases.case_studies}
    clashes = [
        Problem(f"training[{index}].id", None, f"id {offer.id!r} is also used by a case study")
        for index, offer in enumerate(offers.training)
        if offer.id in case_ids
    ]
    if clashes:
        raise ContentError(str(folder / TRAINING_FILE), clashes)
    return Catalogue(case_studies=tuple(cases.case_studies), training=tuple(offers.training))
