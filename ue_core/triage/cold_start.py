"""A router that starts cold: learnt from the framework's own practice descriptions.

Before the hub has any confirmed triage history, each practice's title, statement, help and
level descriptors stand in for past requests about it. Labels are practice keys, or with
``by="area"`` the practice areas of the self-assessment (``promote``, ``listen``, ...).

The framework's descriptions are not requests: held out, they are told apart far more easily
than real requests are, so a temperature fitted on them would make the router overconfident
(a request about lunch came out 99% "Act on the feedback"). Until there is confirmed history
to learn from, the cold-start router uses a set, cautious temperature and a higher threshold.
"""

from __future__ import annotations

from typing import Final, Literal

from ue_core.framework import Framework, Practice
from ue_core.triage.router import RequestRouter

LabelKind = Literal["practice", "area"]

#: The temperature of a cold-start router's confidences (its scores lie between about -1.5 and 1).
COLD_START_TEMPERATURE: Final = 0.5
#: Below this confidence a cold-start suggestion says "needs a person".
COLD_START_THRESHOLD: Final = 0.6


def practice_texts(practice: Practice) -> list[str]:
    """The texts that describe one practice: title with statement, help, and each level."""
    return [
        f"{practice.title}. {practice.statement}",
        practice.help,
        *(f"{practice.title}: {descriptor}" for descriptor in practice.levels.values()),
    ]


def framework_examples(
    framework: Framework, by: LabelKind = "practice"
) -> tuple[list[str], list[str]]:
    """Texts and labels built from the framework's practices."""
    texts: list[str] = []
    labels: list[str] = []
    for practice in framework.practices():
        label = practice.key if by == "practice" else practice.practice_area
        for text in practice_texts(practice):
            texts.append(text)
            labels.append(label)
    return texts, labels


def cold_start_router(
    framework: Framework,
    by: LabelKind = "practice",
    *,
    seed: int = 0,
    backend: str | None = None,
) -> RequestRouter:
    """A router learnt only from the framework's practice descriptions, cautious by design."""
    texts, labels = framework_examples(framework, by)
    router = RequestRouter.fit(texts, labels, seed, backend=backend, threshold=COLD_START_THRESHOLD)
    return router.with_temperature(COLD_START_TEMPERATURE)
