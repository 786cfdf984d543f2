"""Champion Chat tables for the hub's page and the champion's page."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ue_core.services.champion_chats import ChatGroupView, ChatPerson, PastRound
from ue_core.text import plural
from ue_core.vocabulary import CHAT_ROUND_STATE_LABELS


def contacts_frame(people: Sequence[ChatPerson]) -> pd.DataFrame:
    """Who is in a group and how to reach them."""
    return pd.DataFrame(
        {
            "Name": [person.name for person in people],
            "Organisation": [person.organisation for person in people],
            "E-mail": [person.email for person in people],
        }
    )


def groups_frame(groups: Sequence[ChatGroupView]) -> pd.DataFrame:
    """One row per champion: their group, organisation and who in the group they met before."""
    rows: dict[str, list[object]] = {
        "Group": [],
        "Champion": [],
        "Organisation": [],
        "E-mail": [],
        "Met before in this group": [],
    }
    for group in groups:
        for person in group.members:
            met = sorted(
                b if a == person.name else a for a, b in group.met_before if person.name in (a, b)
            )
            rows["Group"].append(group.number)
            rows["Champion"].append(person.name)
            rows["Organisation"].append(person.organisation)
            rows["E-mail"].append(person.email)
            rows["Met before in this group"].append(", ".join(met) if met else "No one")
    return pd.DataFrame(rows)


def mix_frame(groups: Sequence[ChatGroupView]) -> pd.DataFrame:
    """One row per group: its size, the organisation mix and the repeat pairings flagged."""
    return pd.DataFrame(
        {
            "Group": [group.number for group in groups],
            "People": [len(group.members) for group in groups],
            "Organisation mix": [
                group.organisation_mix()
                + (": two or more from one organisation" if group.same_organisation else "")
                for group in groups
            ],
            "Pairs who met before": [
                "; ".join(f"{a} and {b}" for a, b in group.met_before) or "None" for group in groups
            ],
        }
    )


def history_frame(rounds: Sequence[PastRound]) -> pd.DataFrame:
    """The months drawn so far, newest first, with their repeat pairings."""
    return pd.DataFrame(
        {
            "Month": [r.label for r in rounds],
            "State": [CHAT_ROUND_STATE_LABELS[r.state] for r in rounds],
            "Groups": [r.groups for r in rounds],
            "Champions": [r.champions for r in rounds],
            "Pairs who had met before": [r.repeat_pairs for r in rounds],
            "Groups with two from one organisation": [r.same_organisation_groups for r in rounds],
        }
    )


def describe_summary(groups: int, champions: int, repeats: int, same: int) -> str:
    """One sentence the hub reads before publishing."""
    return (
        f"{plural(groups, 'group')} of {plural(champions, 'champion')}; "
        f"{plural(repeats, 'pair')} met in an earlier month; "
        f"{plural(same, 'group')} with two people from one organisation."
    )
