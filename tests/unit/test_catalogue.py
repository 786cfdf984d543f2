"""Tests for the library catalogue (ue_core.catalogue) and its shipped content files."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from ue_core.catalogue import (
    AUDIENCES,
    CASE_STUDIES_FILE,
    HUB_PROVIDER,
    METHODS,
    PRINCIPLES,
    TRAINING_FILE,
    Catalogue,
    count_sentences,
    load_catalogue,
    parse_case_studies,
    parse_training,
)
from ue_core.content import ContentError, Problem
from ue_core.framework import Framework, load_framework


@pytest.fixture(scope="module")
def framework() -> Framework:
    return load_framework()


@pytest.fixture(scope="module")
def catalogue(framework: Framework) -> Catalogue:
    return load_catalogue(practice_keys=framework.practice_keys())


# A valid case study file with two entries. Line numbers matter to the tests below:
# the first entry starts on line 2 and its source URL is on line 18; the second starts on line 19.
VALID_CASES = dedent(
    """\
    case_studies:
      - id: first-case
        title: A first case study
        organisation: An example department
        year: 2021
        summary: >-
          The team asked its users what they needed. It published what it heard.
        task: The team did not know who used its statistics.
        approach: It ran a survey and held two user meetings.
        outcome: It published a response saying what it would change.
        methods: [survey, published-response]
        audiences: [general-public]
        principles: [proactively-involving-users, open-and-transparent]
        practices: [seek-views]
        source_urls:
          # the source the facts come from
          # (kept on its own line)
          - https://example.gov.uk/first
      - id: second-case
        title: A second case study
        organisation: Another department
        year: 2022
        summary: >-
          Two producers met their users together. Users saw one coherent picture.
        task: Users had to visit two producers to find related figures.
        approach: The producers ran a joint user forum twice a year.
        outcome: Users said the joint forum saved them time and effort.
        methods: [user-forum, cross-producer]
        audiences: [government-analysts, academics]
        principles: [working-together]
        practices: [work-with-other-producers]
        source_urls: [https://example.gov.uk/second]
    """
)

VALID_TRAINING = dedent(
    """\
    training:
      - id: an-offer
        title: An example guidance page
        provider: Office for Statistics Regulation
        kind: guidance
        format: Web guidance
        length: Read at your own pace
        level: introductory
        suits: Every team that engages with users.
        description: Guidance on what the regulator expects from engagement.
        principles: [open-and-transparent]
        practices: [close-feedback-loop]
        methods: [published-response]
        is_example: false
        source_urls: [https://example.gov.uk/guidance]
      - id: hub-example
        title: Mentoring from the hub
        provider: USER hub
        kind: mentoring
        format: One-to-one mentoring
        length: Agreed with the hub
        level: introductory
        suits: Analysts planning their first engagement activity.
        description: The kind of mentoring the strategy says the hub will offer.
        principles: [capability-and-culture]
        practices: [skills-and-support]
        methods: [peer-learning]
        audiences: [producers]
        is_example: true
        source_urls: [https://example.gov.uk/strategy]
    """
)


def only_problem(error: ContentError) -> Problem:
    assert len(error.problems) == 1, error.problems
    return error.problems[0]


# --- the shipped content ---------------------------------------------------------------------


def test_shipped_catalogue_validates_with_enough_entries(catalogue: Catalogue) -> None:
    assert len(catalogue.case_studies) >= 20
    assert len(catalogue.training) >= 15


def test_every_tagged_practice_exists_in_the_framework(
    catalogue: Catalogue, framework: Framework
) -> None:
    unknown = catalogue.practice_keys() - set(framework.practice_keys())
    assert not unknown, f"practice keys not in data/framework.yaml: {sorted(unknown)}"


def test_every_principle_key_exists_in_the_framework(
    catalogue: Catalogue, framework: Framework
) -> None:
    framework_principles = {principle.key for principle in framework.principles}
    assert set(PRINCIPLES) <= framework_principles
    tagged = {key for resource in catalogue.resources() for key in resource.principles}
    assert tagged <= framework_principles


def test_every_practice_has_at_least_one_resource(
    catalogue: Catalogue, framework: Framework
) -> None:
    untagged = set(framework.practice_keys()) - catalogue.practice_keys()
    assert not untagged, f"practices with nothing in the library: {sorted(untagged)}"


def test_every_principle_has_case_studies_and_training(catalogue: Catalogue) -> None:
    for key in PRINCIPLES:
        assert catalogue.filter(kind="case_study", principle=key), key
        assert catalogue.filter(kind="training", principle=key), key


def test_hub_examples_and_cited_external_offers_are_both_present(catalogue: Catalogue) -> None:
    examples = [offer for offer in catalogue.training if offer.is_example]
    external = [offer for offer in catalogue.training if not offer.is_example]
    assert len(examples) >= 8
    assert all(offer.provider == HUB_PROVIDER for offer in examples)
    assert len(external) >= 8
    assert {offer.provider for offer in external} >= {
        "Government Analysis Function",
        "Office for Statistics Regulation",
    }


def test_hub_examples_do_not_claim_to_be_named_courses(catalogue: Catalogue) -> None:
    # The hub's courses could not be sourced, so example entries say what kind of support they
    # describe and never give a fixed duration.
    for offer in catalogue.training:
        if offer.is_example:
            assert "entry describes" in offer.description or "entry stands for" in (
                offer.description
            ), offer.id
            assert not any(ch.isdigit() for ch in offer.length), offer.id


def test_case_study_summaries_are_two_to_four_sentences(catalogue: Catalogue) -> None:
    for case in catalogue.case_studies:
        assert 2 <= count_sentences(case.summary) <= 4, case.id


def test_shipped_files_use_only_https_sources(catalogue: Catalogue) -> None:
    urls = [url for resource in catalogue.resources() for url in resource.source_urls]
    assert urls
    assert all(url.startswith("https://") for url in urls)


# --- the uniform resource view ---------------------------------------------------------------


def test_resources_give_one_view_of_both_kinds(catalogue: Catalogue) -> None:
    resources = catalogue.resources()

    assert len(resources) == len(catalogue.case_studies) + len(catalogue.training)
    assert len({resource.id for resource in resources}) == len(resources)
    case = catalogue.case_studies[0]
    as_resource = catalogue.resource(case.id)
    assert as_resource.kind == "case_study"
    assert as_resource.kind_label == "Case study"
    assert as_resource.summary == case.summary
    assert as_resource.origin == case.organisation
    assert as_resource.detail == str(case.year)
    offer = catalogue.training[0]
    offer_resource = catalogue.resource(offer.id)
    assert offer_resource.kind == "training"
    assert offer_resource.summary == offer.description
    assert offer_resource.origin == offer.provider
    assert offer_resource.is_example == offer.is_example


def test_lookups_raise_key_error_for_unknown_ids(catalogue: Catalogue) -> None:
    with pytest.raises(KeyError):
        catalogue.resource("no-such-resource")
    with pytest.raises(KeyError):
        catalogue.case_study(catalogue.training[0].id)
    with pytest.raises(KeyError):
        catalogue.offer(catalogue.case_studies[0].id)


def test_filter_matches_every_given_tag() -> None:
    cases = parse_case_studies(VALID_CASES)
    offers = parse_training(VALID_TRAINING)
    catalogue = Catalogue(case_studies=tuple(cases), training=tuple(offers))

    assert [r.id for r in catalogue.filter(principle="open-and-transparent")] == [
        "first-case",
        "an-offer",
    ]
    assert [r.id for r in catalogue.filter(principle="open-and-transparent", kind="training")] == [
        "an-offer"
    ]
    assert [r.id for r in catalogue.filter(method="user-forum")] == ["second-case"]
    assert [r.id for r in catalogue.filter(audience="producers")] == ["hub-example"]
    assert [r.id for r in catalogue.filter(practice="seek-views", audience="media")] == []
    assert len(catalogue.filter()) == 4


def test_catalogue_refuses_an_id_shared_by_a_case_study_and_an_offer() -> None:
    cases = parse_case_studies(VALID_CASES)
    offers = parse_training(VALID_TRAINING.replace("id: an-offer", "id: first-case"))

    with pytest.raises(ValueError, match="first-case"):
        Catalogue(case_studies=tuple(cases), training=tuple(offers))


# --- broken files are reported with the key path and line ------------------------------------


def test_valid_examples_parse() -> None:
    known = {"seek-views", "work-with-other-producers"}
    cases = parse_case_studies(VALID_CASES, practice_keys=known)
    assert [case.id for case in cases] == ["first-case", "second-case"]
    assert cases[0].summary.startswith("The team asked")
    offers = parse_training(VALID_TRAINING)
    assert [offer.is_example for offer in offers] == [False, True]
    assert offers[0].audiences == []


QUOTED = (
    "    quotes:\n"
    "      - text: Every user should be heard.\n"
    "        source: An example committee, a report (2019), paragraph 2\n"
    "        source_url: https://example.gov.uk/second\n"
    "    source_urls: [https://example.gov.uk/second]\n"
)


def test_a_quotation_keeps_its_words_and_source() -> None:
    text = VALID_CASES.replace("    source_urls: [https://example.gov.uk/second]\n", QUOTED)

    [_, second] = parse_case_studies(text)

    [quote] = second.quotes
    assert quote.text == "Every user should be heard."
    assert quote.source == "An example committee, a report (2019), paragraph 2"
    assert quote.source_url == "https://example.gov.uk/second"
    assert parse_case_studies(VALID_CASES)[0].quotes == []


def test_a_quotation_must_cite_one_of_the_entrys_sources() -> None:
    text = VALID_CASES.replace(
        "    source_urls: [https://example.gov.uk/second]\n",
        QUOTED.replace(
            "source_url: https://example.gov.uk/second", "source_url: https://x.gov.uk/y"
        ),
    )

    with pytest.raises(ContentError) as caught:
        parse_case_studies(text, "cases.yaml")

    problem = only_problem(caught.value)
    assert problem.path == "case_studies[1].quotes[0].source_url"
    expected = 1 + text.splitlines().index("        source_url: https://x.gov.uk/y")
    assert problem.line == expected
    assert problem.message == "https://x.gov.uk/y is not one of this entry's source_urls"


def test_missing_source_url_is_reported_at_the_entry() -> None:
    text = VALID_CASES.replace("    source_urls: [https://example.gov.uk/second]\n", "")

    with pytest.raises(ContentError) as caught:
        parse_case_studies(text, "cases.yaml")

    problem = only_problem(caught.value)
    assert problem.path == "case_studies[1].source_urls"
    assert problem.line == 19  # the start of the entry that lacks the key
    assert problem.message == "Field required"
    assert "cases.yaml" in str(caught.value)


def test_empty_source_list_is_refused() -> None:
    text = VALID_CASES.replace(
        "    source_urls: [https://example.gov.uk/second]", "    source_urls: []"
    )

    with pytest.raises(ContentError) as caught:
        parse_case_studies(text)

    problem = only_problem(caught.value)
    assert problem.path == "case_studies[1].source_urls"
    assert problem.line == 32
    assert "at least 1" in problem.message


def test_non_https_url_is_reported_with_its_line() -> None:
    text = VALID_CASES.replace("https://example.gov.uk/first", "http://example.gov.uk/first")

    with pytest.raises(ContentError) as caught:
        parse_case_studies(text, "cases.yaml")

    problem = only_problem(caught.value)
    assert problem.path == "case_studies[0].source_urls[0]"
    assert problem.line == 18
    assert "cases.yaml" in str(caught.value)
    assert "case_studies[0].source_urls[0] (line 18)" in str(caught.value)


def test_unknown_principle_is_reported_with_its_line() -> None:
    text = VALID_CASES.replace("open-and-transparent]", "opne]")

    with pytest.raises(ContentError) as caught:
        parse_case_studies(text)

    problem = only_problem(caught.value)
    assert problem.path == "case_studies[0].principles[1]"
    assert problem.line == 13
    assert "'opne' is not a known principle key" in problem.message


def test_duplicate_id_is_reported_at_the_second_use() -> None:
    text = VALID_CASES.replace("id: second-case", "id: first-case")

    with pytest.raises(ContentError) as caught:
        parse_case_studies(text)

    problem = only_problem(caught.value)
    assert problem.path == "case_studies[1].id"
    assert problem.line == 19
    assert problem.message == "duplicate id 'first-case' (also case_studies[0])"


def test_duplicate_training_id_is_reported() -> None:
    text = VALID_TRAINING.replace("id: hub-example", "id: an-offer")

    with pytest.raises(ContentError) as caught:
        parse_training(text)

    problem = only_problem(caught.value)
    assert problem.path == "training[1].id"
    assert problem.line == 16


def test_unknown_practice_is_refused_when_practice_keys_are_given() -> None:
    known = {"seek-views"}

    with pytest.raises(ContentError) as caught:
        parse_case_studies(VALID_CASES, practice_keys=known)

    problem = only_problem(caught.value)
    assert problem.path == "case_studies[1].practices[0]"
    assert problem.line == 31
    assert "'work-with-other-producers' is not a practice key" in problem.message
    # Without practice keys only the form of the key is checked.
    assert len(parse_case_studies(VALID_CASES)) == 2


@pytest.mark.parametrize(
    ("old", "new", "path", "fragment"),
    [
        (
            "methods: [survey, published-response]",
            "methods: [survey, focus-group]",
            "case_studies[0].methods[1]",
            "'focus-group' is not a known method",
        ),
        (
            "audiences: [general-public]",
            "audiences: [everyone]",
            "case_studies[0].audiences[0]",
            "'everyone' is not a known audience",
        ),
        ("audiences: [general-public]", "audiences: []", "case_studies[0].audiences", "at least 1"),
        ("year: 2021", "year: twenty", "case_studies[0].year", "valid integer"),
        (
            "principles: [working-together]",
            "principles: [working-together, working-together]",
            "case_studies[1].principles",
            "duplicate tag: working-together",
        ),
        ("id: first-case", "id: First Case", "case_studies[0].id", "pattern"),
        (
            "    task: The team",
            "    colour: blue\n    task: The team",
            "case_studies[0].colour",
            "Extra inputs",
        ),
    ],
)
def test_other_case_study_problems_name_the_key(
    old: str, new: str, path: str, fragment: str
) -> None:
    assert old in VALID_CASES
    with pytest.raises(ContentError) as caught:
        parse_case_studies(VALID_CASES.replace(old, new))

    problem = only_problem(caught.value)
    assert problem.path == path
    assert problem.line is not None
    assert fragment in problem.message


@pytest.mark.parametrize(
    "summary",
    [
        "Only one sentence here about the work.",
        "One. Two sentences here. Three sentences now. Four of them. And five is too many.",
    ],
)
def test_summary_must_have_two_to_four_sentences(summary: str) -> None:
    text = VALID_CASES.replace(
        "The team asked its users what they needed. It published what it heard.", summary
    )

    with pytest.raises(ContentError) as caught:
        parse_case_studies(text)

    problem = only_problem(caught.value)
    assert problem.path == "case_studies[0].summary"
    assert "2 to 4 sentences" in problem.message


def test_example_offer_must_come_from_the_hub() -> None:
    text = VALID_TRAINING.replace("provider: USER hub", "provider: A training company")

    with pytest.raises(ContentError) as caught:
        parse_training(text)

    problem = only_problem(caught.value)
    assert problem.path == "training[1].provider"
    assert problem.line == 18
    assert "must be provided by the USER hub" in problem.message


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ("kind: guidance", "kind: webinar", "training[0].kind"),
        (
            "level: introductory\n    suits: Every",
            "level: expert\n    suits: Every",
            "training[0].level",
        ),
        ("    is_example: false\n", "", "training[0].is_example"),
    ],
)
def test_other_training_problems_name_the_key(old: str, new: str, path: str) -> None:
    assert old in VALID_TRAINING
    with pytest.raises(ContentError) as caught:
        parse_training(VALID_TRAINING.replace(old, new, 1))

    assert only_problem(caught.value).path == path


def test_load_catalogue_reads_both_files_from_a_folder(tmp_path: Path) -> None:
    (tmp_path / CASE_STUDIES_FILE).write_text(VALID_CASES, encoding="utf-8")
    (tmp_path / TRAINING_FILE).write_text(VALID_TRAINING, encoding="utf-8")

    catalogue = load_catalogue(tmp_path)

    assert [r.id for r in catalogue.resources()] == [
        "first-case",
        "second-case",
        "an-offer",
        "hub-example",
    ]


def test_load_catalogue_names_the_broken_file(tmp_path: Path) -> None:
    (tmp_path / CASE_STUDIES_FILE).write_text(VALID_CASES, encoding="utf-8")
    broken = VALID_TRAINING.replace("principles: [open-and-transparent]", "principles: [openness]")
    (tmp_path / TRAINING_FILE).write_text(broken, encoding="utf-8")

    with pytest.raises(ContentError) as caught:
        load_catalogue(tmp_path)

    assert caught.value.source == str(tmp_path / TRAINING_FILE)
    problem = only_problem(caught.value)
    assert problem.path == "training[0].principles[0]"
    assert problem.line == 11


def test_load_catalogue_reports_an_id_shared_across_files(tmp_path: Path) -> None:
    (tmp_path / CASE_STUDIES_FILE).write_text(VALID_CASES, encoding="utf-8")
    clash = VALID_TRAINING.replace("id: hub-example", "id: second-case")
    (tmp_path / TRAINING_FILE).write_text(clash, encoding="utf-8")

    with pytest.raises(ContentError) as caught:
        load_catalogue(tmp_path)

    problem = only_problem(caught.value)
    assert problem.path == "training[1].id"
    assert "also used by a case study" in problem.message


def test_load_catalogue_reports_a_missing_file(tmp_path: Path) -> None:
    (tmp_path / CASE_STUDIES_FILE).write_text(VALID_CASES, encoding="utf-8")

    with pytest.raises(ContentError, match="cannot read the file"):
        load_catalogue(tmp_path)


def test_practice_check_is_switched_off_after_a_load(tmp_path: Path) -> None:
    (tmp_path / CASE_STUDIES_FILE).write_text(VALID_CASES, encoding="utf-8")
    (tmp_path / TRAINING_FILE).write_text(VALID_TRAINING, encoding="utf-8")
    with pytest.raises(ContentError):
        load_catalogue(tmp_path, practice_keys={"seek-views"})

    # The failed check does not leak into later loads.
    assert len(load_catalogue(tmp_path).resources()) == 4


# --- vocabularies and helpers ----------------------------------------------------------------


def test_vocabularies_have_plain_sentence_case_labels() -> None:
    for vocabulary in (PRINCIPLES, METHODS, AUDIENCES):
        for key, label in vocabulary.items():
            assert key == key.lower() and " " not in key
            assert label[0].isupper() and not label.endswith(".")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One sentence.", 1),
        ("Trust rose to 90%. Use peaked at 4pm.", 2),
        ('They asked "why?" Then they acted. Did it work? Yes!', 4),
        ("A figure of 2.5 million users, up from 1.9 million.", 1),
        ("Users said (in 2020) it helped. The team agreed.", 2),
    ],
)
def test_count_sentences(text: str, expected: int) -> None:
    assert count_sentences(text) == expected


# --- "use this when" lines (issue 14) ---------------------------------------------------------


def test_every_shipped_entry_says_when_to_use_it(catalogue: Catalogue) -> None:
    for resource in catalogue.resources():
        assert 2 <= len(resource.use_when) <= 4, resource.id
        assert all(line[0].islower() and not line.endswith(".") for line in resource.use_when)
        assert resource.context, resource.id


def test_use_when_lines_are_read_and_reach_the_resource() -> None:
    text = VALID_TRAINING.replace(
        "    practices: [close-feedback-loop]\n",
        "    practices: [close-feedback-loop]\n"
        "    use_when:\n"
        "      - you have never told users what you did with their feedback\n"
        "      - you want a regulator's view of good practice\n",
    )
    offer = parse_training(text)[0]
    assert offer.use_when == [
        "you have never told users what you did with their feedback",
        "you want a regulator's view of good practice",
    ]


@pytest.mark.parametrize(
    ("lines", "fragment"),
    [
        (["you publish tables"], "give 2 to 4 'use when' lines"),
        (["you publish tables", "You write bulletins"], "lower-case letter"),
        (["you publish tables", "you write bulletins."], "no full stop"),
        (["you publish tables", "you publish tables"], "duplicate 'use when' line"),
        ([f"you publish table {n}" for n in range(5)], "at most 4"),
        (["you publish tables", "short"], "at least 10"),
    ],
)
def test_bad_use_when_lines_are_reported_with_their_key(lines: list[str], fragment: str) -> None:
    block = "".join(f"      - {line}\n" for line in lines)
    text = VALID_CASES.replace(
        "    practices: [seek-views]\n", f"    practices: [seek-views]\n    use_when:\n{block}"
    )
    with pytest.raises(ContentError) as caught:
        parse_case_studies(text, "cases.yaml")
    problem = only_problem(caught.value)
    assert problem.path.startswith("case_studies[0].use_when"), problem.path
    assert fragment in problem.message, problem.message
