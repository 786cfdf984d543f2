"""A champion's directory profile: checking what they enter and what others are shown."""

from __future__ import annotations

import pytest

from ue_core.champion_profiles import (
    Contact,
    ProfileError,
    ProfileForm,
    checked_profile,
    join_areas,
    shown_contacts,
    split_areas,
)


def test_a_profile_is_tidied_and_areas_keep_the_frameworks_order() -> None:
    form = checked_profile(
        ProfileForm(
            profession="  Social   researcher ", areas=("act", "promote"), phone=" 020 7946 0000"
        )
    )
    assert form.profession == "Social researcher"
    assert form.areas == ("promote", "act")
    assert form.phone == "020 7946 0000"
    assert split_areas(join_areas(form.areas)) == ("promote", "act")
    assert split_areas("promote,gone,") == ("promote",)


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (ProfileForm(areas=("cooking",)), "not one of the framework's practice areas"),
        (ProfileForm(phone="call me"), "digits only"),
        (ProfileForm(show_phone=True), "Enter a phone number to show it"),
        (ProfileForm(show_teams=True), "Enter your Microsoft Teams name"),
        (ProfileForm(profession="x" * 201), "Profession must be 200 characters or fewer"),
    ],
)
def test_bad_input_says_what_to_change(form: ProfileForm, message: str) -> None:
    with pytest.raises(ProfileError, match=message):
        checked_profile(form)


def test_only_the_contacts_switched_on_are_shown() -> None:
    form = ProfileForm(phone="020 7946 0000", teams_handle="Sam", show_email=False, show_teams=True)
    assert shown_contacts(form, "sam@test.example") == (Contact("Microsoft Teams", "Sam"),)
    everything = ProfileForm(phone="1", teams_handle="Sam", show_phone=True, show_teams=True)
    assert [c.label for c in shown_contacts(everything, "s@t")] == [
        "Email",
        "Phone",
        "Microsoft Teams",
    ]
