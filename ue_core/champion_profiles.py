"""A champion's directory profile: what they enter, how it is checked, and what others see.

Each champion chooses what the directory shows: profession and interests (free text and the
framework's practice areas) always when filled in, and each way of contacting them (email,
phone, Microsoft Teams) only when they switch it on. Plain code, tested without a database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from ue_core.errors import InputError
from ue_core.framework import PRACTICE_AREA_LABELS

PROFESSION_MAX: Final = 200
INTERESTS_MAX: Final = 1000
PHONE_MAX: Final = 40
TEAMS_MAX: Final = 200
#: The framework's six practice areas, the tags a champion chooses their interests from.
AREA_LABELS: Final[dict[str, str]] = {str(k): v for k, v in PRACTICE_AREA_LABELS.items()}
_PHONE: Final = re.compile(r"^\+?[0-9][0-9 ()-]{5,}$")


class ProfileError(InputError):
    """A champion profile cannot be saved as entered; the message says what to change."""


@dataclass(frozen=True)
class ProfileForm:
    """What a champion enters about themselves."""

    profession: str = ""
    interests: str = ""
    areas: tuple[str, ...] = ()
    phone: str = ""
    teams_handle: str = ""
    show_email: bool = True
    show_phone: bool = False
    show_teams: bool = False


def _tidy(value: str, limit: int, what: str) -> str:
    text = " ".join(value.split()) if what != "Interests" else value.strip()
    if len(text) > limit:
        raise ProfileError(f"{what} must be {limit} characters or fewer.")
    return text


def checked_profile(form: ProfileForm) -> ProfileForm:
    """The form tidied, or a ProfileError saying what to change."""
    unknown = [area for area in form.areas if area not in AREA_LABELS]
    if unknown:
        raise ProfileError(f"'{unknown[0]}' is not one of the framework's practice areas.")
    phone = _tidy(form.phone, PHONE_MAX, "Phone number")
    if phone and not _PHONE.match(phone):
        raise ProfileError(
            "Enter the phone number with digits only, and spaces if you like, "
            "like 020 7946 0000 or +44 20 7946 0000."
        )
    if form.show_phone and not phone:
        raise ProfileError("Enter a phone number to show it, or choose not to show one.")
    teams = _tidy(form.teams_handle, TEAMS_MAX, "Microsoft Teams name")
    if form.show_teams and not teams:
        raise ProfileError("Enter your Microsoft Teams name to show it, or choose not to show it.")
    return ProfileForm(
        profession=_tidy(form.profession, PROFESSION_MAX, "Profession"),
        interests=_tidy(form.interests, INTERESTS_MAX, "Interests"),
        areas=tuple(area for area in AREA_LABELS if area in form.areas),
        phone=phone,
        teams_handle=teams,
        show_email=form.show_email,
        show_phone=form.show_phone,
        show_teams=form.show_teams,
    )


def join_areas(areas: Iterable[str]) -> str:
    return ",".join(areas)


def split_areas(stored: str) -> tuple[str, ...]:
    return tuple(area for area in stored.split(",") if area in AREA_LABELS)


@dataclass(frozen=True)
class Contact:
    """One way of reaching a champion, as the directory shows it."""

    label: str
    value: str


def shown_contacts(form: ProfileForm, email: str) -> tuple[Contact, ...]:
    """The ways of reaching the champion that they chose to show."""
    contacts: list[Contact] = []
    if form.show_email:
        contacts.append(Contact("Email", email))
    if form.show_phone and form.phone:
        contacts.append(Contact("Phone", form.phone))
    if form.show_teams and form.teams_handle:
        contacts.append(Contact("Microsoft Teams", form.teams_handle))
    return tuple(contacts)
