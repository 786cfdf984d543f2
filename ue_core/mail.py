"""Notification e-mails: a request's summary and a link to the workbench, sent over SMTP.

An e-mail never carries what anyone wrote on a request, only its summary (which the team chose)
and a link; people sign in to read the rest. E-mail is sent only when ``UE_SMTP_HOST`` is set:

| variable | meaning | default |
|---|---|---|
| ``UE_SMTP_HOST`` | the mail server; no e-mails are sent without it | (none) |
| ``UE_SMTP_PORT`` | its port | ``587`` with STARTTLS, else ``25`` |
| ``UE_SMTP_FROM`` | the sender address | required with a host |
| ``UE_SMTP_USER``, ``UE_SMTP_PASSWORD`` | sign in to the server (both or neither) | (none) |
| ``UE_SMTP_STARTTLS`` | ``true`` to upgrade the connection to TLS before signing in | ``false`` |
| ``UE_PUBLIC_URL`` | the workbench's address, for the link | required with a host |

Sending happens after the change is saved; a failure is logged (logger ``ue_core.mail``) and
never undoes the change.
"""

from __future__ import annotations

import logging
import os
import re
import smtplib
import ssl
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from enum import StrEnum
from urllib.parse import urlencode, urlsplit

from ue_core.config import ConfigError

_log = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 10
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


class NotificationKind(StrEnum):
    """What happened on a request that a person is told about."""

    REPLY = "reply"
    NOTE = "note"
    STATUS = "status"


#: What the inbox and the e-mail's subject line call each kind of event.
KIND_LABELS: dict[NotificationKind, str] = {
    NotificationKind.REPLY: "New reply",
    NotificationKind.NOTE: "New internal note",
    NotificationKind.STATUS: "Status changed",
}


@dataclass(frozen=True)
class Delivery:
    """One e-mail to send once a change is saved: who, about which request, and why."""

    to: str
    request_id: int
    request_subject: str
    kind: NotificationKind


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    sender: str
    public_url: str
    user: str = ""
    password: str = ""
    starttls: bool = False


def mail_settings(env: Mapping[str, str] | None = None) -> MailSettings | None:
    """The SMTP settings, or None when ``UE_SMTP_HOST`` is not set (no e-mail is sent).

    Raises ConfigError, naming the setting, when they are set but incomplete or malformed.
    """
    source = os.environ if env is None else env
    host = source.get("UE_SMTP_HOST", "").strip()
    if not host:
        return None
    raw_tls = source.get("UE_SMTP_STARTTLS", "").strip().lower()
    if raw_tls not in _TRUE | _FALSE:
        raise ConfigError(f"UE_SMTP_STARTTLS is '{raw_tls}': use true or false.")
    starttls = raw_tls in _TRUE
    raw_port = source.get("UE_SMTP_PORT", "").strip()
    if not raw_port:
        port = 587 if starttls else 25
    elif raw_port.isdecimal() and 1 <= int(raw_port) <= 65_535:
        port = int(raw_port)
    else:
        raise ConfigError(f"UE_SMTP_PORT is '{raw_port}': use a port number from 1 to 65535.")
    sender = source.get("UE_SMTP_FROM", "").strip()
    if "@" not in sender or any(c.isspace() for c in sender):
        raise ConfigError(
            "UE_SMTP_FROM must be the address e-mails come from, such as hub@example.gov.uk."
        )
    public_url = source.get("UE_PUBLIC_URL", "").strip().rstrip("/")
    parts = urlsplit(public_url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ConfigError(
            "UE_PUBLIC_URL must be the workbench's web address, such as "
            "https://workbench.example.gov.uk, so e-mails can link to it."
        )
    user = source.get("UE_SMTP_USER", "").strip()
    password = source.get("UE_SMTP_PASSWORD", "")
    if bool(user) != bool(password):
        raise ConfigError("Set both UE_SMTP_USER and UE_SMTP_PASSWORD, or neither.")
    return MailSettings(host, port, sender, public_url, user, password, starttls)


def request_link(public_url: str, request_id: int) -> str:
    """The inbox page opened at this request: where the reader signs in and reads it."""
    return f"{public_url.rstrip('/')}/inbox?{urlencode({'request': request_id})}"


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def compose(settings: MailSettings, delivery: Delivery) -> EmailMessage:
    """The e-mail for one delivery: the request's number and summary, and a link. Nothing else."""
    summary = _one_line(delivery.request_subject)
    link = request_link(settings.public_url, delivery.request_id)
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = delivery.to
    message["Subject"] = f"{KIND_LABELS[delivery.kind]} on request {delivery.request_id}: {summary}"
    message["Message-ID"] = make_msgid(domain=settings.sender.rsplit("@", 1)[1])
    message.set_content(
        f"Request {delivery.request_id}: {summary}\n"
        "\n"
        f"Sign in to the user engagement workbench to read it:\n{link}\n"
    )
    return message


def send(settings: MailSettings, messages: Iterable[EmailMessage]) -> int:
    """Send ``messages`` over one SMTP connection; return how many were sent."""
    sent = 0
    with smtplib.SMTP(settings.host, settings.port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.user:
            smtp.login(settings.user, settings.password)
        for message in messages:
            smtp.send_message(message)
            sent += 1
    return sent


def deliver(deliveries: Iterable[Delivery], env: Mapping[str, str] | None = None) -> int:
    """Send the notification e-mails for a saved change, if SMTP is configured.

    Call it after the change is committed. It never raises: a configuration or sending failure
    is logged, and the change stays saved. Returns how many e-mails were sent.
    """
    wanted = [d for d in deliveries if d.to]
    return _send_logged(len(wanted), lambda settings: (compose(settings, d) for d in wanted), env)


@dataclass(frozen=True)
class Notice:
    """An e-mail about no request (a reminder): its subject and the workbench page it opens."""

    to: str
    subject: str
    page: str


def page_link(public_url: str, page: str) -> str:
    """A page of the workbench, by its address (``your_update``)."""
    return f"{public_url.rstrip('/')}/{page.strip('/')}"


def compose_notice(settings: MailSettings, notice: Notice) -> EmailMessage:
    """The e-mail for one notice: its subject and a link to the page. Nothing else."""
    subject = _one_line(notice.subject)
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = notice.to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=settings.sender.rsplit("@", 1)[1])
    message.set_content(
        f"{subject}\n"
        "\n"
        "Sign in to the user engagement workbench to see it:\n"
        f"{page_link(settings.public_url, notice.page)}\n"
    )
    return message


def deliver_notices(notices: Iterable[Notice], env: Mapping[str, str] | None = None) -> int:
    """Send notice e-mails after a change is saved, if SMTP is configured (never raises, as
    :func:`deliver`). Returns how many were sent."""
    wanted = [n for n in notices if n.to]
    return _send_logged(
        len(wanted), lambda settings: (compose_notice(settings, n) for n in wanted), env
    )


def _send_logged(
    count: int,
    messages: Callable[[MailSettings], Iterable[EmailMessage]],
    env: Mapping[str, str] | None,
) -> int:
    if not count:
        return 0
    try:
        settings = mail_settings(env)
    except ConfigError as problem:
        _log.error("Notification e-mails are not sent: %s", problem)
        return 0
    if settings is None:
        return 0
    try:
        return send(settings, messages(settings))
    except (OSError, smtplib.SMTPException) as problem:
        _log.error(
            "Sending %d notification e-mail(s) through %s:%d failed: %s",
            count,
            settings.host,
            settings.port,
            problem,
        )
        return 0
