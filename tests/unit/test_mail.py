"""Notification e-mails: only the request's summary and a link, settings checked, and a real
send to an SMTP server on localhost read back."""

from __future__ import annotations

import logging

import pytest

from tests.smtp import free_port, local_smtp_server, smtp_environment
from ue_core.config import ConfigError
from ue_core.mail import (
    Delivery,
    MailSettings,
    NotificationKind,
    compose,
    deliver,
    mail_settings,
    request_link,
)

SETTINGS = MailSettings(
    host="127.0.0.1", port=25, sender="hub@workbench.example", public_url="https://wb.example"
)


def test_the_email_has_the_summary_and_a_link_and_nothing_else() -> None:
    message = compose(
        SETTINGS,
        Delivery("sam@team.example", 12, "Setting up a user\ngroup", NotificationKind.REPLY),
    )
    assert message["From"] == "hub@workbench.example"
    assert message["To"] == "sam@team.example"
    # Line breaks in a summary cannot add headers.
    assert message["Subject"] == "New reply on request 12: Setting up a user group"
    assert message.get_content() == (
        "Request 12: Setting up a user group\n"
        "\n"
        "Sign in to the user engagement workbench to read it:\n"
        "https://wb.example/inbox?request=12\n"
    )
    assert not message.is_multipart()


@pytest.mark.parametrize(
    ("kind", "words"),
    [(NotificationKind.STATUS, "Status changed"), (NotificationKind.NOTE, "New internal note")],
)
def test_the_subject_says_what_happened(kind: NotificationKind, words: str) -> None:
    message = compose(SETTINGS, Delivery("a@b.example", 3, "Survey", kind))
    assert message["Subject"] == f"{words} on request 3: Survey"


def test_the_link_opens_the_inbox_at_the_request() -> None:
    assert request_link("https://wb.example/", 7) == "https://wb.example/inbox?request=7"


def test_no_host_means_no_email() -> None:
    assert mail_settings({}) is None


def test_settings_are_read_with_their_defaults() -> None:
    settings = mail_settings(
        {
            "UE_SMTP_HOST": "smtp.example",
            "UE_SMTP_FROM": "hub@example.gov.uk",
            "UE_PUBLIC_URL": "https://wb.example/",
            "UE_SMTP_STARTTLS": "true",
            "UE_SMTP_USER": "hub",
            "UE_SMTP_PASSWORD": "secret",
        }
    )
    assert settings == MailSettings(
        "smtp.example", 587, "hub@example.gov.uk", "https://wb.example", "hub", "secret", True
    )


@pytest.mark.parametrize(
    ("change", "names"),
    [
        ({"UE_SMTP_PORT": "seventy"}, "UE_SMTP_PORT"),
        ({"UE_SMTP_FROM": ""}, "UE_SMTP_FROM"),
        ({"UE_PUBLIC_URL": "workbench"}, "UE_PUBLIC_URL"),
        ({"UE_SMTP_STARTTLS": "maybe"}, "UE_SMTP_STARTTLS"),
        ({"UE_SMTP_USER": "hub"}, "UE_SMTP_USER and UE_SMTP_PASSWORD"),
    ],
)
def test_bad_settings_are_named(change: dict[str, str], names: str) -> None:
    env = {**smtp_environment(25), **change}
    with pytest.raises(ConfigError, match=names):
        mail_settings(env)


def test_a_notification_is_sent_to_a_local_smtp_server_and_read_back() -> None:
    with local_smtp_server() as (port, received):
        sent = deliver(
            [Delivery("sam@team.example", 5, "Survey advice", NotificationKind.REPLY)],
            smtp_environment(port),
        )
    assert sent == 1
    [message] = received.messages
    assert received.envelopes == [("hub@workbench.example", ["sam@team.example"])]
    assert message["From"] == "hub@workbench.example"
    assert message["To"] == "sam@team.example"
    assert message["Subject"] == "New reply on request 5: Survey advice"
    body = message.get_content()
    assert "https://workbench.example/inbox?request=5" in body
    assert body.splitlines()[0] == "Request 5: Survey advice"


def test_a_server_that_cannot_be_reached_is_logged_not_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="ue_core.mail"):
        sent = deliver(
            [Delivery("sam@team.example", 5, "Survey", NotificationKind.REPLY)],
            smtp_environment(free_port()),
        )
    assert sent == 0
    assert "Sending 1 notification e-mail(s) through 127.0.0.1" in caplog.text


def test_incomplete_settings_are_logged_and_nothing_is_sent(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="ue_core.mail"):
        sent = deliver(
            [Delivery("sam@team.example", 5, "Survey", NotificationKind.REPLY)],
            {"UE_SMTP_HOST": "127.0.0.1"},
        )
    assert sent == 0
    assert "UE_SMTP_FROM" in caplog.text


def test_a_notice_email_holds_its_subject_and_a_link_only() -> None:
    from ue_core.mail import Notice, compose_notice

    settings = mail_settings(
        {
            "UE_SMTP_HOST": "smtp.example",
            "UE_SMTP_FROM": "hub@workbench.example",
            "UE_PUBLIC_URL": "https://workbench.example/",
        }
    )
    assert settings is not None
    message = compose_notice(
        settings, Notice("sam@team.example", "Reminder: your update\nfor May", "your_update")
    )
    assert message["Subject"] == "Reminder: your update for May"
    assert message["To"] == "sam@team.example"
    assert message.get_content() == (
        "Reminder: your update for May\n\nSign in to the user engagement workbench to see it:\n"
        "https://workbench.example/your_update\n"
    )
