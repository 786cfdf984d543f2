"""Personal data is replaced by tags and counted; ordinary numbers are left alone."""

import pytest

from ue_core.redaction import REDACTION_KINDS, add_counts, describe_counts, empty_counts, redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Write to jane.doe@example.org please", "Write to [email] please"),
        ("jo+survey@ons.gov.uk, or j_smith@dept.gov.uk.", "[email], or [email]."),
    ],
)
def test_email_addresses_are_replaced(text, expected):
    result = redact(text)
    assert result.text == expected
    assert result.counts["email"] == expected.count("[email]")
    assert result.total == result.counts["email"]


@pytest.mark.parametrize(
    "number",
    [
        "07700 900123",
        "07700900123",
        "+44 7700 900123",
        "+447700900123",
        "+44 (0)20 7946 0018",
        "020 7946 0018",
        "(020) 7946 0018",
        "020-7946-0018",
        "0161 496 0000",
        "01632 960001",
        "+1 415 555 2671",
    ],
)
def test_phone_numbers_are_replaced(number):
    result = redact(f"Call me on {number} after 5pm")
    assert result.text == "Call me on [phone] after 5pm"
    assert result.counts["phone"] == 1


@pytest.mark.parametrize(
    "url",
    [
        "https://www.ons.gov.uk/census?area=E06000001",
        "http://example.com/a/b",
        "www.gov.uk",
        "ons.gov.uk/peoplepopulationandcommunity",
    ],
)
def test_web_addresses_are_replaced(url):
    result = redact(f"I found it at {url}. Thanks")
    assert result.text == "I found it at [url]. Thanks"
    assert result.counts["url"] == 1


@pytest.mark.parametrize("ni_number", ["AB123456C", "AB 12 34 56 C", "qq123456d"])
def test_national_insurance_numbers_are_replaced(ni_number):
    result = redact(f"My NI number is {ni_number} if needed")
    assert result.text == "My NI number is [ni number] if needed"
    assert result.counts["ni number"] == 1


@pytest.mark.parametrize(
    "postcode", ["SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "EC1A1BB", "w1a 0ax"]
)
def test_postcodes_are_replaced(postcode):
    result = redact(f"I live at {postcode} near the station")
    assert result.text == "I live at [postcode] near the station"
    assert result.counts["postcode"] == 1


@pytest.mark.parametrize(
    "text",
    [
        "In 2021 we had 179 responses",
        "45% said 3 out of 5",
        "The release on 01/02/2021 at 09:30 was late",
        "Table 12, row 123456789, 1,234,567 users",
        "We paid £0.50 per record and 2,500 people replied",
        "Q3 2ND quarter results and version 2.1 of the Code",
        "Standards V1.5 and T3.6 apply",
    ],
)
def test_ordinary_numbers_and_words_are_left_alone(text):
    result = redact(text)
    assert result.text == text
    assert result.total == 0


def test_an_email_inside_a_url_is_counted_once_as_a_url():
    result = redact("See https://example.com/contact?to=jo@example.com now")
    assert result.text == "See [url] now"
    assert result.counts["url"] == 1
    assert result.counts["email"] == 0


def test_several_kinds_in_one_answer_are_all_counted():
    result = redact("Email a@b.co.uk or ring 07700 900123; I'm at M1 1AE, NI AB123456C")
    assert result.text == "Email [email] or ring [phone]; I'm at [postcode], NI [ni number]"
    assert dict(result.counts) == {
        "url": 0,
        "email": 1,
        "ni number": 1,
        "postcode": 1,
        "phone": 1,
    }


def test_counts_add_up_and_are_described_in_plain_english():
    totals = add_counts([redact("a@b.com and c@d.com").counts, redact("07700 900123").counts])
    assert totals["email"] == 2
    assert totals["phone"] == 1
    assert describe_counts(totals) == (
        "Removed from the free text: 2 e-mail addresses and 1 phone number."
    )
    assert describe_counts(empty_counts()) == "No personal data was found in the free text."
    assert set(empty_counts()) == set(REDACTION_KINDS)
