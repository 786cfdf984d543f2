"""The workbench's fixed vocabularies: roles and statuses, named as users know them.

They live here, not with the database models, so pages and domain code can use them without
touching the data layer.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a person may do, held per membership."""

    MEMBER = "member"
    LEAD = "lead"
    CHAMPION = "champion"
    CONSULTANT = "consultant"
    ADMIN = "admin"


class AssessmentStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class EvidenceStrength(StrEnum):
    SELF_REPORTED = "self_reported"
    DOCUMENTED = "documented"
    EXTERNALLY_VERIFIED = "externally_verified"


EVIDENCE_STRENGTH_LABELS: dict[str, str] = {
    EvidenceStrength.SELF_REPORTED: "Self-reported",
    EvidenceStrength.DOCUMENTED: "Documented",
    EvidenceStrength.EXTERNALLY_VERIFIED: "Externally verified",
}


class ActionStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"


#: Labels of an action's status, for a team's action plan and for the hub's "you said, we did".
ACTION_STATUS_LABELS: dict[str, str] = {
    ActionStatus.PLANNED: "Planned",
    ActionStatus.IN_PROGRESS: "In progress",
    ActionStatus.DONE: "Done",
}


class RequestStatus(StrEnum):
    """A support request's place in the hub's workflow, in order."""

    NEW = "new"
    TRIAGED = "triaged"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    WAITING_ON_TEAM = "waiting_on_team"
    RESOLVED = "resolved"
    CLOSED = "closed"


class RequestPriority(StrEnum):
    """How soon the hub should act on a request, confirmed at triage."""

    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


REQUEST_PRIORITY_LABELS: dict[str, str] = {
    RequestPriority.HIGH: "High",
    RequestPriority.NORMAL: "Normal",
    RequestPriority.LOW: "Low",
}


class ChatRoundState(StrEnum):
    """A month's Champion Chats: drawn and open to change by the hub, then published (frozen)."""

    DRAFT = "draft"
    PUBLISHED = "published"


CHAT_ROUND_STATE_LABELS: dict[str, str] = {
    ChatRoundState.DRAFT: "Draft: not yet shown to champions",
    ChatRoundState.PUBLISHED: "Published",
}
