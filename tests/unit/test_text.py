from ue_core.text import plural, plural_noun, possessive


def test_one_is_singular_and_other_counts_are_plural() -> None:
    assert plural(1, "answer") == "1 answer"
    assert plural(0, "answer") == "0 answers"
    assert plural(1204, "response") == "1,204 responses"


def test_irregular_and_given_plurals() -> None:
    assert plural(3, "entry") == "3 entries"
    assert plural(2, "person") == "2 people"
    assert plural_noun(2, "theme", "themes found") == "themes found"
    assert plural_noun(1, "column") == "column"


def test_possessive_of_a_name_ending_in_s_takes_only_an_apostrophe() -> None:
    assert possessive("Labour market statistics") == "Labour market statistics'"
    assert possessive("Housing team") == "Housing team's"
