"""Dates and times as people in the UK read them. The database holds UTC; we show UK time."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def uk_today(now: datetime | None = None) -> date:
    moment = now or datetime.now(UTC)
    return moment.astimezone(UK).date()


def format_date(value: date | None) -> str:
    """'21 November 2026' (GOV.UK style); an empty string for no date."""
    if value is None:
        return ""
    return f"{value.day} {value.strftime('%B %Y')}"


def format_datetime(value: datetime | None) -> str:
    """'21 November 2026, 2:05pm' in UK local time (GMT or BST)."""
    if value is None:
        return ""
    local = value.astimezone(UK)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{format_date(local.date())}, {hour}:{local.minute:02d}{suffix}"
